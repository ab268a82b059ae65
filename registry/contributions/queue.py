"""Contributions: a moderated queue of proposed records, corrections and error reports.

A submission is stored first, in the state store (``registry.state``: never under the
derived INSTANCE folder, never touched by `registry build`), then everything else is derived
from it: the record file it would produce, its validation, and — once a maintainer accepts
it — the file written under the records folder, optionally committed with git. Its Markdown
is rendered once, when stored: pages serve the stored HTML. A decision is taken first (a
conditional UPDATE: one decision wins, across processes and replicas), and only the winner
writes the file; a failed write puts the submission back in the queue: nothing is lost.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, Column, Text, func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, select, update

from registry.records.validate import Checked, References, check_text
from registry.records.writer import record_text, write_record_file
from registry.rendering import render_markdown
from registry.state import StateModel

KINDS = {"nouvelle": "Proposition d'un nouvel algorithme",
         "correction": "Proposition de correction",
         "signalement": "Signalement d'une erreur"}
STATUSES = {"en_attente": "En attente de relecture", "acceptee": "Acceptée",
            "refusee": "Refusée"}
PENDING, ACCEPTED, REJECTED = "en_attente", "acceptee", "refusee"
MAX_REASON = 2000


class SubmissionError(Exception):
    """A submission cannot be decided; the message is in French."""


class Submission(StateModel, table=True):
    """One contribution. Never derived, never rebuilt: the queue is the only copy."""

    __tablename__ = "contribution"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(index=True, unique=True, max_length=64)
    kind: str = Field(max_length=20)
    record_id: str = Field(index=True, max_length=120)
    meta: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    name: str = Field(default="", max_length=200)  # public, optional
    email: str = Field(default="", max_length=200)  # private, optional, never shown publicly
    base_hash: str = Field(default="", max_length=64)  # the record file when proposed
    status: str = Field(default=PENDING, index=True, max_length=20)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: str = Field(max_length=40)
    decided_at: str | None = Field(default=None, max_length=40)
    commit: str = Field(default="", max_length=40)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        if self.kind == "signalement" and self.status == ACCEPTED:
            return "Pris en compte"
        return STATUSES.get(self.status, self.status)

    @property
    def has_file(self) -> bool:
        return self.kind != "signalement" and self.meta is not None

    def text(self) -> str:
        """The record file this submission would produce (canonical key order)."""
        return record_text(self.meta or {}, self.body)

    def check(self, references: References | None = None) -> Checked:
        """The same checks as `registry validate` on the file it would produce."""
        return check_text(Path(f"{self.record_id}.md"), self.text(), references=references)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_hash(path: Path) -> str:
    """sha256 of a record file, or "" when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def create(engine: Engine, kind: str, record_id: str, meta: dict | None = None,
           body: str = "", message: str = "", name: str = "", email: str = "",
           base_hash: str = "") -> Submission:
    """Store a submission and return it (with its id and tracking token)."""
    if kind not in KINDS:
        raise SubmissionError(f"type de contribution « {kind} » inconnu")
    sub = Submission(token=secrets.token_urlsafe(18), kind=kind, record_id=record_id,
                     meta=meta, body=body, body_html=render_markdown(body) if body else "",
                     message=message.strip(), name=name.strip(), email=email.strip(),
                     base_hash=base_hash, created_at=_now())
    with Session(engine, expire_on_commit=False) as session:
        session.add(sub)
        session.commit()
        session.refresh(sub)
    return sub


MAX_ID = 2**63 - 1  # the largest id a database integer holds


def get(engine: Engine, ident: int) -> Submission | None:
    if not 0 < ident <= MAX_ID:
        return None
    with Session(engine, expire_on_commit=False) as session:
        return session.get(Submission, ident)


def by_token(engine: Engine, token: str) -> Submission | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(Submission).where(Submission.token == token)).first()


def queue(engine: Engine, status: str | None = None) -> list[Submission]:
    """Submissions, pending first then newest first."""
    query = select(Submission)
    if status:
        query = query.where(Submission.status == status)
    with Session(engine, expire_on_commit=False) as session:
        rows = list(session.exec(query.order_by(Submission.id.desc())))  # type: ignore[union-attr]
    return sorted(rows, key=lambda s: s.status != PENDING)


