"""`registry qualite`: which records to work on next, and where the inventory has gaps.

Keeping the records true over time: a record not re-checked whole for STALE_DAYS, its sources
without a verbatim quote (`extrait`), its claims without a citation (paragraphs of the body
stating figures or dates without a `[^cle]`, citable fields without an entry in `citations`),
and the links `registry sources check` found dead or moved, with the archived copy to use.
Everything here reads the records and the link-check cache; nothing goes to the network."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from registry.quality.linkcheck import DeadLink
from registry.records import catalogue as cat
from registry.records import citations
from registry.records.frontmatter import split
from registry.records.model import Record

STALE_DAYS = 365  # a record not re-checked whole for longer is listed


@dataclass
class Claim:
    """A claim without a citation: its line in the file (0 if unknown) and what it is."""

    ligne: int
    texte: str


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
    sources_sans_extrait: list[str] = field(default_factory=list)  # source keys
    affirmations_sans_source: list[Claim] = field(default_factory=list)
    sources_mortes: list[DeadLink] = field(default_factory=list)
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


def _body_line(record: Record) -> int:
    """Line of the file where the body starts (0 when the record has no file)."""
    try:
        parts = split(record.path.read_text(encoding="utf-8")) if record.path else None
    except OSError:
        return 0
    return parts[3] if isinstance(parts, tuple) and len(parts) == 4 else 0


def uncited_claims(record: Record) -> list[Claim]:
    """Claims without a citation: body paragraphs with figures or dates but no `[^cle]`,
    citable fields given without an entry in `citations`."""
    meta = record.meta
    out = []
    first = _body_line(record)
    for unit in citations.units(record.body or ""):
        if unit.factual and not unit.markers:
            out.append(Claim(first + unit.line - 1 if first else 0,
                             f"paragraphe avec des chiffres ou des dates sans source : "
                             f"« {unit.text[:80].strip()} … »"))
    cited = meta.get("citations") if isinstance(meta.get("citations"), dict) else {}
    for f in cat.FIELDS:
        value = meta.get(f.key)
        if f.citable and value not in (None, "", [], "inconnu") and not cited.get(f.key):
            out.append(Claim(record.lines.get((f.key,), 0), f"champ « {f.label} » sans source"))
    return out


def assess(record: Record, dead: list[DeadLink] | None = None,
           today: date | None = None) -> RecordQuality:
    today = today or date.today()
    dead = dead or []
    meta = record.meta
    inconnus = sum(1 for c in cat.CRITERIA if record.etat(c.key) == "inconnu")
    revu = meta.get("revu_le")
    days = _days_since(revu, today)
    q = RecordQuality(
        id=record.id, nom=meta.get("nom", record.id), domaine=meta.get("domaine", "autre"),
        administration_type=str(record.admin.get("type") or "autre"),
        sources=len(meta.get("sources") or []), inconnus=inconnus, revu_le=revu,
        jours_depuis_revue=days, liens_morts=len(dead),
        siren_manquant=not record.admin.get("siren"),
        sources_sans_extrait=[str(s.get("cle") or s.get("url") or i)
                              for i, s in enumerate(meta.get("sources") or [])
                              if isinstance(s, dict) and not s.get("extrait")],
        affirmations_sans_source=uncited_claims(record), sources_mortes=dead,
    )
    if q.sources < 2:
        q.raisons.append(f"{q.sources} source(s) seulement")
    if inconnus:
        q.raisons.append(f"{inconnus} critère(s) de transparence « inconnu »")
    if days is None:
        q.raisons.append("jamais revue")
    elif days > STALE_DAYS:
        q.raisons.append(f"pas revue depuis plus de 12 mois ({days} jours)")
    if q.sources_sans_extrait:
        q.raisons.append(f"{len(q.sources_sans_extrait)} source(s) sans extrait")
    if q.affirmations_sans_source:
        q.raisons.append(f"{len(q.affirmations_sans_source)} affirmation(s) sans source")
    if dead:
        q.raisons.append(f"{len(dead)} lien(s) mort(s) ou déplacé(s)")
    if q.siren_manquant:
        q.raisons.append("SIREN de l'administration manquant")
    review_penalty = 3.0 if days is None else min(days / 365, 3.0)
    q.priorite = round(inconnus + 2.0 * max(0, 3 - q.sources) + review_penalty
                       + 2.0 * len(dead) + 0.5 * len(q.sources_sans_extrait)
                       + 1.0 * len(q.affirmations_sans_source)
                       + (0.5 if q.siren_manquant else 0.0), 2)
    return q


def worklist(records: list[Record], dead_links: dict[str, list[DeadLink]] | None = None,
             today: date | None = None) -> list[RecordQuality]:
    """Records sorted with the ones most in need of work first."""
    dead_links = dead_links or {}
    items = [assess(r, dead_links.get(r.id, []), today) for r in records]
    return sorted(items, key=lambda q: (-q.priorite, q.sources, q.id))


@dataclass
class Upkeep:
    """The four lists of « keep it true over time », over the whole registry."""

    non_revues: list[RecordQuality]  # not re-checked for more than STALE_DAYS, or never
    sans_extrait: list[RecordQuality]
    sans_source: list[RecordQuality]
    liens_morts: list[RecordQuality]
    sources: int  # all sources
    sources_sans_extrait: int


def upkeep(items: list[RecordQuality]) -> Upkeep:
    by_id = sorted(items, key=lambda q: q.id)
    return Upkeep(
        non_revues=[q for q in by_id if q.jours_depuis_revue is None
                    or q.jours_depuis_revue > STALE_DAYS],
        sans_extrait=[q for q in by_id if q.sources_sans_extrait],
        sans_source=[q for q in by_id if q.affirmations_sans_source],
        liens_morts=[q for q in by_id if q.sources_mortes],
        sources=sum(q.sources for q in items),
        sources_sans_extrait=sum(len(q.sources_sans_extrait) for q in items))


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
