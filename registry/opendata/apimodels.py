"""The typed response models of ``/api/v1`` (pydantic), from which the OpenAPI document is
generated (``registry.opendata.openapi``).

The API builds its responses through these models, and the tests check real responses
against the generated schemas, so the document cannot drift from the API. The fields of the
records themselves are not repeated here: the models of a record and of an administration
take their properties from the JSON Schema generated from the catalogue
(``registry.opendata.jsonschema``). Every model is strict (no unknown property).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from registry.coverage.figures import BREAKDOWNS
from registry.opendata.jsonschema import administration_schema, json_schema
from registry.records import catalogue as cat
from registry.search import FACETS

MAX_PER_PAGE = 100
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
Count = Annotated[int, Field(ge=0)]
CriterionKey = Literal[tuple(c.key for c in cat.CRITERIA)]  # type: ignore[valid-type]
Etat = Literal[tuple(cat.ETATS)]  # type: ignore[valid-type]
Facet = Literal[tuple(FACETS)]  # type: ignore[valid-type]


class Model(BaseModel):
    """Strict: unknown properties are refused; every property is always present."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


# --- errors ------------------------------------------------------------------------------

class ErreurDetail(Model):
    statut: int = Field(description="Statut HTTP.")
    titre: str = Field(description="Intitulé de l'erreur.")
    message: str = Field(description="Explication en français, qui nomme le paramètre fautif.")


class Erreur(Model):
    """Every error of the API."""

    erreur: ErreurDetail


# --- search ------------------------------------------------------------------------------

class Surlignage(Model):
    """A found word in ``extrait_texte``: ``extrait_texte[debut:fin]``."""

    debut: Count = Field(description="Position du premier caractère (points de code Unicode, "
                                     "à partir de 0).")
    fin: Count = Field(description="Position qui suit le dernier caractère (exclue).")


class Resultat(Model):
    id: str = Field(description="Identifiant de la fiche.")
    nom: str
    administration: str = Field(description="Nom de l'administration.")
    domaine: str = Field(description="Code du domaine (voir le schéma des fiches).")
    statut: str = Field(description="Code du statut.")
    extrait_texte: str = Field(description="Passage de la fiche où figurent les mots cherchés, "
                                           "en texte brut.")
    surlignages: list[Surlignage] = Field(description="Les mots trouvés dans extrait_texte, "
                                                      "dans l'ordre.")
    extrait: str = Field(deprecated=True, description="Le même passage en HTML (texte échappé, "
                         "mots trouvés entre <mark> et </mark>), gardé pour les clients de la "
                         "première version ; préférer extrait_texte et surlignages.")
    url: Url = Field(description="Adresse de la fiche sur le site.")


class ValeurFacette(Model):
    valeur: str
    nombre: Count = Field(description="Fiches de la recherche qui ont cette valeur.")


class Resultats(Model):
    """One page of search results, with the facets of every matching record."""

    total: Count = Field(description="Fiches qui correspondent à la recherche et aux filtres.")
    page: int = Field(ge=1)
    par_page: int = Field(ge=1, le=MAX_PER_PAGE)
    resultats: list[Resultat]
    facettes: dict[Facet, list[ValeurFacette]] = Field(
        description="Pour chaque facette, le nombre de fiches de la recherche par valeur.")
    suggestion: str | None = Field(description="Orthographe proposée quand un mot est inconnu.")
    message: str | None = Field(description="Explication quand la recherche a été adaptée.")


# --- records -----------------------------------------------------------------------------

def _with_fields_of(record_schema: dict) -> Callable[[dict[str, Any]], None]:
    """A json_schema_extra that adds the catalogue's properties to a model's own ones."""
    def extra(schema: dict[str, Any]) -> None:
        own = schema.get("properties", {})
        schema["properties"] = {**record_schema["properties"], **own}
        schema["required"] = sorted({*record_schema["required"], *schema.get("required", [])})
        schema["additionalProperties"] = False
    return extra


def _fiche() -> dict:
    return {k: v for k, v in json_schema().items() if k not in ("$schema", "$id", "$defs")}


class AdministrationResume(Model):
    id: str
    nom: str
    sigle: str
    type: str = Field(description="Code du type d'organisme.")
    siren: str
    url: Url = Field(description="Adresse de l'administration dans l'API.")


