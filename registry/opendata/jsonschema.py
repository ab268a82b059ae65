"""The JSON Schema (Draft 2020-12) of a record's front matter, built from the catalogue.

One schema with two sections: the algorithm record (the root) and the administration
record (``$defs.administration``). Rules a JSON Schema cannot express (citations to known
keys, references to other files, body markers, quote length in words) are the validator's.

Its titles and descriptions (annotations) come from the catalogue in one language: French,
the source, or English (``label_en``, ``help_en``). Both documents are the same contract
with the same ``$id``: only the annotations differ, never a keyword that validates.
"""

from __future__ import annotations

from registry.locales import SOURCE
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


# The schema's own words, per language (the fields' come from the catalogue).
WORDS: dict[str, dict[str, str]] = {
    "fr": {"title": "Fiche du registre citoyen des algorithmes publics",
           "description": "En-tête YAML d'une fiche d'algorithme, version %(version)s du "
                          "schéma ; la fiche d'une administration est décrite dans "
                          "$defs.administration.",
           "administration": "Fiche d'une administration",
           "administration_description": "En-tête YAML d'une fiche d'administration.",
           "id": "Identifiant", "id_description": "Facultatif ; égal au nom du fichier.",
           "max_words": " (%(n)s mots au plus.)"},
    "en": {"title": "Record of the citizens' register of public algorithms",
           "description": "YAML front matter of an algorithm record, version %(version)s of "
                          "the schema; the record of an administration is described in "
                          "$defs.administration. Titles and descriptions are in English; "
                          "keys and values are French in every language.",
           "administration": "Record of an administration",
           "administration_description": "YAML front matter of an administration record.",
           "id": "Identifier", "id_description": "Optional; equal to the file name.",
           "max_words": " (%(n)s words at most.)"},
}


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS[SOURCE])


def _field_schema(f: cat.Field, lang: str = SOURCE) -> dict:
    base: dict = {"title": f.label_for(lang), "description": f.help_for(lang)}
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
        base.update(_object(f.children, lang))
    elif kind == cat.OBJECT_LIST:
        base.update(type="array", items=_object(f.children, lang))
        if f.min_items:
            base["minItems"] = f.min_items
    elif kind == cat.ETAT_MAP:
        item = _object(f.children, lang)
        item["if"] = {"properties": {"etat": {"enum": list(cat.ETATS_WITH_URL)}}}
        item["then"] = {"required": ["url"]}
        titles = {c.key: c.label_for(lang) for c in cat.CRITERIA}
        base.update(type="object", additionalProperties=False,
                    properties={k: {"title": titles.get(k) or cat.choice_label(
                        "ai_act.obligations", k, lang), **item} for k in f.keys})
    if kind == cat.NUMBER:
        base["maximum"] = 1e15  # finite amounts only (no NaN, no Infinity)
    if f.max_words:
        base["description"] += _words(lang)["max_words"] % {"n": f.max_words}
    return base


def _object(fields: tuple[cat.Field, ...], lang: str = SOURCE) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {f.key: _field_schema(f, lang) for f in fields},
        "required": [f.key for f in fields if f.required],
    }


def _with_id(schema: dict, lang: str = SOURCE) -> dict:
    words = _words(lang)
    schema["properties"]["id"] = {"title": words["id"], "description": words["id_description"],
                                  "type": "string", "pattern": _KEY}
    return schema


def administration_schema(lang: str = SOURCE) -> dict:
    """The section of an administration record (``data/administrations/<id>.md``)."""
    words = _words(lang)
    return {"title": words["administration"],
            "description": words["administration_description"],
            **_with_id(_object(cat.ADMINISTRATION_FIELDS, lang), lang)}


def json_schema(lang: str = SOURCE) -> dict:
    """The published contract of the current schema version, annotated in `lang` (French
    by default; the same `$id` and the same validation in every language)."""
    words = _words(lang)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}/{cat.SCHEMA_VERSION}",
        "title": words["title"],
        "description": words["description"] % {"version": cat.SCHEMA_VERSION},
        **_with_id(_object(cat.FIELDS, lang), lang),
        "$defs": {"administration": administration_schema(lang)},
    }
