"""HTTP caching of the public pages: between two builds, every public page is the same for
everyone, like a static site.

Every public GET (table PUBLIC) carries:

- a strong ``ETag``: a digest of the published build this process serves (the index
  folder named by ``index.current``), the day (record pages count deadlines from today),
  the site's code and settings (templates, Python, static files, SITE_URL…) and the address
  with its query string. Two replicas serving the same build with the same code give the
  same ETag for the same address;
- ``Last-Modified``: when that build was published (or midnight, when later);
- ``Cache-Control: public, max-age=…, stale-while-revalidate=…`` by kind of page (KINDS).

A conditional request (``If-None-Match``, else ``If-Modified-Since``) that still matches
is answered 304 before the view runs: nothing is read or rendered. A page rendered once is
kept in a per-process cache (PAGE_CACHE_MB), keyed by its ETag, and served again without
rendering until the next build.

Nothing personal is ever cached: pages with a form token, a session, a tracking token or
typed dates (table PRIVATE: letters, contributions, maintainers) are ``no-store``; so is
any response that reads the session or sets a cookie, any error, and anything not listed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx
from werkzeug.http import http_date, is_resource_modified

from registry.config import PROJECT_ROOT
from registry.web.resources import get_search


@dataclass(frozen=True)
class Kind:
    max_age: int  # seconds a proxy (and, if `browser`, a browser) may reuse it unasked
    stale: int  # seconds it may serve it stale while it revalidates in the background
    browser: bool = False  # False: browsers always revalidate (a cheap 304), so that a
    # maintainer who has just accepted a change sees it on the next page; proxies keep
    # the page for max_age (s-maxage)

    @property
    def header(self) -> str:
        if self.browser:
            return f"public, max-age={self.max_age}, stale-while-revalidate={self.stale}"
        return (f"public, max-age=0, s-maxage={self.max_age}, "
                f"stale-while-revalidate={self.stale}")


KINDS = {
    "liste": Kind(60, 600),  # list and search results (page and API): many addresses
    "vue": Kind(120, 600),  # figures over every record: home, coverage, quality, open data
    "fiche": Kind(300, 3600),  # one record or administration, its history, its API
    "stable": Kind(3600, 86400, browser=True),  # changes with the code only: about, schemas
    "fichier": Kind(300, 3600, browser=True),  # files with their own validators: static, exports
}
PUBLIC: dict[str, str] = {
    "pages.accueil": "vue", "pages.a_propos": "stable",
    "algorithmes.liste": "liste", "algorithmes.fiche": "fiche",
    "administrations.liste": "vue", "administrations.fiche": "fiche",
    "api.algorithmes": "liste", "api.algorithme": "fiche", "api.administration": "fiche",
    "coverage.page": "vue", "coverage.csv_download": "vue", "coverage.api": "vue",
    "quality.page": "vue", "opendata.page": "vue",
    "opendata.schema": "stable", "opendata.schema_version": "stable",
    "opendata.openapi": "stable", "opendata.api_docs": "stable", "opendata.dcat": "vue",
    "history.historique": "fiche", "history.flux": "fiche", "history.flux_administration": "fiche",
    "history.flux_fiche": "fiche", "aiact.page": "vue", "aiact.api": "vue",
}
# Served by Werkzeug with their own validators (file date and size): only Cache-Control here.
FILES: dict[str, str] = {"static": "fichier", "opendata.export": "fichier"}
# Personal or one person's: always no-store (forms carry a CSRF token bound to a session).
PRIVATE = frozenset({
    "cada.formulaire", "cada.delais", "contribute.proposer", "contribute.correction",
    "contribute.signaler", "contribute.suivi", "contribute.fichier", "maintainers.connexion",
    "maintainers.file", "maintainers.contribution",
    "contribute.journal",  # decisions happen between builds: never from a per-build cache
})
CODE_FOLDERS = ("registry", "templates")
CODE_SUFFIXES = (".py", ".html", ".css", ".js", ".yaml", ".json", ".txt")
RENDERING_SETTINGS = ("SITE_URL", "FORGE_URL", "FORGE_BRANCH", "HTTPS", "DATA", "INSTANCE",
                      "SITE_NAME", "PUBLISHER")
MAX_CACHED_PAGE = 2 * 1024 * 1024  # bytes: a bigger page is not kept


def code_version(app: Flask) -> str:
    """Digest of what renders the pages besides the build: code, templates, static files and
    the settings that appear in pages (never a secret)."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file():
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    for name in RENDERING_SETTINGS:
        digest.update(f"{name}={app.config.get(name)!s}\0".encode())
    return digest.hexdigest()[:16]


