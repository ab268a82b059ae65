"""The field catalogue: the one place where every record field is declared, with its roles.

Validation, display labels, exports, the published JSON Schema, coverage criteria, search,
facets and CADA letters are all derived from the declarations below. Never list fields, or
their roles, anywhere else. Two kinds of records share the format: algorithms
(``data/algorithms/<id>.md``, ``FIELDS``) and administrations
(``data/administrations/<id>.md``, ``ADMINISTRATION_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from registry.records.vocabularies import (
    ADMINISTRATION_TYPES,
    AI_CATEGORIES,
    AI_OBLIGATIONS,
    AI_POINTS,
    DEGRES,
    DEMANDE_STATUTS,
    DOMAINES,
    ETATS,
    ETATS_NEEDING_NOTE,
    ETATS_WITH_URL,
    EVALUATION_TYPES,
    OUI_NON,
    PRIMARY_SOURCE_TYPES,
    RECOURS_TYPES,
    REGIMES_RECOURS,
    SOURCE_TYPES,
    STATUTS,
    TYPES_TECHNIQUES,
)

__all__ = [  # the vocabularies are part of the catalogue's interface
    "ADMINISTRATION_TYPES", "AI_CATEGORIES", "AI_OBLIGATIONS", "AI_POINTS", "DEGRES",
    "DEMANDE_STATUTS", "DOMAINES", "ETATS", "ETATS_NEEDING_NOTE", "ETATS_WITH_URL",
    "EVALUATION_TYPES", "OUI_NON", "PRIMARY_SOURCE_TYPES", "RECOURS_TYPES", "REGIMES_RECOURS",
    "SOURCE_TYPES", "STATUTS", "TYPES_TECHNIQUES",
]

SCHEMA_VERSION = 2
ALGORITHME, ADMINISTRATION = "algorithme", "administration"  # the two kinds of records

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

MAX_QUOTE_WORDS = 30
KEY_MAX = 40


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

    def child(self, key: str) -> Field | None:
        return next((c for c in self.children if c.key == key), None)


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


# --- Transparency criteria -------------------------------------------------------

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "regles_publiees",
        "Règles publiées en ligne",
        "CRPA art. L312-1-3",
        "l'administration publie en ligne les règles définissant le traitement "
        "et ses principales caractéristiques de mise en œuvre",
        "les règles définissant le traitement algorithmique et les principales "
        "caractéristiques de sa mise en œuvre (article L312-1-3 du CRPA)",
        crpa_individual=True,
    ),
    Criterion(
        "mention_explicite",
        "Mention explicite sur les décisions",
        "CRPA art. L311-3-1",
        "les décisions individuelles prises sur le fondement du traitement "
        "portent la mention explicite prévue par la loi",
        "un modèle de décision individuelle comportant la mention explicite "
        "prévue à l'article L311-3-1 du CRPA",
        crpa_individual=True,
    ),
    Criterion(
        "code_source",
        "Code source",
        "CRPA art. L300-2",
        "le code source (ou les formules pour un tableur) est publié sous une "
        "forme consultable",
        "le code source du traitement, dans sa version en vigueur, dans un "
        "standard ouvert (articles L300-2 et L300-4 du CRPA)",
    ),
    Criterion(
        "documentation",
        "Documentation technique",
        "CRPA art. L300-2",
        "une documentation fonctionnelle ou technique décrit le fonctionnement",
        "la documentation fonctionnelle et technique du traitement (cahiers des "
        "charges, spécifications, notes méthodologiques)",
    ),
    Criterion(
        "criteres_ponderation",
        "Critères et pondération",
        "CRPA art. R311-3-1-2, 3°",
        "les paramètres de traitement et leur pondération sont publiés",
        "la liste des paramètres ou critères utilisés et leur pondération "
        "(article R311-3-1-2, 3° du CRPA)",
    ),
    Criterion(
        "donnees_sources",
        "Données et sources",
        "CRPA art. R311-3-1-2, 2°",
        "les données traitées et leurs sources sont publiées",
        "la liste des données traitées et de leurs sources (article R311-3-1-2, "
        "2° du CRPA)",
    ),
    Criterion(
        "evaluation_interne",
        "Évaluation interne",
        "",
        "une évaluation menée par l'administration (performance, biais, effets) "
        "est publiée",
        "les évaluations internes du traitement (performance, biais, effets sur "
        "les personnes concernées)",
    ),
    Criterion(
        "evaluation_externe",
        "Évaluation externe ou audit",
        "",
        "une évaluation, un audit ou un contrôle par un tiers (Cour des comptes, "
        "CNIL, Défenseur des droits, chercheurs) est publié",
        "les rapports d'audit, d'inspection ou d'évaluation externes du traitement",
    ),
    Criterion(
        "budget",
        "Budget",
        "",
        "le coût (développement, fonctionnement) est publié avec sa période",
        "les documents budgétaires relatifs au traitement : coûts de développement "
        "et de fonctionnement, par année",
    ),
    Criterion(
        "analyse_impact",
        "Analyse d'impact (AIPD)",
        "RGPD art. 35",
        "l'analyse d'impact relative à la protection des données est publiée",
        "l'analyse d'impact relative à la protection des données (AIPD) du "
        "traitement",
    ),
    Criterion(
        "prestataires",
        "Prestataires et marchés",
        "",
        "les entreprises qui développent ou exploitent le système et les marchés "
        "correspondants sont publiés",
        "les marchés publics et contrats passés pour le développement ou "
        "l'exploitation du traitement (références, titulaires, montants)",
    ),
    Criterion(
        "voies_de_recours",
        "Voies de recours",
        "CRPA art. L311-3-1 et R311-3-1-2",
        "les personnes concernées sont informées de la manière de contester une "
        "décision et d'obtenir une explication",
        "les documents informant les usagers des voies de recours et de la "
        "possibilité d'obtenir une explication sur le traitement",
        cada_requestable=False,
    ),
)
CRITERIA_BY_KEY = {c.key: c for c in CRITERIA}

# --- Sections (display order of the record page) --------------------------------

SECTIONS = {
    "identification": "Identification",
    "finalite": "Finalité et décision",
    "fonctionnement": "Fonctionnement et critères",
    "donnees": "Données",
    "prestataires": "Prestataires et budget",
    "evaluations": "Évaluations",
    "transparence": "Transparence",
    "ai_act": "Règlement européen sur l'IA",
    "recours": "Recours",
    "demandes": "Demandes d'accès",
    "sources": "Sources",
    "suivi": "Suivi de la fiche",
}
# The steps of the guided « Proposer un algorithme » (each field says its step: `guide`);
# what no step names is an optional detail, offered by section after the last step.
GUIDE_STEPS = {
    "quoi": "Ce que c'est",
    "qui": "Qui l'utilise",
    "sources": "Les sources",
}
ADMINISTRATION_SECTIONS = {
    "identification": "Identification",
    "contacts": "Contacts",
    "sources": "Sources",
    "suivi": "Suivi de la fiche",
}


def _enum(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(values)


_URL_HELP = "Adresse web complète commençant par http:// ou https://."
_CITE_HELP = ("Clé d'une source de la fiche (ou liste de clés) qui établit ce fait, "
              "par ex. ccomptes-2026-ft.")


def _source(required: bool = False) -> Field:
    return Field("source", CITE, "Source", _CITE_HELP, required=required,
                 example="ccomptes-2026-ft")


_ETAT_ITEM: tuple[Field, ...] = (
    Field("etat", ENUM, "État", "Publié, partiel, obtenu, non publié, refusé, sans objet ou "
          "inconnu.", required=True, choices=_enum(ETATS), example="non_publie"),
    Field("url", URL, "Preuve", "Obligatoire si l'état est publie, partiel ou obtenu : le "
          "document publié ou obtenu.", example="https://example.org/code"),
    Field("date", DATE, "Date", "Date de la publication ou de la vérification.",
          example="2025-11"),
    Field("note", TEXT, "Note", "Précision (motif d'un refus, limites…) ; pour un état non "
          "publié ou inconnu, où l'on a cherché.", example="Cherché sur le site de la CNAF."),
    _source(),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("cle", KEY, "Clé", "Identifiant court et stable de la source dans la fiche (minuscules, "
          "chiffres, tirets), cité par les renvois [^cle] du texte et les champs source.",
          required=True, max_length=KEY_MAX, example="ccomptes-2026-ft"),
    Field("url", URL, "Adresse", _URL_HELP, required=True, example="https://www.ccomptes.fr/"),
    Field("titre", TEXT, "Titre", "Titre de la page ou du document, avec son auteur et sa date.",
          required=True, max_length=300, example="Cour des comptes – France Travail et "
          "l'intelligence artificielle (janvier 2026)"),
    Field("type", ENUM, "Type", "Nature de la source (les six premiers types sont des sources "
          "primaires).", required=True, choices=_enum(SOURCE_TYPES), example="controle"),
    Field("date", DATE, "Publiée le", "Date de publication du document, si elle est connue.",
          example="2026-01-08"),
    Field("consulte_le", DATE, "Consultée le", "Le jour où la source a réellement été lue "
          "(AAAA-MM-JJ).", required=True, example="2026-12-07"),
    Field("extrait", TEXT, "Extrait", f"Citation exacte, {MAX_QUOTE_WORDS} mots au plus, du "
          "passage qui établit les faits qui renvoient à cette source.",
          max_length=400, max_words=MAX_QUOTE_WORDS,
          example="Une trentaine d'outils IA sont identifiés par la Cour des comptes."),
    Field("archive", URL, "Copie archivée", "Adresse d'une copie archivée (Wayback Machine, "
          "archive.org…), quand elle existe.", example="https://web.archive.org/web/2026/"),
)

_CONTACT: tuple[Field, ...] = (
    Field("nom", TEXT, "Nom", "Nom ou intitulé, tel que publié (jamais un nom deviné).",
          max_length=200, example="Médiateur de la Caf"),
    Field("fonction", TEXT, "Fonction", "Fonction, telle que publiée.", max_length=200,
          example="Personne responsable de l'accès aux documents administratifs"),
    Field("adresse", TEXT_LIST, "Adresse postale", "Lignes de l'adresse, sans le nom de "
          "l'organisme.", max_length=200, example=["32 avenue de la Sibelle",
                                                   "75685 Paris Cedex 14"]),
    Field("courriel", EMAIL, "Courriel", "Adresse électronique publiée.",
          example="prada@example.gouv.fr"),
    Field("formulaire", URL, "Formulaire", "Formulaire de contact en ligne.",
          example="https://example.gouv.fr/contact"),
    Field("url", URL, "Page", "Page qui présente ce contact ou la démarche.",
          example="https://example.gouv.fr/mediateur"),
    _source(required=True),
    Field("verifie_le", DATE, "Vérifié le", "Date de la vérification (AAAA-MM-JJ).",
          example="2026-12-07"),
    Field("note", TEXT, "Note", "Précision sur ce contact (ancienneté de la source…).",
          max_length=500, example="À revérifier avant l'envoi."),
)

RECOURS_FIELDS: tuple[Field, ...] = (
    Field("type", ENUM, "Démarche", "Nature de la démarche.", required=True,
          choices=_enum(RECOURS_TYPES), example="recours_prealable_obligatoire"),
    Field("organe", TEXT, "Auprès de qui", "Organe ou service à saisir.", required=True,
          max_length=300, example="Commission de recours amiable de la CAF"),
    Field("description", TEXT, "Comment", "Ce qu'il faut faire, en français simple.",
          max_length=1000, example="Écrire à la commission en joignant la décision contestée."),
    Field("delai", DELAI, "Délai pour agir", "Temps dont la personne dispose : « 2 mois », "
          "« 30 jours », « 1 an » ou « aucun ».", example="2 mois"),
    Field("depart", TEXT, "À compter de", "Point de départ du délai.", max_length=200,
          example="la notification de la décision"),
    Field("delai_reponse", DELAI, "Délai de réponse", "Temps dont l'organe dispose pour "
          "répondre.", example="2 mois"),
    Field("silence", TEXT, "Silence", "Ce que vaut l'absence de réponse.", max_length=200,
          example="vaut rejet"),
    Field("obligatoire", BOOL, "Obligatoire", "true si la démarche est obligatoire avant le "
          "juge.", example=True),
    Field("fondement", TEXT, "Fondement", "Texte qui prévoit la démarche.", max_length=300,
          example="Code de la sécurité sociale, art. R142-1"),
    Field("url", URL, "Page", "Page officielle qui explique la démarche ou son formulaire.",
          example="https://www.caf.fr/"),
    _source(),
)

FIELDS: tuple[Field, ...] = (
    Field("schema", INT, "Version du schéma", f"Toujours {SCHEMA_VERSION} pour ce format.",
          "suivi", required=True, example=SCHEMA_VERSION),
    Field("nom", TEXT, "Nom", "Nom usuel de l'algorithme ou du système.",
          "identification", required=True, max_length=200, search_boost=6.0,
          example="Score de risque des allocataires", guide="quoi"),
    Field("sigle", TEXT, "Sigle", "Sigle ou nom court, s'il existe.",
          "identification", max_length=40, example="DMDE", guide="quoi"),
    Field("nom_en", TEXT, "Nom en anglais", "Traduction anglaise du nom, écrite à la main.",
          "identification", max_length=200, example="Benefit claimant risk score"),
    Field("resume", TEXT, "Résumé",
          "Ce que fait l'algorithme, en français simple, 400 caractères au plus.",
          "identification", required=True, max_length=400, citable=True, search_boost=3.0,
          example="Attribue chaque mois un score de risque à chaque allocataire.", guide="quoi"),
    Field("resume_en", TEXT, "Résumé en anglais", "Traduction anglaise du résumé.",
          "identification", max_length=600, example="Scores every household each month."),
    Field("description_en", TEXT, "Description en anglais",
          "Traduction anglaise de la section « Description » (Markdown, avec les mêmes "
          "renvois [^cle]).", "identification", max_length=8000, example="The model ..."),
    Field("administration", REF, "Administration",
          "Identifiant de l'organisme public qui utilise l'algorithme : le nom d'un fichier "
          "de data/administrations/.", "identification", required=True, ref=ADMINISTRATION,
          facet=True, breakdown=True, search_boost=2.0, example="cnaf", guide="qui"),
    Field("service", TEXT, "Service",
          "Direction ou service qui porte le projet, et partenaires de mise en œuvre.",
          "identification", max_length=300, citable=True, example="Direction des statistiques",
          guide="qui"),
    Field("domaine", ENUM, "Domaine", "Domaine de l'action publique.",
          "identification", required=True, choices=_enum(DOMAINES), facet=True, breakdown=True,
          example="social", guide="quoi"),
    Field("statut", ENUM, "Statut", "Situation actuelle du système.",
          "identification", required=True, choices=_enum(STATUTS), citable=True, facet=True,
          example="deploye", guide="quoi"),
    Field("date_debut", DATE, "Début", "Date de mise en service : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", citable=True, example="2010"),
    Field("date_fin", DATE, "Fin", "Date d'arrêt, le cas échéant : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", citable=True, example="2024-06"),
    Field("remplace_par", REF, "Remplacé par", "Identifiant de la fiche du système qui a "
          "remplacé celui-ci (avec statut abandonne et date_fin).", "identification",
          ref=ALGORITHME, example="parcoursup"),
    Field("type_technique", ENUM, "Type de technique",
          "Règles écrites, apprentissage automatique, IA générative ou hybride.",
          "fonctionnement", required=True, choices=_enum(TYPES_TECHNIQUES), citable=True,
          facet=True, example="apprentissage_automatique", guide="quoi"),
    Field("decision_individuelle", ENUM, "Décision individuelle",
          "L'algorithme fonde-t-il des décisions individuelles (CRPA L311-3-1) ?",
          "finalite", required=True, choices=_enum(OUI_NON), citable=True, example="oui",
          guide="qui"),
    Field("degre_automatisation", ENUM, "Degré d'automatisation",
          "Qui décide : la machine seule, un agent aidé par la machine, ou personne.",
          "finalite", required=True, choices=_enum(DEGRES), citable=True,
          example="aide_a_la_decision", guide="qui"),
    Field("regime_recours", ENUM, "Régime de recours",
          "Voie de contestation des décisions, quand elle diffère de celle déduite de "
          "l'administration et du domaine.", "recours", choices=_enum(REGIMES_RECOURS),
          example="securite_sociale"),
    Field("public_concerne", TEXT, "Public concerné", "Qui est touché par l'algorithme.",
          "finalite", citable=True, example="Allocataires des CAF", guide="qui"),
    Field("volumetrie", TEXT, "Volumétrie", "Combien de personnes ou de dossiers, avec la période.",
          "finalite", citable=True, example="13 millions de foyers notés chaque mois"),
    Field("page_officielle", URL, "Page officielle", "Page de l'administration sur le système.",
          "identification", example="https://www.caf.fr/"),
    Field("mots_cles", TEXT_LIST, "Mots-clés", "Mots-clés pour la recherche, dont les mots que "
          "les personnes concernées emploient.", "identification", search_boost=4.5,
          example=["contrôle", "fraude"]),
    Field("citations", CITATIONS, "Sources des champs",
          "Pour chaque champ qui n'est pas évident (volumetrie, date_debut, statut…), la ou les "
          "clés des sources qui l'établissent.", "sources",
          example={"volumetrie": ["lemonde-2023"]}),
    Field("fondement_juridique", OBJECT_LIST, "Fondement juridique",
          "Textes qui autorisent ou encadrent le traitement.", "finalite", children=(
              Field("titre", TEXT, "Titre", "Intitulé du texte.", required=True,
                    example="Arrêté du 21 février 2014"),
              Field("url", URL, "Lien", _URL_HELP, example="https://www.legifrance.gouv.fr/"),
              _source(),
          )),
    Field("criteres", OBJECT_LIST, "Critères utilisés",
          "Les critères et pondérations utilisés, autant qu'on les connaisse.",
          "fonctionnement", children=(
              Field("nom", TEXT, "Critère", "Nom du critère.", required=True,
                    example="Ancienneté dans le dossier"),
              Field("poids", TEXT, "Pondération", "Poids ou effet connu.",
                    example="augmente le score"),
              _source(),
          )),
    Field("donnees", OBJECT_LIST, "Données utilisées",
          "Données traitées et leur provenance.", "donnees", children=(
              Field("nom", TEXT, "Donnée", "Nom de la donnée ou du fichier.", required=True,
                    example="Revenus déclarés"),
              Field("provenance", TEXT, "Provenance", "Fichier ou organisme d'origine.",
                    example="DGFiP"),
              Field("personnelles", BOOL, "Données personnelles",
                    "true si la donnée concerne des personnes identifiables.", example=True),
              _source(),
          )),
    Field("prestataires", OBJECT_LIST, "Prestataires",
          "Entreprises ou organismes qui ont construit ou exploitent le système.",
          "prestataires", children=(
              Field("nom", TEXT, "Prestataire", "Nom de l'entreprise ou de l'organisme.",
                    required=True, example="Capgemini"),
              Field("siren", SIREN, "SIREN", "SIREN du prestataire, entre guillemets.",
                    example="330703844"),
              Field("role", TEXT, "Rôle", "Ce que le prestataire a fait.", required=True,
                    example="développement"),
              _source(),
          )),
    Field("budget", OBJECT_LIST, "Budget", "Montants connus, avec leur période et leur source.",
          "prestataires", children=(
              Field("montant_eur", NUMBER, "Montant (€)", "Montant en euros, nombre positif sans "
                    "espace.", required=True, example=34500000),
              Field("periode", TEXT, "Période", "Année ou période couverte.", required=True,
                    example="2014-2022"),
              Field("nature", TEXT, "Nature", "Développement, fonctionnement, marché…",
                    required=True, example="coût total annoncé"),
              _source(required=True),
          )),
    Field("evaluations", OBJECT_LIST, "Évaluations",
          "Évaluations, audits et contrôles connus.", "evaluations", children=(
              Field("type", ENUM, "Type", "Nature de l'évaluation.", required=True,
                    choices=_enum(EVALUATION_TYPES), example="controle"),
              Field("auteur", TEXT, "Auteur", "Qui a évalué.", required=True,
                    example="Cour des comptes"),
              Field("date", DATE, "Date", "AAAA, AAAA-MM ou AAAA-MM-JJ.", example="2024-10-22"),
              Field("publique", BOOL, "Publique", "true si le document est public.",
                    required=True, example=True),
              Field("url", URL, "Lien", _URL_HELP, example="https://www.ccomptes.fr/"),
              Field("resume", TEXT, "Résumé", "Ce que conclut l'évaluation.",
                    example="Gains de productivité non démontrés."),
              _source(),
          )),
    Field("transparence", ETAT_MAP, "Transparence",
          "État de publication de chaque critère de transparence.", "transparence",
          keys=tuple(c.key for c in CRITERIA), children=_ETAT_ITEM),
    Field("ai_act", OBJECT, "Règlement européen sur l'IA",
          "Le système au regard du règlement (UE) 2024/1689 : est-ce un système d'IA, dans quelle "
          "catégorie, avec quelles obligations.", "ai_act", children=(
              Field("systeme_ia", ENUM, "Système d'IA", "Est-ce un système d'IA au sens de "
                    "l'article 3, point 1 ?", required=True, choices=_enum(OUI_NON),
                    example="oui"),
              Field("motif_systeme_ia", TEXT, "Pourquoi", "Raisonnement (un jeu de règles fixes "
                    "n'est pas un système d'IA).", max_length=1000,
                    example="Modèle statistique entraîné sur des données."),
              Field("categorie", ENUM, "Catégorie", "Catégorie de risque.", required=True,
                    choices=_enum(AI_CATEGORIES), example="haut_risque"),
              Field("point", ENUM, "Disposition", "Article ou point de l'annexe III qui fonde la "
                    "catégorie.", choices=_enum(AI_POINTS), example="annexe-iii-5-a"),
              Field("motif", TEXT, "Raisonnement", "Pourquoi cette catégorie.", max_length=1500,
                    example="Sert à réclamer des prestations d'aide sociale."),
              Field("jugement", BOOL, "Appréciation du registre", "true quand la classification "
                    "est l'appréciation du registre, faute de classification officielle.",
                    example=True),
              _source(),
              Field("obligations", ETAT_MAP, "Obligations", "Où en est chaque obligation qui "
                    "découle de la catégorie.", keys=_enum(AI_OBLIGATIONS),
                    children=_ETAT_ITEM),
          )),
    Field("recours", OBJECT_LIST, "Contester une décision",
          "Les démarches propres à ce système, dans l'ordre où une personne les suit.",
          "recours", children=RECOURS_FIELDS),
    Field("demandes", OBJECT_LIST, "Demandes d'accès",
          "Journal des demandes de documents (CADA) faites sur cet algorithme.", "demandes",
          children=(
              Field("date_envoi", DATE, "Envoyée le", "AAAA-MM-JJ.", required=True,
                    example="2026-03-10"),
              Field("demandeur", TEXT, "Demandeur", "Personne ou association.", required=True,
                    example="La Quadrature du Net"),
              Field("destinataire", TEXT, "Destinataire", "Administration ou PRADA saisie.",
                    required=True, example="CNAF"),
              Field("objet", TEXT, "Objet", "Documents demandés.", required=True,
                    example="Code source du score de risque"),
              Field("statut", ENUM, "Statut", "Où en est la demande.", required=True,
                    choices=_enum(DEMANDE_STATUTS), example="en_attente"),
              Field("date_reception", DATE, "Reçue le",
                    "Date de réception par l'administration (accusé de réception), AAAA-MM-JJ ; "
                    "à défaut, les délais partent de la date d'envoi.", example="2026-03-12"),
              Field("date_reponse", DATE, "Réponse le", "AAAA-MM-JJ.", example="2026-04-02"),
              Field("date_enregistrement_cada", DATE, "Saisine enregistrée le",
                    "Date d'enregistrement de la saisine par la CADA, AAAA-MM-JJ.",
                    example="2026-06-01"),
              Field("avis_cada", TEXT, "Avis CADA", "Numéro, date et sens de l'avis.",
                    example="n° 20226179 du 15 décembre 2022 : favorable"),
              Field("url", URL, "Lien", "Page de suivi (Ma Dada…).",
                    example="https://madada.fr/"),
              _source(),
          )),
    Field("sources", OBJECT_LIST, "Sources", "Au moins une source par fiche ; chacune est citée "
          "au moins une fois.", "sources", required=True, min_items=1, children=SOURCE_FIELDS,
          guide="sources"),
    Field("revu_le", DATE, "Fiche vérifiée le", "Date de la dernière vérification complète de "
          "la fiche (AAAA-MM-JJ).", "suivi", example="2026-12-07"),
    Field("redacteurs", TEXT_LIST, "Rédacteurs",
          "Personnes ou collectifs qui ont rédigé ou relu la fiche, s'ils le souhaitent.",
          "suivi", example=["Équipe du registre"]),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
CITABLE: tuple[str, ...] = tuple(f.key for f in FIELDS if f.citable)

ADMINISTRATION_FIELDS: tuple[Field, ...] = (
    Field("schema", INT, "Version du schéma", f"Toujours {SCHEMA_VERSION} pour ce format.",
          "suivi", required=True, example=SCHEMA_VERSION),
    Field("nom", TEXT, "Nom officiel", "Nom officiel complet de l'organisme.", "identification",
          required=True, max_length=200, example="Caisse nationale des allocations familiales"),
    Field("sigle", TEXT, "Sigle", "Sigle usuel.", "identification", max_length=40,
          example="Cnaf"),
    Field("alias", TEXT_LIST, "Autres noms", "Autres noms en usage (anciens noms, graphies des "
          "données de la CADA, noms des fiches au schéma 1).", "identification", max_length=200,
          example=["Caisse nationale des allocations familiales (Cnaf)"]),
    Field("type", ENUM, "Type d'organisme", "Nature de l'organisme.", "identification",
          required=True, choices=_enum(ADMINISTRATION_TYPES), citable=True, breakdown=True,
          example="securite_sociale"),
    Field("nature", TEXT, "Nature juridique", "Forme juridique, telle que publiée.",
          "identification", max_length=200, citable=True,
          example="Établissement public national à caractère administratif"),
    Field("ensemble", BOOL, "Ensemble d'organismes", "true quand l'identifiant désigne un "
          "ensemble (tous les départements, toutes les ARS…).", "identification", example=False),
    Field("parent", REF, "Organisme de tutelle", "Identifiant de l'organisme de rattachement.",
          "identification", ref=ADMINISTRATION, citable=True, example="ministere-economie"),
    Field("siren", SIREN, "SIREN", "Numéro SIREN à 9 chiffres (clé de Luhn vérifiée), tel que "
          "publié par l'annuaire des entreprises ou l'organisme ; entre guillemets.",
          "identification", citable=True, example="180035024"),
    Field("site_web", URL, "Site web", _URL_HELP, "identification", citable=True,
          example="https://www.caf.fr/"),
    Field("adresse", TEXT_LIST, "Adresse du siège", "Lignes de l'adresse postale du siège, sans "
          "le nom de l'organisme.", "contacts", max_length=200, citable=True,
          example=["32 avenue de la Sibelle", "75685 Paris Cedex 14"]),
    Field("echelon_local", OBJECT, "Services locaux", "Quand les décisions sont prises par des "
          "services locaux : lesquels, et où trouver leur adresse.", "contacts", children=(
              Field("libelle", TEXT, "Service qui décide", "Service local, en français simple.",
                    required=True, max_length=500,
                    example="la caisse d'allocations familiales (CAF) de votre département"),
              Field("annuaire", URL, "Annuaire", "Page officielle pour trouver son adresse.",
                    example="https://www.caf.fr/"),
              _source(required=True),
          )),
    Field("prada", OBJECT, "Personne responsable de l'accès aux documents (PRADA)",
          "À qui adresser une demande de documents administratifs.", "contacts",
          children=_CONTACT),
    Field("dpo", OBJECT, "Délégué à la protection des données",
          "À qui adresser une demande d'accès à ses données (RGPD, article 15).", "contacts",
          children=_CONTACT),
    Field("mediateur", OBJECT, "Médiateur", "Le médiateur de l'organisme, s'il en existe un.",
          "contacts", children=_CONTACT),
    Field("cada_libelles", TEXT_LIST, "Noms dans les avis de la CADA",
          "Valeurs exactes de la colonne « administration » du jeu de données des taux de "
          "réponse aux demandes CADA qui désignent cet organisme.", "identification",
          max_length=300, example=["Pôle emploi"]),
    Field("citations", CITATIONS, "Sources des champs", "Pour chaque champ (siren, adresse, "
          "site_web…), la ou les clés des sources qui l'établissent.", "sources",
          example={"siren": ["annuaire-entreprises"]}),
    Field("sources", OBJECT_LIST, "Sources", "Au moins une source par fiche ; chacune est citée "
          "au moins une fois.", "sources", required=True, min_items=1, children=SOURCE_FIELDS),
    Field("revu_le", DATE, "Fiche vérifiée le", "Date de la dernière vérification complète "
          "(AAAA-MM-JJ).", "suivi", example="2026-12-07"),
    Field("redacteurs", TEXT_LIST, "Rédacteurs", "Personnes ou collectifs qui ont rédigé ou "
          "relu la fiche.", "suivi", example=["Équipe du registre"]),
)
ADMINISTRATION_FIELDS_BY_KEY = {f.key: f for f in ADMINISTRATION_FIELDS}
ADMINISTRATION_CITABLE: tuple[str, ...] = tuple(f.key for f in ADMINISTRATION_FIELDS
                                                if f.citable)
FIELDS_OF_KIND = {ALGORITHME: FIELDS, ADMINISTRATION: ADMINISTRATION_FIELDS}
CITABLE_OF_KIND = {ALGORITHME: CITABLE, ADMINISTRATION: ADMINISTRATION_CITABLE}

# Roles, derived from the declarations above (read these, never re-list the fields).
FACETS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.facet)
SEARCH_BOOSTS: dict[str, float] = {f.key: f.search_boost for f in FIELDS if f.search_boost}
BREAKDOWNS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.breakdown)

# Labels of every controlled value, by the field that uses it.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "domaine": DOMAINES,
    "statut": STATUTS,
    "type_technique": TYPES_TECHNIQUES,
    "decision_individuelle": OUI_NON,
    "degre_automatisation": DEGRES,
    "regime_recours": REGIMES_RECOURS,
    "transparence.etat": ETATS,
    "evaluations.type": EVALUATION_TYPES,
    "sources.type": SOURCE_TYPES,
    "demandes.statut": DEMANDE_STATUTS,
    "recours.type": RECOURS_TYPES,
    "ai_act.systeme_ia": OUI_NON,
    "ai_act.categorie": AI_CATEGORIES,
    "ai_act.point": AI_POINTS,
    "ai_act.obligations.etat": ETATS,
    "type": ADMINISTRATION_TYPES,  # of an administration record
    "administration.type": ADMINISTRATION_TYPES,  # an algorithm's administration, joined
}


def walk(fields: tuple[Field, ...] = FIELDS, prefix: str = "") -> Iterator[tuple[str, Field]]:
    """Yield (dotted path, field) for every field and sub-field."""
    for f in fields:
        path = f"{prefix}{f.key}"
        yield path, f
        if f.children:
            yield from walk(f.children, path + ".")


_PATHS = {ALGORITHME: dict(walk(FIELDS)), ADMINISTRATION: dict(walk(ADMINISTRATION_FIELDS))}


def field_at(path: str, kind: str = ALGORITHME) -> Field | None:
    """Return the field of a dotted path such as ``sources.cle``."""
    return _PATHS[kind].get(path)


def choice_label(path: str, value: object) -> str:
    """French label of a controlled value, or the value itself."""
    return CHOICE_LABELS.get(path, {}).get(str(value), str(value))


def label(path: str, kind: str = ALGORITHME) -> str:
    f = field_at(path, kind)
    return f.label if f else path
