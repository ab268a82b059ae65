"""The layers hold (import-linter's contracts in pyproject.toml): the core never imports Flask,
WTForms or the web and command-line layers; the web layer never imports the build or the
table models directly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from registry.config import PROJECT_ROOT


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "import-linter is part of the test extra"
    done = subprocess.run([command], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout
