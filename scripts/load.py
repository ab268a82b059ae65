"""Load test of the public pages (not a test): concurrent clients on loopback, bounded in time.

    .venv/bin/python scripts/load.py [--size 10000] [--clients 16] [--duration 20]
                                     [--workdir /tmp/registry-load] [--write-doc]

Generates `--size` synthetic records (the generator of scripts/bench.py), builds them,
starts the production server (`registry serve`: gunicorn, one process per core) on 127.0.0.1,
then for each scenario runs `--clients` concurrent keep-alive clients for `--duration`
seconds (and at most `--max-requests` requests) and reports throughput, p50/p95/p99 and
errors. `--write-doc` replaces the « Latest run » part of the « Pages under load » section
of docs/performance.md.
Only 127.0.0.1 is ever contacted; every loop is bounded and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import platform
import random
import re
import shutil
import socket
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

from registry.build.pipeline import build  # noqa: E402
from registry.config import load_settings  # noqa: E402
from registry.db.engine import get_engine  # noqa: E402
from registry.db.store import Store  # noqa: E402
from registry.records import catalogue as cat  # noqa: E402

HOST = "127.0.0.1"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Pages under load"
RUN = "### Latest run"
QUERIES = ["fraude", "contrôle caf", "évaluation", "score de risque", "allocations familiales",
           "données personnelles", "transparence", "impot", "logement social", "algorith",
           '"score de risque"', "affectation des élèves", "France Travail", "parcoursupp"]

# Words for varied free-text queries (most combinations are asked only once).
WORDS = ("données revenus famille logement évaluation fraude erreur contrôle transparence "
         "décision agent critères pondération apprentissage régression statistique dossier "
         "prestation allocation impôt cotisation emploi formation santé école commune caisse "
         "ministère recours explication code source documentation audit rapport biais "
         "discrimination précarité territoire transport sécurité justice délai montant seuil "
         "barème ressources déclaration expérimentation prestataire marché budget").split()


def _bench_module() -> ModuleType:
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def prepare(workdir: Path, size: int) -> tuple[Path, Path]:
    data, instance = workdir / "data", workdir / "instance"
    if len(list(data.glob("*.md"))) != size:
        if data.exists():
            for path in data.glob("*.md"):
                path.unlink()
        print(f"génération de {size} fiches…", flush=True)
        _bench_module().generate(data, size)
    print("construction (incrémentale si déjà construite)…", flush=True)
    started = time.perf_counter()
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}))
    print(f"construite en {time.perf_counter() - started:.1f} s", flush=True)
    return data, instance


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def site_env(data: Path, instance: Path) -> dict[str, str]:
    """The environment of a `registry` command on `data`, with its instance folder and the
    state store beside it."""
    return {**os.environ, "REGISTRY_DATA": str(data), "REGISTRY_INSTANCE": str(instance),
            "REGISTRY_STATE": str(Path(instance).parent / "state")}


def copy_real_records(workdir: Path) -> tuple[Path, Path]:
    """The real records copied into `workdir` (with the administrations and references that
    sit beside them in schema 2): (records folder, instance folder to build)."""
    data = workdir / "data"
    shutil.copytree(ROOT / "data" / "algorithms", data)
    for folder in ("administrations", "references"):
        shutil.copytree(ROOT / "data" / folder, workdir / folder, dirs_exist_ok=True)
    return data, workdir / "instance"


def start_server(data: Path, instance: Path, port: int, threads: int,
                 workers: int = 0, concurrency: int = 0) -> subprocess.Popen:
    env = site_env(data, instance)
    code = "from registry.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--host", HOST, "--port",
                             str(port), "--threads", str(threads), "--workers",
                             str(workers),
                             *(["--concurrency", str(concurrency)] if concurrency else [])],
                            env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("le serveur n'a pas démarré")


def stop_server(server: subprocess.Popen, timeout: float = 15) -> None:
    """Stop the server started by start_server (SIGTERM, then SIGKILL after `timeout`)."""
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()


def scenarios(ids: list[str], admins: list[str], words: list[str]) -> dict[str, object]:
    """Paths by scenario. List pages reached from links (home figures, facets, first pages)
    repeat and hit the site's results cache; free-text queries mostly miss it."""
    facets = ["domaine=" + d for d in cat.DOMAINES] + \
        [f"{c.key}={e}" for c in cat.CRITERIA for e in ("publie", "non_publie")]

    def fiche(rng: random.Random) -> str:
        return "/algorithmes/" + rng.choice(ids)

    def liste(rng: random.Random) -> str:
        page = "" if rng.random() < 0.7 else f"&page={rng.randint(2, 3)}"
        return f"/algorithmes?{rng.choice(facets)}{page}"

    def frequentes(rng: random.Random) -> str:
        path = "/algorithmes?" + urlencode({"q": rng.choice(QUERIES)})
        return path + ("&" + rng.choice(facets[:len(cat.DOMAINES)]) if rng.random() < 0.3
                       else "")

    def variees(rng: random.Random) -> str:
        query = " ".join(rng.sample(words, rng.randint(1, 3)))
        return "/algorithmes?" + urlencode({"q": query})

    return {"fiche": fiche, "accueil": lambda rng: "/",
            "administration": lambda rng: "/administrations/" + quote(rng.choice(admins)),
            "liste (liens de filtres)": liste, "recherche (requêtes fréquentes)": frequentes,
            "recherche (requêtes variées)": variees}


