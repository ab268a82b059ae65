"""Backups of the contribution queue: `registry submissions export|import`.

The file is strict JSON (UTF-8): ``{"format": "registre-contributions", "version": 1,
"contributions": [...]}``, each contribution with every stored field — private e-mail
addresses included: keep the file private. Importing is idempotent: a contribution whose
tracking token is already in the queue is skipped; ids are kept unless already taken.
Every item is checked before anything is written (one transaction): a bad file changes
nothing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry import jsonout
from registry.contributions.queue import KINDS, MAX_ID, STATUSES, Submission, fix_id_sequence
from registry.rendering import render_markdown

FORMAT = "registre-contributions"
VERSION = 1
MAX_FILE = 100 * 1024 * 1024  # bytes read at most
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TEXT_LIMITS = {"record_id": 120, "name": 200, "email": 200, "base_hash": 64,
               "created_at": 40, "decided_at": 40, "commit": 40, "body": 200_000,
               "message": 20_000, "reason": 20_000, "decided_by": 40, "decided_by_name": 100,
               "source": 20_000, "branch": 200}
FIELDS = ("id", "token", "kind", "record_id", "meta", "body", "message", "name", "email",
          "base_hash", "status", "reason", "created_at", "decided_at", "commit",
          "decided_by", "decided_by_name", "credit", "previous_id", "source", "branch")


class BackupError(Exception):
    """The backup file cannot be read; the message is in French."""


def as_document(engine: Engine) -> dict:
    with Session(engine) as session:
        rows = session.exec(select(Submission).order_by(Submission.id)).all()
        items = [{name: getattr(row, name) for name in FIELDS} for row in rows]
    return {"format": FORMAT, "version": VERSION, "contributions": items}


def export_text(engine: Engine) -> str:
    return jsonout.dumps(as_document(engine), ensure_ascii=False, indent=1) + "\n"


def write_export(engine: Engine, path: Path) -> int:
    """Write the backup atomically; returns the number of contributions."""
    document = as_document(engine)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(jsonout.dumps(document, ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return len(document["contributions"])


def _refuse_constant(name: str) -> float:
    raise ValueError(f"valeur non standard « {name} » refusée (JSON strict)")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"nombre hors limites « {text[:40]} » refusé")
    return value


def read_document(path: Path) -> dict:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise BackupError(f"{path} : fichier trop gros ({size} octets ; "
                              f"{MAX_FILE // (1024 * 1024)} Mio au plus)")
        raw = path.read_bytes()
    except OSError as exc:
        raise BackupError(f"{path} : lecture impossible ({exc.strerror or exc})") from exc
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant,
                              parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise BackupError(f"{path} : le fichier n'est pas en UTF-8") from exc
    except RecursionError as exc:
        raise BackupError(f"{path} : JSON trop profondément imbriqué") from exc
    except ValueError as exc:
        raise BackupError(f"{path} : JSON illisible ({str(exc)[:200]})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} : ce n'est pas une sauvegarde de contributions "
                          f"(« format » : « {FORMAT} » attendu)")
    if document.get("version") != VERSION:
        raise BackupError(f"{path} : version {str(document.get('version'))[:20]} inconnue "
                          f"(version {VERSION} attendue)")
    if not isinstance(document.get("contributions"), list):
        raise BackupError(f"{path} : la clé « contributions » doit être une liste")
    return document


def _check(item: object, n: int) -> list[str]:
    where = f"contribution {n}"
    if not isinstance(item, dict):
        return [f"{where} : un objet est attendu"]
    problems = []
    unknown = set(item) - set(FIELDS)
    if unknown:
        problems.append(f"{where} : clé(s) inconnue(s) {', '.join(sorted(unknown))[:200]}")
    if not isinstance(item.get("token"), str) or not TOKEN_RE.match(item["token"]):
        problems.append(f"{where} : jeton de suivi invalide")
    if item.get("kind") not in KINDS:
        problems.append(f"{where} : type inconnu")
    if item.get("status") not in STATUSES:
        problems.append(f"{where} : statut inconnu")
    ident = item.get("id")
    if ident is not None and (not isinstance(ident, int) or isinstance(ident, bool)
                              or not 0 < ident <= MAX_ID):
        problems.append(f"{where} : numéro invalide")
    if item.get("credit") is not None and not isinstance(item["credit"], bool):
        problems.append(f"{where} : « credit » doit être true ou false")
    previous = item.get("previous_id")
    if previous is not None and (not isinstance(previous, int) or isinstance(previous, bool)
                                 or not 0 < previous <= MAX_ID):
        problems.append(f"{where} : « previous_id » invalide")
    if item.get("meta") is not None and not isinstance(item["meta"], dict):
        problems.append(f"{where} : « meta » doit être un objet")
    for name, limit in TEXT_LIMITS.items():
        value = item.get(name)
        if value is None and name in ("decided_at",):
            continue
        if value is None and name not in ("record_id", "created_at"):
            continue
        if not isinstance(value, str) or len(value) > limit:
            problems.append(f"{where} : « {name} » doit être un texte de {limit} caractères "
                            "au plus")
    return problems


@dataclass
class ImportReport:
    added: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def import_file(engine: Engine, path: Path) -> ImportReport:
    """Add the backup's contributions missing from the queue (all or nothing)."""
    document = read_document(path)
    report = ImportReport()
    items = document["contributions"]
    for n, item in enumerate(items, 1):
        report.problems += _check(item, n)
    if report.problems:
        return report
    with Session(engine) as session:
        tokens = set(session.exec(select(Submission.token)).all())
        taken = set(session.exec(select(Submission.id)).all())
        for item in items:
            if item["token"] in tokens:
                report.skipped += 1
                continue
            values = {name: item[name] for name in FIELDS if item.get(name) is not None}
            if values.get("id") in taken:
                values.pop("id")
            values["body_html"] = render_markdown(values.get("body", "")) \
                if values.get("body") else ""
            session.add(Submission(**values))
            tokens.add(item["token"])
            taken.add(values.get("id"))
            report.added += 1
        session.commit()
    fix_id_sequence(engine)
    return report
