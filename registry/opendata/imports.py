"""Imports: a spreadsheet register (ODAP, Etalab or custom columns) or our own JSON → records.

Every imported record goes through the same validator as `registry validate`;
rows that cannot be mapped are reported with their line number, and no existing
file is overwritten without `force`. A row is first read as a schema-1 record (the
spreadsheet's flat columns), then converted by the same code as `registry migrate`: its
administration becomes the id of an administration file (created, with the register as its
source, when no file answers to its name), its source gets a key, and the body says where the
record comes from, citing it.

Any input is refused cleanly, with bounded memory: files over MAX_FILE bytes, cells over
MAX_FIELD characters, JSON that is not strict (NaN, Infinity, 1e999) or nested too deep,
mapping files with YAML aliases or of the wrong shape; amounts must be finite and
non-negative numbers. A cell escaped against formula injection by our own CSV exports
(``'=…``) is read back without its quote.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from registry.opendata.crosswalks import (
    DEFAULTS,
    MAX_FILE,
    REGISTRE,
    TRI_STATE,
    ImportError_,
    Mapping,
    _h,
    _read,
)
from registry.opendata.exports import LIST_SEPARATOR
from registry.records import catalogue as cat
from registry.records.migrate import AdministrationIndex, Report, migrate_meta
from registry.records.model import default_administrations
from registry.records.validate import ID_RE, References, check_text, ids_in, valid_url
from registry.records.writer import record_text, write_record_file, write_text_file
from registry.spreadsheet import unescape
from registry.text import parse_amount, slugify

MAX_FIELD = 1024 * 1024  # characters of one CSV cell
MAX_ROWS = 100_000

@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "ligne N : message"


def read_table(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file (any usual delimiter and encoding) with their line numbers."""
    raw = _read(path, MAX_FILE)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    header = text.split("\n", 1)[0]
    # the delimiter is the header's most frequent candidate (sniffing a sample of the
    # rows mistakes quoted multi-line cells for the structure)
    counts = {d: header.count(d) for d in ",;\t"}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","

    class dialect(csv.excel):  # noqa: N801
        pass

    dialect.delimiter = delimiter
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        for row in reader:
            if reader.line_num > MAX_ROWS:
                raise ImportError_(f"{path} : plus de {MAX_ROWS} lignes")
            yield reader.line_num, {unescape((k or "").strip()): unescape((v or "").strip())
                                    for k, v in row.items() if isinstance(v, str)}
    except csv.Error as exc:
        raise ImportError_(f"{path} : ligne {reader.line_num} illisible (cellule de plus de "
                           f"{MAX_FIELD} caractères ou guillemets mal fermés : {exc})") from exc
    finally:
        csv.field_size_limit(previous)


def _set(meta: dict, path: str, value: object) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        meta = meta.setdefault(part, {})
    meta[parts[-1]] = value


def field_for(path: str) -> cat.Field | None:
    """The catalogue field of a dotted column name (keys of state maps are skipped)."""
    fields, found, parts = cat.FIELDS, None, path.split(".")
    i = 0
    while i < len(parts):
        found = next((f for f in fields if f.key == parts[i]), None)
        if found is None:
            return None
        if found.type == cat.ETAT_MAP and i + 1 < len(parts):
            i += 1  # the criterion or obligation key
        fields, i = found.children, i + 1
    return found


def _convert(path: str, text: str, mapping: Mapping, source_url: str) -> object:
    """A cell's text as the value the field expects."""
    f = field_for(path)
    if path in mapping.values:
        text = mapping.values[path].get(_h(text), text)
    if path.startswith("transparence.") and path.count(".") == 1 and mapping is not REGISTRE:
        etat = TRI_STATE.get(_h(text).replace(" ", "_"), "inconnu")
        item: dict = {"etat": etat}
        if etat in cat.ETATS_WITH_URL:
            item.update(url=source_url, note="État repris du registre importé ; "
                                             "lien de preuve à préciser.")
        return item
    if f is None:
        return text
    if f.type == cat.CITATIONS:
        return strict_json(text)
    if f.type == cat.CITE:
        keys = [k.strip() for k in text.split(LIST_SEPARATOR.strip()) if k.strip()]
        return keys[0] if len(keys) == 1 else keys
    if f.type == cat.OBJECT_LIST:
        if text.startswith("["):
            return strict_json(text)
        key = f.children[0].key
        return [{key: part} for part in text.split(LIST_SEPARATOR) if part.strip()]
    if f.type == cat.TEXT_LIST:
        return [p for p in text.split(LIST_SEPARATOR) if p.strip()]
    if f.type == cat.NUMBER:
        return amount(text)
    if f.type == cat.INT:
        return int(text)
    if f.type == cat.BOOL:
        return text.lower() in ("true", "oui", "1")
    if f.type == cat.ENUM:
        return text if text in f.choices else _h(text).replace(" ", "_")
    return text


