"""Contribution and history pages in a real browser: accessible (axe), no CSP violation."""

from __future__ import annotations

import pytest

IDENT = "france-travail-match-ft"


@pytest.mark.browser
def test_contribution_pages_are_accessible(live_server: str, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = {}
    page.goto(f"{live_server}/algorithmes/{IDENT}")
    page.get_by_role("link", name="Signaler une erreur").first.click()
    results["signaler"] = Axe().run(page)
    page.get_by_role("button", name="Envoyer le signalement").click()  # empty message
    page.wait_for_load_state()
    assert "Décrivez ce qui est faux" in page.locator("#message-erreur").inner_text()
    assert page.evaluate("document.activeElement.id") == "erreurs"
    results["signaler-erreurs"] = Axe().run(page)
    page.goto(f"{live_server}/algorithmes/{IDENT}/corriger?rubriques=identification")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("")
    page.get_by_role("button", name="Prévisualiser les changements").click()
    page.wait_for_load_state()
    assert "Remplissez ce champ" in page.locator("#nom-erreur").inner_text()
    assert page.evaluate("document.activeElement.id") == "erreurs"
    page.locator("#erreurs a").first.click()
    assert page.evaluate("document.activeElement.id") == "nom"  # each error links its field
    results["correction-erreurs"] = Axe().run(page)
    page.goto(f"{live_server}/proposer")
    results["proposer"] = Axe().run(page)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    results["proposer-erreurs"] = Axe().run(page)
    page.goto(f"{live_server}/algorithmes/{IDENT}/historique")
    results["historique"] = Axe().run(page)
    page.goto(f"{live_server}/mainteneurs")
    results["connexion"] = Axe().run(page)
    for name, result in results.items():
        assert result.violations_count == 0, f"{name}: {result.generate_report()}"
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
