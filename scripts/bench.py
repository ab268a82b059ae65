"""Benchmark of `registry build` and search (not a test).

    .venv/bin/python scripts/bench.py --sizes 1000,10000 [--workdir /tmp/bench] [--repeat 20]

For each size, a child process generates that many realistic synthetic records
(valid per the catalogue, French vocabulary, bodies of a few hundred words), then
measures: full build time, one-record incremental rebuild time, peak memory (max
RSS of the child), search latency p50/p95 over a fixed set of queries through
``SearchIndex.search`` (total, facets, highlights, suggestion), and the same
queries against a SQLite FTS5 table of the same records (match + bm25 top 20 +
count). Results are printed as a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))

QUERIES = [
    "fraude", "contrôle caf", "evaluation", "algorithme parcoursup", "pole emploi",
    "intelligence artificielle", '"score de risque"', "allocations familiales",
    "données personnelles", "transparence", "parcoursupp", "ciblage des contrôles fiscaux",
    "impot", "santé publique", "affectation des élèves", "reconnaissance faciale", "CNAF",
    "logement social", "algorith", "décision individuelle automatisée",
]


def generate(data: Path, size: int) -> None:
    from bench_corpus import generate as generate_corpus  # noqa: PLC0415

    generate_corpus(ROOT / "data" / "algorithms", data, size)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def fts5_query(query: str) -> str:
    words = [w for w in "".join(c if c.isalnum() or c == " " else " "
                                for c in query.replace('"', " ")).split()]
    if not words:
        return '""'
    return " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'


def bench_fts5(workdir: Path, records: list[tuple[str, str, str, str, str]],
               repeat: int) -> dict:
    db = workdir / "fts5.sqlite"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    started = time.perf_counter()
    con.execute("CREATE VIRTUAL TABLE doc USING fts5(id UNINDEXED, nom, resume, "
                "administration, corps, tokenize='unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO doc VALUES (?, ?, ?, ?, ?)", records)
    con.commit()
    build = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        for q in QUERIES:
            t = time.perf_counter()
            match = fts5_query(q)
            con.execute("SELECT id, snippet(doc, 4, '<mark>', '</mark>', '…', 20) FROM doc "
                        "WHERE doc MATCH ? ORDER BY bm25(doc, 6.0, 3.0, 2.0, 1.0) LIMIT 20",
                        (match,)).fetchall()
            con.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", (match,)).fetchone()
            times.append(time.perf_counter() - t)
    con.close()
    return {"fts5_build_s": build, "fts5_p50_ms": percentile(times, 50) * 1000,
            "fts5_p95_ms": percentile(times, 95) * 1000}


def run_one(size: int, workdir: Path, repeat: int) -> dict:
    from registry.build import build, plain
    from registry.config import load_settings
    from registry.records import load_records
    from registry.rendering import render_markdown
    from registry.search import SearchIndex

    data, instance = workdir / "data", workdir / "instance"
    shutil.rmtree(workdir, ignore_errors=True)
    t = time.perf_counter()
    generate(data, size)
    out: dict = {"size": size, "generate_s": time.perf_counter() - t}
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance),
                              "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}"})
    report = build(settings, full=True)
    out["full_build_s"] = report.seconds
    out["rss_after_full_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    victim = data / "algo-000007.md"
    victim.write_text(victim.read_text(encoding="utf-8").replace("## Description",
                      "## Description\n\nParagraphe modifié.", 1), encoding="utf-8")
    report = build(settings)
    assert report.changed == ["algo-000007"] and not report.full, report
    out["one_record_rebuild_s"] = report.seconds
    report = build(settings)
    out["noop_rebuild_s"] = report.seconds
    idx = SearchIndex(instance)
    idx.search("warm up")
    times = []
    for _ in range(repeat):
        for q in QUERIES:
            started = time.perf_counter()
            idx.search(q)
            times.append(time.perf_counter() - started)
    out["p50_ms"], out["p95_ms"] = percentile(times, 50) * 1000, percentile(times, 95) * 1000
    filtered = []
    for _ in range(repeat):
        for q in QUERIES[:5]:
            started = time.perf_counter()
            idx.search(q, {"domaine": ["social"], "budget": ["publie", "inconnu"]})
            filtered.append(time.perf_counter() - started)
    out["filtered_p95_ms"] = percentile(filtered, 95) * 1000
    idx.close()
    rows = [(r.id, r.meta["nom"], r.meta["resume"], r.meta["administration"]["nom"],
             plain(render_markdown(r.body))) for r in load_records(data)]
    out.update(bench_fts5(workdir, rows, repeat))
    out["ratio_p95"] = out["p95_ms"] / out["fts5_p95_ms"]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["index_mb"] = sum(f.stat().st_size for f in instance.glob("index-*/*")) / 2**20
    return out


def machine() -> str:
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} CPU ({cpu}), {int(mem) / 2**20:.1f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
            f"SQLite {sqlite3.sqlite_version}")


def table(results: list[dict]) -> str:
    head = ("| fiches | build complet | 1 fiche modifiée | rien à faire | mémoire max (RSS) "
            "| index | p50 | p95 | p95 filtré | FTS5 p50 | FTS5 p95 | p95 Whoosh/FTS5 |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['full_build_s']:.1f} s | {r['one_record_rebuild_s']:.2f} s "
            f"| {r['noop_rebuild_s']:.2f} s | {r['peak_rss_mb']:.0f} Mo | {r['index_mb']:.0f} Mo "
            f"| {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['filtered_p95_ms']:.1f} ms "
            f"| {r['fts5_p50_ms']:.2f} ms | {r['fts5_p95_ms']:.2f} ms | {r['ratio_p95']:.1f}× |"
            .replace(",", " "))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated record counts (e.g. 1000,10000,100000)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/registry-bench"))
    parser.add_argument("--repeat", type=int, default=10, help="passes over the query set")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.workdir, args.repeat)))
        return
    print(f"Machine : {machine()}", flush=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--workdir",
                               str(args.workdir / str(size)), "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{size}: échec\n{done.stderr[-3000:]}", flush=True)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
