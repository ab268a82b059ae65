"""Throw-away git repositories of records for the contribution, history and feed tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

from registry.build.pipeline import build
from registry.config import PROJECT_ROOT, load_settings
from tests.conftest import make_app
from tests.recordfactory import write_record

REAL_DATA = PROJECT_ROOT / "data" / "algorithms"


def git(repo: Path, *args: str, date: str | None = None, author: str = "Alice Martin") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "alice@example.org",
           "GIT_COMMITTER_NAME": "Registre", "GIT_COMMITTER_EMAIL": "registre@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def init_repo(repo: Path) -> Path:
    """An empty repository with its records folder; returns the folder."""
    data = repo / "data" / "algorithms"
    data.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    return data


def commit_all(repo: Path, message: str, date: str, author: str = "Alice Martin") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date, author=author)
    return git(repo, "rev-parse", "HEAD")


def one_record_repo(repo: Path, message: str = "Add a record") -> Path:
    """A repository holding one committed record, caf-essai (« Score d'essai de la CAF »),
    dated 2025-01-10; returns the records folder."""
    data = init_repo(repo)
    write_record(data, "caf-essai", nom="Score d'essai de la CAF")
    commit_all(repo, message, "2025-01-10T10:00:00+01:00")
    return data


def copy_real_data(repo: Path, date: str = "2026-01-15T10:00:00+01:00") -> Path:
    """A copy of the project's records, committed in a throw-away repository."""
    data = init_repo(repo)
    for path in REAL_DATA.glob("*.md"):
        shutil.copy(path, data / path.name)
    shutil.copytree(REAL_DATA.parent / "administrations", data.parent / "administrations")
    shutil.copytree(REAL_DATA.parent / "references", data.parent / "references")
    commit_all(repo, "Import the records", date)
    return data


def settings(data: Path, instance: Path) -> dict:
    """Settings of a throw-away site: its state folder beside its instance folder."""
    return load_settings({"DATA": str(data), "INSTANCE": str(instance),
                          "STATE": str(instance.parent / "state")})


def env(data: Path, instance: Path) -> dict:
    """The same settings as environment variables, for `registry` commands."""
    return {"REGISTRY_DATA": str(data), "REGISTRY_INSTANCE": str(instance),
            "REGISTRY_STATE": str(instance.parent / "state")}


def built_app(data: Path, instance: Path, **config: object):
    build(settings(data, instance), full=True)
    return make_app(instance, data, **{"STATE": settings(data, instance)["STATE"], **config})


def form_values(html: bytes, selector: str = "form.formulaire-contribution") -> dict[str, str]:
    """The values a browser would send for a form (selected options, textareas, inputs)."""
    soup = BeautifulSoup(html, "html.parser")
    values: dict[str, str] = {}
    for element in soup.select(f"{selector} input, {selector} textarea, {selector} select"):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "checkbox"):
            continue
        if element.name == "textarea":
            values[name] = element.text.removeprefix("\n")
        elif element.name == "select":
            option = element.find("option", selected=True)
            values[name] = option["value"] if option else ""
        else:
            values[name] = element.get("value", "")
    return values


PASSWORD = "cheval correct agrafe"
FAST_HASH = "pbkdf2:sha256:1000"  # fast to check: tests log in often


def add_maintainer(state: dict | str | Path, login: str = "camille",
                   name: str = "Camille Durand", password: str = PASSWORD):
    """A maintainer's account in the state store of `state` (settings or folder)."""
    from registry.state import accounts as maintainers
    from registry.state import state_engine

    settings = state if isinstance(state, dict) else {"STATE": str(state)}
    return maintainers.add(state_engine(settings), login, name, password, method=FAST_HASH)
