"""The EU AI Act (Regulation (EU) 2024/1689, as amended in 2026): categories, points, duties.

One table: what each provision requires of a public deployer, from when, and where it was
read. Records classify their system (`ai_act.categorie`, `ai_act.point`); every obligation
and every date shown on the site is derived from here, never typed in a record.

Dates: the 2024 text (art. 113) as amended by the "Digital Omnibus on AI", adopted by the
European Parliament on 16 June 2026 and given final approval by the Council on 29 June 2026,
which moves the stand-alone (Annex III) high-risk rules to 2 December 2027. We did not find
the amending regulation's Official Journal reference in the sources we could read; the date
comes from the institutions' announcements reported below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from registry.law.recourse import Reference

AI_ACT_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"

_ART_113 = Reference(
    "https://policy-advocacy.gfmd.info/policies-and-legislation/artificial-intelligence-act-"
    "ai-act/official-documents",
    "AI Act, article 113 (texte publié au JOUE le 12 juillet 2024)",
    "This Regulation shall apply from 2 August 2026. However: (a) Chapters I and II shall apply "
    "from 2 February 2025")
_OMNIBUS = Reference(
    "https://www.heuking.de/en/news-events/newsletter-articles/detail/ai-omnibus-2026-trilogue-"
    "agreement-on-amendments-to-the-ai-act-brings-longer-deadlines-and-less-bureaucracy.html",
    "Heuking – AI Omnibus 2026 (1er juillet 2026)",
    "With its decision of 29 June 2026, the Council of the European Union gave its final "
    "approval to the so-called Digital Omnibus on AI")
_OMNIBUS_DATES = Reference(
    "https://www.insideprivacy.com/artificial-intelligence/eu-ai-act-update-timeline-relief-"
    "targeted-simplification-and-new-prohibitions/",
    "Covington, Inside Privacy – EU AI Act update: timeline relief (mai 2026)",
    "Annex III HRAIS (use-based): Obligations are postponed from 2 August 2026 to 2 December "
    "2027 (i.e., deferred by 16 months).")
# The articles are cited from the Official Journal text on EUR-Lex (the quotes are the
# regulation's own words, read from a transcription of that text).
_ART_111 = Reference(
    AI_ACT_URL, "EUR-Lex – Règlement (UE) 2024/1689, article 111 (texte de 2024)",
    "the providers and deployers of high-risk AI systems intended to be used by public "
    "authorities shall take the necessary steps to comply […] by 2 August 2030.")
_ART_27 = Reference(
    AI_ACT_URL, "EUR-Lex – Règlement (UE) 2024/1689, article 27",
    "deployers that are bodies governed by public law, or are private entities providing "
    "public services, […] shall perform an assessment of the impact on fundamental rights")
_ART_86 = Reference(
    AI_ACT_URL, "EUR-Lex – Règlement (UE) 2024/1689, article 86",
    "shall have the right to obtain from the deployer clear and meaningful explanations of the "
    "role of the AI system in the decision-making procedure")
_EUR_LEX = Reference(AI_ACT_URL, "EUR-Lex – Règlement (UE) 2024/1689 (texte de 2024)", "")
_ANNEX_VIII_C = Reference(
    AI_ACT_URL, "EUR-Lex – Règlement (UE) 2024/1689, annexe VIII, section C (JO L du 12 juillet "
    "2024)", "Section C — Information to be submitted by deployers of high-risk AI systems in "
    "accordance with Article 49(3)")

# Application dates (the law in force as we read it), each with its source.
PROHIBITIONS_FROM = date(2025, 2, 2)
TRANSPARENCY_FROM = date(2026, 8, 2)
HIGH_RISK_ANNEX_III_FROM = date(2027, 12, 2)
EXISTING_PUBLIC_SYSTEMS_BY = date(2030, 8, 2)


@dataclass(frozen=True)
class Dated:
    key: str
    label: str
    when: date
    references: tuple[Reference, ...]


DATES: tuple[Dated, ...] = (
    Dated("interdictions", "Pratiques interdites (article 5)", PROHIBITIONS_FROM, (_ART_113,)),
    Dated("transparence", "Obligations de transparence (article 50)", TRANSPARENCY_FROM,
          (_ART_113, _OMNIBUS)),
    Dated("haut_risque", "Systèmes à haut risque de l'annexe III (obligations des "
          "déployeurs, droit à l'explication)", HIGH_RISK_ANNEX_III_FROM,
          (_OMNIBUS, _OMNIBUS_DATES)),
    Dated("existants_publics", "Systèmes à haut risque déjà en service et destinés aux "
          "autorités publiques : mise en conformité au plus tard (article 111, paragraphe 2, "
          "texte de 2024)", EXISTING_PUBLIC_SYSTEMS_BY, (_ART_111,)),
)
DATES_BY_KEY = {d.key: d for d in DATES}

CATEGORIES: dict[str, str] = {
    "interdit": "Pratique interdite (article 5)",
    "haut_risque": "Haut risque (annexe III)",
    "transparence": "Obligations de transparence (article 50)",
    "risque_minimal": "Risque minimal (aucune obligation propre)",
    "hors_champ": "Hors du champ du règlement",
    "non_concerne": "Pas un système d'IA (règles fixes)",
    "inconnu": "Inconnu",
}


@dataclass(frozen=True)
class Point:
    key: str
    categorie: str
    label: str


def _points() -> tuple[Point, ...]:
    out = [Point(f"art-5-1-{k}", "interdit", f"Article 5, paragraphe 1, point {k}) : {text}")
           for k, text in (
        ("a", "techniques subliminales ou manipulatrices"),
        ("b", "exploitation des vulnérabilités"),
        ("c", "notation sociale"),
        ("d", "prédiction d'infractions fondée uniquement sur le profilage"),
        ("e", "moissonnage non ciblé d'images faciales"),
        ("f", "reconnaissance des émotions sur le lieu de travail ou à l'école"),
        ("g", "catégorisation biométrique selon des caractéristiques sensibles"),
        ("h", "identification biométrique à distance en temps réel dans l'espace public à "
              "des fins répressives"))]
    annex = (
        ("1-a", "identification biométrique à distance"), ("1-b", "catégorisation biométrique"),
        ("1-c", "reconnaissance des émotions"),
        ("2", "sécurité des infrastructures critiques"),
        ("3-a", "accès, admission ou affectation dans l'enseignement"),
        ("3-b", "évaluation des acquis d'apprentissage"),
        ("3-c", "évaluation du niveau d'enseignement approprié"),
        ("3-d", "surveillance des comportements interdits pendant les examens"),
        ("4-a", "recrutement et sélection"), ("4-b", "décisions relatives aux relations de "
                                                     "travail"),
        ("5-a", "éligibilité aux prestations et services publics essentiels (octroi, "
                "réduction, retrait, récupération)"),
        ("5-b", "solvabilité"), ("5-c", "tarification d'assurances vie et santé"),
        ("5-d", "appels d'urgence et tri des patients"),
        ("6-a", "risque qu'une personne soit victime d'infractions"),
        ("6-b", "polygraphes (répression)"), ("6-c", "fiabilité des preuves"),
        ("6-d", "risque d'infraction ou de récidive"), ("6-e", "profilage (répression)"),
        ("7-a", "polygraphes (migration)"), ("7-b", "évaluation des risques (migration)"),
        ("7-c", "examen des demandes d'asile, de visa ou de titre de séjour"),
        ("7-d", "détection ou identification de personnes (migration)"),
        ("8-a", "aide aux autorités judiciaires"), ("8-b", "influence sur les élections"),
    )
    out += [Point(f"annexe-iii-{k}", "haut_risque", f"Annexe III, point {k.replace('-', ' ')} : "
                  f"{text}") for k, text in annex]
    out += [Point("art-6-3", "risque_minimal", "Article 6, paragraphe 3 : listé à l'annexe III "
                  "mais sans risque important (tâche procédurale étroite ou préparatoire, sans "
                  "profilage)")]
    out += [Point(f"art-50-{n}", "transparence", f"Article 50, paragraphe {n} : {text}")
            for n, text in (("1", "système interagissant avec des personnes"),
                            ("2", "génération de contenus synthétiques"),
                            ("3", "reconnaissance des émotions ou catégorisation biométrique"),
                            ("4", "hypertrucages et textes publiés d'intérêt public"))]
    out += [Point("art-2-3", "hors_champ", "Article 2, paragraphe 3 : sécurité nationale, "
                  "défense, fins militaires"),
            Point("art-2-6", "hors_champ", "Article 2, paragraphe 6 : recherche scientifique")]
    return tuple(out)


POINTS: tuple[Point, ...] = _points()
POINTS_BY_KEY = {p.key: p for p in POINTS}

# English labels of the same keys (the interface's second language).
CATEGORIES_EN: dict[str, str] = {
    "interdit": "Prohibited practice (Article 5)",
    "haut_risque": "High risk (Annex III)",
    "transparence": "Transparency obligations (Article 50)",
    "risque_minimal": "Minimal risk (no specific obligation)",
    "hors_champ": "Outside the scope of the Regulation",
    "non_concerne": "Not an AI system (fixed rules)",
    "inconnu": "Unknown",
}
_ART_5_EN = {
    "a": "subliminal or manipulative techniques", "b": "exploitation of vulnerabilities",
    "c": "social scoring", "d": "prediction of offences based solely on profiling",
    "e": "untargeted scraping of facial images",
    "f": "emotion recognition in the workplace or at school",
    "g": "biometric categorisation by sensitive characteristics",
    "h": "real-time remote biometric identification in public spaces for law enforcement",
}
_ANNEX_III_EN = {
    "1-a": "remote biometric identification", "1-b": "biometric categorisation",
    "1-c": "emotion recognition", "2": "safety of critical infrastructure",
    "3-a": "access, admission or assignment to education",
    "3-b": "evaluation of learning outcomes",
    "3-c": "assessment of the appropriate level of education",
    "3-d": "monitoring of prohibited behaviour during tests",
    "4-a": "recruitment and selection", "4-b": "decisions on work relationships",
    "5-a": "eligibility for essential public benefits and services (granting, reducing, "
           "revoking, reclaiming)",
    "5-b": "creditworthiness", "5-c": "pricing of life and health insurance",
    "5-d": "emergency calls and patient triage",
    "6-a": "risk of a person becoming a victim of offences",
    "6-b": "polygraphs (law enforcement)", "6-c": "reliability of evidence",
    "6-d": "risk of offending or re-offending", "6-e": "profiling (law enforcement)",
    "7-a": "polygraphs (migration)", "7-b": "risk assessment (migration)",
    "7-c": "examination of applications for asylum, visas or residence permits",
    "7-d": "detection or identification of persons (migration)",
    "8-a": "assisting judicial authorities", "8-b": "influencing elections",
}
_ART_50_EN = {
    "1": "system interacting with people", "2": "generation of synthetic content",
    "3": "emotion recognition or biometric categorisation",
    "4": "deep fakes and published texts of public interest",
}
POINTS_EN: dict[str, str] = {
    **{f"art-5-1-{k}": f"Article 5(1)({k}): {text}" for k, text in _ART_5_EN.items()},
    **{f"annexe-iii-{k}": f"Annex III, point {k.replace('-', ' ')}: {text}"
       for k, text in _ANNEX_III_EN.items()},
    "art-6-3": "Article 6(3): listed in Annex III but without significant risk (narrow "
               "procedural or preparatory task, no profiling)",
    **{f"art-50-{n}": f"Article 50({n}): {text}" for n, text in _ART_50_EN.items()},
    "art-2-3": "Article 2(3): national security, defence, military purposes",
    "art-2-6": "Article 2(6): scientific research",
}


@dataclass(frozen=True)
class Obligation:
    key: str
    label: str
    article: str
    requirement: str
    categorie: str  # the category it applies to
    date_key: str  # key of DATES
    references: tuple[Reference, ...]


OBLIGATIONS: tuple[Obligation, ...] = (
    Obligation("fria", "Analyse d'impact sur les droits fondamentaux", "Article 27",
               "avant la mise en service, les organismes de droit public évaluent l'impact du "
               "système sur les droits fondamentaux et notifient le résultat à l'autorité de "
               "surveillance", "haut_risque", "haut_risque", (_ART_27,)),
    Obligation("enregistrement", "Enregistrement dans la base de données de l'UE",
               "Articles 26, paragraphe 8, 49 et 71",
               "les autorités publiques qui déploient un système à haut risque enregistrent "
               "leur utilisation dans la base de données de l'UE", "haut_risque", "haut_risque",
               (_EUR_LEX,)),
    Obligation("controle_humain", "Contrôle humain", "Article 26, paragraphe 2",
               "le contrôle humain est confié à des personnes compétentes, formées et dotées "
               "de l'autorité nécessaire", "haut_risque", "haut_risque", (_EUR_LEX,)),
    Obligation("information", "Information des personnes concernées",
               "Article 26, paragraphe 11",
               "les personnes qui font l'objet de décisions prises ou aidées par le système "
               "sont informées de son utilisation", "haut_risque", "haut_risque", (_EUR_LEX,)),
    Obligation("transparence_art50", "Information sur l'usage d'une IA", "Article 50",
               "les personnes sont informées qu'elles interagissent avec une IA ou que le "
               "contenu est généré par une IA", "transparence", "transparence", (_EUR_LEX,)),
)
OBLIGATIONS_BY_KEY = {o.key: o for o in OBLIGATIONS}

EXPLANATION_RIGHT = Obligation(
    "explication_art86", "Droit à l'explication d'une décision individuelle", "Article 86",
    "toute personne faisant l'objet d'une décision fondée sur un système à haut risque de "
    "l'annexe III (sauf point 2) peut obtenir une explication claire et pertinente du rôle du "
    "système et des principaux éléments de la décision", "haut_risque", "haut_risque",
    (_ART_86,))


@dataclass(frozen=True)
class RegistrationItem:
    """One item of what a public deployer enters in the EU database (annex VIII, section C)."""

    number: int  # its number in section C
    key: str
    label: str
    requirement: str  # what the item asks, in French
    parts: tuple[str, ...]  # the values an item made of several holds (name, address…)
    references: tuple[Reference, ...]


# Annex VIII, section C (art. 49(3) and 71(3)), as published in the Official Journal on
# 12 July 2024 (EUR-Lex, AI_ACT_URL; read from a transcription of that text). The sources
# above on the 2026 amendments report no change to it; check it again when the amending
# regulation's text is read.
REGISTRATION_ARTICLE = "Article 49, paragraphe 3, et annexe VIII, section C"
_PERSON = ("nom", "adresse", "coordonnees")
DEPLOYER_REGISTRATION: tuple[RegistrationItem, ...] = (
    RegistrationItem(1, "deployeur", "Déployeur", "le nom, l'adresse et les coordonnées du "
                     "déployeur", _PERSON, (_ANNEX_VIII_C,)),
    RegistrationItem(2, "declarant", "Personne qui soumet les informations",
                     "le nom, l'adresse et les coordonnées de la personne qui soumet les "
                     "informations pour le compte du déployeur", _PERSON, (_ANNEX_VIII_C,)),
    RegistrationItem(3, "url_fiche_fournisseur", "Fiche du système dans la base de l'UE",
                     "l'URL de l'entrée du système d'IA dans la base de données de l'UE par son "
                     "fournisseur", (), (_ANNEX_VIII_C,)),
    RegistrationItem(4, "resume_analyse_droits_fondamentaux",
                     "Résumé de l'analyse d'impact sur les droits fondamentaux",
                     "un résumé des conclusions de l'analyse d'impact sur les droits "
                     "fondamentaux réalisée conformément à l'article 27", (),
                     (_ANNEX_VIII_C, _ART_27)),
    RegistrationItem(5, "resume_analyse_protection_donnees",
                     "Résumé de l'analyse d'impact relative à la protection des données",
                     "un résumé de l'analyse d'impact relative à la protection des données "
                     "effectuée conformément à l'article 35 du règlement (UE) 2016/679 ou à "
                     "l'article 27 de la directive (UE) 2016/680, comme précisé à l'article 26, "
                     "paragraphe 8, le cas échéant", (), (_ANNEX_VIII_C,)),
)


# English wording of the same lines (the interface's second language); the sources stay.
DATES_EN: dict[str, str] = {
    "interdictions": "Prohibited practices (Article 5)",
    "transparence": "Transparency obligations (Article 50)",
    "haut_risque": "High-risk systems of Annex III (deployers' obligations, right to an "
                   "explanation)",
    "existants_publics": "High-risk systems already in service and intended to be used by "
                         "public authorities: compliance at the latest (Article 111(2), 2024 "
                         "text)",
}
OBLIGATIONS_EN: dict[str, tuple[str, str, str]] = {  # key -> (label, article, requirement)
    "fria": ("Fundamental rights impact assessment", "Article 27",
             "before putting the system into service, bodies governed by public law assess "
             "its impact on fundamental rights and notify the result to the market "
             "surveillance authority"),
    "enregistrement": ("Registration in the EU database", "Articles 26(8), 49 and 71",
                       "public authorities that deploy a high-risk system register their use "
                       "of it in the EU database"),
    "controle_humain": ("Human oversight", "Article 26(2)",
                        "human oversight is assigned to people who have the necessary "
                        "competence, training and authority"),
    "information": ("Information of the persons concerned", "Article 26(11)",
                    "people subject to decisions taken or assisted by the system are informed "
                    "that it is used"),
    "transparence_art50": ("Information on the use of AI", "Article 50",
                           "people are informed that they are interacting with an AI system or "
                           "that the content was generated by AI"),
    "explication_art86": ("Right to an explanation of an individual decision", "Article 86",
                          "anyone subject to a decision based on a high-risk system of Annex "
                          "III (except point 2) can obtain a clear and meaningful explanation "
                          "of the role of the system and of the main elements of the "
                          "decision"),
}
REGISTRATION_ARTICLE_EN = "Article 49(3) and Annex VIII, section C"
REGISTRATION_EN: dict[str, tuple[str, str]] = {  # key -> (label, requirement)
    "deployeur": ("Deployer", "the name, address and contact details of the deployer"),
    "declarant": ("Person submitting the information",
                  "the name, address and contact details of the person submitting the "
                  "information on behalf of the deployer"),
    "url_fiche_fournisseur": ("The system's entry in the EU database",
                              "the URL of the entry of the AI system in the EU database by "
                              "its provider"),
    "resume_analyse_droits_fondamentaux": (
        "Summary of the fundamental rights impact assessment",
        "a summary of the findings of the fundamental rights impact assessment conducted in "
        "accordance with Article 27"),
    "resume_analyse_protection_donnees": (
        "Summary of the data protection impact assessment",
        "a summary of the data protection impact assessment carried out in accordance with "
        "Article 35 of Regulation (EU) 2016/679 or Article 27 of Directive (EU) 2016/680 as "
        "specified in Article 26(8), where applicable"),
}


def in_language(item: Dated | Obligation | RegistrationItem, lang: str,
                ) -> Dated | Obligation | RegistrationItem:
    """The same line worded in `lang` (French, the table's language, for any other than
    English); its keys, dates and sources are unchanged."""
    if lang != "en":
        return item
    if isinstance(item, Dated) and item.key in DATES_EN:
        return replace(item, label=DATES_EN[item.key])
    if isinstance(item, Obligation) and item.key in OBLIGATIONS_EN:
        label, article, requirement = OBLIGATIONS_EN[item.key]
        return replace(item, label=label, article=article, requirement=requirement)
    if isinstance(item, RegistrationItem) and item.key in REGISTRATION_EN:
        label, requirement = REGISTRATION_EN[item.key]
        return replace(item, label=label, requirement=requirement)
    return item


def registration_article(lang: str) -> str:
    return REGISTRATION_ARTICLE_EN if lang == "en" else REGISTRATION_ARTICLE


def obligations_for(categorie: str) -> tuple[Obligation, ...]:
    """The deployer obligations a category carries (derived, never typed per record)."""
    return tuple(o for o in OBLIGATIONS if o.categorie == categorie)


def applies_from(obligation: Obligation) -> date:
    return DATES_BY_KEY[obligation.date_key].when


def explanation_right_concerns(meta: dict) -> bool:
    """Art. 86 concerns the decisions based on high-risk Annex III systems (not point 2)."""
    ai = meta.get("ai_act") or {}
    return ai.get("categorie") == "haut_risque" and ai.get("point") != "annexe-iii-2"


def explanation_right_applies(meta: dict, on: date) -> bool:
    """Art. 86 applies to high-risk Annex III systems (not point 2) from their date."""
    return explanation_right_concerns(meta) and on >= applies_from(EXPLANATION_RIGHT)
