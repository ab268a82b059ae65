"""`registry sources check` against a real local HTTP server, and `registry qualite`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.quality.checks import totals, worklist
from registry.quality.linkcheck import fetch_status, load_cache
from registry.records.model import load_records
from tests.recordfactory import with_etats, write_record

CALLS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        CALLS.append(f"{self.command} {self.path}")
        if self.path == "/lent":
            time.sleep(1.5)
        codes = {"/ok": 200, "/demenage": 301, "/absent": 404, "/panne": 500, "/lent": 200,
                 "/head-interdit": 405 if self.command == "HEAD" else 200}
        self.send_response(codes.get(self.path, 404))
        if self.path == "/demenage":
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(("path", "status", "dead", "moved"), [
    ("/ok", 200, False, False), ("/demenage", 301, False, True), ("/absent", 404, True, False),
    ("/panne", 500, True, False), ("/head-interdit", 200, False, False),
])
def test_fetch_status(server: str, path: str, status: int, dead: bool, moved: bool) -> None:
    result = fetch_status(server + path, timeout=3, retries=1)
    assert (result.status, result.dead, result.moved) == (status, dead, moved)


def test_timeout_is_reported_not_raised(server: str) -> None:
    result = fetch_status(server + "/lent", timeout=0.3, retries=0)
    assert result.status is None and result.dead and "délai" in result.message()


def test_server_errors_are_retried(server: str) -> None:
    CALLS.clear()
    fetch_status(server + "/panne", timeout=3, retries=2)
    assert CALLS.count("HEAD /panne") == 3


def test_sources_check_reports_path_line_and_caches(server: str, tmp_path: Path, cli) -> None:  # noqa: ANN001
    data, instance = tmp_path / "data", tmp_path / "instance"
    sources = [{"url": server + p, "titre": p, "type": "autre"}
               for p in ("/ok", "/demenage", "/absent", "/panne", "/lent")]
    path = write_record(data, "liens", sources=sources)
    args = ("sources", "check", "--data", str(data), "--timeout", "0.5", "--retries", "0")
    result = cli(*args, env={"REGISTRY_INSTANCE": str(instance)})
    assert result.exit_code == 0  # dead links never fail the build
    lines = result.stdout.splitlines()
    text = path.read_text().splitlines()
    for suffix, expected in (("/demenage", "déplacé définitivement (301)"),
                             ("/absent", "lien mort (HTTP 404)"),
                             ("/panne", "lien mort (HTTP 500)"), ("/lent", "injoignable")):
        line = next(out for out in lines if out.endswith(server + suffix))
        number = int(line.split(":")[1])
        assert server + suffix in text[number - 1] and expected in line
    assert not any(out.endswith(server + "/ok") for out in lines)
    cache = load_cache(instance)
    assert cache[server + "/absent"].status == 404 and cache[server + "/ok"].checked_at
    CALLS.clear()
    strict = cli(*args, "--strict", env={"REGISTRY_INSTANCE": str(instance)})
    assert strict.exit_code == 1 and CALLS == []  # answered from the cache


def test_worklist_puts_least_documented_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_record(data, "bien", transparence=with_etats(**{k: "non_publie" for k in (
        "regles_publiees", "mention_explicite", "code_source", "documentation",
        "criteres_ponderation", "donnees_sources", "evaluation_interne", "evaluation_externe",
        "budget", "analyse_impact", "prestataires", "voies_de_recours")}),
        sources=[{"url": f"https://example.org/{i}", "titre": "s", "type": "presse"}
                 for i in range(3)], revu_le="2026-11-01",
        administration={"nom": "Ville", "type": "collectivite", "siren": "180035024"})
    write_record(data, "faible", domaine="logement")
    items = worklist(load_records(data), {"bien": 0}, today=date(2026, 11, 26))
    assert [q.id for q in items] == ["faible", "bien"]
    assert "12 critère(s) de transparence « inconnu »" in items[0].raisons
    assert "jamais revue" in items[0].raisons and items[1].raisons == []
    by_domain = {g.cle: g for g in totals(items, "domaine")}
    assert by_domain["logement"].fiches == 1 and by_domain["justice"].fiches == 0


def test_qualite_command_json(tmp_path: Path, cli) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    write_record(data, "un")
    result = cli("qualite", "--json", "--data", str(data),
                 env={"REGISTRY_INSTANCE": str(tmp_path / "i")})
    payload = json.loads(result.stdout)
    assert payload["fiches"][0]["id"] == "un"
    assert {g["cle"] for g in payload["par_type_organisme"]} >= {"etat", "collectivite"}


def test_quality_page_lists_records(client) -> None:  # noqa: ANN001
    response = client.get("/qualite")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Fiches à compléter" in text and "Par domaine" in text
    assert "/algorithmes/" in text
