"""Every validator rule, table-driven, on small bad records under tests/fixtures/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registry.records.validate import check_file, check_paths, check_text, format_problems, luhn_ok

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"

# fixture -> (line, expected text in the message)
CASES = {
    "sans-entete": (1, "pas d'en-tête YAML"),
    "syntaxe-yaml": (4, "erreur de syntaxe YAML"),
    "en-tete-liste": (2, "doit être une liste de clés"),
    "cle-inconnue": (8, "statu : clé inconnue ; vouliez-vous dire « statut »"),
    "cle-obligatoire-manquante": (2, "resume : clé obligatoire manquante"),
    "mauvais-type": (11, "sources : une liste"),
    "valeur-hors-liste": (6, "domaine : « sociale » n'est pas une valeur autorisée (valeurs "
                             "possibles : social, fiscalite"),
    "date-invalide": (8, "date_debut : date « 2024-13 » invalide"),
    "url-invalide": (12, "sources[0].url : adresse « ftp://example.org/ » invalide"),
    "siren-cle-fausse": (5, "administration.siren : SIREN « 180035025 » invalide : la clé"),
    "siren-longueur": (5, "9 chiffres attendus"),
    "publie-sans-url": (9, "transparence.code_source.etat : l'état « publie » exige une url"),
    "id-different": (3, "ne correspond pas au nom du fichier"),
    "resume-trop-long": (4, "resume : texte trop long (440 caractères, 400 au plus)"),
    "booleen-yaml": (9, "vouliez-vous dire « non »"),
    "cle-en-double": (8, "nom : clé en double"),
    "critere-inconnu": (9, "transparence.code : critère inconnu ; "
                           "vouliez-vous dire « code_source »"),
    "booleen-attendu": (9, "evaluations[0].publique : true ou false attendu"),
    "montant-texte": (9, "budget[0].montant_eur : un montant positif est attendu"),
    "version-schema": (2, "schema : version de schéma « 2 » inconnue"),
    "courriel-invalide": (8, "contact_prada : « pas un courriel » n'est ni une adresse"),
    "dates-inversees": (9, "date_fin : la date de fin 2019-05 précède la date de début 2020"),
    "sources-vides": (11, "sources : au moins 1 élément"),
}


def test_every_invalid_fixture_has_a_case() -> None:
    names = {p.stem for p in INVALID.glob("*.md")} - {"Mauvais_Nom"}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_reports_file_line_and_field(name: str) -> None:
    line, text = CASES[name]
    result = check_file(INVALID / f"{name}.md")
    assert not result.ok
    errors = [p for p in result.problems if not p.warning]
    assert any(p.line == line and text in p.message for p in errors), result.problems
    printed = format_problems([result])
    assert any(out.startswith(f"{INVALID / name}.md:{line}: ") for out in printed)


def test_bad_file_name_is_reported() -> None:
    result = check_file(INVALID / "Mauvais_Nom.md")
    assert not result.ok
    assert "minuscules ascii" in result.problems[0].message


@pytest.mark.parametrize("name", ["complet", "minimal"])
def test_valid_fixtures_pass_without_problem(name: str) -> None:
    result = check_file(FIXTURES / "valid" / f"{name}.md")
    assert result.ok and result.problems == []


def test_yaml_misreadings_are_understood_and_reported() -> None:
    text = (FIXTURES / "valid" / "minimal.md").read_text()
    text = text.replace('nom: "Minimal"', "nom: yes").replace(
        "statut: inconnu", "statut: inconnu\ndate_debut: 2024-01-02")
    result = check_text(Path("ok.md"), text)
    assert result.ok, result.problems
    assert result.meta["nom"] == "yes"
    assert result.meta["date_debut"] == "2024-01-02"
    warning = next(p for p in result.problems if p.warning)
    assert warning.line == 3 and "lu par YAML comme un booléen" in warning.message


def test_octal_siren_keeps_the_digits_written() -> None:
    text = (FIXTURES / "valid" / "minimal.md").read_text().replace(
        'type: etat}', 'type: etat, siren: 012345674}')
    result = check_text(Path("ok.md"), text)
    assert result.meta["administration"]["siren"] == "012345674"
    assert any(p.warning and "nombre" in p.message for p in result.problems)


def test_duplicate_ids_across_folders(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(FIXTURES / "valid" / "minimal.md", tmp_path / folder / "meme-id.md")
    results = check_paths([tmp_path / "a", tmp_path / "b"])
    assert results[0].ok
    assert not results[1].ok
    assert "identifiant « meme-id » en double" in results[1].problems[0].message


@pytest.mark.parametrize("content", [
    "", "---", "---\n---\n", "---\n: : :\n---\n", "\ufeff---\nnom: x\n---\n",
    "---\r\nnom: x\r\n---\r\n", "---\nnom: \x00\n---\n", "---\n" + "[" * 5000 + "\n---\n",
    "---\na: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,"
    "*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n",
    "---\nnom: !!python/object:os.system x\n---\n", "---\n<<: {nom: x}\n---\n",
    "---\n? [a, b]\n: c\n---\n",
])
def test_hostile_files_never_raise(content: str) -> None:
    result = check_text(Path("hostile.md"), content)
    assert not result.ok
    assert all(isinstance(p.line, int) and p.line >= 1 and p.message for p in result.problems)


def test_luhn() -> None:
    assert luhn_ok("180035024") and luhn_ok("130025265") and not luhn_ok("180035025")


def test_one_administration_spelled_two_ways_is_reported(tmp_path: Path) -> None:
    from tests.recordfactory import write_record

    write_record(tmp_path, "a", administration={"nom": "Pôle emploi", "type": "operateur"})
    write_record(tmp_path, "b", administration={"nom": "Pole Emploi", "type": "operateur"})
    a, b = check_paths([tmp_path])
    assert a.problems == []
    assert b.ok and b.problems[0].warning
    assert "s'écrit « Pôle emploi » dans une autre fiche" in b.problems[0].message
