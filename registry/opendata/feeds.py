"""Atom 1.0 feeds (RFC 4287) of record changes, written with xml.etree.

Plain Python: the web layer gives absolute URLs and the versions read from git. Each entry
says in French what changed, from the field-level diff (registry.records.wording), never
the commit's subject. Authors and old versions of a record come from git as they are:
characters that XML 1.0 forbids (C0 controls but tab and newlines, U+FFFE, U+FFFF) are
removed from every text and attribute, so that the feed stays well-formed XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from registry.records.versions import Version
from registry.text import without_controls

ATOM = "http://www.w3.org/2005/Atom"
GENERATOR = "Registre citoyen des algorithmes publics"
MAX_SUMMARY_FIELDS = 8


@dataclass
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    author: str
    link: str
    summary: str


def summary(version: Version) -> str:
    """« Statut : « Déployé » devient « Suspendu ». Budget : ajout de 34 500 000 € … »"""
    lines = version.lines[:MAX_SUMMARY_FIELDS]
    more = len(version.lines) - MAX_SUMMARY_FIELDS
    text = " ".join(line if line.endswith(".") else line + "." for line in lines)
    if more > 0:
        text += f" Et {more} autre{'s' if more > 1 else ''} changement{'s' if more > 1 else ''}."
    if version.co_authors:
        text += f" Proposé par {', '.join(version.co_authors)}."
    return text


def entries(versions: list[Version], link: Callable[[Version], str],
            names: dict[str, str] | None = None) -> list[Entry]:
    """One entry per version; `link` gives its absolute URL (also its stable id)."""
    out = []
    for v in versions:
        nom = (names or {}).get(v.id) or v.nom or v.id
        out.append(Entry(link(v), f"{nom} : {v.title}", v.date, v.author or "Inconnu",
                         link(v), summary(v)))
    return out


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", _clean(attrs))
    element.text = without_controls(text)
    return element


def _clean(attrs: dict[str, str]) -> dict[str, str]:
    return {k: without_controls(v) for k, v in attrs.items()}


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def atom(feed_id: str, title: str, self_url: str, page_url: str, items: list[Entry],
         subtitle: str = "", lang: str = "fr") -> bytes:
    """A valid Atom feed document (UTF-8 bytes). `lang`: the language of its titles; the
    entries (what changed in the records) are French, marked so in a feed of another."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    updated = max((e.updated for e in items), key=datetime.fromisoformat, default="") or \
        datetime.now(UTC).isoformat(timespec="seconds")
    _text(feed, "updated", updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", GENERATOR)
    ET.SubElement(feed, f"{{{ATOM}}}link", _clean({"rel": "self", "href": self_url,
                                                   "type": "application/atom+xml"}))
    ET.SubElement(feed, f"{{{ATOM}}}link", _clean({"rel": "alternate", "href": page_url,
                                                   "type": "text/html"}))
    _text(feed, "generator", GENERATOR)
    for e in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {XML_LANG: "fr"} if lang != "fr" else {})
        _text(entry, "id", e.id)
        _text(entry, "title", e.title)
        _text(entry, "updated", e.updated)
        who = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(who, "name", e.author)
        ET.SubElement(entry, f"{{{ATOM}}}link", _clean({"rel": "alternate", "href": e.link,
                                                        "type": "text/html"}))
        _text(entry, "summary", e.summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
