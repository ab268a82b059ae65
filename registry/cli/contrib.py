"""Contribution commands: `registry submissions list|show|accept|reject|export|import|migrate`,
`registry diff`. The queue lives in the state store (STATE or STATE_DATABASE_URL)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.config import load_settings
from registry.contributions import backup, publish
from registry.contributions import queue as subs
from registry.records.diff import format_report
from registry.records.versions import GitError, diff_revisions
from registry.state import StateUnavailable, accounts, state_engine
from registry.state.accounts import Account
from registry.state.legacy import migrate_legacy_queue


def _settings(ctx: click.Context) -> dict:
    return ctx.obj


def _engine(ctx: click.Context) -> Engine:
    try:
        return state_engine(_settings(ctx))
    except (SQLAlchemyError, StateUnavailable) as exc:
        _fail(f"stockage d'état inaccessible ({str(exc).splitlines()[0][:200]})")


@click.group()
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--instance", type=click.Path(path_type=Path), help="Dossier des artefacts.")
@click.option("--state", type=click.Path(path_type=Path),
              help="Dossier de l'état (la file des contributions).")
@click.pass_context
def submissions(ctx: click.Context, data: Path | None, instance: Path | None,
                state: Path | None) -> None:
    """Relire les contributions : lister, afficher, accepter, refuser, sauvegarder."""
    overrides = {k: str(v) for k, v in (("DATA", data), ("INSTANCE", instance),
                                        ("STATE", state)) if v}
    ctx.obj = load_settings(overrides)
    if ctx.invoked_subcommand != "migrate":
        _migrate(ctx.obj, quiet=True)


def _migrate(settings: dict, quiet: bool) -> int:
    try:
        moved = migrate_legacy_queue(settings)
    except (SQLAlchemyError, StateUnavailable, OSError) as exc:
        _fail(f"la file de l'ancienne base n'a pas pu être déplacée "
              f"({str(exc).splitlines()[0][:200]}) ; rien n'a été perdu")
    if moved or not quiet:
        click.echo(f"{moved} contribution(s) déplacée(s) de la base dérivée vers le "
                   "stockage d'état.", err=True)
    return moved


def _fail(message: str) -> NoReturn:
    click.echo(f"Erreur : {message}.", err=True)
    sys.exit(1)


def _get(ctx: click.Context, ident: int) -> subs.Submission:
    sub = subs.get(_engine(ctx), ident)
    if sub is None:
        _fail(f"aucune contribution n° {ident}")
    return sub  # type: ignore[return-value]


@submissions.command("list")
@click.option("--statut", type=click.Choice(list(subs.STATUSES)), help="Filtrer par statut.")
@click.pass_context
def list_(ctx: click.Context, statut: str | None) -> None:
    """Lister la file des contributions (en attente d'abord)."""
    rows = subs.queue(_engine(ctx), statut)
    if not rows:
        click.echo("Aucune contribution.")
        return
    for s in rows:
        click.echo(f"{s.id:>5}  {s.created_at[:10]}  {s.status_label:<24}  "
                   f"{s.kind:<11}  {s.record_id}")
    pending = sum(1 for s in rows if s.status == subs.PENDING)
    click.echo(f"{len(rows)} contribution(s), dont {pending} en attente.", err=True)


@submissions.command()
@click.argument("ident", type=int)
@click.pass_context
def show(ctx: click.Context, ident: int) -> None:
    """Afficher une contribution : message, changements proposés, validation."""
    settings = _settings(ctx)
    sub = _get(ctx, ident)
    click.echo(f"Contribution n° {sub.id} : {sub.kind_label}, fiche « {sub.record_id} »")
    click.echo(f"Statut : {sub.status_label} (proposée le {sub.created_at})")
    if sub.name:
        click.echo(f"Proposée par : {sub.name}")
    if sub.email:
        click.echo(f"Courriel (privé) : {sub.email}")
    if sub.decided_by_name:
        click.echo(f"Décidée par : {sub.decided_by_name} ({sub.decided_by})")
    if sub.reason:
        click.echo(f"Raison : {sub.reason}")
    if sub.message:
        click.echo("Message :\n  " + sub.message.replace("\n", "\n  "))
    if not sub.has_file:
        return
    path = Path(settings["DATA"]) / f"{sub.record_id}.md"
    if sub.kind == "correction" and subs.file_hash(path) != sub.base_hash:
        click.echo("Attention : la fiche a changé depuis la proposition.")
    click.echo("Changements proposés :")
    for line in subs.change_lines(sub, path):
        click.echo(f"  - {line}")
    problems = [p for p in sub.check().problems if not p.warning]
    click.echo("Validation : " + ("fiche valide" if not problems else
                                  "; ".join(p.message for p in problems)))


def _maintainer(ctx: click.Context, ident: int, login: str | None) -> Account:
    """The account deciding (after the submission is known to exist)."""
    _get(ctx, ident)
    if not login:
        _fail("indiquez qui décide : --par IDENTIFIANT (voir « registry maintainers list ») ; "
              "chaque décision est publiée avec le nom public de son auteur")
    account = accounts.get(_engine(ctx), login or "")
    if account is None:
        _fail(f"aucun compte de mainteneur « {str(login)[:40]} » (« registry maintainers "
              "add » le crée)")
    return account  # type: ignore[return-value]


@submissions.command()
@click.argument("ident", type=int)
@click.option("--par", "login", help="Identifiant du mainteneur qui décide.")
@click.option("--commit", "do_commit", is_flag=True, hidden=True,
              help="Sans effet : le mode de publication est le réglage PUBLICATION.")
@click.option("--branch", help="Committer sur cette branche (créée depuis HEAD si besoin), "
              "sans toucher la copie de travail ni reconstruire.")
@click.option("--raison", default="", help="Message facultatif, publié avec la décision.")
@click.option("--force", is_flag=True, help="Appliquer même si la fiche a changé entre-temps.")
@click.pass_context
def accept(ctx: click.Context, ident: int, login: str | None, do_commit: bool,
           branch: str | None, raison: str, force: bool) -> None:
    """Accepter une contribution et la publier : seules les lignes des champs modifiés
    changent, commit au message en français, puis « registry build » (réglage PUBLICATION)."""
    settings = _settings(ctx)
    by = _maintainer(ctx, ident, login)
    try:
        done = publish.publish(settings, _engine(ctx), ident, by, raison, force=force,
                               branch=branch)
    except subs.SubmissionError as exc:
        _fail(str(exc))
    click.echo(done.message)
    if done.review_url:
        click.echo(f"Demande de fusion : {done.review_url}")


@submissions.command()
@click.argument("ident", type=int)
@click.option("--par", "login", help="Identifiant du mainteneur qui décide.")
@click.option("--raison", required=True, help="Raison du refus, publiée avec la décision.")
@click.pass_context
def reject(ctx: click.Context, ident: int, login: str | None, raison: str) -> None:
    """Refuser une contribution, avec la raison montrée sur sa page de suivi."""
    by = _maintainer(ctx, ident, login)
    try:
        subs.reject(_engine(ctx), ident, raison, by)
    except subs.SubmissionError as exc:
        _fail(str(exc))
    click.echo(f"Contribution n° {ident} refusée.")


@submissions.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier de sauvegarde (défaut : sortie standard).")
@click.pass_context
def export_(ctx: click.Context, output: Path | None) -> None:
    """Sauvegarder toute la file (JSON ; contient les courriels privés : gardez-la privée)."""
    engine = _engine(ctx)
    if output is None:
        click.echo(backup.export_text(engine), nl=False)
        return
    try:
        count = backup.write_export(engine, output)
    except OSError as exc:
        _fail(f"écriture de {output} impossible ({exc.strerror or exc})")
    click.echo(f"{count} contribution(s) sauvegardée(s) dans {output}.", err=True)


@submissions.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Restaurer une sauvegarde : ajoute les contributions absentes de la file."""
    try:
        report = backup.import_file(_engine(ctx), file)
    except backup.BackupError as exc:
        _fail(str(exc))
    for problem in report.problems[:50]:
        click.echo(problem, err=True)
    if report.problems:
        _fail(f"{len(report.problems)} problème(s) : rien n'a été importé")
    click.echo(f"{report.added} contribution(s) ajoutée(s), {report.skipped} déjà présente(s).",
               err=True)


@submissions.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Déplacer la file d'une ancienne version (dans la base dérivée) vers l'état."""
    _migrate(_settings(ctx), quiet=False)


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
def diff(base: str, head: str | None, data: Path | None) -> None:
    """Changements champ par champ des fiches entre BASE et HEAD (défaut : copie de travail),
    et effet sur la couverture, à coller dans une demande de fusion."""
    folder = data or Path(load_settings()["DATA"])
    try:
        result = diff_revisions(folder, base, head)
    except GitError as exc:
        click.echo(f"Erreur : {exc}.", err=True)
        sys.exit(2)
    click.echo(format_report(result.diffs, result.delta, result.invalid), nl=False)


commands = [submissions, diff]
