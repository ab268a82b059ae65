"""Field-level differences between two versions of a record, and their coverage effect.

Plain Python: compares two front matters key by key along the catalogue (so every
change carries the field's French label), diffs the Markdown bodies line by line, and
compares the coverage figures of two sets of records.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from registry.coverage.figures import criteria_coverage
from registry.records import catalogue as cat
from registry.records.model import Record

ABSENT = "(absent)"


@dataclass
class FieldChange:
    path: str  # dotted path, e.g. "transparence.budget.etat" or "sources[1].url"
    label: str  # French label built from the catalogue
    old: object
    new: object

    @property
    def kind(self) -> str:
        if self.old is None:
            return "ajout"
        return "suppression" if self.new is None else "modification"

    @property
    def old_text(self) -> str:
        return show(self.old)

    @property
    def new_text(self) -> str:
        return show(self.new)

    def line(self, limit: int = 160) -> str:
        return f"{self.label} ({self.path}) : {cut(self.old_text, limit)} → " \
               f"{cut(self.new_text, limit)}"


@dataclass
class RecordDiff:
    id: str
    status: str  # "ajoutée", "modifiée", "supprimée", "invalide"
    changes: list[FieldChange] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # unified diff lines of the body
    nom: str = ""


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def show(value: object) -> str:
    """A short French rendering of a value for a diff line."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} : {show(v)}" for k, v in value.items()) + "}"
    return f"« {value} »"


def _schema_path(parts: list[str | int]) -> str:
    """The catalogue path of a diff path: indices dropped, criterion keys skipped."""
    out: list[str] = []
    for i, part in enumerate(parts):
        if isinstance(part, int):
            continue
        if i > 0 and parts[i - 1] == "transparence" and part in cat.CRITERIA_BY_KEY:
            continue
        out.append(part)
    return ".".join(out)


NUMBERED = {"fr": " n° {n}", "en": " no. {n}"}


def label_of(parts: list[str | int], lang: str = "fr") -> str:
    """« Transparence › Budget › État », « Sources n° 2 › Adresse »… from the catalogue, in
    `lang` (« Transparency › Budget › Status », « Sources no. 2 › Address »)."""
    labels: list[str] = []
    for i, part in enumerate(parts):
        if isinstance(part, int):
            if labels:
                labels[-1] += NUMBERED.get(lang, NUMBERED["fr"]).format(n=part + 1)
            continue
        if i > 0 and parts[i - 1] == "transparence" and part in cat.CRITERIA_BY_KEY:
            labels.append(cat.CRITERIA_BY_KEY[part].label_for(lang))
            continue
        labels.append(cat.label(_schema_path(parts[: i + 1]), lang=lang)
                      if _known(parts[: i + 1])
                      else str(part))
    return " › ".join(labels)


def _known(parts: list[str | int]) -> bool:
    return cat.field_at(_schema_path(parts)) is not None


