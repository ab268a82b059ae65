"""Maintainers' accounts: one per person, so that every decision has a known author.

An account is a login, a public name (shown with each decision on the tracking pages and
in the decisions log) and a password hash (registry/state/passwords.py: scrypt by default,
in werkzeug's format), kept in the state store. `registry maintainers add|remove|passwd|list`
manages them. Removing an account or changing its password closes its open sessions;
decisions keep the public name they were taken under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field

from registry.state import StateModel
from registry.state.passwords import check_password, hash_password
from registry.state.sessions import MaintainerSession

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 200
MAX_NAME = 100


class MaintainerError(Exception):
    """An account cannot be created or changed; the message is in French."""


class Maintainer(StateModel, table=True):
    __tablename__ = "mainteneur"

    login: str = Field(primary_key=True, max_length=40)
    public_name: str = Field(max_length=MAX_NAME)
    password_hash: str = Field(max_length=400)
    created_at: str = Field(max_length=40)


@dataclass(frozen=True)
class Account:
    login: str
    public_name: str
    created_at: str = ""


@cache
def _dummy() -> str:
    """A hash checked when the login is unknown, so that both cases take the same time."""
    return hash_password("compte-inexistant")


def _table() -> Table:
    return Maintainer.__table__  # type: ignore[attr-defined]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise MaintainerError(f"mot de passe trop court : {MIN_PASSWORD} caractères au moins "
                              "(une phrase de quatre mots fait l'affaire)")
    if len(password) > MAX_PASSWORD:
        raise MaintainerError(f"mot de passe trop long : {MAX_PASSWORD} caractères au plus")


def _check_login(login: str) -> None:
    if not LOGIN_RE.match(login):
        raise MaintainerError(f"identifiant « {login[:40]} » invalide : de 2 à 40 minuscules "
                              "sans accents, chiffres, points, tirets (ex. camille.durand)")


def add(engine: Engine, login: str, public_name: str, password: str,
        method: str = "scrypt") -> Account:
    """Create an account; refuses a taken login, a weak password, an empty public name."""
    login, public_name = login.strip(), " ".join(public_name.split())
    _check_login(login)
    if not public_name or len(public_name) > MAX_NAME:
        raise MaintainerError(f"indiquez le nom public du mainteneur ({MAX_NAME} caractères au "
                              "plus) : il est montré avec chacune de ses décisions")
    _check_password(password)
    if get(engine, login) is not None:
        raise MaintainerError(f"le compte « {login} » existe déjà (changez son mot de passe "
                              "avec « registry maintainers passwd »)")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with engine.begin() as conn:
        conn.execute(_table().insert().values(
            login=login, public_name=public_name, created_at=created,
            password_hash=hash_password(password, method)))
    return Account(login, public_name, created)


def get(engine: Engine, login: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(_table().c.login, _table().c.public_name,
                                  _table().c.created_at)
                           .where(_table().c.login == login)).first()
    return Account(*row) if row else None


def accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        rows = conn.execute(select(_table().c.login, _table().c.public_name,
                                   _table().c.created_at).order_by(_table().c.login)).all()
    return [Account(*row) for row in rows]


def any_account(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(_table().c.login).limit(1)).first() is not None


def _close_sessions(conn: Connection, login: str) -> None:
    sessions = MaintainerSession.__table__  # type: ignore[attr-defined]
    conn.execute(delete(sessions).where(sessions.c.login == login))


def remove(engine: Engine, login: str) -> None:
    with engine.begin() as conn:
        gone = conn.execute(delete(_table()).where(_table().c.login == login)).rowcount
        _close_sessions(conn, login)
    if gone != 1:
        raise MaintainerError(f"aucun compte « {login[:40]} »")


def set_password(engine: Engine, login: str, password: str, method: str = "scrypt") -> None:
    """A new password; the account's open sessions are closed."""
    _check_password(password)
    with engine.begin() as conn:
        done = conn.execute(update(_table()).where(_table().c.login == login).values(
            password_hash=hash_password(password, method))).rowcount
        _close_sessions(conn, login)
    if done != 1:
        raise MaintainerError(f"aucun compte « {login[:40]} »")


def authenticate(engine: Engine, login: str, password: str) -> Account | None:
    """The account when the password is right (same work for an unknown login)."""
    with engine.connect() as conn:
        row = conn.execute(select(_table().c.login, _table().c.public_name,
                                  _table().c.created_at, _table().c.password_hash)
                           .where(_table().c.login == login.strip()[:40])).first()
    digest = row[3] if row else _dummy()
    try:
        ok = check_password(digest, password)
    except (ValueError, TypeError):
        ok = False
    return Account(row[0], row[1], row[2]) if row and ok else None
