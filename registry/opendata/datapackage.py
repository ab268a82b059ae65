"""Standard descriptions of the open data, generated from the catalogue: a Frictionless Data
Package (``datapackage.json``, a Table Schema per CSV, the format of data.gouv.fr's schema
catalogue) and DCAT metadata (title, licence, publisher, update date, distributions).

Plain Python. The Table Schemas say what each column holds, its type and its allowed
values; the tests validate every CSV against them with the ``frictionless`` library.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from registry.opendata.exports import (
    DATAPACKAGE,
    FILE_NAMES,
    LICENCE,
    NL_COLUMNS,
    ODAP_COLUMNS,
    SPREADSHEET_DELIMITER,
    WORKBOOK,
    csv_fields,
)
from registry.opendata.jsonschema import DATE_PATTERN
from registry.opendata.tables import ALGORITHMS, NUMBER
from registry.records import catalogue as cat
from registry.records.reference import NL_HELP, ODAP_HELP, column_description

TITLE = "Registre citoyen des algorithmes publics"
NAME = "registre-citoyen-algorithmes-publics"
DESCRIPTION = ("Les algorithmes que les administrations françaises utilisent pour décider à "
               "propos des personnes : ce qu'ils font, leurs critères, qui les a construits, "
               "ce qu'ils ont coûté, leurs évaluations, ce qui en est publié et comment "
               "demander les documents manquants. Une fiche par algorithme, chaque fait sourcé.")
PUBLISHER = TITLE
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME = "etalab-2.0"
KEYWORDS = ("algorithmes publics", "transparence", "administration", "CRPA", "CADA",
            "intelligence artificielle", "décision automatisée")
FREQUENCY = "à chaque modification des fiches"
TRI_STATE = ["oui", "partiel", "non", "sans_objet", "inconnu"]
MEDIA = {"json": "application/json", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _csv_field(column: str, f: cat.Field | None) -> dict:
    out: dict = {"name": column, "description": column_description(column), "type": "string"}
    constraints: dict = {}
    if f is None:
        if column == "schema":
            out["type"] = "integer"
        if column in ("id", "url", "schema", "licence"):
            constraints["required"] = True
    elif f.type == cat.ENUM:
        constraints["enum"] = list(f.choices)
    elif f.type in (cat.INT, cat.NUMBER):
        out["type"] = "integer" if f.type == cat.INT else "number"
    elif f.type == cat.BOOL:
        out.update(type="boolean", trueValues=["true"], falseValues=["false"])
    elif f.type == cat.OBJECT_LIST:
        out["type"] = "array"
    elif f.type == cat.CITATIONS:
        out["type"] = "object"
    elif f.type == cat.DATE:
        constraints["pattern"] = DATE_PATTERN.strip("^$")
    if f is not None and f.required and "." not in column:
        constraints["required"] = True
    if column.startswith("transparence.") and column.endswith(".etat"):
        constraints["required"] = True  # a criterion absent from a record is « inconnu »
    if constraints:
        out["constraints"] = constraints
    return out


def machine_schema() -> dict:
    """The Table Schema of ``algorithmes.csv``."""
    return {"fields": [_csv_field(c, f) for c, f in csv_fields()], "primaryKey": ["id"],
            "missingValues": [""]}


def spreadsheet_schema() -> dict:
    """The Table Schema of ``algorithmes-tableur.csv``: its headers are the labels."""
    fields = []
    for c in ALGORITHMS.columns:
        field: dict = {"name": c.label, "title": c.label, "description": c.description,
                       "type": c.type}
        if c.type == NUMBER:
            field.update(decimalChar=",", groupChar="\u202f")
        constraints: dict = {}
        if c.choices:
            constraints["enum"] = list(c.choices)
        if c.required:
            constraints["required"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": [ALGORITHMS.columns[0].label],
            "missingValues": [""]}


def odap_schema() -> dict:
    fields = []
    for c in ODAP_COLUMNS:
        field: dict = {"name": c, "description": ODAP_HELP.get(c) or column_description(c),
                       "type": "string"}
        if c == "schema":
            field["type"] = "integer"
        elif c == "budget_montant_eur":
            field["type"] = "number"
        elif c.endswith("_publiee") or c.endswith("_publie") or c == "regles_publiees":
            field["constraints"] = {"enum": TRI_STATE}
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def nl_schema() -> dict:
    return {"fields": [{"name": c, "description": NL_HELP.get(c, c), "type": "string"}
                       for c in NL_COLUMNS], "primaryKey": ["source_id"],
            "missingValues": [""]}


RESOURCES = {  # format -> (resource name, title, schema, dialect)
    "csv": ("algorithmes", "Toutes les données, pour les programmes", machine_schema,
            {"delimiter": ","}),
    "tableur-csv": ("algorithmes-tableur", "Toutes les fiches, pour un tableur (libellés, "
                    "point-virgule, UTF-8 avec indicateur d'ordre des octets)",
                    spreadsheet_schema, {"delimiter": SPREADSHEET_DELIMITER}),
    "odap-csv": ("algorithmes-odap", "Colonnes des chiffres de l'Observatoire des algorithmes "
                 "publics", odap_schema, {"delimiter": ","}),
    "nl-csv": ("algorithmes-nl-v1", "Correspondance avec le standard néerlandais v1.0",
               nl_schema, {"delimiter": ","}),
}


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def data_package(folder: Path, site_url: str, built_at: datetime) -> dict:
    """The ``datapackage.json`` of the CSV files of `folder` (sizes and hashes included)."""
    resources = []
    for fmt, (name, title, schema, dialect) in RESOURCES.items():
        path = folder / FILE_NAMES[fmt]
        resource: dict = {"name": name, "path": FILE_NAMES[fmt], "title": title,
                          "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "dialect": {**dialect, "header": True}, "schema": schema()}
        if path.is_file():
            size, digest = _digest(path)
            resource.update(bytes=size, hash=f"sha256:{digest}")
        resources.append(resource)
    return {
        "profile": "tabular-data-package", "name": NAME, "title": TITLE,
        "description": DESCRIPTION + f" Aussi disponible en JSON ({FILE_NAMES['json']}) et en "
        f"classeur XLSX ({WORKBOOK}, une feuille par table).",
        "homepage": site_url.rstrip("/") + "/donnees" if site_url else "",
        "version": f"{cat.SCHEMA_VERSION}.0.0", "created": built_at.isoformat(timespec="seconds"),
        "keywords": list(KEYWORDS), "languages": ["fr"],
        "licenses": [{"name": LICENCE_NAME, "path": LICENCE_URL,
                      "title": "Licence Ouverte 2.0 (Etalab)"}],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "resources": resources,
    }


def dcat(site_url: str, downloads: list[dict], modified: str | None) -> dict:
    """DCAT (JSON-LD) description of the dataset and of each of its files. `downloads`:
    ``{"nom", "titre", "url", "type", "octets"}`` of each file."""
    base = site_url.rstrip("/")
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@type": "dcat:Dataset", "@id": f"{base}/donnees",
        "dct:title": TITLE, "dct:description": DESCRIPTION,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:license": {"@id": LICENCE_URL}, "dct:rights": LICENCE,
        "dct:modified": modified, "dct:language": "fr",
        "dct:accrualPeriodicity": FREQUENCY, "dcat:keyword": list(KEYWORDS),
        "dcat:landingPage": {"@id": f"{base}/donnees"},
        "dct:conformsTo": {"@id": f"{base}/exports/{DATAPACKAGE}"},
        "dcat:distribution": [
            {"@type": "dcat:Distribution", "dct:title": d["titre"],
             "dcat:downloadURL": {"@id": base + d["url"]}, "dcat:mediaType": d["type"],
             "dct:format": d["nom"].rsplit(".", 1)[-1].upper(),
             "dct:license": {"@id": LICENCE_URL},
             **({"dcat:byteSize": d["octets"]} if d["octets"] is not None else {})}
            for d in downloads],
    }
