"""Issue 18, item 1: public pages are cached like a static site (strong ETag from the
published build, Last-Modified, Cache-Control by kind, 304 before the view runs, rendered
pages reused), and nothing personal is ever cached."""

from __future__ import annotations

import http.client
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from flask import template_rendered

from registry.build.pipeline import build
from registry.config import load_settings
from registry.web.caching import FILES, KINDS, PRIVATE, PUBLIC
from tests.conftest import make_app, serving
from tests.recordfactory import write_record

RECORD = "dgfip-cfvr"
PUBLIC_PAGES = {  # one address of each public endpoint -> its kind
    "/": "vue", "/a-propos": "stable", "/algorithmes": "liste",
    "/algorithmes?q=fraude&domaine=fiscalite": "liste", f"/algorithmes/{RECORD}": "fiche",
    f"/algorithmes/{RECORD}/historique": "fiche", "/administrations": "vue",
    "/administrations/dgfip": "fiche", "/api/v1/algorithmes?q=caf": "liste",
    f"/api/v1/algorithmes/{RECORD}": "fiche", "/api/v1/administrations/dgfip": "fiche",
    "/couverture": "vue", "/couverture.csv?table=criteres": "vue", "/api/v1/couverture": "vue",
    "/qualite": "vue", "/donnees": "vue", "/api/v1/schema": "stable",
    "/api/v1/schema/2": "stable", "/api/v1/openapi.json": "stable", "/flux.atom": "fiche",
    "/administrations/dgfip/flux.atom": "fiche",
}
PRIVATE_PAGES = [f"/algorithmes/{RECORD}/demande", "/demandes/delais?reception=2026-01-05",
                 "/proposer", f"/algorithmes/{RECORD}/corriger",
                 f"/algorithmes/{RECORD}/signaler", "/mainteneurs/connexion"]


@contextmanager
def renders(app) -> list:
    """The templates rendered meanwhile (Flask's own signal)."""
    seen: list = []

    def record(_sender, template, context, **_extra: object) -> None:
        seen.append(template.name)

    with template_rendered.connected_to(record, app):
        yield seen


