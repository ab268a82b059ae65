"""The published JSON Schema agrees with the validator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from registry.opendata.jsonschema import json_schema
from registry.records import catalogue as cat
from registry.records.frontmatter import parse
from registry.records.validate import check_file, check_paths
from tests.test_validate import ADMIN_CASES, ADMIN_INVALID, CASES, FIXTURES, INVALID

DATA = Path(__file__).parent.parent / "data" / "algorithms"
ADMINISTRATIONS = DATA.parent / "administrations"
SCHEMA = json_schema()
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
ADMIN_VALIDATOR = Draft202012Validator({**SCHEMA["$defs"]["administration"],
                                        "$defs": SCHEMA["$defs"]},
                                       format_checker=Draft202012Validator.FORMAT_CHECKER)

# Rules a JSON Schema cannot express: they need the file itself (its name, its body, YAML
# duplicates), several values of the record (citations to its sources, dates in order, the
# AI Act point matching its category), word counts or arithmetic (Luhn).
NOT_IN_SCHEMA = {"sans-entete", "syntaxe-yaml", "id-different", "siren-cle-fausse",
                 "cle-en-double", "dates-inversees", "renvoi-inconnu", "renvoi-mal-forme",
                 "source-non-citee", "champ-source-inconnue", "cle-source-double",
                 "extrait-trop-long", "ia-point-incoherent", "ia-non-systeme"}


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json_schema())


def test_schema_accepts_every_valid_record() -> None:
    results = check_paths([DATA, FIXTURES / "valid"])
    assert len(results) >= 2
    for result in results:
        assert result.ok, result.problems
        errors = [e.message for e in VALIDATOR.iter_errors(result.meta)]
        assert errors == [], (result.path, errors)


def test_schema_accepts_every_valid_administration() -> None:
    results = check_paths([ADMINISTRATIONS, FIXTURES / "administrations"], cat.ADMINISTRATION)
    assert len(results) >= 2
    for result in results:
        assert result.ok, result.problems
        errors = [e.message for e in ADMIN_VALIDATOR.iter_errors(result.meta)]
        assert errors == [], (result.path, errors)


@pytest.mark.parametrize("name", sorted(set(ADMIN_CASES) - NOT_IN_SCHEMA))
def test_administration_schema_rejects_bad_fixtures(name: str) -> None:
    data = parse((ADMIN_INVALID / f"{name}.md").read_text()).data
    assert list(ADMIN_VALIDATOR.iter_errors(data)), name


@pytest.mark.parametrize("name", sorted(set(CASES) - NOT_IN_SCHEMA))
def test_schema_rejects_bad_fixtures(name: str) -> None:
    data = parse((INVALID / f"{name}.md").read_text()).data
    assert not check_file(INVALID / f"{name}.md").ok
    assert list(VALIDATOR.iter_errors(data)), name


def test_schema_command_prints_the_schema(cli) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == json_schema()
