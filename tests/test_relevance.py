"""The search relevance sets over the real dataset (tests/relevance/*.yaml): at least 60
everyday queries, each with the records it must bring in the first three results."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.search import SearchIndex
from tests.relevance import QUERIES, SETS, Measures, load_queries, measure


@pytest.fixture(scope="module")
def real_index(built_instance: Path) -> SearchIndex:
    idx = SearchIndex(built_instance)
    yield idx
    idx.close()


def _report(m: Measures) -> str:
    return "\n".join(f"{o.requete!r}: rang {o.rank}, attendu {o.attendu}, obtenu {o.top[:3]}"
                     for o in m.misses())


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_relevance_set_hit_at_3(real_index: SearchIndex, path: Path) -> None:
    m = measure(real_index, load_queries(path))
    assert m.hit(3) >= 0.95, f"hit@3 = {m.hit(3):.2f}\n{_report(m)}"


def test_the_main_set_is_large_and_refers_to_real_records() -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 60
    records = {p.stem for p in (Path(__file__).parent.parent / "data" / "algorithms").glob("*.md")}
    for path in SETS:
        for q in load_queries(path):
            assert q["attendu"] and set(q["attendu"]) <= records, q
