"""The /couverture page, its CSV and the /api/v1/couverture JSON, on a real build."""

from __future__ import annotations

import csv
import io
import json
import re
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
def app120(dataset: Path, tmp_path_factory: pytest.TempPathFactory):
    instance = built(dataset, tmp_path_factory.mktemp("instance120"))
    return make_app(instance, data=dataset)


@pytest.fixture(scope="module")
def client120(app120):
    return app120.test_client()


def cli_json(cli, data: Path) -> dict:
    result = cli("coverage", "--json", "--data", str(data))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_date(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("date", "tendance")}


def test_page_shows_the_figures(client120) -> None:
    response = client120.get("/couverture")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    row = soup.find(id="critere-evaluation_interne")
    cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
    assert cells[:3] == ["Évaluation interne", "13 / 120 (10,8 %)", "13 / 110 (11,8 %)"]
    budget = soup.find(id="critere-budget").get_text(" ", strip=True)
    assert "18 / 120 (15,0 %)" in budget and "18 / 110 (16,4 %)" in budget
    assert f"{N_RECORDS}" in soup.find(class_="chapo").get_text()


def test_page_is_accessible_markup(client120) -> None:
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    assert not soup.find_all(style=True)
    assert all(s.get("src") for s in soup.find_all("script"))
    for svg in soup.find_all("svg"):
        if svg.get("aria-hidden") == "true":  # a bar beside the figure written in full
            assert svg.find_parent("td").find(class_="fraction")
            continue
        assert svg["role"] == "img"
        title, desc = svg["aria-labelledby"].split()
        assert soup.find(id=title).name == "title" and soup.find(id=desc).name == "desc"
        # a data table follows each chart
        assert svg.find_parent("figure").find_next_sibling("div").find("table")
    for table in soup.find_all("table"):
        assert table.find("caption")
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))


def test_page_method_comes_from_the_catalogue(client120) -> None:
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    method = soup.find(id="legende-methode").find_parent("table").get_text(" ", strip=True)
    for c in cat.CRITERIA:
        assert c.label in method and c.published_means in method
        assert not c.article or c.article in method


def test_page_without_history_says_so(client120) -> None:
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    section = soup.find(id="evolution").find_parent("section").get_text(" ", strip=True)
    assert "historique indisponible" in section
    assert not soup.find(id="graphique-tendance-title")


def test_api_has_the_fixed_shape(client120) -> None:
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


def test_cli_api_and_page_agree(cli, client120, dataset: Path) -> None:
    api = client120.get("/api/v1/couverture").get_json()
    assert without_date(api) == without_date(cli_json(cli, dataset))


def test_csv_download(client120) -> None:
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


def test_csv_bad_table_is_a_french_400(client120) -> None:
    response = client120.get("/couverture.csv?table=<script>")
    assert response.status_code == 400
    text = response.data.decode()
    assert "Tableau inconnu" in text and "<script>" not in text


def test_csv_trend_without_history_is_503(client120) -> None:
    response = client120.get("/couverture.csv?table=tendance")
    assert response.status_code == 503
    assert "historique indisponible" in response.data.decode()


def test_real_dataset_page_and_api_agree_with_cli(cli, client) -> None:
    expected = cli_json(cli, DATA)
    api = client.get("/api/v1/couverture").get_json()
    assert without_date(api) == without_date(expected)
    soup = BeautifulSoup(client.get("/couverture").data, "html.parser")
    for c in expected["criteres"]:
        row = soup.find(id=f"critere-{c['id']}").get_text(" ", strip=True)
        assert c["tous"]["texte"] in row and c["applicables"]["texte"] in row


def test_nav_links_to_the_page(client120) -> None:
    soup = BeautifulSoup(client120.get("/couverture").data, "html.parser")
    current = soup.find("a", attrs={"aria-current": "page"})
    assert current["href"] == "/couverture"


# --- with a git history -----------------------------------------------------------

