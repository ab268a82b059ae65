"""The SVG charts: accessible (role, title, desc), exact figures in tooltips, no style=""."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from registry.coverage.charts import ETAT_ORDER, stacked_bars, trend_lines
from registry.coverage.figures import compute
from registry.coverage.trend import TrendPoint
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.test_coverage import N_RECORDS, write_dataset

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
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


def test_stacked_bars(coverage) -> None:  # noqa: ANN001
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


def test_stacked_bars_escape_labels(coverage) -> None:  # noqa: ANN001
    svg = stacked_bars(coverage.criteria, coverage.total, "x")
    assert "Analyse d&#x27;impact (AIPD)" in svg
    ET.fromstring(svg)


def test_stacked_bars_without_records() -> None:
    cov = compute([])
    root = check_accessible(stacked_bars(cov.criteria, 0, "vide"), "vide")
    assert not root.findall(f".//{SVG}g[@class='chart-row']/{SVG}rect")


def point(month: str, published: int, total: int) -> TrendPoint:
    from registry.coverage.figures import Figure

    return TrendPoint(month, "0" * 40, total, 0,
                      {c.key: Figure(published, total) for c in cat.CRITERIA},
                      {c.key: Figure(published, total) for c in cat.CRITERIA})


def test_trend_lines() -> None:
    points = [point("2025-01", 1, 10), point("2025-02", 3, 12), point("2025-03", 9, 40)]
    root = check_accessible(trend_lines(points, "tendance"), "tendance")
    series = root.findall(f"{SVG}g[@class='chart-series']")
    assert len(series) == len(cat.CRITERIA)
    first = series[0]
    assert first.find(f"{SVG}title").text == cat.CRITERIA[0].label
    assert len(first.find(f"{SVG}polyline").get("points").split()) == 3
    tips = [c.find(f"{SVG}title").text for c in first.findall(f"{SVG}circle")]
    assert tips[1] == f"{cat.CRITERIA[0].label}, février 2025 : 3 / 12 (25,0 %)"
    assert "de janvier 2025 à mars 2025" in root.find(f"{SVG}desc").text


def test_trend_with_one_month() -> None:
    root = check_accessible(trend_lines([point("2025-01", 0, 0)], "un"), "un")
    assert root.findall(f".//{SVG}circle")


def test_dataset_is_the_issue_one(coverage) -> None:  # noqa: ANN001
    assert coverage.total == N_RECORDS


def test_no_chart_module_imports_flask() -> None:
    for name in ("charts.py", "figures.py", "trend.py"):
        text = (Path(__file__).parent.parent / "registry" / "coverage" / name).read_text(
            encoding="utf-8")
        assert "import flask" not in text and "from flask" not in text
