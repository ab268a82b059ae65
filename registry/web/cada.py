"""Access requests from a record page: form, preview, printable HTML, text, PDF and .ics.

The requester's personal data is never stored nor logged: the form is POSTed, the outputs
are rendered in the response, and every download re-POSTs the same form (with its CSRF
token) instead of putting personal data in a URL. Responses are marked ``no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from registry.cada.deadlines import (
    EXPLANATIONS,
    EXPLANATIONS_EN,
    STEPS_EN,
    DateError,
    compute_deadlines,
    date_fr,
    parse_date,
)
from registry.cada.letters import (
    LETTER_TYPES,
    LETTER_TYPES_EN,
    Letter,
    LetterError,
    LetterRequest,
    Requester,
    default_documents,
    render_letter,
    requestable_criteria,
)
from registry.cada.outputs import (
    madada_url,
    render_html_document,
    render_ics,
    render_pdf,
)
from registry.db.store import to_record
from registry.records import catalogue as cat
from registry.records.model import Record
from registry.records.validate import EMAIL_RE
from registry.web.errors import NotFound
from registry.web.forms import SafeForm
from registry.web.i18n import current_language
from registry.web.ratelimit import take
from registry.web.resources import get_store
from registry.web.responses import private
from registry.web.urls import external_url

bp = Blueprint("cada", __name__)

# One letter takes up to five POSTs (preview, printable page, text, PDF, calendar): the quota
# is five times the contributions' one (CONTRIB_RATE_LIMIT per hour; 0: no limit).
POSTS_PER_LETTER = 5


@bp.before_request
def _rate_limit() -> None:
    if request.method != "POST":
        return
    take("lettres", POSTS_PER_LETTER * int(current_app.config.get("CONTRIB_RATE_LIMIT", 20)),
         3600.0, gettext("Vous avez produit trop de lettres depuis votre adresse en peu de "
                         "temps. Réessayez plus tard."))


class FrenchDateField(DateField):
    """A date field (AAAA-MM-JJ, as sent by <input type="date">) with a message in the
    page's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(gettext("Date invalide : utilisez le format AAAA-MM-JJ "
                                     "(ex. 2026-03-10).")) from None


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        allowed = set(self.choices or {})
        unknown = [v for v in self.data or [] if v not in allowed]
        if unknown:
            raise ValidationError(gettext("Document inconnu : %(valeurs)s",
                                          valeurs=", ".join(unknown[:5])))


def _at_most(n: int) -> object:
    return _l("%(n)s caractères au plus.", n=n)


class DemandeForm(SafeForm):
    """The letter form. Labels, help and messages follow the page's language (Flask-WTF
    gives wtforms' own messages in the Babel locale); the letter itself is French."""

    kind = RadioField(_l("Type de lettre"), choices=dict(LETTER_TYPES), default="demande",
                      validators=[DataRequired(_l("Choisissez le type de lettre."))])
    nom = StringField(_l("Nom et prénom, ou nom de l'association"), validators=[
        DataRequired(_l("Indiquez votre nom ou celui de l'association.")),
        Length(max=200, message=_at_most(200))])
    qualite = StringField(_l("Qualité (facultatif)"), validators=[
        Optional(), Length(max=200, message=_at_most(200))],
        description=_l("Par exemple « présidente de l'association », ou pour une association : "
                       "forme juridique, siège et nom du représentant."))
    adresse = TextAreaField(_l("Adresse postale (facultatif)"), validators=[
        Optional(), Length(max=500, message=_at_most(500))])
    email = EmailField(_l("Courriel pour la réponse (facultatif)"), validators=[
        Optional(), Length(max=200, message=_at_most(200)),
        Regexp(EMAIL_RE, message=_l("Adresse de courriel invalide (ex. nom@exemple.fr)."))])
    documents = CheckboxesField(_l("Documents demandés"))
    date_lettre = FrenchDateField(_l("Date de la lettre"), validators=[
        DataRequired(_l("Indiquez la date de la lettre (AAAA-MM-JJ)."))])
    date_demande = FrenchDateField(_l("Date d'envoi de la demande initiale"),
                                   validators=[Optional()],
                                   description=_l("Pour une relance ou une saisine de la CADA."))
    reception = FrenchDateField(_l("Date de réception par l'administration (si connue)"),
                                validators=[Optional()],
                                description=_l("Accusé de réception ou avis de réception du "
                                               "recommandé ; à défaut, la date d'envoi est "
                                               "retenue."))
    refus_expres = FrenchDateField(_l("Date du refus écrit (s'il y en a un)"),
                                   validators=[Optional()])
    enregistrement_cada = FrenchDateField(
        _l("Date d'enregistrement de votre saisine par la CADA (si elle est faite)"),
        validators=[Optional()],
        description=_l("Elle figure dans l'accusé de réception de la CADA ; elle permet de "
                       "calculer la date attendue de l'avis, du refus confirmé et la limite du "
                       "recours au tribunal administratif."))
    decision_reference = StringField(_l("Référence de la décision vous concernant"),
                                     validators=[Optional(),
                                                 Length(max=200, message=_at_most(200))],
                                     description=_l("Pour une demande d'explication "
                                                    "individuelle."))
    decision_date = FrenchDateField(_l("Date de cette décision"), validators=[Optional()])
    destinataire = TextAreaField(_l("Service qui a pris la décision : son nom et son adresse "
                                    "(facultatif)"), validators=[
        Optional(), Length(max=600, message=_at_most(600))],
        description=_l("Recopiez l'en-tête de la décision reçue (par exemple « CAF de la "
                       "Gironde, 33085 Bordeaux Cedex »). Sans adresse, la lettre est adressée "
                       "à la personne responsable de l'accès aux documents de "
                       "l'administration."))

    DATE_FIELDS = ("date_lettre", "date_demande", "reception", "refus_expres",
                   "enregistrement_cada", "decision_date")


