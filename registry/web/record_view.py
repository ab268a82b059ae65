"""What the record page shows beyond the fields: numbered citations, the recourse box
("Vous êtes concerné ?") with its deadlines, and the AI Act status, all derived from the
record, its administration and the legal tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from registry.cada.deadlines import add_months, parse_date
from registry.law import aiact
from registry.law.recourse import RecoursePath, path_for
from registry.records import catalogue as cat
from registry.records import citations
from registry.rendering import citation_link, render_record_body

_DELAI = re.compile(r"^(\d+) (jour|jours|mois|an|ans)$")


@dataclass
class Citations:
    """The numbering of a record's sources, and the link of each citation."""

    numbers: dict[str, int]
    titles: dict[str, str]

    @classmethod
    def of(cls, meta: dict) -> Citations:
        return cls(citations.numbering(meta),
                   {s["cle"]: str(s.get("titre", "")) for s in meta.get("sources") or []
                    if isinstance(s, dict) and s.get("cle")})

    def links(self, value: object) -> Markup:
        """``[3][5]`` links for a `source` value (a key or a list of keys)."""
        parts = [citation_link(k, self.numbers[k], 0, self.titles.get(k, ""))
                 for k in citations.as_keys(value) if k in self.numbers]
        return Markup("".join(parts).replace('id="renvoi-', 'data-renvoi="'))


def english_description(meta: dict) -> Markup | None:
    """The record's hand-written English description (Markdown, sanitised, its ``[^cle]``
    citations numbered as in the French body), or None when it has none. Bounded: the
    catalogue caps ``description_en`` at 8,000 characters."""
    text = meta.get("description_en")
    if not isinstance(text, str) or not text.strip():
        return None
    cites = Citations.of(meta)
    return Markup(render_record_body(text[:8000], cites.numbers, cites.titles))


def deadline(start: date, delai: str) -> date | None:
    """The last day of a time limit such as « 2 mois » or « 45 jours » from `start`."""
    match = _DELAI.match(delai or "")
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2)
    if unit.startswith("jour"):
        return start + timedelta(days=count)
    return add_months(start, count * (12 if unit.startswith("an") else 1))


def notification_date(text: str | None) -> tuple[date | None, str]:
    """The decision date typed in the box's form, or an error message in French."""
    if not text:
        return None, ""
    try:
        value = parse_date(text[:20], "date de notification")
    except ValueError as exc:
        return None, str(exc)
    if value is None or not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        return None, "indiquez une date de notification réelle, au format AAAA-MM-JJ"
    return value, ""


def recourse(meta: dict, admin: dict | None) -> RecoursePath | None:
    """The box's path, for records about individual decisions only."""
    if meta.get("decision_individuelle") != "oui":
        return None
    return path_for(meta, admin)


@dataclass
class AiActView:
    categorie: str
    point: str
    obligations: list[dict]
    applies_from: date | None


def ai_act(meta: dict) -> AiActView | None:
    """The AI Act status: its category, its point, and each derived obligation with its
    date of application (from the legal table) and its state (from the record)."""
    ai = meta.get("ai_act")
    if not isinstance(ai, dict):
        return None
    categorie = str(ai.get("categorie", "inconnu"))
    states = ai.get("obligations") or {}
    obligations = []
    for o in aiact.obligations_for(categorie):
        item = states.get(o.key) or {}
        obligations.append({"obligation": o, "applies": aiact.applies_from(o),
                            "etat": item.get("etat", "inconnu"), "item": item})
    first = min((o["applies"] for o in obligations), default=None)
    return AiActView(cat.AI_CATEGORIES.get(categorie, categorie),
                     cat.AI_POINTS.get(str(ai.get("point", "")), ""), obligations, first)
