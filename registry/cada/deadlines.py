"""Access requests (demandes CADA): deadline arithmetic and the state machine of a request.

Rules (CRPA; see docs/cada.md): calendar months are counted date to date and clamped at
month ends (31 January + 1 month = 28 or 29 February). From the date R on which the
administration received the request: implicit refusal at R + 1 month (R311-12, R311-13);
last day to refer to the CADA = refusal date (implicit, or the date D of an express refusal)
+ 2 months (R343-1). Once the CADA has registered the referral at G: opinion expected at
G + 1 month (not binding), refusal confirmed at G + 2 months (R343-5), last day to go to the
administrative court = confirmation + 2 months.

Plain Python: no Flask, no third-party dependency.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from registry.records.catalogue import DEMANDE_STATUTS
from registry.text import french_date

# Order of the dated steps, with their French label.
STEPS: dict[str, str] = {
    "refus_implicite": "Refus implicite si l'administration n'a pas répondu",
    "limite_saisine_cada": "Dernier jour pour saisir la CADA",
    "avis_cada_attendu": "Avis de la CADA attendu (délai indicatif)",
    "refus_confirme": "Refus confirmé si l'administration ne communique pas",
    "limite_recours_tribunal": "Dernier jour pour saisir le tribunal administratif",
}

# How each date is computed, shown next to it ("why this date").
EXPLANATIONS: dict[str, str] = {
    "refus_implicite": "réception de la demande + 1 mois (articles R311-12 et R311-13 du CRPA)",
    "limite_saisine_cada": "date du refus (implicite ou exprès) + 2 mois (article R343-1 du CRPA)",
    "avis_cada_attendu": "enregistrement de la saisine par la CADA + 1 mois (sans effet juridique)",
    "refus_confirme": "enregistrement de la saisine par la CADA + 2 mois (article R343-5 du CRPA)",
    "limite_recours_tribunal": "refus confirmé + 2 mois (article R421-1 du code de justice "
                               "administrative) ; reporté au premier jour ouvré si ce jour est "
                               "un samedi, un dimanche ou un jour férié",
}

# The same in English, for the interface's English pages (the letters stay French);
# tests/test_i18n_catalogue.py checks that every key has its English text.
STEPS_EN: dict[str, str] = {
    "refus_implicite": "Implicit refusal if the administration has not answered",
    "limite_saisine_cada": "Last day to refer the matter to the CADA",
    "avis_cada_attendu": "CADA opinion expected (indicative time limit)",
    "refus_confirme": "Refusal confirmed if the administration does not disclose",
    "limite_recours_tribunal": "Last day to go to the administrative court",
}
EXPLANATIONS_EN: dict[str, str] = {
    "refus_implicite": "receipt of the request + 1 month (Articles R311-12 and R311-13 of the "
                       "CRPA)",
    "limite_saisine_cada": "date of the refusal (implicit or express) + 2 months (Article R343-1 "
                           "of the CRPA)",
    "avis_cada_attendu": "registration of the referral by the CADA + 1 month (no legal effect)",
    "refus_confirme": "registration of the referral by the CADA + 2 months (Article R343-5 of "
                      "the CRPA)",
    "limite_recours_tribunal": "refusal confirmed + 2 months (Article R421-1 of the Code of "
                               "Administrative Justice); moved to the next working day when it "
                               "falls on a Saturday, a Sunday or a public holiday",
}


class DateError(ValueError):
    """A date given by the user is malformed or incoherent; the message is in French."""


def add_months(start: date, months: int) -> date:
    """Add calendar months date to date, clamping at the end of the month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not date.min.year <= year <= date.max.year:
        raise DateError(f"date hors calendrier : {date_fr(start)} plus {months} mois")
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_date(value: object, what: str = "date") -> date | None:
    """A full date from a ``date``, an ISO ``YYYY-MM-DD`` string or None.

    Raises DateError with a French message for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise DateError(f"{what} « {text} » invalide : date attendue au format AAAA-MM-JJ "
                    "(ex. 2026-03-10)")


date_fr = french_date  # « 10 juin 2026 », « 1er juin 2026 »; empty string for None


@dataclass(frozen=True)
class Deadlines:
    """The dated steps of a request; None when not yet determined."""

    reception: date
    refus_expres: date | None
    enregistrement_cada: date | None
    refus_implicite: date
    limite_saisine_cada: date
    avis_cada_attendu: date | None
    refus_confirme: date | None
    limite_recours_tribunal: date | None

    def steps(self) -> list[tuple[str, str, date | None]]:
        """(key, French label, date) in chronological order of the procedure."""
        return [(key, label, getattr(self, key)) for key, label in STEPS.items()]

    def to_json(self) -> dict[str, str | None]:
        return {key: (value.isoformat() if value else None) for key, _, value in self.steps()}


def compute_deadlines(reception: date, refus_expres: date | None = None,
                      enregistrement_cada: date | None = None) -> Deadlines:
    """Every deadline that the known dates determine.

    ``reception``: date the administration received the request; ``refus_expres``: date of a
    written refusal; ``enregistrement_cada``: date the CADA registered the referral.
    """
    if refus_expres and refus_expres < reception:
        raise DateError("la date du refus exprès précède la réception de la demande")
    if enregistrement_cada and enregistrement_cada < reception:
        raise DateError("l'enregistrement de la saisine par la CADA précède la réception "
                        "de la demande")
    implicit = add_months(reception, 1)
    refusal = refus_expres if refus_expres and refus_expres < implicit else implicit
    avis = confirmed = court = None
    if enregistrement_cada:
        avis = add_months(enregistrement_cada, 1)
        confirmed = add_months(enregistrement_cada, 2)
        court = add_months(confirmed, 2)
    return Deadlines(reception, refus_expres, enregistrement_cada, implicit,
                     add_months(refusal, 2), avis, confirmed, court)


# --- Statuses of a request (the catalogue's DEMANDE_STATUTS) ---------------------------

# Statuses where the request still waits for the administration (coverage: « demandé »).
PENDING = ("envoyee", "en_attente")
OPEN = tuple(s for s in DEMANDE_STATUTS if s not in ("communication_totale", "clos"))

# The next deadline of each state: French phrase and the Deadlines attribute it shows.
NEXT_STEP: dict[str, tuple[str, str]] = {
    "envoyee": ("refus implicite en l'absence de réponse le", "refus_implicite"),
    "en_attente": ("refus implicite en l'absence de réponse le", "refus_implicite"),
    "refus_implicite": ("saisine de la CADA possible jusqu'au", "limite_saisine_cada"),
    "refus_expres": ("saisine de la CADA possible jusqu'au", "limite_saisine_cada"),
    "communication_partielle": ("saisine de la CADA possible jusqu'au", "limite_saisine_cada"),
    "saisine_cada": ("avis de la CADA attendu vers le", "avis_cada_attendu"),
    "avis_cada": ("refus confirmé faute de communication le", "refus_confirme"),
    "refus_confirme": ("recours au tribunal administratif possible jusqu'au",
                       "limite_recours_tribunal"),
}
# When the deadline of a state has passed, the procedure moves on to this one.
FOLLOWING: dict[str, str] = {
    "refus_implicite": "refus_implicite",
    "avis_cada_attendu": "avis_cada",
    "refus_confirme": "refus_confirme",
}
EXPIRED = {
    "limite_saisine_cada": "délai de saisine de la CADA expiré depuis le",
    "limite_recours_tribunal": "délai de recours au tribunal expiré depuis le",
}

# next_deadline's phrases in English (keyed by the French phrase it returns).
PHRASES_EN: dict[str, str] = {
    "refus implicite en l'absence de réponse le": "implicit refusal without an answer on",
    "saisine de la CADA possible jusqu'au": "referral to the CADA possible until",
    "avis de la CADA attendu vers le": "CADA opinion expected around",
    "refus confirmé faute de communication le": "refusal confirmed without disclosure on",
    "recours au tribunal administratif possible jusqu'au": "appeal to the administrative court "
                                                           "possible until",
    "délai de saisine de la CADA expiré depuis le": "time limit to refer to the CADA expired "
                                                    "on",
    "délai de recours au tribunal expiré depuis le": "time limit to go to court expired on",
}


def _safe_date(value: object) -> date | None:
    try:
        return parse_date(value)
    except DateError:
        return None


def demande_deadlines(demande: dict) -> Deadlines | None:
    """Deadlines of a record's request (``demandes`` item), or None without a full date.

    The record stores ``date_envoi``: it is taken as the date of receipt (true for e-mail and
    Ma Dada; for a letter the receipt comes later, so the dates shown are the earliest
    possible ones). ``date_reponse`` is the express refusal of a « refus exprès » or a partial
    communication. Optional keys ``date_reception`` and ``date_enregistrement_cada`` are used
    when present.
    """
    reception = _safe_date(demande.get("date_reception")) or _safe_date(demande.get("date_envoi"))
    if reception is None:
        return None
    refus = None
    if demande.get("statut") in ("refus_expres", "communication_partielle"):
        refus = _safe_date(demande.get("date_reponse"))
    try:
        return compute_deadlines(reception, refus,
                                 _safe_date(demande.get("date_enregistrement_cada")))
    except DateError:
        return None


def next_deadline(demande: dict, today: date) -> tuple[str, date] | None:
    """The next deadline of a request as (French phrase, date), e.g.
    ("saisine de la CADA possible jusqu'au", date(2026, 6, 10)); None when nothing is due
    (closed request, or a date the record does not give).
    """
    status = str(demande.get("statut", ""))
    deadlines = demande_deadlines(demande)
    if deadlines is None or status not in NEXT_STEP:
        return None
    while True:
        phrase, key = NEXT_STEP[status]
        when = getattr(deadlines, key)
        if when is None:
            return None
        if today < when or key not in FOLLOWING:
            if today > when and key in EXPIRED:
                return EXPIRED[key], when
            return phrase, when
        status = FOLLOWING[key]


def is_pending(demande: dict) -> bool:
    """True while the administration has not answered (« demandé, en attente de réponse »)."""
    return demande.get("statut") in PENDING
