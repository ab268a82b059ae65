"""Open-data exports, derived from the catalogue: JSON, CSV, ODAP-compatible CSV, Dutch crosswalk
and the « tableur » CSV for spreadsheets (labels, semicolons, byte-order mark).

Every row carries the record id, its URL, the administration's id, name and SIREN (joined
from its administration record), the schema version and the data licence. Column orders
are stable: they are generated from the catalogue, and documented in docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from registry import jsonout
from registry.records import catalogue as cat
from registry.records.model import Record
from registry.spreadsheet import write_csv

LICENCE = "Licence Ouverte 2.0 (Etalab) — https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMATS = ("json", "csv", "tableur-csv", "odap-csv", "nl-csv")
FILE_NAMES = {"json": "algorithmes.json", "csv": "algorithmes.csv",
              "tableur-csv": "algorithmes-tableur.csv",
              "odap-csv": "algorithmes-odap.csv", "nl-csv": "algorithmes-nl-v1.csv"}
# Written beside the files above, from the whole registry (registry.build.export_files).
WORKBOOK, DATAPACKAGE = "algorithmes.xlsx", "datapackage.json"
# The high-risk systems in the EU database's shape (registry.opendata.eudb writes them).
EUDB_FILE_NAMES = {"eudb-csv": "ia-haut-risque-base-ue.csv",
                   "eudb-json": "ia-haut-risque-base-ue.json"}
DOWNLOADS = (*FILE_NAMES.values(), WORKBOOK, DATAPACKAGE, *EUDB_FILE_NAMES.values())
SPREADSHEET_DELIMITER = ";"
LIST_SEPARATOR = " | "

EXPORTS = "exports"  # the exports folder under the instance folder


def record_url(site_url: str, ident: str) -> str:
    return f"{site_url.rstrip('/')}/algorithmes/{ident}"


def _siren(record: Record) -> str:
    return str(record.admin.get("siren") or "")


def admin_columns(record: Record) -> dict[str, str]:
    """The administration's stable id, name and SIREN, on every row of every export."""
    return {"administration": record.administration_id,
            "administration_nom": record.administration_name,
            "administration_siren": _siren(record)}


# --- JSON ---------------------------------------------------------------------------------

def as_json_item(record: Record, site_url: str) -> dict:
    """A full record: identification, then the front matter, then the Markdown body."""
    return {"id": record.id, "url": record_url(site_url, record.id),
            "schema": cat.SCHEMA_VERSION, "licence": LICENCE, "siren": _siren(record),
            **{k: v for k, v in record.meta.items() if k != "schema"},
            "administration_detail": dict(record.admin), "corps_markdown": record.body}


def export_json(records: Iterable[Record], site_url: str) -> str:
    items = [as_json_item(r, site_url) for r in records]
    return jsonout.dumps(items, ensure_ascii=False, indent=1) + "\n"


# --- CSV (one row per record, every field) ------------------------------------------------

def _flat(f: cat.Field, prefix: str) -> list[tuple[str, cat.Field]]:
    """(column, field) pairs of one field: objects and state maps are spread out."""
    if f.type == cat.OBJECT:
        return [pair for c in f.children for pair in _flat(c, f"{prefix}{f.key}.")]
    if f.type == cat.ETAT_MAP:
        return [(f"{prefix}{f.key}.{k}.{sub.key}", sub) for k in f.keys for sub in f.children]
    return [(f"{prefix}{f.key}", f)]


def csv_fields() -> list[tuple[str, cat.Field | None]]:
    """Stable column order: identification, then the catalogue's fields in order."""
    cols: list[tuple[str, cat.Field | None]] = [
        (c, None) for c in ("id", "url", "schema", "licence", "administration",
                            "administration_nom", "administration_siren")]
    for f in cat.FIELDS:
        if f.key not in ("schema", "administration"):
            cols += _flat(f, "")
    return cols + [("corps_markdown", None)]


