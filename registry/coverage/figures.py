"""Transparency coverage: how many records publish each criterion.

Plain Python (no Flask). Every figure is shown as ``n / N (x,y %)``:

- « tous » (ODAP's convention): n = records where the criterion is ``publie``,
  N = all records;
- « applicables »: N excludes the records where the criterion is ``sans_objet``;
  for criteria whose obligation applies only to individual decisions
  (``crpa_individual`` in the catalogue), N is further limited to the records with
  ``decision_individuelle: oui``. n = applicable records where it is ``publie``.

``partiel`` and ``obtenu`` are counted separately and never merged into ``publie``.
Percentages have one decimal, French formatting, rounding half up (``decimal``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from registry.cada.deadlines import OPEN, is_pending
from registry.records import catalogue as cat
from registry.records.model import Record
from registry.text import fold

# Breakdowns: name -> (dotted key of the record, heading).
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "administration": ("administration", cat.label("administration")),
    "domaine": ("domaine", cat.label("domaine")),
    "statut": ("statut", cat.label("statut")),
    "type_technique": ("type_technique", cat.label("type_technique")),
}

NO_PERCENT = "—"


def percent(n: int, total: int) -> Decimal | None:
    """``100 n / total`` rounded half up to one decimal, or None when total is 0."""
    if total <= 0:
        return None
    return (Decimal(100 * n) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def french_percent(value: Decimal | None) -> str:
    """``Decimal('10.8')`` -> ``'10,8 %'``; None -> ``'—'``."""
    return NO_PERCENT if value is None else f"{value}".replace(".", ",") + " %"


@dataclass(frozen=True)
class Figure:
    """A count over a denominator."""

    n: int
    N: int

    @property
    def decimal(self) -> Decimal | None:
        return percent(self.n, self.N)

    @property
    def pourcentage(self) -> str:
        return french_percent(self.decimal)

    @property
    def valeur(self) -> float | None:
        value = self.decimal
        return None if value is None else float(value)

    @property
    def texte(self) -> str:
        return f"{self.n} / {self.N} ({self.pourcentage})"

    def as_dict(self) -> dict:
        return {"n": self.n, "N": self.N, "pourcentage": self.pourcentage,
                "valeur": self.valeur, "texte": self.texte}


def applies(record: Record, criterion: cat.Criterion) -> bool:
    """Whether the criterion is applicable to the record (counts in the « applicables » N)."""
    if record.etat(criterion.key) == "sans_objet":
        return False
    return not criterion.crpa_individual or record.get("decision_individuelle") == "oui"


def _demandes(record: Record) -> list[dict]:
    return [d for d in record.meta.get("demandes") or [] if isinstance(d, dict)]


def pending_requests(record: Record) -> int:
    """Number of the record's access requests awaiting the administration's answer."""
    return sum(1 for d in _demandes(record) if is_pending(d))


def open_requests(record: Record) -> int:
    """Number of the record's access requests not yet closed (CADA, court… included)."""
    return sum(1 for d in _demandes(record) if d.get("statut") in OPEN)


def request_counts(records: list[Record]) -> dict[str, int]:
    """Records with a request awaiting an answer, and with a request not yet closed."""
    return {"fiches_avec_demande_en_attente": sum(1 for r in records if pending_requests(r)),
            "fiches_avec_demande_ouverte": sum(1 for r in records if open_requests(r))}


@dataclass
class CriterionCoverage:
    criterion: cat.Criterion
    etats: dict[str, int]
    tous: Figure
    applicables: Figure

    @property
    def publie(self) -> int:
        return self.etats["publie"]

    def as_dict(self) -> dict:
        return {"id": self.criterion.key, "libelle": self.criterion.label,
                "etats": dict(self.etats), "publie": self.publie,
                "partiel": self.etats["partiel"], "obtenu": self.etats["obtenu"],
                "tous": self.tous.as_dict(), "applicables": self.applicables.as_dict()}


