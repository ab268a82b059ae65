"""Access-request letters: who writes, to whom, about what, and the rendered text.

The letters themselves are editable Jinja templates in ``templates/cada/lettres/``; they are
plain text (paragraphs separated by blank lines, list items starting with « - » or « 1. »),
from which the HTML, the PDF and the e-mail text are derived (``registry.cada.outputs``).
Every article a letter mentions must be in ``registry.law.crpa.ARTICLES``: rendering fails on
any other reference, so a wrong article (such as L312-1-2 for L312-1-3) never reaches a
letter. The recipient's address comes from the administration's record (its PRADA, its data
protection officer, its head office) or, for a decision, from the person.

Plain Python (jinja2, fpdf2, icalendar): no Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup

from registry import paths
from registry.cada.deadlines import DateError, Deadlines, compute_deadlines, date_fr
from registry.config import load_settings
from registry.law import aiact
from registry.law.crpa import ARTICLES, CRPA_REF, Article
from registry.records import catalogue as cat

__all__ = ["ARTICLES", "CRPA_REF", "Article"]  # the table, re-exported for the templates' tests

TEMPLATES = paths.TEMPLATES
CADA_FORM = "https://www.cada.fr/formulaire-de-saisine"
CADA_ADDRESS = ("Commission d'accès aux documents administratifs", "TSA 50730",
                "75334 Paris Cedex 07")
LEGAL_NOTICE = ("Ceci n'est pas un conseil juridique : ce modèle et les délais calculés sont "
                "fournis à titre indicatif ; vérifiez les textes sur Légifrance et, avant toute "
                "action en justice, consultez un professionnel du droit.")

LETTER_TYPES: dict[str, str] = {
    "demande": "Demande de communication de documents administratifs",
    "explication": "Demande d'explication sur une décision individuelle algorithmique",
    "acces_donnees": "Demande d'accès à mes données personnelles et à la logique du traitement",
    "relance": "Relance d'une demande de communication de documents administratifs",
    "saisine": "Saisine de la Commission d'accès aux documents administratifs",
}
# Their names on the form's English page (the letters themselves stay French).
LETTER_TYPES_EN: dict[str, str] = {
    "demande": "Request for administrative documents",
    "explication": "Request for an explanation of an individual algorithmic decision",
    "acces_donnees": "Request for access to my personal data and to the logic of the processing",
    "relance": "Reminder of a request for administrative documents",
    "saisine": "Referral to the Commission for Access to Administrative Documents (CADA)",
}
# Letters only the person concerned writes (no documents to choose, never published).
PERSONAL_KINDS = ("explication", "acces_donnees")
# A criterion whose documents are pre-selected in a demand letter has one of these states.
MISSING_ETATS = ("non_publie", "inconnu", "refuse")


class LetterError(ValueError):
    """The letter cannot be produced; the message (French) says why and what to do.

    ``field`` names the input at fault (the web form shows the message next to it)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def requestable_criteria() -> tuple[cat.Criterion, ...]:
    """Criteria whose documents can be asked for under the CRPA, in catalogue order."""
    return tuple(c for c in cat.CRITERIA if c.cada_requestable)


def _meta(record: object) -> dict:
    return record if isinstance(record, dict) else getattr(record, "meta", {}) or {}


def _etat(meta: dict, key: str) -> str:
    return ((meta.get("transparence") or {}).get(key) or {}).get("etat", "inconnu")


def default_documents(record: object) -> list[str]:
    """Keys of the requestable criteria not published (non_publie, inconnu, refuse)."""
    meta = _meta(record)
    return [c.key for c in requestable_criteria() if _etat(meta, c.key) in MISSING_ETATS]


@dataclass
class Requester:
    """The person or association that signs; never stored by the server."""

    nom: str
    qualite: str = ""
    adresse: str = ""
    email: str = ""


