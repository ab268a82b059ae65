"""Regenerate the generated parts of docs/ from the catalogue (field reference, export columns)."""

from __future__ import annotations

from pathlib import Path

from registry.records.reference import replace_exports, replace_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGETS = {"record-format.md": replace_reference, "exports.md": replace_exports}

if __name__ == "__main__":
    for name, replace in TARGETS.items():
        path = DOCS / name
        path.write_text(replace(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"{path} mis à jour")
