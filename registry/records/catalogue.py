"""The field catalogue: the one place where every record field is declared.

Validation, display labels, exports, the published JSON Schema, coverage
criteria and CADA letters are all derived from the declarations below.
Never list fields anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

SCHEMA_VERSION = 1

# Field types understood by the validator and the JSON Schema generator.
TEXT = "text"  # free text (one line or several)
ENUM = "enum"  # one value of `choices`
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD
URL = "url"  # http(s) URL
SIREN = "siren"  # 9 digits with a valid Luhn key
EMAIL_OR_URL = "email_or_url"
BOOL = "bool"
INT = "int"
NUMBER = "number"
TEXT_LIST = "text_list"  # list of short strings
OBJECT = "object"  # mapping with `children`
OBJECT_LIST = "object_list"  # list of mappings with `children`
TRANSPARENCE = "transparence"  # mapping criterion -> {etat, url, date, note}


@dataclass(frozen=True)
class Field:
    """One key of a record's front matter."""

    key: str
    type: str
    label: str
    help: str
    section: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    children: tuple[Field, ...] = ()
    max_length: int | None = None
    min_items: int = 0
    example: object = None

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


# --- Controlled vocabularies (value -> French label) ---------------------------

ADMINISTRATION_TYPES = {
    "etat": "État (ministère, administration centrale ou déconcentrée)",
    "operateur": "Opérateur de l'État",
    "securite_sociale": "Organisme de sécurité sociale",
    "collectivite": "Collectivité territoriale",
    "autre": "Autre",
}
DOMAINES = {
    "social": "Social",
    "fiscalite": "Fiscalité",
    "emploi": "Emploi",
    "education": "Éducation",
    "sante": "Santé",
    "justice": "Justice",
    "police_securite": "Police et sécurité",
    "immigration": "Immigration",
    "logement": "Logement",
    "transport": "Transport",
    "environnement": "Environnement",
    "culture": "Culture",
    "administration_generale": "Administration générale",
    "autre": "Autre",
}
STATUTS = {
    "en_conception": "En conception",
    "en_experimentation": "En expérimentation",
    "deploye": "Déployé",
    "suspendu": "Suspendu",
    "abandonne": "Abandonné",
    "inconnu": "Inconnu",
}
TYPES_TECHNIQUES = {
    "regles": "Règles explicites",
    "apprentissage_automatique": "Apprentissage automatique",
    "ia_generative": "IA générative",
    "hybride": "Hybride",
    "inconnu": "Inconnu",
}
OUI_NON = {"oui": "Oui", "non": "Non", "inconnu": "Inconnu"}
DEGRES = {
    "entierement_automatise": "Décision entièrement automatisée",
    "aide_a_la_decision": "Aide à la décision (un agent décide)",
    "sans_decision_individuelle": "Sans décision individuelle",
    "inconnu": "Inconnu",
}
ETATS = {
    "publie": "Publié",
    "partiel": "Partiellement publié",
    "obtenu": "Obtenu (demande CADA, fuite ou tiers)",
    "non_publie": "Non publié",
    "refuse": "Refusé",
    "sans_objet": "Sans objet",
    "inconnu": "Inconnu (pas encore vérifié)",
}
ETATS_WITH_URL = ("publie", "partiel", "obtenu")
EVALUATION_TYPES = {
    "interne": "Interne",
    "externe": "Externe",
    "audit": "Audit",
    "controle": "Contrôle (Cour des comptes, CNIL, inspection…)",
}
SOURCE_TYPES = {
    "officielle": "Source officielle",
    "presse": "Presse",
    "recherche": "Recherche",
    "association": "Association ou syndicat",
    "cada": "Avis CADA",
    "decision_justice": "Décision de justice",
    "autre": "Autre",
}
DEMANDE_STATUTS = {
    "envoyee": "Envoyée",
    "en_attente": "En attente de réponse",
    "refus_implicite": "Refus implicite",
    "refus_expres": "Refus exprès",
    "communication_partielle": "Communication partielle",
    "communication_totale": "Communication totale",
    "saisine_cada": "CADA saisie",
    "avis_cada": "Avis de la CADA rendu",
    "refus_confirme": "Refus confirmé",
    "recours": "Recours au tribunal administratif",
    "clos": "Close",
}

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
    "recours": "Recours",
    "demandes": "Demandes d'accès",
    "sources": "Sources",
    "suivi": "Suivi de la fiche",
}


