"""Deadlines and state machine of access requests (registry/cada.py, `registry cada delais`)."""

from __future__ import annotations

import calendar
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.cada.deadlines import (
    NEXT_STEP,
    DateError,
    add_months,
    compute_deadlines,
    date_fr,
    demande_deadlines,
    is_pending,
    next_deadline,
    parse_date,
)
from registry.records import catalogue as cat

D = date.fromisoformat


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2026-03-10", 1, "2026-04-10"),
    ("2026-01-11", 1, "2026-02-11"),
    ("2026-01-31", 1, "2026-02-28"),  # month end, common year
    ("2028-01-31", 1, "2028-02-29"),  # leap year
    ("2100-01-31", 1, "2100-02-28"),  # century, not leap
    ("2000-01-31", 1, "2000-02-29"),  # 400-year leap
    ("2026-03-31", 1, "2026-04-30"),
    ("2026-05-31", 1, "2026-06-30"),
    ("2026-12-31", 2, "2027-02-28"),
    ("2026-11-15", 2, "2027-01-15"),
    ("2026-02-28", 1, "2026-03-28"),  # date to date, not end to end
    ("2026-08-31", 6, "2027-02-28"),
])
def test_add_months_date_to_date_clamped(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=0, max_value=36))
def test_add_months_properties(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])