def test_every_get_address_is_classified(app) -> None:
    """A new GET page must say whether it is public (cached) or personal (no-store)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    unknown = endpoints - set(PUBLIC) - set(FILES) - PRIVATE - {"maintainers.file",
                                                                "maintainers.contribution"}
    assert not unknown, f"classify these endpoints in registry/web/caching.py: {unknown}"
    assert set(PUBLIC) <= endpoints and PRIVATE <= endpoints
    assert {e for e in endpoints if e.split(".")[0] in ("maintainers", "contribute")} <= PRIVATE


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_validators_and_answer_304(client, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag), etag  # strong: no W/
    assert first.headers["Cache-Control"] == KINDS[PUBLIC_PAGES[path]].header
    assert "stale-while-revalidate=" in first.headers["Cache-Control"]
    modified = parsedate_to_datetime(first.headers["Last-Modified"])
    assert modified <= datetime.now(UTC) + timedelta(seconds=1)
    assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", "")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers["Content-Security-Policy"]  # security headers on every answer
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    earlier = format_datetime(modified - timedelta(seconds=5), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    other = client.get(path, headers={"If-None-Match": '"autre"', "If-Modified-Since":
                                      first.headers["Last-Modified"]})
    assert other.status_code == 200 and other.data == first.data  # the ETag decides


def test_304_and_repeated_pages_render_nothing(app) -> None:
    client = app.test_client()
    with renders(app) as seen:
        first = client.get(f"/algorithmes/{RECORD}")
    assert "algorithmes/fiche.html" in seen
    with renders(app) as seen:
        assert client.get(f"/algorithmes/{RECORD}",
                          headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        again = client.get(f"/algorithmes/{RECORD}")
    assert seen == [] and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]


def test_etag_depends_on_the_address_and_is_the_same_on_every_replica(built_instance) -> None:
    one, two = make_app(built_instance).test_client(), make_app(built_instance).test_client()
    tags = {path: one.get(path).headers["ETag"] for path in
            ["/algorithmes?q=fraude", "/algorithmes?q=caf", f"/algorithmes/{RECORD}",
             f"/algorithmes/{RECORD}?notification=2026-01-05"]}
    assert len(set(tags.values())) == len(tags)
    assert {path: two.get(path).headers["ETag"] for path in tags} == tags


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_personal_pages_are_never_stored(csrf_client, path: str) -> None:
    response = csrf_client.get(path)
    assert response.status_code in (200, 403), path
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    later = csrf_client.get(path, headers={"If-None-Match": "*",
                                           "If-Modified-Since": "Sat, 01 Jan 2100 00:00:00 GMT"})
    assert later.status_code != 304


def test_a_form_token_never_reaches_a_cached_page(built_instance) -> None:
    """Someone opens a form (session cookie + CSRF token), then public pages: those stay
    public and hold no token nor cookie; served from the page cache to another person, they
    are the same bytes."""
    app = make_app(built_instance, WTF_CSRF_ENABLED=True)
    person, other = app.test_client(), app.test_client()
    form = person.get(f"/algorithmes/{RECORD}/signaler")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.get_data(as_text=True))
    assert token and "session=" in form.headers.get("Set-Cookie", "")
    assert form.headers["Cache-Control"] == "no-store"
    for path in ["/", f"/algorithmes/{RECORD}", "/algorithmes?q=caf"]:
        mine = person.get(path)
        assert mine.headers["Cache-Control"].startswith("public")
        assert "Set-Cookie" not in mine.headers
        assert token.group(1) not in mine.get_data(as_text=True)
        theirs = other.get(path)
        assert theirs.data == mine.data and theirs.headers["ETag"] == mine.headers["ETag"]


def test_errors_and_missing_pages_are_not_cached(client) -> None:
    for path in ["/algorithmes/inconnu", "/api/v1/algorithmes?page=0", "/exports/nope.csv",
                 "/couverture.csv?table=nope"]:
        response = client.get(path)
        assert response.status_code >= 400, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers or path.startswith("/exports")


def test_files_keep_their_own_validators(client) -> None:
    for path in ["/static/site.css", "/exports/algorithmes.json"]:
        with client.get(path) as first:
            assert first.status_code == 200 and first.headers["ETag"]
            assert first.headers["Cache-Control"] == KINDS["fichier"].header
        with client.get(path, headers={"If-None-Match": first.headers["ETag"]}) as again:
            assert again.status_code == 304
            assert again.headers["Cache-Control"] == KINDS["fichier"].header


def test_a_new_build_changes_the_etag_and_the_page(tmp_path: Path) -> None:
    data, instance = tmp_path / "algorithms", tmp_path / "instance"
    write_record(data, "algo-cache", nom="Premier nom")
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings, full=True)
    client = make_app(instance, data=data).test_client()
    first = client.get("/algorithmes/algo-cache")
    listed = client.get("/algorithmes?q=nom")
    assert "Premier nom" in first.get_data(as_text=True)
    write_record(data, "algo-cache", nom="Second nom")
    build(settings)
    after = client.get("/algorithmes/algo-cache", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and "Second nom" in after.get_data(as_text=True)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) >= \
        parsedate_to_datetime(first.headers["Last-Modified"])
    relisted = client.get("/algorithmes?q=nom", headers={"If-None-Match": listed.headers["ETag"]})
    assert relisted.status_code == 200 and "Second nom" in relisted.get_data(as_text=True)


def test_no_page_cache_when_disabled(built_instance) -> None:
    app = make_app(built_instance, PAGE_CACHE_MB=0)
    client = app.test_client()
    client.get("/a-propos")
    with renders(app) as seen:
        again = client.get("/a-propos")
    assert seen == ["pages/a_propos.html"] and again.headers["ETag"]


def test_the_304_path_over_http(live_server: str) -> None:
    """Through a real HTTP server, as a reverse proxy revalidates: HEAD and GET, 304 with the
    validators and no body, on a keep-alive connection."""
    host, port = live_server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        for path in [f"/algorithmes/{RECORD}", "/algorithmes?q=contr%C3%B4le+caf", "/"]:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200 and body
            etag = response.getheader("ETag")  # (a 304 carries no Last-Modified: RFC 9110)
            conn.request("HEAD", path, headers={"If-None-Match": etag})
            head = conn.getresponse()
            assert head.status == 304 and head.read() == b""
            conn.request("GET", path, headers={"If-None-Match": f'"x", {etag}'})
            revalidated = conn.getresponse()
            assert revalidated.status == 304 and revalidated.read() == b""
            assert revalidated.getheader("ETag") == etag
            assert revalidated.getheader("Cache-Control").startswith("public, max-age=")
            conn.request("GET", path, headers={"If-None-Match": '"perime"'})
            fresh = conn.getresponse()
            assert fresh.status == 200 and fresh.read() == body
    finally:
        conn.close()


def test_live_pages_follow_a_rebuild_over_http(tmp_path: Path) -> None:
    """A client revalidating after a build gets the new page, never the old one as 304."""
    data, instance = tmp_path / "algorithms", tmp_path / "instance"
    write_record(data, "algo-http", nom="Version un")
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings, full=True)
    with serving(make_app(instance, data=data)) as url:
        host, port = url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", "/algorithmes/algo-http")
        first = conn.getresponse()
        assert b"Version un" in first.read()
        write_record(data, "algo-http", nom="Version deux")
        build(settings)
        conn.request("GET", "/algorithmes/algo-http",
                     headers={"If-None-Match": first.getheader("ETag")})
        second = conn.getresponse()
        assert second.status == 200 and b"Version deux" in second.read()
        conn.close()
