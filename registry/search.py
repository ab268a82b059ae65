"""Full-text search: the only module that imports Whoosh.

Narrow interface:
- build side: ``stage_index(instance, entries, deletions, full)`` writes a new index
  folder, ``publish_index(instance, staged)`` switches to it atomically;
- read side: ``SearchIndex(instance)`` is opened once per process, keeps a pool of
  searchers and follows new builds; ``SearchIndex.search(query, filters, page,
  per_page, sort)`` returns ``Results`` (total, hits with highlighted excerpts, facet
  counts, spelling suggestion, French message when the query had to be adapted).

Text is analysed the French way: words keep their inner apostrophes, elisions
(l', d', qu'…) are removed, accents folded, stop words dropped, then stemmed.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter, get_text
from whoosh.lang import stopwords_for_language
from whoosh.query import And, AndNot, Every, Or, Prefix, Term
from whoosh.sorting import FieldFacet, MultiFacet
from whoosh.support.charset import accent_map

from registry import catalogue as cat
from registry.records import Record
from registry.search_query import Compiler, Suggester, synonym_table
from registry.text import fold

POINTER = "index.current"
FACETS: tuple[str, ...] = ("administration", "domaine", "statut", "type_technique") + tuple(
    c.key for c in cat.CRITERIA)
SORTS = ("pertinence", "nom", "recent")
# Query-time boosts: nom > mots-clés/résumé > administration > corps.
FIELD_BOOSTS = {"nom": 6.0, "mots_cles": 3.0, "resume": 3.0, "administration": 2.0, "corps": 1.0}
SPELLING_FIELD = "mots"
ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'")
# Whoosh's French list misses a few very common words (« les », « cette »…).
STOPWORDS = frozenset(fold(w) for w in stopwords_for_language("fr")) | {
    "les", "cet", "cette", "dont", "ceux", "celle", "celles", "celui", "cela", "ca", "ni"}


class ElisionFilter(Filter):
    """Removes French elided articles and pronouns: « l'algorithme » → « algorithme »."""

    def __call__(self, tokens):  # noqa: ANN001, ANN204
        for t in tokens:
            text = t.text.replace("’", "'")
            match = ELISION.match(text)
            if match:
                text = text[match.end():]
                if getattr(t, "chars", False):
                    t.startchar += match.end()
            t.text = text
            yield t


def plain_analyzer():  # noqa: ANN201
    """Words as typed, lowercase, without elisions, accents or stop words (no stemming)."""
    return (RegexTokenizer(r"\w+(?:['’]\w+)*") | LowercaseFilter() | ElisionFilter()
            | CharsetFilter(accent_map) | StopFilter(stoplist=STOPWORDS, minsize=2))


def french_analyzer():  # noqa: ANN201
    return plain_analyzer() | StemFilter(lang="fr", cachesize=-1)


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
        mots=TEXT(analyzer=plain_analyzer(), phrase=False),
        tri_nom=ID(sortable=True),
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


def _document(entry: Entry) -> dict:
    meta = entry.record.meta
    admin = (meta.get("administration") or {}).get("nom", "")
    nom = " ".join(filter(None, [meta.get("nom", ""), meta.get("sigle", "")]))
    keywords = " ; ".join(meta.get("mots_cles") or [])
    administration = " ".join(filter(None, [admin, meta.get("service", "")]))
    doc = {
        "id": entry.record.id, "nom": nom, "resume": meta.get("resume", ""),
        "administration": administration, "mots_cles": keywords, "corps": entry.text,
        "mots": " ".join([nom, meta.get("resume", ""), administration, keywords]),
        "tri_nom": fold(meta.get("nom", "")),
        "modifie": entry.modified or str(meta.get("revu_le") or ""),
        "payload": {"nom": meta.get("nom", ""), "administration": admin,
                    "domaine": meta.get("domaine", ""), "statut": meta.get("statut", "")},
        "f_administration": admin, "f_domaine": meta.get("domaine", ""),
        "f_statut": meta.get("statut", ""), "f_type_technique": meta.get("type_technique", ""),
    }
    for c in cat.CRITERIA:
        doc[f"f_{c.key}"] = entry.record.etat(c.key)
    return doc


# --- build side -----------------------------------------------------------------------

def current_name(instance: Path) -> str | None:
    """Name of the published index folder, or None."""
    try:
        name = (Path(instance) / POINTER).read_text().strip()
    except OSError:
        return None
    return name if name and windex.exists_in(str(Path(instance) / name)) else None


