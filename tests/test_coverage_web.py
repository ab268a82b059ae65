"""The /couverture page, its CSV and the /api/v1/couverture JSON, on a real build."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.build.pipeline import build
from registry.config import load_settings
from registry.coverage.trend import CACHE_NAME
from registry.records import catalogue as cat
from tests.conftest import DATA, make_app, serving
from tests.test_coverage import N_RECORDS, write_dataset
from tests.test_coverage_trend import commit, git


def built(data: Path, instance: Path) -> Path:
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    return instance


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("web") / "algorithms")


@pytest.fixture(scope="module")
def app120(dataset: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    instance = built(dataset, tmp_path_factory.mktemp("instance120"))
    return make_app(instance, data=dataset)


@pytest.fixture(scope="module")
def client120(app120):  # noqa: ANN001, ANN201
    return app120.test_client()


def cli_json(cli, data: Path) -> dict:  # noqa: ANN001
    result = cli("coverage", "--json", "--data", str(data))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_date(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("date", "tendance")}


def test_page_shows_the_figures(client120) -> None:  # noqa: ANN001
    response = client120.get("/couverture")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    row = soup.find(id="critere-evaluation_interne")
    cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
    assert cells[:3] == ["Évaluation interne", "13 / 120 (10,8 %)", "13 / 110 (11,8 %)"]
    budget = soup.find(id="critere-budget").get_text(" ", strip=True)
    assert "18 / 120 (15,0 %)" in budget and "18 / 110 (16,4 %)" in budget
    assert f"{N_RECORDS}" in soup.find(class_="chapo").get_text()


def test_page_is_accessible_markup(client120) -> None:  # noqa: ANN001
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    assert not soup.find_all(style=True)
    assert all(s.get("src") for s in soup.find_all("script"))
    for svg in soup.find_all("svg"):
        assert svg["role"] == "img"
        title, desc = svg["aria-labelledby"].split()
        assert soup.find(id=title).name == "title" and soup.find(id=desc).name == "desc"
        # a data table follows each chart
        assert svg.find_parent("figure").find_next_sibling("div").find("table")
    for table in soup.find_all("table"):
        assert table.find("caption")
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))


def test_page_method_comes_from_the_catalogue(client120) -> None:  # noqa: ANN001
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    method = soup.find(id="legende-methode").find_parent("table").get_text(" ", strip=True)
    for c in cat.CRITERIA:
        assert c.label in method and c.published_means in method
        assert not c.article or c.article in method


def test_page_without_history_says_so(client120) -> None:  # noqa: ANN001
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    section = soup.find(id="evolution").find_parent("section").get_text(" ", strip=True)
    assert "historique indisponible" in section
    assert not soup.find(id="graphique-tendance-title")


def test_api_has_the_fixed_shape(client120) -> None:  # noqa: ANN001
    response = client120.get("/api/v1/couverture")
    assert response.status_code == 200
    data = response.get_json()
    assert {"total", "criteres", "par_administration", "date"} <= set(data)
    assert data["total"] == N_RECORDS
    criteres = {c["id"]: c for c in data["criteres"]}
    evaluation = criteres["evaluation_interne"]
    assert {"id", "libelle", "etats", "publie", "tous", "applicables"} <= set(evaluation)
    assert evaluation["libelle"] == "Évaluation interne"
    assert evaluation["etats"]["partiel"] == 20 and evaluation["etats"]["obtenu"] == 7
    assert {k: evaluation["tous"][k] for k in ("n", "N", "pourcentage")} == {
        "n": 13, "N": 120, "pourcentage": "10,8 %"}
    assert criteres["budget"]["tous"]["pourcentage"] == "15,0 %"
    assert data["tendance"]["disponible"] is False


def test_cli_api_and_page_agree(cli, client120, dataset: Path) -> None:  # noqa: ANN001
    api = client120.get("/api/v1/couverture").get_json()
    assert without_date(api) == without_date(cli_json(cli, dataset))


def test_csv_download(client120) -> None:  # noqa: ANN001
    response = client120.get("/couverture.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    evaluation = next(r for r in rows if r["critere"] == "evaluation_interne")
    assert (evaluation["tous_n"], evaluation["tous_N"], evaluation["tous_pourcentage"]) == (
        "13", "120", "10,8 %")
    fiches = client120.get("/couverture.csv?table=fiches")
    assert len(list(csv.DictReader(io.StringIO(fiches.data.decode())))) == N_RECORDS


def test_csv_bad_table_is_a_french_400(client120) -> None:  # noqa: ANN001
    response = client120.get("/couverture.csv?table=<script>")
    assert response.status_code == 400
    text = response.data.decode()
    assert "Tableau inconnu" in text and "<script>" not in text


def test_csv_trend_without_history_is_503(client120) -> None:  # noqa: ANN001
    response = client120.get("/couverture.csv?table=tendance")
    assert response.status_code == 503
    assert "historique indisponible" in response.data.decode()


def test_real_dataset_page_and_api_agree_with_cli(cli, client) -> None:  # noqa: ANN001
    expected = cli_json(cli, DATA)
    api = client.get("/api/v1/couverture").get_json()
    assert without_date(api) == without_date(expected)
    soup = BeautifulSoup(client.get("/couverture").data, "html.parser")
    for c in expected["criteres"]:
        row = soup.find(id=f"critere-{c['id']}").get_text(" ", strip=True)
        assert c["tous"]["texte"] in row and c["applicables"]["texte"] in row


def test_nav_links_to_the_page(client120) -> None:  # noqa: ANN001
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    current = soup.find("a", attrs={"aria-current": "page"})
    assert current["href"] == "/couverture"


# --- with a git history -----------------------------------------------------------

@pytest.fixture(scope="module")
def app_history(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("history") / "depot"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    data = write_dataset(root / "data")
    commit(root, "records", "2025-01-15T12:00:00+01:00")
    (data / "algo-119.md").unlink()
    commit(root, "remove one", "2025-03-02T12:00:00+01:00")
    instance = built(data, tmp_path_factory.mktemp("instance-history"))
    return make_app(instance, data=data)


def test_page_shows_the_trend(app_history) -> None:  # noqa: ANN001
    response = app_history.test_client().get("/couverture")
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find(id="graphique-tendance-title")
    table = soup.find(id="legende-evolution").find_parent("table")
    rows = {tr.th.get_text(strip=True): tr.get_text(" ", strip=True)
            for tr in table.tbody.find_all("tr")}
    assert "13 / 120 (10,8 %)" in rows["janvier 2025"]
    assert "13 / 120 (10,8 %)" in rows["février 2025"]
    assert "13 / 119 (10,9 %)" in rows["mars 2025"]
    cache = Path(app_history.config["INSTANCE"]) / "cache" / CACHE_NAME
    assert len(json.loads(cache.read_text(encoding="utf-8"))["commits"]) == 2


def test_api_and_csv_give_the_trend(app_history) -> None:  # noqa: ANN001
    client = app_history.test_client()
    trend = client.get("/api/v1/couverture").get_json()["tendance"]
    assert trend["disponible"] is True
    assert trend["points"][0]["mois"] == "2025-01"
    assert trend["points"][0]["criteres"]["budget"]["tous"]["texte"] == "18 / 120 (15,0 %)"
    rows = list(csv.DictReader(io.StringIO(
        client.get("/couverture.csv?table=tendance").data.decode())))
    assert rows[0]["mois"] == "2025-01" and rows[0]["evaluation_interne_pourcentage"] == "10,8 %"


# --- in a real browser ------------------------------------------------------------

@pytest.fixture(scope="module")
def server(app_history) -> Iterator[str]:  # noqa: ANN001
    with serving(app_history) as url:
        yield url


@pytest.mark.browser
def test_page_passes_axe_in_chromium(server: str, page) -> None:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{server}/couverture")
    assert page.locator("svg[role=img]").count() == 2
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
