"""Per-request resources: a database store on `g`, and one search index per process."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app, g

from registry.db.engine import get_engine
from registry.db.store import Store
from registry.search import SearchIndex

_INDEXES: dict[Path, SearchIndex] = {}
_LOCK = threading.Lock()


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(get_engine(current_app.config))
    return g.store


def search_index(instance: Path) -> SearchIndex:
    """The process-wide index of an instance folder (shared by every app of the process);
    it lends pooled searchers and, when a new build is published, warms it in a thread while
    the previous one keeps answering (registry.search.warmup)."""
    key = Path(instance).resolve()
    with _LOCK:
        if key not in _INDEXES:
            _INDEXES[key] = SearchIndex(key, background=True)
        return _INDEXES[key]


def get_search() -> SearchIndex:
    return current_app.extensions["registry_search"]


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.extensions["registry_search"] = search_index(Path(app.config["INSTANCE"]))
    app.teardown_appcontext(close_store)
