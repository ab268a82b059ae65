"""Security headers, cookies, inline code, traversal: checked on every kind of page."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import make_app

PAGES = ["/", "/algorithmes", "/algorithmes?q=fraude", "/algorithmes/dgfip-cfvr", "/a-propos",
         "/administrations", "/couverture", "/qualite", "/page-inexistante"]
API = ["/api/v1/algorithmes", "/api/v1/algorithmes/dgfip-cfvr", "/api/v1/algorithmes/inconnu"]


@pytest.mark.parametrize("path", PAGES + API)
def test_security_headers(client, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_behind_https(built_instance) -> None:
    client = make_app(built_instance, HTTPS=True).test_client()
    assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]


def test_api_is_cors_friendly(client) -> None:
    assert client.get("/api/v1/algorithmes").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_style_or_handler(client, path: str) -> None:
    soup = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    assert all(tag.get("src") for tag in soup.find_all("script")), "inline <script>"
    assert not soup.find_all("style"), "inline <style>"
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, tag
        assert not any(a.lower().startswith("on") for a in tag.attrs), tag
        for attr in ("href", "src", "action"):
            assert not str(tag.get(attr, "")).strip().lower().startswith("javascript:"), tag
    assert not any(link.get("href", "").startswith(("http://", "https://", "//"))
                   for link in soup.find_all("link")), "external stylesheet"


@pytest.mark.parametrize("path", [
    "/algorithmes/..%2F..%2Fetc%2Fpasswd", "/algorithmes/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/algorithmes/....//....//etc/passwd", "/api/v1/algorithmes/..%2Fregistry.sqlite",
    "/static/..%2F..%2Fpyproject.toml", "/exports/..%2F..%2Fpyproject.toml",
    "/exports/%2e%2e/registry.sqlite", "/administrations/..%2F..%2Fetc",
])
def test_no_path_traversal(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    body = response.get_data(as_text=True)
    assert "[project]" not in body and "root:" not in body and "SQLite format" not in body


def test_errors_never_leak_tracebacks(client) -> None:
    for path in ["/algorithmes?page=-1&par_page=abc", "/algorithmes?q=" + "(" * 500,
                 "/api/v1/algorithmes?page=%00", "/algorithmes/" + "x" * 5000]:
        response = client.get(path)
        assert response.status_code < 500, path
        assert not re.search(r"Traceback|File \"/", response.get_data(as_text=True))
