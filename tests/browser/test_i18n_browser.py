"""The English site in a real browser (Chromium, axe-core, 1280 and 375 px): home, search,
a record with English fields, coverage with its English charts, open data, the API
documentation, the AI Act page, the CADA letter form, the contribution forms (a new proposal,
a correction, an error report) with a proposal's error summary, and a record's history."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
PAGES = ["/en/", "/en/algorithmes?q=allocataires", "/en/algorithmes/cnaf-score-risque",
         "/en/couverture", "/en/donnees", "/en/api", "/en/reglement-ia",
         "/en/algorithmes/cnaf-score-risque/demande",
         "/en/proposer", "/en/algorithmes/cnaf-score-risque/corriger?champs=statut",
         "/en/algorithmes/cnaf-score-risque/signaler",
         "/en/algorithmes/cnaf-score-risque/historique"]


def _axe_clean(page: Page) -> None:
    results = AXE.run(page)
    bad = [(v["id"], [n["target"] for n in v["nodes"]][:5])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_browse_the_english_site(page: Page, live_server: str) -> None:
    page.goto(live_server + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Search for an algorithm").fill("allocataires")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/algorithmes\?q=allocataires"))
    expect(page.locator("h2.nombre-resultats")).to_contain_text("result")
    page.get_by_role("link", name=re.compile("^Benefit recipients")).first.click()
    expect(page).to_have_url(live_server + "/en/algorithmes/cnaf-score-risque")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benefit recipients")
    expect(page.get_by_role("heading", name="Are you affected?")).to_be_visible()
    expect(page.get_by_role("button", name="Print the record")).to_be_visible()
    page.get_by_role("link", name="Request the documents").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Request the documents")
    expect(page.get_by_text("Kind of letter")).to_be_visible()
    # the language switch leads to the same page in French
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page).to_have_url(live_server + "/algorithmes/cnaf-score-risque/demande")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Type de lettre")).to_be_visible()
    assert page.console_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_axe_clean(page: Page, live_server: str, path: str) -> None:
    page.goto(live_server + path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _axe_clean(page)
    assert page.console_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_at_375_px(mobile: Page, live_server: str, path: str) -> None:
    mobile.goto(live_server + path)
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scroll at 375 px: {width}px"
    _axe_clean(mobile)


@pytest.mark.parametrize("width", [1280, 375])
def test_english_proposal_errors_are_summarised_and_axe_clean(browser, live_server: str,
                                                              width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(live_server + "/en/proposer")
        expect(page.get_by_role("heading", level=1)).to_have_text("Propose an algorithm")
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(live_server + "/en/proposer")
        summary = page.locator("#erreurs")
        expect(summary.get_by_role("heading")).to_contain_text(
            "Some points still need correcting")
        expect(page.locator("#erreurs")).to_be_focused()  # site.js moves the focus there
        expect(page.locator("html")).to_have_attribute("lang", "en")
        width_now = page.evaluate("document.documentElement.scrollWidth")
        assert width_now <= width, f"horizontal scroll at {width} px: {width_now}px"
        _axe_clean(page)
    finally:
        context.close()


def test_english_coverage_page(page: Page, live_server: str) -> None:
    """The coverage page in English: headings, the charts' accessible names, a figure cited
    with the keyboard, the figures at a date."""
    page.goto(live_server + "/en/couverture")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Transparency: the coverage of the registry")
    expect(page.get_by_role("img", name="Publication of the transparency criteria, by state")
           ).to_be_visible()
    expect(page.get_by_role("img", name="Source code: share of the records where it is "
                                        "published")).to_be_visible()
    block = page.locator("#citer-code_source-tous")
    block.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(block.locator("blockquote")).to_be_visible()
    block.get_by_role("link", name="how this figure is computed").click()
    assert page.evaluate("location.hash") == "#methode-code_source"
    page.get_by_label("See the figures on a date").fill("2099-01-01")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/couverture\?date=2099-01-01"))
    expect(page.locator(".version-passee")).to_contain_text("Figures of the version of the "
                                                            "records of")
    assert page.console_errors == []
