"""The software installs from its wheel and runs a register of someone else's: the wheel
holds the templates, static files, search vocabulary and example register; a fresh virtual
environment with only the wheel runs `registry init`, `build` and `serve`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps",
                    "-q", "-w", str(out)], check=True,
                   capture_output=True, timeout=300)
    [built] = out.glob("registry-*.whl")
    return built


def test_the_wheel_holds_every_file_the_site_needs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"registry/templates/{p.relative_to(PROJECT_ROOT / 'templates').as_posix()}"
                 for p in (PROJECT_ROOT / "templates").rglob("*") if p.is_file()}
    static = {f"registry/static/{p.name}" for p in (PROJECT_ROOT / "registry" / "static").iterdir()}
    assert templates and templates <= names, sorted(templates - names)
    assert static <= names, sorted(static - names)
    assert "registry/search/synonyms.yaml" in names
    assert {"registry/translations/en/LC_MESSAGES/messages.po",
            "registry/translations/en/LC_MESSAGES/messages.mo"} <= names  # the English pages
    example = [n for n in names if n.startswith("registry/exemple/") and n.endswith(".md")]
    assert len(example) == 2
    text = zipfile.ZipFile(wheel).read(example[0]).decode()
    assert text.startswith("---\nschema: 2")  # the file's content, not a link


def test_pyproject_lists_every_package() -> None:
    listed = set(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PROJECT_ROOT).parts)
             for p in (PROJECT_ROOT / "registry").rglob("__init__.py")}
    assert listed == found | {"registry.templates"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_fresh_venv_with_the_wheel_runs_a_new_register(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # the dependencies come from this environment's site-packages, added as a plain path
    # (its .pth files, among them the editable checkout's finder, are not run)
    site = Path(sysconfig.get_paths()["purelib"])
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                  "get_paths()['purelib'])"], capture_output=True, text=True,
                                 check=True).stdout.strip())
    (target / "zz-deps.pth").write_text(f"{site}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.pop("PYTHONPATH", None)
    where = subprocess.run([str(python), "-c", "import registry; print(registry.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(venv)), where.stdout  # the wheel, not the checkout
    registry = str(venv / "bin" / "registry")
    folder = tmp_path / "mon-registre"
    made = subprocess.run([registry, "init", str(folder), "--nom", "Registre de la Ville "
                           "d'Essai", "--editeur", "Ville d'Essai"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    again = subprocess.run([registry, "init", str(folder)], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "n'est pas vide" in again.stderr
    built = subprocess.run([registry, "build"], env=env, cwd=folder, capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr + built.stdout
    assert (folder / "instance").is_dir() and not (PROJECT_ROOT / "mon-registre").exists()
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([registry, "serve", "--port", str(port)], env=env, cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    home = answer.read()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        page = home.decode()
        assert "Registre de la Ville d&#39;Essai" in page and "Ville d&#39;Essai" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/algorithmes/"
                                    "les-lilas-cotation-places-creche", timeout=5) as record:
            assert record.status == 200 and b"/static/site.css" in record.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/site.css",
                                    timeout=5) as css:
            assert css.status == 200 and b"{" in css.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert (folder / "state").is_dir()  # its own state store, in the register's folder


def test_a_broken_configuration_file_is_explained(tmp_path: Path) -> None:
    (tmp_path / "registre.toml").write_text('site_nom = "X"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "registry.cli", "validate"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("REGISTRY_")})
    assert done.returncode == 2
    assert "réglage inconnu « site_nom »" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "registre.toml").write_text("site_name = 3\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "registry.cli", "validate"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("REGISTRY_")})
    assert "« site_name » doit être un texte" in done.stderr
