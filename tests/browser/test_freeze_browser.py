"""The static copy in a real browser: served by a plain static file server, searched client-side."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.test_freeze import make_frozen_site

pytestmark = pytest.mark.browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_frozen_site(tmp_path_factory.mktemp("freeze-browser"))
    handler = functools.partial(_Quiet, directory=str(site["root"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Served under a sub-path, as on a project page of a static host: links must be relative.
    yield f"http://127.0.0.1:{server.server_port}/{site['out'].name}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_search_on_the_static_copy(page: Page, static_site: str) -> None:
    page.goto(f"{static_site}/index.html")
    page.fill("#q", "fraude")
    page.press("#q", "Enter")
    page.wait_for_url(f"{static_site}/algorithmes/index.html?q=fraude")
    expect(page.locator("#titre-resultats")).to_have_text("5 résultats pour « fraude »")
    assert page.locator(".resultats .resultat").count() == 5
    assert page.locator("#q").input_value() == "fraude"
    page.locator(".resultats a").first.click()
    page.wait_for_url("**/algorithmes/algo-*/index.html")
    assert "Algorithme numéro" in page.locator("h1").inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_no_result_and_plain_list_without_query(page: Page, static_site: str) -> None:
    page.goto(f"{static_site}/algorithmes/index.html?q=introuvablezz")
    expect(page.locator(".liste-resultats")).to_contain_text("Aucun algorithme ne correspond")
    page.goto(f"{static_site}/algorithmes/index.html")
    assert page.locator(".resultats .resultat").count() == 20
    page.locator("a[rel=next]").click()
    assert page.locator(".resultats .resultat").count() == 5
    assert page.console_errors == []  # type: ignore[attr-defined]
