"""Open data: the /donnees page, the export downloads, the JSON Schema and the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, send_file, url_for

from registry.opendata import eudb
from registry.opendata.exports import EXPORTS, FILE_NAMES, LICENCE
from registry.opendata.jsonschema import json_schema
from registry.opendata.openapi import openapi_document
from registry.records import catalogue as cat
from registry.web.errors import NotFound, Unavailable

bp = Blueprint("opendata", __name__)

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMATS = {  # format -> (label, media type, description)
    "json": ("JSON", "application/json", "Un tableau : chaque fiche complète (en-tête et "
             "corps Markdown)."),
    "csv": ("CSV", "text/csv", "Une ligne par fiche, toutes les rubriques ; listes aplaties "
            "(voir la documentation des colonnes)."),
    "odap-csv": ("CSV compatible ODAP", "text/csv", "Les colonnes sur lesquelles reposent "
                 "les chiffres de l'Observatoire des algorithmes publics."),
    "nl-csv": ("CSV, standard néerlandais v1.0", "text/csv", "Les fiches exprimées dans les "
               "champs du registre néerlandais des algorithmes, pour comparaison."),
    "eudb-csv": ("CSV, base de données de l'UE", "text/csv", "Les systèmes à haut risque au "
                 "sens du règlement européen sur l'IA, dans les rubriques que les "
                 "administrations déclarent à la base de données de l'UE ; ce qui n'est pas "
                 "connu est laissé vide et nommé dans la colonne « valeurs_inconnues »."),
    "eudb-json": ("JSON, base de données de l'UE", "application/json", "Les mêmes systèmes, "
                  "avec le texte de chaque rubrique et sa source ; valeurs inconnues à null "
                  "et nommées."),
}
ALL_FILES = {**FILE_NAMES, **eudb.FILE_NAMES}  # format -> file name
NAME_TO_FORMAT = {name: fmt for fmt, name in ALL_FILES.items()}


def exports_dir() -> Path:
    return Path(current_app.config["INSTANCE"]) / EXPORTS


def downloads() -> list[dict]:
    """Each export with its label, description, size and date (None when not built yet)."""
    out = []
    for fmt, name in ALL_FILES.items():
        path = exports_dir() / name
        label, media, description = FORMATS[fmt]
        stat = path.stat() if path.is_file() else None
        out.append({"nom": name, "format": label, "type": media, "description": description,
                    "url": url_for("opendata.export", name=name),
                    "octets": stat.st_size if stat else None,
                    "date": datetime.fromtimestamp(stat.st_mtime, UTC).date().isoformat()
                    if stat else None})
    return out


@bp.get("/donnees")
def page() -> str:
    return render_template("opendata/page.html", downloads=downloads(), licence=LICENCE,
                           licence_url=LICENCE_URL, schema_version=cat.SCHEMA_VERSION)


@bp.get("/exports/<name>")
def export(name: str) -> Response:
    fmt = NAME_TO_FORMAT.get(name)
    if fmt is None:
        raise NotFound(f"Aucun export ne s'appelle « {name[:80]} ». Exports disponibles : "
                       f"{', '.join(ALL_FILES.values())}.")
    path = exports_dir() / name
    if not path.is_file():
        raise Unavailable("Les exports n'ont pas encore été construits (« registry build »).")
    media = FORMATS[fmt][1]
    response = send_file(path, mimetype=media, as_attachment=True, download_name=name,
                         max_age=300)
    response.headers["Content-Type"] = f"{media}; charset=utf-8"
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


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
