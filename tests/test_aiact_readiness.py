"""« Prêts pour l'AI Act » and the systems by category (core), on real record files."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.coverage import readiness
from registry.law import aiact
from registry.records import catalogue as cat
from registry.records.model import Record, load_records
from tests.aiactrecords import CASES, CONCERNED, READY, READY_WITH_OBTAINED, write_cases
from tests.conftest import DATA


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    folder = write_cases(tmp_path_factory.mktemp("ia") / "algorithms")
    loaded = load_records(folder)
    assert {r.id for r in loaded} == set(CASES)
    return loaded


@pytest.fixture(scope="module")
def result(records: list[Record]) -> readiness.Readiness:
    return readiness.compute(records)


def test_ready_is_every_applicable_obligation_published(records: list[Record],
                                                        result: readiness.Readiness) -> None:
    assert {r.id for r in records if readiness.is_concerned(r)} == CONCERNED
    assert {r.id for r in records if readiness.is_ready(r)} == READY
    assert {r.id for r in records
            if readiness.is_ready(r, readiness.EVIDENCE_OBTAINED)} == READY_WITH_OBTAINED
    assert (result.pret.n, result.pret.N) == (len(READY), len(CONCERNED))
    assert result.pret.texte == "3 / 7 (42,9 %)"
    assert result.pret_avec_obtenu.texte == "4 / 7 (57,1 %)"


def test_figures_by_category(result: readiness.Readiness) -> None:
    high = result.by_key["haut_risque"]
    assert high.total == 6
    assert high.pret.texte == "2 / 5 (40,0 %)"  # all sans objet: not concerned
    assert high.pret_avec_obtenu.texte == "3 / 5 (60,0 %)"
    assert high.applies == aiact.applies_from(aiact.OBLIGATIONS_BY_KEY["fria"])
    assert high.explication == 5  # annex III point 2 has no right to an explanation
    transparency = result.by_key["transparence"]
    assert transparency.pret.texte == "1 / 2 (50,0 %)"
    assert transparency.applies == aiact.DATES_BY_KEY["transparence"].when
    for key in ("interdit", "risque_minimal", "hors_champ", "non_concerne", "inconnu"):
        assert result.by_key[key].obligations == []
        assert result.by_key[key].pret is None
    assert [c.key for c in result.categories] == list(aiact.CATEGORIES)
    assert [c.key for c in result.with_obligations] == ["haut_risque", "transparence"]
    assert (result.interdits, result.interdits_en_service) == (2, 1)
    assert result.total == len(CASES)


def test_each_obligation_counts_its_states(result: readiness.Readiness) -> None:
    high = {o.obligation.key: o for o in result.by_key["haut_risque"].obligations}
    assert list(high) == [o.key for o in aiact.obligations_for("haut_risque")]
    fria = high["fria"]
    assert fria.etats["publie"] == 4 and fria.etats["obtenu"] == 1
    assert fria.etats["sans_objet"] == 1
    assert fria.publie.texte == "4 / 5 (80,0 %)" and fria.avec_obtenu.texte == "5 / 5 (100,0 %)"
    info = high["information"]
    assert (info.etats["partiel"], info.etats["inconnu"], info.etats["sans_objet"]) == (1, 1, 2)
    assert info.publie.texte == "2 / 4 (50,0 %)"  # partial never counts
    assert sum(fria.etats.values()) == 6 and set(fria.etats) == set(cat.ETATS)


def test_systems_by_point_with_their_judgement_flag(result: readiness.Readiness) -> None:
    high = result.by_key["haut_risque"]
    order = [p.key for p in aiact.POINTS]
    assert [g.point for g in high.points] == sorted({g.point for g in high.points},
                                                    key=order.index)
    rows = {s.id: s for g in high.points for s in g.systems}
    assert rows["hr-pret"].jugement is False and rows["hr-obtenu"].jugement is True
    assert rows["hr-manquante"].etats["information"] == "inconnu"  # missing counts as inconnu
    assert rows["hr-obtenu"].point_label.startswith("Annexe III, point 4 a")
    assert high.judgements == 5
    minimal = result.by_key["risque_minimal"]
    assert [g.label for g in minimal.points] == ["Disposition non précisée"]


def test_as_dict_carries_the_table(result: readiness.Readiness) -> None:
    data = result.as_dict()
    high = next(c for c in data["categories"] if c["id"] == "haut_risque")
    fria = high["obligations"][0]
    assert fria["article"] == aiact.OBLIGATIONS_BY_KEY["fria"].article
    assert fria["exigible_le"] == aiact.applies_from(aiact.OBLIGATIONS_BY_KEY["fria"]).isoformat()
    assert fria["sources"] and data["prets"]["texte"] == "3 / 7 (42,9 %)"
    assert {s["id"] for s in high["systemes"]} == {i for i in CASES if i.startswith("hr-")}


def test_a_record_without_ai_act_section_is_unknown(tmp_path: Path) -> None:
    record = Record("sans", {"nom": "Sans section", "statut": "deploye"}, "")
    assert readiness.categorie(record) == "inconnu"
    assert not readiness.is_concerned(record)
    result = readiness.compute([record])
    assert result.pret.texte == "0 / 0 (—)" and result.by_key["inconnu"].total == 1


def test_the_real_register_adds_up() -> None:
    records = load_records(DATA)
    result = readiness.compute(records)
    assert sum(c.total for c in result.categories) == len(records)
    high = result.by_key["haut_risque"]
    assert high.total > 0 and high.pret.N <= high.total
    assert result.pret.N == sum(c.pret.N for c in result.with_obligations)
