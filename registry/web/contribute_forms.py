"""Contribution forms built from the field catalogue (WTForms + Flask-WTF).

Field names follow the record's structure so that the validator's dotted paths map back
to them: ``ai_act.categorie`` → ``ai_act-categorie``, ``sources[0].url`` →
``sources-0-url``, ``transparence.budget.etat`` → ``transparence-budget-etat``.

Labels, help texts and messages follow the page's language: the catalogue's own English
(``label_en``, ``help_en``) for the record's fields, gettext for the rest. The validator's
messages (core, French) are marked ``lang="fr"`` on an English page.
"""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from registry.contributions.advice import advice, example
from registry.locales import number_text
from registry.records import catalogue as cat
from registry.records.validate import EMAIL_RE, ID_RE, Problem
from registry.text import parse_amount
from registry.web.filters import en_francais
from registry.web.forms import SafeForm, add_error, leaves
from registry.web.i18n import current_language

# Sections the public form leaves to maintainers (record follow-up, access-request log).
MAINTAINER_SECTIONS = ("suivi", "demandes")
LIST_SEPARATOR = ","
MAX_ROWS = 60
MAX_BODY = 100_000  # characters of Markdown (rendered in linear time: registry.rendering)
YES_NO = [SelectChoice("", "—"), SelectChoice("oui", _l("Oui")),
          SelectChoice("non", _l("Non"))]


