"""`registry freeze`: write a static copy of the read-only site."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from registry.config import load_settings


@click.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Dossier de sortie (défaut : INSTANCE/site-statique). Remplacé en entier.")
@click.option("--site-dynamique", "dynamic_url", default="",
              help="Adresse du site dynamique, pour les liens qui demandent un serveur "
                   "(filtres combinés, formulaires). Sans elle, ces liens sont désactivés.")
@click.option("--instance", type=click.Path(path_type=Path), help="Dossier des artefacts.")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
def freeze(output: Path | None, dynamic_url: str, instance: Path | None,
           data: Path | None) -> None:
    """Exporter le site en lecture seule en fichiers statiques (hébergement statique, CDN)."""
    from registry.web import create_app
    from registry.web.freeze import FreezeError
    from registry.web.freeze import freeze as run_freeze

    overrides = {k: str(v) for k, v in (("DATA", data), ("INSTANCE", instance)) if v}
    settings = load_settings(overrides)
    folder = output or Path(settings["INSTANCE"]) / "site-statique"
    if dynamic_url and not dynamic_url.startswith(("http://", "https://")):
        raise click.BadParameter("l'adresse doit commencer par http:// ou https://",
                                 param_hint="--site-dynamique")
    # no form is posted to a static copy: a throw-away key, the state store is not needed
    app = create_app({"SECRET_KEY": secrets.token_hex(16), **overrides}
                     if not settings.get("SECRET_KEY") else overrides)
    try:
        frozen = run_freeze(app, folder, dynamic_url)
    except FreezeError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(1)
    pages = sum(1 for p in frozen.files if p.endswith(".html"))
    click.echo(f"{pages} pages et {len(frozen.files) - pages} fichiers écrits dans {folder}",
               err=True)
    click.echo(f"{len(frozen.skipped)} adresses laissées au site dynamique "
               "(filtres combinés, formulaires).", err=True)


commands = [freeze]