@pytest.mark.parametrize(("reception", "express", "registered", "expected"), [
    # Implicit refusal only.
    ("2026-03-10", None, None,
     {"refus_implicite": "2026-04-10", "limite_saisine_cada": "2026-06-10",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # The CADA chain.
    ("2026-03-10", None, "2026-06-01",
     {"refus_implicite": "2026-04-10", "limite_saisine_cada": "2026-06-10",
      "avis_cada_attendu": "2026-07-01", "refus_confirme": "2026-08-01",
      "limite_recours_tribunal": "2026-10-01"}),
    # Month end.
    ("2026-01-31", None, None,
     {"refus_implicite": "2026-02-28", "limite_saisine_cada": "2026-04-28",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # Leap year.
    ("2028-01-31", None, None,
     {"refus_implicite": "2028-02-29", "limite_saisine_cada": "2028-04-29",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # Express refusal before the month: the CADA window runs from the refusal.
    ("2026-03-10", "2026-03-20", None,
     {"refus_implicite": "2026-04-10", "limite_saisine_cada": "2026-05-20",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # Express refusal on 31 March: + 2 months = 31 May.
    ("2026-03-01", "2026-03-31", None,
     {"refus_implicite": "2026-04-01", "limite_saisine_cada": "2026-05-31",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # A late express refusal does not reopen the window opened by the implicit refusal.
    ("2026-03-10", "2026-05-02", None,
     {"refus_implicite": "2026-04-10", "limite_saisine_cada": "2026-06-10",
      "avis_cada_attendu": None, "refus_confirme": None, "limite_recours_tribunal": None}),
    # CADA registration at a month end.
    ("2026-10-05", None, "2026-12-31",
     {"refus_implicite": "2026-11-05", "limite_saisine_cada": "2027-01-05",
      "avis_cada_attendu": "2027-01-31", "refus_confirme": "2027-02-28",
      "limite_recours_tribunal": "2027-04-28"}),
])
def test_deadlines_table(reception: str, express: str | None, registered: str | None,
                         expected: dict) -> None:
    deadlines = compute_deadlines(D(reception), express and D(express),
                                  registered and D(registered))
    assert deadlines.to_json() == expected


def test_incoherent_dates_are_refused_in_french() -> None:
    with pytest.raises(DateError, match="précède la réception"):
        compute_deadlines(D("2026-03-10"), refus_expres=D("2026-03-01"))
    with pytest.raises(DateError, match="précède la réception"):
        compute_deadlines(D("2026-03-10"), enregistrement_cada=D("2026-01-01"))


@pytest.mark.parametrize("bad", ["2026-02-30", "10/03/2026", "2026-3-1", "demain", "2026-03"])
def test_parse_date_rejects_with_french_message(bad: str) -> None:
    with pytest.raises(DateError, match="AAAA-MM-JJ"):
        parse_date(bad)


def test_parse_date_accepts_date_string_and_empty() -> None:
    assert parse_date("2026-03-10") == D("2026-03-10")
    assert parse_date(D("2026-03-10")) == D("2026-03-10")
    assert parse_date("") is None and parse_date(None) is None


@pytest.mark.parametrize(("value", "text"), [
    ("2026-06-10", "10 juin 2026"), ("2026-06-01", "1er juin 2026"),
    ("2026-08-15", "15 août 2026"), ("2027-02-28", "28 février 2027"),
])
def test_date_fr(value: str, text: str) -> None:
    assert date_fr(D(value)) == text
    assert date_fr(None) == ""


def test_every_open_status_has_a_next_deadline() -> None:
    # Every open state has a next deadline; closed ones have none.
    assert set(NEXT_STEP) == set(cat.DEMANDE_STATUTS) - {"communication_totale", "recours",
                                                         "clos"}


@pytest.mark.parametrize(("demande", "today", "expected"), [
    ({"statut": "en_attente", "date_envoi": "2026-03-10"}, "2026-03-20",
     ("refus implicite en l'absence de réponse le", "2026-04-10")),
    ({"statut": "envoyee", "date_envoi": "2026-03-10"}, "2026-04-10",
     ("saisine de la CADA possible jusqu'au", "2026-06-10")),
    ({"statut": "en_attente", "date_envoi": "2026-03-10"}, "2026-06-11",
     ("délai de saisine de la CADA expiré depuis le", "2026-06-10")),
    ({"statut": "refus_implicite", "date_envoi": "2026-03-10"}, "2026-05-01",
     ("saisine de la CADA possible jusqu'au", "2026-06-10")),
    ({"statut": "refus_expres", "date_envoi": "2026-03-10", "date_reponse": "2026-03-20"},
     "2026-04-01", ("saisine de la CADA possible jusqu'au", "2026-05-20")),
    ({"statut": "communication_partielle", "date_envoi": "2026-03-10",
      "date_reponse": "2026-04-02"}, "2026-04-03",
     ("saisine de la CADA possible jusqu'au", "2026-06-02")),
    ({"statut": "saisine_cada", "date_envoi": "2026-03-10",
      "date_enregistrement_cada": "2026-06-01"}, "2026-06-15",
     ("avis de la CADA attendu vers le", "2026-07-01")),
    ({"statut": "saisine_cada", "date_envoi": "2026-03-10",
      "date_enregistrement_cada": "2026-06-01"}, "2026-09-01",
     ("recours au tribunal administratif possible jusqu'au", "2026-10-01")),
    ({"statut": "refus_confirme", "date_envoi": "2026-03-10",
      "date_enregistrement_cada": "2026-06-01"}, "2026-08-02",
     ("recours au tribunal administratif possible jusqu'au", "2026-10-01")),
])
def test_next_deadline(demande: dict, today: str, expected: tuple[str, str]) -> None:
    phrase, when = next_deadline(demande, D(today))
    assert (phrase, when.isoformat()) == expected


@pytest.mark.parametrize("demande", [
    {"statut": "clos", "date_envoi": "2026-03-10"},
    {"statut": "communication_totale", "date_envoi": "2026-03-10"},
    {"statut": "en_attente", "date_envoi": "2026-03"},  # no full date in the record
    {"statut": "saisine_cada", "date_envoi": "2026-03-10"},  # registration date unknown
    {"statut": "inconnu", "date_envoi": "2026-03-10"},
])
def test_next_deadline_none(demande: dict) -> None:
    assert next_deadline(demande, D("2026-03-20")) is None


def test_demande_deadlines_reads_record_dates() -> None:
    deadlines = demande_deadlines({"statut": "en_attente", "date_envoi": date(2026, 1, 31)})
    assert deadlines.refus_implicite == D("2026-02-28")
    assert is_pending({"statut": "en_attente"}) and not is_pending({"statut": "clos"})


def test_cli_delais_json(cli) -> None:
    result = cli("cada", "delais", "--reception", "2026-03-10", "--json")
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["refus_implicite"] == "2026-04-10"
    assert out["limite_saisine_cada"] == "2026-06-10"
    assert out["avis_cada_attendu"] is None
    result = cli("cada", "delais", "--reception", "2026-03-10", "--enregistrement-cada",
                 "2026-06-01", "--json")
    assert json.loads(result.output) == {
        "refus_implicite": "2026-04-10", "limite_saisine_cada": "2026-06-10",
        "avis_cada_attendu": "2026-07-01", "refus_confirme": "2026-08-01",
        "limite_recours_tribunal": "2026-10-01"}
    result = cli("cada", "delais", "--reception", "2026-01-31", "--json")
    assert json.loads(result.output)["refus_implicite"] == "2026-02-28"
    result = cli("cada", "delais", "--reception", "2026-03-10", "--refus-expres", "2026-03-20",
                 "--json")
    assert json.loads(result.output)["limite_saisine_cada"] == "2026-05-20"


def test_cli_delais_text_and_errors(cli) -> None:
    result = cli("cada", "delais", "--reception", "2026-03-10")
    assert result.exit_code == 0
    assert "Dernier jour pour saisir la CADA : 2026-06-10 (10 juin 2026)" in result.output
    assert "non déterminé" in result.output
    assert "Ceci n'est pas un conseil juridique" in result.output
    result = cli("cada", "delais", "--reception", "2026-02-30")
    assert result.exit_code == 2
    assert "AAAA-MM-JJ" in result.output and "Traceback" not in result.output
    result = cli("cada", "delais", "--reception", "2026-03-10", "--refus-expres", "2026-01-01")
    assert result.exit_code == 2 and "précède la réception" in result.output
