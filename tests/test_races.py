"""Issue 15, item 8: accept and reject decide first, and only the winner writes the file.

A real git pre-commit hook holds `registry submissions accept` inside its commit
while maintainers click accept and reject on a running site: the command decided first,
so every click is refused and the file committed is the one accepted. Then parallel
clicks with nothing held: exactly one decision wins and the file follows it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from registry.contributions import queue as subs
from registry.records.validate import check_file
from registry.state import state_engine
from tests.conftest import serving
from tests.contribrepo import add_maintainer, built_app, git, one_record_repo, settings
from tests.servers import PYTHON, Browser

PASSWORD = "mot-de-passe-assez-long"
HOOK = """#!/bin/sh
touch "$REGISTRE_ENTERED"
while [ ! -e "$REGISTRE_RELEASE" ]; do sleep 0.05; done
"""


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = one_record_repo(repo)
    instance = tmp_path / "instance"
    app = built_app(data, instance)
    add_maintainer(settings(data, instance), password=PASSWORD)
    engine = state_engine(settings(data, instance))
    current = check_file(data / "caf-essai.md")
    sub = subs.create(engine, "correction", "caf-essai", {**current.meta, "statut": "suspendu"},
                      current.body, base_hash=subs.file_hash(data / "caf-essai.md"))
    return {"repo": repo, "data": data, "instance": instance, "app": app, "engine": engine,
            "sub": sub, "tmp": tmp_path}


def _clicks(base: str, ident: int, actions: list[str]) -> list[str]:
    """Logged-in maintainers clicking at once; returns the flash message each one got."""
    browsers = []
    for _ in actions:
        browser = Browser()
        status, _, _ = browser.request(base, "/mainteneurs/connexion", "POST",
                                       {"login": "camille", "password": PASSWORD})
        assert status == 303
        browsers.append(browser)
    start = threading.Barrier(len(actions))
    messages: list[str] = []

    def click(browser: Browser, action: str) -> None:
        start.wait()
        status, headers, _ = browser.request(
            base, f"/mainteneurs/contributions/{ident}/{action}", "POST",
            {"raison": "Décision parallèle."})
        assert status == 303
        _, _, page = browser.request(base, headers["location"])
        messages.append(page)

    threads = [threading.Thread(target=click, args=pair)
               for pair in zip(browsers, actions, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return messages


def test_the_command_decides_before_it_commits(site: dict) -> None:
    entered, release = site["tmp"] / "entre", site["tmp"] / "libere"
    hook = site["repo"] / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK)
    hook.chmod(0o755)
    import subprocess

    env = {**os.environ, "REGISTRY_DATA": str(site["data"]),
           "REGISTRY_INSTANCE": str(site["instance"]),
           "REGISTRY_STATE": settings(site["data"], site["instance"])["STATE"],
           "REGISTRE_ENTERED": str(entered), "REGISTRE_RELEASE": str(release)}
    command = subprocess.Popen([PYTHON, "-m", "registry.cli", "submissions", "accept",
                                str(site["sub"].id), "--par", "camille"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not entered.exists():
            assert command.poll() is None, command.communicate()
            assert time.monotonic() < deadline, "the commit hook was not reached"
            time.sleep(0.05)
        with serving(site["app"]) as base:
            pages = _clicks(base, site["sub"].id, ["refuser", "accepter"] * 3)
        assert all("déjà été traitée" in page for page in pages)
        assert subs.get(site["engine"], site["sub"].id).status == subs.ACCEPTED
    finally:
        release.touch()
        out, err = command.communicate(timeout=60)
    assert command.returncode == 0, err
    assert check_file(site["data"] / "caf-essai.md").meta["statut"] == "suspendu"
    stored = subs.get(site["engine"], site["sub"].id)
    assert stored.status == subs.ACCEPTED and stored.commit == git(site["repo"], "rev-parse",
                                                                   "HEAD")
    assert git(site["repo"], "rev-list", "--count", "HEAD") == "2"


@pytest.mark.parametrize("round_", range(3))
def test_parallel_clicks_one_decision_and_the_file_follows_it(site: dict, round_: int) -> None:
    before = (site["data"] / "caf-essai.md").read_text()
    with serving(site["app"]) as base:
        _clicks(base, site["sub"].id, ["accepter", "refuser"] * 4)
    stored = subs.get(site["engine"], site["sub"].id)
    assert stored.status in (subs.ACCEPTED, subs.REJECTED)
    after = (site["data"] / "caf-essai.md").read_text()
    if stored.status == subs.ACCEPTED:
        assert check_file(site["data"] / "caf-essai.md").meta["statut"] == "suspendu"
    else:
        assert after == before
