"""At most a few page requests run at once in a serving process; the others wait their turn.

Pages are CPU-bound Python: the threads of one process share one interpreter lock, so eight
renders at once each take eight times as long and a cheap page (a cached record) waits behind
seven expensive ones. The server keeps its threads for the connections (keep-alive, slow
clients), but only `limit` GET or HEAD requests run the application at a time, in the order
they arrived (``threading.Semaphore`` wakes its waiters first in, first out). Other methods
(forms, which may read a slow upload) are never held back. `registry serve --concurrency`
sets the limit; docs/performance.md gives what it changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class Admission:
    """WSGI middleware: at most `limit` GET/HEAD requests inside `app` at once."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        with self._slots:
            return self.app(environ, start_response)
