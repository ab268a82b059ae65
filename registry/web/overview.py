"""Figures that need every record (home page, administrations), cached per build.

Pages must not scan all the records on each request: the figures below are computed once
for each build (the index folder this process serves, like the ETags of
registry.web.caching; the database's build generation when no index is served) and kept
in memory until the next build is published. They are computed before it is published:
once the build has committed its database, this process's ``SearchIndex`` runs the hook
of ``init_app`` for it (registry.search.handover), which computes every figure registered
with ``@before_publication`` under the new build's name, while the pages still show the
previous one. So the first request after a build does not compute them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app, g

from registry.coverage import figures as coverage
from registry.db.store import AdministrationSummary, Store, to_record
from registry.records import catalogue as cat
from registry.records.model import Record
from registry.web.resources import get_search, get_store

if TYPE_CHECKING:
    from registry.db.models import Algorithme

_LOCK = threading.Lock()
MAX_ADMIN_PAGES = 2000  # bound on the per-administration cache
BUILDS_KEPT = 2  # the build served and the one about to be
_COMPUTING: dict[tuple[str, str], threading.Lock] = {}
_WARMERS: list[Callable[[], object]] = []  # computed for a build before it is published


def before_publication(warmer: Callable[[], object]) -> Callable[[], object]:
    """Decorator: `warmer()` (run in an application context) fills a per-build figure;
    it is run for each new build before that build is published."""
    _WARMERS.append(warmer)
    return warmer


@dataclass
class Overview:
    """Everything the home and administrations pages show about the whole registry."""

    total: int
    headline: dict
    recents: list[dict]
    domaines: list[tuple[str, str, int]]  # (value, label, count)
    administrations: list[AdministrationSummary]
    top_administrations: list[AdministrationSummary]  # the 8 with the most records
    scores: dict[str, coverage.Figure]  # administration slug -> pooled transparency score
    pages: dict[str, dict] = field(default_factory=dict)  # administration slug -> page data


def _generation(store: Store) -> str:
    """The served build, read once per request (the facet labels of a list page ask for it
    once per value): the index folder this process serves, else the database's build."""
    known = g.get("registry_generation")
    if known is not None and known[0] is store:
        return known[1]
    published = get_search().published()
    if published is not None:
        generation = published[0]
    else:
        info = store.build_info()
        generation = f"base:{info.get('generation', '')}|{info.get('built_at', '')}"
    g.registry_generation = (store, generation)
    return generation


def _compute(store: Store) -> Overview:
    rows = store.all()
    records = [to_record(row) for row in rows]
    by_admin: dict[str, list[Record]] = {}
    domaines: dict[str, int] = {}
    for row, record in zip(rows, records, strict=True):
        by_admin.setdefault(row.administration_id, []).append(record)
        domaines[row.domaine] = domaines.get(row.domaine, 0) + 1
    administrations = store.administrations()
    recents = sorted(rows, key=lambda r: (r.derniere_modification or "", r.nom), reverse=True)[:6]
    return Overview(
        total=len(rows),
        headline=coverage.headline(records),
        recents=[{"id": r.id, "nom": r.nom, "nom_en": r.meta.get("nom_en", ""),
                  "administration": r.administration,
                  "derniere_modification": r.derniere_modification} for r in recents],
        domaines=[(key, text, domaines[key]) for key, text in cat.DOMAINES.items()
                  if key in domaines],
        administrations=administrations,
        top_administrations=sorted(administrations, key=lambda a: -a.nombre)[:8],
        scores={slug: _pooled(recs) for slug, recs in by_admin.items()},
    )


def _summary(row: Algorithme) -> dict:
    return {"id": row.id, "nom": row.nom, "domaine": row.domaine, "statut": row.statut,
            "resume": row.meta.get("resume", ""), "nom_en": row.meta.get("nom_en", ""),
            "resume_en": row.meta.get("resume_en", "")}


