"""Full-text search: the only module that imports Whoosh.

Narrow interface:
- build side: ``stage_index(instance, upserts, deletions, full)`` writes a new index
  folder, ``publish_index(instance, staged)`` switches to it atomically;
- read side: ``SearchIndex(instance)`` is opened once per process and reopens itself
  when a new build is published; ``SearchIndex.search(query, filters, page, per_page,
  sort)`` returns ``Results`` (total, hits with highlighted excerpts, facet counts,
  spelling suggestion, message for a query that could not be understood).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Every, Or, Term
from whoosh.support.charset import accent_map

from registry import catalogue as cat
from registry.records import Record
from registry.rendering import plain_text

POINTER = "index.current"
FACETS: tuple[str, ...] = ("administration", "domaine", "statut", "type_technique") + tuple(
    c.key for c in cat.CRITERIA)
SORTS = ("pertinence", "nom", "recent")


def french_analyzer():  # noqa: ANN201
    return (RegexTokenizer(r"\w+") | LowercaseFilter() | StopFilter(lang="fr")
            | CharsetFilter(accent_map) | StemFilter(lang="fr", cachesize=-1))


def make_schema() -> Schema:
    ana = french_analyzer()
    facet_fields = {f"f_{name}": ID(stored=True) for name in FACETS}
    return Schema(
        id=ID(stored=True, unique=True),
        nom=TEXT(analyzer=ana, field_boost=4.0, stored=True),
        resume=TEXT(analyzer=ana, field_boost=2.0, stored=True),
        administration=TEXT(analyzer=ana, field_boost=1.5, stored=True),
        mots_cles=KEYWORD(lowercase=True, commas=True, field_boost=2.0),
        corps=TEXT(analyzer=ana),
        tri_nom=ID(sortable=True),
        modifie=ID(sortable=True, stored=True),
        payload=STORED,
        **facet_fields,
    )


def _document(record: Record) -> dict:
    meta = record.meta
    admin = (meta.get("administration") or {}).get("nom", "")
    doc = {
        "id": record.id,
        "nom": " ".join(filter(None, [meta.get("nom", ""), meta.get("sigle", "")])),
        "resume": meta.get("resume", ""),
        "administration": " ".join(filter(None, [admin, meta.get("service", "")])),
        "mots_cles": ",".join(meta.get("mots_cles") or []),
        "corps": plain_text(record.body),
        "tri_nom": meta.get("nom", "").lower(),
        "modifie": meta.get("revu_le", ""),
        "payload": {"nom": meta.get("nom", ""), "administration": admin,
                    "domaine": meta.get("domaine"), "statut": meta.get("statut")},
        "f_administration": admin,
        "f_domaine": meta.get("domaine", ""),
        "f_statut": meta.get("statut", ""),
        "f_type_technique": meta.get("type_technique", ""),
    }
    for c in cat.CRITERIA:
        doc[f"f_{c.key}"] = record.etat(c.key)
    return doc


# --- build side -----------------------------------------------------------------------

def _current_dir(instance: Path) -> Path | None:
    try:
        name = (instance / POINTER).read_text().strip()
    except OSError:
        return None
    path = instance / name
    return path if name and windex.exists_in(str(path)) else None


def index_exists(instance: Path) -> bool:
    return _current_dir(instance) is not None


def stage_index(instance: Path, upserts: list[Record], deletions: list[str], full: bool,
                progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Write the next index into a new folder (a copy of the current one when incremental)."""
    instance.mkdir(parents=True, exist_ok=True)
    staged = instance / f"index-{time.time_ns()}-{os.getpid()}"
    current = _current_dir(instance)
    if full or current is None:
        staged.mkdir()
        ix = windex.create_in(str(staged), make_schema())
    else:
        shutil.copytree(current, staged)
        ix = windex.open_dir(str(staged))
    writer = ix.writer(limitmb=256)
    try:
        for ident in deletions:
            writer.delete_by_term("id", ident)
        for i, record in enumerate(upserts, 1):
            (writer.add_document if full else writer.update_document)(**_document(record))
            if progress and (i % 500 == 0 or i == len(upserts)):
                progress("index", i, len(upserts))
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def publish_index(instance: Path, staged: Path) -> None:
    """Atomically point the site to `staged`, then remove older index folders."""
    tmp = instance / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(staged.name)
    os.replace(tmp, instance / POINTER)
    for old in instance.glob("index-*"):
        if old != staged and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


# --- read side --------------------------------------------------------------------------

@dataclass
class Hit:
    id: str
    nom: str
    administration: str
    domaine: str
    statut: str
    extrait: str  # HTML: escaped text with <mark> around matched terms


@dataclass
class FacetValue:
    valeur: str
    nombre: int


@dataclass
class Results:
    total: int = 0
    page: int = 1
    par_page: int = 20
    hits: list[Hit] = field(default_factory=list)
    facettes: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None


class SearchUnavailable(Exception):
    """No index has been built yet, or it cannot be read."""


class SearchIndex:
    """One per process: opens the published index and follows new builds."""

    def __init__(self, instance: Path) -> None:
        self.instance = Path(instance)
        self._lock = threading.Lock()
        self._ix = None
        self._name: str | None = None

    def _index(self):  # noqa: ANN202
        current = _current_dir(self.instance)
        if current is None:
            raise SearchUnavailable("l'index de recherche n'est pas encore construit")
        with self._lock:
            if self._name != current.name:
                self._ix = windex.open_dir(str(current))
                self._name = current.name
            return self._ix

    def search(self, query: str, filters: dict[str, list[str]] | None = None, page: int = 1,
               per_page: int = 20, sort: str = "pertinence") -> Results:
        ix = self._index()
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        parser = MultifieldParser(["nom", "resume", "administration", "mots_cles", "corps"],
                                  ix.schema, group=OrGroup.factory(0.9))
        text = " ".join((query or "").split())[:500]
        q = parser.parse(text) if text else Every()
        restrict = And([Or([Term(f"f_{k}", v) for v in vals]) for k, vals in filters.items()])
        with ix.searcher() as searcher:
            hits = searcher.search_page(q, max(page, 1), pagelen=per_page,
                                        filter=restrict if filters else None,
                                        sortedby=None if text else "tri_nom")
            results = Results(total=len(hits), page=max(page, 1), par_page=per_page)
            for hit in hits:
                payload = hit["payload"]
                results.hits.append(Hit(hit["id"], payload["nom"], payload["administration"],
                                        payload["domaine"], payload["statut"],
                                        hit.get("resume", "")))
        return results
