"""The OpenAPI 3.1 document of the JSON API, derived from the catalogue and the API's shapes.

Plain Python (no Flask). The response schemas are strict (no unknown properties), so a test
validating real responses against them fails as soon as the API and this document drift apart.
"""

from __future__ import annotations

from registry.coverage.figures import BREAKDOWNS
from registry.opendata import eudb
from registry.opendata.exports import FILE_NAMES, LICENCE
from registry.opendata.jsonschema import json_schema
from registry.records import catalogue as cat
from registry.search import FACETS, SORTS

API_VERSION = "1.0.0"
_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_NULLABLE_STR = {"type": ["string", "null"]}


def _obj(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [k for k in properties if k not in optional]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _fiche() -> dict:
    schema = json_schema()
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}


def _administration() -> dict:
    """An administration as the API returns it: its record, body, response rate, algorithms."""
    fiche = json_schema()["$defs"]["administration"]
    rate = {"type": ["object", "null"], "description": "Taux de réponse aux avis de la CADA "
            "(2016-2019), ou null."}
    algo = _obj({"id": _STR, "nom": _STR, "url": {"type": "string", "format": "uri"}})
    properties = {**fiche["properties"],
                  "corps_html": {"type": "string"}, "taux_reponse_cada": rate,
                  "algorithmes": {"type": "array", "items": algo}}
    return {"title": "Administration", "type": "object", "additionalProperties": False,
            "properties": properties,
            "required": sorted({*fiche["required"], "id", "corps_html", "algorithmes"})}


def _algorithme(fiche: dict) -> dict:
    """A record as the API returns it: front matter, rendered body, last modification."""
    properties = {**fiche["properties"],
                  "corps_html": {"type": "string", "description": "Corps de la fiche en HTML "
                                 "(Markdown rendu et assaini)."},
                  "derniere_modification": {**_NULLABLE_STR, "description": "Date ISO du "
                                            "dernier commit touchant la fiche."},
                  "administration_detail": _obj({
                      "id": _STR, "nom": _STR, "sigle": _STR, "type": _STR, "siren": _STR,
                      "url": {"type": "string", "format": "uri"}})}
    return {"title": "Algorithme", "type": "object", "additionalProperties": False,
            "properties": properties,
            "required": sorted({*fiche["required"], "id", "corps_html",
                                "derniere_modification", "administration_detail"})}


def _search_results() -> dict:
    hit = _obj({"id": _STR, "nom": _STR, "administration": _STR, "domaine": _STR,
                "statut": _STR,
                "extrait": {"type": "string", "description": "HTML : texte échappé, termes "
                            "trouvés entre <mark>."},
                "url": {"type": "string", "format": "uri"}})
    value = _obj({"valeur": _STR, "nombre": _INT})
    return _obj({
        "total": _INT, "page": {"type": "integer", "minimum": 1},
        "par_page": {"type": "integer", "minimum": 1, "maximum": 100},
        "resultats": {"type": "array", "items": hit},
        "facettes": {"type": "object", "propertyNames": {"enum": list(FACETS)},
                     "additionalProperties": {"type": "array", "items": value}},
        "suggestion": _NULLABLE_STR, "message": _NULLABLE_STR,
    })


def _coverage() -> dict:
    figure = _ref("Chiffre")
    etats = {"type": "object", "propertyNames": {"enum": list(cat.ETATS)},
             "additionalProperties": _INT}
    critere = _obj({"id": {"enum": [c.key for c in cat.CRITERIA]}, "libelle": _STR,
                    "etats": etats, "publie": _INT, "partiel": _INT, "obtenu": _INT,
                    "tous": figure, "applicables": figure})
    groupe = _obj({"slug": _STR, "libelle": _STR, "total": _INT, "score": figure,
                   "criteres": {"type": "array", "items": critere}})
    fiche = _obj({"id": _STR, "nom": _STR, "administration": _STR, "score": figure,
                  "partiels": _INT, "obtenus": _INT, "demandes_en_attente": _INT,
                  "demandes_ouvertes": _INT})
    point = _obj({"mois": _STR, "libelle": _STR, "commit": _STR, "total": _INT,
                  "fiches_invalides": _INT,
                  "criteres": {"type": "object", "additionalProperties":
                               _obj({"tous": figure, "applicables": figure})}})
    tendance = _obj({"disponible": {"type": "boolean"}, "motif": _STR,
                     "points": {"type": "array", "items": point}})
    return _obj({
        "total": _INT, "criteres": {"type": "array", "items": critere},
        **{f"par_{name}": {"type": "array", "items": groupe} for name in BREAKDOWNS},
        "fiches": {"type": "array", "items": fiche},
        "fiches_avec_demande_en_attente": _INT, "fiches_avec_demande_ouverte": _INT,
        "date": {"type": "string", "format": "date"}, "tendance": tendance,
    })


def components() -> dict:
    fiche = _fiche()
    return {"schemas": {
        "Fiche": fiche,
        "Algorithme": _algorithme(fiche),
        "Administration": _administration(),
        "Resultats": _search_results(),
        "Chiffre": _obj({"n": _INT, "N": _INT, "pourcentage": _STR,
                         "valeur": {"type": ["number", "null"]}, "texte": _STR}),
        "Couverture": _coverage(),
        "Erreur": _obj({"erreur": _obj({"statut": {"type": "integer"}, "titre": _STR,
                                        "message": _STR})}),
    }}


