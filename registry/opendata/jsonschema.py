"""The JSON Schema (Draft 2020-12) of a record's front matter, built from the catalogue."""

from __future__ import annotations

from registry.records import catalogue as cat

SCHEMA_ID = "https://registre-algorithmes-publics.fr/api/v1/schema"
_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_URL = r"^https?://[^\s/]+\.[^\s]*$"
_EMAIL = r"^[^@\s<>]+@[^@\s<>]+\.[a-zA-Z]{2,}$"


def _field_schema(f: cat.Field) -> dict:
    base: dict = {"title": f.label, "description": f.help}
    kind = f.type
    if kind == cat.TEXT:
        base.update(type="string", minLength=1, pattern=r"\S")
        if f.max_length:
            base["maxLength"] = f.max_length
    elif kind == cat.ENUM:
        base.update(type="string", enum=list(f.choices))
    elif kind == cat.DATE:
        base.update(type="string", pattern=_DATE)
    elif kind == cat.URL:
        base.update(type="string", pattern=_URL, format="uri")
    elif kind == cat.SIREN:
        base.update(type="string", pattern=r"^\d{9}$")
    elif kind == cat.EMAIL_OR_URL:
        base.update(type="string", anyOf=[{"pattern": _EMAIL}, {"pattern": _URL}])
    elif kind == cat.BOOL:
        base["type"] = "boolean"
    elif kind == cat.INT:
        base.update(type="integer", const=cat.SCHEMA_VERSION) if f.key == "schema" else \
            base.update(type="integer")
    elif kind == cat.NUMBER:
        base.update(type="number", minimum=0)
    elif kind == cat.TEXT_LIST:
        base.update(type="array", items={"type": "string", "minLength": 1, "pattern": r"\S"})
    elif kind == cat.OBJECT:
        base.update(_object(f.children))
    elif kind == cat.OBJECT_LIST:
        base.update(type="array", items=_object(f.children))
        if f.min_items:
            base["minItems"] = f.min_items
    elif kind == cat.TRANSPARENCE:
        item = _object(f.children)
        item["if"] = {"properties": {"etat": {"enum": list(cat.ETATS_WITH_URL)}}}
        item["then"] = {"required": ["url"]}
        base.update(type="object", additionalProperties=False,
                    properties={c.key: {"title": c.label, "description": c.published_means,
                                        **item} for c in cat.CRITERIA})
    return base


def _object(fields: tuple[cat.Field, ...]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {f.key: _field_schema(f) for f in fields},
        "required": [f.key for f in fields if f.required],
    }


def json_schema() -> dict:
    """The published contract of schema version 1."""
    schema = _object(cat.FIELDS)
    schema["properties"]["id"] = {"title": "Identifiant",
                                  "description": "Facultatif ; égal au nom du fichier.",
                                  "type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}/{cat.SCHEMA_VERSION}",
        "title": "Fiche du registre citoyen des algorithmes publics",
        "description": f"En-tête YAML d'une fiche, version {cat.SCHEMA_VERSION} du schéma.",
        **schema,
    }