def row_to_record(row: dict[str, str], mapping: Mapping, source_url: str, source_title: str
                  ) -> tuple[str, dict, str]:
    """(id, front matter, body) of one spreadsheet row; raises ValueError when unmappable.
    A row without a `schema` column is read as schema 1 (``Importer.convert`` turns it into
    schema 2); the registry's own CSV carries its schema."""
    meta: dict = {}
    body_parts: list[str] = []
    wanted = {_h(b) for b in mapping.body}
    for header, text in row.items():
        if not text:
            continue
        target = mapping.columns.get(_h(header))
        if _h(header) in wanted:
            body_parts.append(f"## {header}\n\n{text}")
        if target is None or target == "corps_markdown":
            continue
        if target == "budget.montant_eur":
            meta.setdefault("budget", []).append({"montant_eur": amount(text),
                                                  "periode": "inconnue",
                                                  "nature": "montant repris du registre importé",
                                                  "source": source_url})
            continue
        if target == "fondement_juridique" and not text.startswith("["):
            meta["fondement_juridique"] = [{"titre": text}]
            continue
        if target in ("page_officielle", "contact_prada") and not (valid_url(text) or "@" in text):
            body_parts.append(f"## {header}\n\n{text}")
            continue
        _set(meta, target, _convert(target, text, mapping, source_url))
    if not meta.get("nom"):
        raise ValueError("pas de nom d'algorithme dans cette ligne")
    if "resume" in meta and len(meta["resume"]) > 400:
        body_parts.insert(0, f"## Finalité\n\n{meta['resume']}")
        meta["resume"] = meta["resume"][:397].rsplit(" ", 1)[0] + "…"
    meta.setdefault("resume", meta["nom"])
    for path, value in {**DEFAULTS, **mapping.defaults}.items():
        if _get(meta, path) is None and not (path.startswith("administration.")
                                             and isinstance(meta.get("administration"), str)):
            _set(meta, path, value)
    meta.setdefault("schema", 1)
    admin = meta.get("administration")
    name = admin.get("nom") if isinstance(admin, dict) else admin
    if not name:
        raise ValueError("pas d'administration dans cette ligne")
    meta.setdefault("sources", [{"url": source_url, "titre": source_title, "type": "autre",
                                 "consulte_le": date.today().isoformat()}])
    ident = str(meta.pop("id", "") or "")
    if not ID_RE.match(ident):
        ident = slugify(f"{str(name)[:30]} {meta['nom']}", 70)
    body = row.get("corps_markdown") or "\n\n".join(body_parts)
    return ident, meta, body


def amount(text: str) -> int | float:
    """A finite, non-negative amount in figures (registry.text.parse_amount)."""
    return parse_amount(text)


def _refuse_constant(name: str) -> object:
    raise ValueError(f"valeur non standard « {name} » refusée (JSON strict)")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"nombre hors limites « {text[:40]} » refusé")
    return number


