"""/api, /donnees and /couverture in Chromium: axe-core at 1280 px and 375 px, tables that fit
a phone and an A4 page, « Citer ce chiffre » opened with the keyboard, no JavaScript needed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
PAGES = ["/api", "/donnees", "/couverture"]
A4_WIDTH = 718  # CSS pixels of an A4 page's width (210 mm at 96 dpi) less 1 cm margins
WIDEST = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main table, main svg.chart, main pre')) {
    if (!el.getClientRects().length) continue;  // not shown (a closed detail, hidden in print)
    const r = el.getBoundingClientRect();
    const region = el.closest('.tableau-defilant');
    const scrolls = region ? region.scrollWidth > region.clientWidth + 1 : false;
    const wide = r.right > innerWidth + 1;
    if (el.tagName === 'TABLE' && (wide || scrolls)) out.push(el.id || el.className);
    if (el.tagName !== 'TABLE' && r.right > innerWidth + 1) out.push(el.tagName);
  }
  return out;
}"""


def _serious(page: Page) -> list:
    results = AXE.run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_axe_clean_on_a_desktop(page: Page, live_server: str, path: str) -> None:
    page.goto(live_server + path)
    assert _serious(page) == []
    assert page.console_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_fits_a_phone(mobile: Page, live_server: str, path: str) -> None:
    mobile.goto(live_server + path)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    assert mobile.evaluate(WIDEST) == []  # no table wider than the screen, none to scroll
    assert _serious(mobile) == []


@pytest.mark.parametrize("path", ["/couverture", "/donnees"])
def test_tables_fit_an_a4_page(browser, live_server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": A4_WIDTH, "height": 1000}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(live_server + path)
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
        assert page.evaluate(WIDEST) == []
        pdf = page.pdf(format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1cm",
                                            "right": "1cm"})
        assert pdf.startswith(b"%PDF")
        page.wait_for_load_state("networkidle")  # no request cut short by the closing
    finally:
        context.close()


def test_citing_a_figure_with_the_keyboard(page: Page, live_server: str) -> None:
    page.goto(live_server + "/couverture")
    block = page.locator("#citer-code_source-tous")
    quote = block.locator("blockquote")
    expect(quote).to_be_hidden()
    block.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("Code source")
    link = block.get_by_role("link", name="comment ce chiffre est calculé")
    link.click()
    assert page.evaluate("location.hash") == "#methode-code_source"


def test_figures_at_a_date_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(live_server + "/couverture")
        page.get_by_label("Voir les chiffres à une date").fill("2099-01-01")
        page.get_by_role("button", name="Afficher").click()
        expect(page.locator(".version-passee")).to_contain_text("Chiffres de la version")
        permanent = page.locator(".lien-permanent a").first
        assert "?commit=" in (permanent.get_attribute("href") or "")
        page.wait_for_load_state("networkidle")  # no request cut short by the closing
    finally:
        context.close()
