"""Load test with a rebuild in the middle (not a test): concurrent clients on loopback.

    .venv/bin/python scripts/loadtest.py [--clients 16,64] [--duration 60] [--extra 25]
                                         [--workdir /tmp/registry-loadtest] [--write-doc]
                                         [--client wrk|python] [--warmup 5]

Copies the real records (data/algorithms, with data/administrations and data/references)
to a work folder, builds them and starts the production server (`registry serve`, see
scripts/load.py). Then, for each number of clients, keep-alive clients mix home, list,
search (fixed queries, and two words drawn at random), record, coverage and API requests
for `--duration` seconds; at 30 % of the run `--extra` synthetic records
(scripts/bench_corpus.py) are added and `registry build --full` runs in a child process.
Reported: throughput, p50/p95/p99, errors (anything but 200, or no answer), and
consistency: every search answer's total (API and HTML) must be the one of the build
before or the one after the rebuild, never a half-built index. Then the same clients run
against a trivial Flask + Jinja page under `gunicorn -w 2` (the ceiling of this machine
and these clients) and the mix's throughput is given as a share of it.

The clients are wrk (scripts/wrkclient.py; `--client wrk`, the default when it is
installed: `apt-get install wrk`), asking a mix of 50 000 requests drawn in advance in
three runs: before the rebuild, for exactly as long as it runs, and after (after a
`--warmup` of 5 s, reported but not counted: a server process's first requests open its
index and fill its caches, a cold start of the process, not of a build); one Python
client beside it checks the totals and times each kind of request. `--client python` uses
Python keep-alive clients instead, which time and check every request but take CPU from
the server and count their own waits for the interpreter. `--write-doc`
replaces the « Load with a rebuild » section of docs/performance.md. Only 127.0.0.1 is
contacted; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.cli.site import THREADS  # noqa: E402
from registry.records import catalogue as cat  # noqa: E402

HOST = "127.0.0.1"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Load with a rebuild"
TOTAL = re.compile(r'class="nombre-resultats">(\d+) résultat')


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


load = _module("load")  # free_port, start_server, QUERIES
wrkclient = _module("wrkclient")


def search_paths() -> list[str]:
    """The searches whose totals are checked (API and page, with and without filters)."""
    paths = []
    for i, query in enumerate(load.QUERIES + [""]):
        params = {"q": query}
        if i % 3 == 1:
            params["domaine"] = list(cat.DOMAINES)[i % len(cat.DOMAINES)]
        if i % 3 == 2:
            params[cat.CRITERIA[i % len(cat.CRITERIA)].key] = "publie"
        paths.append("/api/v1/algorithmes?" + urlencode({**params, "par_page": 5}))
        paths.append("/algorithmes?" + urlencode(params))
    return paths


def other_paths(ids: list[str]) -> list[str]:
    return (["/", "/couverture", "/api/v1/couverture", "/administrations"]
            + [f"/algorithmes?page={p}" for p in (1, 2, 3)]
            + [f"/algorithmes/{quote(i)}" for i in ids]
            + [f"/api/v1/algorithmes/{quote(i)}" for i in ids])


def total_of(path: str, body: str) -> int | None:
    if path.startswith("/api/v1/algorithmes?"):
        return json.loads(body)["total"]
    if path.startswith("/algorithmes?q="):
        found = TOTAL.search(body)
        return int(found.group(1)) if found else None
    return None


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, str]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def ask(conn: http.client.HTTPConnection, port: int,
        path: str) -> tuple[http.client.HTTPConnection, int, int | None, str | None]:
    """One request of a client: (the connection to go on with, status, search total,
    error). No answer gives status 0, the error, and a new connection."""
    try:
        status, body = fetch(conn, path)
        return conn, status, total_of(path, body) if status == 200 else None, None
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return (http.client.HTTPConnection(HOST, port, timeout=30), 0, None,
                f"{path}: {exc!r}")


def snapshot(port: int, paths: list[str]) -> dict[str, int | None]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    out = {}
    for path in paths:
        status, body = fetch(conn, path)
        assert status == 200, (path, status)
        out[path] = total_of(path, body)
    conn.close()
    return out


def draw(rng: random.Random, searches: list[str], others: list[str], varied: bool) -> str:
    """One request of the mix. With `varied`, 22.5 % are two words drawn at random (rarely
    asked twice: they measure the engine, not the caches)."""
    value = rng.random()
    if varied and value < 0.225:
        words = " ".join(rng.sample(load.WORDS, 2))
        return "/algorithmes?" + urlencode({"q": words}) if value < 0.15 else \
            "/api/v1/algorithmes?" + urlencode({"q": words})
    return rng.choice(searches) if value < 0.45 else rng.choice(others)


def probe(port: int, searches: list[str], others: list[str], stop: threading.Event,
          out: dict) -> None:
    """One Python client asking the same mix while wrk loads the server, until `stop`: its
    answers give the consistency check (wrk does not read totals) and the latency per kind
    of request as one more client sees it."""
    rng = random.Random(1)
    samples, errors = [], []
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    begin = time.monotonic()
    while not stop.is_set():
        path = draw(rng, searches, others, varied=True)
        started = time.monotonic()
        conn, status, total, error = ask(conn, port, path)
        errors.extend([error] if error else [])
        samples.append((started - begin, time.monotonic() - started, path, status, total))
    conn.close()
    out.update(samples=samples, errors=errors)


def wrk_mix(port: int, clients: int, duration: float,  # noqa: PLR0913
            searches: list[str], others: list[str], rebuild: Callable[[], object],
            workdir: Path, warmup: float) -> tuple[dict, dict]:
    """The mix asked by wrk (`clients` connections, 50 000 requests drawn in advance, in
    turn) with the rebuild in the middle (wrkclient.phased_run), and the probe beside it."""
    rng = random.Random(clients)
    mix = [draw(rng, searches, others, varied=True) for _ in range(50_000)]
    stop, probed = threading.Event(), {}
    prober = threading.Thread(target=probe, args=(port, searches, others, stop, probed))
    prober.start()
    try:
        phased = wrkclient.phased_run(port, mix, clients, workdir, duration, rebuild, warmup)
    finally:
        stop.set()
        prober.join()
    return phased, probed


def wrk_summary(phased: dict, probed: dict, before: dict, after: dict) -> dict:
    """The figures of summarise(): throughput, latencies and errors from wrk's phases,
    consistency and per-kind latencies from the probe."""
    runs = list(phased["phases"].values())
    during = phased["phases"]["reconstruction"]
    checked = summarise({"samples": probed["samples"], "errors": probed["errors"],
                         "build": {}, "wall": phased["wall"]}, before, after)
    return {**checked, "requetes": sum(r["requetes"] for r in runs),
            "debit": wrkclient.rate(runs),
            **{f"p{p}": wrkclient.pooled(runs, p) for p in (50, 95, 99)},
            "max": max(r["max"] for r in runs),
            "p95_reconstruction": wrkclient.pooled([during], 95),
            "p99_reconstruction": wrkclient.pooled([during], 99),
            "pendant": during["requetes"],
            "erreurs": sum(r["erreurs"] for r in runs) + len(probed["errors"]),
            "reconstruction": phased["build"],
            "vu_par": ", as one Python client beside wrk sees them",
            "phases": {name: {"debit": wrkclient.rate([r]), "p50": wrkclient.pooled([r], 50),
                              "p99": wrkclient.pooled([r], 99), "max": r["max"]}
                       for name, r in [*phased["phases"].items(),
                                       ("échauffement (non compté)", phased["echauffement"])]
                       if r is not None}}


def clients_run(port: int, clients: int, duration: float, searches: list[str],
                others: list[str], rebuild: Callable[[], object],
                varied: bool = False) -> dict:
    """Run the clients; `rebuild()` is called in a thread at 30 % of the duration. With
    `varied`, half of the searches are two words drawn at random (rarely asked twice: they
    measure the engine, not the caches)."""
    samples: list[tuple[float, float, str, int, int | None]] = []  # start, latency, path…
    errors: list[str] = []
    lock = threading.Lock()
    begin = time.monotonic()
    stop = begin + duration

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop:
            path = draw(rng, searches, others, varied)
            started = time.monotonic()
            conn, status, total, error = ask(conn, port, path)
            elapsed = time.monotonic() - started
            with lock:
                errors.extend([error] if error else [])
                samples.append((started - begin, elapsed, path, status, total))
                if status not in (0, 200):
                    errors.append(f"{path}: HTTP {status}")
        conn.close()

    build_times: dict[str, float] = {}

    def rebuilder() -> None:
        time.sleep(duration * 0.3)
        build_times["debut"] = time.monotonic() - begin
        build_times["code"] = rebuild()
        build_times["fin"] = time.monotonic() - begin

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    builder = threading.Thread(target=rebuilder)
    builder.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    builder.join()
    return {"samples": samples, "errors": errors, "build": build_times,
            "wall": time.monotonic() - begin}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))] * 1000


def kind(path: str, searches: set[str]) -> str:
    """The kind of request of `path`, for the per-kind latencies."""
    if path in searches:
        return "fixed search (API)" if path.startswith("/api/") else "fixed search (page)"
    if path.startswith("/api/v1/algorithmes?q="):
        return "varied search (API)"
    if path.startswith("/algorithmes?q="):
        return "varied search (page)"
    if path.startswith(("/algorithmes/", "/api/v1/algorithmes/")):
        return "record (page or API)"
    return "home, list, coverage, administrations"


def by_kind(samples: list, searches: set[str]) -> dict[str, dict]:
    """Share of requests, p50 and p99 per kind of request."""
    groups: dict[str, list[float]] = {}
    for _, latency, path, _, _ in samples:
        groups.setdefault(kind(path, searches), []).append(latency)
    return {name: {"part": len(values) / max(len(samples), 1),
                   "p50": percentile(values, 50), "p99": percentile(values, 99)}
            for name, values in sorted(groups.items())}


def summarise(run: dict, before: dict, after: dict) -> dict:
    samples = run["samples"]
    latencies = [s[1] for s in samples]
    during = [s[1] for s in samples
              if run["build"].get("debut", 0) <= s[0] <= run["build"].get("fin", 0)]
    inconsistent = [(path, total) for _, _, path, status, total in samples
                    if status == 200 and path in before and total not in (before[path],
                                                                          after[path])]
    checked = sum(1 for _, _, path, status, _ in samples if status == 200 and path in before)
    seen_after = sum(1 for _, _, path, status, total in samples if status == 200
                     and path in before and before[path] != after[path] and total == after[path])
    return {"requetes": len(samples), "debit": len(samples) / run["wall"],
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99), "max": percentile(latencies, 100),
            "p95_reconstruction": percentile(during, 95),
            "p99_reconstruction": percentile(during, 99), "pendant": len(during),
            "erreurs": len(run["errors"]), "exemples": run["errors"][:3],
            "verifiees": checked, "incoherentes": len(inconsistent),
            "exemples_incoherents": inconsistent[:3], "nouvel_etat_vu": seen_after,
            "reconstruction": run["build"], "par_type": by_kind(samples, set(before))}


CEILING_APP = """
from flask import Flask, render_template_string

