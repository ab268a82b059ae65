"""Past versions of a record, as the coverage history reads them.

A version valid under today's rules is read as such. A version written under schema 1 (before
``registry migrate``) was valid under the rules of its time but not under today's (sources
without keys, administration by name): it still counts in the history of the figures when
every value the figures read is a known one (name, domain, status, technique, individual
decision, the state of each transparency criterion). Its administration is named by the old
record, and identified by the administration file that answers to that name today.
"""

from __future__ import annotations

from pathlib import Path

from registry.records import catalogue as cat
from registry.records.frontmatter import parse
from registry.records.migrate import AdministrationIndex
from registry.records.model import Record, from_checked
from registry.records.validate import check_text
from registry.text import slugify

LEGACY_SCHEMA = 1
_COUNTED_CHOICES = ("domaine", "statut", "type_technique", "decision_individuelle")


def _countable(meta: dict) -> bool:
    if not isinstance(meta.get("nom"), str) or not meta["nom"].strip():
        return False
    for key in _COUNTED_CHOICES:
        if meta.get(key) not in cat.FIELDS_BY_KEY[key].choices:
            return False
    states = meta.get("transparence") or {}
    if not isinstance(states, dict):
        return False
    for key, item in states.items():
        if key not in cat.CRITERIA_BY_KEY or not isinstance(item, dict) \
                or item.get("etat", "inconnu") not in cat.ETATS:
            return False
    return True


def read_version(ident: str, raw: bytes | None,
                 names: AdministrationIndex | None = None) -> Record | None:
    """The record of one past version of ``<ident>.md``, None when it cannot be counted.

    `names`: today's administrations by name, to identify a schema-1 record's administration
    (without it, the slug of the old name)."""
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    checked = check_text(Path(f"{ident}.md"), text)
    if checked.ok:
        return from_checked(checked)
    parsed = parse(text)
    meta = parsed.data
    if parsed.problems or not isinstance(meta, dict) or meta.get("schema") != LEGACY_SCHEMA \
            or not _countable(meta):
        return None
    meta = dict(meta)
    admin = meta.get("administration")
    summary: dict = {}
    if isinstance(admin, dict):
        name = str(admin.get("nom") or "").strip() or "inconnue"
        found = names.find(name) if names is not None else None
        meta["administration"] = found or slugify(name, 60) or "inconnue"
        summary = {"id": meta["administration"], "nom": name, "type": admin.get("type", ""),
                   "siren": str(admin.get("siren") or "")}
    return Record(ident, meta, parsed.body, admin=summary)
