"""The administrations: the list of bodies and each body's algorithms and figures."""

from __future__ import annotations

from flask import Blueprint, render_template

from registry.web.errors import NotFound
from registry.web.overview import administration_page, get_overview
from registry.web.resources import get_store

bp = Blueprint("administrations", __name__)
LIMIT = 50  # algorithms listed on an administration's page (the search lists them all)


@bp.get("/administrations")
def liste() -> str:
    overview = get_overview(get_store())
    return render_template("administrations/liste.html", overview=overview)


@bp.get("/administrations/<slug>")
def fiche(slug: str) -> str:
    page = administration_page(get_store(), slug[:200])
    if page is None:
        raise NotFound(f"Aucune administration ne correspond à l'adresse « {slug[:80]} ».")
    return render_template("administrations/fiche.html", slug=slug, page=page,
                           limit=LIMIT)
