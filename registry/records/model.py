"""Records: the validated content of ``data/algorithms/<id>.md`` files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from registry.records.validate import Checked, check_paths, format_problems


@dataclass
class Record:
    """One valid record: its id, normalised front matter and Markdown body."""

    id: str
    meta: dict
    body: str
    path: Path | None = None
    lines: dict = field(default_factory=dict, repr=False)

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


class InvalidRecords(Exception):
    """Raised by strict loaders; carries the ``path:line: message`` lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def from_checked(checked: Checked) -> Record:
    return Record(checked.id, checked.meta or {}, checked.body, checked.path, checked.lines)


def load_records(paths: Iterable[Path] | Path, strict: bool = True) -> list[Record]:
    """Load every valid record; with ``strict`` any invalid file raises InvalidRecords."""
    if isinstance(paths, Path | str):
        paths = [Path(paths)]
    results = check_paths([Path(p) for p in paths])
    bad = [r for r in results if not r.ok]
    if bad and strict:
        raise InvalidRecords([m for m in format_problems(bad) if ": attention : " not in m])
    return [from_checked(r) for r in results if r.ok]
