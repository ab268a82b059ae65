"""Warming a build's index before it serves, and the results cache of each build: the
private policy of ``registry.search``.

A published index is slow the first time each thing is asked of it: each field's lengths
(one read per document), the facet bitmaps, the sort orders, and above all each query
word's posting list (read and scored once per build, see ``scoring.Engine``). Warming
does that work ahead, once per build and per process, before the build answers a request:

- the per-build tables: facet bitmaps, field lengths and BM25F normalisations, the ranking
  prior, the sort orders, the spelling vocabulary;
- the posting lists of the words found in the most records (they cost the most when met
  cold; rare words are cheap), up to WARM_POSTINGS (term, document) scores;
- the first page of the frequent queries: the queries the previous build was asked most
  (counted by its results cache), the whole list and the list of each facet value (the
  links of the home and record pages), put in the new build's results cache.

Only ``registry.search`` imports this module.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from whoosh.reading import IndexReader

WARM_POSTINGS = 800_000  # (term, document) scores computed ahead (scoring.MAX_CACHED: 2 M)
MAX_WARM_TERMS = 4_000  # posting lists read ahead, at most
MIN_POSTINGS = 64  # shorter lists cost little when met cold: not read ahead (small corpora:
# a tenth of the records)
FREQUENT = 64  # most asked queries of the previous build run again on the new one
FACET_PAGES = 200  # facet values whose first list page is prepared, at most
RESULTS_SIZE = 1024  # result pages kept per build and per process

Key = tuple  # (query, filters as sorted tuples, page, per_page, sort)


class ResultsCache:
    """The result pages of one build (least recently used dropped), with how often each
    was asked: the next build warms the most asked ones."""

    def __init__(self, size: int = RESULTS_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Key, list] = OrderedDict()  # key -> [results, hits]
        self._lock = threading.Lock()

    def get(self, key: Key) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            item[1] += 1
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Key, results: object, hits: int = 1) -> None:
        with self._lock:
            if key not in self._items:
                self._items[key] = [results, hits]
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def frequent(self, n: int = FREQUENT) -> list[tuple[Key, int]]:
        """The `n` most asked keys with their counts, most asked first."""
        with self._lock:
            counted = [(key, item[1]) for key, item in self._items.items()]
        return heapq.nlargest(n, counted, key=lambda kc: kc[1])

    def __len__(self) -> int:
        return len(self._items)


def key_of(query: str, filters: dict[str, list[str]], page: int, per_page: int,
           sort: str) -> Key:
    return (query, tuple(sorted((k, tuple(v)) for k, v in filters.items())), page, per_page,
            sort)


def common_terms(reader: IndexReader, fields: Iterable[str], budget: int = WARM_POSTINGS,
                 limit: int = MAX_WARM_TERMS) -> list[tuple[str, str]]:
    """(field, word) of the posting lists in the most documents, biggest first, until
    `budget` postings: the lists that cost the most when first met."""
    sizes: list[tuple[int, str, str]] = []
    least = min(MIN_POSTINGS, max(2, reader.doc_count_all() // 10))
    for fieldname in fields:
        for text, info in reader.iter_field(fieldname):
            word = text.decode() if isinstance(text, bytes) else text
            size = info.doc_frequency()
            if size >= least:
                sizes.append((size, fieldname, word))
    chosen, total = [], 0
    for size, fieldname, word in heapq.nlargest(limit, sizes):
        if total + size > budget:
            continue
        chosen.append((fieldname, word))
        total += size
    return chosen


def frequent_keys(previous: ResultsCache | None, facet_values: dict[str, list[str]],
                  list_key: Key) -> list[tuple[Key, int]]:
    """What the new build should have ready: the previous build's most asked pages (with
    their counts, kept so that frequency survives builds), the whole list, then the
    first page of each facet value (at most FACET_PAGES)."""
    keys: dict[Key, int] = dict(previous.frequent()) if previous is not None else {}
    keys.setdefault(list_key, 1)
    query, _, page, per_page, sort = list_key
    budget = FACET_PAGES
    for name, values in facet_values.items():
        for value in values:
            if budget <= 0:
                break
            keys.setdefault((query, ((name, (value,)),), page, per_page, sort), 1)
            budget -= 1
    return list(keys.items())


def warm(prepare: Callable[[], None], terms: Callable[[], list[tuple[str, str]]],  # noqa: PLR0913
         score: Callable[[str, str], None], run: Callable[[Key, int], None],
         keys: Callable[[], list[tuple[Key, int]]],
         pace: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Run the warm-up steps; returns what each took (seconds) and how much it did.
    `pace()` is called after each step (registry.pacing: a serving process's watcher)."""
    report: dict[str, float] = {}
    started = time.perf_counter()
    prepare()
    pace()
    report["tables_s"] = time.perf_counter() - started
    step = time.perf_counter()
    chosen = terms()
    for fieldname, word in chosen:
        score(fieldname, word)
        pace()
    report["terms"] = len(chosen)
    report["terms_s"] = time.perf_counter() - step
    step = time.perf_counter()
    wanted = keys()
    for key, hits in wanted:
        run(key, hits)
        pace()
    report["pages"] = len(wanted)
    report["pages_s"] = time.perf_counter() - step
    report["total_s"] = time.perf_counter() - started
    return report
