"""The field catalogue: the one place where every record field is declared, with its roles.

Validation, display labels, exports, the published JSON Schema, coverage criteria, search,
facets and CADA letters are all derived from the declarations below. Never list fields, or
their roles, anywhere else. Two kinds of records share the format: algorithms
(``data/algorithms/<id>.md``, ``FIELDS``) and administrations
(``data/administrations/<id>.md``, ``ADMINISTRATION_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.records import vocabularies as vocab
from registry.records.fieldtypes import (
    BOOL,
    CITATIONS,
    CITE,
    DATE,
    DELAI,
    EMAIL,
    EMAIL_OR_URL,
    ENUM,
    ETAT_MAP,
    INT,
    KEY,
    NUMBER,
    OBJECT,
    OBJECT_LIST,
    REF,
    SIREN,
    TEXT,
    TEXT_LIST,
    URL,
    Criterion,
    Field,
)
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

__all__ = [  # the field types and the vocabularies are part of the catalogue's interface
    "BOOL", "CITATIONS", "CITE", "DATE", "DELAI", "EMAIL", "EMAIL_OR_URL", "ENUM", "ETAT_MAP",
    "INT", "KEY", "NUMBER", "OBJECT", "OBJECT_LIST", "REF", "SIREN", "TEXT", "TEXT_LIST", "URL",
    "Criterion", "Field",
    "ADMINISTRATION_TYPES", "AI_CATEGORIES", "AI_OBLIGATIONS", "AI_POINTS", "DEGRES",
    "DEMANDE_STATUTS", "DOMAINES", "ETATS", "ETATS_NEEDING_NOTE", "ETATS_WITH_URL",
    "EVALUATION_TYPES", "OUI_NON", "PRIMARY_SOURCE_TYPES", "RECOURS_TYPES", "REGIMES_RECOURS",
    "SOURCE_TYPES", "STATUTS", "TYPES_TECHNIQUES",
]

SCHEMA_VERSION = 2
ALGORITHME, ADMINISTRATION = "algorithme", "administration"  # the two kinds of records

MAX_QUOTE_WORDS = 30
KEY_MAX = 40


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
        label_en="Rules published online",
        published_means_en="the administration publishes online the rules that define the "
                           "processing and the main features of how it is applied"),
    Criterion(
        "mention_explicite",
        "Mention explicite sur les décisions",
        "CRPA art. L311-3-1",
        "les décisions individuelles prises sur le fondement du traitement "
        "portent la mention explicite prévue par la loi",
        "un modèle de décision individuelle comportant la mention explicite "
        "prévue à l'article L311-3-1 du CRPA",
        crpa_individual=True,
        label_en="Explicit notice on decisions",
        published_means_en="individual decisions taken on the basis of the processing "
                           "carry the explicit notice required by law"),
    Criterion(
        "code_source",
        "Code source",
        "CRPA art. L300-2",
        "le code source (ou les formules pour un tableur) est publié sous une "
        "forme consultable",
        "le code source du traitement, dans sa version en vigueur, dans un "
        "standard ouvert (articles L300-2 et L300-4 du CRPA)",
        label_en="Source code",
        published_means_en="the source code (or the formulas of a spreadsheet) is "
                           "published in a form that can be read"),
    Criterion(
        "documentation",
        "Documentation technique",
        "CRPA art. L300-2",
        "une documentation fonctionnelle ou technique décrit le fonctionnement",
        "la documentation fonctionnelle et technique du traitement (cahiers des "
        "charges, spécifications, notes méthodologiques)",
        label_en="Technical documentation",
        published_means_en="functional or technical documentation describes how it works"),
    Criterion(
        "criteres_ponderation",
        "Critères et pondération",
        "CRPA art. R311-3-1-2, 3°",
        "les paramètres de traitement et leur pondération sont publiés",
        "la liste des paramètres ou critères utilisés et leur pondération "
        "(article R311-3-1-2, 3° du CRPA)",
        label_en="Criteria and weighting",
        published_means_en="the processing parameters and their weighting are published"),
    Criterion(
        "donnees_sources",
        "Données et sources",
        "CRPA art. R311-3-1-2, 2°",
        "les données traitées et leurs sources sont publiées",
        "la liste des données traitées et de leurs sources (article R311-3-1-2, "
        "2° du CRPA)",
        label_en="Data and sources",
        published_means_en="the data processed and their sources are published"),
    Criterion(
        "evaluation_interne",
        "Évaluation interne",
        "",
        "une évaluation menée par l'administration (performance, biais, effets) "
        "est publiée",
        "les évaluations internes du traitement (performance, biais, effets sur "
        "les personnes concernées)",
        label_en="Internal evaluation",
        published_means_en="an evaluation carried out by the administration (performance, "
                           "bias, effects) is published"),
    Criterion(
        "evaluation_externe",
        "Évaluation externe ou audit",
        "",
        "une évaluation, un audit ou un contrôle par un tiers (Cour des comptes, "
        "CNIL, Défenseur des droits, chercheurs) est publié",
        "les rapports d'audit, d'inspection ou d'évaluation externes du traitement",
        label_en="External evaluation or audit",
        published_means_en="an evaluation, audit or review by a third party (Court of "
                           "Audit, CNIL, Defender of Rights, researchers) is published"),
    Criterion(
        "budget",
        "Budget",
        "",
        "le coût (développement, fonctionnement) est publié avec sa période",
        "les documents budgétaires relatifs au traitement : coûts de développement "
        "et de fonctionnement, par année",
        label_en="Budget",
        published_means_en="the cost (development, operation) is published with its period"),
    Criterion(
        "analyse_impact",
        "Analyse d'impact (AIPD)",
        "RGPD art. 35",
        "l'analyse d'impact relative à la protection des données est publiée",
        "l'analyse d'impact relative à la protection des données (AIPD) du "
        "traitement",
        label_en="Impact assessment (DPIA)",
        published_means_en="the data protection impact assessment is published"),
    Criterion(
        "prestataires",
        "Prestataires et marchés",
        "",
        "les entreprises qui développent ou exploitent le système et les marchés "
        "correspondants sont publiés",
        "les marchés publics et contrats passés pour le développement ou "
        "l'exploitation du traitement (références, titulaires, montants)",
        label_en="Contractors and contracts",
        published_means_en="the companies that develop or run the system and the "
                           "corresponding public contracts are published"),
    Criterion(
        "voies_de_recours",
        "Voies de recours",
        "CRPA art. L311-3-1 et R311-3-1-2",
        "les personnes concernées sont informées de la manière de contester une "
        "décision et d'obtenir une explication",
        "les documents informant les usagers des voies de recours et de la "
        "possibilité d'obtenir une explication sur le traitement",
        cada_requestable=False,
        label_en="Means of redress",
        published_means_en="the people concerned are told how to contest a decision and "
                           "how to obtain an explanation"),
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
GUIDE_STEPS_EN = {
    "quoi": "What it is",
    "qui": "Who uses it",
    "sources": "The sources",
}
SECTIONS_EN = {
    "identification": "Identification",
    "finalite": "Purpose and decision",
    "fonctionnement": "How it works and criteria",
    "donnees": "Data",
    "prestataires": "Contractors and budget",
    "evaluations": "Evaluations",
    "transparence": "Transparency",
    "ai_act": "EU AI Act",
    "recours": "Redress",
    "demandes": "Access requests",
    "sources": "Sources",
    "suivi": "Record history",
}


def _enum(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(values)


_URL_HELP = "Adresse web complète commençant par http:// ou https://."
_CITE_HELP = ("Clé d'une source de la fiche (ou liste de clés) qui établit ce fait, "
              "par ex. ccomptes-2026-ft.")
_URL_HELP_EN = "Full web address starting with http:// or https://."
_CITE_HELP_EN = ("Key of a source of the record (or a list of keys) that establishes this fact, "
                 "e.g. ccomptes-2026-ft.")


def _source(required: bool = False) -> Field:
    return Field("source", CITE, "Source", _CITE_HELP, required=required,
                 example="ccomptes-2026-ft",
                 label_en="Source", help_en=_CITE_HELP_EN)


_ETAT_ITEM: tuple[Field, ...] = (
    Field("etat", ENUM, "État", "Publié, partiel, obtenu, non publié, refusé, sans objet ou "
          "inconnu.", required=True, choices=_enum(ETATS), example="non_publie",
          label_en="State",
          help_en="Published, partial, obtained, not published, refused, not applicable or "
                  "unknown."),
    Field("url", URL, "Preuve", "Obligatoire si l'état est publie, partiel ou obtenu : le "
          "document publié ou obtenu.", example="https://example.org/code",
          label_en="Evidence",
          help_en="Required when the state is publie, partiel or obtenu: the published or "
                  "obtained document."),
    Field("date", DATE, "Date", "Date de la publication ou de la vérification.",
          example="2025-11",
          label_en="Date", help_en="Date of the publication or of the check."),
    Field("note", TEXT, "Note", "Précision (motif d'un refus, limites…) ; pour un état non "
          "publié ou inconnu, où l'on a cherché.", example="Cherché sur le site de la CNAF.",
          label_en="Note",
          help_en="Details (reason for a refusal, limits…); for a state not published or "
                  "unknown, where we looked."),
    _source(),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("cle", KEY, "Clé", "Identifiant court et stable de la source dans la fiche (minuscules, "
          "chiffres, tirets), cité par les renvois [^cle] du texte et les champs source.",
          required=True, max_length=KEY_MAX, example="ccomptes-2026-ft",
          label_en="Key",
          help_en="Short, stable identifier of the source within the record (lowercase letters, "
                  "digits, hyphens), cited by the [^key] markers of the text and by the source "
                  "fields."),
    Field("url", URL, "Adresse", _URL_HELP, required=True, example="https://www.ccomptes.fr/",
          label_en="Address", help_en=_URL_HELP_EN),
    Field("titre", TEXT, "Titre", "Titre de la page ou du document, avec son auteur et sa date.",
          required=True, max_length=300, example="Cour des comptes – France Travail et "
          "l'intelligence artificielle (janvier 2026)",
          label_en="Title", help_en="Title of the page or document, with its author and date."),
    Field("type", ENUM, "Type", "Nature de la source (les six premiers types sont des sources "
          "primaires).", required=True, choices=_enum(SOURCE_TYPES), example="controle",
          label_en="Type", help_en="Kind of source (the first six types are primary sources)."),
    Field("date", DATE, "Publiée le", "Date de publication du document, si elle est connue.",
          example="2026-01-08",
          label_en="Published on", help_en="Publication date of the document, if known."),
    Field("consulte_le", DATE, "Consultée le", "Le jour où la source a réellement été lue "
          "(AAAA-MM-JJ).", required=True, example="2026-12-07",
          label_en="Consulted on", help_en="The day the source was actually read (YYYY-MM-DD)."),
    Field("extrait", TEXT, "Extrait", f"Citation exacte, {MAX_QUOTE_WORDS} mots au plus, du "
          "passage qui établit les faits qui renvoient à cette source.",
          max_length=400, max_words=MAX_QUOTE_WORDS,
          example="Une trentaine d'outils IA sont identifiés par la Cour des comptes.",
          label_en="Quote",
          help_en=f"Exact quotation, {MAX_QUOTE_WORDS} words at most, of the passage that "
                  "establishes the facts citing this source."),
    Field("archive", URL, "Copie archivée", "Adresse d'une copie archivée (Wayback Machine, "
          "archive.org…), quand elle existe.", example="https://web.archive.org/web/2026/",
          label_en="Archived copy",
          help_en="Address of an archived copy (Wayback Machine, archive.org…), when one exists."),
)

_CONTACT: tuple[Field, ...] = (
    Field("nom", TEXT, "Nom", "Nom ou intitulé, tel que publié (jamais un nom deviné).",
          max_length=200, example="Médiateur de la Caf",
          label_en="Name", help_en="Name or title, as published (never a guessed name)."),
    Field("fonction", TEXT, "Fonction", "Fonction, telle que publiée.", max_length=200,
          example="Personne responsable de l'accès aux documents administratifs",
          label_en="Position", help_en="Position, as published."),
    Field("adresse", TEXT_LIST, "Adresse postale", "Lignes de l'adresse, sans le nom de "
          "l'organisme.", max_length=200, example=["32 avenue de la Sibelle",
                                                   "75685 Paris Cedex 14"],
          label_en="Postal address", help_en="Lines of the address, without the name of the body."),
    Field("courriel", EMAIL, "Courriel", "Adresse électronique publiée.",
          example="prada@example.gouv.fr",
          label_en="E-mail", help_en="Published e-mail address."),
    Field("formulaire", URL, "Formulaire", "Formulaire de contact en ligne.",
          example="https://example.gouv.fr/contact",
          label_en="Form", help_en="Online contact form."),
    Field("url", URL, "Page", "Page qui présente ce contact ou la démarche.",
          example="https://example.gouv.fr/mediateur",
          label_en="Page", help_en="Page that presents this contact or the procedure."),
    _source(required=True),
    Field("verifie_le", DATE, "Vérifié le", "Date de la vérification (AAAA-MM-JJ).",
          example="2026-12-07",
          label_en="Checked on", help_en="Date of the check (YYYY-MM-DD)."),
    Field("note", TEXT, "Note", "Précision sur ce contact (ancienneté de la source…).",
          max_length=500, example="À revérifier avant l'envoi.",
          label_en="Note", help_en="Details about this contact (age of the source…)."),
)

RECOURS_FIELDS: tuple[Field, ...] = (
    Field("type", ENUM, "Démarche", "Nature de la démarche.", required=True,
          choices=_enum(RECOURS_TYPES), example="recours_prealable_obligatoire",
          label_en="Step", help_en="Kind of step."),
    Field("organe", TEXT, "Auprès de qui", "Organe ou service à saisir.", required=True,
          max_length=300, example="Commission de recours amiable de la CAF",
          label_en="With whom", help_en="Body or department to turn to."),
    Field("description", TEXT, "Comment", "Ce qu'il faut faire, en français simple.",
          max_length=1000, example="Écrire à la commission en joignant la décision contestée.",
          label_en="How", help_en="What to do, in plain French."),
    Field("delai", DELAI, "Délai pour agir", "Temps dont la personne dispose : « 2 mois », "
          "« 30 jours », « 1 an » ou « aucun ».", example="2 mois",
          label_en="Time limit to act",
          help_en="Time the person has: « 2 mois », « 30 jours », « 1 an » or « aucun » (written "
                  "in French)."),
    Field("depart", TEXT, "À compter de", "Point de départ du délai.", max_length=200,
          example="la notification de la décision",
          label_en="Counted from", help_en="Starting point of the time limit."),
    Field("delai_reponse", DELAI, "Délai de réponse", "Temps dont l'organe dispose pour "
          "répondre.", example="2 mois",
          label_en="Time limit for the answer", help_en="Time the body has to answer."),
    Field("silence", TEXT, "Silence", "Ce que vaut l'absence de réponse.", max_length=200,
          example="vaut rejet",
          label_en="Silence", help_en="What the absence of an answer amounts to."),
    Field("obligatoire", BOOL, "Obligatoire", "true si la démarche est obligatoire avant le "
          "juge.", example=True,
          label_en="Mandatory", help_en="true if the step is mandatory before going to court."),
    Field("fondement", TEXT, "Fondement", "Texte qui prévoit la démarche.", max_length=300,
          example="Code de la sécurité sociale, art. R142-1",
          label_en="Legal basis", help_en="Text that provides for the step."),
    Field("url", URL, "Page", "Page officielle qui explique la démarche ou son formulaire.",
          example="https://www.caf.fr/",
          label_en="Page", help_en="Official page that explains the step or hosts its form."),
    _source(),
)

FIELDS: tuple[Field, ...] = (
    Field("schema", INT, "Version du schéma", f"Toujours {SCHEMA_VERSION} pour ce format.",
          "suivi", required=True, example=SCHEMA_VERSION,
          label_en="Schema version", help_en=f"Always {SCHEMA_VERSION} for this format."),
    Field("nom", TEXT, "Nom", "Nom usuel de l'algorithme ou du système.",
          "identification", required=True, max_length=200, search_boost=6.0,
          example="Score de risque des allocataires",
          guide="quoi", label_en="Name", help_en="Usual name of the algorithm or system."),
    Field("sigle", TEXT, "Sigle", "Sigle ou nom court, s'il existe.",
          "identification", max_length=40, example="DMDE",
          guide="quoi", label_en="Acronym", help_en="Acronym or short name, if any."),
    Field("nom_en", TEXT, "Nom en anglais", "Traduction anglaise du nom, écrite à la main.",
          "identification", max_length=200, example="Benefit claimant risk score",
          label_en="Name in English", help_en="English translation of the name, written by hand."),
    Field("resume", TEXT, "Résumé",
          "Ce que fait l'algorithme, en français simple, 400 caractères au plus.",
          "identification", required=True, max_length=400, citable=True, search_boost=3.0,
          example="Attribue chaque mois un score de risque à chaque allocataire.",
          guide="quoi", label_en="Summary",
          help_en="What the algorithm does, in plain French, 400 characters at most."),
    Field("resume_en", TEXT, "Résumé en anglais", "Traduction anglaise du résumé.",
          "identification", max_length=600, example="Scores every household each month.",
          label_en="Summary in English", help_en="English translation of the summary."),
    Field("description_en", TEXT, "Description en anglais",
          "Traduction anglaise de la section « Description » (Markdown, avec les mêmes "
          "renvois [^cle]).", "identification", max_length=8000, example="The model ...",
          label_en="Description in English",
          help_en="English translation of the « Description » section (Markdown, with the same "
                  "[^key] citations)."),
    Field("administration", REF, "Administration",
          "Identifiant de l'organisme public qui utilise l'algorithme : le nom d'un fichier "
          "de data/administrations/.", "identification", required=True, ref=ADMINISTRATION,
          facet=True, breakdown=True, search_boost=2.0, example="cnaf",
          guide="qui", label_en="Administration",
          help_en="Identifier of the public body that uses the algorithm: the name of a file of "
                  "data/administrations/."),
    Field("service", TEXT, "Service",
          "Direction ou service qui porte le projet, et partenaires de mise en œuvre.",
          "identification", max_length=300, citable=True, example="Direction des statistiques",
          guide="qui", label_en="Department",
          help_en="Directorate or department in charge of the project, and partners in its "
                  "implementation."),
    Field("domaine", ENUM, "Domaine", "Domaine de l'action publique.",
          "identification", required=True, choices=_enum(DOMAINES), facet=True, breakdown=True,
          example="social",
          guide="quoi", label_en="Domain", help_en="Area of public action."),
    Field("statut", ENUM, "Statut", "Situation actuelle du système.",
          "identification", required=True, choices=_enum(STATUTS), citable=True, facet=True,
          example="deploye",
          guide="quoi", label_en="Status", help_en="Current situation of the system."),
    Field("date_debut", DATE, "Début", "Date de mise en service : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", citable=True, example="2010",
          label_en="Start", help_en="Date it came into service: YYYY, YYYY-MM or YYYY-MM-DD."),
    Field("date_fin", DATE, "Fin", "Date d'arrêt, le cas échéant : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", citable=True, example="2024-06",
          label_en="End", help_en="Date it was stopped, if any: YYYY, YYYY-MM or YYYY-MM-DD."),
    Field("remplace_par", REF, "Remplacé par", "Identifiant de la fiche du système qui a "
          "remplacé celui-ci (avec statut abandonne et date_fin).", "identification",
          ref=ALGORITHME, example="parcoursup",
          label_en="Replaced by",
          help_en="Identifier of the record of the system that replaced this one (with status "
                  "abandonne and date_fin)."),
    Field("type_technique", ENUM, "Type de technique",
          "Règles écrites, apprentissage automatique, IA générative ou hybride.",
          "fonctionnement", required=True, choices=_enum(TYPES_TECHNIQUES), citable=True,
          facet=True, example="apprentissage_automatique",
          guide="quoi", label_en="Kind of technique",
          help_en="Written rules, machine learning, generative AI or hybrid."),
    Field("decision_individuelle", ENUM, "Décision individuelle",
          "L'algorithme fonde-t-il des décisions individuelles (CRPA L311-3-1) ?",
          "finalite", required=True, choices=_enum(OUI_NON), citable=True, example="oui",
          guide="qui", label_en="Individual decision",
          help_en="Does the algorithm ground individual decisions (CRPA L311-3-1)?"),
    Field("degre_automatisation", ENUM, "Degré d'automatisation",
          "Qui décide : la machine seule, un agent aidé par la machine, ou personne.",
          "finalite", required=True, choices=_enum(DEGRES), citable=True,
          example="aide_a_la_decision",
          guide="qui", label_en="Degree of automation",
          help_en="Who decides: the machine alone, an official helped by the machine, or nobody."),
    Field("regime_recours", ENUM, "Régime de recours",
          "Voie de contestation des décisions, quand elle diffère de celle déduite de "
          "l'administration et du domaine.", "recours", choices=_enum(REGIMES_RECOURS),
          example="securite_sociale",
          label_en="Redress regime",
          help_en="How decisions are contested, when it differs from what the administration and "
                  "the domain imply."),
    Field("public_concerne", TEXT, "Public concerné", "Qui est touché par l'algorithme.",
          "finalite", citable=True, example="Allocataires des CAF",
          guide="qui", label_en="People affected", help_en="Who is affected by the algorithm."),
    Field("volumetrie", TEXT, "Volumétrie", "Combien de personnes ou de dossiers, avec la période.",
          "finalite", citable=True, example="13 millions de foyers notés chaque mois",
          label_en="Volume", help_en="How many people or files, with the period."),
    Field("page_officielle", URL, "Page officielle", "Page de l'administration sur le système.",
          "identification", example="https://www.caf.fr/",
          label_en="Official page", help_en="The administration's page about the system."),
    Field("mots_cles", TEXT_LIST, "Mots-clés", "Mots-clés pour la recherche, dont les mots que "
          "les personnes concernées emploient.", "identification", search_boost=4.5,
          example=["contrôle", "fraude"],
          label_en="Keywords",
          help_en="Keywords for search, including the words the people concerned use."),
    Field("citations", CITATIONS, "Sources des champs",
          "Pour chaque champ qui n'est pas évident (volumetrie, date_debut, statut…), la ou les "
          "clés des sources qui l'établissent.", "sources",
          example={"volumetrie": ["lemonde-2023"]},
          label_en="Sources of the fields",
          help_en="For each field that is not self-evident (volumetrie, date_debut, statut…), "
                  "the key or keys of the sources that establish it."),
    Field("fondement_juridique", OBJECT_LIST, "Fondement juridique",
          "Textes qui autorisent ou encadrent le traitement.", "finalite", children=(
              Field("titre", TEXT, "Titre", "Intitulé du texte.", required=True,
                    example="Arrêté du 21 février 2014",
                    label_en="Title", help_en="Title of the text."),
              Field("url", URL, "Lien", _URL_HELP, example="https://www.legifrance.gouv.fr/",
                    label_en="Link", help_en=_URL_HELP_EN),
              _source(),
          ),
          label_en="Legal basis", help_en="Texts that authorise or regulate the processing."),
    Field("criteres", OBJECT_LIST, "Critères utilisés",
          "Les critères et pondérations utilisés, autant qu'on les connaisse.",
          "fonctionnement", children=(
              Field("nom", TEXT, "Critère", "Nom du critère.", required=True,
                    example="Ancienneté dans le dossier",
                    label_en="Criterion", help_en="Name of the criterion."),
              Field("poids", TEXT, "Pondération", "Poids ou effet connu.",
                    example="augmente le score",
                    label_en="Weighting", help_en="Known weight or effect."),
              _source(),
          ),
          label_en="Criteria used",
          help_en="The criteria and weightings used, as far as they are known."),
    Field("donnees", OBJECT_LIST, "Données utilisées",
          "Données traitées et leur provenance.", "donnees", children=(
              Field("nom", TEXT, "Donnée", "Nom de la donnée ou du fichier.", required=True,
                    example="Revenus déclarés",
                    label_en="Data", help_en="Name of the data or file."),
              Field("provenance", TEXT, "Provenance", "Fichier ou organisme d'origine.",
                    example="DGFiP",
                    label_en="Origin", help_en="File or body they come from."),
              Field("personnelles", BOOL, "Données personnelles",
                    "true si la donnée concerne des personnes identifiables.", example=True,
                    label_en="Personal data",
                    help_en="true if the data concern identifiable people."),
              _source(),
          ),
          label_en="Data used", help_en="Data processed and where they come from."),
    Field("prestataires", OBJECT_LIST, "Prestataires",
          "Entreprises ou organismes qui ont construit ou exploitent le système.",
          "prestataires", children=(
              Field("nom", TEXT, "Prestataire", "Nom de l'entreprise ou de l'organisme.",
                    required=True, example="Capgemini",
                    label_en="Contractor", help_en="Name of the company or body."),
              Field("siren", SIREN, "SIREN", "SIREN du prestataire, entre guillemets.",
                    example="330703844",
                    label_en="SIREN", help_en="SIREN number of the contractor, in quotes."),
              Field("role", TEXT, "Rôle", "Ce que le prestataire a fait.", required=True,
                    example="développement",
                    label_en="Role", help_en="What the contractor did."),
              _source(),
          ),
          label_en="Contractors", help_en="Companies or bodies that built or run the system."),
    Field("budget", OBJECT_LIST, "Budget", "Montants connus, avec leur période et leur source.",
          "prestataires", children=(
              Field("montant_eur", NUMBER, "Montant (€)", "Montant en euros, nombre positif sans "
                    "espace.", required=True, example=34500000,
                    label_en="Amount (€)",
                    help_en="Amount in euros, a positive number without spaces."),
              Field("periode", TEXT, "Période", "Année ou période couverte.", required=True,
                    example="2014-2022",
                    label_en="Period", help_en="Year or period covered."),
              Field("nature", TEXT, "Nature", "Développement, fonctionnement, marché…",
                    required=True, example="coût total annoncé",
                    label_en="Nature", help_en="Development, operation, contract…"),
              _source(required=True),
          ),
          label_en="Budget", help_en="Known amounts, with their period and source."),
    Field("evaluations", OBJECT_LIST, "Évaluations",
          "Évaluations, audits et contrôles connus.", "evaluations", children=(
              Field("type", ENUM, "Type", "Nature de l'évaluation.", required=True,
                    choices=_enum(EVALUATION_TYPES), example="controle",
                    label_en="Type", help_en="Kind of evaluation."),
              Field("auteur", TEXT, "Auteur", "Qui a évalué.", required=True,
                    example="Cour des comptes",
                    label_en="Author", help_en="Who evaluated."),
              Field("date", DATE, "Date", "AAAA, AAAA-MM ou AAAA-MM-JJ.", example="2024-10-22",
                    label_en="Date", help_en="YYYY, YYYY-MM or YYYY-MM-DD."),
              Field("publique", BOOL, "Publique", "true si le document est public.",
                    required=True, example=True,
                    label_en="Public", help_en="true if the document is public."),
              Field("url", URL, "Lien", _URL_HELP, example="https://www.ccomptes.fr/",
                    label_en="Link", help_en=_URL_HELP_EN),
              Field("resume", TEXT, "Résumé", "Ce que conclut l'évaluation.",
                    example="Gains de productivité non démontrés.",
                    label_en="Summary", help_en="What the evaluation concludes."),
              _source(),
          ),
          label_en="Evaluations", help_en="Known evaluations, audits and reviews."),
    Field("transparence", ETAT_MAP, "Transparence",
          "État de publication de chaque critère de transparence.", "transparence",
          keys=tuple(c.key for c in CRITERIA), children=_ETAT_ITEM,
          label_en="Transparency", help_en="Publication state of each transparency criterion."),
    Field("ai_act", OBJECT, "Règlement européen sur l'IA",
          "Le système au regard du règlement (UE) 2024/1689 : est-ce un système d'IA, dans quelle "
          "catégorie, avec quelles obligations.", "ai_act", children=(
              Field("systeme_ia", ENUM, "Système d'IA", "Est-ce un système d'IA au sens de "
                    "l'article 3, point 1 ?", required=True, choices=_enum(OUI_NON),
                    example="oui",
                    label_en="AI system",
                    help_en="Is it an AI system within the meaning of Article 3, point 1?"),
              Field("motif_systeme_ia", TEXT, "Pourquoi", "Raisonnement (un jeu de règles fixes "
                    "n'est pas un système d'IA).", max_length=1000,
                    example="Modèle statistique entraîné sur des données.",
                    label_en="Why",
                    help_en="Reasoning (a set of fixed rules is not an AI system)."),
              Field("categorie", ENUM, "Catégorie", "Catégorie de risque.", required=True,
                    choices=_enum(AI_CATEGORIES), example="haut_risque",
                    label_en="Category", help_en="Risk category."),
              Field("point", ENUM, "Disposition", "Article ou point de l'annexe III qui fonde la "
                    "catégorie.", choices=_enum(AI_POINTS), example="annexe-iii-5-a",
                    label_en="Provision",
                    help_en="Article or point of Annex III on which the category rests."),
              Field("motif", TEXT, "Raisonnement", "Pourquoi cette catégorie.", max_length=1500,
                    example="Sert à réclamer des prestations d'aide sociale.",
                    label_en="Reasoning", help_en="Why this category."),
              Field("jugement", BOOL, "Appréciation du registre", "true quand la classification "
                    "est l'appréciation du registre, faute de classification officielle.",
                    example=True,
                    label_en="Assessment by the registry",
                    help_en="true when the classification is the registry's own assessment, for "
                            "want of an official classification."),
              _source(),
              Field("obligations", ETAT_MAP, "Obligations", "Où en est chaque obligation qui "
                    "découle de la catégorie.", keys=_enum(AI_OBLIGATIONS),
                    children=_ETAT_ITEM,
                    label_en="Obligations",
                    help_en="Where each obligation arising from the category stands."),
          ),
          label_en="EU AI Act",
          help_en="The system under Regulation (EU) 2024/1689: is it an AI system, in which "
                  "category, with which obligations."),
    Field("recours", OBJECT_LIST, "Contester une décision",
          "Les démarches propres à ce système, dans l'ordre où une personne les suit.",
          "recours", children=RECOURS_FIELDS,
          label_en="Contest a decision",
          help_en="The steps specific to this system, in the order a person follows them."),
    Field("demandes", OBJECT_LIST, "Demandes d'accès",
          "Journal des demandes de documents (CADA) faites sur cet algorithme.", "demandes",
          children=(
              Field("date_envoi", DATE, "Envoyée le", "AAAA-MM-JJ.", required=True,
                    example="2026-03-10",
                    label_en="Sent on", help_en="YYYY-MM-DD."),
              Field("demandeur", TEXT, "Demandeur", "Personne ou association.", required=True,
                    example="La Quadrature du Net",
                    label_en="Requester", help_en="Person or association."),
              Field("destinataire", TEXT, "Destinataire", "Administration ou PRADA saisie.",
                    required=True, example="CNAF",
                    label_en="Recipient",
                    help_en="Administration or access officer (PRADA) addressed."),
              Field("objet", TEXT, "Objet", "Documents demandés.", required=True,
                    example="Code source du score de risque",
                    label_en="Subject", help_en="Documents requested."),
              Field("statut", ENUM, "Statut", "Où en est la demande.", required=True,
                    choices=_enum(DEMANDE_STATUTS), example="en_attente",
                    label_en="Status", help_en="Where the request stands."),
              Field("date_reception", DATE, "Reçue le",
                    "Date de réception par l'administration (accusé de réception), AAAA-MM-JJ ; "
                    "à défaut, les délais partent de la date d'envoi.", example="2026-03-12",
                    label_en="Received on",
                    help_en="Date the administration received it (acknowledgement of receipt), "
                            "YYYY-MM-DD; failing that, time limits run from the date it was "
                            "sent."),
              Field("date_reponse", DATE, "Réponse le", "AAAA-MM-JJ.", example="2026-04-02",
                    label_en="Answered on", help_en="YYYY-MM-DD."),
              Field("date_enregistrement_cada", DATE, "Saisine enregistrée le",
                    "Date d'enregistrement de la saisine par la CADA, AAAA-MM-JJ.",
                    example="2026-06-01",
                    label_en="Referral registered on",
                    help_en="Date the CADA registered the referral, YYYY-MM-DD."),
              Field("avis_cada", TEXT, "Avis CADA", "Numéro, date et sens de l'avis.",
                    example="n° 20226179 du 15 décembre 2022 : favorable",
                    label_en="CADA opinion", help_en="Number, date and meaning of the opinion."),
              Field("url", URL, "Lien", "Page de suivi (Ma Dada…).",
                    example="https://madada.fr/",
                    label_en="Link", help_en="Tracking page (Ma Dada…)."),
              _source(),
          ),
          label_en="Access requests",
          help_en="Log of the requests for documents (CADA) made about this algorithm."),
    Field("sources", OBJECT_LIST, "Sources", "Au moins une source par fiche ; chacune est citée "
          "au moins une fois.", "sources", required=True, min_items=1, children=SOURCE_FIELDS,
          guide="sources", label_en="Sources",
          help_en="At least one source per record; each is cited at least once."),
    Field("revu_le", DATE, "Fiche vérifiée le", "Date de la dernière vérification complète de "
          "la fiche (AAAA-MM-JJ).", "suivi", example="2026-12-07",
          label_en="Record checked on",
          help_en="Date of the last complete check of the record (YYYY-MM-DD)."),
    Field("redacteurs", TEXT_LIST, "Rédacteurs",
          "Personnes ou collectifs qui ont rédigé ou relu la fiche, s'ils le souhaitent.",
          "suivi", example=["Équipe du registre"],
          label_en="Editors",
          help_en="People or groups who wrote or reviewed the record, if they wish."),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
CITABLE: tuple[str, ...] = tuple(f.key for f in FIELDS if f.citable)

ADMINISTRATION_FIELDS: tuple[Field, ...] = (
    Field("schema", INT, "Version du schéma", f"Toujours {SCHEMA_VERSION} pour ce format.",
          "suivi", required=True, example=SCHEMA_VERSION,
          label_en="Schema version", help_en=f"Always {SCHEMA_VERSION} for this format."),
    Field("nom", TEXT, "Nom officiel", "Nom officiel complet de l'organisme.", "identification",
          required=True, max_length=200, example="Caisse nationale des allocations familiales",
          label_en="Official name", help_en="Full official name of the body."),
    Field("sigle", TEXT, "Sigle", "Sigle usuel.", "identification", max_length=40,
          example="Cnaf",
          label_en="Acronym", help_en="Usual acronym."),
    Field("alias", TEXT_LIST, "Autres noms", "Autres noms en usage (anciens noms, graphies des "
          "données de la CADA, noms des fiches au schéma 1).", "identification", max_length=200,
          example=["Caisse nationale des allocations familiales (Cnaf)"],
          label_en="Other names",
          help_en="Other names in use (former names, spellings in the CADA data, names in schema "
                  "1 records)."),
    Field("type", ENUM, "Type d'organisme", "Nature de l'organisme.", "identification",
          required=True, choices=_enum(ADMINISTRATION_TYPES), citable=True, breakdown=True,
          example="securite_sociale",
          label_en="Kind of body", help_en="Nature of the body."),
    Field("nature", TEXT, "Nature juridique", "Forme juridique, telle que publiée.",
          "identification", max_length=200, citable=True,
          example="Établissement public national à caractère administratif",
          label_en="Legal form", help_en="Legal form, as published."),
    Field("ensemble", BOOL, "Ensemble d'organismes", "true quand l'identifiant désigne un "
          "ensemble (tous les départements, toutes les ARS…).", "identification", example=False,
          label_en="Group of bodies",
          help_en="true when the identifier stands for a group (all départements, all regional "
                  "health agencies…)."),
    Field("parent", REF, "Organisme de tutelle", "Identifiant de l'organisme de rattachement.",
          "identification", ref=ADMINISTRATION, citable=True, example="ministere-economie",
          label_en="Parent body", help_en="Identifier of the body it reports to."),
    Field("siren", SIREN, "SIREN", "Numéro SIREN à 9 chiffres (clé de Luhn vérifiée), tel que "
          "publié par l'annuaire des entreprises ou l'organisme ; entre guillemets.",
          "identification", citable=True, example="180035024",
          label_en="SIREN",
          help_en="9-digit SIREN number (Luhn key checked), as published by the companies' "
                  "directory or the body; in quotes."),
    Field("site_web", URL, "Site web", _URL_HELP, "identification", citable=True,
          example="https://www.caf.fr/",
          label_en="Website", help_en=_URL_HELP_EN),
    Field("adresse", TEXT_LIST, "Adresse du siège", "Lignes de l'adresse postale du siège, sans "
          "le nom de l'organisme.", "contacts", max_length=200, citable=True,
          example=["32 avenue de la Sibelle", "75685 Paris Cedex 14"],
          label_en="Head office address",
          help_en="Lines of the postal address of the head office, without the name of the body."),
    Field("echelon_local", OBJECT, "Services locaux", "Quand les décisions sont prises par des "
          "services locaux : lesquels, et où trouver leur adresse.", "contacts", children=(
              Field("libelle", TEXT, "Service qui décide", "Service local, en français simple.",
                    required=True, max_length=500,
                    example="la caisse d'allocations familiales (CAF) de votre département",
                    label_en="Office that decides", help_en="Local office, in plain French."),
              Field("annuaire", URL, "Annuaire", "Page officielle pour trouver son adresse.",
                    example="https://www.caf.fr/",
                    label_en="Directory", help_en="Official page to find its address."),
              _source(required=True),
          ),
          label_en="Local offices",
          help_en="When decisions are taken by local offices: which ones, and where to find "
                  "their address."),
    Field("prada", OBJECT, "Personne responsable de l'accès aux documents (PRADA)",
          "À qui adresser une demande de documents administratifs.", "contacts",
          children=_CONTACT,
          label_en="Person in charge of access to documents (PRADA)",
          help_en="Whom to send a request for administrative documents to."),
    Field("dpo", OBJECT, "Délégué à la protection des données",
          "À qui adresser une demande d'accès à ses données (RGPD, article 15).", "contacts",
          children=_CONTACT,
          label_en="Data protection officer",
          help_en="Whom to send a request for access to one's data to (GDPR, Article 15)."),
    Field("mediateur", OBJECT, "Médiateur", "Le médiateur de l'organisme, s'il en existe un.",
          "contacts", children=_CONTACT,
          label_en="Mediator", help_en="The body's mediator, if there is one."),
    Field("cada_libelles", TEXT_LIST, "Noms dans les avis de la CADA",
          "Valeurs exactes de la colonne « administration » du jeu de données des taux de "
          "réponse aux demandes CADA qui désignent cet organisme.", "identification",
          max_length=300, example=["Pôle emploi"],
          label_en="Names in the CADA's opinions",
          help_en="Exact values of the « administration » column of the data set of response "
                  "rates to CADA requests that designate this body."),
    Field("citations", CITATIONS, "Sources des champs", "Pour chaque champ (siren, adresse, "
          "site_web…), la ou les clés des sources qui l'établissent.", "sources",
          example={"siren": ["annuaire-entreprises"]},
          label_en="Sources of the fields",
          help_en="For each field (siren, adresse, site_web…), the key or keys of the sources "
                  "that establish it."),
    Field("sources", OBJECT_LIST, "Sources", "Au moins une source par fiche ; chacune est citée "
          "au moins une fois.", "sources", required=True, min_items=1, children=SOURCE_FIELDS,
          label_en="Sources",
          help_en="At least one source per record; each is cited at least once."),
    Field("revu_le", DATE, "Fiche vérifiée le", "Date de la dernière vérification complète "
          "(AAAA-MM-JJ).", "suivi", example="2026-12-07",
          label_en="Record checked on", help_en="Date of the last complete check (YYYY-MM-DD)."),
    Field("redacteurs", TEXT_LIST, "Rédacteurs", "Personnes ou collectifs qui ont rédigé ou "
          "relu la fiche.", "suivi", example=["Équipe du registre"],
          label_en="Editors", help_en="People or groups who wrote or reviewed the record."),
)
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
    "ai_act.obligations": AI_OBLIGATIONS,  # the keys of the obligations map
    "ai_act.obligations.etat": ETATS,
    "type": ADMINISTRATION_TYPES,  # of an administration record
    "administration.type": ADMINISTRATION_TYPES,  # an algorithm's administration, joined
}

# The same labels in English, path for path (the interface's second language).
CHOICE_LABELS_EN: dict[str, dict[str, str]] = {
    "domaine": vocab.DOMAINES_EN,
    "statut": vocab.STATUTS_EN,
    "type_technique": vocab.TYPES_TECHNIQUES_EN,
    "decision_individuelle": vocab.OUI_NON_EN,
    "degre_automatisation": vocab.DEGRES_EN,
    "regime_recours": vocab.REGIMES_RECOURS_EN,
    "transparence.etat": vocab.ETATS_EN,
    "evaluations.type": vocab.EVALUATION_TYPES_EN,
    "sources.type": vocab.SOURCE_TYPES_EN,
    "demandes.statut": vocab.DEMANDE_STATUTS_EN,
    "recours.type": vocab.RECOURS_TYPES_EN,
    "ai_act.systeme_ia": vocab.OUI_NON_EN,
    "ai_act.categorie": vocab.AI_CATEGORIES_EN,
    "ai_act.point": vocab.AI_POINTS_EN,
    "ai_act.obligations": vocab.AI_OBLIGATIONS_EN,
    "ai_act.obligations.etat": vocab.ETATS_EN,
    "type": vocab.ADMINISTRATION_TYPES_EN,
    "administration.type": vocab.ADMINISTRATION_TYPES_EN,
}
CHOICE_LABELS_OF_LANGUAGE = {"fr": CHOICE_LABELS, "en": CHOICE_LABELS_EN}
SECTIONS_OF_LANGUAGE = {"fr": SECTIONS, "en": SECTIONS_EN}


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


def choice_label(path: str, value: object, lang: str = "fr") -> str:
    """The label of a controlled value in `lang` (French by default), or the value itself."""
    labels = CHOICE_LABELS_OF_LANGUAGE.get(lang, CHOICE_LABELS).get(path, {})
    return labels.get(str(value), str(value))


def label(path: str, kind: str = ALGORITHME, lang: str = "fr") -> str:
    f = field_at(path, kind)
    return f.label_for(lang) if f else path


def section_label(key: str, lang: str = "fr") -> str:
    return SECTIONS_OF_LANGUAGE.get(lang, SECTIONS).get(key, SECTIONS.get(key, key))
