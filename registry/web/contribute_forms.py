"""Contribution forms built from the field catalogue (WTForms + Flask-WTF).

Field names follow the record's structure so that the validator's dotted paths map back
to them: ``ai_act.categorie`` → ``ai_act-categorie``, ``sources[0].url`` →
``sources-0-url``, ``transparence.budget.etat`` → ``transparence-budget-etat``.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
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
from registry.records import catalogue as cat
from registry.records import citations
from registry.records.validate import EMAIL_RE, ID_RE, Problem
from registry.text import parse_amount
from registry.web.forms import SafeForm, add_error, leaves

# Sections the public form leaves to maintainers (record follow-up, access-request log).
MAINTAINER_SECTIONS = ("suivi", "demandes")
LIST_SEPARATOR = ","
MAX_ROWS = 60
MAX_BODY = 100_000  # characters of Markdown (rendered in linear time: registry.rendering)
YES_NO = [SelectChoice("", "—"), SelectChoice("oui", "Oui"), SelectChoice("non", "Non")]


class _Required:
    """Marks a field as required (HTML attribute and label); the catalogue validator checks."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        return None


def form_fields() -> list[cat.Field]:
    return [f for f in cat.FIELDS if f.section not in MAINTAINER_SECTIONS
            and f.type not in (cat.INT, cat.CITATIONS)]


def form_sections() -> list[tuple[str, str, list[str]]]:
    """(section key, label, field keys) of the proposal form, in catalogue order."""
    out = []
    for key, label in cat.SECTIONS.items():
        keys = [f.key for f in form_fields() if f.section == key]
        if keys:
            out.append((key, label, keys))
    return out


def _choices(path: str, f: cat.Field) -> list[SelectChoice]:
    labels = cat.CHOICE_LABELS.get(path, {})
    return [SelectChoice("", "— choisir —")] + [SelectChoice(c, labels.get(c, c))
                                                for c in f.choices]


def _leaf(f: cat.Field, path: str, top: bool) -> Field:
    validators = [_Required()] if f.required and top else []
    help_text = f.help + (f" Exemple : {example(f)[5:-1]}." if example(f) else "")
    if f.type == cat.ENUM:
        return SelectField(f.label, choices=_choices(path, f), description=help_text,
                           validate_choice=False, validators=validators)
    if f.type == cat.BOOL:
        return SelectField(f.label, choices=YES_NO, description=help_text,
                           validate_choice=False, validators=validators)
    if f.type == cat.REF and f.ref == cat.ADMINISTRATION:  # choices set per request
        return SelectField(f.label, choices=[SelectChoice("", "— choisir —")],
                           description=help_text, validate_choice=False,
                           validators=validators)
    if f.type == cat.TEXT_LIST:
        help_text += " Séparez les valeurs par des virgules."
    if f.type == cat.TEXT and (f.max_length is None or f.max_length > 200):
        return TextAreaField(f.label, description=help_text, validators=validators)
    return StringField(f.label, description=help_text, validators=validators)


def _subform(fields: tuple[cat.Field, ...], path: str, top: bool) -> type[Form]:
    attrs = {c.key: _field(c, f"{path}.{c.key}", top) for c in fields}
    return type("Sous" + path.replace(".", "_"), (Form,), attrs)


def _field(f: cat.Field, path: str, top: bool, rows: int = 1,
           keys: tuple[str, ...] | None = None) -> Field:
    if f.type == cat.OBJECT:
        return FormField(_subform(f.children, path, top), label=f.label, description=f.help)
    if f.type == cat.OBJECT_LIST:
        entry = FormField(_subform(f.children, path, False))
        return FieldList(entry, label=f.label, description=f.help,
                         min_entries=min(rows, MAX_ROWS), max_entries=MAX_ROWS)
    if f.type == cat.ETAT_MAP:
        labels = {c.key: (c.label, c.published_means) for c in cat.CRITERIA}
        attrs = {k: FormField(_subform(f.children, path, False),
                              label=labels.get(k, (cat.AI_OBLIGATIONS.get(k, k), ""))[0],
                              description=labels.get(k, ("", ""))[1])
                 for k in f.keys if keys is None or k in keys}
        return FormField(type("Sous" + path.replace(".", "_"), (Form,), attrs), label=f.label,
                         description=f.help)
    return _leaf(f, path, top)


