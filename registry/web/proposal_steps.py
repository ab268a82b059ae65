"""What a proposal form shows: the fields a correction picked, the steps of a new proposal,
and the summary of every error at the top of the page.

A correction shows only the fields (or whole sections) the person picked on the first page;
the rest of the record is kept as it is. A new proposal is a guided sequence of steps
(the catalogue's `guide` role: what it is, who uses it, the sources), then optional details
by section; what a step does not show travels in hidden inputs, so that nothing typed is
lost between steps. Works without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FormField

from registry.records import catalogue as cat
from registry.records.diff import cut, label_of
from registry.records.wording import value_text
from registry.web.contribute_forms import form_fields, form_sections
from registry.web.filters import en_francais
from registry.web.forms import leaves
from registry.web.i18n import current_language

BODY = "corps"
DETAILS = "details"
STEPS: tuple[str, ...] = (*cat.GUIDE_STEPS, DETAILS)
DETAILS_LABEL = _l("Détails facultatifs")
MAX_CHOSEN = 80


# --- corrections: the fields picked -------------------------------------------------------

def step_labels() -> dict[str, str]:
    """The name of each step of a new proposal, in the page's language."""
    guide = cat.GUIDE_STEPS_EN if current_language() == "en" else cat.GUIDE_STEPS
    return {**guide, DETAILS: str(DETAILS_LABEL)}


def choosable() -> dict[str, str]:
    """Every key a correction can pick, with its label (in the page's language): fields,
    single criteria, the text."""
    lang = current_language()
    out: dict[str, str] = {}
    for f in form_fields():
        if f.type == cat.ETAT_MAP and f.key == "transparence":
            out.update({f"transparence.{c.key}": f"{f.label_for(lang)} › {c.label_for(lang)}"
                        for c in cat.CRITERIA})
        else:
            out[f.key] = f.label_for(lang)
    out[BODY] = gettext("Texte de la fiche")
    return out


def chosen(values: MultiDict) -> set[str]:
    """The picked keys (`champs`) and the keys of the picked sections (`rubriques`)."""
    allowed = choosable()
    keys = {k for k in values.getlist("champs")[:MAX_CHOSEN] if k in allowed}
    sections = set(values.getlist("rubriques")[:MAX_CHOSEN])
    for key, _label, names in form_sections():
        if key in sections:
            keys |= {k for k in allowed if k.split(".")[0] in names}
    if "texte" in sections:
        keys.add(BODY)
    return keys


@dataclass
class Choice:
    key: str
    label: str
    current: str  # the record's value, in words (short; marked French on an English page)


def picker(meta: dict, body: str, picked: set[str]) -> list[dict]:
    """The sections of the picking page, each with its fields and their current values."""
    allowed = choosable()
    lang = current_language()
    out = []
    for key, label, names in form_sections():
        items = []
        for k, text in allowed.items():
            if k.split(".")[0] not in names:
                continue
            top = k.split(".")
            value = meta.get(top[0])
            if len(top) > 1 and isinstance(value, dict):
                value = (value.get(top[1]) or {}).get("etat")
                shown = cat.choice_label("transparence.etat", value, lang) if value else ""
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                shown = ngettext("%(num)d entrée", "%(num)d entrées", len(value))
            elif isinstance(value, dict):
                shown = gettext("renseigné")
            else:  # the record's own words: French
                f = cat.field_at(top[0])
                shown = en_francais(cut(value_text(value, top[0], f).strip("« »"), 70)) \
                    if value not in (None, "") else ""
            items.append(Choice(k, text, shown or gettext("non renseigné")))
        out.append({"key": key, "label": label, "items": items,
                    "open": any(i.key in picked for i in items)})
    words = len(body.split())
    out.append({"key": "texte", "label": gettext("Texte de la fiche"), "open": BODY in picked,
                "items": [Choice(BODY, gettext("Texte de la fiche (Markdown)"),
                                 ngettext("%(num)d mot", "%(num)d mots", words)
                                 if body.strip() else gettext("vide"))]})
    return out


def shown_sections(picked: set[str] | None) -> list[tuple[str, str, list[str]]]:
    """The form's sections limited to the top-level fields shown (all when None)."""
    tops = None if picked is None else {k.split(".")[0] for k in picked}
    out = []
    for key, label, names in form_sections():
        keep = [n for n in names if tops is None or n in tops]
        if keep:
            out.append((key, label, keep))
    return out


# --- new proposals: the guided steps ---------------------------------------------------------

def step_keys(step: str) -> list[str]:
    return [f.key for f in form_fields() if f.guide == step]


def detail_sections() -> list[tuple[str, str, list[str]]]:
    """The sections of the optional details: the fields no step shows."""
    guided = {f.key for f in form_fields() if f.guide}
    out = []
    for key, label, names in form_sections():
        rest = [n for n in names if n not in guided]
        if rest:
            out.append((key, label, rest))
    return out


