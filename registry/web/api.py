"""The read-only JSON API (documented in docs/api.md)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from registry.search import FACETS
from registry.web.db import get_search, get_store
from registry.web.errors import NotFound

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/algorithmes")
def algorithmes():  # noqa: ANN201
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.get(name)}
    try:
        page = max(int(request.args.get("page", 1)), 1)
        per_page = min(max(int(request.args.get("par_page", 20)), 1), 100)
    except ValueError:
        page, per_page = 1, 20
    res = get_search().search(request.args.get("q", ""), filters, page=page, per_page=per_page)
    return jsonify({
        "total": res.total, "page": res.page, "par_page": res.par_page,
        "resultats": [{"id": h.id, "nom": h.nom, "administration": h.administration,
                       "domaine": h.domaine, "statut": h.statut, "extrait": h.extrait,
                       "url": url_for("algorithmes.fiche", ident=h.id, _external=True)}
                      for h in res.hits],
        "facettes": {k: [{"valeur": v.valeur, "nombre": v.nombre} for v in vals]
                     for k, vals in res.facettes.items()},
        "suggestion": res.suggestion,
    })


@bp.get("/algorithmes/<ident>")
def algorithme(ident: str):  # noqa: ANN201
    row = get_store().get(ident)
    if row is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    return jsonify({"id": row.id, **row.meta, "corps_html": row.corps_html,
                    "derniere_modification": row.derniere_modification})