app = Flask(__name__)
PAGE = ("<!doctype html><html lang=fr><head><title>{{ title }}</title></head><body>"
        "<h1>{{ title }}</h1><ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>"
        "</body></html>")


@app.get("/")
def page():
    return render_template_string(PAGE, title="Plafond", items=range(20))
"""


def ceiling(workdir: Path, clients: int, duration: float, threads: int,
            use_wrk: bool) -> dict:
    """A trivial Flask + Jinja page under `gunicorn -w 2` on the same machine, by the same
    clients: what this machine and these clients can do at most. The best of three worker
    setups (sync, gthread with the server's threads, gthread with 8), each for half the
    duration (10 s at least): a ceiling measured in one setup only can be that setup's
    weakness, which would flatter the mix."""
    (workdir / "ceiling_app.py").write_text(CEILING_APP)
    best: dict = {}
    setups = {f"gthread, {n} threads": ["-k", "gthread", "--threads", str(n)]
              for n in sorted({threads, 8})}  # one entry when the server runs 8 threads
    setups["sync"] = ["-k", "sync"]
    for label, flags in setups.items():
        port = load.free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", "2", *flags,
             "-b", f"{HOST}:{port}", "--log-level", "warning", "ceiling_app:app"],
            cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    snapshot(port, ["/"])
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the ceiling server did not start"
                    time.sleep(0.2)
            if use_wrk:
                run = wrkclient.run(port, ["/"], clients, workdir, duration=max(duration / 2, 10))
                result = {"requetes": run["requetes"], "debit": wrkclient.rate([run]),
                          "p50": wrkclient.pooled([run], 50), "p99": wrkclient.pooled([run], 99),
                          "erreurs": run["erreurs"]}
            else:
                run = clients_run(port, clients, max(duration / 2, 10), ["/"], ["/"],
                                  lambda: 0)
                latencies = [s[1] for s in run["samples"]]
                result = {"requetes": len(latencies), "debit": len(latencies) / run["wall"],
                          "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                          "erreurs": len(run["errors"])}
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=20)
        result["serveur"] = label
        print(f"plafond ({result['serveur']}) : {result['debit']:.0f} req/s, "
              f"p99 {result['p99']:.1f} ms", flush=True)
        if result["debit"] > best.get("debit", 0):
            best = result
    return best


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPU ({model or platform.machine()}), {memory:.1f} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
            f"load average at the end: {load_avg}")


def table(results: dict[int, dict], ceilings: dict[int, dict], records: int, extra: int,
          duration: float, load_before: str, client: str = "python") -> str:
    clients_are = {"wrk": "wrk (one thread)", "python": "Python keep-alive clients"}[client]
    lines = [f"{records} real records (+{extra} added for the rebuild), {duration:g} s per run, "
             f"clients: {clients_are}, "
             "`registry serve` defaults (gunicorn, one worker per core), clients and server "
             f"on the same machine: {machine()}; load average before the runs: {load_before}.",
             "",
             "| clients | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | p95 / p99 during "
             "the rebuild (ms) | errors | search answers checked | inconsistent | rebuild | "
             "ceiling: trivial page, `gunicorn -w 2` (req/s, p99) | mix / ceiling |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: "
             "| ---: |"]
    for clients, r in results.items():
        b = r["reconstruction"]
        c = ceilings[clients]
        rebuild = f"{b.get('debut', 0):.0f}–{b.get('fin', 0):.0f} s, exit {b.get('code')}"
        lines.append(f"| {clients} | {r['requetes']} | {r['debit']:.0f} | {r['p50']:.1f} | "
                     f"{r['p95']:.1f} | {r['p99']:.1f} | {r['p95_reconstruction']:.1f} / "
                     f"{r['p99_reconstruction']:.1f} | {r['erreurs']} | {r['verifiees']} "
                     f"({r['nouvel_etat_vu']} after) | {r['incoherentes']} | {rebuild} | "
                     f"{c['debit']:.0f}, {c['p99']:.1f} ms ({c['serveur']}) | "
                     f"{100 * r['debit'] / max(c['debit'], 1):.0f} % |")
    for clients, r in results.items():
        if "phases" in r:
            lines += ["", f"Per phase ({clients} clients):", "",
                      "| phase | req/s | p50 (ms) | p99 (ms) | max (ms) |",
                      "| --- | ---: | ---: | ---: | ---: |"]
            lines += [f"| {name} | {f['debit']:.0f} | {f['p50']:.1f} | {f['p99']:.1f} | "
                      f"{f['max']:.1f} |" for name, f in r["phases"].items()]
        lines += ["", f"Per kind of request ({clients} clients{r.get('vu_par', '')}):", "",
                  "| kind | share | p50 (ms) | p99 (ms) |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {name} | {100 * k['part']:.0f} % | {k['p50']:.1f} | {k['p99']:.1f} |"
                  for name, k in r["par_type"].items()]
    return "\n".join(lines)


def write_doc(body: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    section = f"{SECTION}\n\n{body.strip()}\n\n"
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--extra", type=int, default=25)
    parser.add_argument("--threads", type=int, default=0,
                        help="fils par processus serveur (défaut : celui de registry serve)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="pages calculées à la fois par processus (défaut : registry serve)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/registry-loadtest"))
    parser.add_argument("--write-doc", action="store_true")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="secondes de charge avant la mesure (wrk ; non comptées)")
    parser.add_argument("--client", choices=("wrk", "python"),
                        default="wrk" if wrkclient.available() else "python",
                        help="wrk (C, par défaut s'il est installé) ou les clients Python")
    args = parser.parse_args()
    args.threads = args.threads or THREADS
    shutil.rmtree(args.workdir, ignore_errors=True)
    data, instance = load.copy_real_records(args.workdir)
    extra = args.workdir / "extra"
    _module("bench_corpus").generate(ROOT / "data" / "algorithms", extra, args.extra, seed=7)
    env = load.site_env(data, instance)
    command = [sys.executable, "-m", "registry.cli", "build"]

    def build(*flags: str) -> int:
        return subprocess.run(command + list(flags), env=env, cwd=ROOT, check=False,
                              capture_output=True).returncode

    assert build("--full") == 0
    ids = sorted(p.stem for p in data.glob("*.md"))
    port = load.free_port()
    server = load.start_server(data, instance, port, args.threads,
                               concurrency=args.concurrency)
    searches, others = search_paths(), other_paths(ids)
    results, ceilings = {}, {}
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        for clients in [int(c) for c in args.clients.split(",")]:
            for path in extra.glob("*.md"):
                (data / path.name).unlink(missing_ok=True)
            assert build() == 0
            before = snapshot(port, searches)

            def rebuild() -> int:
                for path in extra.glob("*.md"):
                    shutil.copy(path, data / path.name)
                return build("--full")

            if args.client == "wrk":
                phased, probed = wrk_mix(port, clients, args.duration, searches, others,
                                         rebuild, args.workdir, args.warmup)
                after = snapshot(port, searches)
                results[clients] = wrk_summary(phased, probed, before, after)
            else:
                run = clients_run(port, clients, args.duration, searches, others, rebuild,
                                  varied=True)
                after = snapshot(port, searches)
                results[clients] = summarise(run, before, after)
            r = results[clients]
            print(f"{clients} clients : {r['requetes']} requêtes, {r['debit']:.0f} req/s, "
                  f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, "
                  f"{r['erreurs']} erreur(s) {r['exemples']}, {r['incoherentes']} réponse(s) "
                  f"incohérente(s) {r['exemples_incoherents']}, reconstruction "
                  f"{r['reconstruction']}", flush=True)
    finally:
        load.stop_server(server)
    for clients in results:
        ceilings[clients] = ceiling(args.workdir, clients, args.duration, args.threads,
                                    args.client == "wrk")
        c = ceilings[clients]
        print(f"plafond, {clients} clients : {c['debit']:.0f} req/s, p99 {c['p99']:.1f} ms, "
              f"{c['erreurs']} erreur(s)", flush=True)
    report = table(results, ceilings, len(ids), args.extra, args.duration, load_before,
                   args.client)
    print(report)
    if args.write_doc:
        write_doc(report)


if __name__ == "__main__":
    main()
