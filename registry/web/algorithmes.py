"""The list/search page and the record page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from registry.search import FACETS
from registry.web.db import get_search, get_store
from registry.web.errors import NotFound

bp = Blueprint("algorithmes", __name__)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except (TypeError, ValueError):
        return default


@bp.get("/algorithmes")
def liste() -> str:
    query = request.args.get("q", "")
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.get(name)}
    results = get_search().search(query, filters, page=_int_arg("page", 1, 1, 10_000),
                                  per_page=_int_arg("par_page", 20, 1, 100))
    return render_template("algorithmes/liste.html", q=query, results=results, filters=filters)


@bp.get("/algorithmes/<ident>")
def fiche(ident: str) -> str:
    row = get_store().get(ident)
    if row is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    return render_template("algorithmes/fiche.html", row=row, meta=row.meta)
