"""Records: the validated content of ``data/algorithms/<id>.md`` and
``data/administrations/<id>.md`` files, and the join between them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from registry.records import catalogue as cat
from registry.records.validate import (
    Checked,
    References,
    check_paths,
    format_problems,
    ids_in,
)


@dataclass
class Record:
    """One valid record: its id, normalised front matter and Markdown body.

    For an algorithm, `admin` is the summary of its administration record (id, nom, sigle,
    type, siren), joined when the administrations are loaded; empty otherwise."""

    id: str
    meta: dict
    body: str
    path: Path | None = None
    lines: dict = field(default_factory=dict, repr=False)
    admin: dict = field(default_factory=dict)

    def get(self, dotted_key: str, default: object = None) -> object:
        value: object = self.meta
        for part in dotted_key.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def etat(self, criterion: str) -> str:
        """The `etat` of a transparency criterion; a missing criterion is « inconnu »."""
        item = (self.meta.get("transparence") or {}).get(criterion) or {}
        return item.get("etat", "inconnu")

    @property
    def administration_id(self) -> str:
        value = self.meta.get("administration")
        return value if isinstance(value, str) else ""

    @property
    def administration_name(self) -> str:
        return str(self.admin.get("nom") or self.administration_id)


class InvalidRecords(Exception):
    """Raised by strict loaders; carries the ``path:line: message`` lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def from_checked(checked: Checked) -> Record:
    return Record(checked.id, checked.meta or {}, checked.body, checked.path, checked.lines)


def default_administrations(data: Path) -> Path:
    """The administrations folder beside an algorithms folder (``data/administrations``)."""
    return Path(data).parent / "administrations"


def summary(admin: Record) -> dict:
    """What an algorithm row carries of its administration."""
    meta = admin.meta
    return {"id": admin.id, "nom": meta.get("nom", admin.id), "sigle": meta.get("sigle", ""),
            "type": meta.get("type", ""), "siren": meta.get("siren", ""),
            "prada_courriel": (meta.get("prada") or {}).get("courriel", "")}


def join(records: Iterable[Record], administrations: Iterable[Record]) -> list[Record]:
    """Attach to each algorithm the summary of its administration."""
    by_id = {a.id: summary(a) for a in administrations}
    out = list(records)
    for record in out:
        record.admin = by_id.get(record.administration_id, {"id": record.administration_id,
                                                             "nom": record.administration_id})
    return out


def _strict(results: list[Checked], strict: bool) -> list[Record]:
    bad = [r for r in results if not r.ok]
    if bad and strict:
        raise InvalidRecords([m for m in format_problems(bad) if ": attention : " not in m])
    return [from_checked(r) for r in results if r.ok]


def load_administrations(folder: Path, strict: bool = True) -> list[Record]:
    """Load every valid administration record of a folder (none without the folder)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    refs = References(ids_in(folder), None)
    return _strict(check_paths([folder], cat.ADMINISTRATION, refs), strict)


def load_records(paths: Iterable[Path] | Path, strict: bool = True,
                 administrations: Path | None = None) -> list[Record]:
    """Load every valid algorithm record, joined with its administration.

    `administrations` defaults to the folder beside the first folder given; references to
    unknown administrations are errors when that folder exists."""
    if isinstance(paths, Path | str):
        paths = [Path(paths)]
    paths = [Path(p) for p in paths]
    if administrations is None and paths:
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        administrations = default_administrations(first)
    refs = References(ids_in(administrations), None)
    records = _strict(check_paths(paths, cat.ALGORITHME, refs), strict)
    return join(records, load_administrations(administrations, strict=False)
                if administrations else [])
