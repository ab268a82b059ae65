"""The same code on a real PostgreSQL server: build, incremental rebuild, store, API, submissions.

The server is Debian's (installed by `make test`), started on loopback in a throw-away
cluster (tests/pg_server.py). When it cannot be found or started, these tests FAIL with a
message saying so: a green run never hides that PostgreSQL was not exercised.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from registry.build.pipeline import build
from registry.config import load_settings
from registry.contributions import queue as submissions
from registry.db.engine import _ENGINES, database_url, get_engine
from registry.db.store import Store
from registry.state import _ENGINES as STATE_ENGINES
from registry.state import state_engine
from tests import pg_server
from tests.conftest import DATA, make_app
from tests.recordfactory import with_etats, write_record

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres() -> Iterator[pg_server.Cluster]:
    try:
        cluster = pg_server.start()
    except pg_server.ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield cluster
    for engines in (_ENGINES, STATE_ENGINES):
        for url in [u for u in engines if f":{cluster.port}/" in u]:
            engines.pop(url).dispose()
    cluster.stop()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real records (the dataset may change while the suite runs)."""
    folder = tmp_path_factory.mktemp("pg-data") / "algorithms"
    shutil.copytree(DATA, folder)
    shutil.copytree(DATA.parent / "administrations", folder.parent / "administrations")
    shutil.copytree(DATA.parent / "references", folder.parent / "references")
    return folder


