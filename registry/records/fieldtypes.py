"""The shapes of the field catalogue (registry.records.catalogue): the field types the
validator and the JSON Schema generator understand, ``Field`` (one key of a record's front
matter with its roles) and ``Criterion`` (a transparency criterion). The catalogue
declares the fields themselves; import these names from it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Field types understood by the validator and the JSON Schema generator.
TEXT = "text"  # free text (one line or several)
ENUM = "enum"  # one value of `choices`
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD
URL = "url"  # http(s) URL
SIREN = "siren"  # 9 digits with a valid Luhn key
EMAIL = "email"
EMAIL_OR_URL = "email_or_url"
BOOL = "bool"
INT = "int"
NUMBER = "number"  # a finite, non-negative amount
TEXT_LIST = "text_list"  # list of short strings
OBJECT = "object"  # mapping with `children`
OBJECT_LIST = "object_list"  # list of mappings with `children`
ETAT_MAP = "etat_map"  # mapping key (of `keys`) -> {etat, url, date, note, source}
KEY = "key"  # a source key: lowercase ascii, digits, hyphens
CITE = "cite"  # one source key or a list of them
CITATIONS = "citations"  # mapping citable field -> source keys
REF = "ref"  # the id of another record (`ref` says of which kind)
DELAI = "delai"  # "2 mois", "45 jours", "1 an", "aucun"


@dataclass(frozen=True)
class Field:
    """One key of a record's front matter, with the roles it plays."""

    key: str
    type: str
    label: str
    help: str
    section: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    children: tuple[Field, ...] = ()
    max_length: int | None = None
    max_words: int | None = None
    min_items: int = 0
    example: object = None
    ref: str = ""  # REF: the kind of record referenced
    keys: tuple[str, ...] = ()  # ETAT_MAP: the allowed keys
    # roles (declared here only; models, index, facets, breakdowns and exports read them)
    citable: bool = False  # a top-level value that `citations` may back with sources
    facet: bool = False  # a filter of the list page and the API
    search_boost: float = 0.0  # indexed for full-text search with this weight
    breakdown: bool = False  # coverage figures are broken down by it
    guide: str = ""  # the step of the guided « Proposer un algorithme » (a key of GUIDE_STEPS)
    # the interface's second language (tests/test_i18n_catalogue.py: none may be missing)
    label_en: str = ""
    help_en: str = ""

    def child(self, key: str) -> Field | None:
        return next((c for c in self.children if c.key == key), None)

    def label_for(self, lang: str) -> str:
        """The label in `lang` (French, the source language, for any other)."""
        return self.label_en or self.label if lang == "en" else self.label

    def help_for(self, lang: str) -> str:
        return self.help_en or self.help if lang == "en" else self.help


@dataclass(frozen=True)
class Criterion:
    """A transparency criterion (a key of `transparence`)."""

    key: str
    label: str
    article: str  # legal basis or reference, empty when none
    published_means: str  # what counts as « publié » for this criterion
    documents: str  # what a CADA request asks for when it is missing
    crpa_individual: bool = False  # obligation applies only to individual decisions
    cada_requestable: bool = True  # documents can be asked for under the CRPA
    label_en: str = ""
    published_means_en: str = ""  # `documents` stays French: CADA letters are French

    def label_for(self, lang: str) -> str:
        return self.label_en or self.label if lang == "en" else self.label

    def published_means_for(self, lang: str) -> str:
        return self.published_means_en or self.published_means if lang == "en" \
            else self.published_means
