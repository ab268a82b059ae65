"""The private engine of ``registry.search``: match sets, BM25F scores and sort orders
computed from Whoosh's postings and cached once per published build.

Whoosh's matchers score every matching document in pure Python, on every request
(a union of five boosted fields for each query word). Here the work that does not
depend on the request is done once per build and per term: a term's posting list
becomes a bitmap (a Python int, for totals and facet counts) and a dict
docnum → BM25F score (Whoosh's formula and parameters). A request then only sums the
cached scores of its terms over the documents that match, and keeps the best N.

Only ``registry.search`` imports this module.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator, Sequence
from math import log

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import And, AndNot, Every, Or, Phrase, Prefix, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from registry.search.analysis import AnyOf, Vocabulary

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
MAX_CACHED = 2_000_000  # cached (term, document) scores per build before the cache is emptied
TIE = 0.8  # the other alternatives of a word add this share of their score (dis_max tie breaker)
MAX_EXPANSIONS = 64  # words a prefix stands for, at most
_BITS = [tuple(j for j in range(8) if byte >> j & 1) for byte in range(256)]

Leaf = tuple[str, str, float]  # field, term, boost


def to_bitmap(docnums: Iterable[int]) -> int:
    bits = bytearray()
    for d in docnums:
        byte = d >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1))
        bits[byte] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def docnums(bitmap: int) -> list[int]:
    """The set bits of `bitmap`, in increasing order."""
    out: list[int] = []
    for i, byte in enumerate(bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")):
        if byte:
            base = i * 8
            out.extend(base + j for j in _BITS[byte])
    return out


def _blocks(reader: IndexReader, fieldname: str, text: str) -> Iterator[tuple[Sequence[int],
                                                                   Sequence[float], int]]:
    """(docnums, term frequencies, docnum offset) of the posting list, block by block, deleted
    documents included (callers intersect with live documents). Reads whole blocks of
    Whoosh's on-disk format: one Python step per block, not per posting."""
    for segment, offset in reader.leaf_readers():
        if (fieldname, text) not in segment:
            continue
        m = segment.postings(fieldname, text)
        while isinstance(m, WrappingMatcher):  # deletion filter: see the docstring
            m = m.child
        if isinstance(m, W3LeafMatcher):
            while m.is_active():
                m._read_ids()  # noqa: SLF001 -- block access, 20x faster than id()/next()
                m._read_weights()  # noqa: SLF001
                yield m._ids, m._weights, offset  # noqa: SLF001
                m._next_block()  # noqa: SLF001
        else:
            ids, weights = [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            yield ids, weights, offset


class Engine:
    """Per-build caches; safe to share between threads (each brings its own reader)."""

    def __init__(self, reader: IndexReader, live: int) -> None:
        self.live = live
        self.doc_count = reader.doc_count_all()
        self._scores: dict[tuple[str, str], dict[int, float]] = {}
        self._bitmaps: dict[object, int] = {}
        self._phrases: dict[str, frozenset[int]] = {}
        self._lengths: dict[str, list[int]] = {}
        self._norms: dict[str, list[float]] = {}
        self._ranks: dict[str, list[int]] = {}
        self._priors: list[float] | None = None
        self._expansions: dict[tuple[str, str, str], list[str]] = {}
        self._cached = 0
        self._vocabularies: dict[str, Vocabulary] = {}
        self._lock = threading.Lock()

    # --- per-term caches ---------------------------------------------------------------

    def field_lengths(self, reader: IndexReader, fieldname: str) -> list[int]:
        """Every document's length in the field (read once per build, segment by segment)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = []
            for segment, _offset in reader.leaf_readers():
                length = segment.doc_field_length
                lengths.extend(length(d, fieldname, 0) or 0
                               for d in range(segment.doc_count_all()))
            self._lengths[fieldname] = lengths
        return lengths

    def norms(self, reader: IndexReader, fieldname: str) -> list[float]:
        """Per document, BM25F's length normalisation K1 * ((1 - B) + B * length / average),
        exactly as Whoosh's bm25() computes it."""
        norms = self._norms.get(fieldname)
        if norms is None:
            avg = (reader.field_length(fieldname) / (self.doc_count or 1)) or 1
            norms = [K1 * ((1 - B) + B * (n or 1) / avg)
                     for n in self.field_lengths(reader, fieldname)]
            self._norms[fieldname] = norms
        return norms

    def scores(self, reader: IndexReader, fieldname: str, text: str) -> dict[int, float]:
        """docnum -> BM25F score of the term in the field (without query boost): Whoosh's
        bm25(idf, tf, length, average, B, K1), the normalisation precomputed per document."""
        key = (fieldname, text)
        found = self._scores.get(key)
        if found is not None:
            return found
        if self._cached > MAX_CACHED:
            self._scores, self._bitmaps, self._expansions, self._cached = {}, {}, {}, 0
            self._phrases = {}
        norms = self.norms(reader, fieldname)
        idf = log(self.doc_count / (reader.doc_frequency(fieldname, text) + 1)) + 1
        k1p = K1 + 1
        found = {}
        for ids, weights, offset in _blocks(reader, fieldname, text):
            if offset:
                found.update({d + offset: idf * ((w * k1p) / (w + norms[d + offset]))
                              for d, w in zip(ids, weights, strict=False)})
            else:
                found.update({d: idf * ((w * k1p) / (w + norms[d]))
                              for d, w in zip(ids, weights, strict=False)})
        self._scores[key] = found
        self._cached += len(found) + 1
        return found

    @property
    def cached(self) -> int:
        """(term, document) scores held (bounded by MAX_CACHED)."""
        return self._cached

    def matching(self, searcher: Searcher, q: Query) -> int:
        """Bitmap of the live documents matching `q`."""
        reader = searcher.reader()
        if isinstance(q, Term):
            key = (q.fieldname, q.text)
            found = self._bitmaps.get(key)
            if found is None:
                found = to_bitmap(self.scores(reader, q.fieldname, q.text)) & self.live
                self._bitmaps[key] = found
            return found
        if isinstance(q, Prefix):
            found = 0
            for text in self.expand(reader, q):
                found |= self.matching(searcher, Term(q.fieldname, text))
            return found
        if isinstance(q, Or):
            found = 0
            for sub in q.subqueries:
                found |= self.matching(searcher, sub)
            return found
        if isinstance(q, And):
            found = self.live
            for sub in q.subqueries:
                found &= self.matching(searcher, sub)
                if not found:
                    break
            return found
        if isinstance(q, AndNot):
            return self.matching(searcher, q.a) & ~self.matching(searcher, q.b)
        if isinstance(q, Every):
            return self.live
        key = repr(q)  # phrases: positions are Whoosh's business
        found = self._bitmaps.get(key)
        if found is None:
            found = self._bitmaps[key] = to_bitmap(searcher.docs_for_query(q)) & self.live
        return found

    def expand(self, reader: IndexReader, q: Prefix) -> list[str]:
        """The indexed words starting with the prefix (at most MAX_EXPANSIONS)."""
        key = ("*", q.fieldname, q.text)
        words = self._expansions.get(key)
        if words is None:
            words = []
            for text in reader.expand_prefix(q.fieldname, q.text):
                words.append(text.decode() if isinstance(text, bytes) else text)
                if len(words) >= MAX_EXPANSIONS:
                    break
            self._expansions[key] = words
            self._cached += len(words) + 1
        return words

    def vocabulary(self, reader: IndexReader, fieldname: str) -> Vocabulary:
        with self._lock:
            if fieldname not in self._vocabularies:
                self._vocabularies[fieldname] = Vocabulary(
                    w.decode() if isinstance(w, bytes) else w for w in reader.lexicon(fieldname))
            return self._vocabularies[fieldname]

    # --- scoring and sorting -------------------------------------------------------------

    def leaves(self, reader: IndexReader, q: Query, boost: float = 1.0) -> list[Leaf]:
        """The positive terms of `q` with their boosts (negated parts do not score)."""
        boost *= getattr(q, "boost", 1.0)
        if isinstance(q, Term):
            return [(q.fieldname, q.text, boost)]
        if isinstance(q, Prefix):
            return [(q.fieldname, t, boost) for t in self.expand(reader, q)]
        if isinstance(q, Phrase):
            return [(q.fieldname, w, boost) for w in q.words]
        if isinstance(q, AndNot):
            return self.leaves(reader, q.a, boost)
        if isinstance(q, And | Or):
            return [leaf for sub in q.subqueries for leaf in self.leaves(reader, sub, boost)]
        return []

    def top(self, searcher: Searcher, q: Query, matched: int, limit: int,
            coord: dict[int, int] | None = None) -> list[int]:
        """The `limit` best matching docnums: by tier (`coord`, the required words a record
        has, when the match was relaxed), then by score times the record's prior, then by
        name (documents' order in the index depends on how the build was split)."""
        reader = searcher.reader()
        acc = dict.fromkeys(docnums(matched), 0.0)
        self._add(searcher, q, 1.0, acc)
        rank, prior = self.rank(reader, "nom"), self.prior(reader)
        tier = coord.get if coord else (lambda _d: 0)
        best = heapq.nsmallest(limit, acc.items(),
                               key=lambda i: (-tier(i[0]), -i[1] * prior[i[0]], rank[i[0]]))
        return [d for d, _ in best]

    def _add(self, searcher: Searcher, q: Query, boost: float, acc: dict[int, float],
             within: dict[int, float] | None = None) -> None:
        """Add the BM25F score of `q` to `acc`, for the records of `within` (default: those
        of `acc`): terms and fields add up, alternatives (AnyOf) count their best one plus
        TIE of the others, a phrase counts only where it occurs, negations do not score."""
        within = acc if within is None else within
        boost *= getattr(q, "boost", 1.0)
        reader = searcher.reader()
        if isinstance(q, Term):
            self._add_term(reader, q.fieldname, q.text, boost, acc, within)
        elif isinstance(q, Prefix):
            for text in self.expand(reader, q):
                self._add_term(reader, q.fieldname, text, boost, acc, within)
        elif isinstance(q, Phrase):
            where = self._phrase_docs(searcher, q)
            inside = {d: 0.0 for d in within if d in where} if len(within) < len(where) \
                else {d: 0.0 for d in where if d in within}
            for word in q.words:
                self._add_term(reader, q.fieldname, word, boost, inside, inside)
            for d, s in inside.items():
                if s:
                    acc[d] = acc.get(d, 0.0) + s
        elif isinstance(q, AndNot):
            self._add(searcher, q.a, boost, acc, within)
        elif isinstance(q, AnyOf):
            best: dict[int, float] = {}
            total: dict[int, float] = {}
            for sub in q.subqueries:
                part: dict[int, float] = {}
                self._add(searcher, sub, boost, part, within)
                for d, s in part.items():
                    total[d] = total.get(d, 0.0) + s
                    if s > best.get(d, 0.0):
                        best[d] = s
            for d, s in best.items():
                acc[d] = acc.get(d, 0.0) + s + TIE * (total[d] - s)
        elif isinstance(q, And | Or):
            for sub in q.subqueries:
                self._add(searcher, sub, boost, acc, within)

    def _phrase_docs(self, searcher: Searcher, q: Phrase) -> frozenset[int]:
        key = repr(q)
        found = self._phrases.get(key)
        if found is None:
            found = self._phrases[key] = frozenset(docnums(self.matching(searcher, q)))
        return found

    def _add_term(self, reader: IndexReader, fieldname: str, text: str, boost: float,  # noqa: PLR0913
                  acc: dict[int, float], within: dict[int, float]) -> None:
        scores = self.scores(reader, fieldname, text)
        get = acc.get
        if len(scores) < len(within):
            for d, s in scores.items():
                if d in within:
                    acc[d] = get(d, 0.0) + s * boost
        else:
            score = scores.get
            for d in within:
                s = score(d)
                if s:
                    acc[d] = get(d, 0.0) + s * boost

    def prior(self, reader: IndexReader) -> list[float]:
        with self._lock:
            prior = self._priors
            if prior is None:
                if reader.has_column("priorite"):
                    prior = [(v or 1000) / 1000 for v in reader.column_reader("priorite")]
                else:
                    prior = [1.0] * self.doc_count
                self._priors = prior
            return prior

    def sorted_by(self, reader: IndexReader, name: str, matched: int, limit: int) -> list[int]:
        """The first `limit` matching docnums by name ("nom") or most recent first."""
        rank = self.rank(reader, name)
        return heapq.nsmallest(limit, docnums(matched), key=rank.__getitem__)

    def rank(self, reader: IndexReader, name: str) -> list[int]:
        with self._lock:
            rank = self._ranks.get(name)
            if rank is None:
                names = list(reader.column_reader("tri_nom", translate=True))
                if name == "nom":
                    order = sorted(range(self.doc_count), key=lambda d: (names[d], d))
                else:
                    dates = list(reader.column_reader("modifie", translate=True))
                    order = sorted(range(self.doc_count), key=lambda d: (names[d], d))
                    order.sort(key=lambda d: dates[d], reverse=True)  # stable: name breaks ties
                rank = [0] * self.doc_count
                for position, d in enumerate(order):
                    rank[d] = position
                self._ranks[name] = rank
            return rank