@pytest.fixture(scope="module")
def both(postgres: pg_server.Cluster, snapshot: Path,
         tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same records fully built into PostgreSQL and into SQLite."""
    pg = load_settings({"DATA": str(snapshot), "DATABASE_URL": postgres.url,
                        "INSTANCE": str(tmp_path_factory.mktemp("pg-instance"))})
    lite = load_settings({"DATA": str(snapshot),
                          "INSTANCE": str(tmp_path_factory.mktemp("sqlite-instance"))})
    reports = {"pg": build(pg, full=True), "sqlite": build(lite, full=True)}
    return {"pg": pg, "sqlite": lite, "reports": reports}


def _store(settings: dict) -> Store:
    return Store(get_engine(settings))


def test_full_build_goes_into_postgresql(both: dict, snapshot: Path) -> None:
    pg = both["pg"]
    assert database_url(pg).startswith("postgresql+psycopg://")
    engine = get_engine(pg)
    assert engine.dialect.name == "postgresql"
    assert {"algorithme", "buildinfo"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM algorithme")).scalar_one()
        kind = conn.execute(text("SELECT json_typeof(meta) FROM algorithme LIMIT 1")).scalar_one()
    files = len(list(snapshot.glob("*.md")))
    assert count == files == both["reports"]["pg"].total > 50
    assert kind == "object"
    assert not (Path(pg["INSTANCE"]) / "registry.sqlite").exists()


def test_store_queries_agree_with_sqlite(both: dict) -> None:
    pg, lite = _store(both["pg"]), _store(both["sqlite"])
    try:
        assert pg.count() == lite.count()
        assert [r.id for r in pg.all()] == [r.id for r in lite.all()]
        assert [(r.id, r.meta, r.corps_html) for r in pg.all()] == \
            [(r.id, r.meta, r.corps_html) for r in lite.all()]
        assert pg.administrations() == lite.administrations()
        some = pg.administrations()[0].id
        assert [r.id for r in pg.by_administration(some)] == \
            [r.id for r in lite.by_administration(some)] != []
        assert [r.id for r in pg.recent(5)] == [r.id for r in lite.recent(5)]
        assert pg.get("n-existe-pas") is None
        first = lite.all()[0]
        assert pg.get(first.id).meta == first.meta
        assert [(r.id, r.meta) for r in pg.records()] == [(r.id, r.meta) for r in lite.records()]
        assert pg.build_info()["total"] == lite.build_info()["total"]
    finally:
        pg.close()
        lite.close()


def test_api_and_pages_answer_from_postgresql(both: dict) -> None:
    pg_app = make_app(Path(both["pg"]["INSTANCE"]), data=Path(both["pg"]["DATA"]),
                      DATABASE_URL=both["pg"]["DATABASE_URL"])
    lite_app = make_app(Path(both["sqlite"]["INSTANCE"]), data=Path(both["sqlite"]["DATA"]))
    pg, lite = pg_app.test_client(), lite_app.test_client()
    ident = _store(both["sqlite"]).all()[3].id
    for url in (f"/api/v1/algorithmes/{ident}", "/api/v1/algorithmes?q=fraude",
                "/api/v1/algorithmes?domaine=social&par_page=50"):
        assert pg.get(url).get_json() == lite.get(url).get_json(), url
    pg_coverage = pg.get("/api/v1/couverture").get_json()
    lite_coverage = lite.get("/api/v1/couverture").get_json()
    pg_coverage.pop("tendance")
    lite_coverage.pop("tendance")
    assert pg_coverage == lite_coverage
    for url in ("/", f"/algorithmes/{ident}", "/administrations", "/couverture", "/donnees"):
        response = pg.get(url)
        assert response.status_code == 200, url
    assert pg.get("/api/v1/algorithmes/n-existe-pas").status_code == 404


def test_incremental_rebuild_in_postgresql(postgres: pg_server.Cluster,
                                           tmp_path: Path) -> None:
    data = tmp_path / "data"
    for i in range(4):
        write_record(data, f"fiche-{i}", nom=f"Fiche {i}")
    settings = load_settings({"DATA": str(data),
                              "DATABASE_URL": postgres.create_database("incremental"),
                              "INSTANCE": str(tmp_path / "instance")})
    first = build(settings)
    assert first.full and first.total == 4 and first.added == [f"fiche-{i}" for i in range(4)]
    write_record(data, "fiche-1", nom="Fiche 1 modifiée",
                 transparence=with_etats(code_source="publie"))
    write_record(data, "fiche-nouvelle", nom="Fiche nouvelle, « accents » et émojis ✓")
    (data / "fiche-2.md").unlink()
    second = build(settings)
    assert not second.full
    assert (second.added, second.changed, second.removed) == \
        (["fiche-nouvelle"], ["fiche-1"], ["fiche-2"])
    store = _store(settings)
    try:
        assert sorted(r.id for r in store.all()) == ["fiche-0", "fiche-1", "fiche-3",
                                                     "fiche-nouvelle"]
        assert store.get("fiche-1").meta["transparence"]["code_source"]["etat"] == "publie"
        assert store.get("fiche-nouvelle").nom == "Fiche nouvelle, « accents » et émojis ✓"
        assert store.build_info()["generation"] == "2"
    finally:
        store.close()
    third = build(settings)
    assert (third.added, third.changed, third.removed) == ([], [], [])


def test_submission_queue_in_postgresql(postgres: pg_server.Cluster, tmp_path: Path) -> None:
    engine = state_engine({"STATE_DATABASE_URL": postgres.create_database("contributions"),
                           "STATE": str(tmp_path)})
    sub = submissions.create(engine, "signalement", "fiche-0", message="Erreur sur le budget",
                             name="Camille")
    other = submissions.create(engine, "signalement", "fiche-1", message="Lien mort")
    assert sub.id is not None and other.id == sub.id + 1
    assert submissions.by_token(engine, sub.token).message == "Erreur sur le budget"
    assert [s.id for s in submissions.queue(engine, submissions.PENDING)] == [other.id, sub.id]
    submissions.reject(engine, sub.id, "Le budget est sourcé.")
    assert submissions.get(engine, sub.id).status == submissions.REJECTED
    with pytest.raises(submissions.SubmissionError):
        submissions.reject(engine, sub.id, "deux fois")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM contribution WHERE id = :i"),
                            {"i": sub.id}).scalar_one() == submissions.REJECTED
