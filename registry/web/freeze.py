"""`registry freeze`: a static copy of the read-only site, rendered with Flask's test client.

Every page reachable from the home page (and the API files) is rendered once; its internal
links are rewritten into relative links to the files written (``…/index.html``), so the copy
works on any static host, under any path, and even from the disk. Links that need a server
(multi-criteria filters, sorting, forms that post) go to the dynamic site when its address
is given, and are otherwise left without a target. Search runs in the browser on a prebuilt
index (``recherche.json`` and ``static/recherche-statique.js``).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from registry.opendata.exports import DOWNLOADS
from registry.search import FACETS
from registry.text import slugify
from registry.web.freeze_html import internal_links, is_internal, rewrite_links
from registry.web.resources import get_store

MARKER = ".registre-statique"
INDEX_FILE = "recherche.json"
SEARCH_SCRIPT = "recherche-statique.js"
SEEDS = ("/", "/algorithmes", "/administrations", "/couverture", "/reglement-ia", "/a-propos",
         "/donnees", "/api", "/api/v1/algorithmes", "/api/v1/couverture",
         "/api/v1/reglement-ia", "/api/v1/schema", "/api/v1/openapi.json",
         "/donnees/dcat.jsonld", *(f"/exports/{name}" for name in DOWNLOADS))
PAGES = {"pages.a_propos", "administrations.liste", "administrations.fiche",
         "algorithmes.fiche", "coverage.page", "aiact.page", "opendata.page",
         "opendata.api_docs",
         "history.historique"}
FILES = {"api.algorithme": "api/v1/algorithmes/{ident}.json",
         "coverage.api": "api/v1/couverture.json", "aiact.api": "api/v1/reglement-ia.json",
         "opendata.schema": "api/v1/schema.json",
         "opendata.schema_version": "api/v1/schema/{version}.json",
         "opendata.openapi": "api/v1/openapi.json", "opendata.export": "exports/{name}",
         "opendata.dcat": "donnees/dcat.jsonld",
         "history.flux": "flux.atom", "history.flux_administration":
         "administrations/{slug}/flux.atom"}


class FreezeError(Exception):
    """The site cannot be frozen (no build, unsafe output folder); the message is French."""


@dataclass
class Target:
    path: str  # output file, relative to the output folder (posix)
    url: str  # URL rendered to produce it


@dataclass
class Frozen:
    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # output path -> rendered URL
    skipped: list[str] = field(default_factory=list)  # internal URLs not frozen


def _single(query: dict[str, list[str]], name: str) -> int | None:
    values = query.get(name, ["1"])
    if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
        return None
    return int(values[0])


def _value_slug(value: str) -> str:
    """Facet values that are already slugs stay readable; others get a short unique suffix."""
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,79}", value):
        return value
    return f"{slugify(value)}-{hashlib.sha1(value.encode()).hexdigest()[:6]}"


def _list_target(path: str, query: dict[str, list[str]]) -> Target | None:
    """The list page unfiltered or with one facet value, paginated; other states need a server."""
    page = _single(query, "page")
    facets = [k for k in query if k != "page"]
    if page is None or len(facets) > 1 or any(k not in FACETS for k in facets):
        return None
    suffix = f"page-{page}/index.html" if page > 1 else "index.html"
    if not facets:
        out = "algorithmes/index.html" if page == 1 else f"listes/toutes/{suffix}"
        params = {"page": page} if page > 1 else {}
    else:
        name = facets[0]
        if len(query[name]) != 1:
            return None
        value = query[name][0]
        out = f"listes/{name}/{_value_slug(value)}/{suffix}"
        params = {name: value, **({"page": page} if page > 1 else {})}
    return Target(out, path + ("?" + urlencode(params) if params else ""))


def plan(app: Flask, url: str) -> Target | None:
    """The file a site URL is frozen into, or None when it needs the dynamic site."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    try:
        endpoint, args = app.url_map.bind("localhost").match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint == "static":
        return Target(f"static/{args['filename']}", parts.path)
    if endpoint == "pages.accueil":
        return Target("index.html", "/") if not query else None
    if endpoint in PAGES:
        return Target(parts.path.strip("/") + "/index.html", parts.path) if not query else None
    if endpoint == "algorithmes.liste":
        return _list_target(parts.path, query)
    if endpoint == "api.algorithmes":
        page = _single(query, "page")
        if page is None or set(query) - {"page", "par_page"}:
            return None
        name = "algorithmes.json" if page == 1 else f"algorithmes-page-{page}.json"
        return Target(f"api/v1/{name}", f"{parts.path}?par_page=100&page={page}")
    if endpoint == "coverage.csv_download":
        table = query.get("table", ["criteres"])
        return Target(f"couverture-{slugify(table[0])}.csv", url) if len(table) == 1 else None
    if endpoint in FILES and not query:
        return Target(FILES[endpoint].format(**args), parts.path)
    return None


def _render(client: FlaskClient, url: str) -> tuple[int, str, bytes]:
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.get_data()


@dataclass
class Crawl:
    outputs: dict[str, tuple[str, bytes]]  # output path -> (mimetype, body)
    targets: dict[str, Target]  # site URL -> its target
    skipped: list[str]  # internal URLs that need the dynamic site (or failed)


