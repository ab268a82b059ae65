"""`registry maintainers add|remove|passwd|list`: the maintainers' personal accounts, kept
in the state store (STATE or STATE_DATABASE_URL). Passwords are asked for on the terminal
(twice) or read from standard input with --mot-de-passe-stdin; only their hash is kept."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.config import load_settings
from registry.state import StateUnavailable, accounts, state_engine


def _fail(message: str) -> NoReturn:
    click.echo(f"Erreur : {message}.", err=True)
    sys.exit(1)


def _engine(ctx: click.Context) -> Engine:
    try:
        return state_engine(ctx.obj)
    except (SQLAlchemyError, StateUnavailable) as exc:
        _fail(f"stockage d'état inaccessible ({str(exc).splitlines()[0][:200]})")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mot de passe", hide_input=True, confirmation_prompt=
                        "Mot de passe (encore une fois)")


@click.group()
@click.option("--state", type=click.Path(path_type=Path), help="Dossier de l'état.")
@click.pass_context
def maintainers(ctx: click.Context, state: Path | None) -> None:
    """Gérer les comptes des mainteneurs (un par personne)."""
    ctx.obj = load_settings({"STATE": str(state)} if state else None)


@maintainers.command()
@click.argument("login")
@click.option("--nom", "public_name", required=True,
              help="Nom public, montré avec chaque décision (ex. « Camille Durand »).")
@click.option("--mot-de-passe-stdin", "from_stdin", is_flag=True,
              help="Lire le mot de passe sur l'entrée standard (une ligne).")
@click.pass_context
def add(ctx: click.Context, login: str, public_name: str, from_stdin: bool) -> None:
    """Créer le compte LOGIN."""
    engine = _engine(ctx)
    try:
        account = accounts.add(engine, login, public_name, _password(from_stdin))
    except accounts.MaintainerError as exc:
        _fail(str(exc))
    click.echo(f"Compte « {account.login} » créé ({account.public_name}).")


@maintainers.command()
@click.argument("login")
@click.pass_context
def remove(ctx: click.Context, login: str) -> None:
    """Supprimer le compte LOGIN (ses sessions sont fermées ; ses décisions restent)."""
    try:
        accounts.remove(_engine(ctx), login)
    except accounts.MaintainerError as exc:
        _fail(str(exc))
    click.echo(f"Compte « {login} » supprimé.")


@maintainers.command()
@click.argument("login")
@click.option("--mot-de-passe-stdin", "from_stdin", is_flag=True,
              help="Lire le mot de passe sur l'entrée standard (une ligne).")
@click.pass_context
def passwd(ctx: click.Context, login: str, from_stdin: bool) -> None:
    """Changer le mot de passe de LOGIN (ses sessions ouvertes sont fermées)."""
    engine = _engine(ctx)
    if accounts.get(engine, login) is None:
        _fail(f"aucun compte « {login[:40]} »")
    try:
        accounts.set_password(engine, login, _password(from_stdin))
    except accounts.MaintainerError as exc:
        _fail(str(exc))
    click.echo(f"Mot de passe de « {login} » changé.")


@maintainers.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Lister les comptes."""
    rows = accounts.accounts(_engine(ctx))
    for a in rows:
        click.echo(f"{a.login:<24} {a.public_name}  (créé le {a.created_at[:10]})")
    if not rows:
        click.echo("Aucun compte : les pages des mainteneurs sont fermées.")


commands = [maintainers]