class PageCache:
    """Rendered public pages of the current build, by ETag, bounded in bytes (LRU)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.build = ""
        self.size = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[str, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, build: str, etag: str) -> tuple[bytes, list[tuple[str, str]]] | None:
        with self._lock:
            if build != self.build:
                self._items.clear()
                self.build, self.size = build, 0
            item = self._items.get(etag)
            if item is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(etag)
            return item

    def put(self, build: str, etag: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        if len(body) > min(MAX_CACHED_PAGE, self.max_bytes):
            return
        with self._lock:
            if build != self.build or etag in self._items:
                return
            self._items[etag] = (body, headers)
            self.size += len(body)
            while self.size > self.max_bytes and self._items:
                old, _ = self._items.popitem(last=False)
                self.size -= len(old)


@dataclass(frozen=True)
class Validators:
    build: str
    etag: str  # without quotes
    last_modified: datetime
    kind: Kind


def validators(kind: Kind) -> Validators | None:
    """The current validators of this request's page; None when no build is served (the
    page then says so, and is not cached)."""
    published = get_search().published()
    if published is None:
        return None
    build, published_at = published
    today = date.today()
    midnight = time.mktime(today.timetuple())
    environ = request.environ
    digest = hashlib.sha256("\0".join((
        current_app.extensions["registry_code"], build, today.isoformat(),
        # SCRIPT_NAME holds the language prefix (/en, registry/web/i18n.py): one page per language
        environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""))).encode())
    last = datetime.fromtimestamp(int(max(published_at, midnight)), UTC)
    return Validators(build, digest.hexdigest()[:40], last, kind)


def _stamp(response: Response, found: Validators) -> Response:
    response.headers["ETag"] = f'"{found.etag}"'
    response.headers["Last-Modified"] = http_date(found.last_modified)
    response.headers["Cache-Control"] = found.kind.header
    return response


def _before() -> Response | None:
    """A page still valid for the client: 304 now; a page rendered before: served again."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in PUBLIC:
        return None
    found = validators(KINDS[PUBLIC[request.endpoint]])
    if found is None:
        return None
    g.http_cache = found
    if not is_resource_modified(request.environ, etag=found.etag,
                                last_modified=found.last_modified):
        g.http_cache_served = True
        return _stamp(Response(status=304), found)
    cached = current_app.extensions["registry_pages"].get(found.build, found.etag)
    if cached is not None:
        g.http_cache_served = True
        body, headers = cached
        return _stamp(Response(body, status=200, headers=headers), found)
    return None


def _personal(response: Response) -> bool:
    """The response read the session or sets a cookie: it may be one person's. (Flask's
    ``session`` proxy marks the session as read when touched: look at it from the side.)"""
    opened = getattr(request_ctx._get_current_object(), "_session", None)  # noqa: SLF001
    return bool(getattr(opened, "accessed", False) or response.headers.get("Set-Cookie"))


def _after(response: Response) -> Response:
    endpoint = request.endpoint or ""
    found: Validators | None = g.get("http_cache")
    if endpoint in FILES and response.status_code in (200, 206, 304) \
            and not _personal(response):
        response.headers["Cache-Control"] = KINDS[FILES[endpoint]].header
        return response
    if g.get("http_cache_served"):
        return response
    if found is not None and response.status_code == 200 and not _personal(response) \
            and "Cache-Control" not in response.headers and not response.is_streamed:
        headers = [(k, v) for k, v in response.headers.items()
                   if k not in ("Content-Length", "Vary")]
        current_app.extensions["registry_pages"].put(found.build, found.etag,
                                                     response.get_data(), headers)
        return _stamp(response, found)
    if _personal(response) or "Cache-Control" not in response.headers \
            or endpoint in PRIVATE:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """After resources (the search index) and before the security headers are added."""
    app.extensions["registry_code"] = code_version(app)
    app.extensions["registry_pages"] = PageCache(
        int(float(app.config.get("PAGE_CACHE_MB") or 0) * 1024 * 1024))
    app.before_request(_before)
    app.after_request(_after)

