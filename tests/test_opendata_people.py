"""Open data for people: the « tableur » CSV and the XLSX workbook read back, the Data Package
validated with frictionless, the OpenAPI document generated from the models and checked
against real answers, plain-text excerpts, CORS, DCAT and the /api documentation page (its
Python examples run against a real server)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import frictionless
import openpyxl
import pytest
from bs4 import BeautifulSoup

from registry.build.pipeline import build
from registry.config import load_settings
from registry.opendata import tables
from registry.opendata.exports import DATAPACKAGE, FILE_NAMES, WORKBOOK, csv_columns
from registry.records import catalogue as cat
from registry.search import plain_excerpt
from tests.conftest import make_app, serving
from tests.recordfactory import write_record

TABLEUR = FILE_NAMES["tableur-csv"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three records, one with a formula-looking text, a budget, a request and a list."""
    root = tmp_path_factory.mktemp("people")
    data = root / "data" / "algorithms"
    write_record(data, "alpha", nom="Alpha", volumetrie="=HYPERLINK(\"http://evil\")",
                 mots_cles=["contrôle", "fraude"],
                 budget=[{"montant_eur": 1250000.5, "periode": "2024", "nature": "marché",
                          "source": "essai"}],
                 demandes=[{"date_envoi": "2026-03-10", "demandeur": "Une association",
                            "destinataire": "CNAF", "objet": "Code source",
                            "statut": "en_attente", "source": "essai"}])
    write_record(data, "beta", nom="Beta", statut="abandonne")
    write_record(data, "gamma", nom="Gamma")
    instance = root / "instance"
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    return instance


def test_tableur_csv_has_a_bom_semicolons_and_labels(small: Path) -> None:
    raw = (small / "exports" / TABLEUR).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [c.label for c in tables.ALGORITHMS.columns]
    assert len(set(rows[0])) == len(rows[0])  # every header says what it is, once
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert sorted(by_id) == ["alpha", "beta", "gamma"]
    alpha = by_id["alpha"]
    assert alpha["Statut"] == cat.STATUTS["deploye"] and by_id["beta"]["Statut"] == "Abandonné"
    assert alpha["Mots-clés"] == "contrôle | fraude"
    assert alpha["Volumétrie"] == "'=HYPERLINK(\"http://evil\")"  # never run as a formula
    assert alpha["Budget"] == "2024 (montant (€) : 1\u202f250\u202f000,5 ; nature : marché)"
    assert alpha["Transparence : Code source"] == cat.ETATS["inconnu"]
    assert alpha["Demandes d'accès"].startswith("Une association (envoyée le : 2026-03-10")
    assert "{" not in alpha["Sources"]  # no JSON in a cell for people


def test_machine_csv_stays_as_it_is(small: Path) -> None:
    raw = (small / "exports" / FILE_NAMES["csv"]).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(raw.decode(), newline=""))) == csv_columns()


def test_workbook_reads_back_with_a_sheet_per_table(small: Path) -> None:
    book = openpyxl.load_workbook(small / "exports" / WORKBOOK)
    assert book.sheetnames == ["À propos", "Algorithmes", "Transparence", "Sources",
                               "Budgets", "Demandes", "Administrations", "Colonnes"]
    for table in tables.TABLES:
        sheet = book[table.title]
        assert [c.value for c in sheet[1]] == [c.label for c in table.columns]
        assert sheet.freeze_panes == "B2" and sheet["A1"].font.b
    algorithms = book["Algorithmes"]
    assert algorithms.max_row == 4
    header = [c.value for c in algorithms[1]]
    alpha = dict(zip(header, [c.value for c in algorithms[2]], strict=True))
    volume = algorithms.cell(2, header.index("Volumétrie") + 1)
    assert volume.value == "=HYPERLINK(\"http://evil\")" and volume.data_type == "s"
    assert alpha["Statut"] == "Déployé" and alpha["Version du schéma"] == 2
    assert book["Transparence"].max_row == 1 + 3 * len(cat.CRITERIA)
    budget = [c.value for c in book["Budgets"][2]]
    assert budget[:3] == ["alpha", "Alpha", 1250000.5]  # a number, not a text
    assert book["Demandes"].max_row == 2 and book["Demandes"]["B2"].value == "Alpha"
    described = {(r[0], r[1]) for r in book["Colonnes"].iter_rows(min_row=2, values_only=True)}
    assert described == {(t.title, c.label) for t in tables.TABLES for c in t.columns}
    about = {r[0]: r[1] for r in book["À propos"].iter_rows(min_row=2, values_only=True)}
    assert "Licence Ouverte 2.0" in about["Licence"]


def test_workbook_follows_an_incremental_rebuild(small: Path, tmp_path: Path) -> None:
    data = tmp_path / "data" / "algorithms"
    instance = tmp_path / "instance"
    for ident in ("un", "deux"):
        write_record(data, ident, nom=ident.capitalize())
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings, full=True)
    write_record(data, "deux", nom="Deux, renommé")
    write_record(data, "trois", nom="Trois")
    build(settings)
    sheet = openpyxl.load_workbook(instance / "exports" / WORKBOOK)["Algorithmes"]
    names = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Deux, renommé", "Trois", "Un"]
    assert sheet.auto_filter.ref.endswith("4")


def test_data_package_validates_with_frictionless(small: Path) -> None:
    package = json.loads((small / "exports" / DATAPACKAGE).read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [
        FILE_NAMES[f] for f in ("csv", "tableur-csv", "odap-csv", "nl-csv")]
    assert package["licenses"][0]["name"] == "etalab-2.0"
    report = frictionless.validate(small / "exports" / DATAPACKAGE)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:5]
    machine = package["resources"][0]["schema"]["fields"]
    states = next(f for f in machine if f["name"] == "transparence.code_source.etat")
    assert states["constraints"]["enum"] == list(cat.ETATS)


