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
from bs4 import BeautifulSoup

from registry.quality.checks import totals, upkeep, worklist
from registry.quality.linkcheck import (
    LinkStatus,
    dead_links_by_record,
    fetch_status,
    load_cache,
    save_cache,
)
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.recordfactory import record_meta, with_etats, write_record

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


def test_sources_check_reports_path_line_and_caches(server: str, tmp_path: Path, cli) -> None:
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
        sources=[{"url": f"https://example.org/{i}", "titre": "s", "type": "presse",
                  "extrait": "Un passage exact."} for i in range(3)], revu_le="2026-11-01",
        citations={f.key: ["source-1"] for f in cat.FIELDS
                   if f.citable and record_meta().get(f.key) not in (None, "")},
        administration={"nom": "Ville", "type": "collectivite", "siren": "180035024"})
    write_record(data, "faible", domaine="logement")
    items = worklist(load_records(data), {}, today=date(2026, 11, 26))
    assert [q.id for q in items] == ["faible", "bien"]
    assert "12 critère(s) de transparence « inconnu »" in items[0].raisons
    assert "jamais revue" in items[0].raisons and items[1].raisons == []
    by_domain = {g.cle: g for g in totals(items, "domaine")}
    assert by_domain["logement"].fiches == 1 and by_domain["justice"].fiches == 0


def test_qualite_command_json(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    write_record(data, "un")
    result = cli("qualite", "--json", "--data", str(data),
                 env={"REGISTRY_INSTANCE": str(tmp_path / "i")})
    payload = json.loads(result.stdout)
    assert payload["fiches"][0]["id"] == "un"
    assert {g["cle"] for g in payload["par_type_organisme"]} >= {"etat", "collectivite"}


def test_quality_page_lists_records(client) -> None:
    response = client.get("/qualite")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Fiches à compléter" in text and "Par domaine" in text
    assert "/algorithmes/" in text


UPKEEP_BODY = ("## Description\n\nTexte d'essai[^essai][^morte].\n\n"
               "Le modèle a noté 12 000 dossiers en 2024.\n")


def _upkeep_registry(tmp_path: Path) -> tuple[Path, Path, Path]:
    data, instance = tmp_path / "data", tmp_path / "instance"
    dead = {"cle": "morte", "url": "https://example.org/disparue", "titre": "Page disparue",
            "type": "officielle", "archive": "https://web.archive.org/web/2025/https://"
            "example.org/disparue"}
    path = write_record(data, "vieille", UPKEEP_BODY, revu_le="2025-01-02",
                        volumetrie="12 000 dossiers par an",
                        sources=[{"cle": "essai", "url": "https://example.org/source",
                                  "titre": "Source", "type": "officielle"}, dead])
    write_record(data, "fraiche", revu_le="2026-11-01")
    save_cache(instance, {"https://example.org/disparue": LinkStatus(
        "https://example.org/disparue", 404, checked_at="2026-11-20T08:00:00+00:00")})
    return data, instance, path


def test_upkeep_lists_what_keeps_records_true(tmp_path: Path) -> None:
    data, instance, _ = _upkeep_registry(tmp_path)
    records = load_records(data)
    kept = upkeep(worklist(records, dead_links_by_record(instance, records),
                           today=date(2026, 11, 26)))
    assert [q.id for q in kept.non_revues] == ["vieille"]  # 693 days; « fraiche »: 25
    assert [(q.id, q.sources_sans_extrait) for q in kept.sans_extrait] == \
        [("vieille", ["essai", "morte"])]
    old = next(q for q in kept.sans_source if q.id == "vieille")
    texts = [c.texte for c in old.affirmations_sans_source]
    assert any("12 000 dossiers en 2024" in t for t in texts)
    assert "champ « Volumétrie » sans source" in texts
    [link] = kept.liens_morts[0].sources_mortes
    assert (link.cle, link.archive, link.message) == (
        "morte", "https://web.archive.org/web/2025/https://example.org/disparue",
        "lien mort (HTTP 404)")


def test_qualite_command_prints_file_and_line_for_each(tmp_path: Path, cli) -> None:
    data, instance, path = _upkeep_registry(tmp_path)
    result = cli("qualite", "--data", str(data), env={"REGISTRY_INSTANCE": str(instance)})
    assert result.exit_code == 0, result.output
    text = path.read_text().splitlines()
    out = result.stdout

    def line_of(fragment: str) -> int:
        found = next(o for o in out.splitlines() if fragment in o and str(path) in o)
        return int(found.split(f"{path}:")[1].split(":")[0])

    assert "revu_le" in text[line_of("revue le 2025-01-02") - 1]
    assert "12 000 dossiers en 2024" in text[line_of("sans source : « Le modèle") - 1]
    assert "volumetrie" in text[line_of("champ « Volumétrie » sans source") - 1]
    assert "cle: morte" in text[line_of("source « morte » sans extrait") - 1]
    dead = next(o for o in out.splitlines() if "lien mort (HTTP 404)" in o)
    assert "copie archivée à utiliser : https://web.archive.org/web/2025/" in dead
    assert "example.org/disparue" in text[line_of("lien mort (HTTP 404)") - 1]


def test_quality_page_shows_the_upkeep_lists(tmp_path: Path) -> None:
    from registry.build.pipeline import build
    from registry.config import load_settings
    from tests.conftest import make_app

    data, instance, _ = _upkeep_registry(tmp_path)
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    html = make_app(instance, data).test_client().get("/qualite").get_data(as_text=True)
    page = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "web.archive.org/web/2025" in html
    assert "fiche(s) pas revue(s) depuis plus de 12 mois" in page
    assert "Copie archivée à utiliser" in page
    assert "champ « Volumétrie » sans source" in page
    assert "2 source(s) sans extrait, sur 3" in page