def index_exists(instance: Path) -> bool:
    return current_name(instance) is not None


def stage_index(instance: Path, entries: list[Entry], deletions: list[str], full: bool,
                progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Write the next index into a new folder; incremental builds start from hard links
    to the current one (Whoosh never rewrites a segment file, it only adds new ones)."""
    instance.mkdir(parents=True, exist_ok=True)
    staged = instance / f"index-{time.time_ns()}-{os.getpid()}"
    current = current_name(instance)
    if full or current is None:
        staged.mkdir()
        ix = windex.create_in(str(staged), make_schema())
    else:
        shutil.copytree(instance / current, staged, copy_function=_link_or_copy,
                        ignore=shutil.ignore_patterns("*LOCK*"))
        ix = windex.open_dir(str(staged))
    writer = ix.writer(limitmb=256)
    try:
        for ident in deletions:
            writer.delete_by_term("id", ident)
        add = writer.add_document if full or current is None else writer.update_document
        for i, entry in enumerate(entries, 1):
            add(**_document(entry))
            if progress and (i % 200 == 0 or i == len(entries)):
                progress("index", i, len(entries))
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def discard_index(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


def publish_index(instance: Path, staged: Path) -> None:
    """Atomically point readers to `staged`. The previous folder is kept (a reader may be
    opening it right now); older ones and leftovers of interrupted builds are removed."""
    previous = current_name(instance)
    tmp = instance / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(staged.name)
    os.replace(tmp, instance / POINTER)
    for old in instance.glob("index-*"):
        if old.name not in (staged.name, previous) and old.is_dir():
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


class MarkFormatter(HtmlFormatter):
    """Escaped text with <mark> around matched words."""

    def format_token(self, text, token, replace=False):  # noqa: ANN001, ANN201
        return f"<mark>{self._text(get_text(text, token, replace))}</mark>"


class _Generation:
    """One published index folder: the opened index, idle searchers, facet bitmaps."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.ix = windex.open_dir(str(path))
        self.idle: list = []
        self.retired = False
        self.live = 0
        self._bitmaps: dict[str, dict[str, int]] | None = None
        self._terms: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def bitmaps(self, searcher) -> dict[str, dict[str, int]]:  # noqa: ANN001
        """facet -> value -> bitmap of docnums (an int), computed once per generation."""
        with self._lock:
            if self._bitmaps is None:
                reader = searcher.reader()
                self.live = to_bitmap(reader.all_doc_ids())
                self._bitmaps = {
                    name: {value: to_bitmap(searcher.docs_for_query(Term(f"f_{name}", value)))
                           for value in reader.field_terms(f"f_{name}") if value}
                    for name in FACETS}
            return self._bitmaps

    def matching(self, searcher, q) -> int:  # noqa: ANN001
        """Bitmap of the documents matching `q`: Term, Prefix, And, Or, AndNot trees are
        evaluated on cached per-term bitmaps (much faster than iterating Whoosh matchers);
        anything else (phrases) is asked to Whoosh."""
        if isinstance(q, Term):
            key = (q.fieldname, q.text)
            found = self._terms.get(key)
            if found is None:
                if len(self._terms) > 20_000:
                    self._terms = {}
                found = self._terms[key] = to_bitmap(searcher.docs_for_query(q))
            return found
        if isinstance(q, Prefix):
            found = 0
            for text in searcher.reader().expand_prefix(q.fieldname, q.text):
                found |= self.matching(searcher, Term(q.fieldname, text))
            return found
        if isinstance(q, Or):
            found = 0
            for sub in q.subqueries:
                found |= self.matching(searcher, sub)
            return found
        if isinstance(q, And):
            found = -1
            for sub in q.subqueries:
                found &= self.matching(searcher, sub)
            return found if found != -1 else 0
        if isinstance(q, AndNot):
            return self.matching(searcher, q.a) & ~self.matching(searcher, q.b)
        return to_bitmap(searcher.docs_for_query(q))

    def close(self) -> None:
        self.retired = True
        while self.idle:
            self.idle.pop().close()


def to_bitmap(docnums: Iterator[int]) -> int:
    bits = bytearray()
    for d in docnums:
        byte = d >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1))
        bits[byte] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


