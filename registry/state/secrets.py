"""The secret key shared by every process: generated once, kept in the state store."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field

from registry.state import StateModel, StateUnavailable, state_engine

SECRET_KEY = "secret_key"


class Secret(StateModel, table=True):
    __tablename__ = "secret"

    name: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200)


def shared_secret(settings: dict, name: str = SECRET_KEY) -> str:
    """The secret `name`, created by whichever process asks first (INSERT … ON CONFLICT DO
    NOTHING, then read back: every process gets the same value)."""
    try:
        engine = state_engine(settings)
        table = Secret.__table__  # type: ignore[attr-defined]
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        with engine.begin() as conn:
            conn.execute(dialect.insert(table).values(name=name, value=secrets.token_hex(32))
                         .on_conflict_do_nothing(index_elements=[table.c.name]))
            return conn.execute(select(table.c.value).where(table.c.name == name)).scalar_one()
    except (SQLAlchemyError, OSError, StateUnavailable) as exc:
        raise StateUnavailable(
            "aucune REGISTRY_SECRET_KEY n'est définie et la clé partagée ne peut être ni lue "
            f"ni créée dans le stockage d'état ({_reason(exc)}). Définissez "
            "REGISTRY_SECRET_KEY (la même pour tous les processus), ou rendez REGISTRY_STATE "
            "(ou REGISTRY_STATE_DATABASE_URL) accessible en écriture") from exc


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0][:200]
