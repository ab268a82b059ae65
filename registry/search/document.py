"""What the index holds of a record: the schema (one text field per searched part, one
``f_*`` term per facet), the query-time boosts read from the catalogue, the ranking prior
(``prominence``) and the document written for each record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import log1p

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from registry.records import catalogue as cat
from registry.records.model import Record
from registry.search.french import french_analyzer, plain_analyzer
from registry.text import fold

FACETS: tuple[str, ...] = cat.FACETS + tuple(c.key for c in cat.CRITERIA)
# Query-time boosts: nom > mots-clés/résumé > administration > corps > détails.
FIELD_BOOSTS = {**cat.SEARCH_BOOSTS, "corps": 1.0, "details": 0.6}
WORDS_ONLY = frozenset({"details"})  # fields without positions: no phrase searches
SPELLING_FIELD = "mots"
EXCERPT_CHARS = 1_500  # of the body, stored for excerpts


def make_schema() -> Schema:
    ana = french_analyzer()
    facet_fields = {f"f_{name}": ID() for name in FACETS}
    return Schema(
        id=ID(stored=True, unique=True),
        nom=TEXT(analyzer=ana, stored=True),
        resume=TEXT(analyzer=ana, stored=True),
        administration=TEXT(analyzer=ana),
        mots_cles=TEXT(analyzer=ana),
        corps=TEXT(analyzer=ana, stored=True),
        details=TEXT(analyzer=ana, phrase=False),  # long, low weight: single words only
        mots=TEXT(analyzer=plain_analyzer(), phrase=False),
        tri_nom=ID(sortable=True),
        priorite=NUMERIC(sortable=True, default=1000),  # prominence() in thousandths
        modifie=ID(sortable=True),
        payload=STORED,
        **facet_fields,
    )


@dataclass
class Entry:
    """What the index needs of one record: the record, its body as text, its last change."""

    record: Record
    text: str
    modified: str = ""


PRIOR_WEIGHT, PRIOR_CAP = 0.8, 30


def prominence(record: Record) -> float:
    """Ranking prior, between about 0.85 and 1.5: among records that match a query equally
    well, the system a person most likely means comes first. Three facts of the record
    stand for that: how much has been published about it (its number of sources, on a
    log scale capped at 30), whether it is in use (suspended or abandoned systems are
    lowered) and whether it takes individual decisions."""
    meta = record.meta
    sources = len(meta.get("sources") or [])
    p = 1 + PRIOR_WEIGHT * min(log1p(sources) / log1p(PRIOR_CAP), 1.0)
    if meta.get("statut") in ("suspendu", "abandonne"):
        p *= 0.85
    if meta.get("decision_individuelle") == "oui":
        p *= 1.1
    return round(p, 4)


def details_text(meta: dict, fields: tuple[cat.Field, ...] = cat.FIELDS,
                 top: bool = True) -> Iterator[str]:
    """The free text of the front matter not indexed in a field of its own (the public
    concerned, criteria, data, providers, legal texts, recourse, sources' titles and
    quotes…), read from the catalogue: every text field without a search boost, except
    the English translations (`*_en`) and the transparency notes."""
    for f in fields:
        value = meta.get(f.key) if isinstance(meta, dict) else None
        if value in (None, "") or f.key.endswith("_en") or (top and f.search_boost):
            continue
        if f.type == cat.TEXT and isinstance(value, str):
            yield value
        elif f.type == cat.TEXT_LIST and isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        elif f.type == cat.OBJECT and f.children:
            yield from details_text(value, f.children, top=False)
        elif f.type == cat.OBJECT_LIST and f.children and isinstance(value, list):
            for item in value:
                yield from details_text(item, f.children, top=False)


def document(entry: Entry) -> dict:
    """The fields written to the index for one record."""
    meta = entry.record.meta
    admin = entry.record.administration_name
    nom = " ".join(filter(None, [meta.get("nom", ""), meta.get("sigle", "")]))
    keywords = " ; ".join(meta.get("mots_cles") or [])
    administration = " ".join(filter(None, [admin, str(entry.record.admin.get("sigle") or ""),
                                            meta.get("service", "")]))
    doc = {
        "id": entry.record.id, "nom": nom, "resume": meta.get("resume", ""),
        "administration": administration, "mots_cles": keywords, "corps": entry.text,
        "details": " ; ".join(details_text(meta)),
        "_stored_corps": entry.text[:EXCERPT_CHARS],  # only excerpts are shown
        "mots": " ".join([nom, meta.get("resume", ""), administration, keywords]),
        "tri_nom": fold(meta.get("nom", "")),
        "priorite": round(prominence(entry.record) * 1000),
        "modifie": entry.modified or str(meta.get("revu_le") or ""),
        "payload": {"nom": meta.get("nom", ""), "administration": admin,
                    "domaine": meta.get("domaine", ""), "statut": meta.get("statut", "")},
        "f_administration": entry.record.administration_id, "f_domaine": meta.get("domaine", ""),
        "f_statut": meta.get("statut", ""), "f_type_technique": meta.get("type_technique", ""),
    }
    for c in cat.CRITERIA:
        doc[f"f_{c.key}"] = entry.record.etat(c.key)
    return doc

