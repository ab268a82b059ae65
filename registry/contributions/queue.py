"""Contributions: a moderated queue of proposed records, corrections and error reports.

A submission is stored first, in the state store (``registry.state``: never under the
derived INSTANCE folder, never touched by `registry build`), then everything else is derived
from it: the record file it would produce, its validation, and — once a maintainer accepts
it — the file patched under the records folder (only the changed lines), optionally
committed with git (registry.contributions.gitcommit) or pushed to the forge. Its Markdown
is rendered once, when stored: pages serve the stored HTML. A decision is taken first (a
conditional UPDATE: one decision wins, across processes and replicas), and only the winner
writes the file; a failed write puts the submission back in the queue: nothing is lost.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, Column, Text, func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, select, update

from registry.contributions import gitcommit
from registry.contributions.gitcommit import Forge
from registry.records.diff import body_diff, field_changes
from registry.records.patch import patch_record
from registry.records.validate import Checked, References, check_file, check_text
from registry.records.wording import body_sentence, sentences
from registry.records.writer import record_text, write_text_file
from registry.rendering import render_markdown
from registry.state import StateModel
from registry.state.accounts import Account

KINDS = {"nouvelle": "Proposition d'un nouvel algorithme",
         "correction": "Proposition de correction",
         "signalement": "Signalement d'une erreur"}
STATUSES = {"en_attente": "En attente de relecture", "acceptee": "Acceptée",
            "refusee": "Refusée"}
# The interface's second language (tests/test_i18n_catalogue.py checks none is missing).
KINDS_EN = {"nouvelle": "Proposal of a new algorithm", "correction": "Proposed correction",
            "signalement": "Error report"}
STATUSES_EN = {"en_attente": "Awaiting review", "acceptee": "Accepted", "refusee": "Rejected"}
NOTED = {"fr": "Pris en compte", "en": "Taken into account"}  # an accepted error report
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
    decided_by: str = Field(default="", max_length=40)  # the maintainer's login
    decided_by_name: str = Field(default="", max_length=100)  # their public name, then
    credit: bool | None = Field(default=None)  # the contributor agreed to be credited by name
    previous_id: int | None = Field(default=None, index=True)  # the refused one it revises
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    branch: str = Field(default="", max_length=200)  # where it was published, if not HEAD

    @property
    def kind_label(self) -> str:
        return self.kind_label_for("fr")

    @property
    def status_label(self) -> str:
        return self.status_label_for("fr")

    def kind_label_for(self, lang: str) -> str:
        """The kind of contribution in `lang` (« fr », « en »)."""
        return (KINDS_EN if lang == "en" else KINDS).get(self.kind, self.kind)

    def status_label_for(self, lang: str) -> str:
        """The status in `lang` (an accepted error report is « taken into account »)."""
        if self.kind == "signalement" and self.status == ACCEPTED:
            return NOTED.get(lang, NOTED["fr"])
        return (STATUSES_EN if lang == "en" else STATUSES).get(self.status, self.status)

    @property
    def credited_name(self) -> str:
        """The name to credit publicly (only when the contributor agreed)."""
        return self.name if self.name and self.credit else ""

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
           base_hash: str = "", credit: bool = False, previous_id: int | None = None,
           source: str = "") -> Submission:
    """Store a submission and return it (with its id and tracking token). `previous_id`:
    the refused submission it revises (its thread)."""
    if kind not in KINDS:
        raise SubmissionError(f"type de contribution « {kind} » inconnu")
    sub = Submission(token=secrets.token_urlsafe(18), kind=kind, record_id=record_id,
                     meta=meta, body=body, body_html=render_markdown(body) if body else "",
                     message=message.strip(), name=name.strip(), email=email.strip(),
                     base_hash=base_hash, created_at=_now(),
                     credit=bool(credit and name.strip()), previous_id=previous_id,
                     source=source.strip())
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


def _decide(engine: Engine, sub: Submission, status: str, reason: str,
            by: Account | None) -> None:
    """Take a decision: a conditional UPDATE, so that exactly one decision wins across
    threads, processes and replicas; the loser gets a SubmissionError."""
    decided_at = _now()
    login, name = (by.login, by.public_name) if by else ("", "")
    won = _update(engine, (Submission.id == sub.id, Submission.status == PENDING),
                  status=status, reason=reason, decided_at=decided_at, decided_by=login,
                  decided_by_name=name)
    if won != 1:
        raise SubmissionError(f"la contribution n° {sub.id} a déjà été traitée")
    sub.status, sub.reason, sub.decided_at = status, reason, decided_at
    sub.decided_by, sub.decided_by_name = login, name


def _undo(engine: Engine, sub: Submission) -> None:
    """Put back in the queue a submission whose acceptance could not be carried out."""
    _update(engine, (Submission.id == sub.id, Submission.status == sub.status,
                     Submission.decided_at == sub.decided_at),
            status=PENDING, reason="", decided_at=None, decided_by="", decided_by_name="")
    sub.status, sub.reason, sub.decided_at = PENDING, "", None
    sub.decided_by, sub.decided_by_name = "", ""


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


def reject(engine: Engine, ident: int, reason: str, by: Account | None = None) -> Submission:
    reason = reason.strip()
    if not reason:
        raise SubmissionError("indiquez la raison du refus : elle sera montrée à la personne "
                              "qui a proposé la contribution, qui pourra réviser sa proposition")
    sub = _pending(engine, ident)
    _decide(engine, sub, REJECTED, reason[:MAX_REASON], by)
    return sub


def thread(engine: Engine, sub: Submission, limit: int = 50) -> list[Submission]:
    """The submissions linked by revisions to `sub` (it included), oldest first."""
    first, seen = sub, {sub.id}
    while first.previous_id and len(seen) < limit:
        earlier = get(engine, first.previous_id)
        if earlier is None or earlier.id in seen:
            break
        first = earlier
        seen.add(earlier.id)
    out = [first]
    with Session(engine, expire_on_commit=False) as session:
        while len(out) < limit:
            later = session.exec(select(Submission).where(
                Submission.previous_id == out[-1].id).order_by(Submission.id)).first()
            if later is None or later.id in {s.id for s in out}:
                break
            out.append(later)
    return out


def decisions(engine: Engine, limit: int = 200) -> list[Submission]:
    """The latest decisions, newest first (the decisions log)."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(Submission).where(Submission.status != PENDING)
                                 .order_by(Submission.decided_at.desc())  # type: ignore
                                 .limit(limit)))