def _pooled(records: list[Record]) -> coverage.Figure:
    scores = [coverage.record_score(r).score for r in records]
    return coverage.Figure(sum(s.n for s in scores), sum(s.N for s in scores))


def cached(store: Store, name: str, compute: Callable[[], object]) -> object:
    """`compute()` once per build (and per process), under `name`."""
    builds = current_app.extensions.setdefault("registry_overview", OrderedDict())
    key = _generation(store)
    cache = builds.get(key)
    if cache is None:
        with _LOCK:
            cache = builds.setdefault(key, {})
            while len(builds) > BUILDS_KEPT:
                builds.popitem(last=False)
    if name not in cache:
        with _LOCK:  # one lock per build and figure: computing one never holds up another
            lock = _COMPUTING.setdefault((key, name), threading.Lock())
        with lock:
            if name not in cache:
                cache[name] = compute()
        with _LOCK:
            _COMPUTING.pop((key, name), None)
    return cache[name]


def warm(app: Flask, build: str) -> None:
    """Compute every figure of `build` (an index folder whose database is committed) now,
    in an application context of `app`, before `build` is served."""
    with app.app_context():
        g.registry_generation = (get_store(), build)
        for warmer in _WARMERS:
            warmer()


def init_app(app: Flask) -> None:
    """Have this process's search index run `warm` for each build before publishing it."""
    ref = weakref.ref(app)

    def hook(build: str) -> bool:
        site = ref()
        if site is None:
            return False
        warm(site, build)
        return True

    index = app.extensions["registry_search"]  # one per process and instance folder
    index.add_hook(hook)
    weakref.finalize(app, index.remove_hook, hook)  # apps come and go (tests)


@before_publication
def _figures() -> None:
    store = get_store()
    get_overview(store)
    administration_labels(store)
    english_names(store)


def administration_labels(store: Store) -> dict[str, str]:
    """Administration id -> the label a person recognises (its sigle, else its name)."""
    return cached(store, "administration_labels", lambda: {  # type: ignore[return-value]
        a.id: a.sigle or a.nom for a in store.administration_rows()})


def per_build(store: Store, name: str, compute: Callable[[], object]) -> object:
    """`compute()` once per build generation, kept in memory until the next build (for
    figures over every record that other pages show)."""
    return cached(store, name, compute)


def english_names(store: Store) -> dict[str, str]:
    """Record id -> its hand-written English name, for the records that have one."""
    return cached(store, "english_names", lambda: {  # type: ignore[return-value]
        row.id: str(row.meta["nom_en"]) for row in store.all() if row.meta.get("nom_en")})


def get_overview(store: Store) -> Overview:
    return cached(store, "overview", lambda: _compute(store))  # type: ignore[return-value]


def administration_page(store: Store, slug: str) -> dict | None:
    """An administration's record, its algorithms, their transparency figures and the access
    requests logged about them (None when no administration has this id)."""
    overview = get_overview(store)
    if slug in overview.pages:
        return overview.pages[slug]
    admin = store.administration(slug)
    if admin is None:
        return None
    rows = store.by_administration(slug)
    records = [to_record(row) for row in rows]
    requests = [{"algorithme": row, "demande": d} for row in rows
                for d in row.meta.get("demandes") or [] if isinstance(d, dict)]
    requests.sort(key=lambda r: str(r["demande"].get("date_envoi", "")), reverse=True)
    page = {"nom": admin.nom, "sigle": admin.sigle, "type": admin.type, "meta": admin.meta,
            "corps_html": admin.corps_html, "taux_reponse": admin.taux_reponse,
            "rows": [_summary(row) for row in rows], "demandes": requests,
            "criteres": coverage.criteria_coverage(records), "score": _pooled(records),
            "scores": {s.id: s for s in coverage.record_scores(records)},
            "parent": store.administration(str(admin.meta.get("parent") or "")),
            "enfants": [a for a in store.administration_rows()
                        if a.meta.get("parent") == slug]}
    if len(overview.pages) < MAX_ADMIN_PAGES:
        overview.pages[slug] = page
    return page
