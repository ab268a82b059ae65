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