def csv_columns() -> list[str]:
    return [column for column, _ in csv_fields()]


def _cell(value: object, f: cat.Field | None) -> str:
    if value is None:
        return ""
    if f is not None and f.type in (cat.OBJECT_LIST, cat.CITATIONS):
        return jsonout.dumps(value, ensure_ascii=False)
    if f is not None and f.type in (cat.TEXT_LIST, cat.CITE) and isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_row(record: Record, site_url: str) -> dict[str, str]:
    row = {"id": record.id, "url": record_url(site_url, record.id),
           "schema": str(cat.SCHEMA_VERSION), "licence": LICENCE,
           "corps_markdown": record.body, **admin_columns(record)}
    for column, field in csv_fields():
        if column in row:
            continue
        value = record.get(column)
        if column.startswith("transparence.") and column.endswith(".etat") and value is None:
            value = "inconnu"
        row[column] = _cell(value, field)
    return row


def _write_csv(rows: Iterable[dict[str, str]], columns: list[str], bom: bool) -> str:
    """Every cell escaped against formula injection (registry.spreadsheet)."""
    return write_csv(rows, columns, bom)


def export_csv(records: Iterable[Record], site_url: str, bom: bool = False) -> str:
    return _write_csv((csv_row(r, site_url) for r in records), csv_columns(), bom)


# --- ODAP-compatible CSV ------------------------------------------------------------------

ODAP_COLUMNS = ["id", "url", "siren", "schema", "licence", "nom", "administration",
                "administration_id", "type_administration", "domaine", "statut",
                "type_technique", "ia",
                "decision_individuelle", "soumis_obligation_crpa", "regles_publiees",
                "evaluation_interne_publiee", "evaluation_externe_publiee", "budget_publie",
                "budget_montant_eur", "code_source_publie", "prestataires"]
_AI = {"apprentissage_automatique": "oui", "ia_generative": "oui", "hybride": "oui",
       "regles": "non", "inconnu": "inconnu"}


def odap_state(record: Record, criterion: str) -> str:
    """ODAP's tri-state: oui (published), partiel, non (looked for, absent), inconnu."""
    etat = record.etat(criterion)
    return {"publie": "oui", "partiel": "partiel", "obtenu": "non", "non_publie": "non",
            "refuse": "non", "sans_objet": "sans_objet"}.get(etat, "inconnu")


def odap_row(record: Record, site_url: str) -> dict[str, str]:
    meta = record.meta
    admin = record.admin
    amounts = [b.get("montant_eur") for b in meta.get("budget") or []
               if isinstance(b.get("montant_eur"), int | float)]
    return {
        "id": record.id, "url": record_url(site_url, record.id), "siren": _siren(record),
        "schema": str(cat.SCHEMA_VERSION), "licence": LICENCE, "nom": meta["nom"],
        "administration": record.administration_name,
        "administration_id": record.administration_id,
        "type_administration": admin.get("type", ""),
        "domaine": meta["domaine"], "statut": meta["statut"],
        "type_technique": meta["type_technique"], "ia": _AI[meta["type_technique"]],
        "decision_individuelle": meta["decision_individuelle"],
        "soumis_obligation_crpa": meta["decision_individuelle"],
        "regles_publiees": odap_state(record, "regles_publiees"),
        "evaluation_interne_publiee": odap_state(record, "evaluation_interne"),
        "evaluation_externe_publiee": odap_state(record, "evaluation_externe"),
        "budget_publie": odap_state(record, "budget"),
        "budget_montant_eur": str(sum(amounts)) if amounts else "",
        "code_source_publie": odap_state(record, "code_source"),
        "prestataires": LIST_SEPARATOR.join(p.get("nom", "") for p in meta.get("prestataires")
                                            or []),
    }


def export_odap_csv(records: Iterable[Record], site_url: str, bom: bool = False) -> str:
    return _write_csv((odap_row(r, site_url) for r in records), ODAP_COLUMNS, bom)