class ContributionForm(SafeForm):
    """Fields common to every contribution: the message and who sends it."""

    message = TextAreaField(
        "Ce qui change et vos sources", validators=[Optional(), Length(max=5000)],
        description="Expliquez ce qui est faux ou manquant et d'où vient l'information "
                    "(adresse d'une page, titre d'un document). Ce texte pourra être publié "
                    "avec la modification.")
    contributeur_nom = StringField(
        "Votre nom ou pseudonyme (facultatif)", validators=[Optional(), Length(max=100)],
        description="Pour vous remercier : il n'est publié que si vous cochez la case "
                    "ci-dessous.")
    credit = BooleanField(
        "J'accepte que ce nom soit publié dans l'historique de la fiche si la contribution "
        "est acceptée")
    courriel = StringField(
        "Votre courriel (facultatif)",
        validators=[Optional(), Length(max=200),
                    Regexp(EMAIL_RE, message="Adresse de courriel invalide (ex. nom@exemple.fr).")],
        description="Seulement pour vous répondre : il n'est jamais publié ni montré sur le site.")


class SignalementForm(SafeForm):
    """Short on purpose: what is wrong, where the right information is, an optional e-mail."""

    message = TextAreaField(
        "Ce qui ne va pas",
        validators=[DataRequired("Décrivez ce qui est faux ou manquant dans la fiche (ex. « le "
                                 "statut est faux : le système est arrêté depuis 2024 »)."),
                    Length(max=5000, message="Raccourcissez le texte : 5 000 caractères au "
                                             "plus.")],
        description="Quelle information est fausse ou manquante. Exemple : « Le budget "
                    "indiqué date de 2019 ; la Cour des comptes donne 12 M€ en 2024. »")
    source = TextAreaField(
        "Votre source",
        validators=[DataRequired("Indiquez d'où vient la bonne information : l'adresse d'une "
                                 "page (https://…) ou le titre et la date d'un document."),
                    Length(max=2000, message="Raccourcissez le texte : 2 000 caractères au "
                                             "plus.")],
        description="L'adresse d'une page (https://…) ou le titre et la date d'un document "
                    "public. Exemple : https://www.ccomptes.fr/fr/publications/…")
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
    negative amount), with a French error next to the field."""

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        for field in leaves(self):
            path = re.sub(r"-\d+-", "-", field.name).replace("-", ".")
            text = str(field.data or "").strip()
            if path in NUMBER_PATHS and text:
                try:
                    parse_amount(text)
                except ValueError as exc:
                    add_error(field, str(exc)[:1].upper() + str(exc)[1:] + ".")
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
        "Texte de la fiche (Markdown)", validators=[Length(
            max=MAX_BODY, message=f"{MAX_BODY:,} caractères au plus.".replace(",", " "))],
        description="Description, historique, controverses, ce qui reste inconnu. Titres "
                    "avec « ## », listes avec « - ». Exemple : « ## Description » puis un "
                    "paragraphe.")


def _identifier() -> Field:
    return StringField(
        "Identifiant de la fiche (facultatif)", validators=[
            Optional(), Length(max=120, message="Raccourcissez l'identifiant : 120 caractères "
                                                "au plus."),
            Regexp(ID_RE, message="Écrivez l'identifiant en minuscules sans accents, chiffres "
                                  "et tirets (ex. caf-score-risque).")],
        description="Laissez vide : il est formé à partir de l'administration et du nom. "
                    "Sinon, minuscules et tirets (ex. caf-score-risque).")


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


# --- record <-> form data --------------------------------------------------------------

def _flat(value: object, f: cat.Field, name: str, out: MultiDict) -> None:
    if value is None:
        return
    if f.type == cat.OBJECT and isinstance(value, dict):
        for c in f.children:
            _flat(value.get(c.key), c, f"{name}-{c.key}", out)
    elif f.type == cat.OBJECT_LIST and isinstance(value, list):
        for i, item in enumerate(value):
            for c in f.children:
                _flat(item.get(c.key) if isinstance(item, dict) else None, c,
                      f"{name}-{i}-{c.key}", out)
    elif f.type == cat.ETAT_MAP and isinstance(value, dict):
        for key, item in value.items():
            for c in f.children:
                _flat(item.get(c.key) if isinstance(item, dict) else None, c,
                      f"{name}-{key}-{c.key}", out)
    elif f.type == cat.BOOL:
        out.add(name, "oui" if value is True else "non" if value is False else str(value))
    elif f.type in (cat.TEXT_LIST, cat.CITE) and isinstance(value, list):
        out.add(name, f"{LIST_SEPARATOR} ".join(str(v) for v in value))
    else:
        out.add(name, str(value))


def record_formdata(meta: dict, body: str, base: str = "") -> MultiDict:
    """Form data that prefills the proposal form with a record."""
    out: MultiDict = MultiDict()
    for f in form_fields():
        _flat(meta.get(f.key), f, f.key, out)
    out.add("corps", body)
    out.add("base", base)
    return out


def _number(text: str) -> object:
    try:
        return parse_amount(text)
    except ValueError:
        return text  # RecordForm refused it already; the validator names it too


def _value(data: object, f: cat.Field) -> object:
    """Form data of one field -> record value; None when empty."""
    if f.type == cat.OBJECT:
        values = {c.key: _value((data or {}).get(c.key), c) for c in f.children}
        values = {k: v for k, v in values.items() if v is not None}
        return values or None
    if f.type == cat.OBJECT_LIST:
        items = [_value(item, cat.Field(f.key, cat.OBJECT, f.label, "", children=f.children))
                 for item in data or []]
        return [i for i in items if i] or None
    if f.type == cat.ETAT_MAP:
        item_field = cat.Field(f.key, cat.OBJECT, f.label, "", children=f.children)
        items = {k: _value((data or {}).get(k), item_field) for k in f.keys}
        return {k: v for k, v in items.items() if v} or None
    text = str(data or "").replace("\r\n", "\n").strip()
    if not text:
        return None
    if f.type == cat.BOOL:
        return {"oui": True, "non": False}.get(text, text)
    if f.type == cat.NUMBER:
        return _number(text)
    if f.type == cat.TEXT_LIST:
        return [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()] or None
    if f.type == cat.CITE:
        keys = [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()]
        return keys[0] if len(keys) == 1 else keys or None
    return text


def form_meta(form: FlaskForm, keep: dict | None = None, body: str = "",
              today: str = "") -> dict:
    """The front matter described by a proposal form. Keys the form does not show (record
    follow-up, access-request log, the fields a correction did not open, the criteria it
    did not open) are kept from `keep`, the record being corrected.

    A source given without a key gets one (``source-1``…) and, without a consultation date,
    the day of the proposal; the sources that nothing in the proposal cites back its summary
    (`citations.resume`): the person gave them as the evidence of what they propose."""
    meta: dict = {"schema": cat.SCHEMA_VERSION}
    shown = {f.key for f in form_fields() if f.key in form._fields}
    for key, value in (keep or {}).items():
        if key not in shown and key != "schema":
            meta[key] = value
    for f in form_fields():
        if f.key not in shown:
            continue
        value = _value(form[f.key].data, f)
        if f.type == cat.ETAT_MAP:  # only the criteria shown are replaced
            opened = set(form[f.key].form._fields)
            kept = {k: v for k, v in ((keep or {}).get(f.key) or {}).items()
                    if k not in opened}
            value = {k: v for k, v in {**kept, **(value or {})}.items()
                     if k in set(f.keys) | set(kept)}
            order = [k for k in f.keys if k in value] + [k for k in value if k not in f.keys]
            value = {k: value[k] for k in order} or None
        if value is not None:
            meta[f.key] = value
    sources = [s for s in meta.get("sources") or [] if isinstance(s, dict)]
    taken = {s.get("cle") for s in sources}
    for i, source in enumerate(sources, 1):
        if not source.get("cle"):
            key, n = f"source-{i}", i
            while key in taken:
                n += 1
                key = f"source-{n}"
            source["cle"] = key
            taken.add(key)
        if today and not source.get("consulte_le"):
            source["consulte_le"] = today
    uncited = [k for k in citations.source_keys(meta) if k not in citations.cited(meta, body)]
    if uncited:
        mapping = dict(meta.get("citations") or {})
        mapping["resume"] = list(dict.fromkeys([*citations.as_keys(mapping.get("resume")),
                                                *uncited]))
        meta["citations"] = mapping
    return meta


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
        told = advice(path, text) if sep else advice("", p.message)
        if target is not None and not isinstance(target, FormField | FieldList):
            target.errors = list(target.errors) + [told]
        elif sep and " " not in path:
            general.append(Told(f"{label_for(path)} : {told}",
                                target.id if target is not None else ""))
        else:
            general.append(Told(told))
    return general


class Told(str):
    """A problem without a field of its own; `anchor`: the group (list, object) it is in."""

    anchor: str

    def __new__(cls, text: str, anchor: str = "") -> Told:
        told = super().__new__(cls, text)
        told.anchor = anchor
        return told


def label_for(path: str) -> str:
    parts = [p for p in re.sub(r"\[\d+\]", "", path).split(".")]
    if len(parts) > 1 and parts[0] == "transparence" and parts[1] in cat.CRITERIA_BY_KEY:
        crit = cat.CRITERIA_BY_KEY[parts[1]].label
        rest = ".".join(["transparence"] + parts[2:])
        return f"{cat.label('transparence')} › {crit}" + (
            f" › {cat.label(rest)}" if len(parts) > 2 else "")
    return cat.label(".".join(parts))