def html(engine: Engine, sub: Submission) -> str:
    """The stored HTML of the submission's body (rendered and stored once for a submission
    kept before the HTML was stored)."""
    if sub.body_html or not sub.body:
        return sub.body_html
    sub.body_html = render_markdown(sub.body)
    with Session(engine) as session:
        session.execute(update(Submission).where(Submission.id == sub.id)
                        .values(body_html=sub.body_html))
        session.commit()
    return sub.body_html


def _update(engine: Engine, where: tuple, **values: object) -> int:
    try:
        with Session(engine) as session:
            result = session.execute(update(Submission).where(*where).values(**values))
            session.commit()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise SubmissionError(f"la base d'état est indisponible ({reason}) ; la contribution "
                              "reste en attente") from exc
    return result.rowcount


def _decide(engine: Engine, sub: Submission, status: str, reason: str) -> None:
    """Take a decision: a conditional UPDATE, so that exactly one decision wins across
    threads, processes and replicas; the loser gets a SubmissionError."""
    decided_at = _now()
    won = _update(engine, (Submission.id == sub.id, Submission.status == PENDING),
                  status=status, reason=reason, decided_at=decided_at)
    if won != 1:
        raise SubmissionError(f"la contribution n° {sub.id} a déjà été traitée")
    sub.status, sub.reason, sub.decided_at = status, reason, decided_at


def _undo(engine: Engine, sub: Submission) -> None:
    """Put back in the queue a submission whose acceptance could not be carried out."""
    _update(engine, (Submission.id == sub.id, Submission.status == sub.status,
                     Submission.decided_at == sub.decided_at),
            status=PENDING, reason="", decided_at=None)
    sub.status, sub.reason, sub.decided_at = PENDING, "", None


def fix_id_sequence(engine: Engine) -> None:
    """PostgreSQL: ids inserted explicitly (migration, backup) do not advance the sequence."""
    if engine.dialect.name != "postgresql":
        return
    with Session(engine) as session:
        highest = session.exec(select(func.max(Submission.id))).one() or 1
        session.execute(text("SELECT setval(pg_get_serial_sequence('contribution', 'id'), "
                             ":n)"), {"n": highest})
        session.commit()


def _pending(engine: Engine, ident: int) -> Submission:
    sub = get(engine, ident)
    if sub is None:
        raise SubmissionError(f"aucune contribution n° {ident}")
    if sub.status != PENDING:
        raise SubmissionError(f"la contribution n° {ident} a déjà été traitée "
                              f"({sub.status_label.lower()})")
    return sub


def reject(engine: Engine, ident: int, reason: str) -> Submission:
    reason = reason.strip()
    if not reason:
        raise SubmissionError("indiquez la raison du refus : elle sera montrée à la personne "
                              "qui a proposé la contribution")
    sub = _pending(engine, ident)
    _decide(engine, sub, REJECTED, reason[:MAX_REASON])
    return sub


@dataclass
class Accepted:
    submission: Submission
    path: Path | None  # the file written in the working tree, if any
    commit: str  # the commit made, if any
    branch: str