def run(port: int, make_path: Callable[[random.Random], str], clients: int, duration: float,
        max_requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration
    budget = [max_requests]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = make_path(rng)
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                errors.append(f"{path}: {exc}")
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200 and status != 0:
                    errors.append(f"{path}: HTTP {status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    return {"requetes": len(latencies), "debit": len(latencies) / wall, "p50": pct(50),
            "p95": pct(95), "p99": pct(99), "max": ordered[-1] * 1000, "erreurs": len(errors),
            "exemples_erreurs": errors[:3]}


def table(results: dict[str, dict], size: int, clients: int, duration: float,
          load: float) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                            capture_output=True, check=False).stdout.strip()
    lines = [f"{size} fiches, {clients} clients simultanés, {duration:g} s par scénario "
             f"({platform.python_implementation()} {platform.python_version()}, "
             f"{os.cpu_count()} cœurs, `registry serve` : un processus par cœur, "
             f"commit `{commit or '?'}`, charge moyenne de "
             f"la machine au départ : {load:.1f}).", "",
             "| page | requêtes | débit (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | erreurs |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['requetes']} | {r['debit']:.0f} | {r['p50']:.1f} | "
                     f"{r['p95']:.1f} | {r['p99']:.1f} | {r['erreurs']} |")
    return "\n".join(lines)


def write_doc(body: str) -> None:
    """Replace the « Latest run » part of the « Pages under load » section (the method and
    the analysis around it, and the other sections, are left untouched)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    run = f"{RUN}\n\n{body.strip()}\n\n"
    start = text.find(f"\n{SECTION}\n")
    if start < 0:
        DOC.write_text(text.rstrip("\n") + f"\n\n{SECTION}\n\n{run}".rstrip("\n") + "\n",
                       encoding="utf-8")
        return
    end = text.find("\n## ", start + 1)
    end = len(text) if end < 0 else end + 1
    section = text[start:end]
    pattern = re.compile(rf"^{re.escape(RUN)}\n.*?(?=^### |\Z)", re.S | re.M)
    section = pattern.sub(lambda _: run, section) if pattern.search(section) else \
        section.rstrip("\n") + "\n\n" + run
    DOC.write_text((text[:start] + section.rstrip("\n") + "\n" + text[end:]).rstrip("\n")
                   + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="secondes par scénario")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=16, help="fils par processus serveur")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/registry-load"))
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()
    data, instance = prepare(args.workdir / str(args.size), args.size)
    ids = sorted(p.stem for p in data.glob("*.md"))
    store = Store(get_engine(load_settings({"DATA": str(data), "INSTANCE": str(instance)})))
    try:
        admins = [a.slug for a in store.administrations()]
    finally:
        store.close()
    load = os.getloadavg()[0]
    port = free_port()
    server = start_server(data, instance, port, args.threads)
    results: dict[str, dict] = {}
    try:
        for name, make_path in scenarios(ids, admins, WORDS).items():
            run(port, make_path, args.clients, min(2.0, args.duration), 500)  # warm-up
            results[name] = run(port, make_path, args.clients, args.duration,
                                args.max_requests)
            r = results[name]
            print(f"{name}: {r['requetes']} requêtes, {r['debit']:.0f} req/s, "
                  f"p95 {r['p95']:.1f} ms, {r['erreurs']} erreur(s) {r['exemples_erreurs']}",
                  flush=True)
    finally:
        stop_server(server)
    report = table(results, args.size, args.clients, args.duration, load)
    print(report)
    if args.write_doc:
        write_doc(report)


if __name__ == "__main__":
    main()
