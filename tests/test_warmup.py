"""Issue 18, item 2: no cold start after a build. A new index is warmed (per-build tables,
the biggest posting lists, the first page of the frequent queries) before it serves, in
this process or in every `registry serve` process (the build waits for them); the build
runs at a lower CPU priority than the servers."""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

from registry.build.pipeline import build
from registry.config import load_settings
from registry.db.engine import get_engine
from registry.db.store import Store
from registry.search import POINTER, SearchIndex, handover, warmup
from tests.recordfactory import write_record
from tests.search_corpus import write_corpus
from tests.servers import Server, registry, site_env

QUERIES = ["fraude", "contrôle caf", "algorith", '"score de risque"', "impots logement", ""]


def _site(tmp_path: Path) -> tuple[Path, Path, dict]:
    data, instance = write_corpus(tmp_path / "algorithms"), tmp_path / "instance"
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings, full=True)
    return data, instance, settings


def _summary(results) -> tuple:
    return (results.total, [(h.id, h.extrait) for h in results.hits], results.suggestion,
            results.message, {k: [(v.valeur, v.nombre) for v in vals]
                              for k, vals in results.facettes.items()})


def test_warm_and_cold_indexes_give_the_same_results(tmp_path: Path) -> None:
    _, instance, _ = _site(tmp_path)
    warm, cold = SearchIndex(instance), SearchIndex(instance, warm=False)
    for query in QUERIES:
        for filters in (None, {"domaine": ["social"]}):
            assert _summary(warm.search(query, filters)) == _summary(cold.search(query, filters))
    report = warm._gen.warmed  # noqa: SLF001
    assert report["pages"] >= 1 and report["terms"] >= 1, report
    assert cold._gen.warmed is None  # noqa: SLF001


def test_the_first_page_of_the_frequent_queries_is_ready_before_any_request(
        tmp_path: Path) -> None:
    """The whole list and each facet value's list are prepared; the queries the previous
    build was asked most are prepared on the next build, with their counts."""
    data, instance, settings = _site(tmp_path)
    index = SearchIndex(instance)
    listed = index.search("")
    cache = index._gen.results  # noqa: SLF001
    assert cache.get(warmup.key_of("", {}, 1, 20, "nom")) is listed  # prepared, same object
    assert cache.get(warmup.key_of("", {"domaine": ["social"]}, 1, 20, "nom")) is not None
    for _ in range(5):
        index.search("contrôle caf")
    before = index.search("contrôle caf").total
    write_record(data, "algo-controle-nouveau", nom="Contrôle des dossiers CAF",
                 resume="Un nouveau contrôle des allocataires de la CAF.")
    build(settings)  # in this process: warmed before publication
    fresh = index._ready or {}  # noqa: SLF001 - handed over at the next request
    assert fresh, "the new build was not prepared before its publication"
    prepared = next(iter(fresh.values())).results
    key = warmup.key_of("contrôle caf", {}, 1, 20, "pertinence")
    assert dict(prepared.frequent())[key] >= 6  # the count follows the query to the new build
    assert prepared.get(key).total == before + 1
    assert index.search("contrôle caf").total == before + 1


def test_the_site_figures_of_a_build_are_computed_before_it_is_published(
        tmp_path: Path, state_root: Path) -> None:
    """The figures over every record (home, coverage, AI Act readiness, labels) of a new
    build are in the site's cache under that build's name once the build returns, before
    any request: the first home page after a build computes none of them, and shows the
    new build's."""
    from registry.web import create_app

    data, instance, settings = _site(tmp_path)
    app = create_app({"DATA": str(data), "INSTANCE": str(instance),
                      "STATE": str(state_root / "figures"), "TESTING": True})
    client = app.test_client()
    assert client.get("/").status_code == 200  # opens the index, computes the first figures
    first = next(iter(app.extensions["registry_overview"].values()))["overview"].total
    write_record(data, "algo-compte", nom="Algorithme compté")
    build(settings)  # in this process: its indexes run the site's hook after the commit
    name = (instance / POINTER).read_text().strip()
    figures = app.extensions["registry_overview"].get(name)
    assert figures is not None, list(app.extensions["registry_overview"])
    assert {"overview", "coverage", "aiact", "administration_labels",
            "english_names"} <= set(figures)
    assert figures["overview"].total == first + 1
    computed = dict(figures)
    assert client.get("/").status_code == 200
    assert client.get("/couverture").status_code == 200
    assert all(app.extensions["registry_overview"][name][k] is v for k, v in computed.items())
    assert client.get("/api/v1/couverture").get_json()["total"] == first + 1


def test_a_serving_process_warms_a_published_build_while_the_previous_one_answers(
        tmp_path: Path, state_root: Path) -> None:
    """Nobody announced it (WARM_WAIT 0): the watcher warms it, the previous build answers
    meanwhile, then the new one, warmed, takes over; no request fails."""
    data, instance, _ = _site(tmp_path)
    index = SearchIndex(instance, background=True)
    old = index.search("").total
    first_name = index.published()[0]
    write_record(data, "algo-de-plus", nom="Algorithme de plus")
    done = registry(site_env(data, instance, state_root, WARM_WAIT="0"), "build")
    assert done.returncode == 0, done.stderr
    totals = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        totals.add(index.search("").total)
        if index.published()[0] != first_name:
            break
        time.sleep(0.05)
    assert index.search("").total == old + 1
    assert totals <= {old, old + 1}
    assert index._gen.warmed is not None  # noqa: SLF001 - it was warmed before serving


