"""Shared fixtures: a real build of the real dataset, the Flask app, its clients, a live server,
and one Playwright-driven Debian Chromium for every browser test (a single sync Playwright
per process: two would conflict)."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from registry import create_app
from registry.build.pipeline import build
from registry.cli import main as cli_main
from registry.config import PROJECT_ROOT, load_settings

DATA = PROJECT_ROOT / "data" / "algorithms"


@pytest.fixture(scope="session", autouse=True)
def state_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Nothing in the suite writes the project's own state folder: REGISTRY_STATE points to a
    throw-away folder (commands run in-process or as child processes inherit it)."""
    root = tmp_path_factory.mktemp("etat")
    previous = os.environ.get("REGISTRY_STATE")
    os.environ["REGISTRY_STATE"] = str(root)
    yield root
    if previous is None:
        os.environ.pop("REGISTRY_STATE", None)
    else:
        os.environ["REGISTRY_STATE"] = previous


def fresh_state() -> str:
    """A new empty state folder (its own queue, counters and sessions)."""
    return tempfile.mkdtemp(prefix="app-", dir=os.environ["REGISTRY_STATE"])


@pytest.fixture(scope="session")
def built_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real dataset built once per session into a throw-away instance folder."""
    instance = tmp_path_factory.mktemp("instance")
    build(load_settings({"DATA": str(DATA), "INSTANCE": str(instance)}), full=True)
    return instance


def make_app(instance: Path, data: Path = DATA, **config: object):
    settings = {"DATA": str(data), "INSTANCE": str(instance), "TESTING": True,
                "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "STATE": fresh_state()}
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(built_instance: Path):
    return make_app(built_instance)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(built_instance: Path):
    """A client of an app with CSRF protection on, as in production."""
    return make_app(built_instance, WTF_CSRF_ENABLED=True).test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs the `registry` command line in-process."""
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner):
    def invoke(*args: str, **kwargs: object):
        return runner.invoke(cli_main, list(args), catch_exceptions=False, **kwargs)

    return invoke


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` with a real threaded HTTP server on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(built_instance: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the built dataset; yields its base URL."""
    with serving(make_app(built_instance, WTF_CSRF_ENABLED=True)) as url:
        yield url


# --- real Chromium through Playwright; a screenshot under test-artifacts/ on failure ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Browser, request: pytest.FixtureRequest, width: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - keep the original failure visible
            print(f"screenshot failed: {exc}")
    context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop-sized page (1280 px wide)."""
    yield from _open(browser, request, 1280)


@pytest.fixture
def mobile(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page (375 px wide)."""
    yield from _open(browser, request, 375)


# Files whose tests start servers, browsers, databases or child processes, inject faults or
# fuzz: marked `slow` (make test runs them all; `-m "not slow"` runs the code tests alone).
SLOW_FILES = frozenset({
    "test_faults.py", "test_fuzz_web.py", "test_fuzz_records.py", "test_multiprocess.py",
    "test_races.py", "test_packaging.py", "test_postgres.py", "test_robustness.py",
    "test_serve.py", "test_bounded.py", "test_layers.py",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") or item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
