"""`registry qualite`: which records to work on next, and where the inventory has gaps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from registry.records import catalogue as cat
from registry.records.model import Record


@dataclass
class RecordQuality:
    id: str
    nom: str
    domaine: str
    administration_type: str
    sources: int
    inconnus: int
    revu_le: str | None
    jours_depuis_revue: int | None
    liens_morts: int
    siren_manquant: bool
    raisons: list[str] = field(default_factory=list)
    priorite: float = 0.0


@dataclass
class GroupTotals:
    cle: str
    libelle: str
    fiches: int = 0
    inconnus_moyens: float = 0.0
    sans_revue: int = 0
    siren_manquants: int = 0


def _days_since(value: str | None, today: date) -> int | None:
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")] + [1, 1]
        return (today - date(parts[0], parts[1], parts[2])).days
    except ValueError:
        return None


def assess(record: Record, dead_links: int = 0, today: date | None = None) -> RecordQuality:
    today = today or date.today()
    meta = record.meta
    inconnus = sum(1 for c in cat.CRITERIA if record.etat(c.key) == "inconnu")
    revu = meta.get("revu_le")
    days = _days_since(revu, today)
    q = RecordQuality(
        id=record.id, nom=meta.get("nom", record.id), domaine=meta.get("domaine", "autre"),
        administration_type=str(record.admin.get("type") or "autre"),
        sources=len(meta.get("sources") or []), inconnus=inconnus, revu_le=revu,
        jours_depuis_revue=days, liens_morts=dead_links,
        siren_manquant=not record.admin.get("siren"),
    )
    if q.sources < 2:
        q.raisons.append(f"{q.sources} source(s) seulement")
    if inconnus:
        q.raisons.append(f"{inconnus} critère(s) de transparence « inconnu »")
    if days is None:
        q.raisons.append("jamais revue")
    elif days > 365:
        q.raisons.append(f"revue il y a {days} jours")
    if dead_links:
        q.raisons.append(f"{dead_links} lien(s) mort(s) ou déplacé(s)")
    if q.siren_manquant:
        q.raisons.append("SIREN de l'administration manquant")
    review_penalty = 3.0 if days is None else min(days / 365, 3.0)
    q.priorite = round(inconnus + 2.0 * max(0, 3 - q.sources) + review_penalty
                       + 2.0 * dead_links + (0.5 if q.siren_manquant else 0.0), 2)
    return q


def worklist(records: list[Record], dead_links: dict[str, int] | None = None,
             today: date | None = None) -> list[RecordQuality]:
    """Records sorted with the ones most in need of work first."""
    dead_links = dead_links or {}
    items = [assess(r, dead_links.get(r.id, 0), today) for r in records]
    return sorted(items, key=lambda q: (-q.priorite, q.sources, q.id))


def totals(items: list[RecordQuality], by: str) -> list[GroupTotals]:
    """Totals per `domaine` or per `administration_type`, including empty groups."""
    labels = cat.DOMAINES if by == "domaine" else cat.ADMINISTRATION_TYPES
    groups = {key: GroupTotals(key, label) for key, label in labels.items()}
    inconnus: Counter[str] = Counter()
    for q in items:
        g = groups.setdefault(getattr(q, by), GroupTotals(getattr(q, by), getattr(q, by)))
        g.fiches += 1
        inconnus[g.cle] += q.inconnus
        g.sans_revue += q.revu_le is None
        g.siren_manquants += q.siren_manquant
    for g in groups.values():
        g.inconnus_moyens = round(inconnus[g.cle] / g.fiches, 1) if g.fiches else 0.0
    return list(groups.values())
