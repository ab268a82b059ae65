"""Move a contribution queue kept by an older version in the derived database into the state
store, without loss.

Older versions stored the ``contribution`` table in the build's database
(``instance/registry.sqlite`` or DATABASE_URL), which deleting ``instance/`` destroyed. The
move copies every row (tokens kept, so tracking addresses keep working; ids kept unless
already taken), checks that every token arrived, and only then renames the old table to
``contribution_migree`` (left where it was, as a last copy). Running it again does nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from registry.db.engine import database_url, get_engine
from registry.state import StateUnavailable, state_engine, state_url

log = logging.getLogger(__name__)
LEGACY = "contribution"
MOVED = "contribution_migree"


def _sqlite_has_queue(path: Path) -> bool:
    """Whether a SQLite file holds a legacy queue (read-only, without waiting on locks)."""
    if not path.is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name = ?", (LEGACY,)).fetchone()[0] == 1
        finally:
            con.close()
    except sqlite3.Error:
        return False


def legacy_queue_present(settings: dict) -> bool:
    url = database_url(settings)
    if url == state_url(settings):
        return False  # the same database: its contribution table is the state's
    if url.startswith("sqlite:///"):
        return _sqlite_has_queue(Path(url.removeprefix("sqlite:///")))
    try:
        return inspect(get_engine(settings)).has_table(LEGACY)
    except SQLAlchemyError:
        return False


def migrate_legacy_queue(settings: dict) -> int:
    """Move the legacy queue, if any, into the state store; returns the rows moved."""
    if not legacy_queue_present(settings):
        return 0
    from registry.contributions.queue import Submission, fix_id_sequence
    from registry.rendering import render_markdown

    old = get_engine(settings)
    target = state_engine(settings)
    table = Submission.__table__  # type: ignore[attr-defined]
    present = {c["name"] for c in inspect(old).get_columns(LEGACY)}
    columns = [c for c in table.columns if c.name in present]  # typed: JSON is decoded
    with old.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa_select(*columns)).mappings()]
    with Session(target) as session:
        tokens = set(session.exec(select(Submission.token)).all())
        taken = set(session.exec(select(Submission.id)).all())
        moved = 0
        for row in sorted(rows, key=lambda r: r.get("id") or 0):
            if row.get("token") in tokens:
                continue
            values = dict(row)
            if values.get("id") in taken:
                values.pop("id")
            if values.get("body") and not values.get("body_html"):
                values["body_html"] = render_markdown(values["body"])
            session.add(Submission(**values))
            moved += 1
        session.commit()
        arrived = set(session.exec(select(Submission.token)).all())
    missing = {r.get("token") for r in rows} - arrived
    if missing:
        raise StateUnavailable(f"{len(missing)} contribution(s) n'ont pas pu être copiées "
                               "dans le stockage d'état ; l'ancienne table est conservée")
    fix_id_sequence(target)
    _rename(old)
    log.warning("%d contribution(s) moved from the derived database to the state store",
                moved)
    return moved


def _rename(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    new, n = MOVED, 2
    while new in names:
        new, n = f"{MOVED}_{n}", n + 1
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {LEGACY} RENAME TO {new}"))


def migrate_quietly(settings: dict) -> None:
    """At start-up: move a legacy queue when possible, never prevent the site from starting
    (a locked or missing database is reported and the move is tried again next time)."""
    try:
        migrate_legacy_queue(settings)
    except (SQLAlchemyError, StateUnavailable, OSError) as exc:
        log.warning("legacy contribution queue not moved yet: %s",
                    str(exc).splitlines()[0][:200])