def test_data_package_catches_a_wrong_value(small: Path, tmp_path: Path) -> None:
    """The Table Schemas say something: a state that does not exist fails validation."""
    folder = tmp_path / "copie"
    folder.mkdir()
    for resource in ("csv", "tableur-csv", "odap-csv", "nl-csv"):
        name = FILE_NAMES[resource]
        (folder / name).write_bytes((small / "exports" / name).read_bytes())
    package = json.loads((small / "exports" / DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in package["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (folder / DATAPACKAGE).write_text(json.dumps(package), encoding="utf-8")
    text = (folder / FILE_NAMES["csv"]).read_text(encoding="utf-8")
    (folder / FILE_NAMES["csv"]).write_text(text.replace(",inconnu,", ",peut-etre,", 1),
                                            encoding="utf-8")
    report = frictionless.validate(folder / DATAPACKAGE)
    assert not report.valid
    assert "constraint-error" in {e.type for t in report.tasks for e in t.errors}


def test_real_dataset_package_is_valid(built_instance: Path) -> None:
    report = frictionless.validate(built_instance / "exports" / DATAPACKAGE)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:5]


# --- API ------------------------------------------------------------------------------------

def test_excerpt_as_plain_text_with_offsets(client) -> None:
    body = client.get("/api/v1/algorithmes?q=fraude&par_page=20").get_json()
    assert body["resultats"]
    for hit in body["resultats"]:
        text = hit["extrait_texte"]
        assert "<" not in text or "<mark>" not in text
        words = [text[s["debut"]:s["fin"]] for s in hit["surlignages"]]
        assert all(w and w.lower().startswith("fraud") for w in words), words
        marked = re.findall(r"<mark>(.*?)</mark>", hit["extrait"])
        assert words == [w.replace("&amp;", "&") for w in marked]
    assert plain_excerpt("a &lt;b&gt; <mark>c&amp;d</mark> e") == ("a <b> c&d e", [(6, 9)])


def test_openapi_is_generated_from_the_models(client) -> None:
    from registry.opendata import apimodels

    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["Resultat"]["properties"]["extrait"]["deprecated"] is True
    for model in apimodels.RESPONSE_MODELS:  # every field of every model is documented
        assert set(model.model_fields) <= set(schemas[model.__name__]["properties"])
    assert schemas["Resultats"]["additionalProperties"] is False
    assert {"Surlignage", "Chiffre", "Couverture", "PointHistorique"} <= set(schemas)
    params = {p["name"] for p in document["paths"]["/api/v1/couverture"]["get"]["parameters"]}
    assert params == {"commit", "date"}


def test_cors_for_reading_the_open_data(client) -> None:
    for path in ("/api/v1/algorithmes", "/api/v1/couverture", "/exports/algorithmes.csv",
                 "/donnees/dcat.jsonld", "/api/v1/nexiste-pas"):
        with client.get(path, headers={"Origin": "https://outil.example"}) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*", path
            assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options("/api/v1/algorithmes", headers={
        "Origin": "https://outil.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    for path in ("/donnees", "/couverture", "/api"):  # pages of the site: no CORS
        assert "Access-Control-Allow-Origin" not in client.get(path).headers, path


def test_donnees_page_has_dcat_metadata(client) -> None:
    soup = BeautifulSoup(client.get("/donnees").data, "html.parser")
    terms = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
             for dt in soup.select("dl.metadonnees dt")}
    assert {"Titre", "Licence", "Éditeur", "Mise à jour"} <= set(terms)
    assert "Licence Ouverte 2.0" in terms["Licence"]
    assert re.search(r"\d{4}", terms["Mise à jour"])
    assert soup.find("link", rel="alternate", type="application/ld+json")
    dcat = client.get("/donnees/dcat.jsonld")
    assert dcat.mimetype == "application/ld+json"
    data = dcat.get_json()
    assert data["@type"] == "dcat:Dataset" and data["dct:modified"]
    urls = {d["dcat:downloadURL"]["@id"].rsplit("/", 1)[1] for d in data["dcat:distribution"]}
    assert {WORKBOOK, TABLEUR, DATAPACKAGE} <= urls


def test_api_page_documents_every_operation(client) -> None:
    response = client.get("/api")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    document = client.get("/api/v1/openapi.json").get_json()
    text = soup.main.get_text(" ", strip=True)
    for path in document["paths"]:
        assert f"GET {path}" in text
    for ident in ("exemple-recherche", "exemple-fiche", "exemple-couverture", "exemple-exports"):
        section = soup.find(id=ident).find_parent("section")
        assert section.find(class_="exemple-curl") and section.find(class_="exemple-python")
    assert "extrait_texte" in text and "déconseillé" in text
    assert not soup.find_all(style=True) and not soup.find_all("script", src=False)


def test_api_page_examples_run(built_instance: Path) -> None:
    """Each Python example of the page, run as written against a real server, answers."""
    app = make_app(built_instance)
    with serving(app) as url:
        app.config["SITE_URL"] = url
        soup = BeautifulSoup(app.test_client().get("/api").data, "html.parser")
        codes = [c.get_text() for c in soup.select("code.exemple-python")]
        assert len(codes) == 4
        for code in codes:
            assert url in code
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  timeout=60, check=False)
            assert done.returncode == 0, (code, done.stderr[-500:])
            assert done.stdout.strip(), code
        curls = [c.get_text() for c in soup.select("code.exemple-curl")]
        assert all(line.startswith("curl -s") and url in line
                   for c in curls for line in c.splitlines())
