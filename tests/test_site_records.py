"""The record page on a small made-up corpus: hostile content, sparse and full records."""

from __future__ import annotations

import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.build.pipeline import build
from registry.config import load_settings
from registry.records import catalogue as cat
from tests.conftest import make_app
from tests.recordfactory import with_etats, write_record

HOSTILE_BODY = """## Description

Texte normal.

<script>alert('xss')</script>

<img src="x" onerror="alert('img')">

<a href="javascript:alert('lien')" onclick="alert('clic')">lien piégé</a>

[lien markdown piégé](javascript:alert('md'))

<iframe src="https://example.org"></iframe>

<p style="color:red" onmouseover="alert('survol')">paragraphe</p>

[lien correct](https://example.org/ok)
"""


def _git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2026-03-04T10:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-03-04T10:00:00+00:00"}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site-corpus")
    data, instance = root / "data", root / "instance"
    sent = (date.today() - timedelta(days=10)).isoformat()
    write_record(data, "piege", body=HOSTILE_BODY, nom="Algorithme <b>piégé</b>",
                 resume="Résumé avec <script>alert('resume')</script> dedans.",
                 mots_cles=["<img src=x onerror=alert(1)>"])
    write_record(data, "complet", nom="Algorithme complet", sigle="ALC",
                 administration={"nom": "Caisse d'essai", "type": "securite_sociale",
                                 "siren": "180035024"},
                 criteres=[{"nom": "Revenus", "poids": "fort"}, {"nom": "Âge"}],
                 budget=[{"montant_eur": 1234567.5, "periode": "2024", "nature": "marché",
                          "source": "essai"}],
                 revu_le="2026-02-01",
                 transparence=with_etats(code_source="publie", budget="refuse",
                                         analyse_impact="sans_objet"),
                 demandes=[{"date_envoi": sent, "demandeur": "Association d'essai",
                            "destinataire": "Caisse d'essai", "objet": "Code source",
                            "statut": "en_attente"}])
    write_record(data, "minimal", nom="Algorithme minimal")
    _git(data, "init", "-q")
    _git(data, "add", ".")
    _git(data, "commit", "-q", "-m", "records")
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    return data, instance


@pytest.fixture(scope="module")
def site(corpus: tuple[Path, Path]):
    data, instance = corpus
    return make_app(instance, data=data).test_client()


def page(site, path: str) -> BeautifulSoup:
    response = site.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_hostile_body_renders_inert(site) -> None:
    response = site.get("/algorithmes/piege")
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    body = soup.find(id="presentation")
    assert body.find("script") is None and soup.find("iframe") is None
    for script in soup.find_all("script"):  # only our own static file
        assert script.get("src", "").startswith("/static/")
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        assert "style" not in tag.attrs
    for link in soup.find_all("a", href=True):
        assert not link["href"].strip().lower().startswith("javascript"), link
    assert body.find("a", href="https://example.org/ok")
    assert "Texte normal." in body.get_text()
    # Front matter text is escaped, never interpreted
    assert soup.h1.find("b") is None and "Algorithme <b>piégé</b>" in soup.h1.get_text()
    assert "alert('resume')" in soup.select_one(".chapo").get_text()
    assert "<script>alert('resume')" not in html


def test_hostile_record_in_lists_and_search(site) -> None:
    for path in ("/", "/algorithmes", "/algorithmes?q=dedans", "/algorithmes?q=piégé",
                 "/administrations"):
        html = site.get(path).get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        assert len(soup.find_all("script")) == 1, path
        assert soup.find("b") is None and soup.find("img") is None, path
    hits = BeautifulSoup(site.get("/algorithmes?q=dedans").get_data(as_text=True), "html.parser")
    for excerpt in hits.select(".extrait"):
        assert {t.name for t in excerpt.find_all(True)} <= {"mark"}


def test_missing_information_is_explicit(site) -> None:
    soup = page(site, "/algorithmes/minimal")
    rows = {dt.get_text(): dt.find_next_sibling("dd").get_text().strip()
            for dt in soup.select("dl.champs dt")}
    for key in ("sigle", "service", "date_debut", "public_concerne", "volumetrie", "revu_le"):
        assert rows[cat.label(key)] == "Non renseigné", key
    for key in ("criteres", "donnees", "budget", "evaluations", "demandes"):
        section = soup.find("section", id=f"section-{cat.FIELDS_BY_KEY[key].section}")
        assert "Non renseigné" in section.get_text(), key
    badges = soup.select("ul.checklist .badge")
    assert [b.get_text().strip() for b in badges] == [cat.ETATS["inconnu"]] * len(cat.CRITERIA)


def test_full_record_values_formatted(site) -> None:
    soup = page(site, "/algorithmes/complet")
    text = " ".join(soup.get_text(" ").split())
    assert "1 234 567,5" in text  # French number format
    assert "Caisse d'essai" in text
    admin = page(site, soup.find("a", string="Caisse d'essai")["href"])
    assert "180035024" in admin.get_text() and admin.find("a", href="mailto:prada@example.gouv.fr")
    assert "1er février 2026" in text  # revu_le
    assert "4 mars 2026" in text  # dernière modification, from the git history
    table = next(t for t in soup.select("table") if t.caption.get_text() == cat.label("criteres"))
    assert [td.get_text().strip() for td in table.select("tbody tr")[1].find_all("td")] == [
        "Âge", "Non renseigné", "Non renseigné"]
    items = {li.h3.get_text(): li for li in soup.select("li.critere")}
    code = items[cat.CRITERIA_BY_KEY["code_source"].label]
    assert code.select_one(".badge-publie") and code.find("a", href="https://example.org/code_source")
    assert items[cat.CRITERIA_BY_KEY["budget"].label].select_one(".badge-refuse")
    assert items[cat.CRITERIA_BY_KEY["analyse_impact"].label].select_one(".badge-sans_objet")


def test_access_requests_listed_with_next_deadline(site) -> None:
    soup = page(site, "/algorithmes/complet")
    section = soup.find("section", id="section-demandes")
    text = " ".join(section.get_text(" ").split())
    assert "Association d'essai" in text
    assert cat.DEMANDE_STATUTS["en_attente"] in text
    deadline = section.select_one(".echeance")
    assert deadline is not None and "refus implicite" in deadline.get_text()
    assert deadline.time["datetime"] > date.today().isoformat()


def test_administration_figures(site) -> None:
    listing = page(site, "/administrations")
    link = listing.find("a", string="Caisse d'essai")
    detail = page(site, link["href"])
    text = " ".join(detail.get_text(" ").split())
    assert "1 algorithme dans le registre" in text
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in detail.select("section table tbody tr")}
    assert rows[cat.CRITERIA_BY_KEY["code_source"].label][0].startswith("1 / 1")


def test_home_counts_this_corpus(site) -> None:
    soup = page(site, "/")
    link = soup.find("a", href="/algorithmes?code_source=publie")
    assert " ".join(link.get_text(" ").split()).startswith("1 sur 3")
