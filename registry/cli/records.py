"""Record commands: validate, migrate, schema, new, and init (a new register)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.config import administrations_folder, load_settings
from registry.records import catalogue as cat
from registry.records.skeleton import skeleton
from registry.records.validate import (
    ID_RE,
    References,
    check_paths,
    check_registry,
    format_problems,
    ids_in,
)
from registry.starter import RegisterExists, create_register


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="N'afficher que les erreurs.")
def validate(paths: tuple[Path, ...], quiet: bool) -> None:
    """Vérifier les fiches (par défaut les dossiers des algorithmes et des administrations).

    Un fichier du dossier des administrations est vérifié comme fiche d'administration ;
    les renvois d'une fiche à son administration sont vérifiés."""
    settings = load_settings()
    data, admins = Path(settings["DATA"]), administrations_folder(settings)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        click.echo(f"{p}:1: fichier ou dossier introuvable", err=True)
    if not paths:
        results = check_registry(data, admins)
    else:
        results = []
        for target in (p for p in paths if p.exists()):
            folder = target if target.is_dir() else target.parent
            beside = folder.parent / "administrations"
            own = beside if beside.is_dir() and not _inside(folder, data) else admins
            kind = cat.ADMINISTRATION if _inside(target, admins) or _inside(target, own) \
                else cat.ALGORITHME
            refs = References(ids_in(own if kind == cat.ALGORITHME else folder) or frozenset(),
                              ids_in(folder if kind == cat.ALGORITHME else data))
            results += check_paths([target], kind, refs)
    lines = format_problems(results)
    if quiet:
        lines = [line for line in lines if ": attention : " not in line]
    for line in lines:
        click.echo(line)
    bad = [r for r in results if not r.ok]
    click.echo(f"{len(results)} fiche(s) vérifiée(s), {len(bad)} invalide(s).", err=True)
    sys.exit(1 if bad or missing or not results else 0)


@click.command()
@click.option("--data", type=click.Path(path_type=Path, file_okay=False),
              help="Dossier des fiches (par défaut celui de la configuration).")
@click.option("--administrations", type=click.Path(path_type=Path, file_okay=False),
              help="Dossier des administrations (créé au besoin).")
@click.option("--dry-run", is_flag=True, help="Dire ce qui serait fait, sans rien écrire.")
def migrate(data: Path | None, administrations: Path | None, dry_run: bool) -> None:
    """Convertir les fiches du schéma 1 au schéma 2 (voir docs/schema-changelog.md)."""
    from registry.records.migrate import migrate as run

    settings = load_settings({"DATA": str(data)} if data else None)
    folder = Path(settings["DATA"])
    if not folder.is_dir():
        click.echo(f"{folder}:1: dossier des fiches introuvable", err=True)
        sys.exit(1)
    admins = administrations or administrations_folder(settings)
    report = run(folder, admins, dry_run=dry_run)
    for line in report.problems:
        click.echo(line)
    verb = "seraient converties" if dry_run else "converties"
    click.echo(f"{len(report.migrated)} fiche(s) {verb}, {len(report.unchanged)} déjà au schéma "
               f"{cat.SCHEMA_VERSION}, {len(report.created_administrations)} fiche(s) "
               "d'administration créée(s).", err=True)
    for path in report.created_administrations:
        click.echo(f"{path}: à compléter (adresse, PRADA, sources)", err=True)
    if report.migrated and not dry_run:
        click.echo("Vérifiez ensuite avec « registry validate » : les renvois aux sources "
                   "([^cle]) s'écrivent à la main.", err=True)
    sys.exit(1 if any(": illisible" in p or "inconnue" in p for p in report.problems) else 0)


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


@click.command("init")
@click.argument("dossier", type=click.Path(path_type=Path, file_okay=False))
@click.option("--nom", default="Registre des algorithmes publics", show_default=True,
              help="Nom du registre, affiché sur chaque page.")
@click.option("--editeur", default="", help="Qui publie ce registre (ville, association…).")
def init(dossier: Path, nom: str, editeur: str) -> None:
    """Créer un nouveau registre dans DOSSIER (configuration, une fiche d'exemple)."""
    try:
        written = create_register(dossier, nom, editeur)
    except RegisterExists as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"écrit : {path}")
    click.echo(f"\nRegistre créé. Ensuite : cd {dossier} && registry build && registry serve")


commands = [validate, migrate, schema, new, init]
