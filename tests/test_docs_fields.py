"""Every catalogue field is documented once, in docs/record-format.md, and the doc is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT
from registry.records import catalogue as cat
from registry.records.reference import replace_reference

DOC = Path(__file__).parent.parent / "docs" / "record-format.md"


@pytest.mark.parametrize("path", [path for path, _ in cat.walk()])
def test_field_is_documented(path: str) -> None:
    assert f"| `{path}` |" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [c.key for c in cat.CRITERIA])
def test_criterion_is_documented(key: str) -> None:
    assert f"| `{key}` |" in DOC.read_text(encoding="utf-8")


def test_reference_is_up_to_date() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert replace_reference(text) == text, "run: python scripts/gen_docs.py"


def test_the_minimal_example_of_the_record_format_is_valid(tmp_path: Path) -> None:
    """docs/record-format.md's example passes the validator (against the real
    administrations folder, where its administration id must exist)."""
    import re

    from registry.records.validate import References, check_text, ids_in

    text = (PROJECT_ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
    example = re.search(r"## Exemple minimal.*?```yaml\n(.*?)```", text, re.S).group(1)
    admins = ids_in(PROJECT_ROOT / "data" / "administrations")
    checked = check_text(tmp_path / "calcul-apl.md", example, references=References(admins))
    assert checked.ok and not checked.problems, [p.message for p in checked.problems]
    assert "schema: 2" in example
