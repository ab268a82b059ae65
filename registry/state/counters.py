"""Shared, atomic counters in the state store: rate limits and the login lockout.

One row per key: how many hits since the window opened, and when it closes. A hit is a
single ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, atomic on SQLite and
PostgreSQL: every process and every replica counts in the same row, and parallel
requests cannot both read the old count.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Field

from registry.state import StateModel

SWEEP_EVERY = 500  # hits of a process between two deletions of closed windows
_HITS = itertools.count(1)


class Counter(StateModel, table=True):
    __tablename__ = "compteur"

    key: str = Field(primary_key=True, max_length=200)
    count: int = 0
    reset_at: float = 0.0  # epoch seconds when the window closes


@dataclass(frozen=True)
class Hit:
    count: int  # hits in the current window, this one included
    reset_at: float

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds until the window closes (at least 1)."""
        return max(1, int(self.reset_at - (time.time() if now is None else now) + 0.999))


def hit(engine: Engine, key: str, window: float, now: float | None = None) -> Hit:
    """Count one hit of `key` in a window of `window` seconds opened by its first hit."""
    now = time.time() if now is None else now
    table = Counter.__table__  # type: ignore[attr-defined]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    closed = table.c.reset_at <= now
    statement = dialect.insert(table).values(key=key[:200], count=1, reset_at=now + window)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"count": case((closed, 1), else_=table.c.count + 1),
              "reset_at": case((closed, now + window), else_=table.c.reset_at)},
    ).returning(table.c.count, table.c.reset_at)
    with engine.begin() as conn:
        count, reset_at = conn.execute(statement).one()
        if next(_HITS) % SWEEP_EVERY == 0:
            conn.execute(delete(table).where(table.c.reset_at < now))
    return Hit(int(count), float(reset_at))


def reset(engine: Engine, key: str) -> None:
    table = Counter.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.key == key[:200]))
