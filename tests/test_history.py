"""The public history of a record, read from git: dates, authors and what changed, in French
from the field-level diff (never the commit subjects)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.records.versions import file_history
from tests.contribrepo import built_app, commit_all, init_repo
from tests.recordfactory import with_etats, write_record


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = init_repo(repo)
    write_record(data, "caf-essai", nom="Score d'essai de la CAF")
    write_record(data, "autre-essai", nom="Autre algorithme")
    commit_all(repo, "Add two records", "2025-01-10T10:00:00+01:00", author="Alice Martin")
    write_record(data, "caf-essai", nom="Score d'essai de la CAF", statut="suspendu",
                 body="## Description\n\nTexte d'essai.\n\nSuspendu en mars.\n")
    commit_all(repo, "Suspend the CAF score", "2025-03-05T09:00:00+01:00",
               author="Bruno Lefèvre")
    write_record(data, "caf-essai", nom="Score d'essai de la CAF", statut="suspendu",
                 transparence=with_etats(code_source="publie"),
                 body="## Description\n\nTexte d'essai.\n\nSuspendu en mars.\n")
    commit_all(repo, "Code published", "2025-05-20T18:30:00+02:00", author="Chloé Durand")
    app = built_app(data, tmp_path / "instance")
    return {"data": data, "client": app.test_client()}


def test_history_page_lists_each_commit_with_its_field_changes(site: dict) -> None:
    response = site["client"].get("/algorithmes/caf-essai/historique")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    versions = soup.select("li.version")
    assert [v.h2.get_text(" ", strip=True) for v in versions] == [
        "20 mai 2025 — Mise à jour : Transparence › Code source",
        "5 mars 2025 — Mise à jour : Statut et Texte de la fiche",
        "10 janvier 2025 — Création de la fiche"]
    assert "Code published" not in response.get_data(as_text=True)  # no commit subject
    assert [li.text for li in versions[0].select("ul.changements li")] == [
        "Transparence › Code source › État : « Inconnu (pas encore vérifié) » devient "
        "« Publié »",
        "Transparence › Code source › Preuve : ajout de https://example.org/code_source"]
    assert [li.text for li in versions[1].select("ul.changements li")] == [
        "Statut : « Déployé » devient « Suspendu »",
        "Texte de la fiche : 3 lignes ajoutées, 1 ligne retirée"]
    assert [v.select_one(".meta-version strong").text for v in versions] == [
        "Chloé Durand", "Bruno Lefèvre", "Alice Martin"]
    latest = {tr.th.contents[0].strip(): [td.get_text(strip=True) for td in tr("td")]
              for tr in versions[0].select("table.diff-champs tbody tr")}
    assert latest == {
        "Transparence › Code source › État": ["« inconnu »", "« publie »"],
        "Transparence › Code source › Preuve": ["absent", "« https://example.org/code_source »"]}
    middle = versions[1]
    assert middle.select_one("table.diff-champs tbody tr td").get_text(strip=True) == \
        "« deploye »"
    body = middle.select_one(".diff-texte pre")
    assert "+Suspendu en mars." in [ins.text for ins in body.select("ins")]
    assert "Création de la fiche." in versions[2].text
    assert versions[0].get("id", "").startswith("version-")


def test_record_page_dates_come_from_git_and_link_to_the_history(site: dict) -> None:
    soup = BeautifulSoup(site["client"].get("/algorithmes/caf-essai").data, "html.parser")
    assert soup.find("time", attrs={"datetime": "2025-05-20T18:30:00+02:00"})
    assert soup.find("a", href="/algorithmes/caf-essai/historique")
    other = BeautifulSoup(site["client"].get("/algorithmes/autre-essai").data, "html.parser")
    assert other.find("time", attrs={"datetime": "2025-01-10T10:00:00+01:00"})


def test_history_of_unknown_record_is_404(site: dict) -> None:
    assert site["client"].get("/algorithmes/inexistant/historique").status_code == 404


def test_history_without_git_says_so(tmp_path: Path) -> None:
    data = tmp_path / "sans-git"
    write_record(data, "caf-essai")
    client = built_app(data, tmp_path / "instance").test_client()
    response = client.get("/algorithmes/caf-essai/historique")
    assert response.status_code == 200
    assert "Historique indisponible" in response.get_data(as_text=True)


def test_file_history_core(site: dict) -> None:
    versions = file_history(site["data"], "caf-essai")
    assert [v.diff.status for v in versions] == ["modifiée", "modifiée", "ajoutée"]
    assert [c.path for c in versions[1].diff.changes] == ["statut"]
    assert versions[1].diff.changes[0].label == "Statut"
    assert file_history(site["data"], "inexistant") == []