@pytest.fixture(scope="module")
def app_history(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("history") / "depot"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    data = write_dataset(root / "data")
    commit(root, "records", "2025-01-15T12:00:00+01:00")
    (data / "algo-119.md").unlink()
    commit(root, "remove one", "2025-03-02T12:00:00+01:00")
    instance = built(data, tmp_path_factory.mktemp("instance-history"))
    return make_app(instance, data=data)


def test_page_shows_the_trend(app_history) -> None:
    response = app_history.test_client().get("/couverture")
    soup = BeautifulSoup(response.data, "html.parser")
    for c in cat.CRITERIA:  # one small chart per criterion
        assert soup.find(id=f"graphique-tendance-{c.key}-title")
    table = soup.find(id="legende-evolution").find_parent("table")
    head = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    assert head[1:3] == ["15 janvier 2025 (première version)", "2 mars 2025 (dernière version)"]
    rows = {tr.th.get_text(strip=True): tr.get_text(" ", strip=True)
            for tr in table.tbody.find_all("tr")}
    assert "13 / 120 (10,8 %) 13 / 119 (10,9 %) +0,1 points" in rows["Évaluation interne"]
    cache = Path(app_history.config["INSTANCE"]) / "cache" / CACHE_NAME
    assert len(json.loads(cache.read_text(encoding="utf-8"))["commits"]) == 2


def test_api_and_csv_give_the_trend(app_history) -> None:
    client = app_history.test_client()
    trend = client.get("/api/v1/couverture").get_json()["tendance"]
    assert trend["disponible"] is True
    assert trend["points"][0]["mois"] == "2025-01"
    assert trend["points"][0]["criteres"]["budget"]["tous"]["texte"] == "18 / 120 (15,0 %)"
    rows = list(csv.DictReader(io.StringIO(
        client.get("/couverture.csv?table=tendance").data.decode())))
    assert rows[0]["mois"] == "2025-01" and rows[0]["evaluation_interne_pourcentage"] == "10,8 %"
    commits = list(csv.DictReader(io.StringIO(
        client.get("/couverture.csv?table=historique").data.decode())))
    assert [r["date"][:10] for r in commits] == ["2025-01-15", "2025-03-02"]
    assert commits[0]["fiches"] == "120" and commits[0]["fiches_invalides"] == "0"
    assert commits[0]["evaluation_interne_n"] == "13" and commits[-1]["fiches"] == "119"


# --- in a real browser ------------------------------------------------------------

@pytest.fixture(scope="module")
def server(app_history) -> Iterator[str]:
    with serving(app_history) as url:
        yield url


@pytest.mark.browser
def test_page_passes_axe_in_chromium(server: str, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{server}/couverture")
    assert page.locator("svg[role=img]").count() == 1 + len(cat.CRITERIA)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


# --- figures as of a date or a commit, « Citer ce chiffre » -----------------------

def test_permanent_link_shows_the_figures_of_that_version(app_history) -> None:
    client = app_history.test_client()
    log = git(Path(app_history.config["DATA"]).parent, "log", "--format=%H")
    newest, oldest = log.split()
    soup = BeautifulSoup(client.get("/couverture").data, "html.parser")
    link = soup.select_one(".lien-permanent a")["href"]
    assert link.endswith(f"/couverture?commit={newest}")
    past = client.get(f"/couverture?commit={oldest[:10]}")
    assert past.status_code == 200
    soup = BeautifulSoup(past.data, "html.parser")
    assert "15 janvier 2025" in soup.find(class_="version-passee").get_text()
    row = soup.find(id="critere-evaluation_interne").get_text(" ", strip=True)
    assert "13 / 120 (10,8 %)" in row  # before the March removal: 120 records
    by_date = client.get("/api/v1/couverture?date=2025-02-28").get_json()
    assert by_date["version"]["commit"] == oldest and by_date["total"] == 120
    assert client.get("/api/v1/couverture").get_json()["total"] == 119
    assert client.get(f"/api/v1/couverture?commit={newest}").get_json()["total"] == 119
    csv_past = client.get(f"/couverture.csv?commit={oldest}")
    assert oldest[:10] in csv_past.headers["Content-Disposition"]


@pytest.mark.parametrize("query, status, words", [
    ("commit=zzz", 400, "identifiant de version"), ("commit=" + "0" * 40, 404, "aucune version"),
    ("date=31/12/2025", 400, "AAAA-MM-JJ"), ("date=2020-01-01", 404, "n'existait pas"),
    ("commit=--all", 400, "identifiant de version")])
def test_bad_permanent_links_are_explained(app_history, query: str, status: int,
                                           words: str) -> None:
    client = app_history.test_client()
    page = client.get(f"/couverture?{query}")
    text = BeautifulSoup(page.data, "html.parser").get_text(" ").lower()
    assert page.status_code == status and words.lower() in text
    api = client.get(f"/api/v1/couverture?{query}")
    assert api.status_code == status and words.lower() in api.get_json()["erreur"][
        "message"].lower()


def test_every_figure_can_be_cited(app_history) -> None:
    soup = BeautifulSoup(app_history.test_client().get("/couverture").data, "html.parser")
    blocks = {d["id"]: d for d in soup.select("details.citer")}
    for c in cat.CRITERIA:
        for which in ("tous", "applicables"):
            block = blocks[f"citer-{c.key}-{which}"]
            assert block.summary.get_text(strip=True) == "Citer ce chiffre"
            text = block.get_text(" ", strip=True)
            assert c.label in text and "2 mars 2025" in text or "Au " in text
            assert block.find("a", href=f"#methode-{c.key}")
            assert soup.find(id=f"methode-{c.key}")
            assert block.select("dd a")[-1]["href"].endswith(f"#citer-{c.key}-{which}")
    sentence = blocks["citer-evaluation_interne-tous"].blockquote.get_text(strip=True)
    assert "13 des 119 algorithmes recensés" in sentence and "10,9 %" in sentence
    ranking = soup.find(id="tableau-classement-domaine")
    assert ranking and all(tr.find("details", class_="citer") for tr in ranking.tbody("tr"))
    assert blocks["citer-demandes"] and soup.find(id="methode-demandes")
    first = ranking.tbody.tr.find(class_="fraction").get_text()
    assert re.match(r"\d+ / \d+ \(", first)


def test_english_page_without_history(client120) -> None:
    """Without git history the English page says so in English, the core's reason in French
    (marked lang="fr"), and the figures of the 120 records follow the English locale."""
    soup = BeautifulSoup(client120.get("/en/couverture").data, "html.parser")
    alert = soup.find("section", attrs={"aria-labelledby": "evolution"}).find(class_="alerte")
    assert alert.get_text().startswith("Trend not available: ")
    assert "historique indisponible" in alert.find("span", lang="fr").get_text()
    row = soup.find(id="critere-evaluation_interne").get_text(" ", strip=True)
    assert "13 / 120 (10.8%)" in row
    assert "this site have no history" in soup.find(class_="lien-permanent").get_text()
    response = client120.get("/en/couverture.csv?table=tendance")
    assert response.status_code == 503
    assert "Trend: " in response.data.decode()
