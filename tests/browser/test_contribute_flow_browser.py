"""Issue 16, done when: in Chromium, at 1280 px and at 375 px, axe clean on every page: a
one-field correction of the largest real record is proposed through a short form (under
4 000 px until more sections are opened), a maintainer logs in with a named account and
accepts it, and without any shell the record page and its feed show the change, the git log
has a French message with `Co-authored-by`, and `git diff HEAD~1` touches one line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import serving
from tests.contribrepo import REAL_DATA, add_maintainer, built_app, copy_real_data, git, settings

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_HEIGHT = 4000
LARGEST = max(REAL_DATA.glob("*.md"), key=lambda p: len(p.read_text(encoding="utf-8"))).stem


def _axe(page, name: str, results: dict) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results[name] = Axe().run(page)


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def _go(page, control) -> None:
    """Click a link or a submit button and wait for the page it leads to (a busy machine may
    take seconds to answer a POST: read the new page only once it is there)."""
    with page.expect_navigation(timeout=60_000):
        control.click()


@pytest.mark.browser
@pytest.mark.parametrize("device", ["page", "mobile"])
def test_a_one_field_correction_goes_live_without_a_shell(tmp_path: Path, device: str,
                                                          request) -> None:
    page = request.getfixturevalue(device)
    repo = tmp_path / "depot"
    data = copy_real_data(repo)
    instance = tmp_path / "instance"
    app = built_app(data, instance, WTF_CSRF_ENABLED=True)
    add_maintainer(settings(data, instance), password="une phrase de passe assez longue")
    results: dict = {}
    with serving(app) as url:
        page.goto(f"{url}/algorithmes/{LARGEST}")
        assert "Déployé" in page.locator(".faits").inner_text()
        _go(page, page.get_by_role("link", name="Proposer une correction"))
        assert _height(page) < MAX_HEIGHT, _height(page)
        _axe(page, "choix des champs", results)
        _go(page, page.get_by_role("button", name="Corriger les champs choisis"))  # none picked
        assert page.evaluate("document.activeElement.id") == "erreurs"  # RGAA: focus moved
        assert "Cochez au moins un champ" in page.locator("#erreurs").inner_text()
        _axe(page, "choix sans champ", results)
        page.locator("fieldset", has_text="Identification").first.locator("summary").click()
        page.get_by_label("Statut (actuellement : Déployé)").check()
        _go(page, page.get_by_role("button", name="Corriger les champs choisis"))
        assert _height(page) < MAX_HEIGHT, _height(page)
        assert page.locator("select[name=statut]").count() == 1
        assert page.locator("[name=nom], [name^=sources-]").count() == 0  # only what was picked
        _axe(page, "formulaire court", results)
        page.select_option("#statut", "suspendu")
        page.get_by_label("Ce qui change et vos sources").fill(
            "Suspendu depuis décembre : voir https://example.org/decision")
        page.get_by_label("Votre nom ou pseudonyme (facultatif)").fill("Sacha")
        page.get_by_label("J'accepte que ce nom soit publié").check()
        _go(page, page.get_by_role("button", name="Prévisualiser les changements"))
        preview = page.locator(".apercu").inner_text()
        assert "Statut : « Déployé » devient « Suspendu »" in preview
        assert preview.count("devient") == 1  # the preview is the change, not the record
        _axe(page, "aperçu", results)
        _go(page, page.get_by_role("button", name="Envoyer la proposition"))
        assert "En attente de relecture" in page.locator("main").inner_text()
        tracking = page.url
        _axe(page, "suivi", results)

        page.goto(f"{url}/mainteneurs")
        page.get_by_label("Identifiant").fill("camille")
        page.get_by_label("Mot de passe").fill("une phrase de passe assez longue")
        _go(page, page.get_by_role("button", name="Se connecter"))
        assert "Camille Durand" in page.locator(".connecte").inner_text()
        _axe(page, "file", results)
        _go(page, page.get_by_role("link", name="n° 1", exact=True))
        assert "Statut : « Déployé » devient « Suspendu »" in page.locator(
            "ul.changements").inner_text()
        _axe(page, "relecture", results)
        page.get_by_label("Raison (publiée avec la décision)").fill("Merci, c'est confirmé.")
        _go(page, page.get_by_role("button", name="Accepter"))
        assert "site mis à jour" in page.locator(".message-succes").first.inner_text()

        page.goto(f"{url}/algorithmes/{LARGEST}")
        assert "Suspendu" in page.locator(".faits").inner_text()
        feed_url = page.get_by_role("link", name="Suivre cette fiche").get_attribute("href")
        feed = ET.fromstring(page.request.get(url + feed_url).body())
        entry = feed.find(f"{ATOM}entry")
        assert "Statut : « Déployé » devient « Suspendu »" in entry.findtext(f"{ATOM}summary")
        assert "Proposé par Sacha" in entry.findtext(f"{ATOM}summary")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Camille Durand"
        page.goto(f"{url}/algorithmes/{LARGEST}/historique")
        latest = page.locator("li.version").first.inner_text()
        assert "Statut : « Déployé » devient « Suspendu »" in latest and "Sacha" in latest
        _axe(page, "historique", results)
        page.goto(tracking)
        assert "Acceptée" in page.locator("main").inner_text()
        assert "par Camille Durand" in page.locator("main").inner_text()
        page.goto(f"{url}/contributions/journal")
        assert "Merci, c'est confirmé." in page.locator("main").inner_text()
        _axe(page, "journal", results)

    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith(f"Correction de la fiche {LARGEST} : Statut\n")
    assert "- Statut : « Déployé » devient « Suspendu »" in message
    assert "Co-authored-by: Sacha <contribution-1@noreply.127.0.0.1>" in message
    assert git(repo, "diff", "--numstat", "HEAD~1") == f"1\t1\tdata/algorithms/{LARGEST}.md"
    for name, result in results.items():
        assert result.violations_count == 0, f"{name}: {result.generate_report()}"
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
