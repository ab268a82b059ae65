"""The read-only JSON API (documented in docs/api.md)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext
from pydantic import BaseModel

from registry.opendata import apimodels as models
from registry.search import FACETS, SORTS
from registry.web.errors import BadRequest, NotFound
from registry.web.limits import check_filters
from registry.web.resources import get_search, get_store
from registry.web.urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = models.MAX_PER_PAGE


def respond(model: BaseModel) -> Response:
    """A response built through its typed model (the OpenAPI document is generated from it)."""
    return jsonify(model.model_dump(mode="json"))


def _int_param(name: str, default: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= high:
        raise BadRequest(gettext("Le paramètre « %(nom)s » doit être un nombre entier entre 1 "
                                 "et %(max)s (reçu : « %(recu)s »).", nom=name, max=high,
                                 recu=raw[:40]))
    return value


@bp.get("/algorithmes")
def algorithmes() -> Response:
    page = _int_param("page", 1, 100_000)
    per_page = _int_param("par_page", 20, MAX_PER_PAGE)
    sort = request.args.get("tri", "pertinence") or "pertinence"
    if sort not in SORTS:
        raise BadRequest(gettext("Le paramètre « tri » accepte : %(valeurs)s (reçu : "
                                 "« %(recu)s »).", valeurs=", ".join(SORTS), recu=sort[:40]))
    check_filters(sum(len(request.args.getlist(name)) for name in FACETS))
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.get(name)}
    res = get_search().search(request.args.get("q", ""), filters, page=page, per_page=per_page,
                              sort=sort)
    hits = [models.Resultat(
        id=h.id, nom=h.nom, administration=h.administration, domaine=h.domaine,
        statut=h.statut, extrait_texte=h.extrait_texte, extrait=h.extrait,
        surlignages=[models.Surlignage(debut=a, fin=b) for a, b in h.surlignages],
        url=external_url("algorithmes.fiche", ident=h.id)) for h in res.hits]
    return respond(models.Resultats(
        total=res.total, page=res.page, par_page=res.par_page, resultats=hits,
        facettes={k: [models.ValeurFacette(valeur=v.valeur, nombre=v.nombre) for v in vals]
                  for k, vals in res.facettes.items()},
        suggestion=res.suggestion, message=res.message))


@bp.get("/algorithmes/<ident>")
def algorithme(ident: str) -> Response:
    row = get_store().get(ident)
    if row is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    admin = get_store().administration(row.administration_id)
    detail = models.AdministrationResume(
        id=row.administration_id, nom=row.administration, sigle=admin.sigle if admin else "",
        type=row.administration_type, siren=str(admin.meta.get("siren", "") if admin else ""),
        url=external_url("api.administration", ident=row.administration_id))
    return respond(models.Algorithme.model_validate({
        **row.meta, "id": row.id, "corps_html": row.corps_html,
        "derniere_modification": row.derniere_modification, "administration_detail": detail}))


@bp.get("/administrations/<ident>")
def administration(ident: str) -> Response:
    admin = get_store().administration(ident[:200])
    if admin is None:
        raise NotFound(gettext("Aucune administration n'a l'identifiant « %(id)s ».",
                               id=ident[:80]))
    algorithms = [models.AlgorithmeLien(id=row.id, nom=row.nom,
                                        url=external_url("api.algorithme", ident=row.id))
                  for row in get_store().by_administration(admin.id)]
    return respond(models.Administration.model_validate({
        **admin.meta, "id": admin.id, "corps_html": admin.corps_html,
        "taux_reponse_cada": admin.taux_reponse, "algorithmes": algorithms}))