def criterion_coverage(records: list[Record], criterion: cat.Criterion) -> CriterionCoverage:
    etats = dict.fromkeys(cat.ETATS, 0)
    applicable = published_applicable = 0
    for r in records:
        etat = r.etat(criterion.key)
        etats[etat] = etats.get(etat, 0) + 1
        if applies(r, criterion):
            applicable += 1
            published_applicable += etat == "publie"
    return CriterionCoverage(criterion, etats, Figure(etats["publie"], len(records)),
                             Figure(published_applicable, applicable))


def criteria_coverage(records: list[Record]) -> list[CriterionCoverage]:
    return [criterion_coverage(records, c) for c in cat.CRITERIA]


@dataclass
class RecordScore:
    """A record's transparency: share of its applicable criteria that are published."""

    id: str
    nom: str
    administration: str
    score: Figure
    partiels: int
    obtenus: int
    demandes_en_attente: int
    demandes_ouvertes: int

    def as_dict(self) -> dict:
        return {"id": self.id, "nom": self.nom, "administration": self.administration,
                "score": self.score.as_dict(), "partiels": self.partiels,
                "obtenus": self.obtenus, "demandes_en_attente": self.demandes_en_attente,
                "demandes_ouvertes": self.demandes_ouvertes}


def record_score(record: Record) -> RecordScore:
    applicable = [c for c in cat.CRITERIA if applies(record, c)]
    etats = [record.etat(c.key) for c in applicable]
    return RecordScore(record.id, str(record.get("nom", record.id)),
                       record.administration_name,
                       Figure(etats.count("publie"), len(applicable)),
                       etats.count("partiel"), etats.count("obtenu"), pending_requests(record),
                       open_requests(record))


def record_scores(records: Iterable[Record]) -> list[RecordScore]:
    """Scores, least transparent first (records without applicable criteria last)."""
    scores = [record_score(r) for r in records]

    def key(s: RecordScore) -> tuple:
        value = s.score.decimal
        return (value is None, value if value is not None else 0, -s.score.N, s.id)

    return sorted(scores, key=key)


@dataclass
class Group:
    """The coverage of the records sharing one value (an administration, a domain…)."""

    slug: str
    libelle: str
    records: list[Record] = field(repr=False)
    criteria: list[CriterionCoverage]
    score: Figure  # published applicable (record, criterion) pairs / applicable pairs

    @property
    def total(self) -> int:
        return len(self.records)

    def as_dict(self) -> dict:
        return {"slug": self.slug, "libelle": self.libelle, "total": self.total,
                "score": self.score.as_dict(),
                "criteres": [c.as_dict() for c in self.criteria]}


def _pooled_score(records: list[Record]) -> Figure:
    scores = [record_score(r).score for r in records]
    return Figure(sum(s.n for s in scores), sum(s.N for s in scores))


def breakdown(records: list[Record], name: str) -> list[Group]:
    """Groups of records by one of ``BREAKDOWNS``: enumerations in catalogue order;
    administrations alphabetically by name, grouped by their id (the id of their page)."""
    key, _ = BREAKDOWNS[name]
    buckets: dict[str, list[Record]] = {}
    labels: dict[str, str] = {}
    for r in sorted(records, key=lambda r: r.id):
        value = str(r.get(key) or "inconnu")
        buckets.setdefault(value, []).append(r)
        labels.setdefault(value, r.administration_name if name == "administration"
                          else cat.choice_label(key, value))
    if name == "administration":
        groups = sorted(buckets, key=lambda g: (fold(labels[g]), g))
    else:
        order = list(cat.CHOICE_LABELS.get(key, {}))
        groups = sorted(buckets, key=lambda g: (g not in order,
                                                order.index(g) if g in order else 0, g))
    return [Group(g, labels[g], buckets[g], criteria_coverage(buckets[g]),
                  _pooled_score(buckets[g])) for g in groups]


def ranking(groups: list[Group]) -> list[Group]:
    """Groups from the most to the least transparent (pooled score), then the larger first,
    then by name; groups without any applicable criterion last."""
    return sorted(groups, key=lambda g: (g.score.decimal is None, -(g.score.decimal or 0),
                                         -g.score.N, fold(g.libelle), g.slug))


