"""``registry cada``: deadlines of an access request and letters for associations in bulk."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from registry import jsonout
from registry.cada.deadlines import DateError, compute_deadlines, date_fr, parse_date
from registry.cada.letters import (
    LEGAL_NOTICE,
    LETTER_TYPES,
    LetterError,
    LetterRequest,
    Requester,
    render_letter,
)
from registry.cada.outputs import render_html_document, render_pdf
from registry.config import load_settings
from registry.records.model import InvalidRecords, Record, load_records
from registry.records.validate import ID_RE


def _date(value: str | None, option: str) -> date | None:
    try:
        return parse_date(value)
    except DateError as err:
        raise click.BadParameter(str(err), param_hint=option) from None


@click.group()
def cada() -> None:
    """Demandes d'accès aux documents (CADA) : délais et lettres."""


@cada.command()
@click.option("--reception", required=True, metavar="AAAA-MM-JJ",
              help="Date de réception de la demande par l'administration.")
@click.option("--refus-expres", metavar="AAAA-MM-JJ", help="Date d'un refus écrit.")
@click.option("--enregistrement-cada", metavar="AAAA-MM-JJ",
              help="Date d'enregistrement de la saisine par la CADA.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def delais(reception: str, refus_expres: str | None, enregistrement_cada: str | None,
           as_json: bool) -> None:
    """Calculer les échéances d'une demande (mois comptés de date à date)."""
    try:
        deadlines = compute_deadlines(_date(reception, "--reception"),
                                      _date(refus_expres, "--refus-expres"),
                                      _date(enregistrement_cada, "--enregistrement-cada"))
    except DateError as err:
        raise click.UsageError(str(err)) from None
    if as_json:
        click.echo(jsonout.dumps(deadlines.to_json(), indent=2))
        return
    from registry.cada.deadlines import EXPLANATIONS

    for key, label, when in deadlines.steps():
        shown = f"{when.isoformat()} ({date_fr(when)})" if when else "non déterminé"
        click.echo(f"{label} : {shown}")
        if when:
            click.echo(f"    calcul : {EXPLANATIONS[key]}")
    click.echo(f"\n{LEGAL_NOTICE}")


def _load(ident: str, data: Path | None) -> Record:
    if not ID_RE.match(ident):
        raise click.BadParameter("identifiant invalide (minuscules ascii, chiffres et tirets)",
                                 param_hint="ID")
    path = (data or Path(load_settings()["DATA"])) / f"{ident}.md"
    if not path.is_file():
        raise click.UsageError(f"fiche « {ident} » introuvable ({path})")
    try:
        return load_records(path)[0]
    except InvalidRecords as err:
        raise click.UsageError("la fiche est invalide :\n" + "\n".join(err.messages)) from None


def _previous_request(record: Record) -> dict:
    """The record's latest logged request (for relance and saisine)."""
    demandes = [d for d in record.meta.get("demandes") or [] if d.get("date_envoi")]
    return max(demandes, key=lambda d: str(d["date_envoi"]), default={})


def _logged(demande: dict, key: str) -> date | None:
    """A full date of the record's request log, None if absent or partial (AAAA-MM)."""
    try:
        return parse_date(demande.get(key))
    except DateError:
        return None


@cada.command()
@click.argument("ident", metavar="ID")
@click.option("--type", "kind", type=click.Choice(list(LETTER_TYPES)), default="demande",
              show_default=True, help="Type de lettre.")
@click.option("--demandeur", required=True, help="Nom de la personne ou de l'association.")
@click.option("--qualite", default="", help="Qualité (ex. « présidente de l'association »).")
@click.option("--adresse", default="", help="Adresse postale (lignes séparées par « \\n »).")
@click.option("--email", default="", help="Courriel pour la réponse.")
@click.option("--documents", default=None, metavar="CLE,CLE",
              help="Critères dont les documents sont demandés (défaut : ceux non publiés).")
@click.option("--format", "fmt", type=click.Choice(["texte", "html", "pdf"]), default="texte",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Fichier de sortie.")
@click.option("--date", "letter_date", metavar="AAAA-MM-JJ", help="Date de la lettre.")
@click.option("--date-demande", metavar="AAAA-MM-JJ",
              help="Relance, saisine : envoi de la demande initiale (défaut : la dernière "
                   "demande de la fiche).")
@click.option("--reception", metavar="AAAA-MM-JJ", help="Réception de la demande initiale.")
@click.option("--refus-expres", metavar="AAAA-MM-JJ", help="Date d'un refus écrit.")
@click.option("--decision", default="", help="Explication : référence de la décision.")
@click.option("--date-decision", metavar="AAAA-MM-JJ", help="Explication : date de la décision.")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
def lettre(ident: str, kind: str, demandeur: str, qualite: str, adresse: str, email: str,
           documents: str | None, fmt: str, output: Path | None, letter_date: str | None,
           date_demande: str | None, reception: str | None, refus_expres: str | None,
           decision: str, date_decision: str | None, data: Path | None) -> None:
    """Écrire une lettre (demande, explication, relance, saisine) pour la fiche ID."""
    record = _load(ident, data)
    previous = _previous_request(record) if kind in ("relance", "saisine") else {}
    sent = _date(date_demande, "--date-demande") or _logged(previous, "date_envoi")
    refused = _date(refus_expres, "--refus-expres")
    if refused is None and previous.get("statut") == "refus_expres":
        refused = _logged(previous, "date_reponse")
    request = LetterRequest(
        kind, Requester(demandeur, qualite, adresse.replace("\\n", "\n"), email),
        documents=[d.strip() for d in documents.split(",") if d.strip()] if documents else None,
        letter_date=_date(letter_date, "--date") or date.today(), date_demande=sent,
        reception=_date(reception, "--reception"), refus_expres=refused,
        decision_reference=decision, decision_date=_date(date_decision, "--date-decision"))
    try:
        letter = render_letter(record, request)
    except LetterError as err:
        raise click.UsageError(str(err)) from None
    for warning in letter.warnings:
        click.echo(f"attention : {warning}", err=True)
    if fmt == "pdf":
        payload = render_pdf(letter)
    else:
        text = render_html_document(letter) if fmt == "html" else letter.text
        payload = text.encode("utf-8")
    if output:
        output.write_bytes(payload)
        click.echo(f"{output} écrit ({LETTER_TYPES[kind].lower()}).", err=True)
    elif fmt == "pdf":
        raise click.UsageError("le format pdf demande un fichier de sortie : -o lettre.pdf")
    else:
        sys.stdout.write(payload.decode("utf-8"))


commands = [cada]
