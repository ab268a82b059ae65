"""Reverse-proxy cache benchmark (not a test): record pages through a warm nginx cache,
against the same nginx serving a static file.

    .venv/bin/python scripts/proxybench.py [--clients 16] [--duration 20]
                                           [--workdir /tmp/registry-proxybench]

Copies the real records to a work folder, builds them and starts the production server
(`registry serve`). Then starts nginx (it must be installed; nothing else is needed) with
the cache configuration of docs/deployment.md taken from that document as it is, only
listening on 127.0.0.1 without TLS, with its paths in the work folder and one more
location, ``/statique/``, serving a file as big as a record page. Every record page is
asked twice through nginx (the cache is warm: the second answer must say ``X-Cache: HIT``),
then the same keep-alive clients as scripts/loadtest.py ask record pages through nginx for
`--duration` seconds, then the static file for as long. Printed: both rates, the
requests nginx did not answer from its cache (its access log), and the ratio (target of
issue 18: record pages at 90 % of the static-file rate at least). Only 127.0.0.1 is
contacted; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import re
import shutil
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


def documented_config() -> str:
    """The nginx block of docs/deployment.md that holds `proxy_cache_path`."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    for block in re.findall(r"```nginx\n(.*?)```", text, re.S):
        if "proxy_cache_path" in block:
            return block
    raise SystemExit("docs/deployment.md n'a plus de configuration nginx avec cache")


def nginx_config(workdir: Path, port: int, upstream: int, static: Path) -> str:
    """The documented block, made to run here: plain HTTP on 127.0.0.1, paths in `workdir`,
    the upstream's port, a static location beside the proxied one."""
    block = documented_config()
    block = block.replace("/var/cache/nginx/registre", str(workdir / "cache"))
    block = re.sub(r"listen 443 ssl;[^\n]*", f"listen {HOST}:{port};", block)
    block = block.replace("http://127.0.0.1:5000", f"http://{HOST}:{upstream}")
    block = block.replace("    location / {", f"    location /statique/ {{\n        alias "
                          f"{static.parent}/;\n    }}\n\n    location / {{", 1)
    return (f"worker_processes 2;\npid {workdir / 'nginx.pid'};\n"
            f"error_log {workdir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    log_format cache '$upstream_cache_status $request_uri';\n"
            f"    access_log {workdir / 'access.log'} cache;\n"
            f"    client_body_temp_path {workdir / 'tmp'};\n"
            f"    proxy_temp_path {workdir / 'tmp'};\n    keepalive_requests 100000;\n"
            f"{block}\n}}\n")


def not_from_cache(log: Path) -> tuple[int, int]:
    """(requests logged, those nginx did not answer from its cache) in its access log."""
    lines = log.read_text().splitlines() if log.exists() else []
    return len(lines), sum(1 for line in lines if not line.startswith("HIT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/registry-proxybench"))
    args = parser.parse_args()
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
        sizes = []
        conn = http.client.HTTPConnection(HOST, upstream, timeout=30)
        for path in pages[:20]:
            conn.request("GET", path)
            sizes.append(len(conn.getresponse().read()))
        conn.close()
        static = args.workdir / "statique" / "page.html"
        static.write_bytes(b"x" * (sum(sizes) // len(sizes)))
        port = load.free_port()
        config = args.workdir / "nginx.conf"
        config.write_text(nginx_config(args.workdir, port, upstream, static))
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
        pages_run = loadtest.clients_run(port, args.clients, args.duration, pages, pages,
                                         lambda: 0)
        logged, reached = not_from_cache(log)
        static_run = loadtest.clients_run(port, args.clients, args.duration,
                                          ["/statique/page.html"], ["/statique/page.html"],
                                          lambda: 0)
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        load.stop_server(server)
    rate = {name: len(run["samples"]) / run["wall"]
            for name, run in (("pages", pages_run), ("statique", static_run))}
    p99 = {name: loadtest.percentile([s[1] for s in run["samples"]], 99)
           for name, run in (("pages", pages_run), ("statique", static_run))}
    errors = len(pages_run["errors"]) + len(static_run["errors"])
    print(f"| clients | record pages through the warm cache (req/s, p99) | static file "
          f"(req/s, p99) | pages / static | requests reaching `registry serve` | errors |\n"
          f"| ---: | ---: | ---: | ---: | ---: | ---: |\n"
          f"| {args.clients} | {rate['pages']:.0f}, {p99['pages']:.1f} ms | "
          f"{rate['statique']:.0f}, {p99['statique']:.1f} ms | "
          f"{100 * rate['pages'] / max(rate['statique'], 1):.0f} % | "
          f"{reached} of {logged} | {errors} |")
    print(f"{len(ids)} fiches, pages de {min(sizes)}–{max(sizes)} octets, fichier statique de "
          f"{static.stat().st_size} octets ; {loadtest.machine()}")


if __name__ == "__main__":
    main()