def _enum(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(values)


_URL_HELP = "Adresse web complète commençant par http:// ou https://."

FIELDS: tuple[Field, ...] = (
    Field("schema", INT, "Version du schéma", "Toujours 1 pour ce format.",
          "suivi", required=True, example=1),
    Field("nom", TEXT, "Nom", "Nom usuel de l'algorithme ou du système.",
          "identification", required=True, max_length=200,
          example="Score de risque des allocataires"),
    Field("sigle", TEXT, "Sigle", "Sigle ou nom court, s'il existe.",
          "identification", max_length=40, example="DMDE"),
    Field("resume", TEXT, "Résumé",
          "Ce que fait l'algorithme, en français simple, 400 caractères au plus.",
          "identification", required=True, max_length=400,
          example="Attribue chaque mois un score de risque à chaque allocataire."),
    Field("administration", OBJECT, "Administration",
          "L'organisme public qui utilise l'algorithme.", "identification",
          required=True, children=(
              Field("nom", TEXT, "Nom de l'administration", "Nom complet.",
                    required=True, max_length=200,
                    example="Caisse nationale des allocations familiales (CNAF)"),
              Field("siren", SIREN, "SIREN",
                    "Numéro SIREN à 9 chiffres (clé de Luhn vérifiée). Entre guillemets.",
                    example="180035024"),
              Field("type", ENUM, "Type d'organisme", "Nature de l'organisme.",
                    required=True, choices=_enum(ADMINISTRATION_TYPES),
                    example="securite_sociale"),
          )),
    Field("service", TEXT, "Service",
          "Direction ou service qui porte le projet, et partenaires de mise en œuvre.",
          "identification", max_length=300, example="Direction des statistiques"),
    Field("domaine", ENUM, "Domaine", "Domaine de l'action publique.",
          "identification", required=True, choices=_enum(DOMAINES), example="social"),
    Field("statut", ENUM, "Statut", "Situation actuelle du système.",
          "identification", required=True, choices=_enum(STATUTS), example="deploye"),
    Field("date_debut", DATE, "Début", "Date de mise en service : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", example="2010"),
    Field("date_fin", DATE, "Fin", "Date d'arrêt, le cas échéant : AAAA, AAAA-MM ou AAAA-MM-JJ.",
          "identification", example="2024-06"),
    Field("type_technique", ENUM, "Type de technique",
          "Règles écrites, apprentissage automatique, IA générative ou hybride.",
          "fonctionnement", required=True, choices=_enum(TYPES_TECHNIQUES),
          example="apprentissage_automatique"),
    Field("decision_individuelle", ENUM, "Décision individuelle",
          "L'algorithme fonde-t-il des décisions individuelles (CRPA L311-3-1) ?",
          "finalite", required=True, choices=_enum(OUI_NON), example="oui"),
    Field("degre_automatisation", ENUM, "Degré d'automatisation",
          "Qui décide : la machine seule, un agent aidé par la machine, ou personne.",
          "finalite", required=True, choices=_enum(DEGRES), example="aide_a_la_decision"),
    Field("public_concerne", TEXT, "Public concerné", "Qui est touché par l'algorithme.",
          "finalite", example="Allocataires des CAF"),
    Field("volumetrie", TEXT, "Volumétrie", "Combien de personnes ou de dossiers, avec la période.",
          "finalite", example="13 millions de foyers notés chaque mois"),
    Field("fondement_juridique", OBJECT_LIST, "Fondement juridique",
          "Textes qui autorisent ou encadrent le traitement.", "finalite", children=(
              Field("titre", TEXT, "Titre", "Intitulé du texte.", required=True,
                    example="Arrêté du 21 février 2014"),
              Field("url", URL, "Lien", _URL_HELP, example="https://www.legifrance.gouv.fr/"),
          )),
    Field("criteres", OBJECT_LIST, "Critères utilisés",
          "Les critères et pondérations utilisés, autant qu'on les connaisse.",
          "fonctionnement", children=(
              Field("nom", TEXT, "Critère", "Nom du critère.", required=True,
                    example="Ancienneté dans le dossier"),
              Field("poids", TEXT, "Pondération", "Poids ou effet connu.",
                    example="augmente le score"),
              Field("source", URL, "Source", _URL_HELP, example="https://example.org/"),
          )),
    Field("donnees", OBJECT_LIST, "Données utilisées",
          "Données traitées et leur provenance.", "donnees", children=(
              Field("nom", TEXT, "Donnée", "Nom de la donnée ou du fichier.", required=True,
                    example="Revenus déclarés"),
              Field("source", TEXT, "Provenance", "Fichier ou organisme d'origine.",
                    example="DGFiP"),
              Field("personnelles", BOOL, "Données personnelles",
                    "true si la donnée concerne des personnes identifiables.", example=True),
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
          )),
    Field("budget", OBJECT_LIST, "Budget", "Montants connus, avec leur période et leur source.",
          "prestataires", children=(
              Field("montant_eur", NUMBER, "Montant (€)", "Montant en euros, nombre sans espace.",
                    required=True, example=34500000),
              Field("periode", TEXT, "Période", "Année ou période couverte.", required=True,
                    example="2014-2022"),
              Field("nature", TEXT, "Nature", "Développement, fonctionnement, marché…",
                    required=True, example="coût total annoncé"),
              Field("source", URL, "Source", _URL_HELP, required=True,
                    example="https://example.org/rapport"),
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
          )),
    Field("contact_prada", EMAIL_OR_URL, "Contact PRADA",
          "Personne responsable de l'accès aux documents administratifs : courriel ou page web.",
          "recours", example="prada@example.gouv.fr"),
    Field("page_officielle", URL, "Page officielle", "Page de l'administration sur le système.",
          "identification", example="https://www.caf.fr/"),
    Field("recours", TEXT, "Contester une décision",
          "Comment une personne concernée peut contester une décision et obtenir une explication.",
          "recours", example="Recours amiable auprès de la caisse, puis tribunal judiciaire."),
    Field("mots_cles", TEXT_LIST, "Mots-clés", "Mots-clés pour la recherche.",
          "identification", example=["contrôle", "fraude"]),
    Field("transparence", TRANSPARENCE, "Transparence",
          "État de publication de chaque critère de transparence.", "transparence",
          children=(
              Field("etat", ENUM, "État", "Publié, partiel, obtenu, non publié, refusé, "
                    "sans objet ou inconnu.", required=True, choices=_enum(ETATS),
                    example="non_publie"),
              Field("url", URL, "Preuve", "Obligatoire si l'état est publie, partiel ou obtenu.",
                    example="https://example.org/code"),
              Field("date", DATE, "Date", "Date de la publication ou de la vérification.",
                    example="2025-11"),
              Field("note", TEXT, "Note", "Précision (motif d'un refus, limites…).",
                    example="Refus fondé sur l'article L311-5."),
          )),
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
              Field("avis_cada", TEXT, "Avis CADA", "Numéro et sens de l'avis.",
                    example="20231234 favorable"),
              Field("url", URL, "Lien", "Page de suivi (Ma Dada…).",
                    example="https://madada.fr/"),
          )),
    Field("sources", OBJECT_LIST, "Sources", "Au moins une source par fiche.", "sources",
          required=True, min_items=1, children=(
              Field("url", URL, "Adresse", _URL_HELP, required=True,
                    example="https://www.ccomptes.fr/"),
              Field("titre", TEXT, "Titre", "Titre de la page ou du document.", required=True,
                    example="Rapport de la Cour des comptes"),
              Field("type", ENUM, "Type", "Nature de la source.", required=True,
                    choices=_enum(SOURCE_TYPES), example="officielle"),
              Field("consulte_le", DATE, "Consulté le", "AAAA-MM-JJ.", example="2026-11-20"),
          )),
    Field("revu_le", DATE, "Fiche revue le", "Date de la dernière relecture complète (AAAA-MM-JJ).",
          "suivi", example="2026-11-26"),
    Field("redacteurs", TEXT_LIST, "Rédacteurs",
          "Personnes ou collectifs qui ont rédigé ou relu la fiche, s'ils le souhaitent.",
          "suivi", example=["Collectif du registre"]),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# Labels of every controlled value, by the field that uses it.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "administration.type": ADMINISTRATION_TYPES,
    "domaine": DOMAINES,
    "statut": STATUTS,
    "type_technique": TYPES_TECHNIQUES,
    "decision_individuelle": OUI_NON,
    "degre_automatisation": DEGRES,
    "transparence.etat": ETATS,
    "evaluations.type": EVALUATION_TYPES,
    "sources.type": SOURCE_TYPES,
    "demandes.statut": DEMANDE_STATUTS,
}


def walk(fields: tuple[Field, ...] = FIELDS, prefix: str = "") -> Iterator[tuple[str, Field]]:
    """Yield (dotted path, field) for every field and sub-field."""
    for f in fields:
        path = f"{prefix}{f.key}"
        yield path, f
        if f.children:
            yield from walk(f.children, path + ".")


def field_at(path: str) -> Field | None:
    """Return the field of a dotted path such as ``administration.siren``."""
    return dict(walk()).get(path)


def choice_label(path: str, value: object) -> str:
    """French label of a controlled value, or the value itself."""
    return CHOICE_LABELS.get(path, {}).get(str(value), str(value))


def label(path: str) -> str:
    f = field_at(path)
    return f.label if f else path

