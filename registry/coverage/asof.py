"""The coverage figures as of a date or a commit: what a permanent link to the figures shows.

Only commits of the first-parent history of the records folder are accepted (a date selects
the last of them made that day or before), never an arbitrary revision: the figures at such a
commit never change, so a link to them is permanent. The records and the administrations
committed then are read from git (``ls-tree`` and one ``cat-file --batch`` per folder),
read as ``registry.coverage.past`` reads them (as in the trend) and joined. The
result is kept in memory per commit, and one computation runs at a time per process: the work
a visitor can cause is bounded by the number of commits.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from registry.coverage.past import read_version
from registry.coverage.trend import GitError, commit_log
from registry.records import catalogue as cat
from registry.records.migrate import AdministrationIndex
from registry.records.model import Record, from_checked, summary
from registry.records.validate import check_text
from registry.records.versions import GitError as HistoryError
from registry.records.versions import read_blobs, run_git

SHA = re.compile(r"^[0-9a-f]{7,40}$")
MEMORY = 16  # commits whose records are kept in memory
_LOCK = threading.Lock()
_MEMO: OrderedDict[tuple[str, str], tuple[list[Record], int]] = OrderedDict()


class AsOfError(Exception):
    """The date or commit asked for cannot be shown; the message is in French. `malformed`:
    the request itself is wrong (not a date, not a hash, an ambiguous prefix)."""

    def __init__(self, message: str, malformed: bool = False) -> None:
        super().__init__(message)
        self.malformed = malformed


@dataclass(frozen=True)
class Snapshot:
    """One commit of the records folder."""

    commit: str
    date: str  # ISO 8601 committer date

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def day(self) -> date:
        return date.fromisoformat(self.date[:10])


def _log(data_dir: Path) -> list[Snapshot]:
    try:
        return [Snapshot(sha, stamp) for sha, stamp in commit_log(data_dir)]
    except GitError as exc:
        raise AsOfError(f"historique indisponible : {exc}") from None


def latest(data_dir: Path) -> Snapshot | None:
    """The last commit of the records folder, None without history."""
    try:
        log = _log(data_dir)
    except AsOfError:
        return None
    return log[0] if log else None


def resolve(data_dir: Path, commit: str | None = None, day: str | None = None) -> Snapshot:
    """The commit of a permanent link: given by (a prefix of) its hash, or the last one made on
    or before `day` (AAAA-MM-JJ)."""
    log = _log(data_dir)
    if not log:
        raise AsOfError("les fiches n'ont pas encore d'historique")
    if commit is not None:
        wanted = commit.strip().lower()
        if not SHA.match(wanted):
            raise AsOfError(f"« {commit[:45]} » n'est pas un identifiant de version (7 à 40 "
                            "caractères hexadécimaux)", malformed=True)
        found = [s for s in log if s.commit.startswith(wanted)]
        if len(found) != 1:
            raise AsOfError(f"aucune version des fiches ne porte l'identifiant « {wanted} »"
                            if not found else f"l'identifiant « {wanted} » est ambigu : "
                            "donnez plus de caractères", malformed=bool(found))
        return found[0]
    try:
        asked = date.fromisoformat((day or "").strip())
    except ValueError:
        raise AsOfError(f"« {(day or '')[:20]} » n'est pas une date au format AAAA-MM-JJ",
                        malformed=True) from None
    before = [s for s in log if s.date[:10] <= asked.isoformat()]
    if not before:
        raise AsOfError(f"le registre n'existait pas encore le {asked.isoformat()} : sa "
                        f"première version date du {log[-1].date[:10]}")
    return before[0]


def _files(data_dir: Path, folder: Path, commit: str) -> dict[str, bytes | None]:
    """Contents at `commit` of the ``.md`` files directly in `folder` (relative to git)."""
    top = Path(os.path.realpath(data_dir))
    root = Path(run_git(top, "rev-parse", "--show-toplevel").decode().strip())
    try:
        prefix = Path(os.path.realpath(folder)).relative_to(root).as_posix()
    except ValueError:
        return {}
    listing = run_git(root, "ls-tree", "-z", "--name-only", "--full-name", commit, "--",
                   f"{prefix}/")
    names = [n for n in listing.decode("utf-8", "replace").split("\0")
             if n.endswith(".md") and "/" not in n[len(prefix) + 1:]]
    blobs = read_blobs(root, [f"{commit}:{n}" for n in names])
    return {Path(n).stem: blobs[f"{commit}:{n}"] for n in names}


def _administrations(files: dict[str, bytes | None]) -> dict[str, dict]:
    out = {}
    for ident, raw in sorted(files.items()):
        try:
            checked = check_text(Path(f"{ident}.md"), (raw or b"").decode("utf-8"),
                                 cat.ADMINISTRATION)
        except UnicodeDecodeError:
            continue
        if raw is not None and checked.ok:
            out[ident] = summary(from_checked(checked))
    return out


def records_at(data_dir: Path, administrations: Path, snapshot: Snapshot,
               ) -> tuple[list[Record], int]:
    """The valid records committed at `snapshot`, joined with the administrations of that
    commit, and the number of invalid record files left out."""
    key = (str(Path(data_dir).resolve()), snapshot.commit)
    with _LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
        try:
            files = _files(data_dir, data_dir, snapshot.commit)
            admins = _administrations(_files(data_dir, administrations, snapshot.commit))
        except (GitError, HistoryError) as exc:
            raise AsOfError(f"historique illisible : {exc}") from None
        names = AdministrationIndex(Path(administrations), dry_run=True)
        records = []
        for ident, raw in sorted(files.items()):
            record = read_version(ident, raw, names)
            if record is None:
                continue
            record.admin = admins.get(record.administration_id) or record.admin or {
                "id": record.administration_id, "nom": record.administration_id}
            records.append(record)
        result = (records, len(files) - len(records))
        _MEMO[key] = result
        while len(_MEMO) > MEMORY:
            _MEMO.popitem(last=False)
        return result
