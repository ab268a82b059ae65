"""A small in-process sliding-window limiter, per client address (one per app and purpose).

Good enough for one server process; behind several processes each keeps its own count.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, current_app, request

MAX_KEYS = 10_000  # forget the oldest clients beyond this many


class RateLimiter:
    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        """Whether `key` already used its quota (without counting a new hit)."""
        if self.limit <= 0:
            return False
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one hit; False when the quota is exceeded (the hit is then not counted)."""
        if self.limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > MAX_KEYS:
                oldest = min(self._hits, key=lambda k: self._hits[k][-1] if self._hits[k] else 0)
                self._hits.pop(oldest, None)
            return True

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def limiter(name: str, limit: int, window: float, app: Flask | None = None) -> RateLimiter:
    """The app's limiter for a purpose, created on first use."""
    app = app or current_app
    store = app.extensions.setdefault("registry_limiters", {})
    if name not in store:
        store[name] = RateLimiter(limit, window)
    return store[name]


def client_key() -> str:
    return request.remote_addr or "inconnu"
