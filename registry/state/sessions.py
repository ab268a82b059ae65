"""Maintainers' sessions, known to the server: logging out closes one for good.

The signed session cookie only carries a random token; the state store keeps its digest
and expiry. A cookie copied before a logout (or after its expiry) opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Field

from registry.state import StateModel

LIFETIME = 12 * 3600.0


class MaintainerSession(StateModel, table=True):
    __tablename__ = "session_mainteneur"

    digest: str = Field(primary_key=True, max_length=64)
    login: str = Field(default="", max_length=40)  # the maintainer's account
    created_at: float
    expires_at: float = Field(index=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def open_session(engine: Engine, login: str, lifetime: float = LIFETIME) -> str:
    """A new session of an account; returns the token to put in the signed cookie."""
    token, now = secrets.token_urlsafe(32), time.time()
    table = MaintainerSession.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.expires_at < now))
        conn.execute(table.insert().values(digest=_digest(token), login=login, created_at=now,
                                           expires_at=now + lifetime))
    return token


def login_of(engine: Engine, token: object) -> str | None:
    """The account of an open session (None: no session, closed or expired)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    table = MaintainerSession.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        row = conn.execute(select(table.c.expires_at, table.c.login)
                           .where(table.c.digest == _digest(token))).first()
    if row is None or row[0] <= time.time() or not row[1]:
        return None
    return str(row[1])


def close_session(engine: Engine, token: object) -> None:
    if not isinstance(token, str) or not token:
        return
    table = MaintainerSession.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.digest == _digest(token)))