class SearchIndex:
    """One per process: opens the published index once, lends searchers from a pool and
    switches to a new build as soon as its pointer is published."""

    def __init__(self, instance: Path) -> None:
        self.instance = Path(instance)
        self._lock = threading.Lock()
        self._gen: _Generation | None = None

    def _generation(self) -> _Generation:
        name = current_name(self.instance)
        if name is None:
            raise SearchUnavailable("l'index de recherche n'est pas encore construit")
        with self._lock:
            if self._gen is None or self._gen.name != name:
                try:
                    fresh = _Generation(self.instance / name)
                except (OSError, windex.EmptyIndexError) as exc:
                    raise SearchUnavailable("l'index de recherche est illisible") from exc
                if self._gen is not None:
                    self._gen.close()
                self._gen = fresh
            return self._gen

    @contextmanager
    def searcher(self):  # noqa: ANN201
        """A searcher of the current build, returned to the pool afterwards."""
        gen = self._generation()
        with self._lock:
            s = gen.idle.pop() if gen.idle else None
        if s is None:
            s = gen.ix.searcher()
        try:
            yield gen, s
        finally:
            with self._lock:
                if gen.retired:
                    s.close()
                else:
                    gen.idle.append(s)

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.close()
                self._gen = None

    def search(self, query: str | None, filters: dict[str, list[str]] | None = None,
               page: int = 1, per_page: int = 20, sort: str = "pertinence") -> Results:
        page, per_page = max(int(page), 1), min(max(int(per_page), 1), 100)
        sort = sort if sort in SORTS else "pertinence"
        filters = {k: [str(v)[:300] for v in vals if v][:20]
                   for k, vals in (filters or {}).items() if k in FACETS}
        filters = {k: v for k, v in filters.items() if v}
        with self.searcher() as (gen, s):
            compiler = Compiler(french_analyzer(), FIELD_BOOSTS, synonym_table(french_analyzer))
            compiled = compiler.compile(query, s.reader())
            bitmaps = gen.bitmaps(s)
            allowed = _filter_bitmap(bitmaps, filters, gen.live)
            matched = allowed if compiled.query is None else \
                gen.matching(s, compiled.query) & allowed
            if not matched and compiled.fallback is not None:
                loose = gen.matching(s, compiled.fallback) & allowed
                if loose:
                    compiled.use_fallback()
                    matched = loose
            results = Results(total=matched.bit_count(), page=page, par_page=per_page,
                              message=compiled.message)
            results.facettes = {
                name: sorted((FacetValue(v, (bm & matched).bit_count())
                              for v, bm in values.items() if bm & matched),
                             key=lambda f: (-f.nombre, f.valeur))
                for name, values in bitmaps.items()}
            if compiled.unknown:
                results.suggestion = Suggester(s.reader(), SPELLING_FIELD).suggest(compiled)
            if results.total > (page - 1) * per_page:
                results.hits = _page(s, compiled, filters, page, per_page, sort)
        return results


def _filter_bitmap(bitmaps: dict[str, dict[str, int]], filters: dict[str, list[str]],
                   live: int) -> int:
    allowed = live
    for name, values in filters.items():
        union = 0
        for value in values:
            union |= bitmaps[name].get(value, 0)
        allowed &= union
    return allowed


def _page(s, compiled, filters: dict[str, list[str]], page: int, per_page: int,  # noqa: ANN001
          sort: str) -> list[Hit]:
    query = compiled.query if compiled.query is not None else Every()
    sortedby = None
    if sort == "nom" or (sort == "pertinence" and compiled.query is None):
        sortedby = FieldFacet("tri_nom")
    elif sort == "recent":
        sortedby = MultiFacet([FieldFacet("modifie", reverse=True), FieldFacet("tri_nom")])
    restrict = And([Or([Term(f"f_{name}", v) for v in values])
                    for name, values in filters.items()]) if filters else None
    found = s.search(query, limit=page * per_page, filter=restrict, sortedby=sortedby)
    found.fragmenter = ContextFragmenter(maxchars=300, surround=90, charlimit=1_500)
    found.formatter = MarkFormatter(between=" … ")
    hits = []
    for hit in list(found)[(page - 1) * per_page:]:
        payload = hit["payload"]
        hits.append(Hit(hit["id"], payload["nom"], payload["administration"],
                        payload["domaine"], payload["statut"], _excerpt(hit)))
    return hits


def _excerpt(hit) -> str:  # noqa: ANN001
    for name in ("resume", "corps"):
        try:
            text = hit.highlights(name, top=2)
        except (KeyError, ValueError):
            text = ""
        if text:
            return text
    resume = hit.get("resume", "")
    return escape(resume if len(resume) <= 300 else resume[:300].rsplit(" ", 1)[0] + " …")
