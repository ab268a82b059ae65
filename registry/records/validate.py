"""Record validation, driven by the field catalogue.

Each check returns problems as ``(line, message)`` and never raises, in the
manner of python/peps' ``check-peps.py``. ``normalise`` also returns the value
the author meant (raw text for YAML 1.1 misreadings), so that the stored and
exported record is exactly what was written.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from registry.records import catalogue as cat
from registry.records.frontmatter import Parsed, Path_, parse

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[a-zA-Z]{2,}$")
_MISREAD = {"bool": "un booléen (oui/non de YAML 1.1)", "int": "un nombre", "float": "un nombre",
            "null": "une valeur vide"}


@dataclass
class Problem:
    line: int
    message: str
    warning: bool = False


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

    @property
    def ok(self) -> bool:
        return self.meta is not None and not any(not p.warning for p in self.problems)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        name = str(part) if str(part).strip() else f"« {part} »"  # an empty or blank key
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
    return out


def suggest(word: str, choices: Iterable[str]) -> str:
    """A « did you mean » hint: the closest choice, or one that starts with the word."""
    word, choices = str(word).lower(), list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    close = close or [c for c in choices if len(word) >= 3 and c.startswith(word)][:1]
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def valid_date(text: str) -> bool:
    m = DATE_RE.match(text)
    if not m:
        return False
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return False
    if day and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return False
    return True


def valid_url(text: str) -> bool:
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "." in parts.netloc


class _Checker:
    """Walks a parsed front matter along the catalogue, normalising values."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.problems: list[Problem] = []

    def line(self, path: Path_) -> int:
        while path not in self.parsed.lines and path:
            path = path[:-1]
        return self.parsed.lines.get(path, self.parsed.front_matter_line)

    def error(self, path: Path_, message: str, warning: bool = False) -> None:
        where = dotted(path)
        self.problems.append(Problem(self.line(path), f"{where} : {message}" if where else message,
                                     warning))

    def text_value(self, value: object, path: Path_) -> object:
        """Return the raw text when YAML resolved a plain scalar to a non-string."""
        if isinstance(value, str) or path not in self.parsed.raw:
            return value
        raw, kind = self.parsed.raw[path]
        if kind in ("bool", "null") or (kind == "int" and raw.lstrip("+-").startswith("0")
                                        and raw not in ("0",)):
            self.error(path, f"« {raw} » a été lu par YAML comme {_MISREAD.get(kind, kind)} ; "
                       f"il est compris comme le texte « {raw} » (mettez-le entre guillemets)",
                       warning=True)
        return raw

    def mapping(self, data: object, fields: tuple[cat.Field, ...], path: Path_) -> dict | None:
        if not isinstance(data, dict):
            self.error(path, f"une liste de clés est attendue, pas {_kind(data)}")
            return None
        known = {f.key: f for f in fields}
        out: dict = {}
        for key, value in data.items():
            if key not in known:
                self.error(path + (key,), "clé inconnue" + suggest(key, known))
                continue
            if value is None:  # an empty optional key is absent; a required one is reported below
                continue
            out[key] = self.value(value, known[key], path + (key,))
        for f in fields:
            if f.required and data.get(f.key) is None:
                where = path + (f.key,) if f.key in data else path
                what = "vide" if f.key in data else "manquante"
                self.problems.append(Problem(self.line(where), f"{dotted(path + (f.key,))} : "
                                             f"clé obligatoire {what} ({f.label})"))
        return out

    def value(self, value: object, f: cat.Field, path: Path_) -> object:
        check = getattr(self, "check_" + f.type)
        return check(value, f, path)

    def check_text(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str):
            self.error(path, f"du texte est attendu, pas {_kind(value)}")
            return value
        if not value.strip():
            self.error(path, "texte vide")
        if f.max_length and len(value) > f.max_length:
            self.error(path, f"texte trop long ({len(value)} caractères, {f.max_length} au plus)")
        return value

    def check_enum(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if value not in f.choices:
            allowed = ", ".join(f.choices)
            self.error(path, f"« {value} » n'est pas une valeur autorisée (valeurs possibles : "
                       f"{allowed}){suggest(str(value), f.choices)}")
        return value

    def check_date(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not valid_date(value):
            self.error(path, f"date « {value} » invalide : écrivez AAAA, AAAA-MM ou AAAA-MM-JJ")
        return value

    def check_url(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not valid_url(value):
            self.error(path, f"adresse « {value} » invalide : une URL http:// ou https:// "
                       "complète est attendue")
        return value

    def check_siren(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        text = str(value).replace(" ", "")
        if not re.fullmatch(r"\d{9}", text):
            self.error(path, f"SIREN « {value} » invalide : 9 chiffres attendus")
        elif not luhn_ok(text):
            self.error(path, f"SIREN « {value} » invalide : la clé de contrôle (Luhn) est fausse")
        return text if re.fullmatch(r"\d{9}", text) else value

    def check_email_or_url(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not (EMAIL_RE.match(value) or valid_url(value)):
            self.error(path, f"« {value} » n'est ni une adresse électronique ni une URL http(s)")
        return value

    def check_bool(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, bool):
            self.error(path, f"true ou false attendu, pas « {value} »")
        return value

    def check_int(self, value: object, f: cat.Field, path: Path_) -> object:
        if f.key == "schema" and value != cat.SCHEMA_VERSION:
            self.error(path, f"version de schéma « {value} » inconnue : "
                       f"{cat.SCHEMA_VERSION} attendu")
        return value

    def check_number(self, value: object, f: cat.Field, path: Path_) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.error(path, f"un montant positif est attendu (nombre sans espace ni €), "
                       f"pas « {value} »")
        return value

    def check_text_list(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, list):
            self.error(path, f"une liste est attendue, pas {_kind(value)}")
            return value
        return [self.check_text(v, f, path + (i,)) for i, v in enumerate(value)]

    def check_object(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, dict):
            self.error(path, f"une liste de clés est attendue, pas {_kind(value)}")
            return value
        return self.mapping(value, f.children, path)

    def check_object_list(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, list):
            self.error(path, f"une liste (lignes commençant par « - ») est attendue, "
                       f"pas {_kind(value)}")
            return value
        if len(value) < f.min_items:
            self.error(path, f"au moins {f.min_items} élément(s) attendu(s)")
        return [self.check_object(v, f, path + (i,)) for i, v in enumerate(value)]

    def check_transparence(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, dict):
            self.error(path, f"une liste de critères est attendue, pas {_kind(value)}")
            return value
        out = {}
        for key, item in value.items():
            if key not in cat.CRITERIA_BY_KEY:
                self.error(path + (key,), "critère inconnu" + suggest(key, cat.CRITERIA_BY_KEY))
                continue
            if item is None:
                continue
            checked = self.check_object(item, f, path + (key,))
            if isinstance(checked, dict) and checked.get("etat") in cat.ETATS_WITH_URL \
                    and not checked.get("url"):
                self.error(path + (key, "etat"), f"l'état « {checked['etat']} » exige une url "
                           "(la preuve de la publication)")
            out[key] = checked
        return out


def _kind(value: object) -> str:
    return {dict: "une liste de clés", list: "une liste", str: "du texte", bool: "un booléen",
            type(None): "une valeur vide"}.get(type(value), "un nombre")


def check_cross_fields(meta: dict, checker: _Checker) -> None:
    start, end = meta.get("date_debut"), meta.get("date_fin")
    if isinstance(start, str) and isinstance(end, str) and valid_date(start) \
            and valid_date(end) and end < start[: len(end)]:
        checker.error(("date_fin",), f"la date de fin {end} précède la date de début {start}")


def check_text(path: Path, text: str) -> Checked:
    """Check the content of one record file."""
    parsed = parse(text)
    ident = path.stem
    result = Checked(path, ident, None, parsed.body, parsed.body_line, parsed.lines,
                     [Problem(line, msg) for line, msg in parsed.problems])
    if not ID_RE.match(ident):
        result.problems.append(Problem(1, f"nom de fichier « {path.name} » invalide : "
                                       "l'identifiant doit être en minuscules ascii, chiffres et "
                                       "tirets (ex. caf-score-risque.md)"))
    if parsed.data is None:
        return result
    checker = _Checker(parsed)
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
    meta = checker.mapping(data, cat.FIELDS, ())
    check_cross_fields(meta or {}, checker)
    result.problems += checker.problems
    result.problems.sort(key=lambda p: p.line)
    result.meta = meta
    return result


def check_file(path: Path) -> Checked:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Checked(path, path.stem, None, "", 1, {}, [Problem(1, f"lecture impossible : "
                                                                    f"{exc.strerror}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Checked(path, path.stem, None, "", 1, {},
                       [Problem(line, "le fichier n'est pas en UTF-8")])
    return check_text(path, text)


def record_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        files += sorted(p.glob("*.md")) if p.is_dir() else [p]
    return files


def check_paths(paths: Iterable[Path]) -> list[Checked]:
    """Check every record under the given files or folders, including duplicate ids."""
    results = [check_file(p) for p in record_files(paths)]
    seen: dict[str, Path] = {}
    for r in results:
        if r.id in seen and seen[r.id] != r.path:
            r.problems.append(Problem(1, f"identifiant « {r.id} » en double (déjà utilisé par "
                                         f"{seen[r.id]})"))
        seen.setdefault(r.id, r.path)
    _check_administration_names(results)
    return results


def _check_administration_names(results: list[Checked]) -> None:
    """Warn when one administration is spelled two ways (groupings and joins would split)."""
    from registry.text import slugify

    seen: dict[str, str] = {}
    for r in results:
        admin = (r.meta or {}).get("administration")
        name = admin.get("nom") if isinstance(admin, dict) else None
        if not isinstance(name, str):
            continue
        first = seen.setdefault(slugify(name), name)
        if first != name:
            line = r.lines.get(("administration", "nom"), 1)
            r.problems.append(Problem(line, f"administration.nom : « {name} » s'écrit « {first} » "
                                            "dans une autre fiche ; utilisez le même nom",
                                      warning=True))


def format_problems(results: Iterable[Checked]) -> list[str]:
    lines = []
    for r in results:
        for p in r.problems:
            prefix = "attention : " if p.warning else ""
            lines.append(f"{r.path}:{p.line}: {prefix}{p.message}")
    return lines
