"""The site in a real browser: search, filter, open a record, keyboard only, axe-core, 375 px."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
AXE_PAGES = ["/", "/algorithmes", "/algorithmes?q=fraude&domaine=fiscalite",
             "/algorithmes/dgfip-cfvr", "/a-propos", "/administrations",
             "/administrations/cnaf", "/qualite", "/demandes/delais"]


def test_search_from_home_then_read_the_cfvr(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_label("Chercher un algorithme").fill("fraude fiscale")
    page.get_by_role("button", name="Chercher").click()
    expect(page).to_have_url(re.compile(r"/algorithmes\?q=fraude\+fiscale"))
    page.get_by_role("link", name=re.compile("Ciblage de la fraude et valorisation")).click()
    expect(page).to_have_url(live_server + "/algorithmes/dgfip-cfvr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(CFVR)")
    expect(page.get_by_role("heading", name="Critères utilisés")).to_be_visible()
    budget = page.get_by_role("region", name="Budget", exact=True)
    expect(budget).to_contain_text("5 000 000")  # the FTAP funding of 2017
    expect(page.locator("#section-evaluations")).to_contain_text("Cour des comptes")
    expect(page.locator("li.critere-inconnu .badge")).to_have_text(
        ["Inconnu (pas encore vérifié)"])
    assert page.console_errors == []


def test_filter_by_a_facet_then_remove_it(page: Page, live_server: str) -> None:
    page.goto(live_server + "/algorithmes")
    total = int(page.locator("h2.nombre-resultats").inner_text().split()[0])
    facet = page.locator("fieldset.facette", has=page.get_by_text("Domaine", exact=True))
    facet.get_by_label("Fiscalité", exact=True).check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"domaine=fiscalite"))
    metas = page.locator("ol.resultats .meta-resultat")
    assert metas.count() > 0
    for text in metas.all_inner_texts():
        assert "Fiscalité" in text
    filtered = int(page.locator("h2.nombre-resultats").inner_text().split()[0])
    assert 0 < filtered < total
    page.get_by_role("link", name=re.compile("Retirer le filtre Domaine : Fiscalité")).click()
    expect(page.locator("h2.nombre-resultats")).to_contain_text(f"{total} résultats")
    assert page.console_errors == []


def test_facet_count_link_applies_the_filter(page: Page, live_server: str) -> None:
    page.goto(live_server + "/algorithmes?q=fraude")
    link = page.locator("a.compte", has_text="ajouter le filtre Domaine : Fiscalité")
    count = int(link.inner_text().split()[0])
    link.click()
    expect(page).to_have_url(re.compile(r"q=fraude.*domaine=fiscalite|domaine=fiscalite.*q=fraude"))
    expect(page.locator("ol.resultats > li")).to_have_count(count)


def _tab_to(page: Page, predicate: str, limit: int = 250) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"never focused: {predicate}")


def test_keyboard_only_journey(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-9999px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("fraude fiscale")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/algorithmes\?q="))
    # check a facet with the space bar, then apply with Enter on the button
    _tab_to(page, "document.activeElement.type === 'checkbox' "
                  "&& document.activeElement.name === 'domaine' "
                  "&& document.activeElement.value === 'fiscalite'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Space")
    _tab_to(page, "document.activeElement.textContent.trim() === 'Appliquer les filtres'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"domaine=fiscalite"))
    _tab_to(page, "(document.activeElement.getAttribute('href') || '')"
                  ".endsWith('/algorithmes/dgfip-cfvr')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/algorithmes/dgfip-cfvr")
    # the table of contents leads to the transparency section
    _tab_to(page, "document.activeElement.getAttribute('href') === '#section-transparence'")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#section-transparence"


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_no_serious_or_critical_violation(page: Page, live_server: str, path: str) -> None:
    page.goto(live_server + path)
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in bad]
    assert bad == [], details
    assert page.console_errors == []


@pytest.mark.parametrize("path", AXE_PAGES)
def test_usable_at_375_px(mobile: Page, live_server: str, path: str) -> None:
    mobile.goto(live_server + path)
    overflow = mobile.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, f"horizontal scroll at 375 px: {overflow}px wide"
    results = AXE.run(mobile)
    bad = [v["id"] for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_print_stylesheet_hides_navigation(page: Page, live_server: str) -> None:
    page.goto(live_server + "/algorithmes/dgfip-cfvr")
    expect(page.get_by_role("button", name="Imprimer la fiche")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    expect(page.locator(".fiche-entete .actions")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_axe_itself_reports_violations(page: Page) -> None:
    """The harness works offline and would catch a real problem."""
    page.set_content("<!doctype html><html><body><input type='text'>"
                     "<p style='color:#ccc;background:#fff'>pâle</p></body></html>")
    ids = {v["id"] for v in AXE.run(page).response["violations"]
           if v["impact"] in ("serious", "critical")}
    assert {"label", "color-contrast", "html-has-lang"} <= ids
