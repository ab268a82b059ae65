"""Build valid record files for tests (small, explicit, based on the catalogue)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from registry.records import catalogue as cat
from registry.text import slugify

ADMIN_ID = "administration-essai"
SOURCE = {"cle": "essai", "url": "https://example.org/source", "titre": "Source d'essai",
          "type": "officielle", "consulte_le": "2026-12-07",
          "extrait": "Un extrait exact de la source d'essai."}
BASE: dict = {
    "schema": cat.SCHEMA_VERSION,
    "nom": "Algorithme d'essai",
    "resume": "Un algorithme fictif utilisé par les tests.",
    "administration": ADMIN_ID,
    "domaine": "social",
    "statut": "deploye",
    "type_technique": "regles",
    "decision_individuelle": "oui",
    "degre_automatisation": "aide_a_la_decision",
    "citations": {"statut": ["essai"]},
    "transparence": {c.key: {"etat": "inconnu", "source": "essai"} for c in cat.CRITERIA},
    "sources": [SOURCE],
}
ADMIN_BASE: dict = {
    "schema": cat.SCHEMA_VERSION,
    "nom": "Administration d'essai",
    "sigle": "AE",
    "type": "etat",
    "adresse": ["1 rue de l'Essai", "75000 Paris"],
    "prada": {"fonction": "Personne responsable de l'accès aux documents administratifs",
              "adresse": ["Service juridique", "1 rue de l'Essai", "75000 Paris"],
              "courriel": "prada@example.gouv.fr", "source": "essai",
              "verifie_le": "2026-12-07"},
    "citations": {"adresse": ["essai"]},
    "sources": [SOURCE],
}


def record_meta(**overrides: object) -> dict:
    """A valid front matter; keyword arguments replace top-level keys (None removes one).

    Sources given without a key get one (``source-1``…) and a consultation date; when the
    test's source « essai » is replaced, what cited it cites the first source instead."""
    meta = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = copy.deepcopy(value)
    sources = meta.get("sources")
    if isinstance(sources, list) and sources:
        for i, source in enumerate(sources, 1):
            if isinstance(source, dict):
                source.setdefault("cle", f"source-{i}")
                source.setdefault("consulte_le", "2026-12-07")
        keys = [x.get("cle") for x in sources if isinstance(x, dict)]
        if "essai" not in keys and keys:
            _recite(meta, keys[0])
    return meta


def _recite(value: object, key: str) -> None:
    """Replace citations of « essai » by `key` (in place)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if v == "essai" and k == "source":
                value[k] = key
            elif v == ["essai"]:
                value[k] = [key]
            elif k != "sources":
                _recite(v, key)
    elif isinstance(value, list):
        for item in value:
            _recite(item, key)


def record_text(meta: dict, body: str | None = None) -> str:
    """The file text; the default body cites every source of the record."""
    if body is None:
        keys = [x.get("cle") for x in meta.get("sources") or [] if isinstance(x, dict)]
        body = "## Description\n\nTexte d'essai" + "".join(f"[^{k}]" for k in keys) + ".\n"
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}"


def administrations_of(folder: Path) -> Path:
    """The administrations folder beside a records folder (as the settings default).

    A records folder directly under pytest's base folder (a bare ``tmp_path``) would share
    its administrations with every other test: refused."""
    parent = Path(folder).parent
    if parent.name.startswith("pytest-") and parent.parent.name.startswith("pytest-of-"):
        raise ValueError(f"write records into a subfolder of {folder} (e.g. tmp_path / "
                         "'algorithms'): its administrations would be shared between tests")
    return parent / "administrations"


def write_administration(folder: Path, ident: str = ADMIN_ID, body: str = "",
                         **overrides: object) -> Path:
    """An administration file in `folder` (the administrations folder itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = copy.deepcopy(ADMIN_BASE)
    for key, value in overrides.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    path = folder / f"{ident}.md"
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def write_record(folder: Path, ident: str, body: str | None = None, **overrides: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    admins = administrations_of(folder)
    if not (admins / f"{ADMIN_ID}.md").exists():
        write_administration(admins)
    admin = overrides.get("administration")
    if isinstance(admin, dict):  # a body given by name: its file is written beside
        admin_id = slugify(str(admin.get("nom", "administration")), 60)
        extra = {k: v for k, v in admin.items() if k in ("type", "siren", "sigle")}
        write_administration(admins, admin_id, nom=admin.get("nom"), **extra)
        overrides["administration"] = admin_id
    path = folder / f"{ident}.md"
    meta = record_meta(**overrides)
    path.write_text(record_text(meta, body) if body is not None else record_text(meta),
                    encoding="utf-8")
    return path


def with_etats(**etats: str) -> dict:
    """A `transparence` mapping: every criterion inconnu except those given."""
    out = {c.key: {"etat": "inconnu", "source": "essai"} for c in cat.CRITERIA}
    for key, etat in etats.items():
        out[key] = {"etat": etat, "source": "essai"}
        if etat in cat.ETATS_WITH_URL:
            out[key]["url"] = f"https://example.org/{key}"
    return out
