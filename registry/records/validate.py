"""Record validation, driven by the field catalogue.

Each check yields problems as ``(line, message)`` and never raises, in the manner of
python/peps' ``check-peps.py``; ``format_problems`` prints them as ``path:line: message``.
Two kinds of files: algorithm records and administration records (same format, each with its
own fields). References between files (an algorithm's administration, a successor record)
are checked when the sets of known ids are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from registry.law import aiact
from registry.records import catalogue as cat
from registry.records import citations, sourcepolicy
from registry.records.checker import (  # noqa: F401  (re-exported: the validator's interface)
    EMAIL_RE,
    Checker,
    Problem,
    dotted,
    luhn_ok,
    suggest,
    valid_date,
    valid_url,
)
from registry.records.frontmatter import Path_, parse

ID_RE = citations.KEY_RE


@dataclass
class References:
    """Ids a record may point to; None when unknown (the reference is then not checked)."""

    administrations: frozenset[str] | None = None
    algorithms: frozenset[str] | None = None
    cada_labels: frozenset[str] | None = None  # names of the CADA response-rate file


@dataclass
class Checked:
    """The outcome of checking one file."""

    path: Path
    id: str
    meta: dict | None
    body: str
    body_line: int
    lines: dict[Path_, int]
    problems: list[Problem] = field(default_factory=list)
    kind: str = cat.ALGORITHME

    @property
    def ok(self) -> bool:
        return self.meta is not None and not any(not p.warning for p in self.problems)


# Uncited sources are errors: every source must back something the record states.
UNCITED_SOURCE_IS_ERROR = True


def check_cross_fields(meta: dict, checker: Checker) -> None:
    start, end = meta.get("date_debut"), meta.get("date_fin")
    if isinstance(start, str) and isinstance(end, str) and valid_date(start) \
            and valid_date(end) and end < start[: len(end)]:
        checker.error(("date_fin",), f"la date de fin {end} précède la date de début {start}")
    if meta.get("remplace_par") and meta.get("statut") not in ("abandonne", "suspendu"):
        checker.error(("remplace_par",), "un système remplacé a d'ordinaire le statut "
                      "« abandonne » et une date_fin", warning=True)
    _check_ai_act(meta.get("ai_act"), checker)


def _check_ai_act(ai: object, checker: Checker) -> None:
    if not isinstance(ai, dict):
        return
    categorie, point = ai.get("categorie"), ai.get("point")
    if ai.get("systeme_ia") == "non" and categorie not in (None, "non_concerne"):
        checker.error(("ai_act", "categorie"), "un système qui n'est pas un système d'IA est "
                      "« non_concerne »")
    if ai.get("systeme_ia") == "oui" and categorie == "non_concerne":
        checker.error(("ai_act", "categorie"), "« non_concerne » est réservé aux systèmes qui "
                      "ne sont pas des systèmes d'IA")
    needs_point = ("interdit", "haut_risque", "transparence", "hors_champ")
    if categorie in needs_point and not point:
        points = [p.key for p in aiact.POINTS if p.categorie == categorie]
        checker.error(("ai_act", "point"), f"la catégorie « {categorie} » exige le point qui la "
                      f"fonde : {', '.join(points[:4])}{'…' if len(points) > 4 else ''}")
    if point in aiact.POINTS_BY_KEY and categorie in aiact.CATEGORIES \
            and aiact.POINTS_BY_KEY[point].categorie != categorie:
        expected = aiact.POINTS_BY_KEY[point].categorie
        checker.error(("ai_act", "point"), f"le point « {point} » relève de la catégorie "
                      f"« {expected} », pas « {categorie} »")
    for key in (ai.get("obligations") or {}):
        obligation = aiact.OBLIGATIONS_BY_KEY.get(key)
        if obligation and obligation.categorie != categorie:
            checker.error(("ai_act", "obligations", key), f"l'obligation « {key} » ne découle "
                          f"pas de la catégorie « {categorie} »", warning=True)


def check_citations(meta: dict, body: str, body_line: int, checker: Checker) -> None:
    """Unknown keys, uncited sources, figures without citation, sources to avoid."""
    sources = [s for s in meta.get("sources") or [] if isinstance(s, dict)]
    known: dict[str, int] = {}
    for index, source in enumerate(sources):
        key = source.get("cle")
        if isinstance(key, str):
            if key in known:
                checker.error(("sources", index, "cle"), f"clé « {key} » déjà utilisée par la "
                              f"source n° {known[key] + 1}")
            known.setdefault(key, index)
        if isinstance(source.get("url"), str) and (why := sourcepolicy.problem(source["url"])):
            checker.error(("sources", index, "url"), why, warning=True)
    for path, key in citations.field_citations(meta):
        if key not in known:
            checker.error(path, f"renvoi à une source inconnue « {key} »{suggest(key, known)}")
    body_problems: list[Problem] = []
    for unit in citations.units(body):
        line = body_line + unit.line - 1
        for key in unit.markers:
            if not citations.KEY_RE.match(key):
                body_problems.append(Problem(line, f"renvoi « [^{key}] » mal formé : la clé "
                                                   "s'écrit en minuscules, chiffres et tirets"))
            elif key not in known:
                body_problems.append(Problem(line, f"renvoi [^{key}] à une source inconnue"
                                                   f"{suggest(key, known)}"))
        if unit.factual and not unit.markers:
            body_problems.append(Problem(line, "paragraphe avec des chiffres ou des dates sans "
                                               "renvoi à une source ([^cle])", warning=True))
    checker.problems += body_problems
    described = citations.body_keys(str(meta.get("description_en") or ""))
    for key in sorted(described - set(known)):
        checker.error(("description_en",), f"renvoi [^{key}] à une source inconnue")
    used = citations.cited(meta, body)
    for key, index in known.items():
        if key not in used:
            checker.error(("sources", index, "cle"), f"la source « {key} » n'est citée nulle "
                          "part : ajoutez un renvoi [^" + key + "] là où elle établit un fait, "
                          "ou retirez-la", warning=not UNCITED_SOURCE_IS_ERROR)


def check_text(path: Path, text: str, kind: str = cat.ALGORITHME,
               references: References | None = None) -> Checked:
    """Check the content of one record file."""
    parsed = parse(text)
    ident = path.stem
    result = Checked(path, ident, None, parsed.body, parsed.body_line, parsed.lines,
                     [Problem(line, msg) for line, msg in parsed.problems], kind)
    if not ID_RE.match(ident):
        result.problems.append(Problem(1, f"nom de fichier « {path.name} » invalide : "
                                       "l'identifiant doit être en minuscules ascii, chiffres et "
                                       "tirets (ex. caf-score-risque.md)"))
    if parsed.data is None:
        return result
    checker = Checker(parsed)
    checker.kind = kind
    if not isinstance(parsed.data, dict):
        checker.problems.append(Problem(parsed.front_matter_line,
                                        "l'en-tête YAML doit être une liste de clés"))
        result.problems += checker.problems
        return result
    data = dict(parsed.data)
    declared = data.pop("id", None)
    if declared is not None and str(declared) != ident:
        checker.error(("id",), f"l'identifiant « {declared} » ne correspond pas au nom du "
                      f"fichier « {ident} »")
    meta = checker.mapping(data, cat.FIELDS_OF_KIND[kind], ())
    if meta is not None and meta.get("schema") == cat.SCHEMA_VERSION:
        check_cross_fields(meta, checker)
        check_citations(meta, parsed.body, parsed.body_line, checker)
        _check_references(meta, kind, references or References(), checker)
    if control := _body_control(parsed.body):
        line, what = control
        checker.problems.append(Problem(parsed.body_line + line - 1, f"{what} dans le texte"))
    result.problems += checker.problems
    result.problems.sort(key=lambda p: p.line)
    result.meta = meta
    return result


def _body_control(body: str) -> tuple[int, str] | None:
    from registry.records.checker import control_character

    for number, line in enumerate(body.split("\n"), start=1):
        if what := control_character(line.rstrip("\r")):
            return number, what
    return None


def _check_references(meta: dict, kind: str, refs: References, checker: Checker) -> None:
    fields = cat.FIELDS_OF_KIND[kind]
    if kind == cat.ADMINISTRATION and refs.cada_labels is not None:
        for i, name in enumerate(meta.get("cada_libelles") or []):
            if isinstance(name, str) and name not in refs.cada_labels:
                checker.error(("cada_libelles", i), f"« {name} » n'est pas un nom du fichier des "
                              "taux de réponse de la CADA (data/references/)"
                              + suggest(name, refs.cada_labels))
    for f in fields:
        if f.type != cat.REF or not isinstance(meta.get(f.key), str):
            continue
        known = refs.administrations if f.ref == cat.ADMINISTRATION else refs.algorithms
        value = meta[f.key]
        if known is not None and value not in known:
            folder = "data/administrations" if f.ref == cat.ADMINISTRATION else "data/algorithms"
            checker.error((f.key,), f"« {value} » ne correspond à aucun fichier de {folder}"
                          f"{suggest(value, known)}")


def check_file(path: Path, kind: str = cat.ALGORITHME,
               references: References | None = None) -> Checked:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Checked(path, path.stem, None, "", 1, {}, [Problem(1, f"lecture impossible : "
                                                                    f"{exc.strerror}")], kind)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Checked(path, path.stem, None, "", 1, {},
                       [Problem(line, "le fichier n'est pas en UTF-8")], kind)
    return check_text(path, text, kind, references)


def record_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        files += sorted(p.glob("*.md")) if p.is_dir() else [p]
    return files


def ids_in(folder: Path | None) -> frozenset[str] | None:
    """The record ids of a folder (its file names), or None without a folder."""
    if folder is None or not Path(folder).is_dir():
        return None
    return frozenset(p.stem for p in Path(folder).glob("*.md"))


def check_paths(paths: Iterable[Path], kind: str = cat.ALGORITHME,
                references: References | None = None) -> list[Checked]:
    """Check every record under the given files or folders, including duplicate ids."""
    results = [check_file(p, kind, references) for p in record_files(paths)]
    seen: dict[str, Path] = {}
    for r in results:
        if r.id in seen and seen[r.id] != r.path:
            r.problems.append(Problem(1, f"identifiant « {r.id} » en double (déjà utilisé par "
                                         f"{seen[r.id]})"))
        seen.setdefault(r.id, r.path)
    return results


def check_registry(algorithms: Path, administrations: Path) -> list[Checked]:
    """Check both folders of a register and the references between them."""
    from registry.records import cada_rates as response_rates

    rates = response_rates.reference_file(algorithms)
    refs = References(ids_in(administrations) or frozenset(), ids_in(algorithms),
                      response_rates.labels_in(rates) if rates.is_file() else None)
    results = check_paths([administrations], cat.ADMINISTRATION, refs) \
        if Path(administrations).is_dir() else []
    return results + check_paths([algorithms], cat.ALGORITHME, refs)


def format_problems(results: Iterable[Checked]) -> list[str]:
    lines = []
    for r in results:
        for p in r.problems:
            prefix = "attention : " if p.warning else ""
            lines.append(f"{r.path}:{p.line}: {prefix}{p.message}")
    return lines