def strict_json(text: str) -> object:
    """JSON as RFC 8259 says: no NaN, Infinity nor numbers beyond the float range."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError as exc:
        raise ValueError("JSON trop profondément imbriqué") from exc


def _negative_amounts(meta: dict) -> list[str]:
    """Amounts of a record that are not finite non-negative numbers."""
    problems = []
    for i, item in enumerate(meta.get("budget") or [] if isinstance(meta, dict) else []):
        value = item.get("montant_eur") if isinstance(item, dict) else None
        if isinstance(value, bool) or value is None:
            continue
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems.append(f"budget[{i}].montant_eur : montant « {str(value)[:40]} » "
                            "invalide (un nombre positif est attendu)")
    return problems


def _get(meta: dict, path: str) -> object:
    value: object = meta
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class Importer:
    """Converts and stores imported records in a records folder and its administrations
    folder; an administration file is written only with the first valid record citing it."""

    def __init__(self, data: Path, administrations: Path | None, force: bool) -> None:
        self.data, self.force = data, force
        self.admins_folder = administrations or default_administrations(data)
        self.admins = AdministrationIndex(self.admins_folder, dry_run=True)
        self.pending: dict[str, tuple[Path, str]] = {}  # id -> (file, text) not yet written
        self.report = ImportReport()
        self.seen: set[str] = set()

    def convert(self, meta: dict, body: str) -> tuple[dict, str]:
        if meta.get("schema") != 1:
            return meta, body
        migration = Report()
        meta, body = migrate_meta(meta, body, self.admins, migration)
        for path in migration.created_administrations:
            ident = path.stem
            self.pending.setdefault(ident, (path, _admin_text(meta, ident)))
        sources = meta.get("sources") or []
        if sources and sources[0].get("cle"):
            body = (f"Fiche importée : {sources[0].get('titre', '')}[^{sources[0]['cle']}].\n\n"
                    + body).strip() + "\n"
        return meta, body

    def store(self, where: str, ident: str, meta: dict, body: str) -> None:
        base, n = ident, 2
        while ident in self.seen:
            ident, n = f"{base}-{n}", n + 1
        self.seen.add(ident)
        target = self.data / f"{ident}.md"
        known = (ids_in(self.admins_folder) or frozenset()) | frozenset(self.pending)
        try:
            checked = check_text(target, record_text(meta, body), references=References(known))
        except (ValueError, TypeError, RecursionError, yaml.YAMLError) as exc:
            self.report.problems.append(f"{where} ({ident}) : fiche impossible à écrire "
                                        f"({str(exc)[:200]})")
            return
        errors = _negative_amounts(meta) + [p.message for p in checked.problems
                                            if not p.warning]
        if errors:
            self.report.problems += [f"{where} ({ident}) : {message}" for message in errors]
            return
        if target.exists() and not self.force:
            self.report.problems.append(f"{where} : {target} existe déjà (--force pour le "
                                        "remplacer)")
            return
        admin = meta.get("administration")
        if admin in self.pending:
            path, text = self.pending.pop(admin)
            write_text_file(path, text)
            self.report.written.append(path)
        write_record_file(target, meta, body)
        self.report.written.append(target)


def _admin_text(meta: dict, ident: str) -> str:
    """The administration file created for an imported record (its name, its source)."""
    source = dict((meta.get("sources") or [{}])[0])
    return record_text({"schema": cat.SCHEMA_VERSION, "nom": ident, "type": "autre",
                        "sources": [source], "citations": {"type": [source.get("cle")]}},
                       "", cat.ADMINISTRATION)


def import_csv(path: Path, mapping: Mapping, data: Path, source_url: str,
               force: bool = False, administrations: Path | None = None) -> ImportReport:
    importer = Importer(data, administrations, force)
    rows = 0
    try:
        for line, row in read_table(path):
            rows += 1
            try:
                ident, meta, body = row_to_record(row, mapping, source_url,
                                                  f"Registre importé ({path.name})")
                admin = meta.get("administration")
                admin = admin if isinstance(admin, dict) else {}
                names = {"nom": admin.get("nom", ""), "type": admin.get("type", "autre"),
                         "siren": admin.get("siren")}
                meta, body = importer.convert(meta, body)
                _name_pending(importer, meta, names)
            except (ValueError, TypeError, AttributeError) as exc:
                importer.report.problems.append(f"ligne {line} : {str(exc)[:300]}")
                continue
            importer.store(f"ligne {line}", ident, meta, body)
    except ImportError_ as exc:
        importer.report.problems.append(str(exc))
    if not rows and not importer.report.problems:
        importer.report.problems.append(f"{path} : aucune ligne de données (fichier vide ou "
                                        "sans en-tête)")
    return importer.report


def _name_pending(importer: Importer, meta: dict, names: dict) -> None:
    """Give a pending administration file its real name, type and SIREN."""
    ident = meta.get("administration")
    if ident not in importer.pending:
        return
    path, _ = importer.pending[ident]
    source = dict((meta.get("sources") or [{}])[0])
    admin = {"schema": cat.SCHEMA_VERSION, "nom": names["nom"] or ident,
             "alias": [names["nom"]] if names["nom"] else [],
             "type": names["type"] if names["type"] in cat.ADMINISTRATION_TYPES else "autre",
             "sources": [source], "citations": {"type": [source.get("cle")]}}
    if names.get("siren"):
        admin["siren"] = str(names["siren"])
    importer.pending[ident] = (path, record_text(admin, "", cat.ADMINISTRATION))


def import_json(path: Path, data: Path, force: bool = False,
                administrations: Path | None = None) -> ImportReport:
    """Re-import the registry's own JSON export (an array of full records)."""
    importer = Importer(data, administrations, force)
    try:
        items = strict_json(_read(path, MAX_FILE).decode("utf-8"))
    except ImportError_ as exc:
        importer.report.problems.append(str(exc))
        return importer.report
    except UnicodeDecodeError:
        importer.report.problems.append(f"{path} : le fichier n'est pas en UTF-8")
        return importer.report
    except ValueError as exc:
        importer.report.problems.append(f"{path} : JSON illisible ({str(exc)[:200]})")
        return importer.report
    if not isinstance(items, list):
        importer.report.problems.append(f"{path} : un tableau JSON de fiches est attendu")
        return importer.report
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not ID_RE.match(str(item.get("id", ""))):
            importer.report.problems.append(f"élément {i} : fiche sans identifiant valide")
            continue
        meta = {k: v for k, v in item.items()
                if k not in ("id", "url", "licence", "siren", "corps_markdown",
                             "administration_detail")}
        body = item.get("corps_markdown", "")
        if not isinstance(body, str):
            importer.report.problems.append(f"élément {i} : « corps_markdown » doit être un "
                                            "texte")
            continue
        try:
            meta, body = importer.convert(meta, body)
        except (ValueError, TypeError, AttributeError) as exc:
            importer.report.problems.append(f"élément {i} : {str(exc)[:300]}")
            continue
        importer.store(f"élément {i}", item["id"], meta, body)
    return importer.report
