"""Home and about pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from registry.coverage import figures as coverage
from registry.web.overview import get_overview
from registry.web.resources import get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def accueil() -> str:
    overview = get_overview(get_store())
    return render_template("pages/accueil.html", overview=overview,
                           headline=overview.headline)


@bp.get("/a-propos")
def a_propos() -> str:
    return render_template("pages/a_propos.html", methode=coverage.method(),
                           forge_url=current_app.config.get("FORGE_URL", ""))
