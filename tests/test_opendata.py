"""Exports and imports: stable columns, round trips, ODAP figures, spreadsheet registers."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from registry.opendata.crosswalks import ETALAB, load_mapping
from registry.opendata.exports import (
    LICENCE,
    NL_COLUMNS,
    ODAP_COLUMNS,
    csv_columns,
    export,
)
from registry.opendata.imports import import_csv, import_json
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.recordfactory import with_etats, write_record

DATA = Path(__file__).parent.parent / "data" / "algorithms"
SITE = "https://registre.example.org"
DOC = Path(__file__).parent.parent / "docs" / "exports.md"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def test_csv_has_exactly_the_documented_header() -> None:
    text = export(load_records(DATA), "csv", SITE)
    reader = csv.reader(io.StringIO(text, newline=""))
    assert next(reader) == csv_columns()
    doc = DOC.read_text(encoding="utf-8")
    for column in csv_columns() + ODAP_COLUMNS + NL_COLUMNS:
        assert f"`{column}`" in doc, column


def test_every_row_carries_id_url_siren_schema_and_licence() -> None:
    records = load_records(DATA)
    for fmt in ("csv", "odap-csv"):
        rows = _rows(export(records, fmt, SITE))
        assert len(rows) == len(records)
        for row in rows:
            assert row["url"] == f"{SITE}/algorithmes/{row['id']}"
            assert row["schema"] == str(cat.SCHEMA_VERSION) and row["licence"] == LICENCE
            assert row["administration" if fmt == "csv" else "administration_id"]
    by_id = {r.id: r for r in records}
    for row in _rows(export(records, "csv", SITE)):
        admin = by_id[row["id"]].admin
        assert row["administration"] == admin["id"] and row["administration_nom"] == admin["nom"]
        assert row["administration_siren"] == (admin.get("siren") or "")
    items = json.loads(export(records, "json", SITE))
    assert all(item["licence"] == LICENCE and "siren" in item for item in items)
    assert all(item["administration_detail"]["id"] == item["administration"] for item in items)


def test_bom_option_for_spreadsheets() -> None:
    records = load_records(DATA)[:2]
    assert export(records, "csv", SITE, bom=True).startswith("\ufeff")
    assert not export(records, "csv", SITE).startswith("\ufeff")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_export_import_gives_the_same_records(tmp_path: Path, fmt: str) -> None:
    records = load_records(DATA)
    path = tmp_path / f"export.{fmt}"
    path.write_text(export(records, fmt, SITE), encoding="utf-8", newline="")
    target = tmp_path / "data"
    shutil.copytree(DATA.parent / "administrations", tmp_path / "administrations")
    if fmt == "json":
        report = import_json(path, target)
    else:
        report = import_csv(path, load_mapping("registre"), target, SITE)
    assert report.problems == []
    back = {r.id: r for r in load_records(target)}
    assert set(back) == {r.id for r in records}
    for record in records:
        assert back[record.id].meta == record.meta, record.id
        assert back[record.id].body.strip() == record.body.strip()


def _odap_fixture(folder: Path) -> None:
    evaluated = 13
    budgets = 18
    others = ["non_publie", "partiel", "obtenu", "inconnu", "refuse"]
    for i in range(120):
        etats = {"evaluation_interne": "publie" if i < evaluated else others[i % 5],
                 "budget": "publie" if i >= 120 - budgets else others[(i + 1) % 5]}
        write_record(folder, f"algo-{i:03d}", transparence=with_etats(**etats))


def test_odap_csv_gives_back_odap_figures(tmp_path: Path) -> None:
    _odap_fixture(tmp_path / "data")
    rows = _rows(export(load_records(tmp_path / "data"), "odap-csv", SITE))
    assert list(rows[0]) == ODAP_COLUMNS
    assert sum(r["evaluation_interne_publiee"] == "oui" for r in rows) == 13
    assert sum(r["budget_publie"] == "oui" for r in rows) == 18
    assert len(rows) == 120


def test_odap_style_spreadsheet_imports_into_valid_records(tmp_path: Path) -> None:
    sheet = tmp_path / "registre.csv"
    sheet.write_text(
        "nom;administration;type_administration;statut;domaine;decision_individuelle;"
        "regles_publiees;evaluation_interne_publiee;budget_publie\n"
        "Calcul du quotient familial;Ville de La Rochelle;collectivite;déployé;social;oui;"
        "oui;non;inconnu\n"
        ";Ville sans algorithme;collectivite;déployé;social;oui;non;non;non\n"
        "Tarification de la cantine;Ville de La Rochelle;collectivite;En expérimentation;"
        "education;oui;partiel;non;non\n", encoding="utf-8")
    data = tmp_path / "data"
    report = import_csv(sheet, load_mapping("odap"), data, "https://example.org/registre")
    assert report.problems == ["ligne 3 : pas de nom d'algorithme dans cette ligne"]
    records = {r.meta["nom"]: r for r in load_records(data)}
    quotient = records["Calcul du quotient familial"]
    assert quotient.meta["statut"] == "deploye"
    assert quotient.etat("regles_publiees") == "publie"
    assert quotient.meta["transparence"]["regles_publiees"]["url"]
    assert quotient.etat("evaluation_interne") == "non_publie"
    assert records["Tarification de la cantine"].meta["statut"] == "en_experimentation"
    again = import_csv(sheet, load_mapping("odap"), data, "https://example.org/registre")
    assert again.written == [] and any("existe déjà" in p for p in again.problems)
    forced = import_csv(sheet, load_mapping("odap"), data, "https://example.org/r", force=True)
    assert len(forced.written) == 2


def test_etalab_inventory_fields_import(tmp_path: Path) -> None:
    headers = list(ETALAB.columns)
    sheet = tmp_path / "etalab.csv"
    names = ["Nom de l'administration concernée", "Nom de l'algorithme",
             "Finalité de l'algorithme", "Niveau d'automatisation de la décision",
             "Type d'algorithme", "Contexte global", "Données traitées"]
    values = ["Région Île-de-France", "Attribution des aides au permis", "Classer les demandes.",
              "Aide à la décision", "Système de règles", "Les demandes sont nombreuses.",
              "Revenus | Âge"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerow(values)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    report = import_csv(sheet, ETALAB, tmp_path / "data", "https://example.org/idf")
    assert report.problems == [] and headers
    record = load_records(tmp_path / "data")[0]
    assert record.meta["degre_automatisation"] == "aide_a_la_decision"
    assert record.meta["type_technique"] == "regles"
    assert record.meta["donnees"] == [{"nom": "Revenus"}, {"nom": "Âge"}]
    assert "## Contexte global" in record.body


def test_custom_yaml_mapping_and_bad_rows(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("colonnes:\n  Titre: nom\n  Organisme: administration.nom\n"
                       "  Etat: statut\nvaleurs:\n  statut: {En service: deploye}\n"
                       "defauts:\n  administration.type: collectivite\n", encoding="utf-8")
    sheet = tmp_path / "s.csv"
    sheet.write_text("Titre,Organisme,Etat\nScore A,Métropole de Lyon,En service\n"
                     "Score B,,En service\n", encoding="utf-8")
    report = import_csv(sheet, load_mapping(str(mapping)), tmp_path / "d", "https://e.org/x")
    assert [p.name for p in report.written] == ["metropole-de-lyon.md",
                                                "metropole-de-lyon-score-a.md"]
    assert report.problems == ["ligne 3 : pas d'administration dans cette ligne"]
    record = load_records(tmp_path / "d")[0]
    assert record.meta["administration"] == "metropole-de-lyon"
    assert record.admin["type"] == "collectivite" and record.admin["nom"] == "Métropole de Lyon"
    assert record.meta["statut"] == "deploye"
    assert "[^" in record.body  # the imported register is cited where the record says so


def test_build_writes_the_exports(built_instance: Path) -> None:
    folder = built_instance / "exports"
    assert {p.name for p in folder.iterdir()} >= {"algorithmes.json", "algorithmes.csv",
                                                  "algorithmes-odap.csv",
                                                  "algorithmes-nl-v1.csv"}


def test_nl_export_links_the_published_source_code(tmp_path: Path) -> None:
    write_record(tmp_path / "data", "un", transparence=with_etats(code_source="publie"))
    nl = _rows(export(load_records(tmp_path / "data"), "nl-csv", SITE))
    assert list(nl[0]) == NL_COLUMNS and nl[0]["publiccode"] == "https://example.org/code_source"
    assert nl[0]["source_id"] == "un"
