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
