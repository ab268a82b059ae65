"""Shared fixtures: a real build of the real dataset, the Flask app, its clients, a live server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from registry import create_app
from registry.build import build
from registry.cli import main as cli_main
from registry.config import PROJECT_ROOT, load_settings

DATA = PROJECT_ROOT / "data" / "algorithms"


@pytest.fixture(scope="session")
def built_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real dataset built once per session into a throw-away instance folder."""
    instance = tmp_path_factory.mktemp("instance")
    build(load_settings({"DATA": str(DATA), "INSTANCE": str(instance)}), full=True)
    return instance


def make_app(instance: Path, data: Path = DATA, **config: object):  # noqa: ANN201
    settings = {"DATA": str(data), "INSTANCE": str(instance), "TESTING": True,
                "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False}
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(built_instance: Path):  # noqa: ANN201
    return make_app(built_instance)


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def csrf_client(built_instance: Path):  # noqa: ANN201
    """A client of an app with CSRF protection on, as in production."""
    return make_app(built_instance, WTF_CSRF_ENABLED=True).test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs the `registry` command line in-process."""
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner):  # noqa: ANN201
    def invoke(*args: str, **kwargs: object):  # noqa: ANN202
        return runner.invoke(cli_main, list(args), catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture(scope="session")
def live_server(built_instance: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the built dataset; yields its base URL."""
    app = make_app(built_instance, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
