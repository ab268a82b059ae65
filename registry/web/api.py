"""The read-only JSON API (documented in docs/api.md)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from registry.search import FACETS, SORTS
from registry.web.errors import BadRequest, NotFound
from registry.web.limits import check_filters
from registry.web.resources import get_search, get_store
from registry.web.urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 100


def _int_param(name: str, default: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= high:
        raise BadRequest(f"Le paramètre « {name} » doit être un nombre entier entre 1 et "
                         f"{high} (reçu : « {raw[:40]} »).")
    return value


@bp.get("/algorithmes")
def algorithmes():  # noqa: ANN201
    page = _int_param("page", 1, 100_000)
    per_page = _int_param("par_page", 20, MAX_PER_PAGE)
    sort = request.args.get("tri", "pertinence") or "pertinence"
    if sort not in SORTS:
        raise BadRequest(f"Le paramètre « tri » accepte : {', '.join(SORTS)} "
                         f"(reçu : « {sort[:40]} »).")
    check_filters(sum(len(request.args.getlist(name)) for name in FACETS))
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.get(name)}
    res = get_search().search(request.args.get("q", ""), filters, page=page, per_page=per_page,
                              sort=sort)
    return jsonify({
        "total": res.total, "page": res.page, "par_page": res.par_page,
        "resultats": [{"id": h.id, "nom": h.nom, "administration": h.administration,
                       "domaine": h.domaine, "statut": h.statut, "extrait": h.extrait,
                       "url": external_url("algorithmes.fiche", ident=h.id)}
                      for h in res.hits],
        "facettes": {k: [{"valeur": v.valeur, "nombre": v.nombre} for v in vals]
                     for k, vals in res.facettes.items()},
        "suggestion": res.suggestion,
        "message": res.message,
    })


@bp.get("/algorithmes/<ident>")
def algorithme(ident: str):  # noqa: ANN201
    row = get_store().get(ident)
    if row is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    return jsonify({"id": row.id, **row.meta, "corps_html": row.corps_html,
                    "derniere_modification": row.derniere_modification})
