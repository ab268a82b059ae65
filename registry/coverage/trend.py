"""Coverage over time, from the git history of the records folder.

For each month since the first commit touching the folder, the figures of the
last commit of that month (first-parent history, committer date; a month without
commit keeps the previous month's figures). Per-commit summaries are cached in a
JSON file keyed by commit hash, so only new commits are read and parsed. When the
folder has no git history (no git, not a repository, no commit), ``trend`` returns
an unavailable ``Trend`` with a French reason instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from registry.coverage.figures import Figure, applies
from registry.coverage.past import read_version
from registry.records import catalogue as cat
from registry.text import MONTHS

CACHE_VERSION = 2  # 2: schema-1 versions are counted
CACHE_NAME = "coverage-trend.json"
UNAVAILABLE = "historique indisponible"
MAX_HISTORY = 120  # points of the whole history at most (thinned by day, week, month)


class GitError(Exception):
    """A git command failed; the message is in French."""


def month_label(month: str) -> str:
    """``'2025-01'`` -> ``'janvier 2025'``."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def _criteria(tous: dict[str, Figure], applicables: dict[str, Figure]) -> dict:
    """The « criteres » object of a point of the trend or of the history (JSON)."""
    return {k: {"tous": tous[k].as_dict(), "applicables": applicables[k].as_dict()}
            for k in tous}


@dataclass
class TrendPoint:
    mois: str  # YYYY-MM
    commit: str
    total: int
    invalides: int
    tous: dict[str, Figure]
    applicables: dict[str, Figure]

    @property
    def libelle(self) -> str:
        return month_label(self.mois)

    def as_dict(self) -> dict:
        return {"mois": self.mois, "libelle": self.libelle, "commit": self.commit,
                "total": self.total, "fiches_invalides": self.invalides,
                "criteres": _criteria(self.tous, self.applicables)}


@dataclass
class HistoryPoint:
    """The figures right after one commit of the records folder."""

    date: str  # ISO 8601 committer date
    commit: str
    total: int
    invalides: int
    tous: dict[str, Figure]
    applicables: dict[str, Figure]

    @property
    def jour(self) -> str:
        return self.date[:10]

    def as_dict(self) -> dict:
        return {"date": self.date, "commit": self.commit, "total": self.total,
                "fiches_invalides": self.invalides,
                "criteres": _criteria(self.tous, self.applicables)}


@dataclass
class Trend:
    available: bool
    reason: str = ""
    points: list[TrendPoint] = field(default_factory=list)  # one per month
    computed: int = 0  # commits read from git during this call (not found in the cache)
    history: list[HistoryPoint] = field(default_factory=list)  # one per commit (thinned)

    def as_dict(self) -> dict:
        return {"disponible": self.available, "motif": self.reason,
                "points": [p.as_dict() for p in self.points],
                "historique": [h.as_dict() for h in self.history]}


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], input=data, capture_output=True,
                              check=False, timeout=120)
    except FileNotFoundError as exc:
        raise GitError("git n'est pas installé sur ce serveur") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError("la lecture de l'historique git a pris trop de temps") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} a échoué : {message[-1] if message else 'erreur'}")
    return done.stdout


def commit_log(data_dir: Path) -> list[tuple[str, str]]:
    """``(commit, ISO committer date)`` of every first-parent commit touching the folder,
    newest first."""
    log = _git(data_dir, "log", "--first-parent", "--format=%H %cI", "--", ".")
    return [tuple(line.split(" ", 1)) for line in log.decode().splitlines()]  # type: ignore


def month_commits(data_dir: Path, log: list[tuple[str, str]] | None = None,
                  ) -> list[tuple[str, str]]:
    """``(month, commit)`` of the last commit of each month touching the folder, oldest first."""
    latest: dict[str, str] = {}
    for sha, stamp in commit_log(data_dir) if log is None else log:
        latest.setdefault(stamp[:7], sha)  # newest first: keep the first seen per month
    return sorted(latest.items())


def thinned(log: list[tuple[str, str]], limit: int = MAX_HISTORY) -> list[tuple[str, str]]:
    """At most `limit` commits of a log (newest first), oldest first: every commit when few,
    else the last commit of each day, ISO week or month, whichever is the finest that fits;
    the newest commit is always kept."""
    if len(log) <= limit:
        return list(reversed(log))

    def week(stamp: str) -> str:
        year, number, _ = date.fromisoformat(stamp[:10]).isocalendar()
        return f"{year}-W{number:02d}"

    for period in (lambda s: s[:10], week, lambda s: s[:7], lambda s: s[:4]):
        kept: dict[str, tuple[str, str]] = {}
        for sha, stamp in log:
            kept.setdefault(period(stamp), (sha, stamp))
        if len(kept) <= limit:
            break
    return sorted(kept.values(), key=lambda c: c[1])[-limit:]


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _summarise_blob(name: str, raw: bytes) -> dict | None:
    """Per-record summary (etat and applicability of each criterion), None when it cannot be
    counted (see ``registry.coverage.past``)."""
    record = read_version(Path(name).stem, raw)
    if record is None:
        return None
    return {c.key: [record.etat(c.key), applies(record, c)] for c in cat.CRITERIA}


def _read_blobs(top: Path, shas: list[str]) -> dict[str, bytes]:
    out = _git(top, "cat-file", "--batch", data=("\n".join(shas) + "\n").encode())
    blobs, pos = {}, 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        parts = out[pos:header_end].decode().split(" ")
        start = header_end + 1
        if len(parts) != 3:  # "<sha> missing"
            pos = start
            continue
        sha, size = parts[0], parts[2]
        blobs[sha] = out[start:start + int(size)]
        pos = start + int(size) + 1
    return blobs


