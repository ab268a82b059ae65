"""Open data: the /donnees page (with its DCAT description), the export downloads, the
JSON Schema, the OpenAPI document and the /api documentation page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, send_file, url_for

from registry.opendata import apidocs, datapackage
from registry.opendata.exports import (
    DATAPACKAGE,
    DOWNLOADS,
    EUDB_FILE_NAMES,
    EXPORTS,
    FILE_NAMES,
    LICENCE,
    WORKBOOK,
)
from registry.opendata.jsonschema import json_schema
from registry.opendata.openapi import openapi_document
from registry.records import catalogue as cat
from registry.web.errors import NotFound, Unavailable
from registry.web.resources import get_store
from registry.web.urls import site_url

bp = Blueprint("opendata", __name__)

LICENCE_URL = datapackage.LICENCE_URL
EXAMPLE_RECORD = "cnaf-score-risque"  # the record of the examples, when it exists
CSV = "text/csv"
FILES = {  # file name -> (label, media type, description)
    FILE_NAMES["tableur-csv"]: (
        "CSV pour tableur", CSV, "Une ligne par fiche, en clair : libellés en en-tête et dans "
        "les cellules, séparateur point-virgule, UTF-8 avec indicateur d'ordre des octets "
        "(s'ouvre tel quel dans Excel ou LibreOffice)."),
    WORKBOOK: (
        "Classeur XLSX", datapackage.MEDIA["xlsx"], "Une feuille par table (algorithmes, "
        "critères de transparence, sources, budgets, demandes d'accès, administrations), une "
        "feuille qui décrit chaque colonne."),
    FILE_NAMES["csv"]: (
        "CSV", CSV, "Pour les programmes : une ligne par fiche, toutes les rubriques, codes "
        "plutôt que libellés, séparateur virgule ; listes d'objets en JSON dans la cellule."),
    FILE_NAMES["json"]: ("JSON", "application/json", "Un tableau : chaque fiche complète "
                         "(en-tête et corps Markdown)."),
    FILE_NAMES["odap-csv"]: (
        "CSV compatible ODAP", CSV, "Les colonnes sur lesquelles reposent les chiffres de "
        "l'Observatoire des algorithmes publics."),
    FILE_NAMES["nl-csv"]: (
        "CSV, standard néerlandais v1.0", CSV, "Les fiches exprimées dans les champs du "
        "registre néerlandais des algorithmes, pour comparaison."),
    DATAPACKAGE: (
        "Data Package (Frictionless)", "application/json", "La description standard des "
        "fichiers CSV : un schéma de table (Table Schema) par fichier, leurs tailles et "
        "empreintes."),
    EUDB_FILE_NAMES["eudb-csv"]: (
        "CSV, base de données de l'UE", CSV, "Les systèmes à haut risque au sens du règlement "
        "européen sur l'IA, dans les rubriques que les administrations déclarent à la base de "
        "données de l'UE ; ce qui n'est pas connu est laissé vide et nommé dans la colonne "
        "« valeurs_inconnues »."),
    EUDB_FILE_NAMES["eudb-json"]: (
        "JSON, base de données de l'UE", "application/json", "Les mêmes systèmes, avec le "
        "texte de chaque rubrique et sa source ; valeurs inconnues à null et nommées."),
}
assert set(FILES) == set(DOWNLOADS)


def exports_dir() -> Path:
    return Path(current_app.config["INSTANCE"]) / EXPORTS


def downloads() -> list[dict]:
    """Each export with its label, description, size and date (None when not built yet)."""
    out = []
    for name, (label, media, description) in FILES.items():
        path = exports_dir() / name
        stat = path.stat() if path.is_file() else None
        out.append({"nom": name, "format": label, "titre": f"{label} ({name})", "type": media,
                    "description": description, "url": url_for("opendata.export", name=name),
                    "octets": stat.st_size if stat else None,
                    "date": datetime.fromtimestamp(stat.st_mtime, UTC).date().isoformat()
                    if stat else None})
    return out


def _updated() -> str | None:
    """When the exports were last written (the data package's date), None before a build."""
    path = exports_dir() / DATAPACKAGE
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["created"])[:10]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _dcat() -> dict:
    return datapackage.dcat(site_url(), downloads(), _updated())


@bp.get("/donnees")
def page() -> str:
    return render_template("opendata/page.html", downloads=downloads(), licence=LICENCE,
                           licence_url=LICENCE_URL, schema_version=cat.SCHEMA_VERSION,
                           dcat=_dcat(), publisher=datapackage.PUBLISHER,
                           title=datapackage.TITLE, description=datapackage.DESCRIPTION,
                           keywords=datapackage.KEYWORDS, frequency=datapackage.FREQUENCY,
                           updated=_updated())


@bp.get("/donnees/dcat.jsonld")
def dcat() -> Response:
    response = jsonify(_dcat())
    response.mimetype = "application/ld+json"
    return response


@bp.get("/exports/<name>")
def export(name: str) -> Response:
    if name not in FILES:
        raise NotFound(f"Aucun export ne s'appelle « {name[:80]} ». Exports disponibles : "
                       f"{', '.join(FILES)}.")
    path = exports_dir() / name
    if not path.is_file():
        raise Unavailable("Les exports n'ont pas encore été construits ; ils le seront à la "
                          "prochaine mise à jour du site.")
    media = FILES[name][1]
    response = send_file(path, mimetype=media, as_attachment=name != DATAPACKAGE,
                         download_name=name, max_age=300)
    if not media.endswith(".sheet"):
        response.headers["Content-Type"] = f"{media}; charset=utf-8"
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@bp.get("/api")
def api_docs() -> str:
    document = openapi_document(site_url())
    store = get_store()
    row = store.get(EXAMPLE_RECORD) or next(iter(store.recent(1)), None)
    ident = row.id if row else EXAMPLE_RECORD
    return render_template("opendata/api.html", operations=apidocs.operations(document),
                           examples=apidocs.examples(site_url(), ident),
                           document=document, version=document["info"]["version"],
                           base=site_url() + "/api/v1")


def _schema_response() -> Response:
    response = jsonify(json_schema())
    response.mimetype = "application/schema+json"
    return response


@bp.get("/api/v1/schema")
def schema() -> Response:
    return _schema_response()


@bp.get("/api/v1/schema/<int:version>")
def schema_version(version: int) -> Response:
    if version != cat.SCHEMA_VERSION:
        raise NotFound(f"Version de schéma inconnue : {version}. Version publiée : "
                       f"{cat.SCHEMA_VERSION} (voir docs/schema-changelog.md).")
    return _schema_response()


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(str(current_app.config.get("SITE_URL", ""))))
