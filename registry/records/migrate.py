"""`registry migrate`: rewrite schema-1 records in schema 2 (docs/schema-changelog.md).

What changes, mechanically and without inventing anything:

* ``administration: {nom, siren, type}`` becomes ``administration: <id>``, the id of a file of
  the administrations folder whose ``nom``, ``sigle`` or ``alias`` is the old name; when none
  matches, an administration file is created (name, type, SIREN, the old name as alias, and
  the record's first source as its source, which establishes that the body runs the system);
* every source gets a key (``cle``) derived from its host and year, and its type is refined
  by host (Légifrance → texte_juridique, Parliament → parlement, Cour des comptes, CNIL,
  Défenseur des droits → controle);
* URL values that pointed at a source (``criteres[].source``, ``budget[].source``) become
  its key; evaluations and transparency states whose URL is a source cite its key;
* ``donnees[].source`` (a provenance) becomes ``donnees[].provenance``;
* the free-text ``recours`` and ``contact_prada`` of schema 1 move into the body, in a
  section « Contester une décision » (the structured path is then written by hand).

Body citations ``[^cle]`` cannot be derived: they are written during the re-verification
of each record; the validator lists the sources nothing cites yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from registry.records import catalogue as cat
from registry.records.frontmatter import parse
from registry.records.writer import record_text, write_text_file
from registry.text import fold, slugify

_HOST_TYPES = (
    (("legifrance.gouv.fr", "eur-lex.europa.eu", "journal-officiel.gouv.fr"), "texte_juridique"),
    (("assemblee-nationale.fr", "senat.fr"), "parlement"),
    (("ccomptes.fr", "cnil.fr", "defenseurdesdroits.fr", "cncdh.fr", "cnctr.fr", "igf.finances"
      ".gouv.fr", "igas.gouv.fr"), "controle"),
    (("conseil-etat.fr", "conseil-constitutionnel.fr", "courdecassation.fr"), "decision_justice"),
    (("cada.fr", "cada.data.gouv.fr"), "cada"),
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_GENERIC_HOST_PARTS = {"www", "fr", "com", "org", "net", "eu", "gouv", "info", "io", "m", "amp"}


@dataclass
class Report:
    """What a migration did, for the command's summary."""

    migrated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    created_administrations: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def refined_type(url: str, current: str) -> str:
    name = host(url)
    for hosts, kind in _HOST_TYPES:
        if any(name == h or name.endswith("." + h) for h in hosts):
            return kind
    return current if current in cat.SOURCE_TYPES else "autre"


def _stem(url: str) -> str:
    parts = [p for p in host(url).split(".") if p and p not in _GENERIC_HOST_PARTS]
    return slugify(parts[-1] if parts else "source", 24) or "source"


def source_key(source: dict, taken: set[str]) -> str:
    year = _YEAR.search(f"{source.get('titre', '')} {source.get('url', '')}")
    base = _stem(str(source.get("url", ""))) + (f"-{year.group(1)}" if year else "")
    key, n = base[: cat.KEY_MAX], 2
    while key in taken:
        key = f"{base[: cat.KEY_MAX - 4]}-{n}"
        n += 1
    taken.add(key)
    return key


class AdministrationIndex:
    """Administration files by every name they answer to (nom, sigle, alias), folded."""

    def __init__(self, folder: Path, dry_run: bool = False) -> None:
        self.folder = folder
        self.dry_run = dry_run
        self.by_name: dict[str, str] = {}
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            data = parse(path.read_text(encoding="utf-8")).data
            if not isinstance(data, dict):
                continue
            for name in [data.get("nom"), data.get("sigle"), *(data.get("alias") or [])]:
                if isinstance(name, str) and name.strip():
                    self.by_name.setdefault(fold(name), path.stem)

    def find(self, name: str) -> str | None:
        return self.by_name.get(fold(name))

    def create(self, admin: dict, source: dict | None, report: Report) -> str:
        name = str(admin.get("nom") or "administration")
        ident = slugify(name, 60) or "administration"
        n = 2
        while (self.folder / f"{ident}.md").exists():
            ident, n = f"{slugify(name, 56)}-{n}", n + 1
        meta: dict = {"schema": cat.SCHEMA_VERSION, "nom": name, "alias": [name],
                      "type": admin.get("type", "autre")}
        if admin.get("siren"):
            meta["siren"] = str(admin["siren"])
        if source:
            copied = {k: v for k, v in source.items() if k in
                      ("cle", "url", "titre", "type", "date", "consulte_le", "extrait")}
            meta["sources"] = [copied]
            meta["citations"] = {"type": [copied["cle"]]}
        path = self.folder / f"{ident}.md"
        if not self.dry_run:
            write_text_file(path, record_text(meta, "", cat.ADMINISTRATION))
        self.by_name[fold(name)] = ident
        report.created_administrations.append(path)
        return ident