def _json(schema: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Erreur"), description)


def _query(name: str, description: str, schema: dict, explode: bool = False) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description,
             "schema": schema}
    if explode:
        param.update(style="form", explode=True)
    return param


def _search_parameters() -> list[dict]:
    params = [
        _query("q", "Texte cherché (mots, « phrase », -exclusion, OU).", {"type": "string"}),
        _query("page", "Page (à partir de 1).", {"type": "integer", "minimum": 1,
                                                 "default": 1}),
        _query("par_page", "Résultats par page.", {"type": "integer", "minimum": 1,
                                                   "maximum": 100, "default": 20}),
        _query("tri", "Ordre des résultats.", {"type": "string", "enum": list(SORTS),
                                               "default": "pertinence"}),
    ]
    for name in FACETS:
        params.append(_query(name, f"Filtre « {name} » (répétable : valeurs en OU).",
                             {"type": "array", "items": {"type": "string"}}, explode=True))
    return params


def _paths() -> dict:
    ident = {"name": "id", "in": "path", "required": True, "description": "Identifiant de "
             "la fiche (nom du fichier sans .md).", "schema": {"type": "string"}}
    export_name = {"name": "nom", "in": "path", "required": True,
                   "schema": {"type": "string", "enum": [*FILE_NAMES.values(),
                                                         *eudb.FILE_NAMES.values()]}}
    csv = {"text/csv": {"schema": {"type": "string"}}}
    return {
        "/api/v1/algorithmes": {"get": {
            "operationId": "chercherAlgorithmes", "summary": "Chercher et filtrer les fiches",
            "parameters": _search_parameters(),
            "responses": {"200": _json(_ref("Resultats"), "Une page de résultats."),
                          "400": _error("Paramètre invalide."),
                          "503": _error("Index de recherche indisponible.")}}},
        "/api/v1/algorithmes/{id}": {"get": {
            "operationId": "lireAlgorithme", "summary": "Une fiche complète",
            "parameters": [ident],
            "responses": {"200": _json(_ref("Algorithme"), "La fiche."),
                          "404": _error("Aucune fiche n'a cet identifiant.")}}},
        "/api/v1/administrations/{id}": {"get": {
            "operationId": "lireAdministration",
            "summary": "Une administration : ses coordonnées (PRADA, délégué à la protection des "
                       "données, médiateur), ses sources, ses algorithmes",
            "parameters": [{**ident, "description": "Identifiant de l'administration (nom du "
                            "fichier sans .md)."}],
            "responses": {"200": _json(_ref("Administration"), "L'administration."),
                          "404": _error("Aucune administration n'a cet identifiant.")}}},
        "/api/v1/couverture": {"get": {
            "operationId": "lireCouverture", "summary": "Chiffres de transparence",
            "responses": {"200": _json(_ref("Couverture"), "Chiffres par critère, par "
                                       "groupe et par fiche, et leur évolution.")}}},
        "/api/v1/reglement-ia": {"get": {
            "operationId": "lireReglementIA",
            "summary": "Les systèmes au regard du règlement européen sur l'IA : catégories, "
                       "obligations et leurs dates, preuves, systèmes prêts",
            "responses": {"200": _json({"type": "object"}, "Chiffres par catégorie et par "
                                       "obligation, systèmes, calendrier.")}}},
        "/api/v1/schema": {"get": {
            "operationId": "lireSchema", "summary": "Schéma JSON (version courante) des fiches",
            "responses": {"200": _json({"type": "object"}, "Schéma JSON (Draft 2020-12).",
                                       "application/schema+json")}}},
        "/api/v1/openapi.json": {"get": {
            "operationId": "lireOpenapi", "summary": "Ce document",
            "responses": {"200": _json({"type": "object"}, "Document OpenAPI 3.1.")}}},
        "/exports/{nom}": {"get": {
            "operationId": "telechargerExport", "summary": "Export de toutes les fiches",
            "parameters": [export_name],
            "responses": {"200": {"description": "Le fichier (JSON ou CSV UTF-8).",
                                  "content": {"application/json": {"schema": {
                                      "type": "array", "items": {"type": "object"}}},
                                      **csv}},
                          "404": {"description": "Export inconnu (page HTML)."},
                          "503": {"description": "Exports pas encore construits (page "
                                  "HTML)."}}}},
    }


def openapi_document(site_url: str) -> dict:
    """The OpenAPI 3.1 document, with `site_url` as the server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Registre citoyen des algorithmes publics — API", "version":
                 API_VERSION, "description": "API en lecture seule. Données sous " + LICENCE
                 + f". Schéma des fiches : version {cat.SCHEMA_VERSION}.",
                 "license": {"name": "Licence Ouverte 2.0 (Etalab)", "identifier": "etalab-2.0"}},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": site_url.rstrip("/") or "/"}],
        "paths": _paths(),
        "components": components(),
    }
