"""/reglement-ia, its JSON and the « Prêts pour l'AI Act » block of /couverture, on real builds."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from registry.build.pipeline import build
from registry.config import load_settings
from registry.coverage import readiness
from registry.law import aiact
from registry.records.model import load_records
from tests.aiactrecords import CASES, set_obligation, write_cases
from tests.conftest import DATA, make_app


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("ia-web")
    data = write_cases(root / "algorithms")
    settings = load_settings({"DATA": str(data), "INSTANCE": str(root / "instance")})
    build(settings, full=True)
    return {"app": make_app(root / "instance", data=data), "data": data, "settings": settings}


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.data, "html.parser")


def test_page_lists_every_category_with_its_systems_linked(small: dict) -> None:
    page = soup(small["app"].test_client().get("/reglement-ia"))
    assert page.h1.get_text() == "Le règlement européen sur l'IA, système par système"
    for key, label in aiact.CATEGORIES.items():
        heading = page.find(id=f"categorie-{key}")
        assert heading is not None and heading.get_text().startswith(label), key
    for ident in CASES:
        item = page.find(id=f"systeme-{ident}")
        assert item is not None, ident
        assert item.find("a")["href"] == f"/algorithmes/{ident}#section-ai_act"
    # the judgement flag, system by system
    assert page.find(id="systeme-hr-pret").get_text(" ", strip=True).endswith(
        "Classification officielle")
    assert "Appréciation du registre" in page.find(id="systeme-hr-obtenu").get_text()
    # high-risk systems grouped by Annex III point, in the table's order
    points = [h["id"] for h in page.find(id="categorie-haut_risque").parent.find_all("h3")]
    assert points == ["point-haut_risque-annexe-iii-2", "point-haut_risque-annexe-iii-4-a",
                      "point-haut_risque-annexe-iii-5-a"]


def test_obligations_with_article_date_and_evidence(small: dict) -> None:
    page = soup(small["app"].test_client().get("/reglement-ia"))
    for o in aiact.OBLIGATIONS:
        row = page.find(id=f"obligation-{o.key}")
        cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
        assert cells[0] == o.label
        assert cells[1].startswith(f"{o.article} :")
        assert row.find("a")["href"] == o.references[0].url
        assert row.find("time")["datetime"] == aiact.applies_from(o).isoformat()
    fria = [c.get_text(" ", strip=True) for c in page.find(id="obligation-fria").find_all("td")]
    assert fria[2] == "4 / 5 (80,0 %)" and fria[3:] == ["1", "0", "0", "0", "0", "1"]
    info = [c.get_text(" ", strip=True)
            for c in page.find(id="obligation-information").find_all("td")]
    assert info[2] == "2 / 4 (50,0 %)"
    text = page.find(id="categorie-haut_risque").parent.get_text(" ", strip=True)
    assert "2 / 5 (40,0 %)" in text and "3 / 5 (60,0 %)" in text
    explanation = page.find(id="droit-explication").get_text(" ", strip=True)
    assert aiact.EXPLANATION_RIGHT.article in explanation and explanation.endswith(": 5 .")
    calendar = [t["datetime"] for t in page.find(id="tableau-calendrier").find_all("time")]
    assert calendar == [d.when.isoformat() for d in aiact.DATES]
    assert "encore en service" in page.find(id="categorie-interdit").parent.get_text()


def test_page_links_to_the_eu_database_export(small: dict) -> None:
    client = small["app"].test_client()
    page = soup(client.get("/reglement-ia"))
    hrefs = [a["href"] for a in page.find(id="base-ue").parent.find_all("a", href=True)
             if a["href"].startswith("/exports/")]
    assert hrefs == ["/exports/ia-haut-risque-base-ue.csv", "/exports/ia-haut-risque-base-ue.json"]
    for href in hrefs:
        with client.get(href) as response:
            assert response.status_code == 200
    items = page.find(id="base-ue").parent.find("ol").find_all("li")
    assert len(items) == len(aiact.DEPLOYER_REGISTRATION)


def test_coverage_block_shows_the_figure(small: dict) -> None:
    page = soup(small["app"].test_client().get("/couverture"))
    block = page.find(id="prets-ai-act").parent
    assert "3 / 7 (42,9 %)" in block.get_text()
    row = [c.get_text(" ", strip=True) for c in block.find(id="prets-haut_risque")
           .find_all(["th", "td"])]
    assert row == [aiact.CATEGORIES["haut_risque"], "6", "2 décembre 2027", "2 / 5 (40,0 %)",
                   "3 / 5 (60,0 %)"]
    assert block.find("a", href="/reglement-ia") is not None


def test_json_carries_the_figures_and_the_dates(small: dict) -> None:
    data = small["app"].test_client().get("/api/v1/reglement-ia").get_json()
    assert data["prets"]["texte"] == "3 / 7 (42,9 %)"
    assert [d["id"] for d in data["dates"]] == [d.key for d in aiact.DATES]
    assert all(d["sources"] for d in data["dates"])
    assert {c["id"] for c in data["categories"]} == set(aiact.CATEGORIES)


def _latest(app: Flask) -> dict:
    """The figures of the newest build this process knows (registry.web.overview)."""
    return list(app.extensions["registry_overview"].values())[-1]


def test_figures_are_computed_once_per_build(small: dict) -> None:
    app, data = small["app"], small["data"]
    client = app.test_client()
    client.get("/reglement-ia")
    first = _latest(app)["aiact"]
    client.get("/couverture")
    client.get("/reglement-ia")
    assert _latest(app)["aiact"] is first
    # a new build is seen: the figures are computed again
    path = data / "tr-inconnu.md"
    original = path.read_text(encoding="utf-8")
    try:
        set_obligation(path, "transparence_art50", "publie")
        build(small["settings"])
        assert "4 / 7 (57,1 %)" in client.get("/reglement-ia").get_data(as_text=True)
        assert _latest(app)["aiact"] is not first
    finally:
        path.write_text(original, encoding="utf-8")
        build(small["settings"])


def test_real_register_page_and_record_link(client) -> None:
    page = soup(client.get("/reglement-ia"))
    expected = readiness.compute(load_records(DATA))
    high = expected.by_key["haut_risque"]
    heading = page.find(id="categorie-haut_risque").get_text()
    assert heading.endswith(f"{high.total} système{'s' if high.total != 1 else ''}")
    links = {a["href"].split("#")[0] for a in page.select("[id^=systeme-] a")}
    assert len(links) == expected.total
    record = soup(client.get("/algorithmes/cnaf-score-risque"))
    link = record.find(id="section-ai_act").find("a", href="/reglement-ia#categorie-haut_risque")
    assert link is not None
    assert "Règlement européen sur l'IA" in [a.get_text() for a in
                                             soup(client.get("/reglement-ia")).select(
                                                 "nav.ariane a")]
