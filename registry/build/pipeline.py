"""`registry build`: validate the records, then update the database and the index atomically.

The database is updated in one transaction (readers see the old or the new build,
never a mix); the index is written into a new folder and published by an atomic
rename of a pointer file. A content hash per record keeps rebuilds incremental.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, delete, select

from registry import rendering, search
from registry.build import prepare as build_prepare
from registry.build.prepare import prepare
from registry.config import administrations_folder
from registry.db.engine import create_tables, get_engine
from registry.db.models import Administration, Algorithme, BuildInfo
from registry.gitrepo import last_modified
from registry.opendata import exports
from registry.opendata.exports import EXPORTS
from registry.records import cada_rates as response_rates
from registry.records import catalogue, citations, frontmatter, validate
from registry.records.catalogue import SCHEMA_VERSION
from registry.records.model import InvalidRecords, Record, load_administrations, summary
from registry.records.validate import References, record_files
from registry.rendering import plain, render_record_body
from registry.search import analysis as search_query
from registry.search import parsing as query
from registry.search import scoring as search_scoring


def _code_digest() -> str:
    """Digest of the code that turns a file into rows and index documents."""
    digest = hashlib.sha256()
    for module in (catalogue, frontmatter, validate, rendering, query, search, search_query,
                   search_scoring, build_prepare):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


# Changes whenever the way rows are derived from records changes: forces a full rebuild,
# and lets incremental builds trust that an unchanged file is still valid.
BUILD_FORMAT = f"{SCHEMA_VERSION}.2-{_code_digest()}"
BATCH = 500

EXPORT_FILES = exports.DOWNLOADS
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


_BUILDING: dict[str, int] = {}  # while a build runs: its process id and its lock's fd
PR_SET_PDEATHSIG = 1


def _forked_by_the_build() -> None:
    """In a process forked by a build (validation pool, index writers): let go of the build
    lock (flock locks are shared with forked children) and die with the build, even by
    SIGKILL, rather than linger on a pipe nobody writes to while holding the lock."""
    if not _BUILDING:
        return
    builder = _BUILDING["pid"]
    try:
        os.close(_BUILDING.pop("fd"))
    except (KeyError, OSError):
        pass
    _BUILDING.clear()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != builder:  # the build died before prctl
            os._exit(1)


os.register_at_fork(after_in_child=_forked_by_the_build)


@contextmanager
def build_lock(instance: Path, wait: float = 60.0) -> Iterator[None]:
    """One build at a time; a second one waits up to `wait` seconds, then refuses. The lock
    is released as soon as the build process dies (its forked workers let go of it)."""
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
        _BUILDING.update(pid=os.getpid(), fd=handle.fileno())
        try:
            yield
        finally:
            _BUILDING.clear()
            fcntl.flock(handle, fcntl.LOCK_UN)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def row_values(record: Record, digest: str, html_text: str,
               date: tuple[str | None, str | None]) -> dict:
    return dict(
        id=record.id, nom=record.meta["nom"], administration=record.administration_name,
        administration_id=record.administration_id,
        administration_type=str(record.admin.get("type", "")),
        domaine=record.meta["domaine"], statut=record.meta["statut"],
        type_technique=record.meta["type_technique"], meta=record.meta, corps_md=record.body,
        corps_html=html_text, content_hash=digest,
        derniere_modification=date[0], dernier_commit=date[1],
    )


def build(settings: dict, full: bool = False, progress: Progress | None = None,
          lock_wait: float = 60.0) -> BuildReport:
    """Validate the records and update database and index; raises InvalidRecords or BuildBusy.

    Incremental unless `full`: only files whose content hash changed are validated,
    rendered, re-inserted and re-indexed (an unchanged file was valid when it was built
    by the same code, see BUILD_FORMAT)."""
    started = time.monotonic()
    data, instance = Path(settings["DATA"]), Path(settings["INSTANCE"])
    if not data.is_dir():
        raise InvalidRecords([f"{data}:1: dossier des fiches introuvable"])
    if not administrations_folder(settings).is_dir():
        raise InvalidRecords([f"{administrations_folder(settings)}:1: dossier des "
                              "administrations introuvable"])
    with build_lock(instance, wait=lock_wait):
        report, fresh = _apply(settings, data, instance, full, progress)
        if report.full or report.added or report.changed or report.removed \
                or not all((instance / EXPORTS / name).is_file() for name in EXPORT_FILES):
            write_exports(settings, fresh)
    report.seconds = time.monotonic() - started
    return report


def write_exports(settings: dict, fresh: dict[str, list[bytes]] | None = None) -> None:
    """Bring the open-data exports up to date with the database (each file replaced
    atomically; only records changed since the last build are serialised again)."""
    from registry.build.export_files import write_exports as write

    write(get_engine(settings), Path(settings["INSTANCE"]) / EXPORTS,
          str(settings.get("SITE_URL", "")), fresh or {})


def _apply(settings: dict, data: Path, instance: Path, full: bool,
           progress: Progress | None) -> tuple[BuildReport, dict[str, list[bytes]]]:
    engine = get_engine(settings)
    create_tables(engine)
    files = {p.stem: p for p in record_files([data])}
    digests = {ident: content_hash(p) for ident, p in files.items()}
    admin_folder = administrations_folder(settings)
    administrations = load_administrations(admin_folder)
    summaries = {a.id: summary(a) for a in administrations}
    admins_digest = folder_digest(admin_folder)
    with Session(engine) as session:
        known = dict(session.exec(select(Algorithme.id, Algorithme.content_hash)).all())
        current = search.current_name(instance)
        removed = set(known) - set(files)
        # administrations are joined into every row: a change of them re-checks every record
        full = full or _info(session, "format") != BUILD_FORMAT \
            or _info(session, "index") != current \
            or _info(session, "index_digest") != folder_digest(instance / str(current)) \
            or _info(session, "administrations") != admins_digest
        report = BuildReport(total=len(files), full=full)
        report.added = sorted(set(files) - set(known))
        report.removed = sorted(removed)
        report.changed = sorted(i for i in set(files) & set(known) if known[i] != digests[i])
        touched = set(files) if full else set(report.added) | set(report.changed)
        if removed and not full:  # a record replaced by a removed one is checked again
            touched |= {ident for ident, meta in session.exec(select(Algorithme.id,
                                                                     Algorithme.meta))
                        if meta.get("remplace_par") in removed and ident in files}
        references = References(frozenset(summaries), frozenset(files))
        prepared = prepare([files[i] for i in sorted(touched)],
                           str(settings.get("SITE_URL", "")), progress, references, summaries)
        records = [p.record for p in prepared]
        htmls = {p.record.id: p.html for p in prepared}
        dates = last_modified(data)
        entries = [search.Entry(p.record, p.text, dates.get(p.record.id, ("", ""))[0] or "")
                   for p in prepared]
        redated = [] if full else _redated(session, dates, touched)
        entries += [search.Entry(Record(row.id, row.meta, row.corps_md,
                                        admin=summaries.get(row.administration_id, {})),
                                 plain(row.corps_html), row.derniere_modification or "")
                    for row in redated]
        staged = search.stage_index(instance, entries, report.removed, full=full,
                                    progress=progress)
        try:
            # the serving processes warm the new index before anything of it is visible
            search.announce_index(instance, staged, float(settings.get("WARM_WAIT") or 0))
            _write_rows(session, records, htmls, digests, dates, report)
            _write_administrations(session, administrations,
                                   response_rates.reference_file(data))
            _write_info(session, len(files), staged.name, folder_digest(staged))
            session.merge(BuildInfo(key="administrations", value=admins_digest or ""))
            session.commit()
        except BaseException:
            search.discard_index(staged)
            raise
    try:  # the serving processes compute their figures of the committed build, then it is
        search.announce_commit(instance, staged, float(settings.get("WARM_WAIT") or 0))
    finally:  # served: the database is committed, so publishing is the consistent outcome
        search.publish_index(instance, staged)
    return report, {p.record.id: p.exports for p in prepared}


def _write_rows(session: Session, records: list[Record], htmls: dict[str, str],
                digests: dict[str, str], dates: dict, report: BuildReport) -> None:
    values = [row_values(r, digests[r.id], htmls[r.id], dates.get(r.id, (None, None)))
              for r in records]
    if report.full:
        session.exec(delete(Algorithme))
        fresh = values
    else:
        if report.removed:
            session.exec(delete(Algorithme).where(Algorithme.id.in_(report.removed)))
        changed = set(report.changed)
        for row in values:
            if row["id"] in changed:
                session.merge(Algorithme(**row))  # an UPDATE: the row keeps its identity
        fresh = [row for row in values if row["id"] not in changed]
    connection = session.connection()
    for start in range(0, len(fresh), BATCH):
        connection.execute(insert(Algorithme.__table__), fresh[start:start + BATCH])


def _write_administrations(session: Session, administrations: list[Record],
                           rates_file: Path) -> None:
    """Replace the administration rows (a few hundred at most: always in full)."""
    session.exec(delete(Administration))
    for admin in administrations:
        rate = response_rates.rate_for(list(admin.meta.get("cada_libelles") or []), rates_file)
        meta = admin.meta
        numbers = citations.numbering(meta)
        titles = {s["cle"]: s.get("titre", "") for s in meta.get("sources", [])
                  if isinstance(s, dict) and s.get("cle")}
        session.add(Administration(id=admin.id, nom=meta.get("nom", admin.id),
                                   sigle=meta.get("sigle", ""), type=meta.get("type", ""),
                                   meta=meta, corps_html=render_record_body(admin.body, numbers,
                                                                            titles),
                                   taux_reponse=rate.as_dict() if rate else None))


def _redated(session: Session, dates: dict, touched: set[str]) -> list[Algorithme]:
    """Unchanged rows whose last commit changed (a move, a merge): new dates, same content."""
    known = session.exec(select(Algorithme.id, Algorithme.derniere_modification)).all()
    rows = []
    for ident, old in known:
        new = dates.get(ident, (None, None))
        if ident not in touched and new[0] != old:
            row = session.get(Algorithme, ident)
            row.derniere_modification, row.dernier_commit = new
            session.add(row)
            rows.append(row)
    return rows


def _info(session: Session, key: str) -> str | None:
    row = session.get(BuildInfo, key)
    return row.value if row else None


def folder_digest(folder: Path) -> str | None:
    """sha256 of a folder's files, names and contents (None without the folder): an index
    damaged since it was built is rebuilt in full instead of being extended."""
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and "LOCK" not in path.name:
            digest.update(path.name.encode() + b"\0")
            with open(path, "rb") as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def _write_info(session: Session, total: int, index_name: str, index_digest: str | None) -> None:
    generation = session.get(BuildInfo, "generation")
    values = {
        "format": BUILD_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "total": str(total),
        "generation": str(int(generation.value) + 1 if generation else 1),
        "index": index_name,
        "index_digest": index_digest or "",
        "pid": str(os.getpid()),
        "nice": str(os.nice(0)),  # the CPU priority it ran at (registry build: lowered)
    }
    for key, value in values.items():
        session.merge(BuildInfo(key=key, value=value))
