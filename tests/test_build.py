"""`registry build`: incremental, full, atomic on invalid records, one build at a time."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from registry.build import prepare as build_prepare
from registry.build.pipeline import BuildBusy, build, build_lock
from registry.config import load_settings
from registry.opendata.exports import FILE_NAMES, export
from registry.records.model import InvalidRecords, load_records
from registry.search import SearchIndex
from registry.search import indexer as search_writer
from tests.conftest import make_app
from tests.recordfactory import write_record
from tests.search_corpus import write_corpus

MANY = 60


def many_records(data: Path) -> None:
    for i in range(MANY):
        write_record(data, f"algo-{i:03d}", nom=f"Algorithme numéro {i}",
                     resume=f"Résumé de l'algorithme {i}.",
                     domaine=("social", "emploi", "fiscalite")[i % 3])


def rowids(instance: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(instance / "registry.sqlite") as con:
        rows = con.execute("SELECT id, rowid, content_hash FROM algorithme").fetchall()
    return {ident: (rowid, digest) for ident, rowid, digest in rows}


@pytest.fixture
def site(tmp_path: Path) -> dict:
    data, instance = tmp_path / "data", tmp_path / "instance"
    many_records(data)
    return load_settings({"DATA": str(data), "INSTANCE": str(instance)})


def test_incremental_rebuild_touches_only_the_changed_record(site: dict) -> None:
    first = build(site)
    assert first.full and len(first.added) == MANY
    before = rowids(Path(site["INSTANCE"]))
    steps: list[tuple[str, int, int]] = []
    write_record(Path(site["DATA"]), "algo-007", nom="Algorithme renommé")
    report = build(site, progress=lambda stage, done, total: steps.append((stage, done, total)))
    assert not report.full and report.changed == ["algo-007"]
    assert report.added == report.removed == []
    assert ("validation", 1, 1) in steps and ("index", 1, 1) in steps
    assert all(total == 1 for _, _, total in steps)
    after = rowids(Path(site["INSTANCE"]))
    assert {k: v for k, v in after.items() if k != "algo-007"} == \
        {k: v for k, v in before.items() if k != "algo-007"}
    assert after["algo-007"][1] != before["algo-007"][1]
    idx = SearchIndex(Path(site["INSTANCE"]))
    assert [h.id for h in idx.search("renommé").hits] == ["algo-007"]
    assert idx.search("").total == MANY
    assert sum(v.nombre for v in idx.search("").facettes["domaine"]) == MANY
    idx.close()


def test_added_and_removed_records(site: dict) -> None:
    build(site)
    (Path(site["DATA"]) / "algo-001.md").unlink()
    write_record(Path(site["DATA"]), "algo-new", nom="Tout nouveau")
    report = build(site)
    assert (report.added, report.removed, report.changed) == (["algo-new"], ["algo-001"], [])
    assert set(rowids(Path(site["INSTANCE"]))) == {f"algo-{i:03d}" for i in range(MANY)
                                                  if i != 1} | {"algo-new"}
    idx = SearchIndex(Path(site["INSTANCE"]))
    assert idx.search("").total == MANY
    assert [h.id for h in idx.search("nouveau").hits] == ["algo-new"]
    assert "algo-001" not in {h.id for h in idx.search("", per_page=100).hits}
    idx.close()


def test_nothing_changed_and_full(site: dict) -> None:
    build(site)
    again = build(site)
    assert not again.full and again.added == again.changed == again.removed == []
    full = build(site, full=True)
    assert full.full and rowids(Path(site["INSTANCE"])).keys() == {f"algo-{i:03d}"
                                                                   for i in range(MANY)}


def test_cli_build_full_and_plain_progress(site: dict, runner) -> None:
    from registry.cli import main

    env = {"REGISTRY_DATA": site["DATA"], "REGISTRY_INSTANCE": site["INSTANCE"]}
    result = runner.invoke(main, ["build"], env=env)
    assert result.exit_code == 0, result.output
    assert "Construction complète terminée" in result.output and "indexation : 60/60" in \
        result.output
    result = runner.invoke(main, ["build", "--full"], env=env)
    assert result.exit_code == 0 and "complète" in result.output
    result = runner.invoke(main, ["build"], env=env)
    assert "incrémentale" in result.output and "0 modifiée(s)" in result.output


def test_broken_record_exits_1_and_the_previous_build_keeps_serving(tmp_path: Path,
                                                                    runner) -> None:
    from registry.cli import main

    data, instance = write_corpus(tmp_path / "data"), tmp_path / "instance"
    env = {"REGISTRY_DATA": str(data), "REGISTRY_INSTANCE": str(instance)}
    assert runner.invoke(main, ["build"], env=env).exit_code == 0
    client = make_app(instance, data).test_client()
    before = client.get("/api/v1/algorithmes?q=fraude").get_json()
    record_before = client.get("/api/v1/algorithmes/parcoursup").get_json()
    pointer = (instance / "index.current").read_text()
    path = data / "parcoursup.md"
    path.write_text(path.read_text(encoding="utf-8").replace("statut: deploye",
                                                             "statut: peut-etre"))
    write_record(data, "nouvelle-fraude", nom="Une autre fraude")
    result = runner.invoke(main, ["build"], env=env)
    assert result.exit_code == 1
    assert "parcoursup.md:" in result.output and "statut" in result.output
    assert "La version précédente reste en service" in result.output
    assert (instance / "index.current").read_text() == pointer
    assert sorted(p.name for p in instance.glob("index-*")) == [pointer]
    assert client.get("/api/v1/algorithmes?q=fraude").get_json() == before
    assert client.get("/api/v1/algorithmes/parcoursup").get_json() == record_before
    assert client.get("/api/v1/algorithmes/nouvelle-fraude").status_code == 404


def test_build_raises_with_validator_messages(site: dict) -> None:
    (Path(site["DATA"]) / "Mauvais_Nom.md").write_text("pas de front matter\n")
    with pytest.raises(InvalidRecords) as info:
        build(site)
    assert any("Mauvais_Nom.md:" in m for m in info.value.messages)


def test_second_build_waits_then_refuses(site: dict, runner) -> None:
    from registry.cli import main

    instance = Path(site["INSTANCE"])
    env = {"REGISTRY_DATA": site["DATA"], "REGISTRY_INSTANCE": site["INSTANCE"]}
    with build_lock(instance):
        started = time.monotonic()
        result = runner.invoke(main, ["build", "--wait", "0.6"], env=env)
        assert time.monotonic() - started >= 0.6
    assert result.exit_code == 2
    assert "Construction refusée : une autre construction est en cours" in result.output
    assert not list(instance.glob("index-*"))


def test_second_build_waits_for_the_first(site: dict) -> None:
    instance = Path(site["INSTANCE"])
    release = threading.Event()

    def hold() -> None:
        with build_lock(instance):
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    with pytest.raises(BuildBusy):
        build(site, lock_wait=0.3)
    threading.Timer(0.3, release.set).start()
    report = build(site, lock_wait=10)
    holder.join()
    assert report.full and report.total == MANY


def exported(site: dict) -> dict[str, str]:
    folder = Path(site["INSTANCE"]) / "exports"
    return {fmt: (folder / name).read_bytes().decode() for fmt, name in FILE_NAMES.items()}


def expected_exports(site: dict) -> dict[str, str]:
    records = load_records(Path(site["DATA"]))
    return {fmt: export(records, fmt, str(site.get("SITE_URL", ""))) for fmt in FILE_NAMES}


def test_incremental_exports_equal_a_full_export(site: dict) -> None:
    build(site)
    assert exported(site) == expected_exports(site)
    data = Path(site["DATA"])
    write_record(data, "algo-007", nom="Algorithme renommé", resume="Résumé\nsur deux lignes.")
    write_record(data, "algo-100", nom="Algorithme ajouté")
    (data / "algo-003.md").unlink()
    build(site)
    assert exported(site) == expected_exports(site)
    for path in data.glob("*.md"):
        path.unlink()
    build(site)
    assert exported(site) == expected_exports(site)
    assert exported(site)["json"] == "[]\n"


def test_parallel_build_gives_the_same_results(site: dict, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    serial = build(site)
    idx = SearchIndex(Path(site["INSTANCE"]))
    queries = ["algorithme", "numéro 7", "résumé", ""]
    expected = {q: ([h.id for h in idx.search(q, per_page=100).hits], idx.search(q).facettes)
                for q in queries}
    idx.close()
    monkeypatch.setattr(build_prepare, "PARALLEL_MIN", 1)
    monkeypatch.setattr(search_writer, "PARALLEL_MIN", 1)
    monkeypatch.setattr(search_writer, "BATCH", 5)
    other = load_settings({"DATA": site["DATA"], "INSTANCE": str(tmp_path / "parallel")})
    parallel = build(other)
    assert parallel.full and parallel.added == serial.added
    idx = SearchIndex(tmp_path / "parallel")
    with idx.searcher() as (_, searcher):
        assert len(searcher.reader().leaf_readers()) == search_writer.cpus() > 1
    for q in queries:
        res = idx.search(q, per_page=100)
        assert ([h.id for h in res.hits], res.facettes) == expected[q], q
    assert exported(other) == expected_exports(other)
    write_record(Path(site["DATA"]), "algo-007", nom="Algorithme renommé")
    assert build(other).changed == ["algo-007"]
    assert [h.id for h in idx.search("renommé").hits] == ["algo-007"]
    idx.close()
