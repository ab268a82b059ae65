"""Search relevance report (not a test): hit@1, hit@3 and MRR of the relevance set
tests/relevance/requetes.yaml over the real dataset, for docs/performance.md.

    .venv/bin/python scripts/relevance.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.build.pipeline import build  # noqa: E402
from registry.config import load_settings  # noqa: E402
from registry.search import SearchIndex  # noqa: E402
from tests.relevance import DEPTH, SETS, load_queries, measure  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="every query with its top 3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build(load_settings({"DATA": str(ROOT / "data" / "algorithms"), "INSTANCE": tmp}),
              full=True)
        index = SearchIndex(Path(tmp))
        sets = {path.name: measure(index, load_queries(path)) for path in SETS}
        index.close()
    for name, m in sets.items():
        for o in m.outcomes:
            if args.verbose or not o.rank or o.rank > 3:
                mark = f"rang {o.rank}" if o.rank else f"absent des {DEPTH} premiers"
                print(f"{name}: {o.requete!r}: {mark}; attendu {o.attendu[0]}; "
                      f"obtenu {o.top[:3]}")
    print("\n| jeu | requêtes | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|")
    for name, m in sets.items():
        print(f"| {name} | {len(m.outcomes)} | {m.hit(1):.2f} | {m.hit(3):.2f} | {m.mrr:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
