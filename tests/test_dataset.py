"""Dataset-level promises of data/algorithms/: size, spread, sources, every criterion assessed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from registry.records import catalogue as cat
from registry.records.model import Record, load_records
from registry.text import fold

DATA = Path(__file__).parent.parent / "data" / "algorithms"
FLAGSHIPS = ("cnaf-score-risque", "dgfip-cfvr", "france-travail-match-ft")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return load_records(DATA)


def test_at_least_130_valid_records(records: list[Record]) -> None:
    assert len(records) >= 130


def test_flagship_records_exist(records: list[Record]) -> None:
    ids = {r.id for r in records}
    assert set(FLAGSHIPS) <= ids


def test_every_record_has_sources_and_a_review_date(records: list[Record]) -> None:
    for record in records:
        assert record.meta.get("sources"), record.id
        assert record.meta.get("revu_le"), record.id


def test_every_criterion_is_present_in_every_record(records: list[Record]) -> None:
    for record in records:
        missing = [c.key for c in cat.CRITERIA if c.key not in (record.meta.get("transparence")
                                                                or {})]
        assert missing == [], (record.id, missing)


def test_published_states_carry_their_evidence(records: list[Record]) -> None:
    for record in records:
        for key, item in (record.meta.get("transparence") or {}).items():
            if item.get("etat") in cat.ETATS_WITH_URL:
                assert item.get("url"), (record.id, key)


def test_spread_across_domains_and_kinds_of_bodies(records: list[Record]) -> None:
    domains = Counter(r.meta["domaine"] for r in records)
    kinds = Counter(r.admin["type"] for r in records)
    for domain in ("social", "emploi", "fiscalite", "education", "sante", "logement", "justice",
                   "police_securite", "immigration", "administration_generale"):
        assert domains[domain] >= 2, (domain, domains)
    for kind in ("etat", "operateur", "securite_sociale", "collectivite"):
        assert kinds[kind] >= 3, (kind, kinds)


def test_no_two_records_describe_the_same_system_under_the_same_name(
        records: list[Record]) -> None:
    names = Counter(fold(r.meta["nom"]).strip() for r in records)
    assert [n for n, count in names.items() if count > 1] == []


def test_crpa_criteria_not_applicable_without_individual_decisions(
        records: list[Record]) -> None:
    for record in records:
        if record.meta["decision_individuelle"] == "non":
            for key in ("regles_publiees", "mention_explicite"):
                assert record.etat(key) in ("sans_objet", "publie", "partiel"), (record.id, key)
