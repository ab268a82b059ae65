"""Open data: the /donnees page (with its DCAT description), the export downloads, the
JSON Schema, the OpenAPI document and the /api documentation page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, send_file, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from registry.locales import SOURCE
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
from registry.web.i18n import current_language
from registry.web.resources import get_store
from registry.web.urls import site_url

bp = Blueprint("opendata", __name__)

LICENCE_URL = datapackage.LICENCE_URL
EXAMPLE_RECORD = "cnaf-score-risque"  # the record of the examples, when it exists
CSV = "text/csv"
# file name -> (label, media type, description); label and description in the page's language
FILES: dict[str, tuple[object, str, object]] = {
    FILE_NAMES["tableur-csv"]: (
        _l("CSV pour tableur"), CSV, _l(
            "Une ligne par fiche, en clair : libellés en en-tête et dans les cellules, "
            "séparateur point-virgule, UTF-8 avec indicateur d'ordre des octets (s'ouvre tel "
            "quel dans Excel ou LibreOffice).")),
    WORKBOOK: (
        _l("Classeur XLSX"), datapackage.MEDIA["xlsx"], _l(
            "Une feuille par table (algorithmes, critères de transparence, sources, budgets, "
            "demandes d'accès, administrations), une feuille qui décrit chaque colonne.")),
    FILE_NAMES["csv"]: (
        "CSV", CSV, _l(
            "Pour les programmes : une ligne par fiche, toutes les rubriques, codes plutôt que "
            "libellés, séparateur virgule ; listes d'objets en JSON dans la cellule.")),
    FILE_NAMES["json"]: ("JSON", "application/json", _l(
        "Un tableau : chaque fiche complète (en-tête et corps Markdown).")),
    FILE_NAMES["odap-csv"]: (
        _l("CSV compatible ODAP"), CSV, _l(
            "Les colonnes sur lesquelles reposent les chiffres de l'Observatoire des "
            "algorithmes publics.")),
    FILE_NAMES["nl-csv"]: (
        _l("CSV, standard néerlandais v1.0"), CSV, _l(
            "Les fiches exprimées dans les champs du registre néerlandais des algorithmes, "
            "pour comparaison.")),
    DATAPACKAGE: (
        "Data Package (Frictionless)", "application/json", _l(
            "La description standard des fichiers CSV : un schéma de table (Table Schema) par "
            "fichier, leurs tailles et empreintes.")),
    EUDB_FILE_NAMES["eudb-csv"]: (
        _l("CSV, base de données de l'UE"), CSV, _l(
            "Les systèmes à haut risque au sens du règlement européen sur l'IA, dans les "
            "rubriques que les administrations déclarent à la base de données de l'UE ; ce qui "
            "n'est pas connu est laissé vide et nommé dans la colonne « valeurs_inconnues ».")),
    EUDB_FILE_NAMES["eudb-json"]: (
        _l("JSON, base de données de l'UE"), "application/json", _l(
            "Les mêmes systèmes, avec le texte de chaque rubrique et sa source ; valeurs "
            "inconnues à null et nommées.")),
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
        out.append({"nom": name, "format": str(label), "titre": f"{label} ({name})",
                    "type": media, "description": str(description),
                    "url": url_for("opendata.export", name=name),
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
    """The DCAT description, in French at every address (the dataset's own language)."""
    with force_locale(SOURCE):
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
        raise NotFound(gettext("Aucun export ne s'appelle « %(nom)s ». Exports disponibles : "
                               "%(exports)s.", nom=name[:80], exports=", ".join(FILES)))
    path = exports_dir() / name
    if not path.is_file():
        raise Unavailable(gettext("Les exports n'ont pas encore été construits ; ils le seront "
                                  "à la prochaine mise à jour du site."))
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
    """The schema, its titles and descriptions in the page's language (same $id)."""
    response = jsonify(json_schema(current_language()))
    response.mimetype = "application/schema+json"
    return response


@bp.get("/api/v1/schema")
def schema() -> Response:
    return _schema_response()


@bp.get("/api/v1/schema/<int:version>")
def schema_version(version: int) -> Response:
    if version != cat.SCHEMA_VERSION:
        raise NotFound(gettext("Version de schéma inconnue : %(version)s. Version publiée : "
                               "%(publiee)s (voir docs/schema-changelog.md).", version=version,
                               publiee=cat.SCHEMA_VERSION))
    return _schema_response()


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(str(current_app.config.get("SITE_URL", ""))))
