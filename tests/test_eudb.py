"""The EU-database export of the high-risk systems (AI Act Annex VIII, section C): its fields,
its unknown values, only the high-risk systems, written by `registry build` and the command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from registry.build.pipeline import build
from registry.config import load_settings
from registry.law import aiact
from registry.opendata import eudb
from registry.records.model import load_administrations, load_records
from tests.aiactrecords import EXPORTED, SECOND_ADMIN, write_cases
from tests.recordfactory import ADMIN_BASE, ADMIN_ID

SITE = "https://registre.example.org"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cases(tmp_path_factory.mktemp("eudb") / "algorithms")


@pytest.fixture(scope="module")
def admins(folder: Path) -> dict[str, dict]:
    return {a.id: a.meta for a in load_administrations(folder.parent / "administrations")}


def export(folder: Path, admins: dict, fmt: str) -> str:
    return eudb.export(load_records(folder), admins, fmt, SITE)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_only_the_high_risk_systems_concerned_are_exported(folder: Path, admins: dict) -> None:
    assert {r["id"] for r in rows(export(folder, admins, "eudb-csv"))} == EXPORTED
    document = json.loads(export(folder, admins, "eudb-json"))
    assert [s["id"] for s in document["systemes"]] == sorted(EXPORTED)


def test_the_columns_are_the_items_of_annex_viii_section_c(folder: Path, admins: dict) -> None:
    header = next(csv.reader(io.StringIO(export(folder, admins, "eudb-csv"))))
    items = [c for c in header if c.startswith("c") and c[1].isdigit()]
    assert items == ["c1_deployeur_nom", "c1_deployeur_adresse", "c1_deployeur_coordonnees",
                     "c2_declarant_nom", "c2_declarant_adresse", "c2_declarant_coordonnees",
                     "c3_url_fiche_fournisseur", "c4_resume_analyse_droits_fondamentaux",
                     "c5_resume_analyse_protection_donnees"]
    assert header[-1] == "valeurs_inconnues"
    assert header == eudb.csv_columns()
    document = json.loads(export(folder, admins, "eudb-json"))
    assert [r["numero"] for r in document["rubriques"]] == [1, 2, 3, 4, 5]
    assert [r["exigence"] for r in document["rubriques"]] == [
        i.requirement for i in aiact.DEPLOYER_REGISTRATION]
    assert document["source"] == aiact.AI_ACT_URL


def test_known_values_come_from_the_records_and_administrations(folder: Path,
                                                               admins: dict) -> None:
    by_id = {r["id"]: r for r in rows(export(folder, admins, "eudb-csv"))}
    ready = by_id["hr-pret"]
    assert ready["c1_deployeur_nom"] == ADMIN_BASE["nom"]
    assert ready["c1_deployeur_adresse"] == ", ".join(ADMIN_BASE["adresse"])
    assert ready["c4_resume_analyse_droits_fondamentaux"] == "Résumé : fria publié par " \
                                                             "l'administration."
    # a formula-like note is escaped for spreadsheets (registry.spreadsheet)
    assert ready["c5_resume_analyse_protection_donnees"].startswith("'=HYPERLINK(")
    assert ready["classification_jugement"] == "false"
    assert ready["enregistrement_preuve"] == "https://example.org/preuve/enregistrement"
    assert ready["enregistrement_exigible_le"] == aiact.applies_from(
        aiact.OBLIGATIONS_BY_KEY["enregistrement"]).isoformat()
    assert ready["point_annexe_iii"] == "annexe-iii-5-a"
    assert ready["url"] == f"{SITE}/algorithmes/hr-pret"
    other = by_id["hr-obtenu"]
    assert other["administration"] == SECOND_ADMIN
    assert other["c1_deployeur_coordonnees"] == "https://example.gouv.fr/"
    assert other["deployeur_siren"] == "110044013"
    assert other["c4_resume_analyse_droits_fondamentaux"]  # obtained: its summary is known


def test_unknown_values_are_empty_and_named(folder: Path, admins: dict) -> None:
    by_id = {r["id"]: r for r in rows(export(folder, admins, "eudb-csv"))}
    always = ["c2_declarant_nom", "c2_declarant_adresse", "c2_declarant_coordonnees",
              "c3_url_fiche_fournisseur"]
    ready = by_id["hr-pret"]
    assert ready["valeurs_inconnues"].split(" | ") == ["c1_deployeur_coordonnees", *always]
    other = by_id["hr-obtenu"]
    assert other["valeurs_inconnues"].split(" | ") == ["c1_deployeur_adresse", *always,
                                                       "c5_resume_analyse_protection_donnees"]
    missing = by_id["hr-manquante"]  # FRIA published; DPIA unknown in its record
    assert "c5_resume_analyse_protection_donnees" in missing["valeurs_inconnues"]
    # where the DPIA does not apply, its summary is empty but not unknown
    not_applicable = by_id["hr-une-sans-objet"]
    assert not_applicable["c5_resume_analyse_protection_donnees"] == ""
    assert "c5_" not in not_applicable["valeurs_inconnues"]
    assert not_applicable["analyse_protection_donnees_etat"] == "sans_objet"
    for row in by_id.values():
        for column in row["valeurs_inconnues"].split(" | "):
            assert row[column] == "", (row["id"], column)
    document = json.loads(export(folder, admins, "eudb-json"))
    entry = next(s for s in document["systemes"] if s["id"] == "hr-pret")
    assert entry["valeurs_inconnues"] == ["deployeur.coordonnees", "declarant.nom",
                                          "declarant.adresse", "declarant.coordonnees",
                                          "url_fiche_fournisseur"]
    assert entry["annexe_viii_section_c"]["declarant"] == dict.fromkeys(
        ("nom", "adresse", "coordonnees"))
    assert entry["annexe_viii_section_c"]["url_fiche_fournisseur"] is None


def test_build_writes_the_export_and_keeps_it_up_to_date(folder: Path, admins: dict,
                                                        tmp_path: Path) -> None:
    data = tmp_path / "algorithms"
    for path in folder.iterdir():
        (data / path.name).parent.mkdir(parents=True, exist_ok=True)
        (data / path.name).write_bytes(path.read_bytes())
    (tmp_path / "administrations").mkdir()
    for path in (folder.parent / "administrations").iterdir():
        (tmp_path / "administrations" / path.name).write_bytes(path.read_bytes())
    settings = load_settings({"DATA": str(data), "INSTANCE": str(tmp_path / "instance"),
                              "SITE_URL": SITE})
    build(settings, full=True)
    exports = tmp_path / "instance" / "exports"
    for fmt, name in eudb.FILE_NAMES.items():
        assert (exports / name).read_bytes() == export(data, admins, fmt).encode()
    # one record changed: an incremental build rewrites the export from the cached pieces
    text = (data / "hr-partiel.md").read_text(encoding="utf-8")
    (data / "hr-partiel.md").write_text(_downgrade(text), encoding="utf-8")
    report = build(settings)
    assert report.changed == ["hr-partiel"] and not report.full
    ids = {r["id"] for r in rows((exports / eudb.FILE_NAMES["eudb-csv"]).read_bytes().decode())}
    assert ids == EXPORTED - {"hr-partiel"}
    for fmt, name in eudb.FILE_NAMES.items():
        assert (exports / name).read_bytes() == export(data, admins, fmt).encode()
    # a deleted export file is written again by the next build, even with nothing to do
    (exports / eudb.FILE_NAMES["eudb-json"]).unlink()
    build(settings)
    assert (exports / eudb.FILE_NAMES["eudb-json"]).is_file()


def _downgrade(text: str) -> str:
    """The record reclassified as minimal risk (its high-risk obligations removed)."""
    front, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    meta["ai_act"]["categorie"] = "risque_minimal"
    meta["ai_act"]["point"] = "art-6-3"
    meta["ai_act"].pop("obligations")
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


def test_the_command_writes_the_same_export(folder: Path, admins: dict, cli,
                                            monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("REGISTRY_SITE_URL", SITE)
    out = tmp_path / "base-ue.csv"
    result = cli("export", "--format", "eudb-csv", "--data", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export(folder, admins, "eudb-csv").encode()
    result = cli("export", "--format", "eudb-json", "--data", str(folder))
    assert json.loads(result.output)["systemes"][0]["id"] == sorted(EXPORTED)[0]


def test_an_administration_without_record_leaves_the_deployer_unknown(folder: Path) -> None:
    entry = json.loads(eudb.export(load_records(folder), {}, "eudb-json", SITE))["systemes"][0]
    assert entry["annexe_viii_section_c"]["deployeur"]["nom"] == ADMIN_ID
    assert "deployeur.adresse" in entry["valeurs_inconnues"]
    with pytest.raises(ValueError, match="format inconnu"):
        eudb.export([], {}, "xml", SITE)


def test_every_column_is_documented() -> None:
    from registry.config import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for column in eudb.csv_columns():
        assert f"`{column}`" in doc, column
    for name in eudb.FILE_NAMES.values():
        assert f"`{name}`" in doc, name
