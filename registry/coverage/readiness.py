"""The AI Act, system by system: categories, the obligations due, the evidence of meeting them.

Plain Python (no Flask). Categories, Annex III points, obligations and their dates come from
the legal table (``registry.law.aiact``); a record gives only its category, its point and
the state of each obligation (the states of the transparency criteria: ``publie``,
``partiel``, ``obtenu``…). Method of « Prêts pour l'AI Act » (docs/coverage-method.md):

- concerned (N): records whose category carries deployer obligations in the legal table
  (``aiact.obligations_for``: high-risk, transparency duties) with at least one of them
  applicable, i.e. not ``sans_objet`` (a system withdrawn before the obligations apply);
- ready (n): every applicable obligation of the record is ``publie`` (public evidence that
  it is met). An obligation missing from a record counts as ``inconnu``. ``obtenu``
  (evidence obtained through an access request, a leak or a third party) is counted apart,
  as « prêts, preuves obtenues comprises »; ``partiel`` never counts;
- prohibited practices (art. 5) are not in N: no obligation makes them lawful; they are
  counted apart, with those not withdrawn (status neither ``abandonne`` nor ``suspendu``).

Figures are ``n / N (x,y %)`` like every coverage figure (``registry.coverage.figures``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from registry.coverage.figures import Figure
from registry.law import aiact
from registry.records import catalogue as cat
from registry.records.model import Record

EVIDENCE = ("publie",)  # what counts as evidence that an obligation is met
EVIDENCE_OBTAINED = ("publie", "obtenu")  # the same, evidence obtained included
NOT_APPLICABLE = "sans_objet"
WITHDRAWN = ("abandonne", "suspendu")  # statuses of a system no longer in use
NO_POINT = ""


def ai_section(record: Record) -> dict:
    ai = record.meta.get("ai_act")
    return ai if isinstance(ai, dict) else {}


def categorie(record: Record) -> str:
    value = ai_section(record).get("categorie")
    return value if value in aiact.CATEGORIES else "inconnu"


def is_judgement(record: Record) -> bool:
    """The classification is the registry's judgement unless a record says otherwise."""
    return ai_section(record).get("jugement") is not False


def obligation_state(record: Record, key: str) -> str:
    """The state of one obligation in a record; a missing obligation is « inconnu »."""
    item = (ai_section(record).get("obligations") or {}).get(key) or {}
    etat = item.get("etat") if isinstance(item, dict) else None
    return etat if etat in cat.ETATS else "inconnu"


def applicable_obligations(record: Record) -> list[aiact.Obligation]:
    """The obligations of the record's category that apply to it (not « sans objet »)."""
    return [o for o in aiact.obligations_for(categorie(record))
            if obligation_state(record, o.key) != NOT_APPLICABLE]


def is_concerned(record: Record) -> bool:
    """Counts in the N of « Prêts pour l'AI Act »."""
    return bool(applicable_obligations(record))


def is_ready(record: Record, evidence: tuple[str, ...] = EVIDENCE) -> bool:
    """Every applicable obligation shows evidence (False for a record not concerned)."""
    due = applicable_obligations(record)
    return bool(due) and all(obligation_state(record, o.key) in evidence for o in due)


@dataclass(frozen=True)
class SystemRow:
    """One system as the AI Act page lists it."""

    id: str
    nom: str
    administration: str
    statut: str
    point: str  # key of aiact.POINTS, or NO_POINT
    jugement: bool
    motif: str
    etats: dict[str, str]  # obligation key -> state
    pret: bool
    pret_avec_obtenu: bool

    @property
    def point_label(self) -> str:
        point = aiact.POINTS_BY_KEY.get(self.point)
        return point.label if point else ""

    def as_dict(self) -> dict:
        return {"id": self.id, "nom": self.nom, "administration": self.administration,
                "statut": self.statut, "point": self.point or None,
                "point_libelle": self.point_label or None, "jugement": self.jugement,
                "obligations": dict(self.etats), "pret": self.pret,
                "pret_avec_obtenu": self.pret_avec_obtenu}


def system_row(record: Record) -> SystemRow:
    ai = ai_section(record)
    point = ai.get("point")
    return SystemRow(
        record.id, str(record.get("nom", record.id)), record.administration_name,
        str(record.get("statut", "inconnu")),
        point if point in aiact.POINTS_BY_KEY else NO_POINT, is_judgement(record),
        str(ai.get("motif") or ""),
        {o.key: obligation_state(record, o.key) for o in aiact.obligations_for(categorie(record))},
        is_ready(record), is_ready(record, EVIDENCE_OBTAINED))


@dataclass
class ObligationFigure:
    """How many systems of a category show evidence of meeting one obligation."""

    obligation: aiact.Obligation
    etats: dict[str, int]  # state -> number of systems of the category
    publie: Figure  # publie / systems where it applies (not « sans objet »)
    avec_obtenu: Figure  # publie or obtenu / the same

    @property
    def applies(self) -> date:
        return aiact.applies_from(self.obligation)

    def as_dict(self) -> dict:
        o = self.obligation
        return {"id": o.key, "libelle": o.label, "article": o.article,
                "exigence": o.requirement, "exigible_le": self.applies.isoformat(),
                "sources": [r.url for r in o.references], "etats": dict(self.etats),
                "publie": self.publie.as_dict(), "avec_obtenu": self.avec_obtenu.as_dict()}


