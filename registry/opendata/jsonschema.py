"""The JSON Schema (Draft 2020-12) of a record's front matter, built from the catalogue.

One schema with two sections: the algorithm record (the root) and the administration
record (``$defs.administration``). Rules a JSON Schema cannot express (citations to known
keys, references to other files, body markers, quote length in words) are the validator's.
"""

from __future__ import annotations

from registry.records import catalogue as cat

SCHEMA_ID = "https://registre-algorithmes-publics.fr/api/v1/schema"
DATE_PATTERN = _DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_URL = r"^https?://[^\s/]+\.[^\s]*$"
_EMAIL = r"^[^@\s<>]+@[^@\s<>]+\.[a-zA-Z]{2,}$"
_KEY = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_NO_CONTROL = "^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
_DELAI = r"^(aucun|[1-9][0-9]{0,3} (jour|jours|mois|an|ans))$"
_CITE = {"anyOf": [{"type": "string", "pattern": _KEY},
                   {"type": "array", "minItems": 1, "items": {"type": "string",
                                                               "pattern": _KEY}}]}


def _field_schema(f: cat.Field) -> dict:
    base: dict = {"title": f.label, "description": f.help}
    kind = f.type
    if kind == cat.TEXT:
        base.update(type="string", minLength=1, allOf=[{"pattern": r"\S"},
                                                       {"pattern": _NO_CONTROL}])
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
    elif kind == cat.EMAIL:
        base.update(type="string", pattern=_EMAIL)
    elif kind in (cat.KEY, cat.REF):
        base.update(type="string", pattern=_KEY)
        if f.max_length:
            base["maxLength"] = f.max_length
    elif kind == cat.CITE:
        base.update(_CITE)
    elif kind == cat.DELAI:
        base.update(type="string", pattern=_DELAI)
    elif kind == cat.CITATIONS:
        base.update(type="object", additionalProperties=_CITE,
                    propertyNames={"enum": list(cat.CITABLE + cat.ADMINISTRATION_CITABLE)})
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
    elif kind == cat.ETAT_MAP:
        item = _object(f.children)
        item["if"] = {"properties": {"etat": {"enum": list(cat.ETATS_WITH_URL)}}}
        item["then"] = {"required": ["url"]}
        titles = {c.key: (c.label, c.published_means) for c in cat.CRITERIA}
        base.update(type="object", additionalProperties=False,
                    properties={k: {"title": titles.get(k, (cat.AI_OBLIGATIONS.get(k, k),))[0],
                                    **item} for k in f.keys})
    if kind == cat.NUMBER:
        base["maximum"] = 1e15  # finite amounts only (no NaN, no Infinity)
    if f.max_words:
        base["description"] += f" ({f.max_words} mots au plus.)"
    return base


def _object(fields: tuple[cat.Field, ...]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {f.key: _field_schema(f) for f in fields},
        "required": [f.key for f in fields if f.required],
    }


def _with_id(schema: dict) -> dict:
    schema["properties"]["id"] = {"title": "Identifiant",
                                  "description": "Facultatif ; égal au nom du fichier.",
                                  "type": "string", "pattern": _KEY}
    return schema


def administration_schema() -> dict:
    """The section of an administration record (``data/administrations/<id>.md``)."""
    return {"title": "Fiche d'une administration",
            "description": "En-tête YAML d'une fiche d'administration.",
            **_with_id(_object(cat.ADMINISTRATION_FIELDS))}


def json_schema() -> dict:
    """The published contract of the current schema version."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}/{cat.SCHEMA_VERSION}",
        "title": "Fiche du registre citoyen des algorithmes publics",
        "description": f"En-tête YAML d'une fiche d'algorithme, version {cat.SCHEMA_VERSION} "
                       "du schéma ; la fiche d'une administration est décrite dans "
                       "$defs.administration.",
        **_with_id(_object(cat.FIELDS)),
        "$defs": {"administration": administration_schema()},
    }