class _Required:
    """Marks a field as required (HTML attribute and label); the catalogue validator checks."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        return None


def form_fields() -> list[cat.Field]:
    return [f for f in cat.FIELDS if f.section not in MAINTAINER_SECTIONS
            and f.type not in (cat.INT, cat.CITATIONS)]


def form_sections() -> list[tuple[str, str, list[str]]]:
    """(section key, label, field keys) of the proposal form, in catalogue order (labels in
    the page's language)."""
    out = []
    lang = current_language()
    for key in cat.SECTIONS:
        keys = [f.key for f in form_fields() if f.section == key]
        if keys:
            out.append((key, cat.section_label(key, lang), keys))
    return out


def choose() -> SelectChoice:
    """The empty first option of a list, in the page's language."""
    return SelectChoice("", gettext("— choisir —"))


def _choices(path: str, f: cat.Field) -> list[SelectChoice]:
    lang = current_language()
    return [choose()] + [SelectChoice(c, cat.choice_label(path, c, lang)) for c in f.choices]


def _leaf(f: cat.Field, path: str, top: bool) -> Field:
    validators = [_Required()] if f.required and top else []
    lang = current_language()
    label = f.label_for(lang)
    help_text = f.help_for(lang) + (" " + gettext("Exemple : %(exemple)s.",
                                                  exemple=example(f)[5:-1].rstrip("."))
                                    if example(f) else "")
    if f.type == cat.ENUM:
        return SelectField(label, choices=_choices(path, f), description=help_text,
                           validate_choice=False, validators=validators)
    if f.type == cat.BOOL:
        return SelectField(label, choices=YES_NO, description=help_text,
                           validate_choice=False, validators=validators)
    if f.type == cat.REF and f.ref == cat.ADMINISTRATION:  # choices set per request
        return SelectField(label, choices=[choose()], description=help_text,
                           validate_choice=False, validators=validators)
    if f.type == cat.TEXT_LIST:
        help_text += " " + gettext("Séparez les valeurs par des virgules.")
    if f.type == cat.TEXT and (f.max_length is None or f.max_length > 200):
        return TextAreaField(label, description=help_text, validators=validators)
    return StringField(label, description=help_text, validators=validators)


def _subform(fields: tuple[cat.Field, ...], path: str, top: bool) -> type[Form]:
    attrs = {c.key: _field(c, f"{path}.{c.key}", top) for c in fields}
    return type("Sous" + path.replace(".", "_"), (Form,), attrs)


def _field(f: cat.Field, path: str, top: bool, rows: int = 1,
           keys: tuple[str, ...] | None = None) -> Field:
    lang = current_language()
    if f.type == cat.OBJECT:
        return FormField(_subform(f.children, path, top), label=f.label_for(lang),
                         description=f.help_for(lang))
    if f.type == cat.OBJECT_LIST:
        entry = FormField(_subform(f.children, path, False))
        return FieldList(entry, label=f.label_for(lang), description=f.help_for(lang),
                         min_entries=min(rows, MAX_ROWS), max_entries=MAX_ROWS)
    if f.type == cat.ETAT_MAP:
        labels = {c.key: (c.label_for(lang), c.published_means_for(lang))
                  for c in cat.CRITERIA}
        attrs = {k: FormField(_subform(f.children, path, False),
                              label=labels.get(k, (cat.choice_label("ai_act.obligations", k,
                                                                lang), ""))[0],
                              description=labels.get(k, ("", ""))[1])
                 for k in f.keys if keys is None or k in keys}
        return FormField(type("Sous" + path.replace(".", "_"), (Form,), attrs),
                         label=f.label_for(lang), description=f.help_for(lang))
    return _leaf(f, path, top)


class ContributionForm(SafeForm):
    """Fields common to every contribution: the message and who sends it."""

    message = TextAreaField(
        _l("Ce qui change et vos sources"), validators=[Optional(), Length(max=5000)],
        description=_l("Expliquez ce qui est faux ou manquant et d'où vient l'information "
                       "(adresse d'une page, titre d'un document). Ce texte pourra être publié "
                       "avec la modification."))
    contributeur_nom = StringField(
        _l("Votre nom ou pseudonyme (facultatif)"), validators=[Optional(), Length(max=100)],
        description=_l("Pour vous remercier : il n'est publié que si vous cochez la case "
                       "ci-dessous."))
    credit = BooleanField(
        _l("J'accepte que ce nom soit publié dans l'historique de la fiche si la contribution "
           "est acceptée"))
    courriel = StringField(
        _l("Votre courriel (facultatif)"),
        validators=[Optional(), Length(max=200),
                    Regexp(EMAIL_RE, message=_l("Adresse de courriel invalide "
                                                "(ex. nom@exemple.fr)."))],
        description=_l("Seulement pour vous répondre : il n'est jamais publié ni montré sur "
                       "le site."))


class SignalementForm(SafeForm):
    """Short on purpose: what is wrong, where the right information is, an optional e-mail."""

    message = TextAreaField(
        _l("Ce qui ne va pas"),
        validators=[DataRequired(_l("Décrivez ce qui est faux ou manquant dans la fiche (ex. "
                                    "« le statut est faux : le système est arrêté depuis "
                                    "2024 »).")),
                    Length(max=5000, message=_l("Raccourcissez le texte : 5 000 caractères au "
                                                 "plus."))],
        description=_l("Quelle information est fausse ou manquante. Exemple : « Le budget "
                       "indiqué date de 2019 ; la Cour des comptes donne 12 M€ en 2024. »"))
    source = TextAreaField(
        _l("Votre source"),
        validators=[DataRequired(_l("Indiquez d'où vient la bonne information : l'adresse "
                                    "d'une page (https://…) ou le titre et la date d'un "
                                    "document.")),
                    Length(max=2000, message=_l("Raccourcissez le texte : 2 000 caractères au "
                                                 "plus."))],
        description=_l("L'adresse d'une page (https://…) ou le titre et la date d'un document "
                       "public. Exemple : https://www.ccomptes.fr/fr/publications/…"))
    courriel = ContributionForm.courriel


def _number_paths() -> set[str]:
    """Dotted paths of the catalogue's numbers (``budget.montant_eur``)."""
    out: set[str] = set()

    def walk(fields: tuple[cat.Field, ...] | list[cat.Field], prefix: str) -> None:
        for f in fields:
            if f.type == cat.NUMBER:
                out.add(prefix + f.key)
            walk(f.children, f"{prefix}{f.key}.")

    walk(form_fields(), "")
    return out


NUMBER_PATHS = _number_paths()


class RecordForm(ContributionForm):
    """The proposal form: numbers must be finite, non-negative figures (no nan, inf, 1e999,
    negative amount), with an error next to the field (the core's words, in French)."""

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        for field in leaves(self):
            path = re.sub(r"-\d+-", "-", field.name).replace("-", ".")
            text = str(field.data or "").strip()
            if path in NUMBER_PATHS and text:
                try:
                    parse_amount(text)
                except ValueError as exc:
                    add_error(field, en_francais(str(exc)[:1].upper() + str(exc)[1:] + "."))
                    ok = False
        return ok


def record_form_class(rows: dict[str, int], new: bool,
                      only: set[str] | None = None) -> type[FlaskForm]:
    """A proposal form with `rows[key]` rows for each list of the catalogue; `only`: the
    fields a correction shows (``transparence.budget`` for one criterion, ``corps`` for
    the text), every field when None."""
    attrs: dict[str, object] = {}
    for f in form_fields():
        keys = None
        if only is not None and f.key not in only:
            if f.type != cat.ETAT_MAP:
                continue
            keys = tuple(k for k in f.keys if f"{f.key}.{k}" in only)
            if not keys:
                continue
        attrs[f.key] = _field(f, f.key, True, rows.get(f.key, 1), keys)
    if only is None or "corps" in only:  # a correction may leave the text alone
        attrs["corps"] = _body()
    attrs["base"] = HiddenField()
    if new:
        attrs["identifiant"] = _identifier()
    return type("PropositionForm", (RecordForm,), attrs)


def _body() -> Field:
    return TextAreaField(
        gettext("Texte de la fiche (Markdown)"), validators=[Length(
            max=MAX_BODY, message=gettext("%(n)s caractères au plus.",
                                          n=number_text(MAX_BODY, current_language())))],
        description=gettext("Description, historique, controverses, ce qui reste inconnu. "
                            "Titres avec « ## », listes avec « - ». Exemple : « ## Description "
                            "» puis un paragraphe."))


def _identifier() -> Field:
    return StringField(
        gettext("Identifiant de la fiche (facultatif)"), validators=[
            Optional(), Length(max=120, message=gettext("Raccourcissez l'identifiant : 120 "
                                                        "caractères au plus.")),
            Regexp(ID_RE, message=gettext("Écrivez l'identifiant en minuscules sans accents, "
                                          "chiffres et tirets (ex. caf-score-risque)."))],
        description=gettext("Laissez vide : il est formé à partir de l'administration et du "
                            "nom. Sinon, minuscules et tirets (ex. caf-score-risque)."))


def rows_for(meta: dict | None, formdata: MultiDict | None) -> dict[str, int]:
    """Rows per list: the submitted indices (or the record's items), plus one blank row."""
    rows = {}
    for f in form_fields():
        if f.type != cat.OBJECT_LIST:
            continue
        if formdata is not None:
            pattern = re.compile(rf"^{f.key}-(\d+)-")
            count = len({m.group(1) for k in formdata for m in [pattern.match(k)] if m})
        else:
            count = len((meta or {}).get(f.key) or [])
        rows[f.key] = count + 1
    return rows


# --- validator problems -> field errors ---------------------------------------------------

def _leaves(field: Field, out: dict[str, Field]) -> None:
    out[field.name] = field
    if isinstance(field, FormField):
        for sub in field.form:
            _leaves(sub, out)
    elif isinstance(field, FieldList):
        for entry in field.entries:
            _leaves(entry, out)


def field_name(path: str) -> str:
    """``sources[0].url`` -> ``sources-0-url``."""
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def attach_problems(form: FlaskForm, problems: list[Problem],
                    keys: set[str] | None = None) -> list[str]:
    """Put each validator problem next to its field, told as what to do; return those
    without a field. `keys`: only the problems of these top-level fields (a step)."""
    fields: dict[str, Field] = {}
    for field in form:
        _leaves(field, fields)
    general = []
    for p in problems:
        if p.warning:
            continue
        path, sep, text = p.message.partition(" : ")
        top = re.split(r"[.\[]", path, maxsplit=1)[0] if sep and " " not in path else ""
        if keys is not None and top not in keys:
            continue
        name = field_name(path) if sep and " " not in path else ""
        while name and name not in fields:
            name = name.rsplit("-", 1)[0] if "-" in name else ""
        target = fields.get(name)
        told = en_francais(advice(path, text) if sep else advice("", p.message))
        if target is not None and not isinstance(target, FormField | FieldList):
            target.errors = list(target.errors) + [told]
        elif sep and " " not in path:
            general.append(Told(Markup(gettext("%(champ)s : %(probleme)s")) % {
                "champ": label_for(path), "probleme": told},
                target.id if target is not None else ""))
        else:
            general.append(Told(told))
    return general


class Told(Markup):
    """A problem without a field of its own (already escaped markup: the core's French
    words are marked lang="fr" on an English page); `anchor`: the group (list, object) it
    is in."""

    anchor: str

    def __new__(cls, text: str, anchor: str = "") -> Told:
        told = super().__new__(cls, text)
        told.anchor = anchor
        return told


def label_for(path: str) -> str:
    """The label of a validator's path in the page's language (« Transparence › Budget »)."""
    lang = current_language()
    parts = [p for p in re.sub(r"\[\d+\]", "", path).split(".")]
    if len(parts) > 1 and parts[0] == "transparence" and parts[1] in cat.CRITERIA_BY_KEY:
        crit = cat.CRITERIA_BY_KEY[parts[1]].label_for(lang)
        rest = ".".join(["transparence"] + parts[2:])
        return f"{cat.label('transparence', lang=lang)} › {crit}" + (
            f" › {cat.label(rest, lang=lang)}" if len(parts) > 2 else "")
    return cat.label(".".join(parts), lang=lang)
