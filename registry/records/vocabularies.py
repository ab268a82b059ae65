"""Controlled vocabularies of the record format: value -> French label.

The catalogue (``registry.records.catalogue``) says which field uses which vocabulary; the
labels here are what pages, exports and letters show.
"""

from __future__ import annotations

from registry.law import aiact, recourse

ADMINISTRATION_TYPES = {
    "etat": "État (ministère, administration centrale ou déconcentrée)",
    "operateur": "Opérateur de l'État",
    "securite_sociale": "Organisme de sécurité sociale",
    "collectivite": "Collectivité territoriale",
    "autorite_independante": "Autorité administrative ou publique indépendante",
    "juridiction": "Juridiction",
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
ETATS_NEEDING_NOTE = ("non_publie", "inconnu", "refuse")
EVALUATION_TYPES = {
    "interne": "Interne",
    "externe": "Externe",
    "audit": "Audit",
    "controle": "Contrôle (Cour des comptes, CNIL, inspection…)",
}
SOURCE_TYPES = {
    "officielle": "Source officielle (site de l'administration, vie-publique.fr…)",
    "texte_juridique": "Texte juridique (Légifrance, Journal officiel, EUR-Lex)",
    "parlement": "Parlement (Assemblée nationale, Sénat)",
    "controle": "Organe de contrôle (Cour des comptes, CNIL, Défenseur des droits…)",
    "cada": "Avis CADA",
    "decision_justice": "Décision de justice",
    "recherche": "Recherche",
    "presse": "Presse",
    "association": "Association ou syndicat",
    "autre": "Autre",
}
# Sources of these types are primary: the administration, the law, Parliament, the bodies
# that control it, the CADA and the courts.
PRIMARY_SOURCE_TYPES = ("officielle", "texte_juridique", "parlement", "controle", "cada",
                        "decision_justice")
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
RECOURS_TYPES = dict(recourse.KINDS)
REGIMES_RECOURS = dict(recourse.REGIMES)
AI_CATEGORIES = dict(aiact.CATEGORIES)
AI_POINTS = {p.key: p.label for p in aiact.POINTS}
AI_OBLIGATIONS = {o.key: o.label for o in aiact.OBLIGATIONS}

# --- English labels (the interface's second language) ----------------------------------
# Same keys as the French vocabularies above; tests/test_i18n_catalogue.py fails when one
# is missing. Values written in records stay the French keys.

ADMINISTRATION_TYPES_EN = {
    "etat": "State (ministry, central or devolved administration)",
    "operateur": "State operator (public agency)",
    "securite_sociale": "Social security body",
    "collectivite": "Local authority",
    "autorite_independante": "Independent administrative or public authority",
    "juridiction": "Court",
    "autre": "Other",
}
DOMAINES_EN = {
    "social": "Social affairs",
    "fiscalite": "Taxation",
    "emploi": "Employment",
    "education": "Education",
    "sante": "Health",
    "justice": "Justice",
    "police_securite": "Police and security",
    "immigration": "Immigration",
    "logement": "Housing",
    "transport": "Transport",
    "environnement": "Environment",
    "culture": "Culture",
    "administration_generale": "General administration",
    "autre": "Other",
}
STATUTS_EN = {
    "en_conception": "Being designed",
    "en_experimentation": "Being trialled",
    "deploye": "Deployed",
    "suspendu": "Suspended",
    "abandonne": "Abandoned",
    "inconnu": "Unknown",
}
TYPES_TECHNIQUES_EN = {
    "regles": "Explicit rules",
    "apprentissage_automatique": "Machine learning",
    "ia_generative": "Generative AI",
    "hybride": "Hybrid",
    "inconnu": "Unknown",
}
OUI_NON_EN = {"oui": "Yes", "non": "No", "inconnu": "Unknown"}
DEGRES_EN = {
    "entierement_automatise": "Fully automated decision",
    "aide_a_la_decision": "Decision support (an official decides)",
    "sans_decision_individuelle": "No individual decision",
    "inconnu": "Unknown",
}
ETATS_EN = {
    "publie": "Published",
    "partiel": "Partly published",
    "obtenu": "Obtained (CADA request, leak or third party)",
    "non_publie": "Not published",
    "refuse": "Refused",
    "sans_objet": "Not applicable",
    "inconnu": "Unknown (not checked yet)",
}
EVALUATION_TYPES_EN = {
    "interne": "Internal",
    "externe": "External",
    "audit": "Audit",
    "controle": "Review (Court of Audit, CNIL, inspectorate…)",
}
SOURCE_TYPES_EN = {
    "officielle": "Official source (the administration's website, vie-publique.fr…)",
    "texte_juridique": "Legal text (Légifrance, Official Journal, EUR-Lex)",
    "parlement": "Parliament (National Assembly, Senate)",
    "controle": "Oversight body (Court of Audit, CNIL, Defender of Rights…)",
    "cada": "CADA opinion",
    "decision_justice": "Court decision",
    "recherche": "Research",
    "presse": "Press",
    "association": "Association or trade union",
    "autre": "Other",
}
DEMANDE_STATUTS_EN = {
    "envoyee": "Sent",
    "en_attente": "Awaiting an answer",
    "refus_implicite": "Implicit refusal",
    "refus_expres": "Express refusal",
    "communication_partielle": "Partly disclosed",
    "communication_totale": "Fully disclosed",
    "saisine_cada": "Referred to the CADA",
    "avis_cada": "CADA opinion given",
    "refus_confirme": "Refusal confirmed",
    "recours": "Appeal to the administrative court",
    "clos": "Closed",
}
RECOURS_TYPES_EN = {
    "explication": "Ask for an explanation of the decision",
    "acces_donnees": "Obtain your data and the logic of the processing",
    "recours_prealable_obligatoire": "First contest it with the body (mandatory prior appeal)",
    "recours_gracieux": "Ask the administration to review its decision (informal appeal)",
    "recours_hierarchique": "Ask the higher authority to review the decision (hierarchical "
                            "appeal)",
    "mediateur": "Turn to the mediator",
    "defenseur_des_droits": "Turn to the Defender of Rights (Défenseur des droits)",
    "cnil": "Complain to the CNIL (data protection authority)",
    "tribunal": "Go to court",
    "autre": "Other step",
}
REGIMES_RECOURS_EN = {
    "administratif": "Administrative decision (informal or hierarchical appeal, then "
                     "administrative court)",
    "securite_sociale": "Decision of a social security body (amicable appeals board, then the "
                        "social division of the judicial court)",
    "fiscal": "Tax (prior claim, then court)",
    "contravention": "Fixed fine (request for exemption, then police court)",
}
# The AI Act's English labels live beside the French ones, in its table (registry/law/aiact.py).
AI_CATEGORIES_EN = dict(aiact.CATEGORIES_EN)
AI_POINTS_EN = dict(aiact.POINTS_EN)
AI_OBLIGATIONS_EN = {
    "fria": "Fundamental rights impact assessment",
    "enregistrement": "Registration in the EU database",
    "controle_humain": "Human oversight",
    "information": "Information of the people concerned",
    "transparence_art50": "Information that AI is used",
}