def _record(ident: str) -> Record:
    row = get_store().get(ident)
    if row is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    return to_record(row)


def _administration(record: Record) -> dict:
    """The front matter of the record's administration (its contacts), {} when unknown."""
    admin = get_store().administration(record.administration_id)
    return admin.meta if admin else {}


def _form(record: Record) -> DemandeForm:
    lang = current_language()
    form = DemandeForm()
    form.documents.choices = {c.key: c.label_for(lang) for c in requestable_criteria()}
    if lang == "en":
        form.kind.choices = list(LETTER_TYPES_EN.items())
    if request.method == "GET":
        form.documents.data = default_documents(record)
        form.date_lettre.data = date.today()
        if request.args.get("type") in LETTER_TYPES:
            form.kind.data = request.args["type"]
    return form


def _letter_request(form: DemandeForm) -> LetterRequest:
    return LetterRequest(
        form.kind.data, Requester(form.nom.data or "", form.qualite.data or "",
                                  form.adresse.data or "", form.email.data or ""),
        documents=list(form.documents.data or []), letter_date=form.date_lettre.data,
        date_demande=form.date_demande.data, reception=form.reception.data,
        refus_expres=form.refus_expres.data, enregistrement_cada=form.enregistrement_cada.data,
        decision_reference=form.decision_reference.data or "",
        decision_date=form.decision_date.data, destinataire=form.destinataire.data or "",
        site_url=str(current_app.config["SITE_URL"]))


def _page(template: str, status: int = 200, **context: object) -> Response:
    response = Response(render_template(template, **context), status=status,
                        mimetype="text/html")
    return private(response)


def _show_form(record: Record, form: DemandeForm, status: int = 200) -> Response:
    etats = {c.key: record.etat(c.key) for c in requestable_criteria()}
    return _page("cada/formulaire.html", status, record=record, meta=record.meta, form=form,
                 etats_fiche=etats, criteria=cat.CRITERIA_BY_KEY)


def _letter_or_form(ident: str) -> tuple[Record, DemandeForm, Letter | None]:
    """(record, form, letter); letter None when the POSTed form is not valid."""
    record = _record(ident)
    form = _form(record)
    if not form.validate_on_submit():
        return record, form, None
    try:
        return record, form, render_letter(record, _letter_request(form),
                                           administration=_administration(record))
    except LetterError as err:
        field = getattr(form, err.field, None) if err.field != "kind" else form.kind
        target = field if field is not None else form.nom
        target.errors = [*target.errors, str(err)[:1].upper() + str(err)[1:] + "."]
        return record, form, None


@bp.route("/algorithmes/<ident>/demande", methods=["GET", "POST"])
def formulaire(ident: str) -> Response:
    """The form; once valid, the preview with every output."""
    if request.method == "GET" or request.form.get("modifier"):
        record = _record(ident)
        return _show_form(record, _form(record))
    record, form, letter = _letter_or_form(ident)
    if letter is None:
        return _show_form(record, form, 422)
    deadlines = [(step_label(key, label), when, explanation(key)) for key, label, when
                 in letter.deadlines.steps() if when]
    return _page("cada/apercu.html", record=record, meta=record.meta, form=form, letter=letter,
                 deadlines=deadlines, madada=madada_url(record, letter),
                 mailto=_mailto(letter), date_fr=date_fr, step_label=step_label,
                 administration=_administration(record))