def obligation_figure(records: list[Record], obligation: aiact.Obligation) -> ObligationFigure:
    etats = dict.fromkeys(cat.ETATS, 0)
    for r in records:
        etats[obligation_state(r, obligation.key)] += 1
    applicable = len(records) - etats[NOT_APPLICABLE]
    return ObligationFigure(obligation, etats, Figure(etats["publie"], applicable),
                            Figure(etats["publie"] + etats["obtenu"], applicable))


@dataclass
class PointGroup:
    point: str  # key of aiact.POINTS, or NO_POINT
    systems: list[SystemRow]

    @property
    def label(self) -> str:
        point = aiact.POINTS_BY_KEY.get(self.point)
        return point.label if point else "Disposition non précisée"


@dataclass
class CategoryView:
    """A category: its systems by point, its obligations with their evidence."""

    key: str
    systems: list[SystemRow]
    points: list[PointGroup]
    obligations: list[ObligationFigure]
    pret: Figure | None  # None for a category without obligations
    pret_avec_obtenu: Figure | None
    explication: int | None = None  # high-risk: systems whose decisions open art. 86

    @property
    def label(self) -> str:
        return aiact.CATEGORIES[self.key]

    @property
    def total(self) -> int:
        return len(self.systems)

    @property
    def judgements(self) -> int:
        return sum(1 for s in self.systems if s.jugement)

    @property
    def applies(self) -> date | None:
        """When the first of its obligations applies (None: no obligation)."""
        return min((o.applies for o in self.obligations), default=None)

    def as_dict(self) -> dict:
        return {"id": self.key, "libelle": self.label, "total": self.total,
                "jugements": self.judgements,
                "exigible_le": self.applies.isoformat() if self.applies else None,
                "obligations": [o.as_dict() for o in self.obligations],
                "prets": self.pret.as_dict() if self.pret else None,
                "prets_avec_obtenu": (self.pret_avec_obtenu.as_dict()
                                      if self.pret_avec_obtenu else None),
                "systemes": [s.as_dict() for s in self.systems]}


def _points(systems: list[SystemRow]) -> list[PointGroup]:
    order = {p.key: i for i, p in enumerate(aiact.POINTS)}
    groups: dict[str, list[SystemRow]] = {}
    for s in systems:
        groups.setdefault(s.point, []).append(s)
    keys = sorted(groups, key=lambda k: (k == NO_POINT, order.get(k, 0)))
    return [PointGroup(k, groups[k]) for k in keys]


def _ready_figure(records: list[Record], evidence: tuple[str, ...]) -> Figure:
    concerned = [r for r in records if is_concerned(r)]
    return Figure(sum(1 for r in concerned if is_ready(r, evidence)), len(concerned))


def category_view(key: str, records: list[Record]) -> CategoryView:
    records = sorted(records, key=lambda r: (str(r.get("nom", r.id)).casefold(), r.id))
    systems = [system_row(r) for r in records]
    obligations = [obligation_figure(records, o) for o in aiact.obligations_for(key)]
    with_duties = bool(obligations)
    return CategoryView(
        key, systems, _points(systems), obligations,
        _ready_figure(records, EVIDENCE) if with_duties else None,
        _ready_figure(records, EVIDENCE_OBTAINED) if with_duties else None,
        sum(1 for r in records if aiact.explanation_right_concerns(r.meta))
        if key == "haut_risque" else None)


@dataclass
class Readiness:
    """Everything the AI Act page and the coverage block show."""

    total: int
    categories: list[CategoryView]
    pret: Figure
    pret_avec_obtenu: Figure
    interdits: int
    interdits_en_service: int
    by_key: dict[str, CategoryView] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_key = {c.key: c for c in self.categories}

    @property
    def with_obligations(self) -> list[CategoryView]:
        return [c for c in self.categories if c.obligations]

    def as_dict(self) -> dict:
        return {"total": self.total, "prets": self.pret.as_dict(),
                "prets_avec_obtenu": self.pret_avec_obtenu.as_dict(),
                "interdits": self.interdits, "interdits_en_service": self.interdits_en_service,
                "categories": [c.as_dict() for c in self.categories]}


def compute(records: Iterable[Record]) -> Readiness:
    records = list(records)
    buckets: dict[str, list[Record]] = {key: [] for key in aiact.CATEGORIES}
    for r in records:
        buckets[categorie(r)].append(r)
    prohibited = buckets["interdit"]
    return Readiness(
        len(records), [category_view(key, buckets[key]) for key in aiact.CATEGORIES],
        _ready_figure(records, EVIDENCE), _ready_figure(records, EVIDENCE_OBTAINED),
        len(prohibited),
        sum(1 for r in prohibited if r.get("statut") not in WITHDRAWN))
