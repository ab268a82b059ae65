"""The open-data page, export downloads, published JSON Schema and OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from openapi_spec_validator import validate

from registry.opendata.exports import DATAPACKAGE, DOWNLOADS, FILE_NAMES, LICENCE, csv_columns
from registry.records import catalogue as cat
from tests.conftest import DATA

CHANGELOG = DATA.parent.parent / "docs" / "schema-changelog.md"


@pytest.fixture(scope="module")
def openapi(built_instance):
    from tests.conftest import make_app

    document = make_app(built_instance).test_client().get("/api/v1/openapi.json").get_json()
    validate(document)
    return document


def _validator(document: dict, path: str, status: str = "200") -> jsonschema.Validator:
    """A validator of the response schema of GET `path`, resolving the document's $refs."""
    media = document["paths"][path]["get"]["responses"][status]["content"]
    schema = next(iter(media.values()))["schema"]
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": document["components"], **schema}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def _built_ids(instance: Path) -> list[str]:
    """Ids of the records of the built instance (the dataset may grow while tests run)."""
    items = json.loads((instance / "exports" / "algorithmes.json").read_text(encoding="utf-8"))
    return [item["id"] for item in items]


def test_exports_are_served_with_their_content_type(client, built_instance) -> None:
    for name in DOWNLOADS:
        with client.get(f"/exports/{name}") as response:
            assert response.status_code == 200, name
            expected = {"json": "application/json; charset=utf-8",
                        "csv": "text/csv; charset=utf-8",
                        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml."
                                "sheet"}[name.rsplit(".", 1)[1]]
            assert response.content_type == expected, name
            if name != DATAPACKAGE:
                assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
            assert response.data == (built_instance / "exports" / name).read_bytes()
    with client.get("/exports/algorithmes.csv") as response:
        rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == csv_columns()
    assert len(rows) - 1 == len(_built_ids(built_instance)) > 50


@pytest.mark.parametrize("name", ["../registry.sqlite", "..%2Fregistry.sqlite", "registry.sqlite",
                                  "%2e%2e%2f%2e%2e%2fetc%2fpasswd", ".algorithmes.json.1.tmp",
                                  "algorithmes.JSON"])
def test_only_known_export_names_are_served(client, name: str) -> None:
    response = client.get(f"/exports/{name}")
    assert response.status_code == 404
    assert b"SQLite" not in response.data


def test_missing_exports_give_a_french_503(tmp_path) -> None:
    from tests.conftest import make_app

    response = make_app(tmp_path).test_client().get("/exports/algorithmes.json")
    assert response.status_code == 503
    assert "pas encore été construits" in response.text
    assert "registry " not in response.text  # a visitor is never sent to the command line


def test_donnees_page_lists_downloads_licence_schema_and_api(client) -> None:
    response = client.get("/donnees")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.h1.get_text() == "Données ouvertes"
    hrefs = {a["href"] for a in soup.select("main a[href]")}
    for name in DOWNLOADS:
        assert f"/exports/{name}" in hrefs
    assert {"/api/v1/schema", "/api/v1/openapi.json", "/api/v1/algorithmes", "/api",
            "/donnees/dcat.jsonld"} <= hrefs
    assert "Licence Ouverte 2.0" in soup.main.get_text()
    for href in hrefs - {h for h in hrefs if h.startswith("http")}:
        with client.get(href) as linked:
            assert linked.status_code == 200, href


def test_schema_is_versioned_and_has_a_changelog(client) -> None:
    response = client.get("/api/v1/schema")
    assert response.mimetype == "application/schema+json"
    schema = response.get_json()
    assert schema["$id"].endswith(f"/api/v1/schema/{cat.SCHEMA_VERSION}")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert client.get(f"/api/v1/schema/{cat.SCHEMA_VERSION}").get_json() == schema
    missing = client.get(f"/api/v1/schema/{cat.SCHEMA_VERSION + 1}")
    assert missing.status_code == 404 and "erreur" in missing.get_json()
    changelog = CHANGELOG.read_text(encoding="utf-8")
    assert f"## Version {cat.SCHEMA_VERSION}" in changelog
    assert schema["$id"] in changelog
    # Every record of the dataset, as exported in JSON, validates against the published schema.
    validator = jsonschema.Draft202012Validator(schema)
    with client.get("/exports/algorithmes.json") as response:
        items = json.loads(response.text)
    for item in items:
        front = {k: v for k, v in item.items()
                 if k not in ("url", "licence", "siren", "corps_markdown",
                              "administration_detail")}
        front["schema"] = item["schema"]
        assert not list(validator.iter_errors(front)), item["id"]


def test_openapi_document_covers_the_api(openapi: dict) -> None:
    assert openapi["openapi"].startswith("3.1")
    assert {"/api/v1/algorithmes", "/api/v1/algorithmes/{id}", "/api/v1/couverture",
            "/api/v1/schema", "/exports/{nom}"} <= set(openapi["paths"])
    names = openapi["paths"]["/exports/{nom}"]["get"]["parameters"][0]["schema"]["enum"]
    assert names == list(DOWNLOADS) and set(FILE_NAMES.values()) < set(names)
    assert "/api/v1/reglement-ia" in openapi["paths"]
    assert "Licence Ouverte 2.0" in openapi["info"]["description"]


def test_search_responses_match_the_openapi_schema(client, openapi: dict,
                                                  built_instance) -> None:
    ids = _built_ids(built_instance)
    validator = _validator(openapi, "/api/v1/algorithmes")
    for query in ("", "?q=fraude", "?q=caf+contr", "?domaine=social&par_page=5&page=2",
                  "?q=zzzzqqq", "?q=fraud&tri=nom", "?regles_publiees=publie&statut=deploye"):
        data = client.get("/api/v1/algorithmes" + query).get_json()
        validator.validate(data)
    data = client.get("/api/v1/algorithmes?par_page=100").get_json()
    assert data["total"] == len(ids) and data["resultats"]


def test_record_responses_match_the_openapi_schema(client, openapi: dict,
                                                  built_instance) -> None:
    validator = _validator(openapi, "/api/v1/algorithmes/{id}")
    for ident in _built_ids(built_instance):
        response = client.get(f"/api/v1/algorithmes/{ident}")
        assert response.status_code == 200
        errors = [e.message for e in validator.iter_errors(response.get_json())]
        assert not errors, (ident, errors[:3])


def test_coverage_schema_and_error_schemas_match(client, openapi: dict) -> None:
    _validator(openapi, "/api/v1/couverture").validate(client.get("/api/v1/couverture").get_json())
    missing = client.get("/api/v1/algorithmes/nexiste-pas")
    assert missing.status_code == 404
    _validator(openapi, "/api/v1/algorithmes/{id}", "404").validate(missing.get_json())
    bad = client.get("/api/v1/algorithmes?par_page=1000")
    assert bad.status_code == 400
    _validator(openapi, "/api/v1/algorithmes", "400").validate(bad.get_json())


def test_schema_response_shape_is_checked_strictly(client, openapi: dict,
                                                   built_instance) -> None:
    """The strict schemas catch a drift: an unknown property in a record fails validation."""
    validator = _validator(openapi, "/api/v1/algorithmes/{id}")
    data = client.get(f"/api/v1/algorithmes/{_built_ids(built_instance)[0]}").get_json()
    assert not validator.is_valid({**data, "inattendu": 1})
    assert not validator.is_valid({k: v for k, v in data.items() if k != "corps_html"})
    assert LICENCE
