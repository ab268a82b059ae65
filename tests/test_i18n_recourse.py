"""The « Are you affected? » box in English: its time limits read in English, the rest of
each step (bodies, legal texts) stays French and is marked lang="fr"."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from registry.locales import duration_text


@pytest.mark.parametrize(("french", "english"), [
    ("2 mois", "2 months"), ("1 mois", "1 month"), ("45 jours", "45 days"), ("1 jour", "1 day"),
    ("1 an", "1 year"), ("2 ans", "2 years"), ("10 jours francs", "10 clear days"),
    ("aucun", "none")])
def test_time_limits_in_english(french: str, english: str) -> None:
    assert duration_text(french, "en") == english
    assert duration_text(french, "fr") == french


def test_an_unusual_time_limit_is_left_to_the_caller() -> None:
    assert duration_text("deux mois après la réponse", "en") is None


def test_the_box_of_an_english_record_page(client) -> None:
    page = BeautifulSoup(client.get("/en/algorithmes/cnaf-score-risque").data, "html.parser")
    box = page.find(id="vous-etes-concerne")
    assert box.find("h2").get_text() == "Are you affected?"
    facts = [dd.get_text(" ", strip=True) for dd in box.select(".etape-faits dd")]
    limits = [t for t in facts if t.startswith("within ")]
    assert limits and all("mois" not in t.split(";")[0] for t in limits), limits
    assert any("2 months" in t for t in facts), facts
    bodies = box.select(".etape-organe strong")
    assert bodies and all(b.get("lang") == "fr" for b in bodies)
    french = BeautifulSoup(client.get("/algorithmes/cnaf-score-risque").data, "html.parser")
    assert any("2 mois" in dd.get_text() for dd in french.select("#vous-etes-concerne dd"))
