"""The AI Act page (/reglement-ia), its JSON, and the « Prêts pour l'AI Act » figures that the
coverage page includes; computed once per build (registry.web.overview.per_build)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, render_template

from registry.coverage import readiness
from registry.law import aiact
from registry.opendata import eudb
from registry.web.i18n import current_language
from registry.web.overview import before_publication, per_build
from registry.web.resources import get_store

bp = Blueprint("aiact", __name__)


@bp.app_template_global("ai_act_readiness")
@before_publication
def current_readiness() -> readiness.Readiness:
    """The figures of the current build (also a template global, for the coverage block)."""
    store = get_store()
    return per_build(store, "aiact",  # type: ignore[return-value]
                     lambda: readiness.compute(store.records()))


def _dates() -> list[dict]:
    return [{"id": d.key, "libelle": d.label, "date": d.when.isoformat(),
             "sources": [{"url": r.url, "titre": r.titre} for r in d.references]}
            for d in aiact.DATES]


@bp.get("/reglement-ia")
def page() -> str:
    return render_template(
        "aiact/page.html", r=current_readiness(), dates=aiact.DATES,
        explication=aiact.EXPLANATION_RIGHT,
        explication_date=aiact.applies_from(aiact.EXPLANATION_RIGHT),
        interdictions=aiact.DATES_BY_KEY["interdictions"].when,
        registration=aiact.DEPLOYER_REGISTRATION,
        registration_article=aiact.registration_article(current_language()),
        act_url=aiact.AI_ACT_URL,
        eudb_files=eudb.FILE_NAMES, today=date.today())


@bp.get("/api/v1/reglement-ia")
def api() -> Response:
    data = current_readiness().as_dict()
    data["dates"] = _dates()
    data["date"] = date.today().isoformat()
    return jsonify(data)
