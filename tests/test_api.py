"""The JSON API, on the real dataset (done-when checks) and on a small controlled corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.build.pipeline import build
from registry.config import load_settings
from registry.records.model import load_records
from registry.search import FACETS
from tests.conftest import DATA, make_app
from tests.search_corpus import RECORDS, write_corpus


def all_ids(client, query: str, **params: str) -> set[str]:
    response = client.get("/api/v1/algorithmes", query_string={"q": query, "par_page": "100",
                                                                **params})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["resultats"])
    return {r["id"] for r in body["resultats"]}


def records_saying(*phrases: str) -> set[str]:
    out = set()
    for r in load_records(DATA):
        admin = r.administration_name
        text = " ".join([r.meta.get("nom", ""), r.meta.get("resume", ""), admin, r.body]).lower()
        if any(p in text for p in phrases):
            out.add(r.id)
    return out


# --- done-when checks on the real dataset ------------------------------------------------

def test_fraude_finds_the_caf_and_dgfip_records(client) -> None:
    found = all_ids(client, "fraude")
    assert {"cnaf-score-risque", "dgfip-cfvr"} <= found


def test_evaluation_without_accent_finds_evaluations(client) -> None:
    expected = records_saying("évaluations")
    assert expected and expected <= all_ids(client, "evaluation")


def test_cnaf_finds_records_that_spell_it_out(client) -> None:
    expected = records_saying("caisse nationale des allocations familiales",
                              "caisses d'allocations familiales")
    assert expected and expected <= all_ids(client, "CNAF")


def test_typo_gets_a_suggestion(client) -> None:
    body = client.get("/api/v1/algorithmes?q=parcoursupp").get_json()
    assert body["suggestion"] == "parcoursup"
    assert all_ids(client, body["suggestion"]) >= {"parcoursup"}


def test_facet_filter_narrows_the_total_consistently(client) -> None:
    body = client.get("/api/v1/algorithmes?q=fraude").get_json()
    assert set(body["facettes"]) <= set(FACETS)
    for name in ("domaine", "statut", "budget"):
        for facet in body["facettes"][name]:
            narrowed = client.get("/api/v1/algorithmes", query_string={
                "q": "fraude", name: facet["valeur"], "par_page": 100}).get_json()
            assert narrowed["total"] == facet["nombre"] < body["total"] or \
                len(body["facettes"][name]) == 1
            assert narrowed["total"] == len(narrowed["resultats"])


def test_response_shape(client) -> None:
    response = client.get("/api/v1/algorithmes?q=algorithme&par_page=2&page=2")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) == {"total", "page", "par_page", "resultats", "facettes", "suggestion",
                         "message"}
    assert body["page"] == 2 and body["par_page"] == 2 and len(body["resultats"]) == 2
    hit = body["resultats"][0]
    assert set(hit) == {"id", "nom", "administration", "domaine", "statut", "extrait_texte",
                        "surlignages", "extrait", "url"}
    assert hit["url"].endswith(f"/algorithmes/{hit['id']}")
    for values in body["facettes"].values():
        assert all(set(v) == {"valeur", "nombre"} and v["nombre"] > 0 for v in values)


def test_one_record(client) -> None:
    response = client.get("/api/v1/algorithmes/cnaf-score-risque")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "cnaf-score-risque" and body["nom"] and body["transparence"]
    assert body["corps_html"].startswith("<")


@pytest.mark.parametrize("path", ["/api/v1/algorithmes/nexiste-pas", "/api/v1/algorithmes/%00",
                                  "/api/v1/inconnu"])
def test_unknown_ids_are_404_json(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["erreur"]["statut"] == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("params, word", [
    ("page=abc", "page"), ("page=0", "page"), ("page=-3", "page"), ("par_page=1000", "par_page"),
    ("par_page=x", "par_page"), ("tri=hasard", "tri"), ("page=1e3", "page"),
])
def test_bad_parameters_are_400_json_in_french(client, params: str, word: str) -> None:
    response = client.get(f"/api/v1/algorithmes?{params}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    message = response.get_json()["erreur"]["message"]
    assert f"« {word} »" in message and "doit" in message or "accepte" in message


@pytest.mark.parametrize("q", ['"', "AND", "x" * 4000, "caf\x00", "-", "((", "é" * 600])
def test_any_query_is_answered(client, q: str) -> None:
    response = client.get("/api/v1/algorithmes", query_string={"q": q})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] >= 0 and (body["resultats"] or body["total"] == 0)


@pytest.mark.parametrize("q", ["x" * 10_000, "é" * 3000])
def test_too_long_addresses_are_refused_in_json(client, q: str) -> None:
    response = client.get("/api/v1/algorithmes", query_string={"q": q})
    assert response.status_code == 414 and response.mimetype == "application/json"
    assert "trop longue" in response.get_json()["erreur"]["message"]


# --- a controlled corpus ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_client(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("api")
    data = write_corpus(root / "data")
    build(load_settings({"DATA": str(data), "INSTANCE": str(root / "instance")}))
    return make_app(root / "instance", data).test_client()


def test_sort_and_filters_through_the_api(small_client) -> None:
    body = small_client.get("/api/v1/algorithmes?tri=nom&domaine=emploi&domaine=education"
                            ).get_json()
    assert [r["id"] for r in body["resultats"]] == ["ft-match", "pe-controle", "parcoursup"]
    assert body["total"] == 3
    body = small_client.get("/api/v1/algorithmes?q=cnaf&budget=publie").get_json()
    assert [r["id"] for r in body["resultats"]] == ["caf-score"]
    assert "<mark>" in small_client.get("/api/v1/algorithmes?q=évaluation").get_json()[
        "resultats"][0]["extrait"]
    assert small_client.get("/api/v1/algorithmes?page=9").get_json()["resultats"] == []
    assert small_client.get("/api/v1/algorithmes").get_json()["total"] == len(RECORDS)


def test_message_for_a_query_of_stop_words(small_client) -> None:
    body = small_client.get("/api/v1/algorithmes?q=le+la+les").get_json()
    assert body["total"] == len(RECORDS) and "trop courants" in body["message"]


def test_no_index_yet_is_503_json(tmp_path: Path) -> None:
    client = make_app(tmp_path / "vide", tmp_path / "data").test_client()
    response = client.get("/api/v1/algorithmes?q=caf")
    assert response.status_code == 503 and response.get_json()["erreur"]["statut"] == 503
