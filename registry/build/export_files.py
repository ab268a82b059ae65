"""The open-data exports written by `registry build`, incrementally.

Each export file is its header followed by one piece per record, in id order (see
``registry.opendata.exports``); so is each sheet of the XLSX workbook that has a row per record
(``registry.opendata.workbook``). The pieces are cached in a SQLite file under the instance
folder, keyed by the record's content hash, the site URL, the administrations joined to the
records and the code of the modules that write them: a build serialises only the records that
changed, then concatenates the pieces (C-speed I/O). The files are byte for byte what
``registry.opendata.exports.export`` returns. The ``datapackage.json`` describing the CSV
files (with their sizes and hashes) is written last.

The EU-database export of the high-risk systems (``registry.opendata.eudb``) caches, per
record, the part of the record it reads (empty for the others); the files are written from
those pieces joined with the administration rows, byte for byte what ``eudb.export``
returns.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry import jsonout
from registry.db.models import Administration, Algorithme
from registry.opendata import datapackage, eudb, exports, tables, workbook
from registry.opendata.exports import DATAPACKAGE, FILE_NAMES, WORKBOOK, export
from registry.records.model import Record, summary

CACHE = "exports-cache.sqlite"
EUDB = "eudb"  # the cache column of the EU-database selection
SHEETS = [f"xlsx_{t.name}" for t in workbook.RECORD_SHEETS]
COLUMNS = {**{fmt: fmt.replace("-", "_") for fmt in FILE_NAMES}, **{s: s for s in SHEETS},
           EUDB: EUDB}
CHUNK = 500


def _code_key(site_url: str, admins: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for module in (exports, tables, workbook, eudb):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(site_url.encode())
    digest.update(json.dumps(admins, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def pieces(record: Record, site_url: str, heads: dict[str, str]) -> dict[str, str]:
    """The text each export file holds for this record (`heads`: the files' text with no
    record, i.e. the CSV headers)."""
    out = {}
    for fmt in FILE_NAMES:
        text = export([record], fmt, site_url)
        out[fmt] = text[2:-3] if fmt == "json" else text[len(heads[fmt]):]  # json: [\n…\n]\n
    selected = eudb.selection(record)
    out[EUDB] = "" if selected is None else jsonout.dumps(selected, ensure_ascii=False)
    return out


def _summaries(session: Session) -> dict[str, dict]:
    """The administrations as the records join them (``registry.records.model.summary``)."""
    return {a.id: summary(Record(a.id, a.meta, "")) for a in session.exec(select(Administration))}


def heads(site_url: str) -> dict[str, str]:
    """Each export file's text without any record (the CSV headers)."""
    return {fmt: export([], fmt, site_url) for fmt in FILE_NAMES}


def encoded(record: Record, site_url: str, heads: dict[str, str]) -> list[bytes]:
    """The pieces of the record, UTF-8, in COLUMNS order (what the cache stores)."""
    text = pieces(record, site_url, heads)
    return ([text[fmt].encode() for fmt in FILE_NAMES] + workbook.record_pieces(record, site_url)
            + [text[EUDB].encode()])


