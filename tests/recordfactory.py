"""Build valid record files for tests (small, explicit, based on the catalogue)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from registry.records import catalogue as cat

BASE: dict = {
    "schema": 1,
    "nom": "Algorithme d'essai",
    "resume": "Un algorithme fictif utilisé par les tests.",
    "administration": {"nom": "Administration d'essai", "type": "etat"},
    "domaine": "social",
    "statut": "deploye",
    "type_technique": "regles",
    "decision_individuelle": "oui",
    "degre_automatisation": "aide_a_la_decision",
    "transparence": {c.key: {"etat": "inconnu"} for c in cat.CRITERIA},
    "sources": [{"url": "https://example.org/source", "titre": "Source d'essai",
                 "type": "officielle"}],
}


def record_meta(**overrides: object) -> dict:
    """A valid front matter; keyword arguments replace top-level keys (None removes one)."""
    meta = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return meta


def record_text(meta: dict, body: str = "## Description\n\nTexte d'essai.\n") -> str:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}"


def write_record(folder: Path, ident: str, body: str | None = None, **overrides: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ident}.md"
    meta = record_meta(**overrides)
    path.write_text(record_text(meta, body) if body is not None else record_text(meta),
                    encoding="utf-8")
    return path


def with_etats(**etats: str) -> dict:
    """A `transparence` mapping: every criterion inconnu except those given."""
    out = {c.key: {"etat": "inconnu"} for c in cat.CRITERIA}
    for key, etat in etats.items():
        out[key] = {"etat": etat}
        if etat in cat.ETATS_WITH_URL:
            out[key]["url"] = f"https://example.org/{key}"
    return out
