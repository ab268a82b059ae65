"""The state store: what people and maintainers did. Never derived, never rebuilt.

Contributions and their decisions, the maintainers' sessions, the rate-limit and login
counters and the generated secret key live here: in a SQLite file ``state.sqlite`` under
the STATE folder, or in the database of STATE_DATABASE_URL (PostgreSQL for several
replicas). Never under INSTANCE, which ``registry build`` owns and may delete: the state
tables have their own metadata, which the build never creates nor touches.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import registry as orm_registry
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel, create_engine

FILE_NAME = "state.sqlite"
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


class StateModel(SQLModel, registry=orm_registry()):
    """Base of the state tables: their own metadata, apart from the derived tables."""


class StateUnavailable(Exception):
    """The state store cannot be opened or written; the message is in French."""


def state_url(settings: dict) -> str:
    if settings.get("STATE_DATABASE_URL"):
        return str(settings["STATE_DATABASE_URL"])
    return f"sqlite:///{Path(settings['STATE']) / FILE_NAME}"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a contribution survives a power cut
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _tables() -> None:
    """Import the modules that declare state tables (they register in StateModel)."""
    import registry.contributions.queue
    import registry.state.accounts
    import registry.state.counters
    import registry.state.secrets
    import registry.state.sessions  # noqa: F401 (registers its table)


def create_state_tables(engine: Engine) -> None:
    """Create the missing tables and columns; safe when several processes start at once."""
    _tables()
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                for table in StateModel.metadata.sorted_tables:
                    conn.execute(CreateTable(table, if_not_exists=True))
                    for index in table.indexes:
                        conn.execute(CreateIndex(index, if_not_exists=True))
                _add_missing_columns(conn)
            return
        except SQLAlchemyError:
            if attempt == 2:
                raise


def _add_missing_columns(conn: Connection) -> None:
    """Columns added since a table was created (a state store is upgraded, never rebuilt)."""
    inspector = inspect(conn)
    for table in StateModel.metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:  # only nullable or text columns are ever added
                default = "" if column.nullable else " NOT NULL DEFAULT ''"
                kind = column.type.compile(conn.dialect)
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" '
                                  f"{kind}{default}"))


def state_engine(settings: dict) -> Engine:
    """One engine per state database and process, its tables created on first use."""
    url = state_url(settings)
    with _LOCK:
        if url in _ENGINES:
            return _ENGINES[url]
        if url.startswith("sqlite"):
            try:
                Path(settings["STATE"]).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateUnavailable(f"dossier d'état {settings['STATE']} impossible à "
                                       f"créer ({exc.strerror or exc})") from exc
            engine = create_engine(url, connect_args={"check_same_thread": False,
                                                      "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        try:
            create_state_tables(engine)
        except SQLAlchemyError:
            engine.dispose()
            raise
        _ENGINES[url] = engine
        return engine
