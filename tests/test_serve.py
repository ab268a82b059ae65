"""`registry serve` runs a real production server on 127.0.0.1 (gunicorn workers or waitress)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("workers", ["2", "1"])
def test_serve_answers_on_loopback(built_instance: Path, workers: str) -> None:
    port = _free_port()
    env = dict(os.environ, REGISTRY_INSTANCE=str(built_instance))
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port), "--workers",
         workers, "--threads", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    assert "Registre citoyen des algorithmes publics" in response.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/api/v1/algorithmes?q=fraude"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b'"dgfip-cfvr"' in response.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        process.stdout.close()
        process.stderr.close()


def test_admission_runs_at_most_the_limit_of_page_requests_at_once() -> None:
    """`registry serve --concurrency`: GET and HEAD requests take a slot, in turn; a POST
    (a form, perhaps a slow upload) is never held back, even with every slot taken."""
    import threading

    from registry.web.admission import Admission

    inside, most, lock = 0, 0, threading.Lock()
    release = threading.Event()

    def app(environ: dict, start_response) -> list[bytes]:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        if environ["REQUEST_METHOD"] == "GET":
            release.wait(5)
        with lock:
            inside -= 1
        start_response("200 OK", [])
        return [environ["REQUEST_METHOD"].encode()]

    gate = Admission(app, 2)
    answers: list[bytes] = []
    threads = [threading.Thread(target=lambda: answers.extend(
        gate({"REQUEST_METHOD": "GET"}, lambda *a: None))) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while inside < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # the four others are waiting for a slot, not inside
    assert inside == 2
    assert gate({"REQUEST_METHOD": "POST"}, lambda *a: None) == [b"POST"]  # not queued
    release.set()
    for t in threads:
        t.join(10)
    assert answers == [b"GET"] * 6
    assert most == 3  # two GETs, and the POST beside them


def test_both_servers_run_the_site_behind_the_admission_gate(built_instance: Path,
                                                             monkeypatch) -> None:
    """What gunicorn's workers and waitress load: the site, wrapped in the gate with the
    `--concurrency` asked for, answering pages."""
    from werkzeug.test import Client

    from registry.cli.site import serving_app
    from registry.web.admission import Admission

    monkeypatch.setenv("REGISTRY_INSTANCE", str(built_instance))
    app = serving_app(3)
    assert isinstance(app, Admission) and app.limit == 3
    response = Client(app).get("/algorithmes?q=fraude")
    assert response.status_code == 200
    assert "dgfip-cfvr" in response.get_data(as_text=True)


def _listening_sockets(pid: int, port: int) -> set[str]:
    """Inodes of the listening TCP sockets on `port` that process `pid` holds."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                listening.add(fields[9])
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[8:-1])
    return listening & held


def test_each_worker_listens_on_its_own_socket(built_instance: Path) -> None:
    """gunicorn's workers each listen with SO_REUSEPORT: the kernel spreads connections
    over them (one shared socket let keep-alive clients that connect at once all land on
    one worker, docs/performance.md)."""
    from tests.servers import Server

    env = dict(os.environ, REGISTRY_INSTANCE=str(built_instance))
    with Server(env, workers=2, threads=2) as server:
        master = server.proc.pid
        deadline = time.monotonic() + 30
        while True:
            workers = [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/status")
                       if f"PPid:\t{master}\n" in _read(p)]
            sockets = {pid: _listening_sockets(pid, server.port) for pid in workers}
            if len(workers) == 2 and all(sockets.values()):
                break
            assert time.monotonic() < deadline, sockets
            time.sleep(0.2)
        first, second = sockets.values()
        assert first and second and not first & second, sockets


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def test_serve_refuses_a_port_already_listened_on(built_instance: Path) -> None:
    """A second server on a busy port would share it silently (SO_REUSEPORT): `registry
    serve` says so in French and exits 1, before starting any worker."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ, REGISTRY_INSTANCE=str(built_instance))
        done = subprocess.run([sys.executable, "-m", "registry.cli", "serve", "--port",
                               str(port), "--workers", "2"], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    assert f"l'adresse 127.0.0.1:{port} est déjà utilisée" in done.stderr
    assert "Traceback" not in done.stderr
