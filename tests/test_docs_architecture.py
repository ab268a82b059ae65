"""docs/architecture.md names every module of the package (datasette's rule: documented once)."""

from __future__ import annotations

from collections import Counter

from registry.config import PROJECT_ROOT


def test_every_module_is_named_in_the_architecture_page() -> None:
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(str(p.relative_to(PROJECT_ROOT)) for p in
                     (PROJECT_ROOT / "registry").rglob("*.py")
                     if p.name != "__init__.py" or p.parent.name in ("registry", "search",
                                                                      "state", "web", "cli"))
    missing = [m for m in modules if f"`{m}`" not in text]
    assert not missing, f"not in docs/architecture.md: {missing}"


def test_no_two_modules_share_a_name() -> None:
    """A name may appear once in the core; the web blueprint and the command module of one
    concern (registry/web/cada.py, registry/cli/cada.py) are its two front ends."""
    names = Counter(p.stem for p in (PROJECT_ROOT / "registry").rglob("*.py")
                    if p.name not in ("__init__.py", "__main__.py")
                    and p.parent.name not in ("web", "cli"))
    assert [n for n, c in names.items() if c > 1] == []
    fronts = Counter(p.stem for p in (PROJECT_ROOT / "registry").rglob("*.py")
                     if p.parent.name in ("web", "cli") and p.name != "__init__.py")
    core = {p.stem for p in (PROJECT_ROOT / "registry").rglob("*.py")
            if p.parent.name not in ("web", "cli")}
    assert [n for n, c in fronts.items() if c > 2] == []
    assert sorted(n for n in fronts if n in core and n not in ("cada", "coverage", "opendata",
                                                                "quality", "contributions",
                                                                "aiact")) == []


MAX_LINES = 400
# The catalogue is the declarations of every field (its code lives in fieldtypes.py): its
# length is the record format's, and splitting it would list fields in two places.
LONGER_ALLOWED = {"registry/records/catalogue.py"}


def test_no_module_is_over_400_lines() -> None:
    """The rule of this page: each module stays small (issue 19: none over 400 lines except
    the catalogue's data)."""
    sizes = {str(p.relative_to(PROJECT_ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (PROJECT_ROOT / "registry").rglob("*.py")}
    assert sizes, "no module found"
    too_long = {m: n for m, n in sizes.items() if n > MAX_LINES and m not in LONGER_ALLOWED}
    assert too_long == {}, f"modules over {MAX_LINES} lines: {too_long}"
    assert all(m in sizes for m in LONGER_ALLOWED), "the allow-list names a module gone"
