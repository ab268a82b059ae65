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

import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape, unescape
from math import log1p
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.query import Term
from whoosh.support.charset import accent_map

from registry.records import catalogue as cat
from registry.records.model import Record
from registry.search import indexer as search_writer
from registry.search.analysis import Compiler, Suggester, synonym_table
from registry.search.matching import Selection, select
from registry.search.scoring import Engine, to_bitmap
from registry.text import fold

log = logging.getLogger(__name__)
POINTER = "index.current"
FACETS: tuple[str, ...] = cat.FACETS + tuple(c.key for c in cat.CRITERIA)
SORTS = ("pertinence", "nom", "recent")
# Query-time boosts: nom > mots-clés/résumé > administration > corps > détails.
FIELD_BOOSTS = {**cat.SEARCH_BOOSTS, "corps": 1.0, "details": 0.6}
WORDS_ONLY = frozenset({"details"})  # fields without positions: no phrase searches
SPELLING_FIELD = "mots"
WORD_PATTERN = r"\w+(?:['’]\w+)*"
_WORD = re.compile(WORD_PATTERN)
ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'")
# Whoosh's French list misses a few very common words (« les », « cette »…) and the
# question words people type (« pourquoi la caf me contrôle »).
STOPWORDS = frozenset(fold(w) for w in stopwords_for_language("fr")) | {
    "les", "cet", "cette", "dont", "ceux", "celle", "celles", "celui", "cela", "ca", "ni",
    "leurs", "pourquoi", "comment", "combien", "quoi", "quel", "quelle", "quels", "quelles",
    "quand", "lequel", "laquelle", "lesquels", "lesquelles"}

_stem_fr = stemmer_for_language("fr")


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
    return FrenchAnalyzer(stem=False)


def french_analyzer():  # noqa: ANN201
    return FrenchAnalyzer(stem=True)


def pipeline_analyzer(stem: bool = True):  # noqa: ANN201
    """The same analysis as a chain of Whoosh filters (the reference FrenchAnalyzer is
    tested against; slower: one Python generator per filter and per token)."""
    chain = (RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | ElisionFilter()
             | CharsetFilter(accent_map) | StopFilter(stoplist=STOPWORDS, minsize=2))
    return chain | StemFilter(lang="fr", cachesize=-1) if stem else chain


