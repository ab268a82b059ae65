"""A small, controlled corpus for the search, build and API tests (written with recordfactory)."""

from __future__ import annotations

from pathlib import Path

from tests.recordfactory import with_etats, write_record

RECORDS: dict[str, dict] = {
    "caf-score": dict(
        nom="Score de risque des allocataires",
        resume="Modèle qui cible les contrôles des foyers allocataires.",
        administration={"nom": "Caisse nationale des allocations familiales", "type":
                        "securite_sociale"},
        domaine="social", type_technique="apprentissage_automatique",
        transparence=with_etats(budget="publie", code_source="obtenu"),
        body="## Description\n\nLes évaluations du modèle portent sur la fraude et les erreurs. "
             "Le modèle note chaque mois les allocataires.\n"),
    "dgfip-ciblage": dict(
        nom="Ciblage de la fraude fiscale",
        resume="Exploration de données pour programmer les contrôles fiscaux.",
        administration={"nom": "Direction générale des finances publiques", "type": "etat"},
        domaine="fiscalite", statut="en_experimentation",
        transparence=with_etats(budget="publie"),
        body="## Description\n\nL'algorithme croise des fichiers pour repérer la fraude.\n"),
    "parcoursup": dict(
        nom="Parcoursup",
        resume="Affectation des candidats dans l'enseignement supérieur.",
        administration={"nom": "Ministère de l'enseignement supérieur", "type": "etat"},
        domaine="education",
        body="## Description\n\nClassement des vœux. <script>alert(1)</script> Parcoursup "
             "remplace APB ; R&D <b>x</b> 3 < 4.\n"),
    "ft-match": dict(
        nom="Appariement des offres",
        resume="Suggère des offres aux demandeurs d'emploi.",
        administration={"nom": "France Travail", "type": "operateur"},
        domaine="emploi", type_technique="apprentissage_automatique",
        body="## Description\n\nOutil d'intelligence artificielle de recommandation.\n"),
    "pe-controle": dict(
        nom="Contrôle de la recherche d'emploi",
        resume="Sélection des dossiers de demandeurs d'emploi à contrôler.",
        administration={"nom": "Pôle emploi", "type": "operateur"},
        domaine="emploi",
        body="## Description\n\nUne analyse d'impact a été publiée pour ce traitement.\n"),
    "transparence-nom": dict(
        nom="Registre de transparence",
        resume="Un registre local.",
        administration={"nom": "Ville de Nantes", "type": "collectivite"},
        domaine="social",
        body="## Description\n\nRien de particulier.\n"),
    "transparence-corps": dict(
        nom="Tarification solidaire",
        resume="Calcul des tarifs selon le quotient familial.",
        administration={"nom": "Ville de Nantes", "type": "collectivite"},
        domaine="social",
        body="## Description\n\nLa transparence du calcul est assurée par une page dédiée.\n"),
}


def write_corpus(folder: Path) -> Path:
    for ident, spec in RECORDS.items():
        spec = dict(spec)
        body = spec.pop("body")
        write_record(folder, ident, body, **spec)
    return folder
