"""Every validator rule, table-driven, on small bad records under tests/fixtures/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registry.records import catalogue as cat
from registry.records.validate import (
    References,
    check_file,
    check_paths,
    check_registry,
    check_text,
    format_problems,
    luhn_ok,
)

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"

# fixture -> (line, expected text in the message)
CASES = {
    "sans-entete": (1, "pas d'en-tête YAML"),
    "syntaxe-yaml": (4, "erreur de syntaxe YAML"),
    "en-tete-liste": (2, "doit être une liste de clés"),
    "cle-inconnue": (8, "statu : clé inconnue ; vouliez-vous dire « statut »"),
    "cle-obligatoire-manquante": (2, "resume : « Résumé » manque ; Ce que fait l'algorithme"),
    "mauvais-type": (11, "sources : une liste"),
    "valeur-hors-liste": (6, "domaine : « sociale » n'est pas une valeur autorisée (valeurs "
                             "possibles : social, fiscalite"),
    "date-invalide": (8, "date_debut : date « 2024-13 » invalide"),
    "url-invalide": (12, "sources[0].url : adresse « ftp://example.org/ » invalide"),
    "publie-sans-url": (12, "transparence.code_source.etat : l'état « publie » exige une url"),
    "id-different": (3, "ne correspond pas au nom du fichier"),
    "resume-trop-long": (4, "resume : texte trop long (440 caractères, 400 au plus)"),
    "booleen-yaml": (9, "vouliez-vous dire « non »"),
    "cle-en-double": (8, "nom : clé en double"),
    "critere-inconnu": (12, "transparence.code : critère inconnu ; "
                            "vouliez-vous dire « code_source »"),
    "booleen-attendu": (9, "evaluations[0].publique : true ou false attendu"),
    "montant-texte": (9, "budget[0].montant_eur : un montant positif et fini est attendu"),
    "montant-infini": (9, "budget[0].montant_eur : un montant positif et fini est attendu"),
    "montant-negatif": (9, "budget[0].montant_eur : un montant positif et fini est attendu"),
    "version-schema": (2, "lancez « registry migrate »"),
    "dates-inversees": (9, "date_fin : la date de fin 2019-05 précède la date de début 2020"),
    "sources-vides": (11, "sources : au moins 1 élément"),
    "renvoi-inconnu": (16, "renvoi [^inconnue] à une source inconnue"),
    "renvoi-mal-forme": (14, "renvoi « [^Cour des comptes] » mal formé"),
    "source-non-citee": (13, "la source « orpheline » n'est citée nulle part"),
    "champ-source-inconnue": (9, "criteres[0].source : renvoi à une source inconnue « absente »"),
    "extrait-trop-long": (17, "citation trop longue (31 mots, 30 au plus)"),
    "cle-source-invalide": (12, "clé « Source Une » invalide"),
    "cle-source-double": (13, "clé « source » déjà utilisée par la source n° 1"),
    "consultation-manquante": (12, "sources[0].consulte_le : « Consultée le » manque"),
    "delai-invalide": (12, "recours[0].delai : délai « deux mois » invalide"),
    "ia-point-incoherent": (14, "le point « art-50-1 » relève de la catégorie « transparence »"),
    "ia-non-systeme": (13, "un système qui n'est pas un système d'IA est « non_concerne »"),
    "controle-texte": (3, "caractère de contrôle U+0007 interdit"),
    "citation-champ-interdit": (11, "citations.nom : ce champ ne se cite pas ici"),
}
# administration files: fixture -> (line, expected text)
ADMIN_CASES = {
    "siren-cle-fausse": (5, "siren : SIREN « 180035025 » invalide : la clé"),
    "siren-longueur": (5, "9 chiffres attendus"),
    "courriel-invalide": (5, "prada.courriel : « pas un courriel » n'est pas une adresse"),
}
ADMIN_INVALID = FIXTURES / "administrations-invalid"


def test_every_invalid_fixture_has_a_case() -> None:
    names = {p.stem for p in INVALID.glob("*.md")} - {"Mauvais_Nom"}
    assert names == set(CASES)
    assert {p.stem for p in ADMIN_INVALID.glob("*.md")} == set(ADMIN_CASES)


@pytest.mark.parametrize("name", sorted(ADMIN_CASES))
def test_administration_rule_reports_file_line_and_field(name: str) -> None:
    line, text = ADMIN_CASES[name]
    result = check_file(ADMIN_INVALID / f"{name}.md", cat.ADMINISTRATION)
    assert not result.ok
    assert any(p.line == line and text in p.message for p in result.problems
               if not p.warning), result.problems


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


REFS = References(frozenset({"ministere"}), frozenset({"minimal", "complet"}))


@pytest.mark.parametrize("name", ["complet", "minimal"])
def test_valid_fixtures_pass_without_problem(name: str) -> None:
    result = check_file(FIXTURES / "valid" / f"{name}.md", references=REFS)
    assert result.ok and result.problems == []


def test_valid_administration_fixture_passes() -> None:
    result = check_file(FIXTURES / "administrations" / "ministere.md", cat.ADMINISTRATION, REFS)
    assert result.ok and result.problems == []


def test_unknown_administration_and_successor_are_reported_with_their_line() -> None:
    text = (FIXTURES / "valid" / "complet.md").read_text()
    text = text.replace("administration: ministere", "administration: ministre").replace(
        "remplace_par: minimal", "remplace_par: disparu")
    result = check_text(Path("complet.md"), text, references=REFS)
    messages = {p.line: p.message for p in result.problems if not p.warning}
    assert "« ministre » ne correspond à aucun fichier de data/administrations ; vouliez-vous " \
           "dire « ministere » ?" in messages[10]
    assert "« disparu » ne correspond à aucun fichier de data/algorithms" in messages[16]


def test_figures_without_citation_are_a_warning_with_the_body_line() -> None:
    text = (FIXTURES / "valid" / "minimal.md").read_text() + "\nEn 2021, 4 500 dossiers.\n"
    result = check_text(Path("minimal.md"), text)
    assert result.ok
    warning = next(p for p in result.problems if p.warning)
    assert warning.line == 16 and "chiffres ou des dates sans renvoi" in warning.message


def test_a_copy_site_is_a_warning_naming_the_original() -> None:
    text = (FIXTURES / "valid" / "minimal.md").read_text().replace(
        "https://example.org/", "https://fr.scribd.com/document/1/rapport")
    result = check_text(Path("minimal.md"), text)
    assert result.ok
    assert any(p.warning and "le document original" in p.message for p in result.problems)


def test_yaml_misreadings_are_understood_and_reported() -> None:
    text = (FIXTURES / "valid" / "minimal.md").read_text()
    text = text.replace('nom: "Minimal"', "nom: yes").replace(
        "statut: inconnu", "statut: inconnu\ndate_debut: 2024-01-02")
    text = text.replace("Texte[^source].", "Texte depuis 2024[^source].")
    result = check_text(Path("ok.md"), text)
    assert result.ok, result.problems
    assert result.meta["nom"] == "yes"
    assert result.meta["date_debut"] == "2024-01-02"
    warning = next(p for p in result.problems if p.warning)
    assert warning.line == 3 and "lu par YAML comme un booléen" in warning.message


def test_octal_siren_keeps_the_digits_written() -> None:
    text = (FIXTURES / "administrations" / "ministere.md").read_text().replace(
        'siren: "110044013"', "siren: 012345674")
    result = check_text(Path("ok.md"), text, cat.ADMINISTRATION)
    assert result.meta["siren"] == "012345674"
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


def test_the_registry_check_covers_both_folders_and_their_references(tmp_path: Path) -> None:
    from tests.recordfactory import write_administration, write_record

    write_record(tmp_path / "algorithms", "a")
    write_record(tmp_path / "algorithms", "b", administration="inconnue")
    write_administration(tmp_path / "administrations", "vide", sources=[])
    results = {r.path.stem: r for r in check_registry(tmp_path / "algorithms",
                                                        tmp_path / "administrations")}
    assert results["a"].ok and not results["b"].ok and not results["vide"].ok
    assert results["vide"].kind == cat.ADMINISTRATION
