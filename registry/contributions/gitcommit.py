"""Git for accepted contributions: a commit with a French message, on the checked-out
branch, on another branch, or pushed to the forge from a read-only checkout.

The message is written from the field-level diff (registry.records.wording), never by
hand: a subject naming the record and what changed, one line per change, the decision
(who, when, why) and, when the contributor gave a name and agreed to be credited, a
`Co-authored-by` trailer. Their private e-mail address is never written: the trailer
carries a non-deliverable address made from the contribution's number.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from registry.text import french_date

MAX_SUBJECT = 72


class GitFailed(Exception):
    """A git command failed; the message is in French."""


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    def env(self) -> dict[str, str]:
        return {"GIT_AUTHOR_NAME": self.name, "GIT_AUTHOR_EMAIL": self.email,
                "GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": self.email}


@dataclass(frozen=True)
class Forge:
    """Where a read-only site proposes accepted changes: a git remote (URL or path), the
    branch merge requests target, and the forge's web address (for the link)."""

    remote: str
    target: str = "main"
    web: str = ""

    @property
    def gitlab(self) -> bool:
        host = urlsplit(self.web).hostname or "" if "://" in self.web else ""
        return "gitlab" in host

    def review_url(self, branch: str) -> str:
        """The forge page that opens (GitHub, Gitea) or shows (GitLab) the merge request."""
        web = self.web.rstrip("/")
        if not web:
            return ""
        if self.gitlab:
            return f"{web}/-/merge_requests?scope=all&source_branch={branch}"
        return f"{web}/compare/{self.target}...{branch}?expand=1"


def git(cwd: Path, *args: str, env: dict | None = None, data: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              input=data, timeout=120, check=False,
                              env={**os.environ, **(env or {})})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitFailed(f"git est indisponible ({exc})") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise GitFailed(f"git {args[0]} a échoué : {lines[-1] if lines else 'erreur'}")
    return done.stdout.strip()


def in_repository(folder: Path) -> bool:
    try:
        return git(folder, "rev-parse", "--is-inside-work-tree") == "true"
    except GitFailed:
        return False


def noreply(site_url: str, local: str) -> str:
    """A non-deliverable address on the site's host (never a person's real address)."""
    host = urlsplit(site_url).hostname if "://" in site_url else ""
    return f"{local}@noreply.{host or 'registre.invalid'}"


def commit_message(kind: str, record_id: str, number: int, proposed_on: str,
                   changes: list[str], decided_by: str, reason: str, message: str,
                   co_author: str, site_url: str) -> str:
    """The French commit message of an accepted contribution."""
    what = {"nouvelle": "Nouvelle fiche", "correction": "Correction de la fiche"}.get(
        kind, "Fiche")
    labels = [c.split(" : ", 1)[0] for c in changes]
    shown = ", ".join(dict.fromkeys(labels))
    subject = f"{what} {record_id}" + (f" : {shown}" if shown and kind != "nouvelle" else "")
    if len(subject) > MAX_SUBJECT:
        subject = subject[:MAX_SUBJECT - 1].rstrip(" ,") + "…"
    co_author = " ".join(co_author.replace("<", "").replace(">", "").split())
    lines = [subject, ""]
    lines += [f"- {' '.join(c.split())}" for c in changes] or ["- Aucun changement de contenu."]
    if message.strip():  # quoted: nothing the contributor writes can pass for a trailer
        lines += ["", "Message de la contribution :"]
        lines += [f"> {line}".rstrip() for line in message.strip().splitlines()]
    if reason.strip():
        lines += ["", "Raison de la décision :"]
        lines += [f"> {line}".rstrip() for line in reason.strip().splitlines()]
    lines += ["", f"Contribution n° {number} proposée le {french_date(proposed_on[:10])}"
              + (f" par {co_author}" if co_author else "") + ", acceptée"
              + (f" par {decided_by}" if decided_by else "") + "."]
    if co_author:
        address = noreply(site_url, f"contribution-{number}")
        lines += ["", f"Co-authored-by: {co_author} <{address}>"]
    return "\n".join(lines) + "\n"


def commit_file(data: Path, path: Path, text: str, message: str, author: Author,
                branch: str | None) -> tuple[str, str, bool]:
    """Commit one record file; returns (commit, branch, whether the working tree changed).

    On the checked-out branch (or without `branch`) the file is written and committed alone
    (other staged changes are left as they are). On another branch (created from HEAD when
    missing) the commit is made with a temporary index, leaving the checkout untouched."""
    from registry.records.writer import write_text_file

    top = Path(git(data, "rev-parse", "--show-toplevel"))
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    current = git(data, "rev-parse", "--abbrev-ref", "HEAD")
    if not branch or branch == current:
        write_text_file(path, text)
        git(top, "add", "--", rel)
        git(top, "commit", "-q", "-m", message, "--only", "--", rel, env=author.env())
        return git(top, "rev-parse", "HEAD"), current, True
    git(top, "check-ref-format", "--branch", branch)
    ref = f"refs/heads/{branch}"
    try:
        parent = git(top, "rev-parse", "--verify", "-q", ref)
    except GitFailed:
        parent = git(top, "rev-parse", "HEAD")
    sha = _commit_object(top, parent, rel, text, message, author, {})
    git(top, "update-ref", ref, sha)
    return sha, branch, False


def _commit_object(top: Path, parent: str, rel: str, text: str, message: str,
                   author: Author, env: dict) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        local = {**env, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        blob = git(top, "hash-object", "-w", "--stdin", data=text, env=local)
        git(top, "read-tree", parent, env=local)
        git(top, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=local)
        tree = git(top, "write-tree", env=local)
    return git(top, "commit-tree", tree, "-p", parent, "-m", message,
               env={**env, **author.env()})


def push_to_forge(data: Path, path: Path, text: str, message: str, author: Author,
                  forge: Forge, branch: str) -> str:
    """Commit the file on a new branch of the forge, from HEAD of a checkout that may be
    read-only: the objects are written in a temporary folder (the checkout's objects are
    only read, as alternates), then pushed. A GitLab forge is asked to open the merge
    request by push options; elsewhere the maintainer follows the review link."""
    top = Path(git(data, "rev-parse", "--show-toplevel"))
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    objects = Path(git(top, "rev-parse", "--path-format=absolute", "--git-path", "objects"))
    parent = git(top, "rev-parse", "HEAD")
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_OBJECT_DIRECTORY": str(Path(tmp) / "objects"),
               "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(objects)}
        (Path(tmp) / "objects").mkdir()
        sha = _commit_object(top, parent, rel, text, message, author, env)
        options: list[str] = []
        if forge.gitlab:
            title = message.splitlines()[0]
            options = ["-o", "merge_request.create", "-o",
                       f"merge_request.target={forge.target}", "-o",
                       f"merge_request.title={title}"]
        git(top, "push", "-q", *options, forge.remote, f"{sha}:refs/heads/{branch}", env=env)
    return sha
