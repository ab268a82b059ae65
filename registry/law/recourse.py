"""Recourse against an individual decision: the standard steps and the generic paths.

The "Vous êtes concerné ?" box of a record shows, in order, what a person can ask and whom.
A record's own `recours` steps (researched and sourced per record) come first; the steps
below fill in what the record does not list: the standard rights that always apply
(explanation, access to one's data, Défenseur des droits, CNIL) and, when the record has no
specific contest step, the generic path of its regime (administrative, social security,
tax, traffic fine), labelled as generic. Each line carries its legal basis and the page it
was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.law.crpa import ARTICLES

# Display order of the step kinds (a record's steps are sorted by it, stably).
ORDER: tuple[str, ...] = (
    "explication", "acces_donnees", "recours_prealable_obligatoire", "recours_gracieux",
    "recours_hierarchique", "mediateur", "defenseur_des_droits", "cnil", "tribunal", "autre",
)
KINDS: dict[str, str] = {
    "explication": "Demander l'explication de la décision",
    "acces_donnees": "Obtenir vos données et la logique du traitement",
    "recours_prealable_obligatoire": "Contester d'abord auprès de l'organisme (recours préalable "
                                     "obligatoire)",
    "recours_gracieux": "Demander à l'administration de revoir sa décision (recours gracieux)",
    "recours_hierarchique": "Demander à l'autorité supérieure de revoir la décision (recours "
                            "hiérarchique)",
    "mediateur": "Saisir le médiateur",
    "defenseur_des_droits": "Saisir le Défenseur des droits",
    "cnil": "Saisir la CNIL",
    "tribunal": "Saisir le juge",
    "autre": "Autre démarche",
}
REGIMES: dict[str, str] = {
    "administratif": "Décision administrative (recours gracieux ou hiérarchique, puis tribunal "
                     "administratif)",
    "securite_sociale": "Décision d'un organisme de sécurité sociale (commission de recours "
                        "amiable, puis pôle social du tribunal judiciaire)",
    "fiscal": "Impôt (réclamation préalable, puis tribunal)",
    "contravention": "Amende forfaitaire (requête en exonération, puis tribunal de police)",
}


@dataclass(frozen=True)
class Reference:
    """Where a line of the table was read: the page, its title and a short verbatim quote."""

    url: str
    titre: str
    extrait: str


@dataclass(frozen=True)
class Step:
    type: str
    organe: str
    description: str
    delai: str = ""  # time the person has: "2 mois", "45 jours"; "" when none
    depart: str = ""
    delai_reponse: str = ""
    silence: str = ""
    obligatoire: bool = False
    articles: tuple[str, ...] = ()  # keys of registry.law.crpa.ARTICLES
    url: str = ""  # where to do it
    references: tuple[Reference, ...] = field(default_factory=tuple)

    @property
    def fondement(self) -> str:
        return " ; ".join(ARTICLES[a].title for a in self.articles)


_CRPA_EXPLICATION = Reference(
    "https://www.service-public.fr/particuliers/actualites/A11502",
    "Service-public.fr – Décision administrative prise sur le fondement d'un algorithme : "
    "communication des règles (mars 2017)",
    "Le silence gardé par l'administration au terme du délai d'un mois vaut décision de rejet "
    "de communication.")
_CNIL_PLAINTE = Reference(
    "https://cnil.fr/adresser-une-plainte", "CNIL – Adresser une plainte à la CNIL",
    "L’organisme doit vous répondre dans les meilleurs délais, et sous un mois maximum.")
_DDD = Reference(
    "https://defenseurdesdroits.fr/fr/obtenir-de-laide", "Défenseur des droits – Obtenir de "
    "l'aide", "Nous étudions gratuitement les réclamations que vous nous adressez dans les 5 "
    "domaines suivants")
_CJA = Reference(
    "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006449941",
    "Légifrance – Code de justice administrative, article R421-1",
    "La juridiction ne peut être saisie que par voie de recours formé contre une décision, "
    "et ce, dans les deux mois à partir de la notification ou de la publication de la "
    "décision attaquée.")
_L411_2 = Reference(
    "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367829",
    "Légifrance – CRPA, article L411-2",
    "Toute décision administrative peut faire l'objet, dans le délai imparti pour "
    "l'introduction d'un recours contentieux, d'un recours gracieux ou hiérarchique qui "
    "interrompt le cours de ce délai.")
_CRA = Reference(
    "https://www.legifrance.gouv.fr/codes/id/LEGISCTA000037551235",
    "Légifrance – Code de la sécurité sociale, article R142-1",
    "Cette commission doit être saisie dans le délai de deux mois à compter de la "
    "notification de la décision contre laquelle les intéressés entendent former une "
    "réclamation.")
_CSS_JUGE = Reference(
    "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006073189/"
    "LEGISCTA000006156517/",
    "Légifrance – Code de la sécurité sociale, article R142-1-A",
    "le délai de recours préalable et le délai de recours contentieux sont de deux mois à "
    "compter de la notification de la décision contestée.")
_BOFIP = Reference(
    "https://bofip.impots.gouv.fr/bofip/597-PGP.html",
    "BOFiP – BOI-CTX-PREA-10-30, délai général de réclamation",
    "en toute matière fiscale (excepté les impôts directs locaux, cf. ci-dessous) jusqu'au 31 "
    "décembre de la deuxième année suivant celle")
_ANTAI = Reference(
    "https://www.antai.gouv.fr/particulier/designation-ou-contestation",
    "ANTAI – Désignation ou contestation",
    "Pour contester un avis de contravention ou une amende forfaitaire majorée, vous devez "
    "formuler une requête en exonération ou une réclamation auprès de l'officier du ministère "
    "public (OMP).")
_CPP_529_2 = Reference(
    "https://kohenavocats.com/code-procedure-penale-article-529-2",
    "Code de procédure pénale, article 529-2 (texte reproduit de Légifrance)",
    "A défaut de paiement ou d’une requête présentée dans le délai de quarante-cinq jours, "
    "l’amende forfaitaire est majorée de plein droit")

# Rights that apply to every individual decision of a public body, whatever its regime.
STANDARD: dict[str, Step] = {
    "explication": Step(
        "explication", "L'administration qui a pris la décision",
        "Demandez par écrit les règles du traitement algorithmique et la façon dont elles ont "
        "été appliquées à votre situation : degré de contribution de l'algorithme, données "
        "utilisées et leur source, critères et leur poids, opérations effectuées.",
        delai_reponse="1 mois", silence="vaut refus ; vous pouvez alors saisir la CADA dans "
        "les deux mois", articles=("L311-3-1", "R311-3-1-2", "R311-13"),
        references=(_CRPA_EXPLICATION,)),
    "acces_donnees": Step(
        "acces_donnees", "Le délégué à la protection des données de l'administration",
        "Demandez une copie des données personnelles qu'elle traite sur vous et des "
        "informations utiles sur la logique de toute décision automatisée vous concernant.",
        delai_reponse="1 mois", silence="ou une réponse insuffisante permet de saisir la CNIL",
        articles=("RGPD-15",), references=(_CNIL_PLAINTE,)),
    "defenseur_des_droits": Step(
        "defenseur_des_droits", "Le Défenseur des droits (ou son délégué près de chez vous)",
        "Gratuit, pour un litige avec un service public ou une discrimination, après avoir "
        "tenté de régler le problème avec l'organisme. La saisine ne suspend pas les délais "
        "pour aller au tribunal.", url="https://defenseurdesdroits.fr/fr/obtenir-de-laide",
        references=(_DDD,)),
    "cnil": Step(
        "cnil", "La Commission nationale de l'informatique et des libertés (CNIL)",
        "Si l'administration ne répond pas à votre demande d'accès à vos données, ou mal, "
        "vous pouvez adresser une plainte à la CNIL.",
        articles=("RGPD-77",), url="https://cnil.fr/adresser-une-plainte",
        references=(_CNIL_PLAINTE,)),
}

# Generic contest paths, when a record has no specific contest step of its own.
GENERIC: dict[str, tuple[Step, ...]] = {
    "administratif": (
        Step("recours_gracieux", "L'administration qui a pris la décision",
             "Écrivez-lui pour lui demander de revoir sa décision, en joignant la décision et "
             "vos justificatifs. Ce recours, facultatif, interrompt le délai pour aller au "
             "tribunal.", delai="2 mois", depart="la notification de la décision",
             articles=("L411-2",), references=(_L411_2,)),
        Step("tribunal", "Le tribunal administratif",
             "Le recours contre la décision (ou contre le rejet de votre recours gracieux) "
             "est formé dans les deux mois.", delai="2 mois",
             depart="la notification de la décision ou du rejet de votre recours",
             articles=("CJA-R421-1",), references=(_CJA,)),
    ),
    "securite_sociale": (
        Step("recours_prealable_obligatoire",
             "La commission de recours amiable (CRA) de l'organisme qui a pris la décision",
             "Obligatoire avant d'aller au tribunal : écrivez à la CRA en joignant la "
             "décision contestée.", delai="2 mois", depart="la notification de la décision",
             obligatoire=True, articles=("CSS-R142-1",), references=(_CRA,)),
        Step("tribunal", "Le pôle social du tribunal judiciaire",
             "Après la réponse de la commission de recours amiable, ou son silence.",
             delai="2 mois", depart="la notification de la décision de la commission",
             articles=("CSS-R142-1-A",), references=(_CSS_JUGE,)),
    ),
    "fiscal": (
        Step("recours_prealable_obligatoire", "Le service des impôts indiqué sur l'avis",
             "Une réclamation écrite est obligatoire avant tout recours au juge ; en général "
             "jusqu'au 31 décembre de la deuxième année suivant la mise en recouvrement (un an "
             "de moins pour les impôts locaux).", obligatoire=True,
             depart="la mise en recouvrement de l'impôt", articles=("LPF-R*196-1",),
             references=(_BOFIP,)),
        Step("tribunal", "Le tribunal administratif (impôts directs, TVA) ou le tribunal "
             "judiciaire (droits d'enregistrement)",
             "Après le rejet de la réclamation ; le délai figure dans la décision de rejet.",
             references=(_BOFIP,)),
    ),
    "contravention": (
        Step("recours_prealable_obligatoire", "L'officier du ministère public (OMP) indiqué "
             "sur l'avis de contravention",
             "Requête en exonération (en ligne sur le site de l'ANTAI ou par lettre "
             "recommandée), avec l'avis de contravention ; payer l'amende vaut reconnaissance "
             "de l'infraction.", delai="45 jours", depart="l'envoi de l'avis de contravention",
             obligatoire=True, articles=("CPP-529-2",),
             url="https://www.antai.gouv.fr/particulier/designation-ou-contestation",
             references=(_ANTAI, _CPP_529_2)),
        Step("tribunal", "Le tribunal de police",
             "Si l'officier du ministère public n'annule pas l'avis, il peut saisir le "
             "tribunal de police, devant lequel vous vous défendez.", references=(_ANTAI,)),
    ),
}

CONTEST_KINDS = frozenset({"recours_prealable_obligatoire", "recours_gracieux",
                           "recours_hierarchique", "tribunal"})


def default_regime(administration_type: str, domaine: str) -> str:
    """The regime a record falls under when it does not say: by its body and its domain."""
    if administration_type == "securite_sociale":
        return "securite_sociale"
    if domaine == "fiscalite":
        return "fiscal"
    return "administratif"


# --- The path shown to a person concerned by a decision ----------------------------------

@dataclass
class PathStep:
    """One step as the record page shows it, wherever it comes from."""

    type: str
    organe: str
    description: str = ""
    delai: str = ""
    depart: str = ""
    delai_reponse: str = ""
    silence: str = ""
    obligatoire: bool = False
    fondement: str = ""
    url: str = ""
    keys: list[str] = field(default_factory=list)  # sources of the record that establish it
    references: list[Reference] = field(default_factory=list)  # other sources (table, body)
    origin: str = "fiche"  # fiche | administration | table | generique

    @property
    def title(self) -> str:
        return KINDS.get(self.type, self.type)


@dataclass
class RecoursePath:
    steps: list[PathStep]
    regime: str
    specific: bool  # the record lists its own contest steps


def _from_table(step: Step, origin: str) -> PathStep:
    return PathStep(step.type, step.organe, step.description, step.delai, step.depart,
                    step.delai_reponse, step.silence, step.obligatoire, step.fondement,
                    step.url, [], list(step.references), origin)


def _from_record(item: dict) -> PathStep:
    keys = item.get("source")
    return PathStep(str(item.get("type", "autre")), str(item.get("organe", "")),
                    str(item.get("description", "")), str(item.get("delai", "")),
                    str(item.get("depart", "")), str(item.get("delai_reponse", "")),
                    str(item.get("silence", "")), bool(item.get("obligatoire")),
                    str(item.get("fondement", "")), str(item.get("url", "")),
                    [keys] if isinstance(keys, str) else list(keys or []))


def _mediator(admin: dict) -> PathStep | None:
    mediator = admin.get("mediateur")
    if not isinstance(mediator, dict) or not (mediator.get("nom") or mediator.get("url")):
        return None
    name = str(mediator.get("nom") or "Le médiateur de l'organisme")
    source = next((s for s in admin.get("sources") or []
                   if isinstance(s, dict) and s.get("cle") == mediator.get("source")), None)
    refs = [Reference(str(source.get("url", "")), str(source.get("titre", "")),
                      str(source.get("extrait", "")))] if source else []
    return PathStep("mediateur", name, "Gratuit, après une première réclamation restée sans "
                    "réponse satisfaisante ; il ne suspend pas les délais pour aller au juge, "
                    "sauf texte contraire.",
                    url=str(mediator.get("formulaire") or mediator.get("url") or ""),
                    references=refs, origin="administration")


def path_for(meta: dict, admin: dict | None = None) -> RecoursePath:
    """The steps a person follows, in order: the record's own, the administration's mediator,
    the standard rights, and the generic contest path of the regime when the record has none.
    `admin`: the front matter of the record's administration."""
    admin = admin or {}
    regime = str(meta.get("regime_recours") or default_regime(str(admin.get("type", "")),
                                                               str(meta.get("domaine", ""))))
    own = [_from_record(item) for item in meta.get("recours") or [] if isinstance(item, dict)]
    kinds = {s.type for s in own}
    steps = list(own)
    specific = bool(kinds & CONTEST_KINDS)
    if not specific:
        steps += [_from_table(s, "generique") for s in GENERIC.get(regime, ())
                  if s.type not in kinds]
    if "mediateur" not in kinds and (mediator := _mediator(admin)):
        steps.append(mediator)
    for kind, step in STANDARD.items():
        if kind not in kinds:
            steps.append(_from_table(step, "table"))
    order = {kind: i for i, kind in enumerate(ORDER)}
    steps.sort(key=lambda s: order.get(s.type, len(order)))  # stable: a record's order holds
    return RecoursePath(steps, regime, specific)
