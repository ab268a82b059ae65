"""Validation and rendering of record files for `registry build`, on every CPU for big builds.

Checking a file (YAML, catalogue) and rendering its Markdown are independent per file
and pure Python: above PARALLEL_MIN files they run in a pool of worker processes
(one per CPU); below, in the calling process (a pool costs more than it saves).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from registry.build.export_files import encoded, heads
from registry.records import citations
from registry.records.model import InvalidRecords, Record, from_checked
from registry.records.validate import Checked, References, check_file, format_problems
from registry.rendering import plain, render_record_body

PARALLEL_MIN = 400
CHUNK = 50
Progress = Callable[[str, int, int], None]


@dataclass
class Prepared:
    """A valid record, its body as sanitised HTML and as plain text (for the index), its
    pieces of the open-data exports."""

    record: Record
    html: str
    text: str
    exports: list[bytes]


def _prepare(path: Path, site_url: str, heads: dict[str, str], references: References,
             admins: dict[str, dict]) -> tuple[Checked, str, str, list[bytes]]:
    checked = check_file(path, references=references)
    if not checked.ok:
        return checked, "", "", []
    meta = checked.meta or {}
    body_html = render_record_body(checked.body, citations.numbering(meta),
                                   {s["cle"]: s.get("titre", "") for s in meta.get("sources", [])
                                    if isinstance(s, dict) and s.get("cle")})
    record = from_checked(checked)
    record.admin = admins.get(record.administration_id, {"id": record.administration_id,
                                                         "nom": record.administration_id})
    return checked, body_html, plain(body_html), encoded(record, site_url, heads)


def workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def prepare(paths: list[Path], site_url: str, progress: Progress | None = None,
            references: References | None = None, admins: dict[str, dict] | None = None,
            ) -> list[Prepared]:
    """Check and render the files; raises InvalidRecords with the validator's messages.

    `admins`: summaries of the administration records by id, joined to each record."""
    results = []
    count = workers() if len(paths) >= PARALLEL_MIN else 1
    work = partial(_prepare, site_url=site_url, heads=heads(site_url),
                   references=references or References(), admins=admins or {})
    if count > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:  # see build_lock
            for result in pool.map(work, paths, chunksize=CHUNK):
                results.append(result)
                _report(progress, len(results), len(paths))
    else:
        for path in paths:
            results.append(work(path))
            _report(progress, len(results), len(paths))
    bad = [checked for checked, *_ in results if not checked.ok]
    if bad:
        raise InvalidRecords([m for m in format_problems(bad) if ": attention : " not in m])
    out = []
    for checked, body_html, text, pieces in results:
        record = from_checked(checked)
        record.admin = (admins or {}).get(record.administration_id,
                                          {"id": record.administration_id,
                                           "nom": record.administration_id})
        out.append(Prepared(record, body_html, text, pieces))
    return out


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress and (done % 200 == 0 or done == total):
        progress("validation", done, total)
