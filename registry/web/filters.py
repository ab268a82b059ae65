"""Jinja filters and globals shared by every template (labels come from the catalogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import nh3
from babel.numbers import format_decimal
from flask import Flask, url_for
from markupsafe import Markup

from registry.law import aiact
from registry.locales import SOURCE, date_text, duration_text, number_text, percent_text
from registry.records import catalogue as cat
from registry.text import CONTROL_RE
from registry.web.i18n import current_language

SAFE_SCHEMES = ("http", "https", "mailto")


def nombre_fr(value: object) -> str:
    """A number in the page's language: 34500000 -> « 34 500 000 » (narrow no-break
    spaces) or « 34,500,000 »; 1.5 -> « 1,5 » or « 1.5 ». (The name is older than the
    English pages: every template uses it.)"""
    return number_text(value, current_language())


def date_fr(value: object) -> str:
    """A date (or YYYY[-MM[-DD]]) in the page's language: « 1er mars 2026 », « March 1, 2026 »."""
    return date_text(value, current_language())  # type: ignore[arg-type]


def pourcentage(value: object) -> str:
    """A percentage (already × 100: 10.8) in the page's language: « 10,8 % », « 10.8% »."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return percent_text(None)
    return percent_text(value, current_language())


def rapport(figure: object) -> str:
    """A coverage figure as « 13 / 120 (10,8 %) » in the page's language."""
    n, total = getattr(figure, "n", None), getattr(figure, "N", None)
    if n is None or total is None:
        return str(figure)
    return f"{nombre_fr(n)} / {nombre_fr(total)} ({pourcentage(getattr(figure, 'valeur', None))})"


def ecart(value: object) -> str:
    """A difference of percentage points, signed, one decimal, in the page's language:
    « +2,5 » / « +2.5 », « -1,0 » / « -1.0 »."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = format_decimal(abs(value), format="0.0", locale=current_language())
    return ("+" if value >= 0 else "-") + text


def ia(item: aiact.Dated | aiact.Obligation | aiact.RegistrationItem,
       ) -> aiact.Dated | aiact.Obligation | aiact.RegistrationItem:
    """A line of the AI Act table (a date, an obligation, an EU database item) worded in the
    page's language (its English is in registry/law/aiact.py, next to the French)."""
    return aiact.in_language(item, current_language())


def en_francais(value: object) -> Markup:
    """Record text (always French) inside a page in another language: marked lang="fr"."""
    if current_language() == SOURCE or value is None or value == "":
        return Markup.escape("" if value is None else value)
    return Markup('<span lang="fr">%s</span>') % value


def traduit(meta: dict, key: str) -> Markup:
    """A record's `key` (nom, resume) in the page's language: its hand-written `<key>_en`
    on English pages when it has one, else the French text marked lang="fr"."""
    if current_language() == "en" and meta.get(f"{key}_en"):
        return Markup.escape(meta[f"{key}_en"])
    return en_francais(meta.get(key, ""))


def texte_traduit(meta: dict, key: str) -> str:
    """The same, as plain text (titles, meta descriptions: no markup)."""
    if current_language() == "en" and meta.get(f"{key}_en"):
        return str(meta[f"{key}_en"])
    return str(meta.get(key, ""))


def duree(value: object) -> Markup:
    """A time limit (« 2 mois ») in the page's language; French, marked lang="fr", when it is
    not one of the simple forms registry/locales.py translates."""
    text = duration_text(str(value or ""), current_language())
    return en_francais(value) if text is None else Markup.escape(text)


def lang_fr() -> Markup:
    """` lang="fr"` for an element holding French content on a page in another language."""
    return Markup(' lang="fr"') if current_language() != SOURCE else Markup("")


def safe_url(value: object) -> str:
    """The URL when it is http(s) or mailto, else an empty string (never javascript:)."""
    text = str(value or "").strip()
    return text if urlsplit(text).scheme.lower() in SAFE_SCHEMES else ""


def contact_url(value: object) -> str:
    text = str(value or "").strip()
    if "@" in text and not text.lower().startswith(("http://", "https://", "mailto:")):
        return "mailto:" + text
    return safe_url(text)