def test_a_serving_process_is_waited_for_from_its_first_request(tmp_path: Path) -> None:
    """A serving process says which build it serves as soon as it opens one, not at its
    watcher's next look: a build announced meanwhile waits for it to warm the new one,
    instead of publishing before it and leaving it on the previous build."""
    _, instance, _ = _site(tmp_path)
    index = SearchIndex(instance, background=True)
    index.search("fraude")
    mine = [s for s in handover.servers(instance) if s.ident == index.ident]
    assert [s.ready for s in mine] == [index.published()[0]]


def test_a_serving_process_keeps_its_warmed_build_out_of_the_collectors_way(
        tmp_path: Path) -> None:
    """Once a build is warmed in a serving process, what is alive then is frozen: the
    cyclic collector's full passes no longer walk the index and its caches. A process that
    only searches (a build, a script) keeps its collector as it is."""
    _, instance, _ = _site(tmp_path)
    gc.unfreeze()
    try:
        SearchIndex(instance).search("fraude")
        assert gc.get_freeze_count() == 0
        served = SearchIndex(instance, background=True)
        served.search("fraude")
        frozen = gc.get_freeze_count()
        assert frozen > 1000, frozen
        assert served._gen.warmed is not None  # noqa: SLF001 - frozen after its warm-up
    finally:
        gc.unfreeze()


def test_the_build_waits_until_every_server_has_warmed_it(tmp_path: Path,
                                                         state_root: Path) -> None:
    """Two `registry serve` processes; when `registry build` returns, each has the new index
    warmed and says so, and the first request after the build already sees it."""
    data, instance, _ = _site(tmp_path)
    env = site_env(data, instance, state_root / "attente")
    with Server(env, workers=1) as one, Server(env, workers=2, threads=2) as two:
        for server in (one, two):
            for _ in range(4):  # each gunicorn worker opens the index
                assert _get(server, "/api/v1/algorithmes?par_page=1")["total"] == 7
        deadline = time.monotonic() + 30
        while len(_ready(instance)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_ready(instance)) >= 2, _ready(instance)
        write_record(data, "algo-attendu", nom="Algorithme attendu")
        done = registry(env, "build")
        assert done.returncode == 0, done.stderr
        current = (instance / POINTER).read_text().strip()
        ready = _ready(instance)
        assert ready and set(ready.values()) == {current}, ready
        figured = {s.ident: s.figures for s in handover.servers(instance)
                   if s.ident in ready}
        assert set(figured.values()) == {current}, figured  # figures computed, then served
        assert not (instance / handover.NEXT).exists()
        assert not (instance / handover.COMMITTED).exists()
        for server in (one, two):
            assert _get(server, "/api/v1/algorithmes?par_page=1")["total"] == 8


def _ready(instance: Path) -> dict[str, str]:
    """Living servers -> the index folder each has ready."""
    return {s.ident: s.ready for s in handover.servers(instance) if s.age <= handover.ALIVE
            and _exists(s.pid)}


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _get(server: Server, path: str) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        conn.close()


def test_registry_build_runs_at_a_lower_priority(tmp_path: Path, state_root: Path) -> None:
    data = tmp_path / "algorithms"
    write_record(data, "algo-priorite")
    env = site_env(data, tmp_path / "instance", state_root)
    done = registry(env, "build")
    assert done.returncode == 0, done.stderr
    settings = load_settings({"DATA": str(data), "INSTANCE": str(tmp_path / "instance")})
    store = Store(get_engine(settings))
    try:
        assert int(store.build_info()["nice"]) == min(os.getpriority(os.PRIO_PROCESS, 0) + 10,
                                                      19)
    finally:
        store.close()
    assert registry(env, "build", "--nice", "0", "--full").returncode == 0
    store = Store(get_engine(settings))
    try:
        assert int(store.build_info()["nice"]) == os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        store.close()


def test_background_work_pauses_in_proportion_to_its_work() -> None:
    """registry.pacing.Pacer, on a clock of its own: after each step, a thread that may take
    half of the interpreter has paused as long as it worked (in pauses of at least 5 ms of
    work); a thread that may take all of it never pauses."""
    from registry.pacing import Pacer

    clock, pauses = [100.0], []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        clock[0] += seconds

    pace = Pacer(0.5, clock=lambda: clock[0], sleep=sleep)
    for work in (0.002, 0.002, 0.002, 0.010, 0.001):
        clock[0] += work
        pace()
    assert [round(p, 6) for p in pauses] == [0.006, 0.010]  # 2+2+2 ms, then 10 ms
    pauses.clear()
    whole = Pacer(1.0, clock=lambda: clock[0], sleep=sleep)
    clock[0] += 1.0
    whole()
    assert pauses == []
