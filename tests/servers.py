"""`registry serve` in child processes on free loopback ports, and a small HTTP client that
behaves like a browser (cookies, CSRF tokens), for the multi-process tests."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from registry.config import PROJECT_ROOT

HOST = "127.0.0.1"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def site_env(data: Path, instance: Path, state: Path, **settings: str) -> dict:
    """The environment of a `registry` command for this site (no secret key unless given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update({"REGISTRY_DATA": str(data), "REGISTRY_INSTANCE": str(instance),
                "REGISTRY_STATE": str(state), "PYTHONPATH": str(PROJECT_ROOT)})
    env.update({f"REGISTRY_{k}": v for k, v in settings.items()})
    return env


def registry(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "registry.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)


class Server:
    """One `registry serve` process (gunicorn with workers > 1, else waitress)."""

    def __init__(self, env: dict, workers: int = 1, threads: int = 4) -> None:
        self.port = free_port()
        # the log goes to a file: a pipe nobody reads fills up (64 KiB of "request line too
        # large" warnings) and blocks the server
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "registry.cli", "serve", "--host", HOST, "--port", str(self.port),
             "--workers", str(workers), "--threads", str(threads)], env=env, cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(self._log()) from None
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _log(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> str:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        err = self._log()
        self.log.close()
        return err

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class Browser:
    """Requests on fresh connections (so that gunicorn may hand each to another worker),
    with a cookie jar of one cookie per name."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, base: str, path: str, method: str = "GET", form: dict | None = None,
                headers: dict | None = None, timeout: float = 60) -> tuple[int, dict, str]:
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        try:
            sent = dict(headers or {})
            body = None
            if form is not None:
                body = urlencode(form, doseq=True)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body, sent)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";")[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, \
                response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def token(self, base: str, path: str) -> str:
        status, _, page = self.request(base, path)
        assert status == 200, page[:500]
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post_form(self, base: str, path: str, fields: dict, form_base: str | None = None,
                  **kwargs: object) -> tuple[int, dict, str]:
        """GET the form (on `form_base`, default `base`) then POST it with its token."""
        token = self.token(form_base or base, path)
        return self.request(base, path, "POST", {**fields, "csrf_token": token}, **kwargs)
