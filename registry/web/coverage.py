"""Transparency coverage: the /couverture page, its CSV downloads and the JSON API.

Each of them shows the current figures, or — with ``?commit=`` or ``?date=`` — the figures of
one version of the records read from git (``registry.coverage.asof``): a permanent link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext, ngettext
from markupsafe import Markup

from registry.config import administrations_folder
from registry.coverage import asof, charts, quotes
from registry.coverage import figures as coverage
from registry.coverage import trend as coverage_trend
from registry.opendata import apimodels as models
from registry.records import catalogue as cat
from registry.web.api import respond
from registry.web.errors import BadRequest, NotFound, Unavailable
from registry.web.filters import etats as etat_labels
from registry.web.i18n import PREFIXES, current_language
from registry.web.overview import before_publication, cached
from registry.web.resources import get_store
from registry.web.urls import external_url, site_url

bp = Blueprint("coverage", __name__)

CSV_TABLES = (*coverage.CSV_TABLES, *coverage_trend.CSV_TABLES)
RANKED = ("administration", "domaine", "statut", "type_technique")


@dataclass
class Figures:
    """The figures a request asks for: current ones, or those of one version of the records."""

    cov: coverage.Coverage
    history: coverage_trend.Trend
    snapshot: asof.Snapshot | None  # None: the current build
    latest: asof.Snapshot | None  # the last version of the records, for the permanent link

    @property
    def version(self) -> str:
        return self.snapshot.commit if self.snapshot else ""


def _data() -> Path:
    return Path(current_app.config["DATA"])


def current_trend(until: date | None = None) -> coverage_trend.Trend:
    """The history of the figures from git (cached per commit), up to `until`."""
    config = current_app.config
    return coverage_trend.trend(_data(), Path(config["INSTANCE"]) / "cache", until=until)


@before_publication
def current_coverage() -> coverage.Coverage:
    """The figures over every record, computed once per build (registry.web.overview)."""
    store = get_store()
    return cached(store, "coverage", lambda: coverage.compute(store.records()))  # type: ignore[return-value]


def requested() -> Figures:
    """The figures of the request: ``?commit=`` or ``?date=`` select a version of the records
    (a French 400 or 404 when it cannot be found), otherwise the current build."""
    commit, day = request.args.get("commit"), request.args.get("date")
    if not commit and not day:
        return Figures(current_coverage(), current_trend(), None, asof.latest(_data()))
    try:
        snapshot = asof.resolve(_data(), commit=commit or None, day=None if commit else day)
        records, _invalid = asof.records_at(_data(), administrations_folder(current_app.config),
                                            snapshot)
    except asof.AsOfError as exc:
        message = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        raise (BadRequest if exc.malformed else NotFound)(message) from None
    return Figures(coverage.compute(records, today=snapshot.day),
                   current_trend(until=snapshot.day), snapshot, asof.latest(_data()))


def permalink(snapshot: asof.Snapshot | None, anchor: str = "") -> str:
    """The permanent address of these figures, in the page's language (/en/couverture?…)."""
    if snapshot is None:
        return ""
    base = site_url()
    path = external_url("coverage.page", commit=snapshot.commit)[len(base):]
    return base + PREFIXES.get(current_language(), "") + path + anchor


def _quotes(f: Figures) -> dict:
    cov, when, version = f.cov, f.cov.date, f.version or (f.latest.commit if f.latest else "")
    out = {"criteres": {c.criterion.key: quotes.criterion_quotes(c, when, version)
                        for c in cov.criteria},
           "demandes": quotes.requests_quote(cov.requests["fiches_avec_demande_en_attente"],
                                             cov.total, when, version)}
    for name in RANKED:
        heading = coverage.BREAKDOWNS[name][1]
        out[name] = {g.slug: quotes.group_quote(name, heading, g, when, version)
                     for g in cov.groups[name]}
    return out