class FrenchAnalyzer(Analyzer):
    """Tokenise, lowercase, remove elisions, fold accents, drop stop words and (if `stem`)
    stem, in one pass with a cache per distinct word: the same tokens, positions and
    offsets as `pipeline_analyzer`, several times faster (indexing and highlighting)."""

    is_morph = False

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem
        self._cache: dict[str, tuple[str, int, bool]] = {}
        self._plain: dict[str, tuple[str, int, bool]] = {}

    def __getstate__(self) -> dict:
        return {"stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["stem"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrenchAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((FrenchAnalyzer, self.stem))

    def _analyse(self, word: str, stem: bool) -> tuple[str, int, bool]:
        """(final text, characters of elision skipped, is a stop word)."""
        text = word.lower().replace("’", "'")
        match = ELISION.match(text)
        skip = match.end() if match else 0
        text = text[skip:].translate(accent_map)
        if len(text) < 2 or text in STOPWORDS:
            return text, skip, True
        return (_stem_fr(text) if stem else text), skip, False

    def __call__(self, value: str, positions: bool = False, chars: bool = False,  # noqa: C901, PLR0913
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 no_morph: bool = False, **kwargs: object) -> Iterator[Token]:
        stem = self.stem and not no_morph
        cache = self._cache if stem else self._plain
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _WORD.finditer(value) if tokenize else [_Whole(value)]
        pos = None
        for i, match in enumerate(matches):
            word = match.group(0)
            entry = cache.get(word)
            if entry is None:
                entry = cache[word] = self._analyse(word, stem)
            text, skip, stopped = entry
            if stopped and removestops:
                continue
            t.text, t.stopped, t.boost = text, stopped, 1.0
            if keeporiginal or not tokenize:
                t.original = word
            if positions:
                if stopped:
                    t.pos = start_pos + i
                else:
                    pos = start_pos + i if pos is None else pos + 1
                    t.pos = pos
            if chars:
                t.startchar = start_char + match.start() + skip
                t.endchar = start_char + match.end()
            yield t


class _Whole:
    """A regex-match look-alike for the whole value (``tokenize=False``)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self, _: int) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


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


def _document(entry: Entry) -> dict:
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


# --- build side -----------------------------------------------------------------------

def current_name(instance: Path) -> str | None:
    """Name of the published index folder, or None (none published, or unreadable)."""
    try:
        name = (Path(instance) / POINTER).read_text().strip()
    except OSError:
        return None
    try:
        return name if name and windex.exists_in(str(Path(instance) / name)) else None
    except Exception:  # a damaged table of contents fails in many ways  # noqa: BLE001
        return None


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
    writer = search_writer.writer(ix, len(entries))
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
        search_writer.cancel(writer)
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

    @property
    def extrait_texte(self) -> str:
        return plain_excerpt(self.extrait)[0]

    @property
    def surlignages(self) -> list[tuple[int, int]]:
        """(start, end) of each matched word in ``extrait_texte`` (code points, end excluded)."""
        return plain_excerpt(self.extrait)[1]


_MARK_SPLIT = re.compile(r"(</?mark>)")


def plain_excerpt(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """An excerpt of ``mark`` as plain text, and the spans of its marked words in that text."""
    text, spans, start = [], [], None
    length = 0
    for piece in _MARK_SPLIT.split(marked):
        if piece == "<mark>":
            start = length
        elif piece == "</mark>":
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif piece:
            plain = unescape(piece)
            text.append(plain)
            length += len(plain)
    return "".join(text), spans


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


UNREADABLE = ("l'index de recherche est illisible ; la prochaine construction du site "
              "le réparera")


class SearchUnavailable(Exception):
    """No index has been built yet, or it cannot be read."""


EXCERPT_CHARS = 1_500
_ANALYZERS: list = []


def _highlight_analyzer():  # noqa: ANN202
    if not _ANALYZERS:
        _ANALYZERS.append(french_analyzer())
    return _ANALYZERS[0]


class _Generation:
    """One published index folder: the opened index, idle searchers, per-build caches."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.ix = windex.open_dir(str(path))
        self.idle: list = []
        self.retired = False
        self._engine: Engine | None = None
        self._bitmaps: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def engine(self, searcher) -> Engine:  # noqa: ANN001
        """The build's caches; facet bitmaps (facet -> value -> docnums) computed once."""
        with self._lock:
            if self._engine is None:
                reader = searcher.reader()
                engine = Engine(reader, to_bitmap(reader.all_doc_ids()))
                self._bitmaps = {
                    name: {value: engine.matching(searcher, Term(f"f_{name}", value))
                           for value in reader.field_terms(f"f_{name}") if value}
                    for name in FACETS}
                self._engine = engine
            return self._engine

    def bitmaps(self, searcher) -> dict[str, dict[str, int]]:  # noqa: ANN001
        self.engine(searcher)
        return self._bitmaps

    def close(self) -> None:
        self.retired = True
        while self.idle:
            self.idle.pop().close()


class SearchIndex:
    """One per process: opens the published index once, lends searchers from a pool and
    switches to a new build as soon as its pointer is published."""

    def __init__(self, instance: Path) -> None:
        self.instance = Path(instance)
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._pointer: tuple[int, int] | None = None

    def _generation(self) -> _Generation:
        try:  # the pointer is replaced (new inode) at each publication: stat is enough
            st = (self.instance / POINTER).stat()
            pointer = (st.st_ino, st.st_mtime_ns)
        except OSError:
            pointer = None
        gen = self._gen
        if gen is not None and pointer is not None and pointer == self._pointer:
            return gen
        name = current_name(self.instance)
        if name is None:
            raise SearchUnavailable(UNREADABLE if pointer else
                                    "l'index de recherche n'est pas encore construit")
        with self._lock:
            if self._gen is None or self._gen.name != name:
                try:
                    fresh = _Generation(self.instance / name)
                except Exception as exc:  # damaged files fail in many ways (struct, pickle…)
                    log.error("search index %s unreadable: %r", name, exc)
                    raise SearchUnavailable(UNREADABLE) from exc
                if self._gen is not None:
                    self._gen.close()
                self._gen = fresh
            self._pointer = pointer
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
        """Raises SearchUnavailable when the index is missing or damaged: a damaged one is
        dropped (the next request reopens it) until a build publishes a sound one."""
        try:
            return self._search(query, filters, page, per_page, sort)
        except SearchUnavailable:
            raise
        except Exception as exc:
            log.exception("search failed; dropping the opened index")
            self.close()
            self._pointer = None
            raise SearchUnavailable(UNREADABLE) from exc

    def _search(self, query: str | None, filters: dict[str, list[str]] | None,
                page: int, per_page: int, sort: str) -> Results:
        page, per_page = max(int(page), 1), min(max(int(per_page), 1), 100)
        sort = sort if sort in SORTS else "pertinence"
        filters = {k: [str(v)[:300] for v in vals if v][:20]
                   for k, vals in (filters or {}).items() if k in FACETS}
        filters = {k: v for k, v in filters.items() if v}
        with self.searcher() as (gen, s):
            engine, bitmaps = gen.engine(s), gen.bitmaps(s)
            compiled = _compiler().compile(query, s.reader())
            allowed = _filter_bitmap(bitmaps, filters, engine.live)
            chosen = select(engine, s, compiled, allowed)
            matched = chosen.matched
            results = Results(total=matched.bit_count(), page=page, par_page=per_page,
                              message=" ".join(filter(None, [compiled.message, chosen.message]))
                              or None)
            results.facettes = _facet_counts(bitmaps, matched)
            if compiled.unknown:
                results.suggestion = Suggester(s.reader(), SPELLING_FIELD,
                                               engine.vocabulary(s.reader(), SPELLING_FIELD)
                                               ).suggest(compiled)
            if results.total > (page - 1) * per_page:
                results.hits = _page(s, engine, compiled.query, chosen, page, per_page, sort)
        return results


_COMPILER: list[Compiler] = []


def _compiler() -> Compiler:
    """One compiler per synonyms file version (its analyser caches stems)."""
    table = synonym_table(french_analyzer)
    if not _COMPILER or _COMPILER[0].synonyms is not table:
        _COMPILER[:] = [Compiler(french_analyzer(), FIELD_BOOSTS, table,
                                 words_only=WORDS_ONLY)]
    return _COMPILER[0]


def _filter_bitmap(bitmaps: dict[str, dict[str, int]], filters: dict[str, list[str]],
                   live: int) -> int:
    allowed = live
    for name, values in filters.items():
        union = 0
        for value in values:
            union |= bitmaps[name].get(value, 0)
        allowed &= union
    return allowed


def _facet_counts(bitmaps: dict[str, dict[str, int]], matched: int) -> dict[str,
                                                                            list[FacetValue]]:
    out = {}
    for name, values in bitmaps.items():
        counts = [FacetValue(v, n) for v, bm in values.items() if (n := (bm & matched).bit_count())]
        out[name] = sorted(counts, key=lambda f: (-f.nombre, f.valeur))
    return out


def _page(s, engine: Engine, query, chosen: Selection, page: int, per_page: int,  # noqa: ANN001
          sort: str) -> list[Hit]:
    reader, limit, matched = s.reader(), page * per_page, chosen.matched
    if sort == "recent":
        found = engine.sorted_by(reader, "recent", matched, limit)
    elif sort == "nom" or query is None:
        found = engine.sorted_by(reader, "nom", matched, limit)
    else:
        found = engine.top(s, query, matched, limit, chosen.coord)
    terms: dict[str, set[str]] = {}
    if query is not None:
        for fieldname, text, _ in engine.leaves(reader, query):
            terms.setdefault(fieldname, set()).add(text)
    hits = []
    for docnum in found[(page - 1) * per_page:]:
        stored = s.stored_fields(docnum)
        payload = stored["payload"]
        hits.append(Hit(stored["id"], payload["nom"], payload["administration"],
                        payload["domaine"], payload["statut"], _excerpt(stored, terms)))
    return hits


def _excerpt(stored: dict, terms: dict[str, set[str]]) -> str:
    """The best passages of the summary, else of the body's start, matched words marked."""
    for name in ("resume", "corps"):
        if terms.get(name) and stored.get(name):
            marked = mark(stored[name][:EXCERPT_CHARS], terms[name])
            if marked:
                return marked
    resume = stored.get("resume", "")
    return escape(resume if len(resume) <= 300 else resume[:300].rsplit(" ", 1)[0] + " …")


def mark(text: str, terms: set[str], fragments: int = 2, surround: int = 90,
         maxchars: int = 300) -> str:
    """Escaped passages of `text` around its words whose analysed form is in `terms`, each
    word in <mark>; "" if none. Passages are the first ones, joined by " … "."""
    spans: list[tuple[int, int]] = []
    limit = None
    for t in _highlight_analyzer()(text, chars=True, mode="query"):
        if limit is not None and t.startchar > limit:
            break
        if t.text in terms:
            spans.append((t.startchar, t.endchar))
            if limit is None:
                limit = t.startchar + fragments * maxchars
    out, i = [], 0
    while i < len(spans) and len(out) < fragments:
        start = _snap(text, spans[i][0] - surround, back=True)
        end, inside = spans[i][1], []
        while i < len(spans) and spans[i][1] - start <= maxchars:
            inside.append(spans[i])
            end = spans[i][1]
            i += 1
        if not inside:
            inside, end = [spans[i]], spans[i][1]
            i += 1
        end = _snap(text, end + surround, back=False)
        pieces, pos = [], start
        for a, b in inside:
            pieces += [escape(text[pos:a], quote=False), "<mark>",
                       escape(text[a:b], quote=False), "</mark>"]
            pos = b
        pieces.append(escape(text[pos:end], quote=False))
        out.append("".join(pieces).strip())
    return " … ".join(out)


def _snap(text: str, at: int, back: bool) -> int:
    """`at` moved to the nearest word boundary inside the text."""
    if at <= 0:
        return 0
    if at >= len(text):
        return len(text)
    cut = text.rfind(" ", 0, at) if back else text.find(" ", at)
    if cut == -1:
        return 0 if back else len(text)
    return cut
