"""The build side of the index: ``stage_index`` writes the next index into a new folder
(incremental builds start from hard links to the current one), ``announce_index`` has the
serving processes warm it (registry.search.handover), ``publish_index`` switches the
pointer ``index.current`` to it atomically, ``discard_index`` drops a failed one."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as windex

from registry.search import handover
from registry.search import indexer as search_writer
from registry.search.document import Entry, document, make_schema

log = logging.getLogger("registry.search")
POINTER = "index.current"

def current_name(instance: Path) -> str | None:
    """Name of the published index folder, or None (none published, or unreadable)."""
    try:
        name = (Path(instance) / POINTER).read_text().strip()
    except OSError:
        return None
    try:
        return name if name and windex.exists_in(str(Path(instance) / name)) else None
    except Exception:  # a damaged table of contents fails in many ways  # noqa: BLE001
        return None


def stage_index(instance: Path, entries: list[Entry], deletions: list[str], full: bool,
                progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Write the next index into a new folder; incremental builds start from hard links
    to the current one (Whoosh never rewrites a segment file, it only adds new ones)."""
    instance.mkdir(parents=True, exist_ok=True)
    staged = instance / f"index-{time.time_ns()}-{os.getpid()}"
    current = current_name(instance)
    if full or current is None:
        staged.mkdir()
        ix = windex.create_in(str(staged), make_schema())
    else:
        shutil.copytree(instance / current, staged, copy_function=_link_or_copy,
                        ignore=shutil.ignore_patterns("*LOCK*"))
        ix = windex.open_dir(str(staged))
    writer = search_writer.writer(ix, len(entries))
    try:
        for ident in deletions:
            writer.delete_by_term("id", ident)
        add = writer.add_document if full or current is None else writer.update_document
        for i, entry in enumerate(entries, 1):
            add(**document(entry))
            if progress and (i % 200 == 0 or i == len(entries)):
                progress("index", i, len(entries))
        writer.commit()
    except BaseException:
        search_writer.cancel(writer)
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def discard_index(staged: Path) -> None:
    handover.withdraw(staged.parent, staged)
    shutil.rmtree(staged, ignore_errors=True)


def announce_index(instance: Path, staged: Path, wait: float) -> None:
    """Before the database is committed: have every process serving `instance` warm
    `staged` (registry.search.handover), waiting at most `wait` seconds for them; this
    process's own indexes warm it now. `wait` 0: announce nothing."""
    from registry.search.serving import live_indexes

    for index in live_indexes(instance):
        try:
            index.prepare(staged)
        except Exception:  # noqa: BLE001 - it will be opened (and warmed) on first use
            log.exception("warming %s before publication failed", staged.name)
    if wait > 0:
        handover.announce(instance, staged)
        handover.wait_until_warm(instance, staged, wait)


def announce_commit(instance: Path, staged: Path, wait: float) -> None:
    """After the database is committed, before publication: have every process serving
    `instance` run its hooks for `staged` (the site's figures over every record), waiting at
    most `wait` seconds for them; this process's own indexes run them now. `wait` 0: tell
    only this process's indexes."""
    from registry.search.serving import live_indexes

    for index in live_indexes(instance):
        index.committed(staged.name)
    if wait > 0:
        handover.announce(instance, staged, handover.COMMITTED)
        handover.wait_until_warm(instance, staged, wait, "figures")


def publish_index(instance: Path, staged: Path) -> None:
    """Atomically point readers to `staged`. The previous folder is kept (a reader may be
    opening it right now); older ones and leftovers of interrupted builds are removed."""
    previous = current_name(instance)
    tmp = instance / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(staged.name)
    os.replace(tmp, instance / POINTER)
    handover.withdraw(instance, staged)
    for old in instance.glob("index-*"):
        if old.name not in (staged.name, previous) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