class Algorithme(Model):
    """A record: every key of its front matter (see the schema of the records), plus these."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True,
                              json_schema_extra=_with_fields_of(_fiche()))
    id: str
    corps_html: str = Field(description="Corps de la fiche en HTML (Markdown rendu et "
                                        "assaini).")
    derniere_modification: str | None = Field(description="Date ISO du dernier commit qui a "
                                                          "modifié la fiche.")
    administration_detail: AdministrationResume


class AlgorithmeLien(Model):
    id: str
    nom: str
    url: Url


class Administration(Model):
    """An administration: every key of its record, plus its body, CADA rate and algorithms."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True,
                              json_schema_extra=_with_fields_of(administration_schema()))
    id: str
    corps_html: str
    taux_reponse_cada: dict[str, Any] | None = Field(
        description="Taux de réponse aux avis de la CADA (2016-2019), ou null.")
    algorithmes: list[AlgorithmeLien]


# --- coverage ----------------------------------------------------------------------------

class Chiffre(Model):
    """A count over a denominator, as the site writes it."""

    n: Count = Field(description="Fiches qui remplissent la condition.")
    N: Count = Field(description="Dénominateur : les fiches comptées.")
    pourcentage: str = Field(description="100 n / N, une décimale, à la française ; « — » "
                                         "quand N vaut 0.")
    valeur: float | None = Field(description="Le même pourcentage en nombre, ou null.")
    texte: str = Field(description="« n / N (pourcentage) ».")


class CritereCouverture(Model):
    id: CriterionKey
    libelle: str
    etats: dict[Etat, Count] = Field(description="Nombre de fiches par état de publication.")
    publie: Count
    partiel: Count
    obtenu: Count
    tous: Chiffre = Field(description="Publié, sur toutes les fiches.")
    applicables: Chiffre = Field(description="Publié, sur les fiches concernées.")


class Groupe(Model):
    slug: str
    libelle: str
    total: Count
    score: Chiffre = Field(description="Critères concernés publiés, toutes fiches du groupe.")
    criteres: list[CritereCouverture]


class ScoreFiche(Model):
    id: str
    nom: str
    administration: str
    score: Chiffre
    partiels: Count
    obtenus: Count
    demandes_en_attente: Count
    demandes_ouvertes: Count


class ChiffresCritere(Model):
    tous: Chiffre
    applicables: Chiffre


class PointMensuel(Model):
    mois: str = Field(description="AAAA-MM.")
    libelle: str
    commit: str
    total: Count
    fiches_invalides: Count
    criteres: dict[CriterionKey, ChiffresCritere]


class PointHistorique(Model):
    date: str = Field(description="Date ISO 8601 du commit.")
    commit: str
    total: Count
    fiches_invalides: Count
    criteres: dict[CriterionKey, ChiffresCritere]


class Tendance(Model):
    disponible: bool
    motif: str
    points: list[PointMensuel] = Field(description="Fin de chaque mois.")
    historique: list[PointHistorique] = Field(description="Après chaque version des fiches "
                                              "(au plus 120 : une par jour, semaine ou mois "
                                              "quand l'historique est plus long).")


class VersionDesFiches(Model):
    commit: str
    date: str = Field(description="Date ISO 8601 du commit.")


class _Couverture(Model):
    total: Count
    criteres: list[CritereCouverture]
    fiches: list[ScoreFiche] = Field(description="Score de chaque fiche, du plus bas au plus "
                                                 "haut.")
    fiches_avec_demande_en_attente: Count
    fiches_avec_demande_ouverte: Count
    date: date
    version: VersionDesFiches | None = Field(description="Version des fiches dont viennent "
                                             "les chiffres (paramètres commit ou date) ; null : "
                                             "la dernière construction du site.")
    tendance: Tendance


Couverture = create_model(
    "Couverture", __base__=_Couverture, __doc__="Transparency figures.",
    **{f"par_{name}": (list[Groupe], Field(description=f"Par {heading.lower()}."))
       for name, (_key, heading) in BREAKDOWNS.items()})

RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    Resultats, Algorithme, Administration, Couverture, Erreur)