def _mailto(letter: object) -> str:
    """A mailto: link to the PRADA, only when the letter goes to it and it has an e-mail."""
    contact = str(getattr(letter, "recipient_email", "") or "")
    if not EMAIL_RE.match(contact):
        return ""
    from urllib.parse import quote

    return f"mailto:{contact}?subject={quote(letter.subject)}"


def _download(ident: str, render: Callable[[Letter], Response]) -> Response:
    record, form, letter = _letter_or_form(ident)
    if letter is None:
        return _show_form(record, form, 422)
    return private(render(letter))


@bp.post("/algorithmes/<ident>/demande/imprimable")
def imprimable(ident: str) -> Response:
    """The letter alone, as a printable HTML page."""
    return _download(ident, lambda letter: Response(render_html_document(
        letter, url_for("static", filename="cada.css")), mimetype="text/html"))


@bp.post("/algorithmes/<ident>/demande/texte")
def texte(ident: str) -> Response:
    """The letter as plain text (to paste in an e-mail)."""
    return _download(ident, lambda letter: Response(
        letter.text, mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{letter.kind}-{ident}.txt"'}))


@bp.post("/algorithmes/<ident>/demande/pdf")
def pdf(ident: str) -> Response:
    """The letter as a PDF file."""
    return _download(ident, lambda letter: Response(
        render_pdf(letter), mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{letter.kind}-{ident}.pdf"'}))


@bp.post("/algorithmes/<ident>/demande/ics")
def ics(ident: str) -> Response:
    """The deadlines as an iCalendar file with reminders: all of them, or one (`echeance`),
    each file with its own name (letter kind, record, date it counts from)."""
    only = request.form.get("echeance", "")

    def render(letter: Letter) -> Response:
        keys = [key for key, _, when in letter.deadlines.steps() if when]
        if only and only not in keys:
            raise NotFound(gettext("Échéance « %(cle)s » inconnue pour cette lettre.",
                                   cle=only[:40]))
        start = letter.deadlines.reception.isoformat()
        name = f"{only.replace('_', '-')}-{ident}-{start}.ics" if only else \
            f"echeances-{letter.kind}-{ident}-{start}.ics"
        return Response(render_ics(letter.deadlines, letter.algorithm, letter.record_id,
                                   url=letter.url, only=only or None),
                        mimetype="text/calendar",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return _download(ident, render)


@bp.get("/demandes/delais")
def delais() -> Response:
    """Every deadline of an access request from the dates a person knows (no letter, nothing
    stored: the dates are in the address, and only dates)."""
    values, error = {}, ""
    for name in ("reception", "refus_expres", "enregistrement_cada"):
        raw = (request.args.get(name) or "")[:20]
        try:
            values[name] = parse_date(raw, _DELAIS_LABELS[name]) if raw else None
        except DateError as err:
            error = str(err)
    deadlines = None
    if values.get("reception") and not error:
        try:
            deadlines = compute_deadlines(values["reception"], values["refus_expres"],
                                          values["enregistrement_cada"])
        except DateError as err:
            error = str(err)
    steps = [(key, step_label(key, label), when, explanation(key)) for key, label, when
             in deadlines.steps()] if deadlines else []
    if request.args.get("format") == "ics" and deadlines:
        return private(Response(render_ics(deadlines, "demande d'accès aux documents",
                                           "demande", url=external_url("cada.delais")),
                                mimetype="text/calendar", headers={
            "Content-Disposition": "attachment; filename=\"echeances-demande-"
                                   f"{deadlines.reception.isoformat()}.ics\""}))
    status = 422 if error else 200
    ics_url = url_for("cada.delais", format="ics",
                      **{k: v.isoformat() for k, v in values.items() if v})
    return _page("cada/delais.html", status, values=values, error=error, steps=steps,
                 labels=_DELAIS_LABELS, date_fr=date_fr, ics_url=ics_url)


_DELAIS_LABELS = {
    "reception": _l("Date de réception de la demande par l'administration"),
    "refus_expres": _l("Date du refus écrit, s'il y en a un"),
    "enregistrement_cada": _l("Date d'enregistrement de la saisine par la CADA, si elle est "
                              "faite"),
}


def step_label(key: str, label: str) -> str:
    """A deadline's name in the page's language (`label`: the French one)."""
    return STEPS_EN.get(key, label) if current_language() == "en" else label


def explanation(key: str) -> str:
    """How a deadline is computed, in the page's language."""
    return (EXPLANATIONS_EN if current_language() == "en" else EXPLANATIONS).get(key, "")

