"""Jinja filters and globals shared by every template (labels come from the catalogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import nh3
from flask import Flask, url_for
from markupsafe import Markup

from registry.records import catalogue as cat
from registry.text import CONTROL_RE, french_date, french_number

SAFE_SCHEMES = ("http", "https", "mailto")


def nombre_fr(value: object) -> str:
    """34500000 -> « 34 500 000 » (narrow no-break spaces), 1.5 -> « 1,5 »."""
    return french_number(value)


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
    label: str
    simples: tuple[cat.Field, ...]
    listes: tuple[cat.Field, ...]

    @property
    def fields(self) -> tuple[cat.Field, ...]:
        return self.simples + self.listes


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
def label(path: str) -> str:
    """The catalogue label of a dotted field path (cached: the catalogue never changes)."""
    return cat.label(path)


def choice(value: object, path: str) -> str:
    """The French label of a controlled value."""
    labels = cat.CHOICE_LABELS.get(path)
    text = str(value)
    return labels.get(text, text) if labels else text


def no_controls(value: object) -> object:
    """Jinja's finalize: no control character reaches a page (git subjects, old data)."""
    if isinstance(value, str) and CONTROL_RE.search(value):
        cleaned = CONTROL_RE.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = no_controls
    app.jinja_env.filters.update(
        date_fr=french_date, nombre_fr=nombre_fr, safe_url=safe_url, contact_url=contact_url,
        host=host, shift_headings=shift_headings, extrait=extrait,
        choice=choice)
    app.jinja_env.globals.update(catalogue=cat, label=label, sections=sections,
                                 action_url=action_url,
                                 site_name=str(app.config.get("SITE_NAME") or ""),
                                 publisher=str(app.config.get("PUBLISHER") or ""))

    @app.context_processor
    def endpoints() -> dict:
        return {"url_map_endpoints": {rule.endpoint for rule in app.url_map.iter_rules()}}
