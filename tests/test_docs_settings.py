"""docs/configuration.md documents every setting declared in registry/config.py."""

from __future__ import annotations

import re

from registry.config import PREFIX, PROJECT_ROOT, SETTINGS

DOC = PROJECT_ROOT / "docs" / "configuration.md"


def documented() -> set[str]:
    return set(re.findall(r"^\| `(REGISTRY_[A-Z_]+)` \|", DOC.read_text(encoding="utf-8"),
                          re.MULTILINE))


def test_every_setting_is_documented() -> None:
    missing = {PREFIX + s.name for s in SETTINGS} - documented()
    assert not missing, f"settings missing from docs/configuration.md: {sorted(missing)}"


def test_no_documented_setting_is_unknown() -> None:
    unknown = documented() - {PREFIX + s.name for s in SETTINGS}
    assert not unknown, f"docs/configuration.md documents unknown settings: {sorted(unknown)}"
