"""Open data: `registry export`, `registry import csv|json`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.config import administrations_folder, load_settings
from registry.opendata import eudb
from registry.opendata.crosswalks import MAPPINGS, load_mapping
from registry.opendata.exports import FORMATS
from registry.opendata.exports import export as run_export
from registry.opendata.imports import ImportReport, import_csv, import_json
from registry.records.model import InvalidRecords, load_administrations, load_records


@click.command()
@click.option("--format", "fmt", type=click.Choice((*FORMATS, *eudb.FORMATS)), default="json",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Fichier (défaut : sortie).")
@click.option("--bom", is_flag=True, help="CSV : ajouter l'indicateur UTF-8 (tableurs).")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
def export(fmt: str, output: Path | None, bom: bool, data: Path | None) -> None:
    """Exporter toutes les fiches (JSON, CSV, CSV compatible ODAP, correspondance néerlandaise),
    ou les systèmes à haut risque dans les rubriques de la base de données de l'UE."""
    settings = load_settings({"DATA": str(data)} if data else None)
    try:
        records = load_records(Path(settings["DATA"]))
        admins = {a.id: a.meta for a in load_administrations(administrations_folder(settings))} \
            if fmt in eudb.FORMATS else {}
    except InvalidRecords as exc:
        click.echo("\n".join(exc.messages))
        sys.exit(1)
    if fmt in eudb.FORMATS:
        text = eudb.export(records, admins, fmt, str(settings["SITE_URL"]), bom=bom)
    else:
        text = run_export(records, fmt, str(settings["SITE_URL"]), bom=bom)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"{len(records)} fiches exportées dans {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group("import")
def import_() -> None:
    """Importer un registre existant en fiches."""


def _finish(report: ImportReport, data: Path) -> None:
    for path in report.written:
        click.echo(f"écrit : {path}")
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(f"{len(report.written)} fiche(s) écrite(s) dans {data}, "
               f"{len(report.problems)} problème(s).", err=True)
    sys.exit(1 if report.problems else 0)


@import_.command("csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", required=True,
              help=f"Correspondance des colonnes : {', '.join(MAPPINGS)} ou un fichier YAML.")
@click.option("--source-url", default="", help="Adresse où le registre importé est publié.")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--force", is_flag=True, help="Remplacer les fiches existantes.")
def import_csv_command(file: Path, mapping: str, source_url: str, data: Path | None,
                       force: bool) -> None:
    """Importer un tableur (colonnes ODAP, Etalab, du registre, ou correspondance YAML)."""
    folder = data or Path(load_settings()["DATA"])
    try:
        columns = load_mapping(mapping)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--mapping") from None
    url = source_url or f"https://registre-algorithmes-publics.fr/import/{file.name}"
    _finish(import_csv(file, columns, folder, url, force=force), folder)


@import_.command("json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--force", is_flag=True, help="Remplacer les fiches existantes.")
def import_json_command(file: Path, data: Path | None, force: bool) -> None:
    """Réimporter l'export JSON du registre."""
    folder = data or Path(load_settings()["DATA"])
    _finish(import_json(file, folder, force=force), folder)


commands = [export, import_]
