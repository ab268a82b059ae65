"""Minimal diffs on accept: a one-field change is a one-line diff on every real record.

The real records are copied into a throw-away git repository (the project's files are
never modified); each change is applied with the patcher the acceptance uses, and git
itself counts the lines that changed."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path

import pytest

from registry.records import catalogue as cat
from registry.records.patch import patch_record
from registry.records.validate import check_file, check_text
from registry.records.writer import record_text
from tests.contribrepo import REAL_DATA, commit_all, git, init_repo

REAL = sorted(REAL_DATA.glob("*.md"))


def _other(value: str, choices: tuple[str, ...]) -> str:
    return next(c for c in choices if c != value)


def _statut(meta: dict) -> None:
    meta["statut"] = _other(meta["statut"], cat.FIELDS_BY_KEY["statut"].choices)


def _criterion(meta: dict) -> None:
    budget = meta["transparence"]["budget"]
    budget["etat"] = "non_publie" if budget["etat"] != "non_publie" else "inconnu"


def _source_title(meta: dict) -> None:
    meta["sources"][-1]["titre"] = "Titre corrigé : « guillemets », \"doubles\" et deux-points"


def _summary(meta: dict) -> None:
    meta["resume"] = "Un résumé réécrit : il dit # ce que fait l'algorithme, sans plus."


def _sigle(meta: dict) -> None:  # added when absent, changed when present
    meta["sigle"] = (meta.get("sigle") or "") + "X"


CHANGES = {"statut": _statut, "critère": _criterion, "titre d'une source": _source_title,
           "résumé": _summary, "sigle": _sigle}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("patch")
    data = init_repo(root)
    for path in REAL:
        (data / path.name).write_bytes(path.read_bytes())
    commit_all(root, "Import the records", "2026-01-15T10:00:00+01:00")
    return root


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_one_field_change_is_a_one_line_diff_on_every_real_record(repo: Path,
                                                                   name: str) -> None:
    data = repo / "data" / "algorithms"
    assert len(REAL) >= 150
    for n, path in enumerate(REAL):
        checked = check_file(path)
        meta = copy.deepcopy(checked.meta)
        CHANGES[name](meta)
        patched = patch_record(path.read_text(encoding="utf-8"), meta, checked.body)
        assert patched.minimal, path.name
        (data / path.name).write_text(patched.text, encoding="utf-8")
        again = check_text(path, patched.text)
        assert again.ok, path.name
        if n % 10 == 0:  # says what the canonical rewrite says (a slow emitter: a sample)
            assert again.meta == check_text(path, record_text(meta, checked.body)).meta
    stats = git(repo, "diff", "--numstat").splitlines()
    assert len(stats) == len(REAL)
    for line in stats:
        added, removed, name_ = line.split("\t")
        assert (added, removed) in (("1", "1"), ("1", "0")), line
    git(repo, "checkout", "--", ".")


def test_an_unchanged_record_is_left_byte_for_byte(repo: Path) -> None:
    for path in REAL:
        checked = check_file(path)
        text = path.read_text(encoding="utf-8")
        assert patch_record(text, checked.meta, checked.body).text == text, path.name


def test_items_are_inserted_and_removed_without_touching_their_neighbours() -> None:
    path = REAL_DATA / "cnaf-score-risque.md"
    checked = check_file(path)
    text = path.read_text(encoding="utf-8")
    meta = copy.deepcopy(checked.meta)
    meta["budget"] = [{"montant_eur": 34500000, "periode": "2014-2022",
                       "nature": "coût total annoncé", "source": meta["sources"][0]["cle"]}]
    removed = meta["criteres"].pop(1)
    meta.pop("volumetrie")
    meta["ai_act"]["motif"] = "Première ligne.\n\nDeuxième paragraphe."
    patched = patch_record(text, meta, checked.body + "\n\nUn paragraphe ajouté.")
    assert patched.minimal
    old, new = text.splitlines(), patched.text.splitlines()
    diff = list(difflib.unified_diff(old, new, lineterm="", n=0))
    gone = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    assert len(gone) == 3 + 1 + 1  # the criterion's three lines, volumetrie, the motif
    assert f'  - nom: "{removed["nom"]}"' in gone
    assert "budget:" in new and "  - montant_eur: 34500000" in new
    assert "  motif: |" in new and "Un paragraphe ajouté." in new
    assert check_text(path, patched.text).meta == check_text(
        path, record_text(meta, checked.body + "\n\nUn paragraphe ajouté.")).meta


def test_a_file_that_cannot_be_patched_is_rewritten_canonically() -> None:
    meta = {"schema": 2, "nom": "X"}
    for broken in ("pas d'en-tête", "---\r\nnom: X\r\n---\r\n", "---\n[1, 2]\n---\n"):
        patched = patch_record(broken, meta, "")
        assert not patched.minimal and patched.text == record_text(meta, "")
