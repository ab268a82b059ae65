"""Dataset-level promises of data/: size, spread, per-claim citations, primary sources,
every criterion assessed, a sourced recourse path for every individual decision, an AI Act
classification for every system, administrations with their contacts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from registry.law.recourse import path_for
from registry.records import catalogue as cat
from registry.records import citations, sourcepolicy
from registry.records.model import Record, load_administrations, load_records
from registry.records.validate import check_registry
from registry.text import fold

DATA = Path(__file__).parent.parent / "data" / "algorithms"
ADMINISTRATIONS = DATA.parent / "administrations"
FLAGSHIPS = ("cnaf-score-risque", "dgfip-cfvr", "france-travail-match-ft")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return load_records(DATA)


@pytest.fixture(scope="module")
def administrations() -> dict[str, dict]:
    return {a.id: a.meta for a in load_administrations(ADMINISTRATIONS)}


def test_more_than_150_valid_records(records: list[Record]) -> None:
    assert len(records) > 150


def test_the_whole_register_validates_without_warning() -> None:
    results = check_registry(DATA, ADMINISTRATIONS)
    assert [r.path.name for r in results if not r.ok] == []
    warnings = [(r.path.name, p.line, p.message) for r in results for p in r.problems]
    assert warnings == []  # no uncited figure, no copy site, no state without a note


def test_every_record_cites_its_sources_where_it_states_facts(records: list[Record]) -> None:
    for record in records:
        assert citations.body_keys(record.body), record.id  # the body cites
        keys = set(citations.source_keys(record.meta))
        assert keys <= citations.cited(record.meta, record.body), record.id  # all are cited


def test_most_sources_carry_a_quote(records: list[Record],
                                    administrations: dict[str, dict]) -> None:
    sources = [s for r in records for s in r.meta["sources"]]
    sources += [s for a in administrations.values() for s in a["sources"]]
    quoted = sum(1 for s in sources if s.get("extrait"))
    assert quoted / len(sources) >= 0.8, (quoted, len(sources))


def test_no_record_cites_a_copy_site_a_forum_or_a_staging_host(
        records: list[Record], administrations: dict[str, dict]) -> None:
    sources = [(r.id, s["url"]) for r in records for s in r.meta["sources"]]
    sources += [(i, s["url"]) for i, a in administrations.items() for s in a["sources"]]
    assert [(i, url) for i, url in sources if sourcepolicy.problem(url)] == []


def test_every_individual_decision_has_a_sourced_path_to_contest_it(
        records: list[Record], administrations: dict[str, dict]) -> None:
    for record in records:
        if record.meta["decision_individuelle"] != "oui":
            continue
        steps = path_for(record.meta, administrations.get(record.administration_id)).steps
        own = [s for s in steps if s.keys]
        assert len(own) >= 2, record.id  # researched for this system, cited to its sources
        assert len([s for s in steps if s.keys or s.references]) >= 3, record.id


def test_every_system_is_classified_under_the_ai_act(records: list[Record]) -> None:
    for record in records:
        ai = record.meta.get("ai_act")
        assert ai and ai.get("categorie") and ai.get("motif") or ai.get("motif_systeme_ia"), \
            record.id


def test_replaced_systems_point_to_their_successor(records: list[Record]) -> None:
    ids = {r.id for r in records}
    for record in records:
        if record.meta.get("remplace_par"):
            assert record.meta["remplace_par"] in ids and record.meta["statut"] == "abandonne"


def test_administrations_have_their_contacts(administrations: dict[str, dict]) -> None:
    """Where to write: a sourced postal address (head office or PRADA) for at least 60 % of
    the administrations; a sourced PRADA contact for 35 of the 71 (the issue's 80 % is not
    reached: see docs/fact-check.md, sections « Administrations »)."""
    total = len(administrations)
    addressed = [i for i, a in administrations.items()
                 if a.get("adresse") or (a.get("prada") or {}).get("adresse")]
    prada = [i for i, a in administrations.items() if (a.get("prada") or {}).get("source")]
    assert len(addressed) / total >= 0.6, (len(addressed), total)
    assert len(prada) / total >= 0.45, (len(prada), total)


def test_flagship_records_have_an_english_version(records: list[Record]) -> None:
    english = [r.id for r in records if r.meta.get("nom_en") and r.meta.get("resume_en")]
    assert len(english) >= 20 and set(FLAGSHIPS) <= set(english)


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
