"""Home and about pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from registry.web.db import get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def accueil() -> str:
    store = get_store()
    return render_template("pages/accueil.html", total=store.count(), recents=store.recent(6))


@bp.get("/a-propos")
def a_propos() -> str:
    return render_template("pages/a_propos.html")
