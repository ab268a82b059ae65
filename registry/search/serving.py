"""The read side of ``registry.search``: ``SearchIndex`` (one per process and instance
folder), the builds it serves with their caches, their warm-up (registry.search.warmup)
and the watcher thread that follows new builds; one search on a build is
registry.search.results.

Only ``registry.search`` imports this module; the rest of the code imports its names from
``registry.search``.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex
from whoosh.query import Term
from whoosh.searching import Searcher

from registry.pacing import Pacer
from registry.search import handover, warmup
from registry.search.document import FACETS, FIELD_BOOSTS, SPELLING_FIELD
from registry.search.results import SORTS, UNREADABLE, Results, SearchUnavailable, run
from registry.search.scoring import Engine, to_bitmap
from registry.search.staging import POINTER, current_name

log = logging.getLogger("registry.search")
WATCH_EVERY = 0.5  # seconds between two looks of a serving process at index.next
WATCHER_SHARE = 0.5  # of the interpreter a serving process's warm-up takes from requests


def settle_heap() -> None:
    """Once a build is warmed in a serving process: collect, then keep every object alive
    now (the index, its caches, the application) out of the cyclic collector's later
    passes. Without it a full collection walked them about once a second under load and
    stopped every request of the process for 80 ms (docs/performance.md); with it a full
    pass is cheap. The previous build's frozen objects are unfrozen first, so they are
    collected once they are unused."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class _Generation:
    """One published index folder: the opened index, idle searchers, per-build caches."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.path = path
        self.ix = windex.open_dir(str(path))
        self.idle: list[Searcher] = []
        self.retired = False
        self.published_at = 0.0  # the pointer's modification time when this build was taken
        self.results = warmup.ResultsCache()
        self.warmed: dict[str, float] | None = None  # what the warm-up did
        self._engine: Engine | None = None
        self._bitmaps: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def engine(self, searcher: Searcher) -> Engine:
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

    def bitmaps(self, searcher: Searcher) -> dict[str, dict[str, int]]:
        self.engine(searcher)
        return self._bitmaps

    def warm(self, previous: _Generation | None = None,
             pace: Callable[[], None] | None = None) -> dict[str, float]:
        """Do ahead what the first requests would do (registry.search.warmup): per-build
        tables, the biggest posting lists, the first page of the frequent queries (the
        previous build's most asked ones among them); `pace()` after each step
        (registry.pacing)."""
        s = self.ix.searcher()
        try:
            reader = s.reader()

            def prepare() -> None:
                engine = self.engine(s)
                for fieldname in FIELD_BOOSTS:
                    engine.norms(reader, fieldname)
                engine.prior(reader)
                engine.rank(reader, "nom")
                engine.rank(reader, "recent")
                engine.vocabulary(reader, SPELLING_FIELD)

            def score(fieldname: str, word: str) -> None:
                self.engine(s).matching(s, Term(fieldname, word))

            def run(key: warmup.Key, hits: int) -> None:
                query, filters, page, per_page, sort = key
                self.results.put(key, _run(self, s, query, dict(filters), page, per_page,
                                           sort), hits)

            def keys() -> list[tuple[warmup.Key, int]]:
                by_size = {name: sorted(values, key=lambda v: -values[v].bit_count())
                           for name, values in self.bitmaps(s).items()}
                return warmup.frequent_keys(previous.results if previous else None, by_size,
                                            warmup.key_of("", {}, 1, 20, "nom"))

            self.warmed = warmup.warm(prepare, lambda: warmup.common_terms(reader, FIELD_BOOSTS),
                                      score, run, keys, pace or (lambda: None))
        finally:
            with self._lock:
                self.idle.append(s)
        return self.warmed

    def close(self) -> None:
        self.retired = True
        while self.idle:
            self.idle.pop().close()


_LIVE: dict[Path, weakref.WeakSet] = {}  # instance folder -> its SearchIndex objects
_LIVE_LOCK = threading.Lock()


def live_indexes(instance: Path) -> list[SearchIndex]:
    with _LIVE_LOCK:
        return list(_LIVE.get(Path(instance).resolve(), ()))


class SearchIndex:
    """One per process: opens the published index once, lends searchers from a pool and
    follows new builds, each warmed (``_Generation.warm``) before it serves:

    - a build run in this process warms it before publication (``announce_index``);
    - with ``background=True`` (the site's processes) a watcher thread warms the folder a
      build announces (registry.search.handover) while the current one keeps answering,
      and tells the build it is ready; a published folder nobody announced is warmed the
      same way, the previous build answering meanwhile;
    - otherwise the request that first sees a new pointer opens and warms it.

    Once the build's database is committed, and before it is published, the hooks
    (``add_hook``: the site's figures over every record) are run for it: by the build for
    this process's indexes, by the watcher for the others (``index.committed``).
    ``warm=False`` serves cold (for comparisons)."""

    _counter = 0

    def __init__(self, instance: Path, background: bool = False, warm: bool = True) -> None:
        self.instance = Path(instance)
        self.background = background
        self.warm = warm
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._pointer: tuple[int, int] | None = None
        self._ready: dict[str, _Generation] = {}  # warmed, not yet served
        self._waiting: tuple[int, int] | None = None  # a published pointer not ready yet
        self._failed: set[str] = set()  # folders whose warm-up failed
        self._hooks: list[Callable[[str], bool]] = []
        self._hooked: str | None = None  # the last committed folder the hooks ran for
        SearchIndex._counter += 1
        self.ident = handover.server_ident(SearchIndex._counter)
        with _LIVE_LOCK:
            _LIVE.setdefault(self.instance.resolve(), weakref.WeakSet()).add(self)
        if background:
            atexit.register(handover.unregister, self.instance, self.ident)
            threading.Thread(target=_watch, args=(weakref.ref(self),), daemon=True,
                             name="registry-warm").start()

    def published(self) -> tuple[str, float] | None:
        """(name, publication time) of the build this process serves, or None."""
        try:
            gen = self._generation()
        except SearchUnavailable:
            return None
        return gen.name, gen.published_at

    def add_hook(self, hook: Callable[[str], bool]) -> None:
        """`hook(name)` runs once a build's database is committed, before folder `name` is
        published; it returns False when its site is gone."""
        with self._lock:
            self._hooks.append(hook)

    def remove_hook(self, hook: Callable[[str], bool]) -> None:
        with self._lock:
            self._hooks = [h for h in self._hooks if h is not hook]

    def committed(self, name: str) -> None:
        """The build of folder `name` has committed its database: run the hooks for it."""
        if name == self._hooked:
            return
        with self._lock:
            hooks = list(self._hooks)
        for hook in hooks:
            try:
                if not hook(name):
                    self.remove_hook(hook)
            except Exception:  # noqa: BLE001 - the page computes it on first request instead
                log.exception("before publishing %s", name)
        self._hooked = name

    def prepare(self, staged: Path, share: float = 1.0) -> None:
        """Open and warm `staged` now, to serve it once published (`share`: pacing)."""
        if not self.warm or staged.name in self._ready:
            return
        fresh = _Generation(staged)
        fresh.warm(self._gen, self._pace(share))
        with self._lock:
            for old in [n for n in self._ready if n != staged.name]:
                self._ready.pop(old).close()
            self._ready[staged.name] = fresh
        if self.background:
            settle_heap()

    def _pace(self, share: float) -> Callable[[], None]:
        """Pauses of a warm-up that keep this process's server file fresh (a paced warm-up
        can outlast handover.ALIVE: a build would take the process for gone)."""
        pacer, since = Pacer(share), [time.monotonic()]

        def pace() -> None:
            pacer()
            if self.background and self._gen is not None \
                    and time.monotonic() - since[0] > handover.REFRESH:
                handover.register(self.instance, self.ident, self._gen.name,
                                  self._hooked or "")
                since[0] = time.monotonic()

        return pace

    def _open(self, name: str) -> _Generation:
        ready = self._ready.pop(name, None)
        if ready is not None:
            return ready
        try:
            fresh = _Generation(self.instance / name)
            if self.warm:
                fresh.warm(self._gen)
        except Exception as exc:  # damaged files fail in many ways (struct, pickle…)
            log.error("search index %s unreadable: %r", name, exc)
            raise SearchUnavailable(UNREADABLE) from exc
        if self.background:
            settle_heap()
        return fresh

    def _switch(self, fresh: _Generation, pointer: tuple[int, int] | None,
                published_at: float) -> _Generation:
        """Under self._lock: serve `fresh` from now on."""
        fresh.published_at = published_at
        if self._gen is not None and self._gen is not fresh:
            self._gen.close()
        first = self._gen is None
        self._gen, self._pointer, self._waiting = fresh, pointer, None
        for other in [n for n in self._ready if n != fresh.name]:
            self._ready.pop(other).close()
        if first and self.background:  # from now on a build waits for this process too
            handover.register(self.instance, self.ident, fresh.name, self._hooked or "")
        return fresh

    def _generation(self) -> _Generation:
        try:  # the pointer is replaced (new inode) at each publication: stat is enough
            st = (self.instance / POINTER).stat()
            pointer, published_at = (st.st_ino, st.st_mtime_ns), st.st_mtime
        except OSError:
            pointer, published_at = None, 0.0
        gen = self._gen
        if gen is not None and pointer is not None and (
                pointer == self._pointer or (pointer == self._waiting and not self._ready)):
            return gen  # the same build, or the next one still warming
        name = current_name(self.instance)
        if name is None:
            raise SearchUnavailable(UNREADABLE if pointer else
                                    "l'index de recherche n'est pas encore construit")
        with self._lock:
            gen = self._gen
            if gen is not None and gen.name == name:
                self._pointer = pointer
                return gen
            if name in self._ready:
                return self._switch(self._ready.pop(name), pointer, published_at)
            if self.background and self.warm and gen is not None and gen.path.is_dir() \
                    and name not in self._failed:
                self._waiting = pointer  # the watcher warms it; the previous one answers
                return gen
        fresh = self._open(name)
        with self._lock:
            if self._gen is not None and self._gen.name == name:
                fresh.close()
                return self._gen
            return self._switch(fresh, pointer, published_at)

    def watch_once(self) -> None:
        """One round of the watcher: warm the announced or published folder if this process
        does not have it yet, and tell the builds what it has ready."""
        if self._gen is None:
            return  # nothing served yet: the first request opens the index
        for name in (handover.next_name(self.instance), current_name(self.instance)):
            if not name or name == self._gen.name or name in self._ready \
                    or name in self._failed or not (self.instance / name).is_dir():
                continue
            try:
                self.prepare(self.instance / name, WATCHER_SHARE)
            except Exception:  # noqa: BLE001 - logged; the request path reports it
                log.exception("warming %s failed", name)
                self._failed.add(name)
        ready = next(iter(self._ready), None) or self._gen.name
        committed = handover.next_name(self.instance, handover.COMMITTED)
        if committed and (self.instance / committed).is_dir():  # even if it failed to warm
            self.committed(committed)
        handover.register(self.instance, self.ident, ready, self._hooked or "")

    @contextmanager
    def searcher(self) -> Iterator[tuple[_Generation, Searcher]]:
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
               page: int = 1, per_page: int = 20, sort: str = "pertinence",
               cached: bool = True) -> Results:
        """Raises SearchUnavailable when the index is missing or damaged: a damaged one is
        dropped (the next request reopens it) until a build publishes a sound one. Result
        pages are cached per build (shared: callers must not modify them); `cached=False`
        computes the page again (benchmarks of the engine itself)."""
        page, per_page = max(int(page), 1), min(max(int(per_page), 1), 100)
        sort = sort if sort in SORTS else "pertinence"
        query = query or ""
        if sort == "pertinence" and not query.strip():
            sort = "nom"  # nothing to rank: the same page as sorted by name
        filters = {k: [str(v)[:300] for v in vals if v][:20]
                   for k, vals in (filters or {}).items() if k in FACETS}
        filters = {k: v for k, v in filters.items() if v}
        key = warmup.key_of(query, filters, page, per_page, sort)
        try:
            with self.searcher() as (gen, s):
                found = gen.results.get(key) if cached else None
                if found is None:
                    found = _run(gen, s, query, filters, page, per_page, sort)
                    gen.results.put(key, found)
                return found  # type: ignore[return-value]
        except SearchUnavailable:
            raise
        except Exception as exc:
            log.exception("search failed; dropping the opened index")
            self.close()
            self._pointer = None
            raise SearchUnavailable(UNREADABLE) from exc


def _watch(ref: weakref.ref) -> None:
    """The watcher thread of a serving SearchIndex (stops with it or its folder)."""
    seen: tuple | None = None
    written = 0.0
    while True:
        time.sleep(WATCH_EVERY)
        index = ref()
        if index is None or not index.instance.is_dir():
            return
        try:
            state = (index._gen is None,  # noqa: SLF001 - the watcher is part of the class
                     handover.next_name(index.instance),
                     handover.next_name(index.instance, handover.COMMITTED),
                     (index.instance / POINTER).stat().st_mtime_ns)
            if state != seen or time.monotonic() - written > handover.REFRESH:
                index.watch_once()
                seen, written = state, time.monotonic()
        except OSError:
            pass
        except Exception:  # noqa: BLE001 - the watcher must outlive any surprise
            log.exception("search index watcher")
        del index


def _run(gen: _Generation, s: Searcher, query: str,  # noqa: PLR0913
         filters: dict[str, list[str]], page: int, per_page: int, sort: str) -> Results:
    """One search on a build (registry.search.results), with its per-build tables."""
    return run(gen.engine(s), gen.bitmaps(s), s, query, filters, page, per_page, sort)