def crawl(app: Flask, base_url: str, seeds: list[str]) -> Crawl:
    """Render every freezable page reachable from the seeds."""
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = urlsplit(base_url).netloc or "localhost"
    client.environ_base["wsgi.url_scheme"] = urlsplit(base_url).scheme or "http"
    outputs: dict[str, tuple[str, bytes]] = {}
    targets: dict[str, Target] = {}
    skipped: list[str] = []
    queue = deque(seeds)
    seen: set[str] = set(seeds)
    while queue:
        url = queue.popleft()
        target = targets.get(url) or plan(app, url)
        if target is None or target.path in outputs or target.path.startswith("static/"):
            if target is None:
                skipped.append(url)
            continue
        targets[url] = target
        status, mimetype, body = _render(client, target.url)
        if status != 200:
            skipped.append(url)
            continue
        outputs[target.path] = (mimetype, body)
        if mimetype == "text/html":
            for link in internal_links(body.decode("utf-8")):
                absolute = urljoin(target.url, link).split("#", 1)[0]
                if absolute not in seen:
                    seen.add(absolute)
                    queue.append(absolute)
    return Crawl(outputs, targets, skipped)


def _relative(from_path: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def _head_extra(path: str, dynamic_url: str) -> str:
    root = _relative(path, "index.html")[: -len("index.html")] or "./"
    dynamic = f' data-dynamique="{escape(dynamic_url)}"' if dynamic_url else ""
    return (f'<meta name="registre-statique" content="{escape(root)}"{dynamic}>'
            f'<script src="{escape(root)}static/{SEARCH_SCRIPT}" defer></script>')


def _rewriter(app: Flask, page: Target, available: set[str],
              dynamic_url: str) -> Callable[[str, str], str | None]:
    def rewrite(_tag: str, link: str) -> str | None:
        if not is_internal(link):
            return link
        absolute = urljoin(page.url, link.strip())
        base, _, fragment = absolute.partition("#")
        target = plan(app, base)
        if target is not None and target.path in available:
            return _relative(page.path, target.path) + (f"#{fragment}" if fragment else "")
        return dynamic_url.rstrip("/") + absolute if dynamic_url else None

    return rewrite


def search_index(outputs: dict[str, tuple[str, bytes]]) -> list[dict]:
    """id, nom, resume, administration and page of every record, from the frozen API files."""
    prefix = "api/v1/algorithmes/"
    items = []
    for path, (_mimetype, body) in sorted(outputs.items()):
        if path.startswith(prefix) and path.endswith(".json"):
            data = json.loads(body)
            items.append({"id": data["id"], "nom": data.get("nom", ""),
                          "resume": data.get("resume", ""),
                          "administration": (data.get("administration_detail") or {}).get(
                              "nom", data.get("administration", "")),
                          "page": f"algorithmes/{data['id']}/index.html"})
    return items


def _prepare(folder: Path) -> Path:
    """A fresh sibling folder to write into; refuses to replace a folder we did not write."""
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir())
                                                    and not (folder / MARKER).exists())):
        raise FreezeError(f"{folder} existe et n'est pas un export statique du registre : "
                          "choisissez un dossier vide ou inexistant.")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def _publish(staging: Path, folder: Path) -> None:
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def freeze(app: Flask, folder: Path, dynamic_url: str = "") -> Frozen:
    """Write the static site into `folder` (replaced as a whole once complete)."""
    try:
        with app.app_context():
            ids = [row.id for row in get_store().all()]
    except SQLAlchemyError as exc:
        raise FreezeError("la base du registre est illisible ou vide : lancez d'abord "
                          "« registry build ».") from exc
    seeds = [*SEEDS, *(f"/algorithmes/{i}" for i in ids),
             *(f"/api/v1/algorithmes/{i}" for i in ids)]
    done = crawl(app, str(app.config.get("SITE_URL", "")), seeds)
    outputs = done.outputs
    if "algorithmes/index.html" not in outputs:
        raise FreezeError("la liste des algorithmes n'a pas pu être rendue : lancez d'abord "
                          "« registry build ».")
    static = Path(app.static_folder or "")
    available = set(outputs) | {f"static/{p.relative_to(static).as_posix()}"
                                for p in static.rglob("*") if p.is_file()}
    pages = {t.path: t for t in done.targets.values()}
    staging = _prepare(folder)
    try:
        shutil.copytree(static, staging / "static")
        for path, (mimetype, body) in outputs.items():
            out = staging / path
            out.parent.mkdir(parents=True, exist_ok=True)
            if mimetype == "text/html":
                text = rewrite_links(body.decode("utf-8"),
                                     _rewriter(app, pages[path], available, dynamic_url),
                                     _head_extra(path, dynamic_url))
                out.write_text(text, encoding="utf-8")
            else:
                out.write_bytes(body)
        index = json.dumps(search_index(outputs), ensure_ascii=False, separators=(",", ":"))
        (staging / INDEX_FILE).write_text(index, encoding="utf-8")
        (staging / MARKER).write_text("export statique du registre\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(staging, folder)
    return Frozen(folder, {p: pages[p].url for p in outputs}, done.skipped)