def migrate_meta(meta: dict, body: str, admins: AdministrationIndex,
                 report: Report) -> tuple[dict, str]:
    """The schema-2 front matter and body of a schema-1 record."""
    meta = dict(meta)
    meta["schema"] = cat.SCHEMA_VERSION
    taken: set[str] = set()
    by_url: dict[str, str] = {}
    sources = []
    for source in meta.get("sources") or []:
        if not isinstance(source, dict):
            continue
        source = dict(source)
        source["cle"] = source_key(source, taken)
        source["type"] = refined_type(str(source.get("url", "")), str(source.get("type", "")))
        by_url.setdefault(str(source.get("url", "")), source["cle"])
        sources.append(source)
    meta["sources"] = sources

    def key_for(url: object, context: str) -> str | None:
        if not isinstance(url, str) or not url:
            return None
        if url not in by_url:
            source = {"url": url, "titre": host(url) or url, "type": refined_type(url, "autre")}
            if sources and sources[0].get("consulte_le"):
                source["consulte_le"] = sources[0]["consulte_le"]
            source["cle"] = source_key(source, taken)
            sources.append(source)
            by_url[url] = source["cle"]
            report.problems.append(f"{context} : l'adresse {url} n'était pas dans les sources ; "
                                   "ajoutée (titre à compléter)")
        return by_url[url]

    for item in meta.get("criteres") or []:
        if isinstance(item, dict) and isinstance(item.get("source"), str) \
                and item["source"].startswith("http"):
            item["source"] = key_for(item["source"], "criteres")
    for item in meta.get("budget") or []:
        if isinstance(item, dict) and isinstance(item.get("source"), str) \
                and item["source"].startswith("http"):
            item["source"] = key_for(item["source"], "budget")
    for item in meta.get("evaluations") or []:
        if isinstance(item, dict) and item.get("url") in by_url:
            item["source"] = by_url[item["url"]]
    for item in (meta.get("transparence") or {}).values():
        if isinstance(item, dict) and item.get("url") in by_url:
            item["source"] = by_url[item["url"]]
    for item in meta.get("donnees") or []:
        if isinstance(item, dict) and "source" in item:
            item["provenance"] = item.pop("source")
    admin = meta.get("administration")
    if isinstance(admin, dict):
        name = str(admin.get("nom", ""))
        meta["administration"] = admins.find(name) or admins.create(
            admin, sources[0] if sources else None, report)
    extra = []
    if isinstance(meta.get("recours"), str):
        extra.append(meta.pop("recours"))
    if meta.get("contact_prada"):
        extra.append(f"Contact de la personne responsable de l'accès aux documents indiqué "
                     f"dans la version précédente de la fiche : {meta.pop('contact_prada')}")
    meta.pop("contact_prada", None)
    if extra:
        body = body.rstrip("\n") + "\n\n## Contester une décision\n\n" + "\n\n".join(extra)
    return meta, body


def migrate_file(path: Path, admins: AdministrationIndex, report: Report,
                 dry_run: bool = False) -> None:
    text = path.read_text(encoding="utf-8")
    parsed = parse(text)
    if parsed.problems or not isinstance(parsed.data, dict):
        report.problems.append(f"{path}:1: illisible, non migré : "
                               + "; ".join(m for _, m in parsed.problems[:3]))
        return
    if parsed.data.get("schema") == cat.SCHEMA_VERSION:
        report.unchanged.append(path)
        return
    if parsed.data.get("schema") != 1:
        report.problems.append(f"{path}:1: version de schéma « {parsed.data.get('schema')} » "
                               "inconnue, non migré")
        return
    meta, body = migrate_meta(parsed.data, parsed.body, admins, report)
    if not dry_run:
        write_text_file(path, record_text(meta, body))
    report.migrated.append(path)


def migrate(algorithms: Path, administrations: Path, dry_run: bool = False) -> Report:
    """Migrate every record of a folder; administration files are created as needed."""
    report = Report()
    if not dry_run:
        administrations.mkdir(parents=True, exist_ok=True)
    admins = AdministrationIndex(administrations, dry_run)
    for path in sorted(Path(algorithms).glob("*.md")):
        migrate_file(path, admins, report, dry_run)
    return report
