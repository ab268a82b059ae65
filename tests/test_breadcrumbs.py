"""Every page below a record (and the record and administration pages) has its breadcrumb."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

PAGES = {
    "/algorithmes/dgfip-cfvr": ["Accueil", "Algorithmes", "CFVR"],
    "/algorithmes/dgfip-cfvr/historique": ["Accueil", "Algorithmes", "CFVR", "Historique"],
    "/algorithmes/dgfip-cfvr/demande": ["Accueil", "Algorithmes", "CFVR",
                                        "Demander les documents"],
    "/algorithmes/dgfip-cfvr/signaler": ["Accueil", "Algorithmes", "CFVR",
                                         "Signaler une erreur"],
    "/algorithmes/dgfip-cfvr/corriger": ["Accueil", "Algorithmes", "CFVR",
                                         "Proposer une correction"],
    "/proposer": ["Accueil", "Algorithmes", "Proposer un algorithme"],
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_breadcrumb(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    nav = BeautifulSoup(response.data, "html.parser").find("nav", class_="ariane")
    links = nav.find_all("a")
    assert [a.get_text(strip=True) for a in links] == PAGES[path]
    assert links[-1]["aria-current"] == "page"
    assert [a for a in links if a.has_attr("aria-current")] == [links[-1]]


def test_administration_breadcrumb(client) -> None:
    soup = BeautifulSoup(client.get("/administrations").data, "html.parser")
    href = next(a["href"] for a in soup.select("main a[href^='/administrations/']"))
    nav = BeautifulSoup(client.get(href).data, "html.parser").find("nav", class_="ariane")
    texts = [a.get_text(strip=True) for a in nav.find_all("a")]
    assert texts[:2] == ["Accueil", "Administrations"] and len(texts) == 3