def current_step(values: MultiDict) -> str:
    step = values.get("etape", STEPS[0])
    return step if step in STEPS else STEPS[0]


def next_step(step: str, forward: bool = True) -> str:
    i = STEPS.index(step) + (1 if forward else -1)
    return STEPS[max(0, min(i, len(STEPS) - 1))]


def visible(step: str, opened: set[str], with_errors: set[str]) -> set[str]:
    """The top-level keys shown at a step (the fields in error always are)."""
    if step == DETAILS:
        keys = {n for key, _l, names in detail_sections() if key in opened for n in names}
        if "texte" in opened:
            keys.add(BODY)
    else:
        keys = set(step_keys(step))
    return keys | with_errors


def reached(step: str) -> set[str]:
    """The keys of the steps up to `step` (whose errors are shown)."""
    out: set[str] = {"identifiant"}
    for s in STEPS[: STEPS.index(step) + 1]:
        out |= set(step_keys(s)) if s != DETAILS else {f.key for f in form_fields()} | {BODY}
    return out


def carried(form: FlaskForm, shown: set[str]) -> list[tuple[str, str]]:
    """(name, value) of the hidden inputs that keep what the step does not show."""
    out = []
    for field in form:
        if field.name in shown or field.name in ("csrf_token", "base"):
            continue
        for leaf in leaves_of(field):
            if leaf.data is False or leaf.data is None:
                continue
            value = leaf.data if isinstance(leaf.data, str) else \
                ("y" if leaf.data is True else str(leaf.data))
            if value.strip():
                out.append((leaf.name, value))
    return out


def leaves_of(field: Field) -> list[Field]:
    if isinstance(field, FormField | FieldList):
        return list(leaves([field]))
    return [field]


def error_keys(form: FlaskForm) -> set[str]:
    """The top-level fields that carry an error."""
    return {field.name for field in form if any(leaf.errors for leaf in leaves_of(field))}


# --- the error summary --------------------------------------------------------------------

_INDEX = re.compile(r"^\d+$")


def error_summary(form: FlaskForm, general: list[str],
                  only: set[str] | None = None) -> list[dict]:
    """Every error, each with the label of its field and a link to it (`only`: the
    top-level fields whose errors are shown)."""
    out = []
    for field in form:
        if only is not None and field.name not in only:
            continue
        for leaf in leaves_of(field):
            for message in leaf.errors:
                out.append({"href": f"#{leaf.id}", "label": _label(leaf), "message": message})
    out += [{"href": f"#{m.anchor}" if getattr(m, "anchor", "") else "", "label": "",
             "message": m} for m in general]
    return out


def _label(leaf: Field) -> str:
    parts: list[str | int] = [int(p) if _INDEX.match(p) else p for p in leaf.name.split("-")]
    if str(parts[0]) in {f.key for f in form_fields()}:
        return label_of(parts, current_language())
    return re.sub(r" \((facultatif|obligatoire|optional|required)\)$", "", str(leaf.label.text))


# --- what the page shows, fieldset by fieldset -----------------------------------------------

Layout = list[tuple[str, list[str]]]
YOU = ("message", "contributeur_nom", "credit", "courriel")


def layout_correction(picked: set[str], names: set[str]) -> Layout:
    out: Layout = [(label, keys) for _key, label, keys in shown_sections(picked)]
    if BODY in names:
        out.append((gettext("Texte de la fiche"), [BODY]))
    return out


def layout_new(step: str, shown: set[str], opened: set[str]) -> Layout:
    order = [f.key for f in form_fields()] + [BODY]
    if step != DETAILS:
        number = STEPS.index(step) + 1
        keys = (["identifiant"] if "identifiant" in shown else []) + \
            [k for k in order if k in shown]
        return [(gettext("Étape %(n)s sur %(total)s : %(etape)s", n=number, total=len(STEPS),
                         etape=step_labels()[step]), keys)]
    in_sections = {n for key, _l, names in detail_sections() if key in opened for n in names}
    fix = [k for k in ["identifiant", *order] if k in shown and k not in in_sections
           and not (k == BODY and "texte" in opened)]
    out: Layout = [(gettext("À corriger"), fix)] if fix else []
    out += [(label, names) for key, label, names in detail_sections() if key in opened]
    if "texte" in opened:
        out.append((gettext("Texte de la fiche"), [BODY]))
    return out


def closed_sections(opened: set[str]) -> list[tuple[str, str]]:
    """The optional sections a new proposal can still open."""
    out = [(key, label) for key, label, _names in detail_sections() if key not in opened]
    if "texte" not in opened:
        out.append(("texte", gettext("Texte de la fiche (description, historique, "
                                     "controverses)")))
    return out