def summarise_commit(top: Path, prefix: str, commit: str, memo: dict) -> dict:
    """Counts at one commit: total, invalid files, and per criterion etats and applicables."""
    listing = _git(top, "ls-tree", "-z", commit, "--", prefix or ".")
    files = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        info, path = entry.decode("utf-8", "replace").split("\t", 1)
        _mode, kind, sha = info.split(" ")
        name = path[len(prefix):]
        if kind == "blob" and name.endswith(".md") and "/" not in name:
            files.append((name, sha))
    missing = [sha for name, sha in files if (name, sha) not in memo]
    blobs = _read_blobs(top, sorted(set(missing))) if missing else {}
    for name, sha in files:
        if (name, sha) not in memo:
            memo[(name, sha)] = _summarise_blob(name, blobs[sha]) if sha in blobs else None
    valid = [memo[f] for f in files if memo[f] is not None]
    criteres = {}
    for c in cat.CRITERIA:
        etats = dict.fromkeys(cat.ETATS, 0)
        applicable = applicable_published = 0
        for summary in valid:
            etat, is_applicable = summary[c.key]
            etats[etat] = etats.get(etat, 0) + 1
            applicable += is_applicable
            applicable_published += is_applicable and etat == "publie"
        criteres[c.key] = {"etats": etats, "applicables": applicable,
                           "applicables_publie": applicable_published}
    return {"total": len(valid), "invalides": len(files) - len(valid), "criteres": criteres}


def _method_key() -> str:
    text = json.dumps([CACHE_VERSION, list(cat.ETATS),
                       [(c.key, c.crpa_individual) for c in cat.CRITERIA]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load_cache(path: Path | None) -> dict:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("method") != _method_key():
        return {}
    commits = data.get("commits")
    return commits if isinstance(commits, dict) else {}


def _save_cache(path: Path | None, commits: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"method": _method_key(), "commits": commits}),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _figures(summary: dict) -> tuple[dict[str, Figure], dict[str, Figure]]:
    total = summary["total"]
    tous, applicables = {}, {}
    for c in cat.CRITERIA:
        s = summary["criteres"][c.key]
        tous[c.key] = Figure(s["etats"].get("publie", 0), total)
        applicables[c.key] = Figure(s["applicables_publie"], s["applicables"])
    return tous, applicables


def _point(month: str, commit: str, summary: dict) -> TrendPoint:
    return TrendPoint(month, commit, summary["total"], summary["invalides"], *_figures(summary))


def trend(data_dir: Path, cache_dir: Path | None = None, until: date | None = None) -> Trend:
    """Figures at the end of each month from the first commit to ``until`` (default: today,
    or the last commit if later); commits after ``until`` are left out."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return Trend(False, f"{UNAVAILABLE} : le dossier des fiches {data_dir} n'existe pas")
    try:
        top = Path(_git(data_dir, "rev-parse", "--show-toplevel").decode().strip())
        prefix = _git(data_dir, "rev-parse", "--show-prefix").decode().strip()
    except GitError as exc:
        return Trend(False, f"{UNAVAILABLE} : {exc}")
    try:
        _git(data_dir, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return Trend(False, f"{UNAVAILABLE} : le dépôt git n'a encore aucun commit")
    try:
        log = commit_log(data_dir)
    except GitError as exc:
        return Trend(False, f"{UNAVAILABLE} : {exc}")
    if until is not None:
        log = [(sha, stamp) for sha, stamp in log if stamp[:10] <= until.isoformat()]
    commits = month_commits(data_dir, log)
    if not commits:
        return Trend(False, f"{UNAVAILABLE} : aucun commit ne concerne le dossier des fiches")
    cache_path = Path(cache_dir) / CACHE_NAME if cache_dir else None
    cache = _load_cache(cache_path)
    last = until.strftime("%Y-%m") if until else max(commits[-1][0],
                                                     date.today().strftime("%Y-%m"))
    by_month = dict(commits)
    points, history, memo, computed, current = [], [], {}, 0, commits[0][1]

    def summary(commit: str) -> dict:
        nonlocal computed
        key = f"{commit}:{prefix}"
        if key not in cache:
            cache[key] = summarise_commit(top, prefix, commit, memo)
            computed += 1
        return cache[key]

    try:
        for month in _months(commits[0][0], last):
            current = by_month.get(month, current)
            points.append(_point(month, current, summary(current)))
        for sha, stamp in thinned(log):
            s = summary(sha)
            history.append(HistoryPoint(stamp, sha, s["total"], s["invalides"], *_figures(s)))
    except GitError as exc:
        return Trend(False, f"{UNAVAILABLE} : {exc}")
    if computed:
        _save_cache(cache_path, cache)
    return Trend(True, "", points, computed, history)


CSV_TABLES = ("tendance", "historique")  # the trend's CSV tables (figures.CSV_TABLES: the others)


def _columns(tous: dict[str, Figure]) -> dict:
    """n, N and percentage of each criterion (« tous »), as CSV columns."""
    row: dict = {}
    for c in cat.CRITERIA:
        f = tous[c.key]
        row.update({f"{c.key}_n": f.n, f"{c.key}_N": f.N, f"{c.key}_pourcentage": f.pourcentage})
    return row


def csv_rows(result: Trend, table: str = "tendance") -> list[dict]:
    """« tendance »: one row per month (records, then each criterion); « historique »: one
    row per commit of the records folder (with the invalid records)."""
    if table == "historique":
        return [{"date": h.date, "commit": h.commit, "fiches": h.total,
                 "fiches_invalides": h.invalides, **_columns(h.tous)} for h in result.history]
    return [{"mois": p.mois, "commit": p.commit, "fiches": p.total, **_columns(p.tous)}
            for p in result.points]