@dataclass
class LetterRequest:
    """What the user asks for (from the web form or the command line)."""

    kind: str
    requester: Requester
    documents: list[str] | None = None  # None: the record's missing documents
    letter_date: date = field(default_factory=date.today)
    date_demande: date | None = None  # original request sent (relance, saisine)
    reception: date | None = None  # original request received; default date_demande
    refus_expres: date | None = None
    enregistrement_cada: date | None = None  # referral registered by the CADA (saisine)
    decision_reference: str = ""  # explication, acces_donnees
    decision_date: date | None = None  # explication
    destinataire: str = ""  # explication: the office that decided (lines typed by the person)
    site_url: str = ""  # public address of the registry; default: the SITE_URL setting


@dataclass
class Letter:
    kind: str
    subject: str
    text: str
    record_id: str
    algorithm: str
    administration: str
    deadlines: Deadlines | None
    documents: list[str]
    articles: list[Article]
    warnings: list[str] = field(default_factory=list)
    url: str = ""  # the record page
    recipient: str = ""  # where the address comes from: prada, dpo, siege, saisie, aucune
    recipient_email: str = ""  # the PRADA's e-mail, when the letter goes to it

    @property
    def html(self) -> Markup:
        from registry.cada.outputs import text_to_html

        return text_to_html(self.text)


class _Citations:
    """The ``cite`` helper of the templates: formats references, remembers them."""

    def __init__(self) -> None:
        self.used: list[str] = []

    def __call__(self, *keys: str) -> str:
        groups: dict[str, list[str]] = {}
        for key in keys:
            if key not in ARTICLES:
                raise LetterError(f"article « {key} » absent de la table des articles")
            if key not in self.used:
                self.used.append(key)
            groups.setdefault(ARTICLES[key].code, []).append(ARTICLES[key].number)
        parts = []
        for code, numbers in groups.items():
            listed = numbers[0] if len(numbers) == 1 else (
                ", ".join(numbers[:-1]) + " et " + numbers[-1])
            parts.append(f"article{'s' if len(numbers) > 1 else ''} {listed} du {code}")
        return " et ".join(parts)


