"""A person concerned by a decision, in a real browser: from a search in everyday words to the
record, its numbered citations and quotes, the « Vous êtes concerné ? » box with its dates,
and the explanation letter's PDF addressed to the office that decided — axe clean, 375 px."""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser
AXE = Axe()
RECORD = "/algorithmes/cnaf-score-risque"


def _axe_clean(page: Page) -> None:
    results = AXE.run(page)
    bad = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


@pytest.mark.parametrize("width", [1280, 375])
def test_numbered_citations_link_to_the_source_and_show_its_quote(
        browser, request, live_server: str, width: int) -> None:
    from tests.conftest import _open

    for page in _open(browser, request, width):
        page.goto(live_server + RECORD)
        first = page.locator("#presentation sup.renvoi a").first
        number = first.inner_text()
        assert re.fullmatch(r"\[\d+\]", number)
        target = first.get_attribute("href")
        first.click()
        assert page.evaluate("location.hash") == target
        item = page.locator(target)
        expect(item).to_be_visible()
        # the list is numbered like the citation
        index = page.locator("ol.sources > li").evaluate_all(
            "(items, id) => items.findIndex(li => '#' + li.id === id)", target)
        assert f"[{index + 1}]" == number
        quote = item.locator("details.extrait-source")
        if quote.count():
            expect(quote.locator("blockquote")).to_be_hidden()
            quote.locator("summary").click()
            expect(quote.locator("blockquote")).to_be_visible()
        expect(page.locator(".verifiee")).to_contain_text("Fiche vérifiée le")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, overflow
        _axe_clean(page)
        assert page.console_errors == []


def test_quotes_are_readable_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + RECORD)
    details = page.locator("details.extrait-source").first
    details.locator("summary").click()
    expect(details.locator("blockquote")).to_be_visible()
    context.close()


def test_from_everyday_words_to_the_explanation_letter(mobile: Page, live_server: str) -> None:
    page = mobile
    page.goto(live_server + "/")
    page.get_by_label("Chercher un algorithme").fill("controle caf")
    page.get_by_role("button", name="Chercher").click()
    top3 = page.locator("ol.resultats h3 a").all()[:3]
    assert RECORD in [a.get_attribute("href") for a in top3]  # the CAF's risk score
    page.locator(f'ol.resultats h3 a[href="{RECORD}"]').click()
    box = page.locator("#vous-etes-concerne")
    expect(box.get_by_role("heading", name="Vous êtes concerné ?")).to_be_visible()
    steps = box.locator("ol.etapes-recours > li")
    assert steps.count() >= 3
    titles = steps.locator("h3").all_inner_texts()
    assert titles[0] == "Demander l'explication de la décision"
    assert any("tribunal" in t.lower() or "juge" in t.lower() for t in titles)
    _axe_clean(page)
    # the person's own dates
    box.get_by_label(re.compile("Date de la décision")).fill("2026-11-02")
    box.get_by_role("button", name="Calculer les dates").click()
    expect(page.locator("#vous-etes-concerne")).to_contain_text("au plus tard le 2 janvier 2027")
    _axe_clean(page)
    # the explanation letter, addressed to the office that decided
    page.get_by_role("link", name="Demander l'explication de ma décision").click()
    expect(page.get_by_label("Demande d'explication sur une décision individuelle "
                             "algorithmique")).to_be_checked()
    page.get_by_label("Nom et prénom, ou nom de l'association").fill("Camille Allocataire")
    page.get_by_label(re.compile("Service qui a pris la décision")).fill(
        "Caisse d'allocations familiales de la Gironde\nRue du Docteur Gabriel Péry\n"
        "33078 Bordeaux Cedex")
    page.get_by_label("Date de cette décision").fill("2026-11-02")
    _axe_clean(page)
    page.get_by_role("button", name="Préparer la lettre").click()
    expect(page.get_by_role("heading", name="Votre lettre est prête")).to_be_visible()
    _axe_clean(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Lettre en PDF").click()
    with open(info.value.path(), "rb") as handle:
        pdf = handle.read()
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Caisse d'allocations familiales de la Gironde" in text
    assert "33078 Bordeaux Cedex" in text and "R311-3-1-2" in text
    assert "Camille Allocataire" in text
    assert page.console_errors == []
