"""The OpenAPI 3.1 document of the JSON API, generated from its typed response models.

Plain Python (no Flask). The schemas of the responses are those pydantic generates from
``registry.opendata.apimodels`` (the models the API builds its responses with); only the
paths, their parameters and their summaries are written here.
"""

from __future__ import annotations

from pydantic.json_schema import models_json_schema

from registry.opendata.apimodels import MAX_PER_PAGE, RESPONSE_MODELS
from registry.opendata.exports import DOWNLOADS, LICENCE
from registry.opendata.jsonschema import json_schema
from registry.records import catalogue as cat
from registry.search import FACETS, SORTS

API_VERSION = "1.1.0"
REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def components() -> dict:
    """The schemas of every response model (and of the records' front matter, « Fiche »)."""
    _, top = models_json_schema([(m, "serialization") for m in RESPONSE_MODELS],
                                ref_template=REF)
    fiche = {k: v for k, v in json_schema().items() if k not in ("$schema", "$id", "$defs")}
    return {"schemas": {"Fiche": fiche, **top["$defs"]}}


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
                                                   "maximum": MAX_PER_PAGE, "default": 20}),
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
                   "schema": {"type": "string", "enum": list(DOWNLOADS)}}
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
            "parameters": [
                _query("commit", "Les chiffres d'une version des fiches : identifiant (7 à 40 "
                       "caractères) d'un commit de l'historique des fiches.",
                       {"type": "string", "pattern": "^[0-9a-f]{7,40}$"}),
                _query("date", "Les chiffres à une date (AAAA-MM-JJ) : ceux de la dernière "
                       "version des fiches de ce jour ou d'avant.",
                       {"type": "string", "format": "date"})],
            "responses": {"200": _json(_ref("Couverture"), "Chiffres par critère, par "
                                       "groupe et par fiche, et leur évolution."),
                          "400": _error("Date ou version invalide."),
                          "404": _error("Aucune version des fiches à cette date ou sous cet "
                                        "identifiant.")}}},
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
