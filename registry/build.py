"""`registry build`: validate the records, then update the database and the index atomically.

The database is updated in one transaction (readers see the old or the new build,
never a mix); the index is written into a new folder and published by an atomic
rename of a pointer file. A content hash per record keeps rebuilds incremental.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, delete, select

from registry import search
from registry.catalogue import SCHEMA_VERSION
from registry.database import create_tables, get_engine
from registry.history import last_modified
from registry.models import Algorithme, BuildInfo
from registry.records import InvalidRecords, Record, from_checked
from registry.rendering import render_markdown
from registry.text import slugify
from registry.validate import check_paths, format_problems

# Bump when the way rows are derived from records changes: forces a full rebuild.
BUILD_FORMAT = f"{SCHEMA_VERSION}.1"

Progress = Callable[[str, int, int], None]


class BuildBusy(Exception):
    """Another build holds the lock."""


@dataclass
class BuildReport:
    total: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    full: bool = False
    seconds: float = 0.0


@contextmanager
def build_lock(instance: Path, wait: float = 60.0) -> Iterator[None]:
    """One build at a time; a second one waits up to `wait` seconds, then refuses."""
    instance.mkdir(parents=True, exist_ok=True)
    with open(instance / "build.lock", "w") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    message = "une autre construction est en cours ; réessayez plus tard"
                    raise BuildBusy(message) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def to_row(record: Record, digest: str, dates: dict[str, tuple[str, str]]) -> Algorithme:
    admin = record.meta.get("administration") or {}
    modified, commit = dates.get(record.id, (None, None))
    return Algorithme(
        id=record.id, nom=record.meta["nom"], administration=admin.get("nom", ""),
        administration_slug=slugify(admin.get("nom", "")),
        administration_type=admin.get("type", ""),
        domaine=record.meta["domaine"], statut=record.meta["statut"],
        type_technique=record.meta["type_technique"], meta=record.meta, corps_md=record.body,
        corps_html=render_markdown(record.body), content_hash=digest,
        derniere_modification=modified, dernier_commit=commit,
    )


def load_valid(data: Path) -> list[Record]:
    results = check_paths([data])
    bad = [r for r in results if not r.ok]
    if bad:
        raise InvalidRecords([m for m in format_problems(bad) if ": attention : " not in m])
    return [from_checked(r) for r in results]


def build(settings: dict, full: bool = False, progress: Progress | None = None,
          lock_wait: float = 60.0) -> BuildReport:
    """Validate every record and update database and index; raises InvalidRecords or BuildBusy."""
    started = time.monotonic()
    data, instance = Path(settings["DATA"]), Path(settings["INSTANCE"])
    if not data.is_dir():
        raise InvalidRecords([f"{data}:1: dossier des fiches introuvable"])
    with build_lock(instance, wait=lock_wait):
        records = load_valid(data)
        report = _apply(settings, records, full, progress)
    report.seconds = time.monotonic() - started
    return report


def _apply(settings: dict, records: list[Record], full: bool,
           progress: Progress | None) -> BuildReport:
    engine = get_engine(settings)
    create_tables(engine)
    digests = {r.id: content_hash(r.path) for r in records if r.path}
    dates = last_modified(Path(settings["DATA"]))
    with Session(engine) as session:
        known = dict(session.exec(select(Algorithme.id, Algorithme.content_hash)).all())
        known_dates = dict(session.exec(select(Algorithme.id,
                                               Algorithme.derniere_modification)).all())
        full = full or _stored_format(session) != BUILD_FORMAT or not search.index_exists(
            Path(settings["INSTANCE"]))
        ids = set(digests)
        report = BuildReport(total=len(records), full=full)
        report.added = sorted(ids - set(known))
        report.removed = sorted(set(known) - ids)
        report.changed = sorted(i for i in ids & set(known) if known[i] != digests[i])
        touched = set(report.added) | set(report.changed)
        upserts = [r for r in records if full or r.id in touched]
        staged = search.stage_index(Path(settings["INSTANCE"]), upserts, report.removed,
                                    full=full, progress=progress)
        if full:
            session.exec(delete(Algorithme))
        else:
            for ident in report.removed + report.changed:
                session.exec(delete(Algorithme).where(Algorithme.id == ident))
        for i, record in enumerate(upserts, 1):
            session.add(to_row(record, digests[record.id], dates))
            if progress and (i % 500 == 0 or i == len(upserts)):
                progress("base", i, len(upserts))
        _refresh_dates(session, dates, known_dates, touched if not full else ids)
        _write_info(session, len(records))
        session.commit()
    search.publish_index(Path(settings["INSTANCE"]), staged)
    return report


def _refresh_dates(session: Session, dates: dict, known_dates: dict, skip: set[str]) -> None:
    """A commit can change a record's git date without changing its content."""
    for ident, old in known_dates.items():
        new = dates.get(ident, (None, None))
        if ident not in skip and new[0] != old:
            row = session.get(Algorithme, ident)
            if row is not None:
                row.derniere_modification, row.dernier_commit = new
                session.add(row)


def _stored_format(session: Session) -> str | None:
    row = session.get(BuildInfo, "format")
    return row.value if row else None


def _write_info(session: Session, total: int) -> None:
    generation = session.get(BuildInfo, "generation")
    values = {
        "format": BUILD_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "total": str(total),
        "generation": str(int(generation.value) + 1 if generation else 1),
        "pid": str(os.getpid()),
    }
    for key, value in values.items():
        session.merge(BuildInfo(key=key, value=value))