@dataclass
class Accepted:
    submission: Submission
    path: Path | None  # the file written in the working tree, if any
    commit: str  # the commit made, if any
    branch: str
    minimal: bool = True  # False: the file was rewritten in canonical form


def proposed_text(sub: Submission, path: Path) -> tuple[str, bool]:
    """The file the submission produces: the current file patched (only the lines of the
    changed values), or the canonical file for a new record; (text, minimal)."""
    try:
        current = path.read_text(encoding="utf-8") if sub.kind == "correction" else ""
    except (OSError, UnicodeDecodeError):
        current = ""
    if not current:
        return sub.text(), True
    patched = patch_record(current, sub.meta or {}, sub.body)
    return patched.text, patched.minimal


def change_lines(sub: Submission, path: Path) -> list[str]:
    """The proposed changes in French, one line each (field by field, then the text)."""
    current = check_file(path) if sub.kind == "correction" and path.is_file() else None
    old = current.meta if current is not None else None
    changes = field_changes(old, sub.meta)
    lines = [str(s) for s in sentences(changes, old, sub.meta)]
    body = body_diff(current.body if current is not None and old is not None else "",
                     sub.body)
    if body:
        lines.append(body_sentence(body))
    return lines


def accept(engine: Engine, data: Path, ident: int, reason: str = "", commit: bool = False,
           branch: str | None = None, force: bool = False, by: Account | None = None,
           site_url: str = "", forge: Forge | None = None) -> Accepted:
    """Accept a submission: decide first, then write its record file (and commit it).

    The decision is a conditional UPDATE: of two maintainers (or a maintainer and a
    command) deciding at once, only the winner writes the file. A failed write puts the
    submission back in the queue. A correction changes only the lines of the fields it
    changes (registry.records.patch). With a `branch` other than the checked-out one, the
    file is committed on that branch without touching the working tree; with a `forge`,
    it is pushed to a new branch of the forge (a read-only checkout is not written)."""
    sub = _pending(engine, ident)
    reason = reason.strip()[:MAX_REASON]
    if not sub.has_file:
        _decide(engine, sub, ACCEPTED, reason, by)
        return Accepted(sub, None, "", "")
    checked = sub.check()
    if not checked.ok:
        raise SubmissionError("la fiche proposée ne passe pas la validation : "
                              + "; ".join(p.message for p in checked.problems if not p.warning))
    path = data / f"{sub.record_id}.md"
    _check_base(sub, path, force)
    text, minimal = proposed_text(sub, path)
    lines = change_lines(sub, path)
    _decide(engine, sub, ACCEPTED, reason, by)
    message = gitcommit.commit_message(
        sub.kind, sub.record_id, sub.id or 0, sub.created_at, lines,
        by.public_name if by else "", reason, sub.message, sub.credited_name, site_url)
    author = gitcommit.Author(by.public_name if by else "Registre",
                              gitcommit.noreply(site_url, by.login if by else "registre"))
    sha, where, wrote = "", "", False
    try:
        if forge is not None:
            where = f"contribution-{sub.id}"
            sha = gitcommit.push_to_forge(data, path, text, message, author, forge, where)
        elif branch or commit:
            sha, where, wrote = gitcommit.commit_file(data, path, text, message, author,
                                                      branch)
        else:
            write_text_file(path, text)
            wrote = True
    except (OSError, gitcommit.GitFailed) as exc:
        _undo(engine, sub)
        detail = exc.strerror or exc if isinstance(exc, OSError) else exc
        raise SubmissionError(f"écriture de {path} impossible ({detail}) ; "
                              "la contribution reste en attente") from exc
    if sha:
        _update(engine, (Submission.id == sub.id,), commit=sha,
                branch=where if forge is not None or not wrote else "")
        sub.commit = sha
        sub.branch = where if forge is not None or not wrote else ""
    return Accepted(sub, path if wrote else None, sha, where, minimal)


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
