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
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
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


WORD = re.compile(r"\w+(?:['’]\w+)*")
DF_WORDS = ["fraude", "contrôle", "caf", "évaluation", "algorithme", "parcoursup", "emploi",
            "score", "risque", "données", "transparence", "santé", "logement"]


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


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (build workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(settings: dict, **kwargs: object) -> tuple[object, float, float]:
    from registry.build.pipeline import build

    cpu = cpu_seconds()
    report = build(settings, **kwargs)
    return report, report.seconds, cpu_seconds() - cpu


def corpus_stats(rows: list[tuple[str, str, str, str, str]]) -> dict:
    """What the generated corpus looks like (for docs/performance.md)."""
    lengths, vocabulary, df = [], set(), Counter()
    for _, _, _, _, text in rows:
        words = [w.lower() for w in WORD.findall(text)]
        lengths.append(len(words))
        vocabulary.update(words)
        df.update(set(words))
    lengths.sort()
    return {"body_words_median": lengths[len(lengths) // 2],
            "body_words_p10": lengths[len(lengths) // 10],
            "body_words_p90": lengths[len(lengths) * 9 // 10],
            "distinct_words": len(vocabulary),
            "administrations": len({r[3] for r in rows}),
            "df": {w: round(df[w] / len(rows), 3) for w in DF_WORDS}}


def search_times(idx: object, queries: list[str], repeat: int,
                 filters: dict | None = None) -> list[list[float]]:
    passes = []
    for _ in range(repeat):
        times = []
        for q in queries:
            started = time.perf_counter()
            idx.search(q, filters, cached=False)  # the engine, not the per-build page cache
            times.append(time.perf_counter() - started)
        passes.append(times)
    return passes


def progress(out: dict) -> None:
    """What is measured so far, on stderr: a long run stopped half-way still tells it."""
    print(json.dumps({k: v for k, v in out.items() if k != "warmup"}, default=str),
          file=sys.stderr, flush=True)


def run_one(size: int, workdir: Path, repeat: int) -> dict:
    from registry.config import load_settings
    from registry.records.model import load_records
    from registry.rendering import plain, render_markdown
    from registry.search import SearchIndex

    data, instance = workdir / "data", workdir / "instance"
    shutil.rmtree(workdir, ignore_errors=True)
    out: dict = {"size": size, "load_start": os.getloadavg()}
    t = time.perf_counter()
    generate(data, size)
    out["generate_s"] = time.perf_counter() - t
    progress(out)
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance),
                              "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}"})
    _, out["full_build_s"], out["full_build_cpu_s"] = timed_build(settings, full=True)
    out["rss_after_full_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["children_rss_after_full_mb"] = \
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    progress(out)
    victim = data / "algo-000007.md"
    victim.write_text(victim.read_text(encoding="utf-8").replace("## Description",
                      "## Description\n\nParagraphe modifié.", 1), encoding="utf-8")
    report, out["one_record_rebuild_s"], out["one_record_cpu_s"] = timed_build(settings)
    assert report.changed == ["algo-000007"] and not report.full, report
    _, out["noop_rebuild_s"], _ = timed_build(settings)
    progress(out)
    cold = SearchIndex(instance, warm=False)  # as before issue 18: nothing done ahead
    cold.search("warm up")  # opens the index, facet bitmaps
    out["unwarmed_first_pass_p95_ms"] = percentile(search_times(cold, QUERIES, 1)[0], 95) * 1000
    cold.close()
    idx = SearchIndex(instance)  # opened and warmed as a server process does before serving
    started = time.perf_counter()
    idx.search("warm up")
    out["first_search_ms"] = (time.perf_counter() - started) * 1000
    out["warmup"] = idx._gen.warmed  # noqa: SLF001
    passes = search_times(idx, QUERIES, repeat)
    times = [t for p in passes for t in p]
    out["p50_ms"], out["p95_ms"] = percentile(times, 50) * 1000, percentile(times, 95) * 1000
    out["cold_p95_ms"] = percentile(passes[0], 95) * 1000
    out["warm_p95_ms"] = percentile([t for p in passes[1:] for t in p] or times, 95) * 1000
    filtered = search_times(idx, QUERIES[:5], repeat,
                            {"domaine": ["social"], "budget": ["publie", "inconnu"]})
    out["filtered_p95_ms"] = percentile([t for p in filtered for t in p], 95) * 1000
    progress(out)
    idx.close()
    rows = [(r.id, r.meta["nom"], r.meta["resume"], r.administration_name,
             plain(render_markdown(r.body))) for r in load_records(data)]
    out["corpus"] = corpus_stats(rows)
    out.update(bench_fts5(workdir, rows, repeat))
    out["ratio_p95"] = out["p95_ms"] / out["fts5_p95_ms"]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    current = instance / (instance / "index.current").read_text().strip()
    out["index_mb"] = sum(f.stat().st_size for f in current.iterdir()) / 2**20
    out["load_end"] = os.getloadavg()
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
    head = ("| fiches | build complet (CPU) | 1 fiche modifiée | rien à faire | RSS max "
            "(processus / workers) | index | p50 | p95 (1er passage / suivants) | p95 filtré "
            "| FTS5 p50 | FTS5 p95 | p95 Whoosh/FTS5 | préchauffage | 1er passage sans "
            "préchauffage | charge |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in results:
        load = f"{r['load_start'][0]:.1f} → {r['load_end'][0]:.1f}"
        lines.append(
            f"| {r['size']:,} | {r['full_build_s']:.1f} s ({r['full_build_cpu_s']:.0f} s) "
            f"| {r['one_record_rebuild_s']:.2f} s | {r['noop_rebuild_s']:.2f} s "
            f"| {r['peak_rss_mb']:.0f} / {r['children_peak_rss_mb']:.0f} Mo "
            f"| {r['index_mb']:.0f} Mo | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"({r['cold_p95_ms']:.0f} / {r['warm_p95_ms']:.1f}) | {r['filtered_p95_ms']:.1f} ms "
            f"| {r['fts5_p50_ms']:.2f} ms | {r['fts5_p95_ms']:.2f} ms | {r['ratio_p95']:.1f}× "
            f"| {r['warmup']['total_s']:.1f} s | {r['unwarmed_first_pass_p95_ms']:.0f} ms "
            f"| {load} |".replace(",", " "))
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
