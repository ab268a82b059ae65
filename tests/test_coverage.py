"""Coverage figures (core and command line) on 120 generated records."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.coverage.figures import (
    breakdown,
    compute,
    french_percent,
    headline,
    method,
    percent,
    record_scores,
    to_csv,
)
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.recordfactory import with_etats, write_record

N_RECORDS = 120
ADMINISTRATIONS = ("Caisse nationale des allocations familiales (CNAF)",
                   "Direction générale des Finances publiques", "Pôle emploi")
DOMAINES = ("social", "fiscalite", "emploi")
# States of each generated record, in order (each list has 120 entries).
EVALUATION_INTERNE = (["publie"] * 13 + ["partiel"] * 20 + ["obtenu"] * 7 + ["non_publie"] * 40
                      + ["refuse"] * 10 + ["sans_objet"] * 10 + ["inconnu"] * 20)
BUDGET = (["non_publie"] * 20 + ["publie"] * 18 + ["partiel"] * 12 + ["obtenu"] * 5
          + ["non_publie"] * 30 + ["refuse"] * 5 + ["sans_objet"] * 10 + ["inconnu"] * 20)
# decision_individuelle: oui for records 0-59, non for 60-99, inconnu for 100-119.
REGLES = (["publie"] * 10 + ["sans_objet"] * 2 + ["non_publie"] * 48 + ["publie"] * 5
          + ["non_publie"] * 55)
PENDING = {3: "en_attente", 4: "saisine_cada", 5: "clos"}


def decision(i: int) -> str:
    return "oui" if i < 60 else "non" if i < 100 else "inconnu"


def demande(statut: str) -> dict:
    return {"date_envoi": "2026-01-05", "demandeur": "Association d'essai",
            "destinataire": "PRADA", "objet": "Code source", "statut": statut}


def write_dataset(folder: Path) -> Path:
    """The 120 records of the issue: 13 evaluation_interne publie, 18 budget publie."""
    for i in range(N_RECORDS):
        transparence = with_etats(evaluation_interne=EVALUATION_INTERNE[i], budget=BUDGET[i],
                                  regles_publiees=REGLES[i])
        if i == 0:  # a criterion left out of the record counts as inconnu
            del transparence["analyse_impact"]
        extra = {"demandes": [demande(PENDING[i])]} if i in PENDING else {}
        write_record(folder, f"algo-{i:03d}", nom=f"Algorithme {i:03d}",
                     administration={"nom": ADMINISTRATIONS[i % 3], "type": "etat"},
                     domaine=DOMAINES[i % 3], decision_individuelle=decision(i),
                     transparence=transparence, **extra)
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("coverage") / "algorithms")


@pytest.fixture(scope="module")
def coverage(dataset: Path):
    return compute(load_records(dataset), today=date(2026, 11, 26))


def by_id(cov, key: str):
    return next(c for c in cov.criteria if c.criterion.key == key)


def test_fixture_has_the_states_of_the_issue() -> None:
    assert len(EVALUATION_INTERNE) == len(BUDGET) == len(REGLES) == N_RECORDS


# --- rounding and formatting -------------------------------------------------------

@pytest.mark.parametrize(("n", "total", "expected"), [
    (13, 120, "10,8 %"), (18, 120, "15,0 %"), (1, 16, "6,3 %"), (1, 80, "1,3 %"),
    (3, 16, "18,8 %"), (1, 3, "33,3 %"), (2, 3, "66,7 %"), (0, 7, "0,0 %"),
    (7, 7, "100,0 %"), (0, 0, "—"),
])
def test_percent_is_french_with_one_decimal_rounded_half_up(n: int, total: int,
                                                            expected: str) -> None:
    assert french_percent(percent(n, total)) == expected


@given(st.integers(min_value=1, max_value=100_000).flatmap(
    lambda total: st.tuples(st.integers(min_value=0, max_value=total), st.just(total))))
def test_percent_matches_exact_integer_half_up(pair: tuple[int, int]) -> None:
    n, total = pair
    tenths = (2000 * n + total) // (2 * total)  # exact half-up of 1000 n / total
    assert percent(n, total) == Decimal(tenths) / 10


# --- figures ---------------------------------------------------------------------

def test_published_over_all_records(coverage) -> None:
    assert coverage.total == N_RECORDS
    assert by_id(coverage, "evaluation_interne").tous.texte == "13 / 120 (10,8 %)"
    assert by_id(coverage, "budget").tous.texte == "18 / 120 (15,0 %)"


def test_applicable_records_exclude_sans_objet(coverage) -> None:
    assert by_id(coverage, "evaluation_interne").applicables.texte == "13 / 110 (11,8 %)"
    assert by_id(coverage, "budget").applicables.texte == "18 / 110 (16,4 %)"


def test_crpa_criteria_apply_only_to_individual_decisions(coverage) -> None:
    regles = by_id(coverage, "regles_publiees")
    # 15 published in all, 5 of them voluntarily on records without individual decisions;
    # 60 records with individual decisions, 2 of which say sans_objet.
    assert regles.tous.texte == "15 / 120 (12,5 %)"
    assert regles.applicables.texte == "10 / 58 (17,2 %)"
    mention = by_id(coverage, "mention_explicite")
    assert (mention.applicables.n, mention.applicables.N) == (0, 60)


def test_partiel_and_obtenu_are_counted_separately(coverage) -> None:
    evaluation = by_id(coverage, "evaluation_interne")
    assert evaluation.etats == {"publie": 13, "partiel": 20, "obtenu": 7, "non_publie": 40,
                                "refuse": 10, "sans_objet": 10, "inconnu": 20}
    assert evaluation.publie == 13
    assert sum(evaluation.etats.values()) == N_RECORDS


def test_missing_criterion_counts_as_inconnu(coverage) -> None:
    assert by_id(coverage, "analyse_impact").etats["inconnu"] == N_RECORDS


def test_every_catalogue_criterion_is_reported(coverage) -> None:
    assert [c.criterion.key for c in coverage.criteria] == [c.key for c in cat.CRITERIA]


def test_breakdown_by_administration_has_slugs_and_figures(dataset: Path) -> None:
    groups = breakdown(load_records(dataset), "administration")
    assert [g.libelle for g in groups] == [
        "Caisse nationale des allocations familiales (CNAF)",
        "Direction générale des Finances publiques", "Pôle emploi"]
    assert [g.slug for g in groups] == [
        "caisse-nationale-des-allocations-familiales-cnaf",
        "direction-generale-des-finances-publiques", "pole-emploi"]
    assert [g.total for g in groups] == [40, 40, 40]
    cnaf = next(c for c in groups[0].criteria if c.criterion.key == "evaluation_interne")
    # records 0, 3, 6, 9, 12 of the first 13 are CNAF's
    assert cnaf.tous.texte == "5 / 40 (12,5 %)"


def test_breakdowns_by_enumerations_use_catalogue_labels(coverage) -> None:
    domaines = coverage.groups["domaine"]
    assert [(g.slug, g.libelle, g.total) for g in domaines] == [
        ("social", "Social", 40), ("fiscalite", "Fiscalité", 40), ("emploi", "Emploi", 40)]
    assert [g.slug for g in coverage.groups["statut"]] == ["deploye"]
    assert [g.libelle for g in coverage.groups["type_technique"]] == ["Règles explicites"]


def test_record_scores_least_transparent_first(coverage) -> None:
    scores = coverage.scores
    values = [s.score.decimal for s in scores]
    assert values == sorted(values)
    # records 0-9: evaluation_interne and regles_publiees publie, 12 applicable criteria
    assert {s.id for s in scores[-10:]} == {f"algo-{i:03d}" for i in range(10)}
    assert {s.score.texte for s in scores[-10:]} == {"2 / 12 (16,7 %)"}
    assert scores[0].score.texte == "0 / 12 (0,0 %)"
    record = {s.id: s for s in scores}["algo-010"]  # regles_publiees sans_objet
    assert record.score.N == 11


def test_record_without_applicable_criteria_is_listed_last(tmp_path: Path) -> None:
    data = tmp_path / "algorithms"
    write_record(data, "a-rien", transparence={c.key: {"etat": "sans_objet"}
                                                   for c in cat.CRITERIA})
    write_record(data, "b-peu")
    scores = record_scores(load_records(data))
    assert [s.id for s in scores] == ["b-peu", "a-rien"]
    assert scores[-1].score.texte == "0 / 0 (—)"


def test_requests_awaiting_an_answer_are_counted(coverage) -> None:
    assert coverage.requests == {"fiches_avec_demande_en_attente": 1,
                                 "fiches_avec_demande_ouverte": 2}
    record = {s.id: s for s in coverage.scores}["algo-003"]
    assert (record.demandes_en_attente, record.demandes_ouvertes) == (1, 1)


def test_headline_gives_strings_per_criterion(dataset: Path) -> None:
    figures = headline(load_records(dataset))
    assert figures["total"] == N_RECORDS
    assert list(figures["criteres"]) == [c.key for c in cat.CRITERIA]
    evaluation = figures["criteres"]["evaluation_interne"]
    assert (evaluation["n"], evaluation["N"], evaluation["pourcentage"]) == (13, 120, "10,8 %")
    assert evaluation["texte"] == "13 / 120 (10,8 %)"
    assert evaluation["applicables"]["texte"] == "13 / 110 (11,8 %)"


def test_empty_registry_gives_dashes() -> None:
    cov = compute([])
    assert cov.total == 0
    assert all(c.tous.texte == "0 / 0 (—)" for c in cov.criteria)


def test_method_comes_from_the_catalogue() -> None:
    rows = method()
    assert [r["id"] for r in rows] == [c.key for c in cat.CRITERIA]
    regles = rows[0]
    assert regles["article"] == cat.CRITERIA_BY_KEY["regles_publiees"].article
    assert "décision individuelle" in regles["applicables"]


def test_csv_tables(coverage) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(coverage))))
    evaluation = next(r for r in rows if r["critere"] == "evaluation_interne")
    assert (evaluation["tous_n"], evaluation["tous_N"], evaluation["tous_pourcentage"],
            evaluation["etat_partiel"], evaluation["etat_obtenu"]) == (
        "13", "120", "10,8 %", "20", "7")
    fiches = list(csv.DictReader(io.StringIO(to_csv(coverage, "fiches"))))
    assert len(fiches) == N_RECORDS
    admin = list(csv.DictReader(io.StringIO(to_csv(coverage, "administration"))))
    assert len(admin) == 3 * len(cat.CRITERIA)
    with pytest.raises(ValueError, match="tableau inconnu"):
        to_csv(coverage, "nimporte")


# --- command line ------------------------------------------------------------------

def test_cli_json_reports_the_figures(cli, dataset: Path) -> None:
    result = cli("coverage", "--json", "--data", str(dataset))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == N_RECORDS
    criteres = {c["id"]: c for c in data["criteres"]}
    assert criteres["evaluation_interne"]["tous"]["pourcentage"] == "10,8 %"
    assert (criteres["evaluation_interne"]["tous"]["n"],
            criteres["evaluation_interne"]["tous"]["N"]) == (13, 120)
    assert criteres["budget"]["tous"]["pourcentage"] == "15,0 %"
    assert criteres["budget"]["publie"] == 18
    assert criteres["budget"]["etats"]["partiel"] == 12
    assert criteres["budget"]["applicables"] == {"n": 18, "N": 110, "pourcentage": "16,4 %",
                                                 "valeur": 16.4, "texte": "18 / 110 (16,4 %)"}
    assert [a["total"] for a in data["par_administration"]] == [40, 40, 40]
    assert "date" in data


def test_cli_text_output(cli, dataset: Path) -> None:
    result = cli("coverage", "--data", str(dataset))
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("Évaluation interne"))
    assert "13 / 120 (10,8 %)" in line and "13 / 110 (11,8 %)" in line
    assert "18 / 120 (15,0 %)" in result.output


def test_cli_csv_output(cli, dataset: Path) -> None:
    result = cli("coverage", "--csv", "--table", "domaine", "--data", str(dataset))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["groupe"] for r in rows} == {"social", "fiscalite", "emploi"}


def test_cli_installed_command(dataset: Path) -> None:
    exe = Path(sys.executable).parent / "registry"
    done = subprocess.run([str(exe), "coverage", "--json", "--data", str(dataset)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    evaluation = json.loads(done.stdout)["criteres"][6]
    assert evaluation["id"] == "evaluation_interne"
    assert evaluation["tous"]["texte"] == "13 / 120 (10,8 %)"


def test_cli_missing_folder_gives_a_french_message(cli, tmp_path: Path) -> None:
    result = cli("coverage", "--data", str(tmp_path / "absent"))
    assert result.exit_code == 1
    assert "dossier des fiches introuvable" in result.output


def test_cli_invalid_records_are_reported(cli, tmp_path: Path) -> None:
    data = tmp_path / "algorithms"
    write_record(data, "bonne")
    write_record(data, "mauvaise", domaine="astrologie")
    result = cli("coverage", "--data", str(data))
    assert result.exit_code == 1
    assert "mauvaise.md" in result.output and "registry validate" in result.output
    assert "Traceback" not in result.output


def test_cli_json_and_csv_are_exclusive(cli, dataset: Path) -> None:
    result = cli("coverage", "--json", "--csv", "--data", str(dataset))
    assert result.exit_code == 2
    assert "pas les deux" in result.output


def test_administration_groups_are_keyed_by_id_and_labelled_by_name(tmp_path: Path) -> None:
    data = tmp_path / "algorithms"
    write_record(data, "a", administration={"nom": "Pôle emploi", "type": "etat"})
    write_record(data, "b", administration="pole-emploi")
    write_record(data, "c", administration={"nom": "Ville de Paris", "type": "collectivite"})
    groups = breakdown(load_records(data), "administration")
    assert [(g.slug, g.libelle, g.total) for g in groups] == [
        ("pole-emploi", "Pôle emploi", 2), ("ville-de-paris", "Ville de Paris", 1)]
