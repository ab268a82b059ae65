"""Reverse-proxy cache benchmark (not a test): record pages through a warm nginx cache,
against the same nginx serving the same pages as static files.

    .venv/bin/python scripts/proxybench.py [--clients 16] [--duration 20] [--rounds 5]
                                           [--workdir /tmp/registry-proxybench]
                                           [--client wrk|python]

Copies the real records to a work folder, builds them and starts the production server
(`registry serve`). Then starts nginx (it must be installed; nothing else is needed) with
the cache configuration of docs/deployment.md taken from that document as it is, only
listening on 127.0.0.1 without TLS, with its paths in the work folder and one more
location, ``/statique/``, serving every record page's own bytes saved as a file. Every
record page is asked twice through nginx (the cache is warm: the second answer must say
``X-Cache: HIT``). Then, in `--rounds` alternated rounds so that the machine's noise falls
on both, keep-alive clients ask every record page in turn through nginx for `--duration`
seconds, then the static copies for as long.

The clients are wrk (a C load generator, `apt-get install wrk`; one thread, `--clients`
connections) when it is installed, or the Python clients of scripts/loadtest.py with
`--client python`. Those parse every answer in Python: at thousands of requests a second
they, not nginx, are what gets measured.

Printed: both rates per round, the ratio per round and its median (target of issue 18:
record pages at 90 % of the static-file rate at least), and how many requests nginx did
not answer from its cache (its access log). Only 127.0.0.1 is contacted; every loop is
bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEPLOYMENT = ROOT / "docs" / "deployment.md"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


loadtest = _module("loadtest")
load = loadtest.load
wrkclient = _module("wrkclient")


def documented_config() -> str:
    """The nginx block of docs/deployment.md that holds `proxy_cache_path`."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    for block in re.findall(r"```nginx\n(.*?)```", text, re.S):
        if "proxy_cache_path" in block:
            return block
    raise SystemExit("docs/deployment.md n'a plus de configuration nginx avec cache")


def nginx_config(workdir: Path, port: int, upstream: int, static: Path,
                 pinned: bool = False) -> str:
    """The documented block, made to run here: plain HTTP on 127.0.0.1, paths in `workdir`,
    the upstream's port, a static location (the folder of `static`) beside the proxied one."""
    block = documented_config()
    block = block.replace("/var/cache/nginx/registre", str(workdir / "cache"))
    block = re.sub(r"listen 443 ssl;[^\n]*", f"listen {HOST}:{port};", block)
    block = block.replace("http://127.0.0.1:5000", f"http://{HOST}:{upstream}")
    block = block.replace("    location / {", f"    location /statique/ {{\n        alias "
                          f"{static.parent}/;\n    }}\n\n    location / {{", 1)
    workers = "worker_processes 1;\nworker_cpu_affinity 01;" if pinned else \
        "worker_processes 2;"
    return (f"{workers}\npid {workdir / 'nginx.pid'};\n"
            f"error_log {workdir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    sendfile on;\n    tcp_nopush on;\n"  # Debian's nginx.conf defaults
            "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            "    log_format cache '$upstream_cache_status $request_uri';\n"
            f"    access_log {workdir / 'access.log'} cache;\n"
            f"    client_body_temp_path {workdir / 'tmp'};\n"
            f"    proxy_temp_path {workdir / 'tmp'};\n    keepalive_requests 100000;\n"
            f"{block}\n}}\n")


def wrk_run(port: int, paths: list[str], clients: int, duration: float,
            workdir: Path, cpus: str | None = None) -> dict:
    """Rate (req/s), p99 (ms) and errors of wrk asking `paths` in turn on 127.0.0.1:port."""
    run = wrkclient.run(port, paths, clients, workdir, duration=duration, cpus=cpus)
    return {"rate": wrkclient.rate([run]), "p99": wrkclient.pooled([run], 99),
            "errors": run["erreurs"]}


def python_run(port: int, paths: list[str], clients: int, duration: float,
               workdir: Path, cpus: str | None = None) -> dict:
    """The same figures from the keep-alive Python clients of scripts/loadtest.py."""
    del workdir, cpus
    run = loadtest.clients_run(port, clients, duration, paths, paths, lambda: 0)
    return {"rate": len(run["samples"]) / run["wall"],
            "p99": loadtest.percentile([s[1] for s in run["samples"]], 99),
            "errors": len(run["errors"])}


