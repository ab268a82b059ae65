"""Articles cited by letters and recourse paths (CRPA, codes, RGPD): the one table.

Every article a letter or a recourse step mentions must be here. ``url`` is the text on
Légifrance or EUR-Lex (the consolidated version in force).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CRPA_TEXT = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350"
LEGIARTI = "https://www.legifrance.gouv.fr/codes/article_lc/"
RGPD_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"


@dataclass(frozen=True)
class Article:
    code: str  # abbreviation: CRPA, RGPD, CSS, CJA, LPF, CPP
    number: str
    summary: str
    url: str

    @property
    def title(self) -> str:
        return f"Article {self.number} du {self.code}"

    @property
    def key(self) -> str:
        return self.number if self.code == "CRPA" else f"{self.code}-{self.number}"


def _crpa(number: str, summary: str, legiarti: str = "") -> Article:
    return Article("CRPA", number, summary, LEGIARTI + legiarti if legiarti else CRPA_TEXT)


_TABLE: tuple[Article, ...] = (
    _crpa("L300-1", "droit de toute personne à l'information et d'accès aux documents "
          "administratifs"),
    _crpa("L300-2", "définition des documents administratifs, qui comprennent les codes "
          "sources", "LEGIARTI000033218936"),
    _crpa("L300-4", "mise à disposition électronique dans un standard ouvert, aisément "
          "réutilisable et exploitable par un système de traitement automatisé"),
    _crpa("L311-1", "obligation de publier en ligne ou de communiquer les documents "
          "administratifs à toute personne qui en fait la demande"),
    _crpa("L311-2", "transmission de la demande à l'administration qui détient le document",
          "LEGIARTI000031367700"),
    _crpa("L311-3-1", "mention explicite des décisions individuelles prises sur le fondement "
          "d'un traitement algorithmique ; communication des règles et des principales "
          "caractéristiques de sa mise en œuvre à l'intéressé", "LEGIARTI000033205535"),
    _crpa("R311-3-1-2", "informations communiquées sous une forme intelligible : 1° degré et "
          "mode de contribution du traitement à la décision ; 2° données traitées et leurs "
          "sources ; 3° paramètres de traitement et leur pondération ; 4° opérations "
          "effectuées", "LEGIARTI000034195881"),
    _crpa("L311-5", "documents non communicables (secrets protégés par la loi)",
          "LEGIARTI000033265181"),
    _crpa("L311-6", "documents communicables à la seule personne intéressée",
          "LEGIARTI000037269056"),
    _crpa("L311-7", "communication après occultation des mentions non communicables"),
    _crpa("L311-9", "modalités d'accès au choix du demandeur, dont l'envoi gratuit par "
          "courrier électronique"),
    _crpa("L312-1-1", "publication en ligne des documents administratifs communiqués"),
    _crpa("L312-1-3", "publication en ligne des règles des principaux traitements "
          "algorithmiques fondant des décisions individuelles", "LEGIARTI000033205516"),
    _crpa("L321-1", "libre réutilisation des informations publiques", "LEGIARTI000032255214"),
    _crpa("L112-3", "accusé de réception de toute demande adressée à l'administration"),
    _crpa("R311-12", "le silence gardé par l'administration vaut refus de communication"),
    _crpa("R311-13", "refus implicite au terme d'un mois à compter de la réception de la "
          "demande"),
    _crpa("R343-1", "saisine de la CADA dans les deux mois du refus, préalable obligatoire au "
          "recours contentieux"),
    _crpa("R343-3", "la CADA notifie son avis dans le mois de l'enregistrement de la saisine"),
    _crpa("R343-5", "à défaut de décision de l'administration dans les deux mois de "
          "l'enregistrement de la saisine, le refus est confirmé"),
    _crpa("L411-2", "le recours gracieux ou hiérarchique formé dans le délai du recours "
          "contentieux interrompt ce délai", "LEGIARTI000031367829"),
    Article("CJA", "R421-1", "le tribunal administratif est saisi dans les deux mois de la "
            "notification ou de la publication de la décision attaquée",
            LEGIARTI + "LEGIARTI000006449941"),
    Article("CSS", "R142-1", "la commission de recours amiable de l'organisme est saisie dans "
            "les deux mois de la notification de la décision contestée",
            "https://www.legifrance.gouv.fr/codes/id/LEGISCTA000037551235"),
    Article("CSS", "R142-1-A", "sauf disposition contraire, délais de recours préalable et de "
            "recours contentieux de deux mois à compter de la notification",
            "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006073189/"
            "LEGISCTA000006156517/"),
    Article("LPF", "R*196-1", "délai général de réclamation en matière fiscale",
            "https://bofip.impots.gouv.fr/bofip/597-PGP.html"),
    Article("CPP", "529-2", "requête en exonération d'une amende forfaitaire dans les "
            "quarante-cinq jours, auprès de l'officier du ministère public",
            "https://www.antai.gouv.fr/particulier/designation-ou-contestation"),
    Article("RGPD", "15", "droit d'accès de la personne concernée, dont, au 1, h), "
            "l'information sur la logique sous-jacente d'une décision automatisée", RGPD_URL),
    Article("RGPD", "22", "décision individuelle fondée exclusivement sur un traitement "
            "automatisé", RGPD_URL),
    Article("RIA", "86", "droit d'obtenir du déployeur des explications claires et pertinentes "
            "sur le rôle d'un système d'IA à haut risque dans une décision individuelle",
            "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"),
    Article("RGPD", "77", "droit d'introduire une réclamation auprès d'une autorité de "
            "contrôle (la CNIL en France)", RGPD_URL),
)

# THE table (key = how a letter writes it: the number for the CRPA, CODE-number otherwise).
ARTICLES: dict[str, Article] = {a.key: a for a in _TABLE}
CRPA_REF = re.compile(r"\b[LR]\d{3}-\d+(?:-\d+)*\b")
