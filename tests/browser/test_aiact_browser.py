"""/reglement-ia in a real browser: axe-core clean at 1280 and 375 px, no horizontal scroll,
keyboard from the table of contents to a high-risk system's record, readable without JS."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from registry.law import aiact

pytestmark = pytest.mark.browser
AXE = Axe()
PAGE = "/reglement-ia"


def _axe_clean(page: Page, context: str | None = None) -> None:
    results = AXE.run(page, context)
    bad = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


@pytest.mark.parametrize("width", [1280, 375])
def test_ai_act_page_is_accessible(browser, request, live_server: str,
                                   width: int) -> None:
    from tests.conftest import _open

    for page in _open(browser, request, width):
        page.goto(live_server + PAGE)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Le règlement européen sur l'IA, système par système")
        expect(page.locator("#obligation-fria time")).to_have_attribute(
            "datetime", aiact.applies_from(aiact.OBLIGATIONS_BY_KEY["fria"]).isoformat())
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"horizontal scroll at {width} px: {overflow}px wide"
        _axe_clean(page)
        assert page.console_errors == []


def test_coverage_block_is_accessible_at_375_px(mobile: Page, live_server: str) -> None:
    """The block itself (the rest of /couverture is another page's concern) fits in 375 px:
    its table scrolls inside its own region."""
    mobile.goto(live_server + "/couverture#prets-ai-act")
    expect(mobile.locator("#tableau-prets-ai-act")).to_be_visible()
    block = mobile.locator("section[aria-labelledby=prets-ai-act]")
    box = block.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert block.evaluate("e => e.scrollWidth <= e.clientWidth")
    _axe_clean(mobile, "section[aria-labelledby=prets-ai-act]")


def test_keyboard_from_the_contents_to_a_high_risk_record(page: Page, live_server: str) -> None:
    page.goto(live_server + PAGE)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == \
                "#categorie-haut_risque":
            break
    else:
        raise AssertionError("the table of contents has no link to the high-risk systems")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#categorie-haut_risque"
    link = page.locator("#systeme-cnaf-score-risque a")
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/algorithmes/cnaf-score-risque#section-ai_act")
    expect(page.locator("#section-ai_act")).to_contain_text(aiact.CATEGORIES["haut_risque"])


def test_readable_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + PAGE)
        expect(page.locator("#systeme-cnaf-score-risque")).to_be_visible()
        expect(page.locator("#tableau-calendrier")).to_be_visible()
    finally:
        context.close()