def _environment(html: bool = False, templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                             autoescape=html, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["date_fr"] = date_fr
    env.globals["site_name"] = str(load_settings().get("SITE_NAME") or "le registre")
    return env


def record_url(record_id: str, site_url: str = "") -> str:
    """Public address of a record page (``site_url`` defaults to the SITE_URL setting)."""
    return f"{(site_url or str(load_settings()['SITE_URL'])).rstrip('/')}/algorithmes/{record_id}"


# Plausible dates of a letter: from the law creating the CADA to far enough ahead that every
# deadline (a few months) stays a real calendar date.
FIRST_DATE, LAST_DATE = date(1978, 7, 17), date(2199, 12, 31)
DATE_FIELDS = {"letter_date": "date_lettre", "date_demande": "date_demande",
               "reception": "reception", "refus_expres": "refus_expres",
               "enregistrement_cada": "enregistrement_cada",
               "decision_date": "decision_date"}  # LetterRequest attribute -> form field


def _check_dates(request: LetterRequest) -> None:
    for attribute, name in DATE_FIELDS.items():
        value = getattr(request, attribute)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise LetterError(f"date du {date_fr(value)} invraisemblable : indiquez une date "
                              f"entre le {date_fr(FIRST_DATE)} et le {date_fr(LAST_DATE)}",
                              name)


def _check(request: LetterRequest, meta: dict) -> tuple[list[str], list[str]]:
    """Validate the request; return (document keys, warnings)."""
    _check_dates(request)
    if request.kind not in LETTER_TYPES:
        raise LetterError(f"type de lettre « {request.kind} » inconnu : choisir parmi "
                          + ", ".join(LETTER_TYPES), "kind")
    if not request.requester.nom.strip():
        raise LetterError("indiquez le nom du demandeur (personne ou association)", "nom")
    allowed = [c.key for c in requestable_criteria()]
    docs = default_documents(meta) if request.documents is None else list(request.documents)
    unknown = [d for d in docs if d not in allowed]
    if unknown:
        raise LetterError(f"document(s) inconnu(s) : {', '.join(unknown)} ; choisir parmi "
                          + ", ".join(allowed), "documents")
    if request.kind not in PERSONAL_KINDS and not docs:
        raise LetterError("aucun document à demander : choisissez au moins un document",
                          "documents")
    warnings: list[str] = []
    if request.kind in ("relance", "saisine"):
        if request.date_demande is None:
            raise LetterError("indiquez la date d'envoi de la demande initiale", "date_demande")
        if request.reception and request.reception < request.date_demande:
            raise LetterError("la date de réception précède la date d'envoi de la demande",
                              "reception")
        if request.refus_expres is None and request.letter_date < _refusal(request):
            if request.kind == "saisine":
                raise LetterError(
                    "saisine prématurée : sans refus exprès, la CADA ne peut être saisie "
                    f"qu'à partir du {date_fr(_refusal(request))} (un mois après la "
                    "réception de la demande)", "date_demande")
            warnings.append("le délai d'un mois laissé à l'administration n'est pas encore "
                            f"écoulé (refus implicite le {date_fr(_refusal(request))})")
    return [d for d in allowed if d in docs], warnings


def _refusal(request: LetterRequest) -> date:
    return compute_deadlines(request.reception or request.date_demande).refus_implicite


def _deadlines(request: LetterRequest) -> Deadlines:
    reception = request.reception or request.date_demande or request.letter_date
    try:
        return compute_deadlines(reception, request.refus_expres, request.enregistrement_cada)
    except DateError as err:
        raise LetterError(str(err), "refus_expres" if "refus" in str(err) else "reception"
                          ) from err


def contact_lines(contact: object) -> list[str]:
    """A contact of an administration record as address lines (role, name, address, mail)."""
    if not isinstance(contact, dict):
        return []
    lines = [str(contact[k]) for k in ("fonction", "nom") if contact.get(k)]
    lines += [str(line) for line in contact.get("adresse") or []]
    if contact.get("courriel"):
        lines.append(f"Courriel : {contact['courriel']}")
    if contact.get("formulaire"):
        lines.append(f"Formulaire en ligne : {contact['formulaire']}")
    return lines


def recipient_for(request: LetterRequest, meta: dict, admin: dict) -> dict:
    """To whom the letter goes: its heading lines and where they come from (`source`).

    A request for documents goes to the PRADA; a request for an explanation to the office
    that decided, whose address the person types (the PRADA, then the head office, are the
    fallback); a data access request to the data protection officer."""
    name = str(admin.get("nom") or meta.get("administration") or "")
    head_office = [str(line) for line in admin.get("adresse") or []]
    typed = [line.strip() for line in request.destinataire.splitlines() if line.strip()]
    if request.kind == "explication" and typed:
        return {"lignes": typed, "source": "saisie", "nom": typed[0]}
    if request.kind == "acces_donnees":
        dpo = contact_lines(admin.get("dpo"))
        if dpo:
            return {"lignes": [name, *(["Délégué à la protection des données"]
                                       if not (admin.get("dpo") or {}).get("fonction") else []),
                               *dpo], "source": "dpo", "nom": name}
        return {"lignes": [name, "À l'attention du délégué à la protection des données",
                           *head_office], "source": "siege" if head_office else "aucune",
                "nom": name}
    prada = contact_lines(admin.get("prada"))
    if prada:
        heading = [] if (admin.get("prada") or {}).get("fonction") else [
            "À l'attention de la personne responsable de l'accès aux documents "
            "administratifs (PRADA)"]
        return {"lignes": [name, *heading, *prada], "source": "prada", "nom": name}
    return {"lignes": [name, "À l'attention de la personne responsable de l'accès aux "
                       "documents administratifs (PRADA)", *head_office],
            "source": "siege" if head_office else "aucune", "nom": name}


def build_context(record: object, request: LetterRequest,
                  administration: dict | None = None) -> dict:
    """Everything a letter template needs (also used by the web preview).

    `administration`: the front matter of the record's administration (its contacts)."""
    meta = _meta(record)
    record_id = str(getattr(record, "id", "") or meta.get("id", ""))
    docs, warnings = _check(request, meta)
    deadlines = _deadlines(request)
    if administration is None:
        administration = {}
    if request.kind == "saisine" and request.letter_date > deadlines.limite_saisine_cada:
        warnings.append("le délai de deux mois pour saisir la CADA semble expiré "
                        f"(le {date_fr(deadlines.limite_saisine_cada)}) ; il n'est opposable "
                        "que si le refus ou l'accusé de réception mentionnait les voies et "
                        "délais de recours")
    req = request.requester
    admin = administration or {}
    recipient = recipient_for(request, meta, admin)
    return {
        "kind": request.kind,
        "subject": f"{LETTER_TYPES[request.kind]} – {meta.get('nom', record_id)}",
        "algo": {"id": record_id, "nom": meta.get("nom", record_id),
                 "sigle": meta.get("sigle", ""), "resume": meta.get("resume", ""),
                 "url": record_url(record_id, request.site_url),
                 "decision_individuelle": meta.get("decision_individuelle", "inconnu"),
                 "degre_automatisation": meta.get("degre_automatisation", "inconnu"),
                 "page_officielle": meta.get("page_officielle", ""),
                 "article_86": aiact.explanation_right_applies(meta, request.letter_date)},
        "administration": {"id": str(meta.get("administration") or ""),
                           "nom": str(admin.get("nom") or meta.get("administration") or ""),
                           "service": meta.get("service", ""),
                           "prada": contact_lines(admin.get("prada")),
                           "prada_courriel": str((admin.get("prada") or {}).get("courriel")
                                                 or "")},
        "destinataire": recipient,
        "demandeur": {"nom": req.nom.strip(), "qualite": req.qualite.strip(),
                      "adresse": [line.strip() for line in req.adresse.splitlines()
                                  if line.strip()], "email": req.email.strip()},
        "documents": [{"key": k, "label": cat.CRITERIA_BY_KEY[k].label,
                       "texte": cat.CRITERIA_BY_KEY[k].documents,
                       "etat": _etat(meta, k)} for k in docs],
        "date": request.letter_date,
        "date_demande": request.date_demande,
        "reception": request.reception or request.date_demande,
        "refus_expres": request.refus_expres,
        "decision": {"reference": request.decision_reference.strip(),
                     "date": request.decision_date},
        "deadlines": deadlines,
        "cada_address": CADA_ADDRESS,
        "cada_form": CADA_FORM,
        "notice": LEGAL_NOTICE,
        "warnings": warnings,
    }


def render_letter(record: object, request: LetterRequest, templates: Path = TEMPLATES,
                  administration: dict | None = None) -> Letter:
    """Render a letter; raises LetterError (French message) on bad input.

    ``templates``: the folder holding ``cada/lettres/`` (an association may keep its own);
    ``administration``: the front matter of the record's administration (its contacts)."""
    context = build_context(record, request, administration)
    env = _environment(templates=templates)
    cite = _Citations()
    body = env.get_template(f"cada/lettres/{request.kind}.txt").render(context, cite=cite)
    keys = list(cite.used)
    for ref in CRPA_REF.findall(body):
        if ref not in ARTICLES:
            raise LetterError(f"la lettre cite l'article {ref}, absent de la table des articles")
        if ref not in keys:
            keys.append(ref)
    articles = [ARTICLES[k] for k in keys]
    footer = env.get_template("cada/lettres/pied.txt").render(context, articles=articles)
    text = re.sub(r"\n{3,}", "\n\n", body.strip() + "\n\n" + footer.strip()) + "\n"
    return Letter(request.kind, context["subject"], text, context["algo"]["id"],
                  context["algo"]["nom"], context["administration"]["nom"],
                  context["deadlines"], [d["key"] for d in context["documents"]], articles,
                  context["warnings"], context["algo"]["url"],
                  recipient=context["destinataire"]["source"],
                  recipient_email=context["administration"]["prada_courriel"]
                  if context["destinataire"]["source"] == "prada" else "")


