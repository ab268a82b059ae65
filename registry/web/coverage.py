"""Transparency coverage: the /couverture page, its CSV download and the JSON API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from registry.coverage import charts
from registry.coverage import figures as coverage
from registry.coverage import trend as coverage_trend
from registry.records import catalogue as cat
from registry.web.errors import BadRequest, Unavailable
from registry.web.overview import cached
from registry.web.resources import get_store

bp = Blueprint("coverage", __name__)

CSV_TABLES = (*coverage.CSV_TABLES, "tendance")


def current_trend() -> coverage_trend.Trend:
    """The monthly figures from the git history of the records folder (cached per commit)."""
    config = current_app.config
    return coverage_trend.trend(Path(config["DATA"]), Path(config["INSTANCE"]) / "cache")


def current_coverage() -> coverage.Coverage:
    """The figures over every record, computed once per build (registry.web.overview)."""
    store = get_store()
    return cached(store, "coverage", lambda: coverage.compute(store.records()))  # type: ignore[return-value]


@bp.get("/couverture")
def page() -> str:
    cov = current_coverage()
    history = current_trend()
    bars = Markup(charts.stacked_bars(cov.criteria, cov.total, "graphique-etats"))
    lines = (Markup(charts.trend_lines(history.points, "graphique-tendance"))
             if history.available and history.points else None)
    return render_template(
        "coverage/page.html", cov=cov, history=history, bars=bars, lines=lines,
        methode=coverage.method(), etats=cat.ETATS, etat_order=charts.ETAT_ORDER,
        etat_colours=charts.ETAT_COLOURS, breakdowns=coverage.BREAKDOWNS,
        csv_tables=CSV_TABLES)


@bp.get("/couverture.csv")
def csv_download() -> Response:
    table = request.args.get("table", "criteres")
    if table not in CSV_TABLES:
        raise BadRequest(f"Tableau inconnu « {table[:40]} » : choisir parmi "
                         f"{', '.join(CSV_TABLES)}.")
    if table == "tendance":
        history = current_trend()
        if not history.available:
            raise Unavailable(f"Évolution : {history.reason}.")
        text = coverage.rows_to_csv(coverage_trend.csv_rows(history))
    else:
        text = coverage.to_csv(current_coverage(), table)
    name = f"couverture-{table}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/api/v1/couverture")
def api() -> Response:
    data = current_coverage().as_dict()
    data["tendance"] = current_trend().as_dict()
    return jsonify(data)
