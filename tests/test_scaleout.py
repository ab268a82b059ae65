"""Issue 18, item 4: scale-out, shown. Two `registry serve` processes on two ports share one
PostgreSQL database (derived tables and state) and one records checkout and instance
folder; a build is published to both while a bounded load runs across both: no error,
every answer is the old build's or the new one's, and afterwards both give the same totals
and the same validators for the same address."""

from __future__ import annotations

import http.client
import json
import random
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests import pg_server
from tests.conftest import DATA
from tests.recordfactory import write_record
from tests.servers import Server, registry, site_env

pytestmark = pytest.mark.postgres
QUERIES = ["fraude", "contrôle caf", "score de risque", "logement", "", "algorith", "impots"]
LOAD_SECONDS = 8.0
CLIENTS = 6


@pytest.fixture(scope="module")
def postgres() -> Iterator[pg_server.Cluster]:
    try:
        cluster = pg_server.start()
    except pg_server.ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield cluster
    cluster.stop()


def _paths() -> list[str]:
    out = []
    for i, q in enumerate(QUERIES):
        params = {"q": q, "par_page": 5}
        if i % 2:
            params["domaine"] = "social"
        out.append("/api/v1/algorithmes?" + urlencode(params))
    return out


def _get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        conn.close()


def _totals(port: int, paths: list[str]) -> dict[str, int]:
    out = {}
    for path in paths:
        status, _, body = _get(port, path)
        assert status == 200, body[:300]
        out[path] = json.loads(body)["total"]
    return out


def test_two_replicas_on_one_postgres_follow_one_build(postgres: pg_server.Cluster,
                                                       tmp_path: Path) -> None:
    data = tmp_path / "checkout" / "algorithms"
    shutil.copytree(DATA, data)
    for folder in ("administrations", "references"):
        shutil.copytree(DATA.parent / folder, data.parent / folder)
    url = postgres.create_database("replicas")
    env = site_env(data, tmp_path / "instance", tmp_path / "state", DATABASE_URL=url,
                   STATE_DATABASE_URL=url, SECRET_KEY="partagee")
    built = registry(env, "build")
    assert built.returncode == 0, built.stderr
    paths = _paths()
    with Server(env, workers=1, threads=4) as one, Server(env, workers=1, threads=4) as two:
        ports = [one.port, two.port]
        before = _totals(one.port, paths)
        assert _totals(two.port, paths) == before
        errors: list[str] = []
        answers: list[tuple[int, str, int]] = []
        lock = threading.Lock()
        stop = time.monotonic() + LOAD_SECONDS

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop:
                port, path = rng.choice(ports), rng.choice(paths)
                try:
                    status, _, body = _get(port, path)
                except OSError as exc:
                    with lock:
                        errors.append(f"{port} {path}: {exc!r}")
                    continue
                with lock:
                    if status != 200:
                        errors.append(f"{port} {path}: {status}")
                    else:
                        answers.append((port, path, json.loads(body)["total"]))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(LOAD_SECONDS / 4)
        write_record(data, "algo-replique", nom="Contrôle de la fraude au logement social",
                     resume="Un algorithme ajouté pendant la charge.", domaine="social",
                     mots_cles=["fraude", "logement", "contrôle", "caf", "impots"])
        rebuilt = registry(env, "build")
        for t in threads:
            t.join()
        assert rebuilt.returncode == 0, rebuilt.stderr
        after = _totals(one.port, paths)
        assert _totals(two.port, paths) == after
        assert after != before  # the new record changed some totals
        assert not errors, errors[:5]
        assert len(answers) > 50
        wrong = [(p, path, total) for p, path, total in answers
                 if total not in (before[path], after[path])]
        assert not wrong, wrong[:5]
        assert {p for p, _, _ in answers} == set(ports)
        for path in [*paths, "/algorithmes/algo-replique", "/"]:
            a, b = _get(one.port, path), _get(two.port, path)
            assert a[0] == b[0] == 200, path
            assert a[1]["etag"] == b[1]["etag"], path  # same build, same code: same validators
            assert a[2] == b[2], path
