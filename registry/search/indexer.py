"""How ``registry.search`` writes an index: Whoosh's codec with field lengths read once per
segment instead of once per posting, and a writer on every CPU for big builds.

Whoosh's segment writer asks the length of the document's field for every posting it
writes (to store per-block length bounds), each time through the on-disk column: about a
third of a commit. ``Codec`` keeps the lengths of a segment in memory after the first
ask (also useful to searchers). The codec is stored with the segments (as Whoosh's is),
so this module must stay importable under this name.
"""

from __future__ import annotations

import gc
import os
import queue
from collections.abc import Callable

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.filedb.filestore import Storage
from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

PARALLEL_MIN = 2_000  # documents: below, one process (starting writers costs more)
LIMIT_MB = 256
BATCH = 100  # documents sent to a writer process at a time


class Codec(W3Codec):
    def per_document_reader(self, storage: Storage, segment: Segment) -> PerDocReader:
        return PerDocReader(storage, segment)


class PerDocReader(W3PerDocReader):
    """Whoosh's per-document reader; a field's lengths are loaded once, as a list."""

    def __init__(self, storage: Storage, segment: Segment) -> None:
        super().__init__(storage, segment)
        self._all_lengths: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._all_lengths.get(fieldname, False)
        if lengths is False:
            lengths = self._load_lengths(fieldname)
        if lengths is None:
            return default
        return lengths[docnum]

    def _load_lengths(self, fieldname: str) -> list | None:
        count = self.doc_count_all()
        first = W3PerDocReader.doc_field_length(self, 0, fieldname, default=-1) if count else -1
        if first == -1:  # no lengths column: the field is not scored
            lengths = None
        else:
            lengths = [W3PerDocReader.doc_field_length(self, d, fieldname) for d in range(count)]
        self._all_lengths[fieldname] = lengths
        return lengths


class _Task(SubWriterTask):
    """Whoosh's sub-writer process, returning its finished segment (Whoosh 2.7.5 returns
    None in multisegment mode) or None when it was given no document."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        w = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        while (job := self.jobqueue.get()) is not None:
            self._process_file(*job)
        if w.docnum:
            w._finalize_segment()  # noqa: SLF001
            self.resultqueue.put(w.get_segment())
        else:
            w.cancel()
            self.resultqueue.put(None)


class ParallelWriter(MpWriter):
    """Whoosh's MpWriter in multisegment mode: each process writes a segment, kept as is."""

    def __init__(self, ix: Index, procs: int, **kwargs: object) -> None:
        super().__init__(ix, procs=procs, batchsize=BATCH, multisegment=True, **kwargs)
        # The writers are forked while the build holds every record in memory: frozen
        # objects are not scanned by the children's garbage collector, so their pages
        # stay shared instead of being copied into each child.
        gc.freeze()

    def _finish(self) -> None:
        gc.unfreeze()
        super()._finish()

    def cancel(self) -> None:
        gc.unfreeze()
        super().cancel()

    def _new_task(self) -> _Task:
        task = _Task(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                     self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

    def _commit(self, mergetype: Callable | None, optimize: bool, merge: bool) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results: list = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1))
            except queue.Empty:
                if not any(t.is_alive() for t in self.tasks) and self.resultqueue.empty():
                    raise RuntimeError("un processus d'indexation s'est arrêté") from None
        for task in self.tasks:
            task.join()
        segments += [s for s in results if s is not None]
        if self._added:  # documents merged from small existing segments
            self._finalize_segment()
            segments.append(self.get_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def writer(ix: Index, documents: int) -> SegmentWriter:
    """A writer for `documents` new documents: several processes for big builds."""
    if documents >= PARALLEL_MIN and cpus() > 1:
        return ParallelWriter(ix, cpus(), codec=Codec(), limitmb=LIMIT_MB // cpus())
    return SegmentWriter(ix, codec=Codec(), limitmb=LIMIT_MB)


def cancel(w: SegmentWriter) -> None:
    """Cancel the writer, and stop its worker processes (Whoosh's cancel does not)."""
    try:
        w.cancel()
    finally:
        for task in getattr(w, "tasks", []):
            if task.is_alive():
                task.terminate()
            task.join()
