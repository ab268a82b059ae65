"""Database engine from the settings: SQLite under the instance folder, or any URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlmodel import SQLModel, create_engine

_ENGINES: dict[str, Engine] = {}


def database_url(settings: dict) -> str:
    if settings.get("DATABASE_URL"):
        return str(settings["DATABASE_URL"])
    return f"sqlite:///{Path(settings['INSTANCE']) / 'registry.sqlite'}"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _follow_file(engine: Engine, path: Path) -> None:
    """Drop pooled connections to a database file that was deleted or replaced: they would
    go on reading the old file, unseen by anyone, even after a new build."""

    def remember(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["file"] = _file_identity(path)

    def check(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry,
              _proxy: PoolProxiedConnection) -> None:
        if record.info.get("file") != _file_identity(path):
            raise DisconnectionError("database file deleted or replaced")

    event.listen(engine, "connect", remember)
    event.listen(engine, "checkout", check)


def get_engine(settings: dict) -> Engine:
    """One engine per database URL and process (pooled connections, thread-safe)."""
    url = database_url(settings)
    if url not in _ENGINES:
        if url.startswith("sqlite"):
            Path(settings["INSTANCE"]).mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
            _follow_file(engine, Path(url.removeprefix("sqlite:///")))
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _ENGINES[url] = engine
    return _ENGINES[url]


def create_tables(engine: Engine) -> None:
    import registry.db.models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)

