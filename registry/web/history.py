"""Public history: a record's changes from git, field by field, and Atom feeds of changes."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from registry.opendata import feeds
from registry.records.versions import GitError, Version, file_history, recent_changes
from registry.web.errors import NotFound
from registry.web.resources import get_store
from registry.web.urls import external_url

bp = Blueprint("history", __name__)

FEED_SIZE = 50


def _data() -> Path:
    return Path(current_app.config["DATA"])


@bp.get("/algorithmes/<ident>/historique")
def historique(ident: str) -> str:
    row = get_store().get(ident[:200])
    if row is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    try:
        versions, unavailable = file_history(_data(), row.id), ""
    except GitError as exc:
        versions, unavailable = [], str(exc)
    return render_template("history/historique.html", row=row, meta=row.meta,
                           versions=versions, unavailable=unavailable)


def _link(version: Version) -> str:
    return external_url("history.historique", ident=version.id) \
        + f"#version-{version.commit[:12]}"


def _feed(versions: list[Version], names: dict[str, str], title: str, self_url: str,
          page_url: str) -> Response:
    body = feeds.atom(self_url, title, self_url, page_url,
                      feeds.entries(versions, _link, names),
                      subtitle="Ce qui a changé dans les fiches, champ par champ, en "
                               "français.")
    return Response(body, mimetype="application/atom+xml")  # cached: registry.web.caching


def _changes(ids: set[str] | None) -> list[Version]:
    try:
        return recent_changes(_data(), FEED_SIZE, ids)
    except GitError:
        return []  # no history: an empty, still valid feed


@bp.get("/flux.atom")
def flux() -> Response:
    names = {row.id: row.nom for row in get_store().all()}
    return _feed(_changes(None), names, "Registre citoyen des algorithmes publics : "
                 "modifications", external_url("history.flux"),
                 external_url("algorithmes.liste"))


@bp.get("/algorithmes/<ident>/flux.atom")
def flux_fiche(ident: str) -> Response:
    """The changes of one record: « Suivre cette fiche »."""
    row = get_store().get(ident[:200])
    if row is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    return _feed(_changes({row.id}), {row.id: row.nom}, f"{row.nom} : modifications de la "
                 "fiche", external_url("history.flux_fiche", ident=row.id),
                 external_url("algorithmes.fiche", ident=row.id))


@bp.get("/administrations/<slug>/flux.atom")
def flux_administration(slug: str) -> Response:
    rows = get_store().by_administration(slug[:200])
    if not rows:
        raise NotFound(f"Aucune administration ne correspond à l'adresse « {slug[:80]} ».")
    names = {row.id: row.nom for row in rows}
    page = external_url("administrations.fiche", slug=slug) \
        if "administrations.fiche" in current_app.view_functions else \
        external_url("algorithmes.liste")
    return _feed(_changes(set(names)), names, f"{rows[0].administration} : modifications "
                 "des fiches", external_url("history.flux_administration", slug=slug), page)
