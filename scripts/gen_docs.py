"""Regenerate the field reference of docs/record-format.md from the catalogue."""

from __future__ import annotations

from pathlib import Path

from registry.docs_reference import replace_reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "record-format.md"

if __name__ == "__main__":
    DOC.write_text(replace_reference(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{DOC} mis à jour")