def chart_wording() -> charts.Wording:
    """The charts' words in the page's language (their templates keep their placeholders:
    the charts fill them)."""
    return charts.Wording(
        lang=current_language(), etats=etat_labels(),
        bars_title=gettext("Publication des critères de transparence, par état"),
        bars_desc=gettext(
            "Pour chacun des %(criteres)s critères, répartition des %(fiches)s fiches selon "
            "l'état de publication (publié, partiel, obtenu, non publié, refusé, inconnu, "
            "sans objet) ; le pourcentage à droite est la part des fiches où le critère est "
            "publié. Le tableau qui suit donne les mêmes chiffres."),
        bar_tip=gettext("%(critere)s — %(etat)s : %(chiffre)s"),
        trend_title=gettext("%(critere)s : part des fiches où l'élément est publié"),
        trend_desc=gettext(
            "De %(premier)s le %(debut)s à %(dernier)s le %(fin)s, sur %(versions)s ; au plus "
            "haut %(haut)s (échelle de 0 à %(echelle)s)."),
        trend_point=gettext("%(critere)s, %(jour)s : %(chiffre)s"),
        trend_empty=gettext("Aucune version des fiches."),
        versions=lambda n: ngettext("%(num)s version des fiches", "%(num)s versions des fiches",
                                    n))


def method_rows() -> list[dict]:
    """The method table in the page's language (the legal article stays as written)."""
    lang = current_language()
    individual = gettext("fiches dont l'algorithme fonde des décisions individuelles "
                         "(« décision individuelle : oui »), hors « sans objet »")
    every = gettext("toutes les fiches, hors « sans objet »")
    return [{**m, "libelle": c.label_for(lang), "publie_signifie": c.published_means_for(lang),
             "applicables": individual if c.crpa_individual else every}
            for c, m in zip(cat.CRITERIA, coverage.method(), strict=True)]


@bp.get("/couverture")
def page() -> str:
    f = requested()
    cov, history = f.cov, f.history
    words = chart_wording()
    bars = Markup(charts.stacked_bars(cov.criteria, cov.total, "graphique-etats", words))
    multiples = []
    if history.available and history.history:
        points = [(h.date, h.tous) for h in history.history]
        multiples = [(c, Markup(svg)) for c, svg in charts.small_multiples(
            points, "graphique-tendance", words)]
    link_to = f.snapshot or f.latest
    return render_template(
        "coverage/page.html", cov=cov, history=history, bars=bars, multiples=multiples,
        methode=method_rows(), etats=etat_labels(), etat_order=charts.ETAT_ORDER,
        etat_colours=charts.ETAT_COLOURS, breakdowns=coverage.BREAKDOWNS, ranked=RANKED,
        rankings={name: coverage.ranking(cov.groups[name]) for name in RANKED},
        bar=lambda figure: Markup(charts.bar(figure)), quotes=_quotes(f),
        snapshot=f.snapshot, latest=f.latest, permalink=permalink(link_to),
        permalink_to=lambda anchor: permalink(link_to, anchor),
        version_args={"commit": f.snapshot.commit} if f.snapshot else {},
        csv_tables=CSV_TABLES)


@bp.get("/couverture.csv")
def csv_download() -> Response:
    table = request.args.get("table", "criteres")
    if table not in CSV_TABLES:
        raise BadRequest(gettext("Tableau inconnu « %(tableau)s » : choisir parmi %(tableaux)s.",
                                 tableau=table[:40], tableaux=", ".join(CSV_TABLES)))
    f = requested()
    if table in coverage_trend.CSV_TABLES:
        if not f.history.available:
            raise Unavailable(gettext("Évolution : %(raison)s.", raison=f.history.reason))
        text = coverage.rows_to_csv(coverage_trend.csv_rows(f.history, table))
    else:
        text = coverage.to_csv(f.cov, table)
    suffix = f"-{f.snapshot.short}" if f.snapshot else ""
    name = f"couverture-{table}{suffix}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/api/v1/couverture")
def api() -> Response:
    f = requested()
    data = f.cov.as_dict()
    data["tendance"] = f.history.as_dict()
    data["version"] = ({"commit": f.snapshot.commit, "date": f.snapshot.date}
                       if f.snapshot else None)
    return respond(models.Couverture.model_validate(data))