def host(value: object) -> str:
    """The host of a URL, without « www. », for short link texts."""
    netloc = urlsplit(str(value or "")).netloc.lower()
    return netloc.removeprefix("www.") or str(value or "")


def shift_headings(html: str) -> Markup:
    """Demote the headings of sanitised HTML by one level (h2 -> h3, …, h6 stays h6)."""
    def demote(match: re.Match) -> str:
        return f"<{match.group(1)}h{min(int(match.group(2)) + 1, 6)}"

    return Markup(re.sub(r"<(/?)h([1-6])", demote, html or ""))


def extrait(html: str) -> Markup:
    """A search excerpt: text with <mark> only (defence in depth over the search module)."""
    return Markup(nh3.clean(html or "", tags={"mark"}, attributes={}))


@dataclass(frozen=True)
class Section:
    """A section of the record page: its scalar/object fields, then its list fields."""

    key: str
    label_fr: str
    simples: tuple[cat.Field, ...]
    listes: tuple[cat.Field, ...]

    @property
    def fields(self) -> tuple[cat.Field, ...]:
        return self.simples + self.listes

    @property
    def label(self) -> str:
        """The section's title in the page's language."""
        return cat.section_label(self.key, current_language())


LIST_TYPES = (cat.OBJECT_LIST, cat.ETAT_MAP)


@cache
def sections() -> tuple[Section, ...]:
    """Each section of the record page with its fields, in catalogue order (computed once)."""
    out = []
    for key, text in cat.SECTIONS.items():
        fields = [f for f in cat.FIELDS if f.section == key]
        out.append(Section(key, text, tuple(f for f in fields if f.type not in LIST_TYPES),
                           tuple(f for f in fields if f.type in LIST_TYPES)))
    return tuple(out)


def action_url(endpoint: str, ident: str, endpoints: set[str]) -> str | None:
    """URL of an action about a record (a form built elsewhere), or None when absent."""
    if endpoint not in endpoints:
        return None
    from flask import current_app

    rule = next(iter(current_app.url_map.iter_rules(endpoint)))
    args = sorted(rule.arguments)
    return url_for(endpoint, **({args[0]: ident} if len(args) == 1 else {"id": ident}))


@cache
def _label(path: str, lang: str) -> str:
    return cat.label(path, lang=lang)


def label(path: str) -> str:
    """The catalogue label of a dotted field path in the page's language (cached: the
    catalogue never changes)."""
    return _label(path, current_language())


def choice(value: object, path: str) -> str:
    """The label of a controlled value in the page's language."""
    return cat.choice_label(path, value, current_language())


def libelle(item: cat.Field | cat.Criterion) -> str:
    """A field's or a criterion's label in the page's language."""
    return item.label_for(current_language())


def aide(item: cat.Field) -> str:
    """A field's help in the page's language."""
    return item.help_for(current_language())


def etats() -> dict[str, str]:
    """The publication states and their labels in the page's language."""
    return cat.CHOICE_LABELS_OF_LANGUAGE.get(current_language(), cat.CHOICE_LABELS)[
        "transparence.etat"]


def no_controls(value: object) -> object:
    """Jinja's finalize: no control character reaches a page (git subjects, old data)."""
    if isinstance(value, str) and CONTROL_RE.search(value):
        cleaned = CONTROL_RE.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = no_controls
    app.jinja_env.filters.update(
        date_fr=date_fr, nombre_fr=nombre_fr, pourcentage=pourcentage, rapport=rapport,
        ecart=ecart, safe_url=safe_url, contact_url=contact_url, host=host,
        shift_headings=shift_headings, extrait=extrait, ia=ia,
        choice=choice, libelle=libelle, aide=aide, en_francais=en_francais, duree=duree)
    app.jinja_env.globals.update(catalogue=cat, label=label, sections=sections,
                                 action_url=action_url, traduit=traduit,
                                 texte_traduit=texte_traduit, lang_fr=lang_fr, etats=etats,
                                 site_name=str(app.config.get("SITE_NAME") or ""),
                                 publisher=str(app.config.get("PUBLISHER") or ""))

    @app.context_processor
    def endpoints() -> dict:
        return {"url_map_endpoints": {rule.endpoint for rule in app.url_map.iter_rules()}}
