"""Facts read from the git history of the records folder."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(folder: Path, *args: str, timeout: float = 60) -> str | None:
    """Output of a git command run in `folder`, or None when git or the history is unavailable."""
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def last_modified(data: Path) -> dict[str, tuple[str, str]]:
    """Record id -> (ISO date, commit hash) of the last commit that touched its file."""
    out = git(data, "log", "--format=%x00%H %cI", "--name-only", "--no-renames", "--", ".")
    result: dict[str, tuple[str, str]] = {}
    if not out:
        return result
    for chunk in out.split("\x00")[1:]:
        head, _, names = chunk.partition("\n")
        commit, _, when = head.partition(" ")
        for name in names.split():
            if name.endswith(".md"):
                result.setdefault(Path(name).stem, (when, commit))
    return result
