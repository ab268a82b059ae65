"""Public history: a record's changes from git, field by field, and Atom feeds of changes.

The interface follows the page's language (the feeds' titles too, under /en/); what changed
is told in French, as the history is written (record content, commit subjects)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template
from flask_babel import gettext

from registry.opendata import feeds
from registry.records.diff import label_of
from registry.records.versions import GitError, Version, file_history, recent_changes
from registry.web.errors import NotFound
from registry.web.filters import texte_traduit
from registry.web.i18n import current_language
from registry.web.resources import get_store
from registry.web.urls import external_url

bp = Blueprint("history", __name__)

FEED_SIZE = 50


def _url(endpoint: str, **values: object) -> str:
    """An absolute address in the page's language (an English feed links to English pages)."""
    return external_url(endpoint, same_language=True, **values)


def _data() -> Path:
    return Path(current_app.config["DATA"])


@bp.get("/algorithmes/<ident>/historique")
def historique(ident: str) -> str:
    row = get_store().get(ident[:200])
    if row is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    try:
        versions, unavailable = file_history(_data(), row.id), ""
    except GitError as exc:
        versions, unavailable = [], str(exc)
    return render_template("history/historique.html", row=row, meta=row.meta,
                           versions=versions, unavailable=unavailable)


def _link(version: Version) -> str:
    return _url("history.historique", ident=version.id) \
        + f"#version-{version.commit[:12]}"


def _feed(versions: list[Version], names: dict[str, str], title: str, self_url: str,
          page_url: str) -> Response:
    body = feeds.atom(self_url, title, self_url, page_url,
                      feeds.entries(versions, _link, names),
                      subtitle=gettext("Ce qui a changé dans les fiches, champ par champ, "
                                       "en français."), lang=current_language())
    return Response(body, mimetype="application/atom+xml")  # cached: registry.web.caching


def _changes(ids: set[str] | None) -> list[Version]:
    try:
        return recent_changes(_data(), FEED_SIZE, ids)
    except GitError:
        return []  # no history: an empty, still valid feed


@bp.get("/flux.atom")
def flux() -> Response:
    names = {row.id: row.nom for row in get_store().all()}
    return _feed(_changes(None), names, gettext("Registre citoyen des algorithmes publics : "
                                                "modifications"), _url("history.flux"),
                 _url("algorithmes.liste"))


@bp.get("/algorithmes/<ident>/flux.atom")
def flux_fiche(ident: str) -> Response:
    """The changes of one record: « Suivre cette fiche »."""
    row = get_store().get(ident[:200])
    if row is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    return _feed(_changes({row.id}), {row.id: row.nom},
                 gettext("%(nom)s : modifications de la fiche",
                         nom=texte_traduit(row.meta, "nom")),
                 _url("history.flux_fiche", ident=row.id),
                 _url("algorithmes.fiche", ident=row.id))


@bp.get("/administrations/<slug>/flux.atom")
def flux_administration(slug: str) -> Response:
    rows = get_store().by_administration(slug[:200])
    if not rows:
        raise NotFound(gettext("Aucune administration ne correspond à l'adresse « %(slug)s ».",
                               slug=slug[:80]))
    names = {row.id: row.nom for row in rows}
    page = _url("administrations.fiche", slug=slug) \
        if "administrations.fiche" in current_app.view_functions else \
        _url("algorithmes.liste")
    return _feed(_changes(set(names)), names,
                 gettext("%(administration)s : modifications des fiches",
                         administration=rows[0].administration),
                 _url("history.flux_administration", slug=slug), page)


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@bp.app_template_filter("libelle_chemin")
def path_label(path: str) -> str:
    """The label of a changed field (« sources[1].url ») in the page's language, as the
    diff names it in French: « Sources n° 2 › Adresse »."""
    parts: list[str | int] = [int(m.group(2)) if m.group(2) else m.group(1)
                              for m in _PART.finditer(str(path))]
    return label_of(parts, current_language())