@dataclass
class Coverage:
    """Everything the coverage page, API, CSV and command show."""

    total: int
    criteria: list[CriterionCoverage]
    groups: dict[str, list[Group]]
    scores: list[RecordScore]
    requests: dict[str, int]  # records with at least one pending / open access request
    date: date

    def as_dict(self) -> dict:
        out = {"total": self.total, "criteres": [c.as_dict() for c in self.criteria]}
        for name, groups in self.groups.items():
            out[f"par_{name}"] = [g.as_dict() for g in groups]
        out["fiches"] = [s.as_dict() for s in self.scores]
        out.update(self.requests)
        out["date"] = self.date.isoformat()
        return out


def compute(records: Iterable[Record], today: date | None = None) -> Coverage:
    records = list(records)
    return Coverage(len(records), criteria_coverage(records),
                    {name: breakdown(records, name) for name in BREAKDOWNS},
                    record_scores(records),
                    request_counts(records), today or date.today())


def headline(records: Iterable[Record]) -> dict:
    """Headline figures for the home page: per criterion, the n / N (x,y %) figures."""
    records = list(records)
    criteres = {}
    for c in criteria_coverage(records):
        criteres[c.criterion.key] = {"libelle": c.criterion.label, **c.tous.as_dict(),
                                     "applicables": c.applicables.as_dict(),
                                     "partiel": c.etats["partiel"], "obtenu": c.etats["obtenu"]}
    return {"total": len(records), "criteres": criteres,
            **request_counts(records)}


def applicability_text(criterion: cat.Criterion) -> str:
    if criterion.crpa_individual:
        return ("fiches dont l'algorithme fonde des décisions individuelles "
                "(« décision individuelle : oui »), hors « sans objet »")
    return "toutes les fiches, hors « sans objet »"


def method() -> list[dict]:
    """The method of each criterion, from the catalogue."""
    return [{"id": c.key, "libelle": c.label, "article": c.article,
             "publie_signifie": c.published_means, "applicables": applicability_text(c)}
            for c in cat.CRITERIA]


# --- CSV ---------------------------------------------------------------------------

CSV_TABLES = ("criteres", "fiches", *BREAKDOWNS)


def _figure_cells(prefix: str, f: Figure) -> dict:
    return {f"{prefix}_n": f.n, f"{prefix}_N": f.N, f"{prefix}_pourcentage": f.pourcentage,
            f"{prefix}_valeur": "" if f.valeur is None else f.valeur}


def _criterion_row(c: CriterionCoverage) -> dict:
    return {"critere": c.criterion.key, "libelle": c.criterion.label,
            **{f"etat_{e}": c.etats[e] for e in cat.ETATS},
            **_figure_cells("tous", c.tous), **_figure_cells("applicables", c.applicables)}


def csv_rows(cov: Coverage, table: str = "criteres") -> list[dict]:
    """Rows of one table: ``criteres``, ``fiches`` or a breakdown name."""
    if table == "criteres":
        return [_criterion_row(c) for c in cov.criteria]
    if table == "fiches":
        return [{"id": s.id, "nom": s.nom, "administration": s.administration,
                 **_figure_cells("score", s.score), "partiels": s.partiels,
                 "obtenus": s.obtenus, "demandes_en_attente": s.demandes_en_attente,
                 "demandes_ouvertes": s.demandes_ouvertes}
                for s in cov.scores]
    if table in cov.groups:
        return [{"groupe": g.slug, "libelle_groupe": g.libelle, "fiches": g.total,
                 **_criterion_row(c)} for g in cov.groups[table] for c in g.criteria]
    raise ValueError(f"tableau inconnu « {table} » : choisir parmi {', '.join(CSV_TABLES)}")


def to_csv(cov: Coverage, table: str = "criteres") -> str:
    return rows_to_csv(csv_rows(cov, table))


def rows_to_csv(rows: list[dict]) -> str:
    """Every cell escaped against formula injection (registry.spreadsheet)."""
    from registry.spreadsheet import write_csv

    return write_csv(rows, list(rows[0])) if rows else ""
