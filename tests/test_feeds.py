"""Atom feeds of record changes: the whole registry and one administration."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from tests.contribrepo import built_app, commit_all, init_repo
from tests.recordfactory import write_record

A = "{http://www.w3.org/2005/Atom}"
CAF = {"nom": "Caisse d'essai", "type": "securite_sociale"}
VILLE = {"nom": "Ville d'essai", "type": "collectivite"}


@pytest.fixture
def client(tmp_path: Path):
    repo = tmp_path / "depot"
    data = init_repo(repo)
    write_record(data, "caf-essai", nom="Score de la caisse", administration=CAF)
    write_record(data, "ville-essai", nom="Cantine de la ville", administration=VILLE)
    commit_all(repo, "Add two records", "2025-01-10T10:00:00+01:00")
    write_record(data, "caf-essai", nom="Score de la caisse", administration=CAF,
                 statut="suspendu")
    commit_all(repo, "Suspend the score", "2025-04-02T11:00:00+02:00", author="Bruno")
    write_record(data, "ville-essai", nom="Cantine de la ville", administration=VILLE,
                 resume="Nouveau résumé.")
    commit_all(repo, "Reword the canteen summary", "2025-06-15T08:00:00+02:00",
               author="Chloé")
    return built_app(data, tmp_path / "instance").test_client()


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def check_atom(feed: ET.Element) -> list[ET.Element]:
    """The elements RFC 4287 requires, on the feed and on every entry."""
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert feed.findtext(f"{A}{tag}")
    datetime.fromisoformat(feed.findtext(f"{A}updated"))
    assert feed.find(f"{A}link[@rel='self']") is not None
    assert feed.find(f"{A}link[@rel='alternate']") is not None
    entries = feed.findall(f"{A}entry")
    for entry in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{A}{tag}"), tag
        datetime.fromisoformat(entry.findtext(f"{A}updated"))
        assert entry.findtext(f"{A}author/{A}name")
        assert entry.find(f"{A}link").get("href").startswith("http")
    assert len({e.findtext(f"{A}id") for e in entries}) == len(entries)
    return entries


def test_registry_feed_lists_changes_newest_first(client) -> None:
    feed = parse(client.get("/flux.atom"))
    entries = check_atom(feed)
    titles = [e.findtext(f"{A}title") for e in entries]
    assert titles == ["Cantine de la ville : Mise à jour : Résumé",
                      "Score de la caisse : Mise à jour : Statut",
                      "Score de la caisse : Création de la fiche",
                      "Cantine de la ville : Création de la fiche"]
    assert feed.findtext(f"{A}updated") == "2025-06-15T08:00:00+02:00"
    assert entries[0].findtext(f"{A}author/{A}name") == "Chloé"
    assert entries[1].findtext(f"{A}summary") == \
        "Statut : « Déployé » devient « Suspendu »."
    assert entries[2].findtext(f"{A}summary") == "Création de la fiche."
    assert entries[0].findtext(f"{A}summary") == \
        "Résumé : « Un algorithme fictif utilisé par les tests. » devient « Nouveau résumé. »."
    assert entries[1].find(f"{A}link").get("href").startswith(
        "http://127.0.0.1:5000/algorithmes/caf-essai/historique#version-")  # SITE_URL


def test_administration_feed_has_only_its_records(client) -> None:
    entries = check_atom(parse(client.get("/administrations/caisse-d-essai/flux.atom")))
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Score de la caisse : Mise à jour : Statut", "Score de la caisse : Création de la fiche"]
    assert client.get("/administrations/inconnue/flux.atom").status_code == 404


def test_record_feed_has_only_that_record_and_the_page_links_to_it(client) -> None:
    feed = parse(client.get("/algorithmes/ville-essai/flux.atom"))
    entries = check_atom(feed)
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Cantine de la ville : Mise à jour : Résumé",
        "Cantine de la ville : Création de la fiche"]
    assert feed.findtext(f"{A}title") == "Cantine de la ville : modifications de la fiche"
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == \
        "http://127.0.0.1:5000/algorithmes/ville-essai"
    page = client.get("/algorithmes/ville-essai").get_data(as_text=True)
    assert 'href="/algorithmes/ville-essai/flux.atom"' in page and "Suivre cette fiche" in page
    assert client.get("/algorithmes/inexistant/flux.atom").status_code == 404


def test_feed_without_git_history_is_empty_but_valid(tmp_path: Path) -> None:
    data = tmp_path / "sans-git"
    write_record(data, "caf-essai")
    client = built_app(data, tmp_path / "instance").test_client()
    assert check_atom(parse(client.get("/flux.atom"))) == []
