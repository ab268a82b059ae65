"""``registry coverage``: the transparency figures on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry import jsonout
from registry.config import load_settings
from registry.coverage.figures import CSV_TABLES, Coverage, compute, rows_to_csv, to_csv
from registry.coverage.trend import CSV_TABLES as TREND_TABLES
from registry.coverage.trend import Trend, csv_rows, trend
from registry.records import catalogue as cat
from registry.records.model import InvalidRecords, load_records

WORST = 10  # least transparent records listed in the text output


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def text_report(cov: Coverage, data: Path) -> list[str]:
    lines = [f"Couverture de la transparence : {cov.total} fiche(s) ({data}), "
             f"au {cov.date.isoformat()}.", ""]
    rows = [["Critère", "Publié (toutes les fiches)", "Publié (fiches concernées)",
             "Partiel", "Obtenu"]]
    rows += [[c.criterion.label, c.tous.texte, c.applicables.texte, str(c.etats["partiel"]),
              str(c.etats["obtenu"])] for c in cov.criteria]
    lines += _table(rows)
    lines += ["", "Fiches avec une demande d'accès en attente de réponse : "
              f"{cov.requests['fiches_avec_demande_en_attente']} ; avec une demande non close : "
              f"{cov.requests['fiches_avec_demande_ouverte']}."]
    if cov.scores:
        lines += ["", "Fiches les moins transparentes (critères concernés publiés) :"]
        lines += [f"  {s.score.texte}  {s.id} — {s.nom}" for s in cov.scores[:WORST]]
    return lines


def trend_lines(result: Trend) -> list[str]:
    if not result.available:
        return ["", f"Évolution : {result.reason}."]
    keys = [c.key for c in cat.CRITERIA]
    rows = [["Mois", "Fiches", *[cat.CRITERIA_BY_KEY[k].label for k in keys]]]
    rows += [[p.mois, str(p.total), *[p.tous[k].pourcentage for k in keys]]
             for p in result.points]
    return ["", "Évolution (part des fiches où le critère est publié, fin de mois) :",
            *_table(rows)]


@click.command()
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (celle de l'API).")
@click.option("--csv", "as_csv", is_flag=True, help="Sortie CSV (voir --table).")
@click.option("--table", type=click.Choice((*CSV_TABLES, *TREND_TABLES)), default="criteres",
              show_default=True, help="Tableau écrit par --csv.")
@click.option("--tendance", is_flag=True,
              help="Ajouter l'évolution mensuelle tirée de l'historique git des fiches.")
def coverage(data: Path | None, as_json: bool, as_csv: bool, table: str,
             tendance: bool) -> None:
    """Chiffres de couverture de la transparence, critère par critère."""
    if as_json and as_csv:
        raise click.UsageError("choisir --json ou --csv, pas les deux")
    settings = load_settings()
    folder = data or Path(settings["DATA"])
    if not folder.is_dir():
        click.echo(f"{folder} : dossier des fiches introuvable.", err=True)
        sys.exit(1)
    try:
        records = load_records(folder)
    except InvalidRecords as exc:
        for message in exc.messages:
            click.echo(message, err=True)
        click.echo("Des fiches sont invalides : corrigez-les (registry validate) avant de "
                   "calculer la couverture.", err=True)
        sys.exit(1)
    cov = compute(records)
    wants_trend = tendance or (as_csv and table in TREND_TABLES)
    history = trend(folder, Path(settings["INSTANCE"]) / "cache") if wants_trend else None
    if as_csv and table in TREND_TABLES:
        if not history.available:
            click.echo(f"Évolution : {history.reason}.", err=True)
            sys.exit(1)
        click.echo(rows_to_csv(csv_rows(history, table)), nl=False)
    elif as_csv:
        click.echo(to_csv(cov, table), nl=False)
    elif as_json:
        out = {**cov.as_dict(), "version": None}  # the shape of the API (current figures)
        if history is not None:
            out["tendance"] = history.as_dict()
        click.echo(jsonout.dumps(out, ensure_ascii=False, indent=2))
    else:
        lines = text_report(cov, folder) + (trend_lines(history) if history else [])
        click.echo("\n".join(lines))


commands = [coverage]
