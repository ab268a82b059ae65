"""The open-data exports written by `registry build`, incrementally.

Each export file is its header followed by one piece per record, in id order (see
``registry.opendata.exports``). The pieces are cached in a SQLite file under the instance folder,
keyed by the record's content hash, the site URL and the code of ``registry.opendata.exports``: a
build serialises only the records that changed, then concatenates the pieces (C-speed
I/O). The files are byte for byte what ``registry.opendata.exports.export`` returns.

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
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry import jsonout
from registry.db.models import Administration, Algorithme
from registry.opendata import eudb, exports
from registry.opendata.exports import FILE_NAMES, export
from registry.records.model import Record

CACHE = "exports-cache.sqlite"
EUDB = "eudb"  # the cache column of the EU-database selection
COLUMNS = {**{fmt: fmt.replace("-", "_") for fmt in FILE_NAMES}, EUDB: EUDB}
CHUNK = 500
ALL_FILE_NAMES = (*FILE_NAMES.values(), *eudb.FILE_NAMES.values())


def _code_key(site_url: str) -> str:
    digest = hashlib.sha256(Path(exports.__file__).read_bytes())
    digest.update(Path(eudb.__file__).read_bytes())
    digest.update(site_url.encode())
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


def heads(site_url: str) -> dict[str, str]:
    """Each export file's text without any record (the CSV headers)."""
    return {fmt: export([], fmt, site_url) for fmt in FILE_NAMES}


def encoded(record: Record, site_url: str, heads: dict[str, str]) -> list[bytes]:
    """The pieces of the record, UTF-8, in COLUMNS order (what the cache stores)."""
    text = pieces(record, site_url, heads)
    return [text[fmt].encode() for fmt in COLUMNS]


def write_exports(engine: Engine, folder: Path, site_url: str,
                  fresh: dict[str, list[bytes]] | None = None) -> None:
    """Bring every export file under `folder` up to date with the database (each file
    replaced atomically). `fresh`: pieces already computed (`encoded`) by record id."""
    folder.mkdir(parents=True, exist_ok=True)
    key = _code_key(site_url)
    con = sqlite3.connect(folder.parent / CACHE)
    try:
        wanted = ["id", "key", *COLUMNS.values()]
        if [row[1] for row in con.execute("PRAGMA table_info(piece)")] not in ([], wanted):
            con.execute("DROP TABLE piece")  # an older layout: rebuilt from the database
        con.execute("CREATE TABLE IF NOT EXISTS piece (id TEXT PRIMARY KEY, key TEXT, "
                    + ", ".join(f"{c} BLOB" for c in COLUMNS.values()) + ")")
        _update(con, engine, key, site_url, fresh or {})
        for fmt, name in FILE_NAMES.items():
            _write_file(con, folder / name, fmt, site_url)
        _write_eudb(con, engine, folder, site_url)
    finally:
        con.close()


def _update(con: sqlite3.Connection, engine: Engine, key: str, site_url: str,
            fresh: dict[str, list[bytes]]) -> None:
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
                done.update((row.id, encoded(Record(row.id, row.meta, row.corps_md), site_url,
                                             empty)) for row in rows)
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
