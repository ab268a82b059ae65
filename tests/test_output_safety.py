"""Issue 15, items 3, 4, 5 and 10: what the registry writes is safe to open and to parse.

3. No CSV cell starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return unescaped
   (OWASP's rule against formula injection), in every CSV; our import reads them back.
4. Numbers are numbers: forms and imports refuse nan, inf, 1e999 and negative amounts;
   every JSON output is strict (no NaN, no Infinity).
5. No control characters: forms refuse them; feeds (checked with a strict XML parser) and
   pages never carry them, even from old versions or commit subjects in git.
10. Absolute addresses come from SITE_URL, never from the request's Host header.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.build.pipeline import build
from registry.contributions import queue as subs
from registry.jsonout import dumps
from registry.opendata.crosswalks import REGISTRE, load_mapping
from registry.opendata.exports import FORMATS, export
from registry.opendata.imports import import_csv, import_json
from registry.records.model import load_records
from registry.spreadsheet import TRIGGERS
from registry.state import state_engine
from tests.contribrepo import (
    built_app,
    commit_all,
    form_values,
    git,
    init_repo,
    one_record_repo,
    settings,
)
from tests.recordfactory import administrations_of, record_meta, write_record

A = "{http://www.w3.org/2005/Atom}"
FORMULAS = ["=HYPERLINK(\"https://mechant.example\";\"clic\")", "+33 1 23", "-2+3",
            "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
SITE = "https://registre.example.org"


def strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("formules")
    data = init_repo(root / "depot")
    for i, text in enumerate(FORMULAS):
        write_record(data, f"formule-{i}", nom=text, resume=text,
                     administration={"nom": text.strip() or "x", "type": "etat"},
                     mots_cles=[text, "ordinaire"])
    commit_all(root / "depot", "Add records", "2025-01-10T10:00:00+01:00")
    app = built_app(data, root / "instance", SITE_URL=SITE)
    return {"data": data, "root": root, "client": app.test_client()}


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                                       delimiter=delimiter) for cell in row]


def test_no_csv_cell_can_run_a_formula(formulas: dict) -> None:
    records = load_records(formulas["data"])
    texts = {fmt: export(records, fmt, SITE) for fmt in FORMATS if fmt != "json"}
    client = formulas["client"]
    for table in ("criteres", "fiches", "administration", "domaine"):
        response = client.get(f"/couverture.csv?table={table}")
        assert response.status_code == 200, table
        texts[table] = response.get_data(as_text=True)
    for name in ("algorithmes.csv", "algorithmes-tableur.csv", "algorithmes-odap.csv",
                 "algorithmes-nl-v1.csv"):
        response = client.get(f"/exports/{name}")
        texts[name] = response.get_data(as_text=True)
        response.close()
    for name, text in texts.items():
        cells = _cells(text, ";" if "tableur" in name else ",")
        assert cells, name
        dangerous = [c for c in cells if c.startswith(TRIGGERS)]
        assert not dangerous, (name, dangerous[:5])
    assert "'=HYPERLINK(" in texts["csv"] and "'@SUM(A1:A9)" in texts["fiches"]
    assert "'=HYPERLINK(" in texts["tableur-csv"]


def test_our_csv_export_imports_back_unchanged(formulas: dict, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(export(load_records(formulas["data"]), "csv", SITE), encoding="utf-8")
    report = import_csv(path, REGISTRE, tmp_path / "fiches", "https://example.org/x",
                        administrations=administrations_of(formulas["data"]))
    assert not report.problems, report.problems
    names = sorted(r.meta["nom"] for r in load_records(tmp_path / "fiches"))
    assert names == sorted(FORMULAS)


BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-5", "−5", "1e3", "0x10"]


@pytest.fixture
def site(tmp_path: Path) -> dict:
    data = one_record_repo(tmp_path / "depot")
    app = built_app(data, tmp_path / "instance", CONTRIB_RATE_LIMIT=0, SITE_URL=SITE)
    return {"data": data, "tmp": tmp_path, "app": app, "client": app.test_client(),
            "engine": state_engine(settings(data, tmp_path / "instance"))}


def _correction(client, **changes: str) -> dict:
    picked = "?rubriques=prestataires&rubriques=identification"
    values = form_values(client.get("/algorithmes/caf-essai/corriger" + picked).data)
    values.update({"action": "envoyer", "rubriques": ["prestataires", "identification"],
                   **changes})
    return values


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_forms_refuse_numbers_that_are_not_amounts(site: dict, text: str) -> None:
    values = _correction(site["client"], **{"budget-0-montant_eur": text,
                                            "budget-0-periode": "2024",
                                            "budget-0-source": "essai"})
    response = site["client"].post("/algorithmes/caf-essai/corriger", data=values)
    assert response.status_code == 422
    error = BeautifulSoup(response.data, "html.parser").select_one(
        "#budget-0-montant_eur-erreur")
    assert error is not None and "nombre positif" in error.text
    assert subs.queue(site["engine"]) == []


def test_forms_accept_amounts_written_the_french_way(site: dict) -> None:
    values = _correction(site["client"], **{"budget-0-montant_eur": "34 500 000,50 €",
                                            "budget-0-periode": "2024",
                                            "budget-0-nature": "marché",
                                            "budget-0-source": "essai"})
    response = site["client"].post("/algorithmes/caf-essai/corriger", data=values)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    [sub] = subs.queue(site["engine"])
    assert sub.meta["budget"][0]["montant_eur"] == 34500000.5


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_csv_imports_refuse_numbers_that_are_not_amounts(tmp_path: Path, text: str) -> None:
    path = tmp_path / "registre.csv"
    path.write_text("nom;administration;budget_montant_eur\nScore;Caisse;" + text + "\n",
                    encoding="utf-8")
    report = import_csv(path, load_mapping("odap"), tmp_path / "fiches", "https://example.org")
    assert report.written == [] and "montant" in " ".join(report.problems)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-5"])
def test_json_imports_refuse_numbers_that_are_not_amounts(tmp_path: Path, number: str) -> None:
    item = json.dumps({"id": "caf-essai", **record_meta(), "corps_markdown": "Texte."})
    item = item.replace('"schema": 1', f'"schema": 1, "budget": [{{"montant_eur": {number}, '
                                      '"periode": "2024", "nature": "x", '
                                      '"source": "https://example.org/b"}]')
    path = tmp_path / "fiches.json"
    path.write_text(f"[{item}]", encoding="utf-8")
    report = import_json(path, tmp_path / "fiches")
    assert report.written == [] and report.problems


def test_every_json_output_is_strict(site: dict) -> None:
    assert dumps({"a": math.nan, "b": [math.inf, -math.inf, 1.5]}) == \
        '{"a": null, "b": [null, null, 1.5]}'
    app = site["app"]
    with app.app_context():
        assert strict_json(app.json.dumps({"x": math.nan})) == {"x": None}
    client = site["client"]
    for path in ("/api/v1/algorithmes", "/api/v1/algorithmes/caf-essai", "/api/v1/couverture",
                 "/api/v1/schema", "/api/v1/openapi.json", "/exports/algorithmes.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        strict_json(response.get_data(as_text=True))
        response.close()


def test_a_record_with_nan_never_gives_invalid_json(tmp_path: Path) -> None:
    """Whether or not the validator lets `.nan` through, no JSON output carries NaN."""
    data = tmp_path / "data"
    path = write_record(data, "caf-nan")
    path.write_text(path.read_text().replace(
        "\nsources:", "\nbudget:\n- montant_eur: .nan\n  periode: '2024'\n  nature: x\n"
                      "  source: https://example.org/b\nsources:"), encoding="utf-8")
    try:
        client = built_app(data, tmp_path / "instance").test_client()
    except Exception as exc:  # noqa: BLE001 - a validator refusing .nan is fine too
        assert "montant" in str(exc) or "nombre" in str(exc), exc
        return
    for url in ("/api/v1/algorithmes/caf-nan", "/exports/algorithmes.json"):
        response = client.get(url)
        strict_json(response.get_data(as_text=True))
        response.close()


CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\ufffe"]


@pytest.mark.parametrize("char", CONTROLS)
def test_forms_refuse_control_characters(site: dict, char: str) -> None:
    client = site["client"]
    report = client.post("/algorithmes/caf-essai/signaler",
                         data={"message": f"Erreur{char} de date dans la fiche.",
                               "source": "Rapport annuel"})
    assert report.status_code == 422
    assert "Caractère de contrôle interdit" in BeautifulSoup(
        report.data, "html.parser").select_one("#message-erreur").text
    values = _correction(client, **{"service": f"Caisse{char}"})
    response = client.post("/algorithmes/caf-essai/corriger", data=values)
    assert response.status_code == 422
    assert "Caractère de contrôle interdit" in BeautifulSoup(
        response.data, "html.parser").select_one("#service-erreur").text
    letter = client.post("/algorithmes/caf-essai/demande",
                         data={"kind": "demande", "nom": f"Camille{char}",
                               "date_lettre": "2026-03-10", "documents": "code_source"})
    assert letter.status_code == 422
    assert subs.queue(site["engine"]) == []
    ok = client.post("/algorithmes/caf-essai/signaler",
                     data={"message": "Erreur\tde date,\r\nvoir la source.",
                           "source": "Rapport\tannuel"})
    assert ok.status_code == 303


def test_feeds_and_pages_never_carry_control_characters(tmp_path: Path) -> None:
    """An old version whose name held a NUL and an escape, a commit subject with control
    characters: both Atom feeds parse with a strict XML parser, and no page carries them."""
    repo = tmp_path / "depot"
    data = init_repo(repo)
    caisse = {"nom": "Caisse d'essai", "type": "securite_sociale"}
    path = write_record(data, "caf-essai", nom="Score", administration=caisse)
    path.write_text(path.read_text().replace("nom: Score", 'nom: "Sco\\0re\\e\\x01"'),
                    encoding="utf-8")
    git(repo, "add", "-A")
    subprocess.run(["git", "-c", "user.name=Al\x01ice", "-c", "user.email=a@example.org",
                    "commit", "-q", "-m", "Add\x01 the \x1b[31mscore\x07"], cwd=repo,
                   check=True)
    write_record(data, "caf-essai", nom="Score", administration=caisse, statut="suspendu")
    commit_all(repo, "Suspend\x0b the score\x00", "2025-04-02T11:00:00+02:00") \
        if False else git(repo, "commit", "-qam", "Suspend\x0b the score")
    client = built_app(data, tmp_path / "instance").test_client()
    for url in ("/flux.atom", "/administrations/caisse-d-essai/flux.atom"):
        body = client.get(url).data
        feed = ET.fromstring(body)  # expat: refuses any character XML 1.0 forbids
        titles = [e.findtext(f"{A}title") for e in feed.findall(f"{A}entry")]
        assert titles == ["Score : Mise à jour : Nom et Statut",
                          "Score : Création de la fiche"], titles  # never commit subjects
        assert not any(b < 0x20 and b not in (9, 10, 13) for b in body)
    page = client.get("/algorithmes/caf-essai/historique").get_data(as_text=True)
    assert "Mise à jour : Nom et Statut" in page and "31mscore" not in page
    assert not any(ord(ch) < 0x20 and ch not in "\t\n\r" for ch in page)


def test_absolute_addresses_come_from_site_url_not_from_host(site: dict) -> None:
    client = site["client"]
    evil = {"Host": "mechant.example", "X-Forwarded-Host": "mechant.example"}
    api = client.get("/api/v1/algorithmes", headers=evil).get_json()
    assert api["resultats"][0]["url"] == f"{SITE}/algorithmes/caf-essai"
    openapi = client.get("/api/v1/openapi.json", headers=evil).get_json()
    assert openapi["servers"][0]["url"] == SITE
    feed = client.get("/flux.atom", headers=evil).get_data(as_text=True)
    assert "mechant" not in feed and f'href="{SITE}/algorithmes' in feed
    sent = client.post("/algorithmes/caf-essai/signaler", headers=evil,
                       data={"message": "Erreur de date dans la fiche.",
                             "source": "https://example.org/rapport"})
    tracking = client.get(sent.headers["Location"], headers=evil).get_data(as_text=True)
    address = BeautifulSoup(tracking, "html.parser").select_one(".adresse-suivi").text
    assert address.startswith(f"{SITE}/contributions/")
    letter = client.post("/algorithmes/caf-essai/demande/texte", headers=evil,
                         data={"kind": "demande", "nom": "Camille", "date_lettre": "2026-03-10",
                               "documents": "code_source"}).get_data(as_text=True)
    assert "mechant" not in letter and f"{SITE}/algorithmes/caf-essai" in letter


def test_make_run_serves_with_its_own_address(tmp_path: Path) -> None:
    """`make run HOST= PORT=` sets SITE_URL to where the site really is."""
    import os
    import signal
    import time
    import urllib.request

    from registry.config import PROJECT_ROOT
    from tests.servers import HOST, free_port

    data = tmp_path / "data"
    write_record(data, "algo-un")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "MAKE"))}
    env.update(REGISTRY_DATA=str(data), REGISTRY_INSTANCE=str(tmp_path / "instance"),
               REGISTRY_STATE=str(tmp_path / "state"))
    proc = subprocess.Popen(["make", "-s", "run", f"HOST={HOST}", f"PORT={port}"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                url = f"http://{HOST}:{port}/api/v1/algorithmes"
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.load(response)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "make run did not serve"
                time.sleep(0.3)
        assert body["resultats"][0]["url"] == f"http://{HOST}:{port}/algorithmes/algo-un"
        exported = json.loads((tmp_path / "instance" / "exports" / "algorithmes.json")
                              .read_text())
        assert exported[0]["url"] == f"http://{HOST}:{port}/algorithmes/algo-un"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stderr.close()


def test_build_keeps_exports_consistent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_record(data, "algo-un", nom="=1+1")
    build(settings(data, tmp_path / "instance"), full=True)
    text = (tmp_path / "instance" / "exports" / "algorithmes.csv").read_text()
    assert ",'=1+1," in text