# --- Dutch publication standard v1.0 crosswalk ---------------------------------------------

NL_COLUMNS = ["name", "description_short", "organization", "category", "status", "begin_date",
              "end_date", "contact_email", "website", "publication_category", "url", "goal",
              "human_intervention", "lawful_basis", "lawful_basis_grouping", "source_data",
              "provider", "publiccode", "lang", "standard_version", "source_id", "tags"]
_NL_STATUS = {"en_conception": "In ontwikkeling", "en_experimentation": "In ontwikkeling",
              "deploye": "In gebruik", "suspendu": "Buiten gebruik",
              "abandonne": "Buiten gebruik", "inconnu": ""}


def nl_row(record: Record, site_url: str) -> dict[str, str]:
    """Our record expressed in the Dutch register's v1.0 field names (values stay French)."""
    meta = record.meta
    code = (meta.get("transparence") or {}).get("code_source") or {}
    return {
        "name": meta["nom"][:100], "description_short": meta["resume"],
        "organization": record.administration_name,
        "category": cat.DOMAINES.get(meta["domaine"], ""),
        "status": _NL_STATUS.get(meta["statut"], ""),
        "begin_date": str(meta.get("date_debut", ""))[:7],
        "end_date": str(meta.get("date_fin", ""))[:7],
        "contact_email": str(record.admin.get("prada_courriel") or ""),
        "website": meta.get("page_officielle", ""),
        "publication_category": "", "url": record_url(site_url, record.id),
        "goal": meta.get("public_concerne", ""),
        "human_intervention": cat.DEGRES.get(meta["degre_automatisation"], ""),
        "lawful_basis": LIST_SEPARATOR.join(t.get("titre", "") for t in
                                            meta.get("fondement_juridique") or []),
        "lawful_basis_grouping": jsonout.dumps(
            [{"title": t.get("titre", ""), "link": t.get("url", "")}
             for t in meta.get("fondement_juridique") or []], ensure_ascii=False),
        "source_data": LIST_SEPARATOR.join(d.get("nom", "") for d in meta.get("donnees") or []),
        "provider": LIST_SEPARATOR.join(p.get("nom", "") for p in meta.get("prestataires")
                                        or [])[:200],
        "publiccode": code.get("url", "") if code.get("etat") == "publie" else "",
        "lang": "fr", "standard_version": "1.0", "source_id": record.id,
        "tags": LIST_SEPARATOR.join(meta.get("mots_cles") or []),
    }


def export_nl_csv(records: Iterable[Record], site_url: str, bom: bool = False) -> str:
    return _write_csv((nl_row(r, site_url) for r in records), NL_COLUMNS, bom)


# --- « tableur » CSV: the algorithms table for people (registry.opendata.tables) ---------------

def export_spreadsheet_csv(records: Iterable[Record], site_url: str, bom: bool = True) -> str:
    """Labels as headers and values, « ; » between cells, UTF-8 with its mark (always: French
    spreadsheets read UTF-8 only with it)."""
    from registry.opendata.tables import ALGORITHMS, algorithm_rows, spreadsheet_cell

    columns = [c.key for c in ALGORITHMS.columns]
    rows = ({k: spreadsheet_cell(v) for k, v in row.items()}
            for r in records for row in algorithm_rows(r, site_url))
    return write_csv(rows, columns, True, SPREADSHEET_DELIMITER,
                     [c.label for c in ALGORITHMS.columns])


def export(records: list[Record], fmt: str, site_url: str, bom: bool = False) -> str:
    records = sorted(records, key=lambda r: r.id)
    if fmt == "json":
        return export_json(records, site_url)
    writers = {"csv": export_csv, "tableur-csv": export_spreadsheet_csv,
               "odap-csv": export_odap_csv, "nl-csv": export_nl_csv}
    return writers[fmt](records, site_url, bom)
