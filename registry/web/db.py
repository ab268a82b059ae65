"""Per-request resources: a database store on `g`, and one search index per process."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from registry.database import get_engine
from registry.search import SearchIndex
from registry.store import Store


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(get_engine(current_app.config))
    return g.store


def get_search() -> SearchIndex:
    """The process-wide index; it reopens itself when a new build is published."""
    return current_app.extensions["registry_search"]


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.extensions["registry_search"] = SearchIndex(Path(app.config["INSTANCE"]))
    app.teardown_appcontext(close_store)
