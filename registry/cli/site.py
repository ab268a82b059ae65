"""Build and serve: `registry build`, `registry serve`."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from registry.build.pipeline import BuildBusy
from registry.build.pipeline import build as run_build
from registry.config import load_settings
from registry.records.model import InvalidRecords
from registry.state import StateUnavailable
from registry.state.legacy import legacy_queue_present, migrate_legacy_queue

if TYPE_CHECKING:
    from registry.web.admission import Admission

# Requests bounded on every server (the application refuses a longer address itself, in
# French, below these: registry.web.limits.MAX_URL).
MAX_REQUEST_LINE = 8190
MAX_HEADER_BYTES = 32 * 1024

STAGES = {"validation": "validation", "index": "indexation"}
# A build yields the CPUs to the servers on the same machine (their latency holds while it
# runs); its worker processes inherit the priority.
BUILD_NICE = 10


def _progress(tty: bool) -> Callable[[str, int, int], None]:
    """A bar redrawn in place on a terminal; a few plain lines otherwise (logs, CI)."""
    step: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        label = STAGES.get(stage, stage)
        if tty:
            width = 30
            filled = int(width * done / max(total, 1))
            click.echo(f"\r{label:>10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                       nl=done == total, err=True)
            return
        tenth = 10 * done // max(total, 1)
        if done == total or tenth > step.get(stage, 0):
            step[stage] = tenth
            click.echo(f"{label} : {done}/{total}", err=True)

    return report


@click.command()
@click.option("--full", is_flag=True, help="Tout reconstruire (sinon seules les fiches modifiées).")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--instance", type=click.Path(path_type=Path), help="Dossier des artefacts.")
@click.option("--wait", default=60.0, show_default=True,
              help="Secondes d'attente si une autre construction est en cours.")
@click.option("--nice", "niceness", default=BUILD_NICE, show_default=True,
              type=click.IntRange(0, 19),
              help="Priorité abaissée de la construction (os.nice), pour que le site servi sur "
                   "la même machine garde sa latence ; 0 : priorité inchangée.")
def build(full: bool, data: Path | None, instance: Path | None, wait: float,
          niceness: int) -> None:
    """Valider les fiches puis construire la base et l'index (atomique, incrémental)."""
    with lower_priority(niceness):
        _build(full, data, instance, wait)


def _build(full: bool, data: Path | None, instance: Path | None, wait: float) -> None:
    overrides = {k: str(v) for k, v in (("DATA", data), ("INSTANCE", instance)) if v}
    settings = load_settings(overrides)
    if legacy_queue_present(settings):  # an older version's queue, before anything else
        try:
            moved = migrate_legacy_queue(settings)
        except Exception as exc:  # noqa: BLE001 - nothing may be lost: stop here
            click.echo(f"Construction annulée : la file des contributions de la base dérivée "
                       f"n'a pas pu être déplacée vers le stockage d'état ({exc}). Rien n'a "
                       "été modifié.", err=True)
            sys.exit(1)
        click.echo(f"{moved} contribution(s) déplacée(s) vers le stockage d'état.", err=True)
    try:
        report = run_build(settings, full=full, progress=_progress(sys.stderr.isatty()),
                           lock_wait=wait)
    except InvalidRecords as exc:
        for line in exc.messages:
            click.echo(line)
        click.echo("Construction annulée : corrigez les fiches ci-dessus. La version précédente "
                   "reste en service.", err=True)
        sys.exit(1)
    except BuildBusy as exc:
        click.echo(f"Construction refusée : {exc}.", err=True)
        sys.exit(2)
    kind = "complète" if report.full else "incrémentale"
    click.echo(f"Construction {kind} terminée en {report.seconds:.1f} s : {report.total} fiches "
               f"({len(report.added)} ajoutée(s), {len(report.changed)} modifiée(s), "
               f"{len(report.removed)} supprimée(s)).")


