"""Long fuzz run: the fuzz tests with many more generated cases per target.

    python scripts/fuzz.py [--examples 10000] [-k EXPR]

Prints, per target, the number of generated cases that ran (Hypothesis statistics).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_fuzz_records.py"] + sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_fuzz_*.py")
    if p.name != "test_fuzz_records.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("-k", default="", help="pytest -k expression")
    args = parser.parse_args()
    env = dict(os.environ, REGISTRY_FUZZ_EXAMPLES=str(args.examples))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--hypothesis-show-statistics", *TESTS]
    if args.k:
        command += ["-k", args.k]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    for line in done.stdout.splitlines():
        if "::" in line and "test_" in line or "passing" in line or "passed" in line \
                or "failed" in line or "phase" in line or line.startswith("E "):
            print(line)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
