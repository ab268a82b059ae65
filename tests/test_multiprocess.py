"""Issue 15, items 6 and 7: correct with several processes and replicas, sessions that end.

Real `registry serve` processes (gunicorn workers, waitress replicas) on loopback share
one generated secret key, one rate-limit count and one login lockout through the state
store; every 429 carries Retry-After; clients are keyed by their address, or behind
TRUSTED_PROXIES by the forwarded one. Logging out ends a session on the server; the
development password never exists under `registry serve`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from registry.state import accounts as maintainers
from registry.state import state_engine
from tests.conftest import make_app
from tests.recordfactory import write_record
from tests.servers import Browser, Server, registry, site_env

PASSWORD = "cheval correct agrafe"
FAST_HASH = "pbkdf2:sha256:1000"
REPORT = {"message": "La date de mise en service est fausse.",
          "source": "Rapport annuel 2025, page 12"}


@pytest.fixture
def built(tmp_path: Path):
    data, instance, state = tmp_path / "data", tmp_path / "instance", tmp_path / "state"
    write_record(data, "algo-un")
    assert registry(site_env(data, instance, state), "build").returncode == 0

    def env(account: str = "", **settings: str) -> dict:
        """The site's environment; `account`: a maintainer's account hashed this way."""
        if account:
            maintainers.add(state_engine({"STATE": str(state)}), "camille", "Camille Durand",
                            PASSWORD, method=account)
        return site_env(data, instance, state, **settings)

    return env


def _login(browser: Browser, base: str, password: str = PASSWORD) -> tuple[int, dict, str]:
    return browser.post_form(base, "/mainteneurs/connexion",
                             {"login": "camille", "password": password})


def test_one_generated_secret_key_for_every_worker(built) -> None:
    """No REGISTRY_SECRET_KEY, two gunicorn workers: every login (form fetched on one
    connection, posted on another) succeeds, as do the pages it opens."""
    env = built(account=FAST_HASH)
    with Server(env, workers=2, threads=2) as server:
        for _ in range(12):
            browser = Browser()
            status, headers, body = _login(browser, server.url)
            assert status == 303, body[:300]
            for _ in range(3):
                status, _, _ = browser.request(server.url, "/mainteneurs")
                assert status == 200


def test_no_start_without_a_shared_key(built) -> None:
    env = built(STATE="/dev/null/etat")
    done = registry(env, "serve", "--port", "1", timeout=60)
    assert done.returncode == 1
    assert "Démarrage impossible" in done.stderr and "REGISTRY_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_rate_limits_hold_across_replicas(built) -> None:
    env = built(CONTRIB_RATE_LIMIT="3")
    browser = Browser()
    with Server(env) as first, Server(env) as second:
        statuses = []
        for server in (first, second, first, second, first, second):
            status, headers, body = browser.post_form(server.url, "/algorithmes/algo-un/signaler",
                                                      REPORT)
            statuses.append(status)
            if status == 429:
                assert 0 < int(headers["retry-after"]) <= 3600
                assert "Vous pourrez réessayer dans" in body
        assert statuses == [303, 303, 303, 429, 429, 429]


def test_the_lockout_holds_across_replicas_and_parallel_guesses(built) -> None:
    """Sixteen wrong passwords sent at once: at most five are checked (401), the others get
    429 with Retry-After; then the right password is refused on the other replica too."""
    env = built(account="scrypt")  # slow on purpose
    with Server(env, threads=16) as first, Server(env) as second:
        browsers = [Browser() for _ in range(16)]
        tokens = [b.token(first.url, "/mainteneurs/connexion") for b in browsers]
        results: list[tuple[int, dict, str]] = []
        start = threading.Barrier(len(browsers))

        def guess(browser: Browser, token: str) -> None:
            start.wait()
            results.append(browser.request(first.url, "/mainteneurs/connexion", "POST",
                                           {"login": "camille", "password": "mauvais",
                                            "csrf_token": token}))

        threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens,
                                                                             strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(status for status, _, _ in results)
        assert statuses.count(401) <= 5 and set(statuses) <= {401, 429}, statuses
        assert all(0 < int(h["retry-after"]) <= 900 for s, h, _ in results if s == 429)
        status, headers, _ = _login(Browser(), second.url)
        assert status == 429 and "retry-after" in headers


def test_clients_are_keyed_by_address_or_trusted_proxy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_record(data, "algo-un")
    from registry.build.pipeline import build
    from registry.config import load_settings

    build(load_settings({"DATA": str(data), "INSTANCE": str(tmp_path / "i")}), full=True)

    def post(client, remote: str = "198.51.100.1", forwarded: str = "") -> int:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return client.post("/algorithmes/algo-un/signaler", data=REPORT, headers=headers,
                           environ_base={"REMOTE_ADDR": remote}).status_code

    direct = make_app(tmp_path / "i", data, CONTRIB_RATE_LIMIT=1).test_client()
    assert post(direct, forwarded="203.0.113.1") == 303
    assert post(direct, forwarded="203.0.113.2") == 429  # a forged header changes nothing
    assert post(direct, "2001:db8:0:1::1") == 303
    assert post(direct, "2001:db8:0:1::ffff") == 429  # the same /64
    assert post(direct, "2001:db8:0:2::1") == 303
    behind = make_app(tmp_path / "i", data, CONTRIB_RATE_LIMIT=1,
                      TRUSTED_PROXIES=1).test_client()
    assert post(behind, forwarded="203.0.113.1") == 303
    assert post(behind, forwarded="203.0.113.2") == 303  # another client behind the proxy
    assert post(behind, forwarded="203.0.113.1") == 429
    assert post(behind, forwarded="192.0.2.66, 203.0.113.2") == 429  # only the proxy's hop


# --- item 7: sessions ------------------------------------------------------------------------

def test_logout_ends_the_session_on_the_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_record(data, "algo-un")
    from tests.contribrepo import add_maintainer, built_app, settings

    app = built_app(data, tmp_path / "instance")
    add_maintainer(settings(data, tmp_path / "instance"))
    client = app.test_client()
    assert client.post("/mainteneurs/connexion",
                       data={"login": "camille", "password": PASSWORD}).status_code == 303
    old = client.get_cookie("session").value
    assert client.get("/mainteneurs").status_code == 200
    client.post("/mainteneurs/deconnexion")
    copy = app.test_client()
    copy.set_cookie("session", old)
    response = copy.get("/mainteneurs")
    assert response.status_code == 302 and "/mainteneurs/connexion" in response.location
    assert copy.post("/mainteneurs/contributions/1/refuser",
                     data={"raison": "x"}).status_code == 302


@pytest.mark.parametrize("workers", [1, 2])
def test_no_development_password_under_registry_serve(built, workers: int) -> None:
    env = built()
    env["FLASK_DEBUG"] = "1"
    browser = Browser()
    with Server(env, workers=workers) as server:
        status, _, page = browser.request(server.url, "/mainteneurs/connexion")
        assert status == 403 and "fermées" in page
        status, _, _ = browser.request(server.url, "/mainteneurs/connexion", "POST",
                                       {"login": "mainteneur", "password": "mainteneur"})
        assert status in (400, 403)
        status, headers, _ = browser.request(server.url, "/mainteneurs")
        assert status == 302
