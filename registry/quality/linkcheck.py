"""`registry sources check`: are the records' source links still alive?

Bounded concurrency, timeouts, retries with back-off, a polite user agent, and a
cache of results with their date (under the instance folder) so a daily run only
asks again for links checked long ago. Network failures are reported, never raised.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from registry.records import catalogue as cat
from registry.records.model import Record

USER_AGENT = ("RegistreAlgorithmesPublics/0.1 (+https://registre-algorithmes-publics.fr; "
              "vérification des sources)")
CACHE_NAME = "sources-cache.json"
PERMANENT = (301, 308)


@dataclass
class LinkStatus:
    url: str
    status: int | None  # HTTP status, None when unreachable
    location: str | None = None  # target of a redirect
    error: str | None = None
    checked_at: str = ""

    @property
    def dead(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def moved(self) -> bool:
        return self.status in PERMANENT

    def message(self) -> str | None:
        if self.moved:
            return f"lien déplacé définitivement ({self.status}) vers {self.location}"
        if self.status is None:
            return f"lien injoignable ({self.error})"
        if self.status >= 400:
            return f"lien mort (HTTP {self.status})"
        return None


@dataclass
class LinkUse:
    record: Record
    path: tuple
    url: str

    @property
    def line(self) -> int:
        lines = self.record.lines or {}
        return lines.get(self.path, lines.get(self.path[:-1], 1))


def record_links(record: Record) -> list[LinkUse]:
    """Every URL-typed value of a record, with its place in the front matter."""
    found: list[LinkUse] = []

    def visit(value: object, fields: tuple[cat.Field, ...], path: tuple) -> None:
        if not isinstance(value, dict):
            return
        for f in fields:
            item = value.get(f.key)
            here = path + (f.key,)
            if f.type == cat.URL and isinstance(item, str):
                found.append(LinkUse(record, here, item))
            elif f.type == cat.OBJECT:
                visit(item, f.children, here)
            elif f.type == cat.OBJECT_LIST and isinstance(item, list):
                for i, sub in enumerate(item):
                    visit(sub, f.children, here + (i,))
            elif f.type == cat.ETAT_MAP and isinstance(item, dict):
                for key, sub in item.items():
                    visit(sub, f.children, here + (key,))

    visit(record.meta, cat.FIELDS, ())
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch_status(url: str, timeout: float = 10.0, retries: int = 2) -> LinkStatus:
    """HEAD (then GET when HEAD is refused) without following redirects; never raises."""
    opener = urllib.request.build_opener(_NoRedirect)
    error = "erreur inconnue"
    for attempt in range(retries + 1):
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method,
                                             headers={"User-Agent": USER_AGENT})
            try:
                with opener.open(request, timeout=timeout) as response:
                    return LinkStatus(url, response.status)
            except urllib.error.HTTPError as exc:
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue
                if exc.code >= 500 and attempt < retries:
                    error = f"HTTP {exc.code}"
                    break
                return LinkStatus(url, exc.code, exc.headers.get("Location"))
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                error = "délai dépassé" if "timed out" in str(reason) else str(reason)[:120]
                break
        if attempt < retries:
            time.sleep(0.5 * 2**attempt)
    if error.startswith("HTTP "):
        return LinkStatus(url, int(error[5:]))
    return LinkStatus(url, None, error=error)


def load_cache(instance: Path) -> dict[str, LinkStatus]:
    try:
        raw = json.loads((instance / CACHE_NAME).read_text(encoding="utf-8"))
        return {url: LinkStatus(**item) for url, item in raw.items()}
    except (OSError, ValueError, TypeError):
        return {}


def save_cache(instance: Path, cache: dict[str, LinkStatus]) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    tmp = instance / f"{CACHE_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({u: asdict(s) for u, s in cache.items()}, ensure_ascii=False,
                              indent=1), encoding="utf-8")
    os.replace(tmp, instance / CACHE_NAME)


def check_links(records: list[Record], instance: Path, max_age_days: float = 7,
                workers: int = 8, timeout: float = 10.0, retries: int = 2
                ) -> list[tuple[LinkUse, LinkStatus]]:
    """Check each distinct URL once (unless cached recently); return every use with its status."""
    uses = [use for record in records for use in record_links(record)]
    cache = load_cache(instance)
    limit = datetime.now(UTC) - timedelta(days=max_age_days)

    def fresh(url: str) -> bool:
        item = cache.get(url)
        return bool(item and item.checked_at and datetime.fromisoformat(item.checked_at) > limit)

    todo = sorted({use.url for use in uses if not fresh(use.url)})
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for status in pool.map(lambda u: fetch_status(u, timeout, retries), todo):
            status.checked_at = datetime.now(UTC).isoformat(timespec="seconds")
            cache[status.url] = status
    save_cache(instance, cache)
    return [(use, cache[use.url]) for use in uses]


@dataclass
class DeadLink:
    """A link `registry sources check` found dead or moved, and what to use instead."""

    champ: str  # dotted place in the front matter (sources.2.url)
    url: str
    message: str
    checked_at: str
    cle: str | None = None  # the source's key, when the link is a source's
    archive: str | None = None  # the source's archived copy, to use meanwhile
    nouvelle_adresse: str | None = None  # where a moved link now points


def dead_links_by_record(instance: Path, records: list[Record]) -> dict[str, list[DeadLink]]:
    """From the cache only (no network): record id -> its dead or moved links."""
    cache = load_cache(instance)
    found: dict[str, list[DeadLink]] = {}
    for record in records:
        sources = record.meta.get("sources") or []
        for use in record_links(record):
            status = cache.get(use.url)
            if not status or not (status.dead or status.moved):
                continue
            source = (sources[use.path[1]] if use.path[:1] == ("sources",) and
                      len(use.path) > 1 and isinstance(use.path[1], int) and
                      use.path[1] < len(sources) and isinstance(sources[use.path[1]], dict)
                      else {})
            archive = source.get("archive") if use.path[-1:] == ("url",) else None
            found.setdefault(record.id, []).append(DeadLink(
                ".".join(map(str, use.path)), use.url, status.message() or "", status.checked_at,
                source.get("cle"), archive if isinstance(archive, str) else None,
                status.location if status.moved else None))
    return found
