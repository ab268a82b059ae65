"""Record commands: validate, schema, new."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.config import load_settings
from registry.records.skeleton import skeleton
from registry.records.validate import ID_RE, check_paths, format_problems


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="N'afficher que les erreurs.")
def validate(paths: tuple[Path, ...], quiet: bool) -> None:
    """Vérifier les fiches (par défaut tout le dossier des fiches)."""
    targets = list(paths) or [Path(load_settings()["DATA"])]
    missing = [p for p in targets if not p.exists()]
    for p in missing:
        click.echo(f"{p}:1: fichier ou dossier introuvable", err=True)
    results = check_paths([p for p in targets if p.exists()])
    lines = format_problems(results)
    if quiet:
        lines = [line for line in lines if ": attention : " not in line]
    for line in lines:
        click.echo(line)
    bad = [r for r in results if not r.ok]
    click.echo(f"{len(results)} fiche(s) vérifiée(s), {len(bad)} invalide(s).", err=True)
    sys.exit(1 if bad or missing or not results else 0)


@click.command()
@click.option("--indent", default=2, show_default=True)
def schema(indent: int) -> None:
    """Afficher le schéma JSON (Draft 2020-12) de l'en-tête des fiches."""
    from registry.opendata.jsonschema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=indent))


@click.command()
@click.argument("ident")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
def new(ident: str, data: Path | None) -> None:
    """Créer le squelette commenté d'une nouvelle fiche IDENT."""
    if not ID_RE.match(ident):
        raise click.BadParameter("minuscules ascii, chiffres et tirets (ex. caf-score-risque)",
                                 param_hint="ID")
    folder = data or Path(load_settings()["DATA"])
    target = folder / f"{ident}.md"
    if target.exists():
        click.echo(f"{target} existe déjà : rien n'a été écrit.", err=True)
        sys.exit(1)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(skeleton(ident), encoding="utf-8")
    click.echo(f"{target} créé : remplissez les valeurs puis lancez "
               f"« registry validate {target} ».")


commands = [validate, schema, new]
