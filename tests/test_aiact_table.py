"""The AI Act's legal table is the only place where its obligations and dates are written.

Every line of registry/law/aiact.py has a source; no string of the code (docstrings and
comments aside: they document) nor any template writes an AI Act application date or cites an
article that carries a deployer obligation; every record's obligations come from the table
and no record types an application date in its `ai_act` section.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT
from registry.law import aiact, crpa
from registry.records.model import Record
from registry.text import MONTHS as FRENCH_MONTHS
from tests.conftest import DATA

TABLE = PROJECT_ROOT / "registry" / "law" / "aiact.py"
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


# --- every line has a source ---------------------------------------------------------------

def _lines() -> list[tuple[str, tuple]]:
    return ([(f"date {d.key}", d.references) for d in aiact.DATES]
            + [(f"obligation {o.key}", o.references) for o in aiact.OBLIGATIONS]
            + [("droit à l'explication", aiact.EXPLANATION_RIGHT.references)]
            + [(f"annexe VIII C {i.number}", i.references) for i in aiact.DEPLOYER_REGISTRATION])


@pytest.mark.parametrize(("line", "references"), _lines(), ids=[n for n, _ in _lines()])
def test_every_line_of_the_table_has_a_source(line: str, references: tuple) -> None:
    assert references, f"{line}: no source"
    for ref in references:
        assert ref.url.startswith("https://"), (line, ref.url)
        assert ref.titre.strip(), (line, ref)


def test_obligations_points_and_dates_are_consistent() -> None:
    for o in (*aiact.OBLIGATIONS, aiact.EXPLANATION_RIGHT):
        assert o.categorie in aiact.CATEGORIES, o.key
        assert o.date_key in aiact.DATES_BY_KEY, o.key
        assert o.article.startswith("Article"), o.key
    for p in aiact.POINTS:
        assert p.categorie in aiact.CATEGORIES, p.key
    assert len({p.key for p in aiact.POINTS}) == len(aiact.POINTS)
    assert len({o.key for o in aiact.OBLIGATIONS}) == len(aiact.OBLIGATIONS)
    # the dates are in the order they apply
    whens = [d.when for d in aiact.DATES]
    assert whens == sorted(whens)


def test_annex_viii_section_c_has_its_five_items() -> None:
    """Regulation (EU) 2024/1689, Annex VIII, Section C (OJ L, 12 July 2024)."""
    items = aiact.DEPLOYER_REGISTRATION
    assert [i.number for i in items] == [1, 2, 3, 4, 5]
    assert [i.parts for i in items][:2] == [("nom", "adresse", "coordonnees")] * 2
    assert all(not i.parts for i in items[2:])
    assert "article 27" in items[3].requirement
    assert "article 35 du règlement (UE) 2016/679" in items[4].requirement
    assert all(aiact.AI_ACT_URL in {r.url for r in i.references} for i in items)


def test_the_articles_table_of_the_letters_agrees_with_the_ai_act_table() -> None:
    """crpa.py quotes article 86 for the letters: the same article and text as here."""
    quoted = [a for a in crpa.ARTICLES.values() if a.code == "RIA"]
    assert [f"Article {a.number}" for a in quoted] == [aiact.EXPLANATION_RIGHT.article]
    assert all(a.url == aiact.AI_ACT_URL for a in quoted)


# --- nothing written outside the table -----------------------------------------------------

def _spellings(when: date) -> list[str]:
    day = "1er" if when.day == 1 else str(when.day)
    return [when.isoformat(), f"{day} {FRENCH_MONTHS[when.month - 1]} {when.year}",
            f"{when.day} {ENGLISH_MONTHS[when.month - 1]} {when.year}",
            f"{when.day:02d}/{when.month:02d}/{when.year}"]


DATE_SPELLINGS = sorted({s for d in aiact.DATES for s in _spellings(d.when)})


def _article_numbers() -> set[str]:
    """Numbers of the articles that carry an obligation or a right in the table."""
    texts = [o.article for o in (*aiact.OBLIGATIONS, aiact.EXPLANATION_RIGHT)]
    texts.append(aiact.REGISTRATION_ARTICLE)
    return {n for text in texts
            for n in re.findall(r"\b(\d+)\b", re.sub(r"paragraphes? \d+", "", text))}


ARTICLE = re.compile(r"\b(?:articles?|art\.)\s*(\d+)\b", re.IGNORECASE)


def _python_strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def _python_dates(path: Path) -> list[tuple[int, date]]:
    """``date(2027, 12, 2)`` and the like, written in a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr",
                                                                            "")) == "date" \
                and len(node.args) == 3 and all(isinstance(a, ast.Constant) for a in node.args):
            try:
                out.append((node.lineno, date(*(a.value for a in node.args))))
            except (TypeError, ValueError):
                continue
    return out


def _template_text(path: Path) -> str:
    return re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def _sources() -> list[Path]:
    modules = [p for p in (PROJECT_ROOT / "registry").rglob("*.py") if p != TABLE]
    templates = [p for p in (PROJECT_ROOT / "templates").rglob("*") if p.is_file()]
    return modules + templates


def _findings(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    numbers = _article_numbers()
    rel = path.relative_to(root)
    if path.suffix == ".py":
        strings = _python_strings(path)
        out = [f"{rel}:{line}: date {when}" for line, when in _python_dates(path)
               if when in {d.when for d in aiact.DATES}]
    else:
        strings = [(1, _template_text(path))]
        out = []
    for line, text in strings:
        out += [f"{rel}:{line}: « {s} »" for s in DATE_SPELLINGS if s in text]
        out += [f"{rel}:{line}: « {m.group(0)} »" for m in ARTICLE.finditer(text)
                if m.group(1) in numbers]
    return out


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scan would catch a date or an obligation article typed in code or a template."""
    module = tmp_path / "registry" / "web" / "page.py"
    module.parent.mkdir(parents=True)
    module.write_text('"""Docstrings may cite Article 27."""\nfrom datetime import date\n'
                      'WHEN = date(2027, 12, 2)\nTEXT = "voir l\'article 27 du règlement"\n'
                      'OTHER = "exigible le 2 décembre 2027"\n', encoding="utf-8")
    template = tmp_path / "templates" / "x.html"
    template.parent.mkdir()
    template.write_text("{# art. 86 in a comment #}<p>Art. 86 : dès le 2027-12-02</p>",
                        encoding="utf-8")
    found = _findings(module, tmp_path) + _findings(template, tmp_path)
    assert len(found) == 5, found
    assert not any("Docstrings" in f or "comment" in f for f in found)


def test_no_obligation_or_date_is_written_outside_the_table() -> None:
    assert _article_numbers() == {"26", "27", "49", "50", "71", "86"}
    found = [f for path in _sources() for f in _findings(path)]
    assert found == [], "\n".join(found)


# --- the records -------------------------------------------------------------------------

def test_every_records_obligations_come_from_the_table(records: list[Record]) -> None:
    bad = []
    for r in records:
        ai = r.meta["ai_act"]
        for key in ai.get("obligations") or {}:
            obligation = aiact.OBLIGATIONS_BY_KEY.get(key)
            if obligation is None or obligation.categorie != ai["categorie"]:
                bad.append(f"{r.id}: {key}")
    assert bad == []


def test_no_record_types_an_application_date(records: list[Record]) -> None:
    bad = [f"{r.id}: « {s} »" for r in records for s in DATE_SPELLINGS
           if s in repr(r.meta["ai_act"])]
    assert bad == []


@pytest.fixture(scope="module")
def records() -> list[Record]:
    from registry.records.model import load_records

    return load_records(DATA)