def not_from_cache(log: Path) -> tuple[int, int]:
    """(record-page requests logged, those nginx did not answer from its cache) in its
    access log; the static files are not counted."""
    lines = [line for line in (log.read_text().splitlines() if log.exists() else [])
             if " /algorithmes/" in line]
    return len(lines), sum(1 for line in lines if not line.startswith("HIT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/registry-proxybench"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pin", action="store_true",
                        help="nginx sur le 1er cœur (un worker), les clients sur le 2e")
    parser.add_argument("--client", choices=("wrk", "python"),
                        default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    clients_run = wrk_run if args.client == "wrk" else python_run
    cpus = "1" if args.pin else None
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx n'est pas installé (apt-get install nginx)")
    shutil.rmtree(args.workdir, ignore_errors=True)
    data, instance = load.copy_real_records(args.workdir)
    for folder in ("cache", "tmp", "statique"):
        (args.workdir / folder).mkdir()
    subprocess.run([sys.executable, "-m", "registry.cli", "build", "--full"],
                   env=load.site_env(data, instance),
                   cwd=ROOT, check=True, capture_output=True)
    ids = sorted(p.stem for p in data.glob("*.md"))
    upstream = load.free_port()
    server = load.start_server(data, instance, upstream, loadtest.THREADS)
    proxy = None
    try:
        pages = [f"/algorithmes/{quote(i)}" for i in ids]
        statics = [f"/statique/{n}.html" for n in range(len(pages))]
        sizes = []
        conn = http.client.HTTPConnection(HOST, upstream, timeout=30)
        for n, path in enumerate(pages):  # the same bytes, saved as static files
            conn.request("GET", path)
            body = conn.getresponse().read()
            (args.workdir / "statique" / f"{n}.html").write_bytes(body)
            sizes.append(len(body))
        conn.close()
        port = load.free_port()
        config = args.workdir / "nginx.conf"
        config.write_text(nginx_config(args.workdir, port, upstream,
                                       args.workdir / "statique" / "0.html", args.pin))
        proxy = subprocess.Popen([nginx, "-c", str(config), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1)
        if proxy.poll() is not None:
            raise SystemExit(f"nginx n'a pas démarré : {proxy.stderr.read().decode()[-2000:]}")
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        hits = 0
        for _ in range(2):
            hits = 0
            for path in pages:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                assert response.status == 200, (path, response.status)
                hits += response.getheader("X-Cache") == "HIT"
        conn.close()
        print(f"cache chaud : {hits}/{len(pages)} pages servies par nginx (X-Cache: HIT)",
              flush=True)
        log = args.workdir / "access.log"
        log.write_text("")  # truncated in place: nginx appends to the same file
        rounds = []
        for _ in range(args.rounds):  # alternated, so that the machine's noise hits both
            rounds.append({
                "pages": clients_run(port, pages, args.clients, args.duration, args.workdir,
                                     cpus),
                "statique": clients_run(port, statics, args.clients, args.duration,
                                        args.workdir, cpus)})
        logged, reached = not_from_cache(log)
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        load.stop_server(server)
    print("| round | record pages through the warm cache (req/s, p99) | the same pages as "
          "static files (req/s, p99) | pages / static | errors |\n"
          "| ---: | ---: | ---: | ---: | ---: |")
    ratios = []
    for number, run in enumerate(rounds, 1):
        ratios.append(run["pages"]["rate"] / max(run["statique"]["rate"], 1))
        print(f"| {number} | {run['pages']['rate']:.0f}, {run['pages']['p99']:.1f} ms | "
              f"{run['statique']['rate']:.0f}, {run['statique']['p99']:.1f} ms | "
              f"{100 * ratios[-1]:.0f} % | "
              f"{run['pages']['errors'] + run['statique']['errors']} |")
    print(f"median of the rounds: pages at {100 * statistics.median(ratios):.0f} % of the "
          f"static files' rate; requests reaching `registry serve`: {reached} of {logged}")
    print(f"clients : {args.client}, {args.clients} connexions"
          f"{', nginx (1 worker) et clients sur deux cœurs distincts' if args.pin else ''}"
          f", {args.duration:g} s par mesure ; {len(ids)} fiches, pages de "
          f"{min(sizes)}–{max(sizes)} octets ; "
          f"{loadtest.machine()}")


if __name__ == "__main__":
    main()
