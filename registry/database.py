"""Database engine from the settings: SQLite under the instance folder, or any URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

_ENGINES: dict[str, Engine] = {}


def database_url(settings: dict) -> str:
    if settings.get("DATABASE_URL"):
        return str(settings["DATABASE_URL"])
    return f"sqlite:///{Path(settings['INSTANCE']) / 'registry.sqlite'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def get_engine(settings: dict) -> Engine:
    """One engine per database URL and process (pooled connections, thread-safe)."""
    url = database_url(settings)
    if url not in _ENGINES:
        if url.startswith("sqlite"):
            Path(settings["INSTANCE"]).mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _ENGINES[url] = engine
    return _ENGINES[url]


def create_tables(engine: Engine) -> None:
    import registry.models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)


def dispose_all() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
