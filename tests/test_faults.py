"""Faults, with real processes and files: the production server (`registry serve`) runs in a
child process while its index or database is deleted, corrupted or locked, while a build is
killed with SIGKILL or two builds race, and while the disk is full.

The site must keep answering (degraded search with a French message, 503 pages rather than
tracebacks), `registry build` must repair, and nothing half-written may be kept.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from registry.config import PROJECT_ROOT
from registry.search import POINTER
from tests.recordfactory import write_record

PYTHON = sys.executable
HOST = "127.0.0.1"
DB = "registry.sqlite"


def _env(data: Path, instance: Path) -> dict:
    return {**os.environ, "REGISTRY_DATA": str(data), "REGISTRY_INSTANCE": str(instance),
            "REGISTRY_STATE": str(instance.parent / "state"), "REGISTRY_SECRET_KEY": "fautes",
            "PYTHONPATH": str(PROJECT_ROOT)}


def cli(data: Path, instance: Path, *args: str,
        timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "registry.cli", *args], env=_env(data, instance),
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Site:
    """A `registry serve` child process on a free loopback port."""

    def __init__(self, data: Path, instance: Path) -> None:
        self.data, self.instance, self.port = data, instance, _free_port()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "registry.cli", "serve", "--host", HOST, "--port", str(self.port)],
            env=_env(data, instance), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.proc.stderr.read()
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def request(self, path: str, method: str = "GET", body: dict | None = None,
                timeout: float = 60, cookie: str = "") -> tuple[int, str, str]:
        """(status, content type, body) of one request on a fresh connection."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            if cookie:
                headers["Cookie"] = cookie
            conn.request(method, path, urlencode(body or {}), headers)
            response = conn.getresponse()
            self.cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
            return response.status, response.getheader("Content-Type", ""), \
                response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        """POST a form as a browser would: its page first (session cookie, CSRF token)."""
        status, _, page = self.request(path)
        assert status == 200, page[:500]
        cookie = self.cookie
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return self.request(path, "POST", {**fields, "csrf_token": token}, cookie=cookie)

    def total(self, query: str = "") -> int:
        status, _, body = self.request("/api/v1/algorithmes?" + urlencode({"q": query,
                                                                          "par_page": 1}))
        assert status == 200, body[:500]
        return json.loads(body)["total"]

    def pids(self) -> set[int]:
        """The server process and its workers."""
        found = {self.proc.pid}
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                if f"PPid:\t{self.proc.pid}\n" in status.read_text():
                    found.add(int(status.parent.name))
            except OSError:
                continue
        return found

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def assert_clean_page(status: int, ctype: str, body: str, expected: int) -> None:
    assert status == expected, (status, body[:800])
    assert "Traceback" not in body and 'File "/' not in body
    if expected >= 400:
        assert "text/html" in ctype and '<html lang="fr"' in body


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Site]:
    """Six records built, served by a child process."""
    data, instance = tmp_path / "data", tmp_path / "instance"
    for i in range(6):
        write_record(data, f"algo-{i}", nom=f"Contrôle de la fraude numéro {i}")
    done = cli(data, instance, "build")
    assert done.returncode == 0, done.stderr
    site = Site(data, instance)
    try:
        yield site
    finally:
        err = site.stop()
        assert "Traceback" not in err or "database" in err or "index" in err, err[-3000:]


def _index_dir(instance: Path) -> Path:
    return instance / (instance / POINTER).read_text().strip()


