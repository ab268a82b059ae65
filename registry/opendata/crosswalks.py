"""The crosswalks of `registry import csv`: which columns of another register (ODAP's
inventory, Etalab's template, our own CSV export) become which fields of a record, their
value translations and defaults, and custom mappings read from a YAML file (bounded, no
aliases). Plain data over the catalogue; the import itself is registry.opendata.imports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from registry.opendata.exports import csv_columns
from registry.text import fold

MAX_FILE = 64 * 1024 * 1024  # bytes of a CSV or JSON file
MAX_MAPPING = 256 * 1024  # bytes of a YAML mapping file


class ImportError_(ValueError):
    """A file that cannot be imported at all; the message is in French."""


DEFAULTS = {"domaine": "autre", "statut": "inconnu", "type_technique": "inconnu",
            "decision_individuelle": "inconnu", "degre_automatisation": "inconnu",
            "administration.type": "autre"}
TRI_STATE = {"oui": "publie", "partiel": "partiel", "non": "non_publie", "inconnu": "inconnu",
             "sans_objet": "sans_objet", "publie": "publie", "non_publie": "non_publie",
             "refuse": "refuse", "obtenu": "obtenu"}


@dataclass
class Mapping:
    """How the columns of a spreadsheet become record fields."""

    columns: dict[str, str]  # header (folded) -> dotted field path or "transparence.<c>"
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {text: value}
    defaults: dict[str, object] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)  # headers appended to the body as sections


def _h(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip(" *")


_STATUTS = {"en conception": "en_conception", "en experimentation": "en_experimentation",
            "deploye": "deploye", "en service": "deploye", "suspendu": "suspendu",
            "abandonne": "abandonne", "inconnu": "inconnu"}
_TECH = {"regles": "regles", "systeme de regles": "regles", "apprentissage automatique":
         "apprentissage_automatique", "machine learning": "apprentissage_automatique",
         "ia generative": "ia_generative", "hybride": "hybride", "inconnu": "inconnu"}

ODAP = Mapping(
    columns={"id": "id", "nom": "nom", "nom de l'algorithme": "nom",
             "administration": "administration.nom", "siren": "administration.siren",
             "type_administration": "administration.type", "domaine": "domaine",
             "statut": "statut", "type_technique": "type_technique",
             "decision_individuelle": "decision_individuelle",
             "regles_publiees": "transparence.regles_publiees",
             "evaluation_interne_publiee": "transparence.evaluation_interne",
             "evaluation_externe_publiee": "transparence.evaluation_externe",
             "budget_publie": "transparence.budget",
             "code_source_publie": "transparence.code_source",
             "budget_montant_eur": "budget.montant_eur", "prestataires": "prestataires",
             "resume": "resume", "finalite": "resume", "url": "page_officielle"},
    values={"statut": _STATUTS, "type_technique": _TECH},
)
ETALAB = Mapping(
    columns={_h("Nom de l'administration concernée"): "administration.nom",
             _h("Direction/service porteur"): "service",
             _h("Contact au sein de l'administration concernée"): "contact_prada",
             _h("Date de mise à jour des informations"): "revu_le",
             _h("Nom de l'algorithme"): "nom",
             _h("Finalité de l'algorithme"): "resume",
             _h("Niveau d'automatisation de la décision"): "degre_automatisation",
             _h("Fondements juridiques"): "fondement_juridique",
             _h("Ressources connexes"): "page_officielle",
             _h("Nombre de décisions administratives prises par an"): "volumetrie",
             _h("Public concerné par la décision"): "public_concerne",
             _h("Données traitées"): "donnees",
             _h("Type d'algorithme"): "type_technique"},
    values={"degre_automatisation": {"entierement automatisee": "entierement_automatise",
                                     "entierement automatise": "entierement_automatise",
                                     "aide a la decision": "aide_a_la_decision",
                                     "outil d'aide a la decision": "aide_a_la_decision"},
            "type_technique": _TECH},
    body=["Contexte global", "Comment et quand l'algorithme intervient-il dans la prise de "
          "décision ?", "Portée de la décision", "Source des données traitées",
          "Mode de collecte des données traitées", "Opérations effectuées par l'algorithme"],
)
REGISTRE = Mapping(columns={_h(c): c for c in csv_columns()
                            if c not in ("url", "licence", "administration_nom",
                                         "administration_siren")})
MAPPINGS = {"odap": ODAP, "etalab": ETALAB, "registre": REGISTRE}


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a few hundred bytes of aliases expand to gigabytes
    ("billion laughs"); a mapping file never needs them."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.YAMLError("les ancres et alias YAML (&nom, *nom) ne sont pas acceptés")
        return super().compose_node(parent, index)


def _read(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportError_(f"{path} : fichier trop gros ({size} octets ; {limit} au plus)")
        return path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path} : lecture impossible ({exc.strerror or exc})") from exc


def _texts(value: object, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str | int | float) and
                                              isinstance(v, str | int | float | bool)
                                              for k, v in value.items()):
        raise ValueError(f"« {what} » doit associer des textes à des textes")
    return {str(k): str(v) for k, v in value.items()}


def load_mapping(name: str) -> Mapping:
    """A built-in mapping, or a YAML file {colonnes, valeurs, defauts, corps}."""
    if name in MAPPINGS:
        return MAPPINGS[name]
    try:
        raw = yaml.load(_read(Path(name), MAX_MAPPING).decode("utf-8"),
                        Loader=_NoAliasLoader) or {}
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} : le fichier n'est pas en UTF-8") from exc
    except RecursionError as exc:
        raise ValueError(f"{name} : YAML trop profondément imbriqué") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"{name} : YAML illisible ({str(exc).splitlines()[0][:200]})") \
            from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("colonnes"), dict):
        raise ValueError(f"{name} : la correspondance doit avoir une clé « colonnes »")
    values = raw.get("valeurs") or {}
    body = raw.get("corps") or []
    defaults = raw.get("defauts") or {}
    if not isinstance(values, dict) or not isinstance(body, list) \
            or not isinstance(defaults, dict):
        raise ValueError(f"{name} : « valeurs » et « defauts » doivent être des "
                         "correspondances, « corps » une liste")
    columns = _texts(raw["colonnes"], "colonnes")
    try:
        return Mapping(columns={_h(k): v for k, v in columns.items()},
                       values={str(k): {_h(a): b for a, b in _texts(v, f"valeurs.{k}").items()}
                               for k, v in values.items()},
                       defaults=_texts(defaults, "defauts"), body=[str(b) for b in body])
    except ValueError as exc:
        raise ValueError(f"{name} : {exc}") from exc
