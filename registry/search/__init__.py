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
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
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
from whoosh.support.charset import accent_map

from registry.records import catalogue as cat
from registry.records.model import Record
from registry.search import handover
from registry.search import indexer as search_writer
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


def plain_analyzer():  # noqa: ANN202
    """Words as typed, lowercase, without elisions, accents or stop words (no stemming)."""
    return FrenchAnalyzer(stem=False)


def french_analyzer():  # noqa: ANN201
    return FrenchAnalyzer(stem=True)


def pipeline_analyzer(stem: bool = True):  # noqa: ANN202
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
    handover.withdraw(staged.parent, staged)
    shutil.rmtree(staged, ignore_errors=True)


def announce_index(instance: Path, staged: Path, wait: float) -> None:
    """Before the database is committed: have every process serving `instance` warm
    `staged` (registry.search.handover), waiting at most `wait` seconds for them; this
    process's own indexes warm it now. `wait` 0: announce nothing."""
    from registry.search.serving import live_indexes

    for index in live_indexes(instance):
        try:
            index.prepare(staged)
        except Exception:  # noqa: BLE001 - it will be opened (and warmed) on first use
            log.exception("warming %s before publication failed", staged.name)
    if wait > 0:
        handover.announce(instance, staged)
        handover.wait_until_warm(instance, staged, wait)


def publish_index(instance: Path, staged: Path) -> None:
    """Atomically point readers to `staged`. The previous folder is kept (a reader may be
    opening it right now); older ones and leftovers of interrupted builds are removed."""
    previous = current_name(instance)
    tmp = instance / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(staged.name)
    os.replace(tmp, instance / POINTER)
    handover.withdraw(instance, staged)
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

# The read side (SearchIndex and what it serves) is registry/search/serving.py.
from registry.search.serving import SearchIndex, mark  # noqa: E402

__all__ = ["FACETS", "POINTER", "SORTS", "Entry", "FacetValue", "Hit", "Results", "SearchIndex",
           "SearchUnavailable", "announce_index", "current_name", "discard_index",
           "french_analyzer", "mark", "prominence", "publish_index", "stage_index"]
