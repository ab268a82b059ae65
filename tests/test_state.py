"""Issue 15, item 1: state is not a build artifact.

Contributions, decisions, sessions and counters live in the state store (STATE or
STATE_DATABASE_URL), never under the derived INSTANCE folder: deleting it and rebuilding,
even with two servers running, keeps every contribution. A queue kept by an older version
in the derived database is moved out without loss; `registry submissions export|import`
make and restore backups.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from registry.build.pipeline import build
from registry.config import load_settings
from registry.contributions import queue as subs
from registry.state import state_engine
from tests.recordfactory import record_meta, write_record
from tests.servers import Browser, Server, registry, site_env

REPORT = {"message": "La date de mise en service est fausse.", "source": "Rapport annuel 2025"}


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def _queue(state: Path) -> list[tuple]:
    with sqlite3.connect(state / "state.sqlite") as con:
        return con.execute("SELECT id, token, kind, record_id, status FROM contribution "
                           "ORDER BY id").fetchall()


@pytest.fixture
def site(tmp_path: Path) -> dict:
    data, instance, state = tmp_path / "data", tmp_path / "instance", tmp_path / "state"
    for i in range(3):
        write_record(data, f"algo-{i}", nom=f"Algorithme numéro {i}")
    return {"data": data, "instance": instance, "state": state,
            "settings": load_settings({"DATA": str(data), "INSTANCE": str(instance),
                                       "STATE": str(state)})}


def test_build_never_touches_the_state_store(site: dict) -> None:
    build(site["settings"], full=True)
    assert not site["state"].exists()  # a build does not even create it
    engine = state_engine(site["settings"])
    subs.create(engine, "signalement", "algo-1", message="Erreur de date.")
    before = _files(site["state"])
    build(site["settings"], full=True)
    build(site["settings"])
    assert _files(site["state"]) == before


def test_rm_instance_and_rebuild_keeps_the_queue_with_two_servers(site: dict) -> None:
    """Two production servers (no REGISTRY_SECRET_KEY: they share the generated one) take
    contributions, including a form fetched from one and posted to the other; instance/ is
    deleted and rebuilt (plain and --full) while they run: every contribution is kept, their
    tracking pages still answer and new contributions are accepted."""
    env = site_env(site["data"], site["instance"], site["state"])
    assert registry(env, "build").returncode == 0
    browser = Browser()
    with Server(env) as first, Server(env, workers=2, threads=2) as second:
        tracking = []
        for base, form_base in ((first.url, first.url), (second.url, second.url),
                                (second.url, first.url)):
            status, headers, body = browser.post_form(base, "/algorithmes/algo-1/signaler",
                                                      REPORT, form_base=form_base)
            assert status == 303, body[:500]
            tracking.append(headers["location"])
        queued = _queue(site["state"])
        assert len(queued) == 3
        before = _files(site["state"])
        shutil.rmtree(site["instance"])
        done = registry(env, "build")
        assert done.returncode == 0, done.stderr
        assert registry(env, "build", "--full").returncode == 0
        assert _files(site["state"]) == before and _queue(site["state"]) == queued
        listing = registry(env, "submissions", "list")
        assert listing.returncode == 0 and "3 contribution(s), dont 3 en attente" in \
            listing.stderr
        for base in (first.url, second.url):
            for location in tracking:
                status, _, page = browser.request(base, location)
                assert status == 200 and "En attente de relecture" in page
            status, _, _ = browser.post_form(base, "/algorithmes/algo-2/signaler", REPORT)
            assert status == 303
    assert len(_queue(site["state"])) == 5


OLD_TABLE = """CREATE TABLE contribution (
    id INTEGER NOT NULL PRIMARY KEY, token VARCHAR(64) NOT NULL, kind VARCHAR(20) NOT NULL,
    record_id VARCHAR(120) NOT NULL, meta JSON, body TEXT NOT NULL, message TEXT NOT NULL,
    name VARCHAR(200) NOT NULL, email VARCHAR(200) NOT NULL, base_hash VARCHAR(64) NOT NULL,
    status VARCHAR(20) NOT NULL, reason TEXT NOT NULL, created_at VARCHAR(40) NOT NULL,
    decided_at VARCHAR(40), "commit" VARCHAR(40) NOT NULL)"""


def _legacy_queue(instance: Path, count: int) -> list[tuple]:
    """The contribution table as an older version kept it, inside the derived database."""
    rows = []
    for i in range(1, count + 1):
        kind = "nouvelle" if i % 2 else "signalement"
        meta = json.dumps(record_meta(nom=f"Proposée {i}")) if kind == "nouvelle" else None
        status = subs.REJECTED if i == 3 else subs.PENDING
        rows.append((i, f"jeton-ancien-{i:04d}", kind, f"proposee-{i}", meta,
                     f"## Description\n\nTexte **{i}**." if meta else "", f"message {i}",
                     "Camille", f"prive{i}@example.org", "", status,
                     "Non sourcé." if i == 3 else "", "2025-03-01T10:00:00+00:00",
                     "2025-03-02T10:00:00+00:00" if i == 3 else None, ""))
    with sqlite3.connect(instance / "registry.sqlite") as con:
        con.execute(OLD_TABLE)
        con.executemany("INSERT INTO contribution VALUES (" + ", ".join("?" * 15) + ")", rows)
    return rows


def test_a_legacy_queue_is_moved_out_of_instance_without_loss(site: dict, cli) -> None:
    build(site["settings"], full=True)
    rows = _legacy_queue(site["instance"], 14)
    env = {"REGISTRY_DATA": str(site["data"]), "REGISTRY_INSTANCE": str(site["instance"]),
           "REGISTRY_STATE": str(site["state"])}
    done = cli("build", env=env)
    assert done.exit_code == 0, done.output
    assert "14 contribution(s) déplacée(s)" in done.output
    shutil.rmtree(site["instance"])
    assert cli("build", "--full", env=env).exit_code == 0
    moved = {s.token: s for s in subs.queue(state_engine(site["settings"]))}
    assert set(moved) == {row[1] for row in rows}
    for row in rows:
        sub = moved[row[1]]
        assert (sub.id, sub.kind, sub.email, sub.status, sub.reason) == \
            (row[0], row[2], row[8], row[10], row[11])
        assert sub.meta == (json.loads(row[4]) if row[4] else None)
        if sub.body:
            assert sub.body_html.startswith("<h2>Description</h2>")
    assert cli("submissions", "migrate", env=env).output.startswith("0 contribution(s)")


def test_a_legacy_queue_is_moved_when_the_site_starts(site: dict) -> None:
    from tests.conftest import make_app

    build(site["settings"], full=True)
    rows = _legacy_queue(site["instance"], 3)
    client = make_app(site["instance"], site["data"], STATE=str(site["state"])).test_client()
    page = client.get(f"/contributions/{rows[0][1]}")
    assert page.status_code == 200 and "Proposée 1" in page.get_data(as_text=True)
    with sqlite3.connect(site["instance"] / "registry.sqlite") as con:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
    assert "contribution" not in tables and "contribution_migree" in tables


def test_submissions_export_and_import(site: dict, cli, tmp_path: Path) -> None:
    engine = state_engine(site["settings"])
    first = subs.create(engine, "nouvelle", "proposee", record_meta(nom="Proposée"),
                        "## Texte\n\nCorps.", message="Voir la source.", email="a@example.org")
    second = subs.create(engine, "signalement", "algo-1", message="Erreur de date.",
                         source="Rapport annuel")
    from registry.state.accounts import Account

    subs.reject(engine, second.id, "Date exacte.", Account("camille", "Camille Durand"))
    third = subs.create(engine, "signalement", "algo-1", message="Erreur de date, source.",
                        previous_id=second.id, name="Sacha", credit=True)
    env = {"REGISTRY_STATE": str(site["state"]), "REGISTRY_DATA": str(site["data"])}
    backup = tmp_path / "sauvegarde.json"
    done = cli("submissions", "export", "-o", str(backup), env=env)
    assert done.exit_code == 0 and "3 contribution(s) sauvegardée(s)" in done.output
    document = json.loads(backup.read_text(), parse_constant=pytest.fail)
    assert [c["token"] for c in document["contributions"]] == [first.token, second.token,
                                                                third.token]
    restored = {"REGISTRY_STATE": str(tmp_path / "nouvel-etat")}
    done = cli("submissions", "import", str(backup), env=restored)
    assert done.exit_code == 0 and "3 contribution(s) ajoutée(s)" in done.output
    again = cli("submissions", "import", str(backup), env=restored)
    assert "0 contribution(s) ajoutée(s), 3 déjà présente(s)" in again.output
    copy = subs.queue(state_engine({"STATE": str(tmp_path / "nouvel-etat")}))
    assert {(s.id, s.token, s.status, s.reason, s.email, s.decided_by_name, s.source,
             s.previous_id, s.credit) for s in copy} == \
        {(first.id, first.token, "en_attente", "", "a@example.org", "", "", None, False),
         (second.id, second.token, "refusee", "Date exacte.", "", "Camille Durand",
          "Rapport annuel", None, False),
         (third.id, third.token, "en_attente", "", "", "", "", second.id, True)}
    assert next(s for s in copy if s.id == first.id).body_html == first.body_html


@pytest.mark.parametrize("content, message", [
    ("{\"format\": \"registre-contributions\", \"version\": 1, \"contributions\": [NaN]}",
     "NaN"),
    ("[" * 100_000 + "]" * 100_000, "imbriqué"),
    ("{\"format\": \"autre\"}", "pas une sauvegarde"),
    ("\xff\xfe", "UTF-8"),
    ("{\"format\": \"registre-contributions\", \"version\": 1, \"contributions\": "
     "[{\"token\": \"x\"}]}", "jeton de suivi invalide"),
])
def test_bad_backups_are_refused_and_change_nothing(site: dict, cli, tmp_path: Path,
                                                    content: str, message: str) -> None:
    path = tmp_path / "mauvais.json"
    path.write_bytes(content.encode("latin-1") if content.startswith("\xff")
                     else content.encode())
    env = {"REGISTRY_STATE": str(site["state"])}
    done = cli("submissions", "import", str(path), env=env)
    assert done.exit_code == 1 and message in done.output and "Traceback" not in done.output
    assert subs.queue(state_engine(site["settings"])) == []