def accept(engine: Engine, data: Path, ident: int, reason: str = "", commit: bool = False,
           branch: str | None = None, force: bool = False) -> Accepted:
    """Accept a submission: decide first, then write its record file (and commit it).

    The decision is a conditional UPDATE: of two maintainers (or a maintainer and a
    command) deciding at once, only the winner writes the file. A failed write puts the
    submission back in the queue. With a `branch` other than the checked-out one, the
    file is committed on that branch without touching the working tree."""
    sub = _pending(engine, ident)
    reason = reason.strip()[:MAX_REASON]
    if not sub.has_file:
        _decide(engine, sub, ACCEPTED, reason)
        return Accepted(sub, None, "", "")
    checked = sub.check()
    if not checked.ok:
        raise SubmissionError("la fiche proposée ne passe pas la validation : "
                              + "; ".join(p.message for p in checked.problems if not p.warning))
    path = data / f"{sub.record_id}.md"
    _check_base(sub, path, force)
    _decide(engine, sub, ACCEPTED, reason)
    sha, where = "", ""
    try:
        if branch or commit:
            sha, where, wrote = commit_record(data, path, sub, branch)
        else:
            write_record_file(path, sub.meta or {}, sub.body)
            wrote = True
    except (OSError, SubmissionError) as exc:
        _undo(engine, sub)
        detail = exc.strerror or exc if isinstance(exc, OSError) else exc
        raise SubmissionError(f"écriture de {path} impossible ({detail}) ; "
                              "la contribution reste en attente") from exc
    if sha:
        _update(engine, (Submission.id == sub.id,), commit=sha)
        sub.commit = sha
    return Accepted(sub, path if wrote else None, sha, where)


def _check_base(sub: Submission, path: Path, force: bool) -> None:
    if force:
        return
    current = file_hash(path)
    if sub.kind == "nouvelle" and current:
        raise SubmissionError(f"{path} existe déjà : relisez la contribution puis relancez "
                              "avec --force pour la remplacer")
    if sub.kind == "correction" and current != sub.base_hash:
        raise SubmissionError(f"{path} a changé depuis la proposition : relisez la "
                              "contribution puis relancez avec --force pour l'appliquer")


# --- git --------------------------------------------------------------------------------

def _git(cwd: Path, *args: str, env: dict | None = None, data: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              input=data, timeout=60, check=False,
                              env={**os.environ, **(env or {})})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SubmissionError(f"git est indisponible ({exc})") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise SubmissionError(f"git {args[0]} a échoué : {lines[-1] if lines else 'erreur'}")
    return done.stdout.strip()


def commit_message(sub: Submission) -> str:
    subject = {"nouvelle": "Add record", "correction": "Update record"}.get(sub.kind, "Record")
    lines = [f"{subject} {sub.record_id} (contribution #{sub.id})", ""]
    if sub.message.strip():
        lines += [sub.message.strip(), ""]
    lines.append(f"Contribution #{sub.id} submitted on {sub.created_at[:10]}"
                 + (f" by {sub.name}" if sub.name else "") + ".")
    return "\n".join(lines)


def _author_env(sub: Submission) -> dict:
    return {"GIT_AUTHOR_NAME": sub.name, "GIT_AUTHOR_EMAIL": ""} if sub.name else {}


def commit_record(data: Path, path: Path, sub: Submission,
                  branch: str | None) -> tuple[str, str, bool]:
    """Commit the submission's file; returns (commit, branch, whether the working tree changed).

    On the checked-out branch (or without `branch`) the file is written and committed alone
    (other staged changes are left as they are). On another branch (created from HEAD when
    missing) the commit is made with a temporary index, leaving the checkout untouched."""
    top = Path(_git(data, "rev-parse", "--show-toplevel"))
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    current = _git(data, "rev-parse", "--abbrev-ref", "HEAD")
    message = commit_message(sub)
    if not branch or branch == current:
        write_record_file(path, sub.meta or {}, sub.body)
        _git(top, "add", "--", rel)
        _git(top, "commit", "-q", "-m", message, "--only", "--", rel, env=_author_env(sub))
        return _git(top, "rev-parse", "HEAD"), current, True
    _git(top, "check-ref-format", "--branch", branch)
    ref = f"refs/heads/{branch}"
    try:
        parent = _git(top, "rev-parse", "--verify", "-q", ref)
    except SubmissionError:
        parent = _git(top, "rev-parse", "HEAD")
    blob = _git(top, "hash-object", "-w", "--stdin", data=sub.text())
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), **_author_env(sub)}
        _git(top, "read-tree", parent, env=env)
        _git(top, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=env)
        tree = _git(top, "write-tree", env=env)
    sha = _git(top, "commit-tree", tree, "-p", parent, "-m", message, env=_author_env(sub))
    _git(top, "update-ref", ref, sha)
    return sha, branch, False
