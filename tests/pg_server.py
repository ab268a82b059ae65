"""A throw-away PostgreSQL cluster on 127.0.0.1 for the tests (Debian's server binaries).

`make test` installs Debian's ``postgresql`` package (scripts/install_system_deps.sh). The
cluster lives in a temporary folder, runs as the ``postgres`` system user when the tests run
as root (initdb refuses root), listens on a free loopback port, trusts local connections
only, and is stopped and deleted at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

USER = "registry"
DATABASE = "registry_test"
MISSING = ("Serveur PostgreSQL introuvable (/usr/lib/postgresql/*/bin/initdb) : les tests "
           "PostgreSQL n'ont PAS été exécutés. Installez-le avec « make system-deps » "
           "(paquet Debian postgresql) puis relancez les tests.")


class ServerUnavailable(Exception):
    """The server binaries are missing or the cluster did not start (French message)."""


@dataclass
class Cluster:
    folder: Path
    bindir: Path
    port: int
    runas: list[str]

    @property
    def url(self) -> str:
        return self.database_url(DATABASE)

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        with psycopg.connect(self.dsn + " dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={USER}"

    def ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.runas, str(self.bindir / "pg_ctl"), "-D",
                               str(self.folder / "data"), *args], capture_output=True,
                              text=True, timeout=120, check=False)

    def stop(self) -> None:
        self.ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)


def find_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not found:
        raise ServerUnavailable(MISSING)
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix to run the server binaries as a non-root user."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ServerUnavailable("Les tests tournent en root et l'utilisateur système « postgres » "
                                "(créé par le paquet Debian postgresql) n'existe pas.") from exc
    return ["runuser", "-u", "postgres", "--"], account


def start() -> Cluster:
    """Create and start a fresh cluster with an empty database; raises ServerUnavailable."""
    bindir = find_bindir()
    runas, account = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    if account is not None:
        os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(folder, bindir, _free_port(), runas)
    init = subprocess.run([*runas, str(bindir / "initdb"), "-D", str(folder / "data"), "-U", USER,
                           "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
                          capture_output=True, text=True, timeout=180, check=False)
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerUnavailable(f"initdb a échoué : {init.stderr.strip()[-500:]}")
    options = (f"-h 127.0.0.1 -p {cluster.port} -k {folder} -c fsync=off "
               "-c full_page_writes=off -c synchronous_commit=off")
    started = cluster.ctl("start", "-w", "-t", "60", "-o", options, "-l", str(folder / "log"))
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-800:] if (folder / "log").exists() \
            else started.stderr
        cluster.stop()
        raise ServerUnavailable(f"PostgreSQL n'a pas démarré : {log}")
    _create_database(cluster)
    return cluster


def _create_database(cluster: Cluster) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(cluster.dsn + " dbname=postgres", autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                cluster.stop()
                raise
            time.sleep(0.2)
