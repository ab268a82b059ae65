"""The search relevance set (requetes.yaml) and its measures: hit@1, hit@3, MRR.

Used by tests/test_relevance.py (hit@3 must stay ≥ 0.95) and scripts/relevance.py (the
report in docs/performance.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from registry.search import SearchIndex

QUERIES = Path(__file__).with_name("requetes.yaml")  # the set the ranking was tuned on
HELD_OUT = Path(__file__).with_name("verification.yaml")  # written after; see its header
BLIND = Path(__file__).with_name("aveugle.yaml")  # written after every tuning, measured once
SETS = (QUERIES, HELD_OUT, BLIND)
DEPTH = 10  # ranks beyond this count as "not found" for the MRR


@dataclass
class Outcome:
    requete: str
    attendu: list[str]
    top: list[str]

    @property
    def rank(self) -> int | None:
        """1-based rank of the first expected record, None if not in the first DEPTH."""
        return next((i for i, ident in enumerate(self.top, 1) if ident in self.attendu), None)


@dataclass
class Measures:
    outcomes: list[Outcome]

    def hit(self, k: int) -> float:
        return sum(1 for o in self.outcomes if o.rank and o.rank <= k) / len(self.outcomes)

    @property
    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / len(self.outcomes)

    def misses(self, k: int = 3) -> list[Outcome]:
        return [o for o in self.outcomes if not o.rank or o.rank > k]


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["requetes"]


def measure(index: SearchIndex, queries: list[dict] | None = None) -> Measures:
    outcomes = []
    for q in queries if queries is not None else load_queries():
        results = index.search(q["requete"], per_page=DEPTH)
        outcomes.append(Outcome(q["requete"], list(q["attendu"]), [h.id for h in results.hits]))
    return Measures(outcomes)
