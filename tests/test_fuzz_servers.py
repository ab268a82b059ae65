"""The hostile requests of test_fuzz_web.py, sent over HTTP to `registry serve` with two
gunicorn workers and no REGISTRY_SECRET_KEY (the generated, shared one): searches, paths
and form posts with valid tokens fetched on another connection (often another worker).
Never a 500 nor a traceback; a refusal is a French page or JSON document.
`python scripts/fuzz.py -k servers` runs the long series.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contribrepo import add_maintainer
from tests.recordfactory import write_record
from tests.servers import Browser, Server, registry, site_env
from tests.test_fuzz_web import FUZZ, form_data, hostile_text, params

TRACE = re.compile(r"Traceback|File \"/|Werkzeug Debugger")
FRENCH = re.compile(r"\b(le|la|les|de|des|du|une?|est|pas|cette|votre|vous|aucune?|trop|"
                    r"ou|et|page|jeton|formulaire|adresse)\b", re.I)
POSTS = ["/proposer", "/algorithmes/algo-un/signaler",
         "/algorithmes/algo-un/corriger?rubriques=identification",
         "/algorithmes/algo-un/demande", "/mainteneurs/connexion"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = Path(tmp_path_factory.mktemp("fuzz-serveurs"))
    data = root / "data"
    for ident in ("algo-un", "algo-deux"):
        write_record(data, ident, nom=f"Algorithme {ident}")
    env = site_env(data, root / "instance", root / "state", CONTRIB_RATE_LIMIT="0")
    add_maintainer(root / "state")
    assert registry(env, "build").returncode == 0
    with Server(env, workers=2, threads=4) as running:
        browser = Browser()
        tokens = {path: browser.token(running.url, path) for path in POSTS}
        yield {"url": running.url, "browser": browser, "tokens": tokens}


def _check(status: int, headers: dict, body: str, allowed: tuple[int, ...]) -> None:
    assert status in (*allowed, 431), (status, body[:500])
    assert not TRACE.search(body)
    if status >= 400 and not FRENCH.search(body):  # refused by the server itself, before
        assert status in (400, 414, 431) and len(body) < 2000, body[:500]  # the application


@FUZZ
@given(params, st.sampled_from(["/algorithmes", "/api/v1/algorithmes"]))
def test_searches_over_http(server: dict, pairs: list, path: str) -> None:
    query = urlencode(pairs)
    status, headers, body = server["browser"].request(server["url"], f"{path}?{query}")
    _check(status, headers, body, (200, 400, 404, 414))


@FUZZ
@given(hostile_text, st.sampled_from(["/algorithmes/{}", "/api/v1/algorithmes/{}",
                                      "/contributions/{}", "/mainteneurs/contributions/{}"]))
def test_paths_over_http(server: dict, segment: str, pattern: str) -> None:
    path = pattern.format(quote(segment[:5000], safe=""))
    status, headers, body = server["browser"].request(server["url"], path)
    _check(status, headers, body, (200, 302, 308, 400, 404, 414, 431))


@FUZZ
@given(st.sampled_from(POSTS), form_data, st.booleans())
def test_form_posts_over_http(server: dict, path: str, pairs: list, with_token: bool) -> None:
    fields = list(pairs) + ([("csrf_token", server["tokens"][path])] if with_token else [])
    status, headers, body = server["browser"].request(server["url"], path, "POST", fields)
    _check(status, headers, body, (200, 303, 400, 401, 413, 422, 429))
