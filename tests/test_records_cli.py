"""`registry validate` and `registry new` as a contributor uses them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_validate import INVALID

DATA = Path(__file__).parent.parent / "data" / "algorithms"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_validate_real_dataset_exits_0() -> None:
    done = run("validate", "--quiet", str(DATA))
    assert done.returncode == 0, done.stdout
    assert "Traceback" not in done.stderr


def test_validate_reports_every_problem_without_traceback() -> None:
    done = run("validate", str(INVALID))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line]
    assert len(lines) >= len(list(INVALID.glob("*.md")))
    assert all(line.startswith(str(INVALID)) and ":" in line for line in lines)


def test_validate_missing_path() -> None:
    done = run("validate", "/nonexistent/folder")
    assert done.returncode == 1
    assert "introuvable" in done.stderr


def test_new_writes_a_skeleton_that_validates_once_filled(tmp_path: Path) -> None:
    done = run("new", "mon-algo", "--data", str(tmp_path))
    assert done.returncode == 0, done.stderr
    path = tmp_path / "mon-algo.md"
    text = path.read_text()
    assert run("validate", str(path)).returncode == 1  # empty required keys
    fills = {"nom:": 'nom: "Mon algorithme"', "resume:": 'resume: "Ce qu\'il fait."',
             "administration:": "administration: cnaf",
             "domaine:": "domaine: social",
             "statut:": "statut: deploye", "type_technique:": "type_technique: regles",
             "decision_individuelle:": "decision_individuelle: oui",
             "degre_automatisation:": "degre_automatisation: aide_a_la_decision",
             "    url:": '    url: "https://example.org/"', "    titre:": '    titre: "Source"',
             "    type:": "    type: officielle",
             "    consulte_le:": '    consulte_le: "2026-12-07"'}
    lines = [fills.get(line, line) for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n")
    done = run("validate", str(path))
    assert done.returncode == 0, done.stdout
    assert run("new", "mon-algo", "--data", str(tmp_path)).returncode == 1  # never overwrites


def test_new_rejects_a_bad_id(tmp_path: Path) -> None:
    done = run("new", "Mauvais Nom", "--data", str(tmp_path))
    assert done.returncode == 2 and "minuscules" in done.stderr