def _degraded_search(site: Site, last_copy: bool = False) -> None:
    """Search answers 503 with a French message (or, `last_copy`, may answer from the copy it
    has already opened: then with the right results), under concurrent requests; every other
    page keeps answering."""
    answers: list[tuple[str, tuple]] = []

    def ask(path: str) -> None:
        answers.append((path, site.request(path)))

    paths = ["/algorithmes?q=fraude", "/api/v1/algorithmes?q=fraude"] * 6
    threads = [threading.Thread(target=ask, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = set()
    for path, (status, ctype, body) in answers:
        statuses.add(status)
        assert status in ((200, 503) if last_copy else (503,)), (path, status, body[:800])
        if path.startswith("/api/"):
            assert "application/json" in ctype
            document = json.loads(body)
            if status == 503:
                assert "recherche" in document["erreur"]["message"]
            else:
                assert document["total"] == 6
        elif status == 503:
            assert_clean_page(status, ctype, body, 503)
            assert "recherche" in body and "indisponible" in body
        else:
            assert "6 résultats" in body
    for path in ("/", "/algorithmes/algo-1", "/api/v1/algorithmes/algo-2", "/couverture",
                 "/administrations"):
        assert_clean_page(*site.request(path), 200)


def test_index_deleted_while_serving(small: Site) -> None:
    assert small.total("fraude") == 6
    shutil.rmtree(_index_dir(small.instance))
    _degraded_search(small, last_copy=True)
    done = cli(small.data, small.instance, "build")
    assert done.returncode == 0, done.stderr
    assert small.total("fraude") == 6


@pytest.mark.parametrize("opened", [True, False])
def test_index_corrupted(small: Site, opened: bool) -> None:
    """Index files overwritten in place (same size, garbage), once the site has opened the
    index or before it starts; `registry build` (not --full) notices and rebuilds it."""
    if opened:
        assert small.total("fraude") == 6
    else:
        small.stop()
    for path in _index_dir(small.instance).iterdir():
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(bytes((i * 7 + 3) % 256 for i in range(size)))
    site = small if opened else Site(small.data, small.instance)
    try:
        _degraded_search(site)
        done = cli(small.data, small.instance, "build")
        assert done.returncode == 0, done.stderr
        assert site.total("fraude") == 6
    finally:
        if not opened:
            site.stop()


def _hold_lock(db: Path, exclusive: bool) -> subprocess.Popen:
    """Another process holding the database's write lock (or, `exclusive`, every lock)."""
    code = textwrap.dedent(f"""
        import sqlite3, sys, time
        con = sqlite3.connect({str(db)!r}, isolation_level=None, timeout=30)
        if {exclusive!r}:
            con.execute("PRAGMA locking_mode=EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("CREATE TABLE IF NOT EXISTS verrou_test (x)")
        print("verrouillé", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([PYTHON, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "verrouillé"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    proc.wait(timeout=10)
    proc.stdout.close()


def _contributions(instance: Path) -> int:
    with sqlite3.connect(instance.parent / "state" / "state.sqlite") as con:
        try:
            return con.execute("SELECT count(*) FROM contribution").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_database_write_locked(small: Site) -> None:
    """Another process holds the write lock of the state store: pages keep being read (the
    derived database is another file); a contribution waits, then is refused with a French
    503 saying it was not saved; nothing is stored."""
    message = {"message": "La date de mise en service est fausse.",
               "source": "Rapport annuel 2025, page 12"}
    status, _, _ = small.post_form("/algorithmes/algo-1/signaler", message)
    assert status == 303 and _contributions(small.instance) == 1
    locker = _hold_lock(small.instance.parent / "state" / "state.sqlite", exclusive=False)
    try:
        started = time.monotonic()
        assert_clean_page(*small.request("/algorithmes/algo-1"), 200)
        assert time.monotonic() - started < 5
        status, ctype, body = small.post_form("/algorithmes/algo-1/signaler", message)
        assert_clean_page(status, ctype, body, 503)
        assert "pas été enregistré" in body
    finally:
        _release(locker)
    assert _contributions(small.instance) == 1
    status, _, _ = small.post_form("/algorithmes/algo-1/signaler", message)
    assert status == 303 and _contributions(small.instance) == 2


def test_database_exclusively_locked(small: Site) -> None:
    """A process holding every lock before the site opens the database: a French 503."""
    small.stop()
    locker = _hold_lock(small.instance / DB, exclusive=True)
    site = Site(small.data, small.instance)
    try:
        results: dict[str, tuple] = {}
        threads = [threading.Thread(target=lambda p=p: results.__setitem__(p, site.request(p)))
                   for p in ("/", "/api/v1/algorithmes/algo-1")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert_clean_page(*results["/"], 503)
        assert "base de données" in results["/"][2]
        status, ctype, body = results["/api/v1/algorithmes/algo-1"]
        assert status == 503 and "application/json" in ctype
        assert "base de données" in json.loads(body)["erreur"]["message"]
        _release(locker)
        assert_clean_page(*site.request("/"), 200)
    finally:
        if locker.poll() is None:
            _release(locker)
        site.stop()


def test_database_deleted_while_serving(small: Site) -> None:
    """The database file disappears: a French 503 (the site does not keep answering from a
    file nobody can see any more), then `registry build` recreates it and the running site
    serves the new build."""
    assert_clean_page(*small.request("/"), 200)
    for path in small.instance.glob(f"{DB}*"):
        path.unlink()
    status, ctype, body = small.request("/algorithmes/algo-1")
    assert_clean_page(status, ctype, body, 503)
    assert "base de données" in body
    write_record(small.data, "algo-nouveau", nom="Nouvel algorithme de contrôle")
    done = cli(small.data, small.instance, "build")
    assert done.returncode == 0, done.stderr
    assert_clean_page(*small.request("/algorithmes/algo-nouveau"), 200)
    assert small.total() == 7


def test_database_missing_at_start(tmp_path: Path) -> None:
    data, instance = tmp_path / "data", tmp_path / "instance"
    write_record(data, "algo-un")
    instance.mkdir()
    site = Site(data, instance)
    try:
        for path in ("/", "/algorithmes/algo-un", "/couverture"):
            status, ctype, body = site.request(path)
            assert_clean_page(status, ctype, body, 503)
        assert cli(data, instance, "build").returncode == 0
        assert_clean_page(*site.request("/algorithmes/algo-un"), 200)
    finally:
        site.stop()


# --- builds killed or racing ---------------------------------------------------------------

def _generate(target: Path, size: int) -> None:
    """Synthetic records from the generator of scripts/bench.py (scripts/bench_corpus.py)."""
    spec = importlib.util.spec_from_file_location(
        "bench_corpus", PROJECT_ROOT / "scripts" / "bench_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.generate(PROJECT_ROOT / "data" / "algorithms", target, size)


def _holders(folder: Path) -> set[int]:
    """Processes (other than this one) with a file open under `folder`."""
    pids = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd).startswith(str(folder)) for fd in fd_dir.iterdir()):
                pids.add(int(fd_dir.parent.name))
        except OSError:
            continue
    return pids - {os.getpid()}


def _describe(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    return command[:120] + " " + " ".join(line for line in status.splitlines()
                                        if line.startswith(("PPid", "State")))


@contextmanager
def _build_process(data: Path, instance: Path, *args: str) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen([PYTHON, "-m", "registry.cli", "build", *args],
                            env=_env(data, instance), cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_build_killed_midway_and_concurrent_builds(small: Site, tmp_path: Path) -> None:
    """A full build of 3 000 records is SIGKILLed while indexing. Meanwhile a second build
    refuses cleanly (exit 2, French message) and a third one waits for the lock; the site
    keeps serving the previous build throughout; once the killed build is gone the waiting
    build runs and the site serves it."""
    generated = tmp_path / "generes"
    _generate(generated, 3000)
    for path in generated.glob("*.md"):
        shutil.copy(path, small.data / path.name)
    before = {p.name for p in small.instance.glob("index-*")}
    seen: list[int] = []
    with _build_process(small.data, small.instance, "--full") as first:
        for line in first.stderr:
            seen.append(small.total())
            if line.startswith("indexation"):
                break
        assert first.poll() is None, "the build ended before it could be killed"
        refused = cli(small.data, small.instance, "build", "--wait", "0.5")
        assert refused.returncode == 2, refused.stderr
        assert "Construction refusée : une autre construction est en cours" in refused.stderr
        with _build_process(small.data, small.instance, "--wait", "120") as waiting:
            time.sleep(1.0)
            assert waiting.poll() is None  # waiting for the lock
            for path in generated.glob("*.md"):
                (small.data / path.name).unlink()
            write_record(small.data, "algo-apres", nom="Algorithme ajouté après l'arrêt")
            seen.append(small.total())
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            expected = {waiting.pid, *small.pids()}
            deadline = time.monotonic() + 10
            while _holders(small.instance) - expected and time.monotonic() < deadline:
                time.sleep(0.2)
            lingering = {pid: _describe(pid) for pid in _holders(small.instance) - expected}
            assert not lingering, f"processes outlived the killed build: {lingering}"
            leftovers = {p.name for p in small.instance.glob("index-*")} - before
            assert leftovers, "the killed build left no staged index: it was not mid-way"
            assert small.total() in (6, 7)  # the waiting build may already have published
            _, err = waiting.communicate(timeout=240)
            assert waiting.returncode == 0, err
    assert set(seen) == {6}, seen
    assert small.total() == 7 and small.total("fraude") == 6
    assert_clean_page(*small.request("/algorithmes/algo-apres"), 200)
    current = _index_dir(small.instance).name
    assert not leftovers & {p.name for p in small.instance.glob("index-*")} - {current}
    assert cli(small.data, small.instance, "build").returncode == 0


# --- disk full ---------------------------------------------------------------------------

DISK_FULL_CHILD = """
import json, os, sqlite3, subprocess, sys
from pathlib import Path

root, source = Path(sys.argv[1]), Path(sys.argv[2])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(root)], check=True)
instance, data, state = root / "instance", root / "data", root / "state"
instance.mkdir()
subprocess.run(["cp", "-a", str(source / "data"), str(data)], check=True)
subprocess.run(["cp", "-a", str(source / "instance" / "registry.sqlite"),
                str(source / "instance" / "index.current"), str(instance)], check=True)
for folder in (source / "instance").glob("index-*"):
    subprocess.run(["cp", "-a", str(folder), str(instance)], check=True)

from registry import create_app
from registry.contributions import queue as submissions
from registry.state import accounts as maintainers, state_engine

app = create_app({"DATA": str(data), "INSTANCE": str(instance), "STATE": str(state),
                  "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
maintainers.add(state_engine(app.config), "camille", "Camille Durand", "mot-de-passe-long",
                method="pbkdf2:sha256:1000")
client = app.test_client()
out = {"lecture_avant": client.get("/algorithmes/algo-1").status_code}
proposal = submissions.create(state_engine(app.config), "nouvelle", "algo-propose",
                              json.loads(sys.argv[3]), "## Description\\n\\n" + "x" * 200000)
out["connexion"] = client.post("/mainteneurs/connexion",
                                data={"login": "camille", "password": "mot-de-passe-long"}
                                ).status_code

filler = root / "remplissage"
with open(filler, "wb") as handle:
    try:
        while True:
            handle.write(b"\\0" * 65536)
            handle.flush()
    except OSError as exc:
        out["remplissage"] = exc.strerror
os.sync()

message = "La date de mise en service est fausse : voir le rapport annuel."
response = client.post("/algorithmes/algo-1/signaler",
                       data={"message": message, "source": "Rapport annuel 2025"})
out["envoi"] = [response.status_code, response.get_data(as_text=True)]
out["lecture_pleine"] = client.get("/algorithmes/algo-2").status_code
response = client.post(f"/mainteneurs/contributions/{proposal.id}/accepter",
                       data={"raison": "ok"}, follow_redirects=True)
out["acceptation"] = [response.status_code, response.get_data(as_text=True)]
out["fichiers_fiches"] = sorted(p.name for p in data.iterdir())

filler.unlink()
with sqlite3.connect(instance / "registry.sqlite") as con:
    out["integrite"] = con.execute("PRAGMA integrity_check").fetchone()[0]
with sqlite3.connect(state / "state.sqlite") as con:
    out["integrite_etat"] = con.execute("PRAGMA integrity_check").fetchone()[0]
    out["contributions"] = con.execute(
        "SELECT id, kind, status FROM contribution ORDER BY id").fetchall()
response = client.post("/algorithmes/algo-1/signaler",
                       data={"message": "Erreur de date.", "source": "Rapport annuel"})
out["envoi_apres"] = response.status_code
print(json.dumps(out))
"""


def test_disk_full_while_submitting(tmp_path: Path) -> None:
    """The instance and records folders on a 4 MiB tmpfs (mounted in a private mount namespace
    with unshare, as root or as a mapped user), filled to ENOSPC: a contribution and a
    maintainer's acceptance are refused with French messages and nothing half-written is
    kept; once space is back, submissions work again."""
    source = tmp_path / "source"
    for i in range(3):
        write_record(source / "data", f"algo-{i}")
    assert cli(source / "data", source / "instance", "build").returncode == 0
    with sqlite3.connect(source / "instance" / DB) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    mountpoint = tmp_path / "petit-disque"
    mountpoint.mkdir()
    namespace = ["unshare", "--mount", "--propagation", "private"] if os.geteuid() == 0 \
        else ["unshare", "--user", "--map-root-user", "--mount"]
    from tests.recordfactory import record_meta

    done = subprocess.run([*namespace, PYTHON, "-c", DISK_FULL_CHILD, str(mountpoint),
                           str(source), json.dumps(record_meta(nom="Algorithme proposé"))],
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["remplissage"] == "No space left on device"
    assert out["lecture_avant"] == 200 and out["lecture_pleine"] == 200
    assert out["connexion"] == 303
    status, body = out["envoi"]
    assert status == 503 and "pas été enregistré" in body and "Traceback" not in body
    status, body = out["acceptation"]
    assert status == 200 and "non acceptée" in body and "reste en attente" in body
    assert out["fichiers_fiches"] == ["algo-0.md", "algo-1.md", "algo-2.md"]
    assert out["integrite"] == out["integrite_etat"] == "ok"
    assert out["contributions"] == [[1, "nouvelle", "en_attente"]]
    assert out["envoi_apres"] == 303
    assert not any(mountpoint.iterdir())  # the tmpfs lived only in the child's namespace