@contextmanager
def lower_priority(niceness: int) -> Iterator[int]:
    """Run the block `niceness` steps lower in CPU priority (os.nice; on Linux the calling
    thread and the processes it forks), then go back when allowed (a command run
    in-process, by the tests, leaves its caller as it was)."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        now = os.nice(niceness) if niceness > 0 else before
    except OSError:
        now = before
    try:
        yield now
    finally:
        if now != before:
            try:
                os.setpriority(os.PRIO_PROCESS, 0, before)
            except OSError:
                pass  # not allowed to raise a priority: the command is ending anyway


# Requests that run the application at once per process (registry.web.admission): pages are
# CPU-bound Python and share one interpreter lock, so with 8 at once a cheap page waited
# behind seven renders (p99 151 ms against 93 ms with 2, same throughput; docs/performance.md).
# The threads stay for the connections: with 2 threads, 64 keep-alive clients starved.
CONCURRENCY = 2
THREADS = 8


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=0, type=int,
              help="Processus serveurs (défaut : un par cœur). 1 : un seul processus (waitress).")
@click.option("--threads", default=THREADS, show_default=True, type=int,
              help="Fils par processus (connexions servies à la fois).")
@click.option("--concurrency", default=CONCURRENCY, show_default=True, type=int,
              help="Pages calculées à la fois par processus (les autres attendent leur tour).")
def serve(host: str, port: int, workers: int, threads: int, concurrency: int) -> None:
    """Servir le site avec un serveur WSGI de production (gunicorn, ou waitress)."""
    workers = workers or os.cpu_count() or 1
    concurrency = max(1, min(concurrency, threads))
    _check_start()
    if workers > 1:
        _check_port(host, port)
    click.echo(f"Registre servi sur http://{host}:{port}/ ({workers} processus × {threads} "
               "fils ; Ctrl+C pour arrêter)", err=True)
    if workers > 1:
        _gunicorn(host, port, workers, threads, concurrency)
    else:
        from waitress import serve as waitress_serve

        waitress_serve(serving_app(concurrency), host=host, port=port, threads=threads,
                       ident="registre", max_request_header_size=MAX_HEADER_BYTES)


def serving_app(concurrency: int) -> Admission:
    """The application `registry serve` runs in each process (gunicorn worker or waitress):
    the site, at most `concurrency` page requests at once (registry.web.admission)."""
    from registry import create_app
    from registry.web.admission import Admission

    return Admission(create_app(), concurrency)


def _check_start() -> None:
    """Refuse to start, with a clear message, rather than serve with keys that differ
    between processes (forms and sessions would fail at random)."""
    settings = load_settings()
    if settings.get("SECRET_KEY"):
        return
    from registry.state.secrets import shared_secret

    try:
        shared_secret(settings)
    except StateUnavailable as exc:
        click.echo(f"Démarrage impossible : {exc}.", err=True)
        sys.exit(1)


def _check_port(host: str, port: int) -> None:
    """Refuse to start on an address already listened on. Each gunicorn worker listens on
    its own socket (`reuse_port`): the kernel spreads the connections over the workers
    (with one shared socket, clients that connect at once could all land on one worker and
    stay there, one core working while the other idled: docs/performance.md). A second
    server started on the same port would then share it silently; this plain bind, without
    SO_REUSEPORT, fails as soon as anything listens there."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            probe.bind((host, port))
    except OSError as exc:
        click.echo(f"Démarrage impossible : l'adresse {host}:{port} est déjà utilisée ou "
                   f"n'est pas disponible ({exc.strerror}). Choisissez un autre port "
                   "(--port) ou arrêtez le serveur qui l'occupe.", err=True)
        sys.exit(1)


def _gunicorn(host: str, port: int, workers: int, threads: int, concurrency: int) -> None:
    """Several processes: search is CPU-bound Python, threads alone share one core."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers,
                               "threads": threads, "worker_class": "gthread",
                               "timeout": 60, "graceful_timeout": 10, "accesslog": None,
                               "limit_request_line": MAX_REQUEST_LINE,
                               "limit_request_fields": 100,
                               "limit_request_field_size": MAX_REQUEST_LINE,
                               "errorlog": "-", "loglevel": "warning",
                               "proc_name": "registre",
                               "reuse_port": True}.items():  # one socket per worker
                self.cfg.set(key, value)

        def load(self) -> Admission:  # called in each worker after fork: one index each
            return serving_app(concurrency)

    Server().run()


commands = [build, serve]