def write_exports(engine: Engine, folder: Path, site_url: str,
                  fresh: dict[str, list[bytes]] | None = None) -> None:
    """Bring every export file under `folder` up to date with the database (each file
    replaced atomically). `fresh`: pieces already computed (`encoded`) by record id."""
    folder.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        admins = _summaries(session)
        administrations = [Record(a.id, a.meta, "") for a in session.exec(select(Administration))]
        counts: dict[str, int] = {}
        for ident in session.exec(select(Algorithme.administration_id)):
            counts[ident] = counts.get(ident, 0) + 1
    key = _code_key(site_url, admins)
    con = sqlite3.connect(folder.parent / CACHE)
    try:
        columns = [row[1] for row in con.execute("PRAGMA table_info(piece)")]
        if columns and columns[2:] != list(COLUMNS.values()):
            con.execute("DROP TABLE piece")  # an older layout: every piece is made again
        con.execute("CREATE TABLE IF NOT EXISTS piece (id TEXT PRIMARY KEY, key TEXT, "
                    + ", ".join(f"{c} BLOB" for c in COLUMNS.values()) + ")")
        _update(con, engine, key, site_url, fresh or {}, admins)
        for fmt, name in FILE_NAMES.items():
            _write_file(con, folder / name, fmt, site_url)
        _write_eudb(con, engine, folder, site_url)
        built_at = datetime.now(UTC)

        def sheet(i: int) -> Iterator[bytes]:
            rows = con.execute(f"SELECT {SHEETS[i]} FROM piece ORDER BY id")  # noqa: S608
            return (piece for (piece,) in rows)

        workbook.write_workbook(folder / WORKBOOK, sheet, sum(counts.values()),
                                administrations, counts, site_url, built_at)
    finally:
        con.close()
    package = datapackage.data_package(folder, site_url, built_at)
    tmp = folder / f".{DATAPACKAGE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / DATAPACKAGE)


def _update(con: sqlite3.Connection, engine: Engine, key: str, site_url: str,
            fresh: dict[str, list[bytes]], admins: dict[str, dict]) -> None:
    empty = heads(site_url)
    with Session(engine) as session:
        wanted = {ident: f"{key}:{digest}" for ident, digest in
                  session.exec(select(Algorithme.id, Algorithme.content_hash))}
        cached = dict(con.execute("SELECT id, key FROM piece"))
        stale = sorted(i for i, k in wanted.items() if cached.get(i) != k)
        gone = [(i,) for i in cached if i not in wanted]
        con.executemany("DELETE FROM piece WHERE id = ?", gone)
        sql = (f"INSERT OR REPLACE INTO piece (id, key, {', '.join(COLUMNS.values())}) "
               f"VALUES ({', '.join('?' * (len(COLUMNS) + 2))})")
        for start in range(0, len(stale), CHUNK):
            chunk = stale[start:start + CHUNK]
            done = {i: fresh[i] for i in chunk if i in fresh}
            missing = [i for i in chunk if i not in done]
            if missing:
                rows = session.exec(select(Algorithme).where(Algorithme.id.in_(missing)))
                for row in rows:
                    admin = admins.get(row.administration_id, {
                        "id": row.administration_id, "nom": row.administration_id})
                    record = Record(row.id, row.meta, row.corps_md, admin=admin)
                    done[row.id] = encoded(record, site_url, empty)
            values = [(ident, wanted[ident], *done[ident]) for ident in chunk]
            con.executemany(sql, values)
        con.commit()


def _write_eudb(con: sqlite3.Connection, engine: Engine, folder: Path, site_url: str) -> None:
    """The EU-database files, from the cached selections and the administration rows."""
    rows = con.execute(f"SELECT {EUDB} FROM piece WHERE length({EUDB}) > 0 "  # noqa: S608
                       "ORDER BY id")
    selections = [json.loads(piece) for (piece,) in rows]
    with Session(engine) as session:
        admins = {a.id: a.meta for a in session.exec(select(Administration))}
    for fmt, name in eudb.FILE_NAMES.items():
        _replace(folder / name, eudb.export_selected(selections, admins, fmt,
                                                     site_url).encode())


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_file(con: sqlite3.Connection, path: Path, fmt: str, site_url: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    empty = export([], fmt, site_url).encode()
    rows = con.execute(f"SELECT {COLUMNS[fmt]} FROM piece ORDER BY id")  # noqa: S608
    with open(tmp, "wb") as out:
        if fmt == "json":
            first = next(rows, None)
            if first is None:
                out.write(empty)
            else:
                out.write(b"[\n" + first[0])
                out.writelines(b",\n" + piece for (piece,) in rows)
                out.write(b"\n]\n")
        else:
            out.write(empty)
            out.writelines(piece for (piece,) in rows)
    os.replace(tmp, path)
