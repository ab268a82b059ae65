"""How a build hands a new index over to the processes that serve it, warmed.

1. the build writes the new folder's name into ``index.next`` (atomically) before it
   commits the database;
2. every serving process watches that file (``SearchIndex``'s watcher thread, twice a
   second), opens and warms the new folder while it keeps answering with the current one,
   then says so in its own file ``cache/servers/<host>-<pid>-<n>`` (the folder it has
   ready, rewritten every few seconds: a file older than ALIVE seconds is a process gone);
3. the build waits until every living server has the new folder ready (at most
   ``WARM_WAIT`` seconds: a slow or stuck server never blocks publication for long), then
   commits the database;
4. it writes the folder's name into ``index.committed``: each server computes what its
   pages show of the whole new build (the figures of the home and coverage pages…, its
   ``SearchIndex`` hooks), still answering with the previous one, and says so in its file;
5. the build waits for that as in 3, then switches ``index.current``: each server then
   serves the warmed folder, and its figures, at its next request, without any cold start.

A server that cannot write its file (a read-only copy of the instance) is not waited for:
it warms the new build when it sees ``index.current`` change, serving the previous one
meanwhile. Only ``registry.search`` imports this module; it never imports Whoosh.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NEXT = "index.next"
COMMITTED = "index.committed"
SERVERS = Path("cache") / "servers"
ALIVE = 15.0  # seconds: a server file not rewritten for longer is a process gone
REFRESH = 5.0  # seconds between two rewrites of a server's file
log = logging.getLogger("registry.search")


@dataclass
class Server:
    ident: str
    pid: int
    host: str
    ready: str  # the index folder it serves or has warmed, ready to serve
    age: float  # seconds since its file was written
    figures: str = ""  # the committed folder whose figures it has computed


def next_name(instance: Path, name: str = NEXT) -> str | None:
    """The folder announced in `index.next` (or, with `name=COMMITTED`, in
    `index.committed`), or None."""
    try:
        return (Path(instance) / name).read_text().strip() or None
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def announce(instance: Path, staged: Path, name: str = NEXT) -> None:
    _write(Path(instance) / name, staged.name)


def withdraw(instance: Path, staged: Path) -> None:
    """The announced folder is published or abandoned: no longer to be warmed."""
    for name in (NEXT, COMMITTED):
        if next_name(instance, name) == staged.name:
            try:
                (Path(instance) / name).unlink()
            except OSError:
                pass


def server_ident(counter: int) -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{counter}"


def register(instance: Path, ident: str, ready: str, figures: str = "") -> bool:
    """Write this server's file; False when the instance cannot be written (not waited for)."""
    folder = Path(instance) / SERVERS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / ident, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                           "ready": ready, "figures": figures}))
        return True
    except OSError:
        return False


def unregister(instance: Path, ident: str) -> None:
    try:
        (Path(instance) / SERVERS / ident).unlink()
    except OSError:
        pass


def servers(instance: Path) -> list[Server]:
    """The servers' files, living ones first; unreadable or long-dead files are removed."""
    out = []
    now = time.time()
    folder = Path(instance) / SERVERS
    for path in folder.glob("*") if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        try:
            age = now - path.stat().st_mtime
            data = json.loads(path.read_text())
            out.append(Server(path.name, int(data["pid"]), str(data["host"]),
                              str(data["ready"]), age, str(data.get("figures", ""))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if age > 20 * ALIVE:
            unregister(instance, path.name)
    return out


def _alive(server: Server) -> bool:
    """Its file is fresh and, on this machine, its process exists."""
    if server.age > ALIVE:
        return False
    if server.host != socket.gethostname():
        return True
    try:
        os.kill(server.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_warm(instance: Path, staged: Path, wait: float,
                    stage: str = "ready") -> list[Server]:
    """Wait (at most `wait` seconds) until every living server, other than this process's,
    has `staged` ready (or, `stage="figures"`, its figures computed); returns those still
    not done at the deadline."""
    if stage not in ("ready", "figures"):
        raise ValueError(stage)
    deadline = time.monotonic() + wait
    while True:
        pending = [s for s in servers(instance)
                   if _alive(s) and getattr(s, stage) != staged.name
                   and not (s.pid == os.getpid() and s.host == socket.gethostname())]
        if not pending or time.monotonic() >= deadline:
            if pending:
                log.warning("publishing %s before %d server(s) were %s", staged.name,
                            len(pending), "warm" if stage == "ready" else "done with figures")
            return pending
        time.sleep(0.1)
