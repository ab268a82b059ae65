"""The SVG charts: accessible (role, title, desc), exact figures in tooltips, no style=""."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from registry.coverage.charts import ETAT_ORDER, Wording, bar, small_multiples, stacked_bars
from registry.coverage.figures import compute
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.test_coverage import N_RECORDS, write_dataset

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory):
    folder = write_dataset(tmp_path_factory.mktemp("charts") / "algorithms")
    return compute(load_records(folder))


def check_accessible(svg: str, ident: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{ident}-title"
    assert root.find(f"{SVG}desc").get("id") == f"{ident}-desc"
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    assert not [e for e in root.iter() if "style" in e.attrib or e.tag == f"{SVG}script"]
    return root


def test_stacked_bars(coverage) -> None:
    root = check_accessible(stacked_bars(coverage.criteria, coverage.total, "etats"), "etats")
    rows = root.findall(f"{SVG}g[@class='chart-row']")
    assert len(rows) == len(cat.CRITERIA)
    evaluation = rows[[c.key for c in cat.CRITERIA].index("evaluation_interne")]
    tips = [r.find(f"{SVG}title").text for r in evaluation.findall(f"{SVG}rect")]
    assert tips[0] == "Évaluation interne — Publié : 13 / 120 (10,8 %)"
    assert len(tips) == len(ETAT_ORDER)  # every state of this criterion is present
    widths = sum(float(r.get("width")) for r in evaluation.findall(f"{SVG}rect"))
    assert widths == pytest.approx(420, abs=0.05)
    assert evaluation.findall(f"{SVG}text")[-1].text == "10,8 %"


def test_stacked_bars_escape_labels(coverage) -> None:
    svg = stacked_bars(coverage.criteria, coverage.total, "x")
    assert "Analyse d&#x27;impact (AIPD)" in svg
    ET.fromstring(svg)


def test_stacked_bars_without_records() -> None:
    cov = compute([])
    root = check_accessible(stacked_bars(cov.criteria, 0, "vide"), "vide")
    assert not root.findall(f".//{SVG}g[@class='chart-row']/{SVG}rect")


def figures(published: int, total: int) -> dict:
    from registry.coverage.figures import Figure

    return {c.key: Figure(published, total) for c in cat.CRITERIA}


def test_small_multiples_one_chart_per_criterion_on_one_scale() -> None:
    points = [("2025-01-10T10:00:00+01:00", figures(1, 10)),
              ("2025-02-03T10:00:00+01:00", figures(3, 12)),
              ("2025-03-01T10:00:00+01:00", figures(9, 40))]
    charts = small_multiples(points, "tendance")
    assert [c for c, _ in charts] == list(cat.CRITERIA)
    scales = set()
    for c, svg in charts:
        root = check_accessible(svg, f"tendance-{c.key}")
        assert len(root.find(f"{SVG}polyline").get("points").split()) == 3
        tip = root.find(f"{SVG}circle/{SVG}title").text
        assert tip == f"{c.label}, 01/03/2025 : 9 / 40 (22,5 %)"
        desc = root.find(f"{SVG}desc").text
        assert "De 1 / 10 (10,0 %) le 10/01/2025 à 9 / 40 (22,5 %) le 01/03/2025" in desc
        assert "au plus haut 25,0 %" in desc
        scales.add(tuple(t.text for t in root.iter(f"{SVG}text") if t.text.endswith("%")))
    assert scales == {("0 %", "12 %", "25 %")}  # the same scale for every criterion


def test_small_multiples_with_one_version() -> None:
    (_, svg), *_ = small_multiples([("2025-01-10T10:00:00+01:00", figures(0, 0))], "un")
    root = check_accessible(svg, f"un-{cat.CRITERIA[0].key}")
    assert root.findall(f".//{SVG}circle")


def test_bar_is_hidden_from_assistive_technologies() -> None:
    from registry.coverage.figures import Figure

    root = ET.fromstring(bar(Figure(1, 4), width=100))
    assert root.get("aria-hidden") == "true"
    assert root.findall(f"{SVG}rect")[1].get("width") == "25.0"


def test_dataset_is_the_issue_one(coverage) -> None:
    assert coverage.total == N_RECORDS


def test_no_chart_module_imports_flask() -> None:
    for name in ("charts.py", "figures.py", "trend.py"):
        text = (Path(__file__).parent.parent / "registry" / "coverage" / name).read_text(
            encoding="utf-8")
        assert "import flask" not in text and "from flask" not in text


ENGLISH = Wording(
    lang="en", etats=cat.CHOICE_LABELS_EN["transparence.etat"],
    bars_title="Publication by state", bars_desc="%(criteres)s criteria, %(fiches)s records.",
    bar_tip="%(critere)s — %(etat)s: %(chiffre)s", trend_title="%(critere)s: share",
    trend_desc="From %(premier)s on %(debut)s to %(dernier)s on %(fin)s, over %(versions)s; "
               "highest %(haut)s (0 to %(echelle)s).",
    trend_point="%(critere)s, %(jour)s: %(chiffre)s", trend_empty="No version.",
    versions=lambda n: f"{n} version{'s' if n != 1 else ''}")


def test_charts_in_another_language(coverage) -> None:
    """The words come from the Wording; numbers, percentages and dates follow its language."""
    root = check_accessible(stacked_bars(coverage.criteria, coverage.total, "en", ENGLISH),
                            "en")
    assert root.find(f"{SVG}title").text == "Publication by state"
    assert root.find(f"{SVG}desc").text == f"{len(cat.CRITERIA)} criteria, 120 records."
    evaluation = root.findall(f"{SVG}g[@class='chart-row']")[
        [c.key for c in cat.CRITERIA].index("evaluation_interne")]
    assert evaluation.find(f"{SVG}text").text == "Internal evaluation"  # label_en
    tip = evaluation.find(f"{SVG}rect/{SVG}title").text
    assert tip == "Internal evaluation — Published: 13 / 120 (10.8%)"
    assert evaluation.findall(f"{SVG}text")[-1].text == "10.8%"
    legend = [t.text for t in root.findall(f"{SVG}g[@class='chart-legend']/{SVG}text")]
    assert "Published" in legend and "Publié" not in legend
    points = [("2025-01-10T10:00:00+01:00", figures(1, 10)),
              ("2025-03-01T10:00:00+01:00", figures(1234, 5000))]
    c, svg = small_multiples(points, "t", ENGLISH)[0]
    trend = check_accessible(svg, f"t-{c.key}")
    assert trend.find(f"{SVG}title").text == f"{c.label_en}: share"
    assert trend.find(f"{SVG}desc").text == (
        "From 1 / 10 (10.0%) on Jan 10, 2025 to 1,234 / 5,000 (24.7%) on Mar 1, 2025, over "
        "2 versions; highest 24.7% (0 to 25%).")
    assert trend.find(f"{SVG}circle/{SVG}title").text == \
        f"{c.label_en}, Mar 1, 2025: 1,234 / 5,000 (24.7%)"
    assert [t.text for t in trend.iter(f"{SVG}text") if t.text.endswith("%")] == \
        ["0%", "12%", "25%"]
