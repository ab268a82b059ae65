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
    admin = get_store().administration(row.administration_id)
    return jsonify({"id": row.id, **row.meta, "corps_html": row.corps_html,
                    "derniere_modification": row.derniere_modification,
                    "administration_detail": {
                        "id": row.administration_id, "nom": row.administration,
                        "sigle": admin.sigle if admin else "", "type": row.administration_type,
                        "siren": (admin.meta.get("siren", "") if admin else ""),
                        "url": external_url("api.administration", ident=row.administration_id)}})


@bp.get("/administrations/<ident>")
def administration(ident: str):  # noqa: ANN201
    admin = get_store().administration(ident[:200])
    if admin is None:
        raise NotFound(f"Aucune administration n'a l'identifiant « {ident[:80]} ».")
    algorithms = [{"id": row.id, "nom": row.nom,
                   "url": external_url("api.algorithme", ident=row.id)}
                  for row in get_store().by_administration(admin.id)]
    return jsonify({"id": admin.id, **admin.meta, "corps_html": admin.corps_html,
                    "taux_reponse_cada": admin.taux_reponse, "algorithmes": algorithms})