def dotted(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _is_object_list(parts: list[str | int]) -> bool:
    f = cat.field_at(_schema_path(parts))
    return f is not None and f.type == cat.OBJECT_LIST


def _walk(old: object, new: object, parts: list[str | int], out: list[FieldChange]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [k for k in new if k not in old]
        for key in _ordered(keys, parts):
            _walk(old.get(key), new.get(key), parts + [key], out)
        return
    if isinstance(old, list) and isinstance(new, list) and _is_object_list(parts):
        _walk_items(old, new, parts, out)
        return
    out.append(FieldChange(dotted(parts), label_of(parts), old, new))


def _identity(item: object) -> str:
    """What identifies a list item across versions: its url, else its first value."""
    if isinstance(item, dict) and item:
        return str(item.get("url") or next(iter(item.values())))
    return repr(item)


def _walk_items(old: list, new: list, parts: list[str | int], out: list[FieldChange]) -> None:
    """Align two object lists (an inserted source does not shift every later one)."""
    matcher = difflib.SequenceMatcher(a=[_identity(i) for i in old],
                                      b=[_identity(i) for i in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                _walk(old[i], new[j], parts + [j], out)
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            _walk(old[i1 + k], new[j1 + k], parts + [j1 + k], out)
        for i in range(i1 + pairs, i2):
            _walk(old[i], None, parts + [i], out)
        for j in range(j1 + pairs, j2):
            _walk(None, new[j], parts + [j], out)


def _ordered(keys: list[str], parts: list[str | int]) -> list[str]:
    """Keys in catalogue order (criteria in their order), unknown keys last."""
    if not parts:
        order = [f.key for f in cat.FIELDS]
    elif parts == ["transparence"]:
        order = [c.key for c in cat.CRITERIA]
    else:
        f = cat.field_at(_schema_path(parts))
        order = [c.key for c in f.children] if f else []
    rank = {k: i for i, k in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), str(k)))


def field_changes(old: dict | None, new: dict | None) -> list[FieldChange]:
    """Every changed leaf between two front matters, in catalogue order."""
    out: list[FieldChange] = []
    old, new = dict(old or {}), dict(new or {})
    old.pop("id", None)
    new.pop("id", None)
    _walk(old, new, [], out)
    return out


def body_diff(old: str, new: str, context: int = 1) -> list[str]:
    """Unified diff lines of two bodies (empty when equal), without file headers."""
    if (old or "").strip() == (new or "").strip():
        return []
    lines = difflib.unified_diff((old or "").strip().splitlines(),
                                 (new or "").strip().splitlines(), lineterm="", n=context)
    return [line for line in lines if not line.startswith(("---", "+++"))]


def record_diff(ident: str, old: Record | None, new: Record | None) -> RecordDiff:
    status = "ajoutée" if old is None else "supprimée" if new is None else "modifiée"
    nom = str((new or old).meta.get("nom", "")) if (new or old) else ""
    return RecordDiff(ident, status, field_changes(old.meta if old else None,
                                                   new.meta if new else None),
                      body_diff(old.body if old else "", new.body if new else ""), nom)


@dataclass
class CoverageDelta:
    criterion: str  # criterion key, as in the records
    label: str
    old: str  # French percentage, e.g. "15,0 %"
    new: str
    old_n: tuple[int, int]
    new_n: tuple[int, int]

    def line(self) -> str:
        return f"{self.criterion} : {self.old} → {self.new}"


def coverage_delta(old: Iterable[Record], new: Iterable[Record]) -> list[CoverageDelta]:
    """Criteria whose « published » share (over all records) changed."""
    before = {c.criterion.key: c.tous for c in criteria_coverage(list(old))}
    after = {c.criterion.key: c.tous for c in criteria_coverage(list(new))}
    out = []
    for c in cat.CRITERIA:
        a, b = before[c.key], after[c.key]
        if (a.n, a.N) != (b.n, b.N) and a.pourcentage != b.pourcentage:
            out.append(CoverageDelta(c.key, c.label, a.pourcentage, b.pourcentage,
                                     (a.n, a.N), (b.n, b.N)))
    return out


def format_report(diffs: list[RecordDiff], delta: list[CoverageDelta],
                  invalid: list[str] | None = None) -> str:
    """A Markdown report for a pull request: field changes per record, then coverage."""
    if not diffs:
        lines = ["Aucune fiche modifiée."]
    else:
        lines = [f"{len(diffs)} fiche(s) modifiée(s)."]
    for d in diffs:
        lines += ["", f"## {d.id} ({d.status})" + (f" — {d.nom}" if d.nom else "")]
        if d.status == "invalide":
            lines.append("- fiche invalide : lancez « registry validate » pour le détail")
            continue
        lines += [f"- {c.line()}" for c in d.changes]
        if d.body:
            added = sum(1 for x in d.body if x.startswith("+"))
            removed = sum(1 for x in d.body if x.startswith("-"))
            lines.append(f"- Texte de la fiche : {added} ligne(s) ajoutée(s), "
                         f"{removed} supprimée(s)")
        if not d.changes and not d.body:
            lines.append("- aucun changement de contenu (mise en forme seulement)")
    lines += ["", "## Couverture (critère publié, toutes fiches)"]
    lines += [f"- {x.line()}" for x in delta] or ["- inchangée"]
    if invalid:
        lines += ["", "Fiches invalides ignorées dans le calcul : " + ", ".join(invalid)]
    return "\n".join(lines) + "\n"
