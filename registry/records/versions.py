"""Record versions read from git: a file's history, recent changes, diffs between revisions.

Plain Python over the `git` command (log, diff, cat-file --batch). Every failure becomes
a ``GitError`` with a French message; nothing here raises on a folder without history,
callers decide how to show it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from registry.records.diff import CoverageDelta, RecordDiff, coverage_delta, record_diff
from registry.records.model import Record, from_checked
from registry.records.validate import check_paths, check_text
from registry.records.wording import headline, summary_lines

SEP = "\x1f"
MAX_LOG = 200
CO_AUTHOR = re.compile(r"^Co-authored-by:\s*(.+?)\s*(<[^>]*>)?\s*$", re.MULTILINE)


class GitError(Exception):
    """A git command failed; the message is in French."""


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                              check=False, timeout=120)
    except FileNotFoundError as exc:
        raise GitError("git n'est pas installé") from exc
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git est indisponible ({exc})") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} a échoué : {lines[-1] if lines else 'erreur'}")
    return done.stdout


def run_git(cwd: Path, *args: str) -> bytes:
    """Output of a git command run in `cwd`; a ``GitError`` in French when it fails."""
    return _git(cwd, *args)


def prefix(data: Path) -> str:
    """The records folder relative to the repository root, e.g. ``data/algorithms/``."""
    if not Path(data).is_dir():
        raise GitError(f"dossier des fiches {data} introuvable")
    return _git(data, "rev-parse", "--show-prefix").decode().strip()


def verify(data: Path, rev: str) -> str:
    if rev.startswith("-"):
        raise GitError(f"révision « {rev} » invalide")
    try:
        return _git(data, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"révision « {rev} » introuvable dans le dépôt") from None


def read_blobs(data: Path, specs: list[str]) -> dict[str, bytes | None]:
    """Contents of ``REV:path`` specs (None when missing), in one `git cat-file --batch`."""
    if not specs:
        return {}
    out = _git(data, "cat-file", "--batch", data="".join(s + "\n" for s in specs).encode())
    result: dict[str, bytes | None] = {}
    pos = 0
    for spec in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode()
        pos = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            result[spec] = None
            continue
        size = int(header.rsplit(" ", 1)[1])
        result[spec] = out[pos:pos + size]
        pos += size + 1
    return result


def _is_record(name: str, pre: str) -> bool:
    """A record file directly in the records folder (paths relative to the repository)."""
    return name.startswith(pre) and name.endswith(".md") and "/" not in name[len(pre):]


def parse_version(ident: str, raw: bytes | None) -> tuple[Record | None, bool]:
    """(record, valid) of one version of a file; (None, False) when unreadable or absent."""
    if raw is None:
        return None, False
    try:
        checked = check_text(Path(f"{ident}.md"), raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, False
    if checked.meta is None:
        return None, False
    return from_checked(checked), checked.ok


# --- registry diff BASE [HEAD] ------------------------------------------------------------

@dataclass
class RevisionDiff:
    diffs: list[RecordDiff]
    delta: list[CoverageDelta]
    invalid: list[str] = field(default_factory=list)


def _records_at(data: Path, rev: str | None) -> tuple[dict[str, Record], list[str]]:
    """Valid records at a revision (None: the working tree) and the ids of invalid ones."""
    if rev is None:
        results = check_paths([Path(data)])
        return ({r.id: from_checked(r) for r in results if r.ok},
                [r.id for r in results if not r.ok])
    pre = prefix(data)
    names = _git(data, "ls-tree", "-r", "-z", "--name-only", "--full-name", rev, "--", ".")
    paths = [n for n in names.decode().split("\0") if _is_record(n, pre)]
    blobs = read_blobs(data, [f"{rev}:{p}" for p in paths])
    valid, invalid = {}, []
    for p in paths:
        ident = Path(p).stem
        record, ok = parse_version(ident, blobs[f"{rev}:{p}"])
        if record is not None and ok:
            valid[ident] = record
        else:
            invalid.append(ident)
    return valid, invalid


def diff_revisions(data: Path, base: str, head: str | None = None) -> RevisionDiff:
    """Field-level changes of every record between two revisions (head None: working tree)."""
    base_sha = verify(data, base)
    head_sha = verify(data, head) if head else None
    old, old_bad = _records_at(data, base_sha)
    new, new_bad = _records_at(data, head_sha)
    diffs = []
    for ident in sorted(set(old) | set(new) | set(new_bad)):
        if ident in new_bad:
            if ident not in old_bad:
                diffs.append(RecordDiff(ident, "invalide"))
            continue
        d = record_diff(ident, old.get(ident), new.get(ident))
        if d.changes or d.body or d.status != "modifiée":
            diffs.append(d)
    return RevisionDiff(diffs, coverage_delta(old.values(), new.values()), sorted(new_bad))


# --- history of a file, recent changes ---------------------------------------------------

@dataclass
class Version:
    """One commit touching a record file, with what it changed."""

    commit: str
    date: str  # ISO 8601, author date
    author: str  # the author name as recorded in git
    subject: str
    message: str  # the rest of the commit message
    id: str
    diff: RecordDiff
    nom: str = ""
    lines: list[str] = field(default_factory=list)  # what changed, in French

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def title(self) -> str:
        """What changed, in a few French words (never the commit's subject)."""
        return headline(self.diff)

    @property
    def co_authors(self) -> list[str]:
        """The names credited by `Co-authored-by` trailers (contributors who agreed)."""
        return list(dict.fromkeys(m.group(1) for m in CO_AUTHOR.finditer(self.message)))


def _log(data: Path, paths: list[str], limit: int) -> list[tuple[list[str], list[str]]]:
    """(header fields, changed names) per commit, newest first."""
    fmt = f"%x00%H{SEP}%aI{SEP}%an{SEP}%s{SEP}%b{SEP}"
    out = _git(data, "log", f"-n{min(limit, MAX_LOG)}", f"--format={fmt}", "--name-only",
               "--no-renames", "--", *paths).decode("utf-8", "replace")
    entries = []
    for chunk in out.split("\0")[1:]:
        head = chunk.split(SEP)
        names = [n for n in head[5].split("\n") if n.strip()]
        entries.append((head[:5], names))
    return entries


def _versions(data: Path, entries: list[tuple[list[str], str]]) -> list[Version]:
    """Versions for (commit header, file path) pairs: each diffed against its parent."""
    specs = []
    for head, path in entries:
        specs += [f"{head[0]}:{path}", f"{head[0]}^:{path}"]
    blobs = read_blobs(data, list(dict.fromkeys(specs)))
    out = []
    for head, path in entries:
        ident = Path(path).stem
        new, _ = parse_version(ident, blobs.get(f"{head[0]}:{path}"))
        old, _ = parse_version(ident, blobs.get(f"{head[0]}^:{path}"))
        diff = record_diff(ident, old, new)
        lines = summary_lines(diff, old.meta if old else None, new.meta if new else None)
        out.append(Version(head[0], head[1], head[2], head[3], head[4].strip(), ident, diff,
                           diff.nom, lines))
    return out


def file_history(data: Path, ident: str, limit: int = 100) -> list[Version]:
    """The commits that touched ``<ident>.md``, newest first, each with its field-level diff."""
    pre = prefix(data)
    path = f"{pre}{ident}.md"
    entries = [(head, path) for head, _ in _log(data, [f"{ident}.md"], limit)]
    return _versions(data, entries)


def recent_changes(data: Path, limit: int = 50, ids: set[str] | None = None) -> list[Version]:
    """The latest record changes (one entry per commit and record), newest first."""
    pre = prefix(data)
    paths = [f"{i}.md" for i in sorted(ids)] if ids is not None else ["."]
    if ids is not None and not ids:
        return []
    entries = []
    for head, names in _log(data, paths, limit):
        for name in names:
            if _is_record(name, pre):
                entries.append((head, name))
    return _versions(data, entries[:limit])
