"""Per-claim citations: source keys, body markers ``[^cle]``, and who cites what.

A record's sources each carry a short key (`cle`). The Markdown body cites them with
``[^cle]`` right after a claim; field values cite them with ``source: cle`` (items of lists,
transparency states, recourse steps…) or through the ``citations`` mapping (top-level
fields). The validator, the renderer (numbered links) and the quality worklists all read
citations through this module. Plain Python, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A marker as written: `[^` then anything up to `]` on one line (the key is checked apart,
# so that `[^Cour des comptes]` is reported instead of silently shown as text).
MARKER_RE = re.compile(r"\[\^([^\]\n]{1,80})\]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*#")
# Figures and dates that call for a citation: a number of two digits or more (years,
# amounts, counts, percentages), or a day-month date.
_FACTUAL = re.compile(r"\d[\d\s  ,.]*\d|\d+\s?%|\b\d{1,2}(?:er)?\s+(?:janvier|février|mars|"
                      r"avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """A paragraph or a list item of the body: where it starts and its text."""

    line: int  # 1-based, relative to the body's first line
    text: str

    @property
    def markers(self) -> list[str]:
        return MARKER_RE.findall(self.text)

    @property
    def factual(self) -> bool:
        """States figures or dates (ignoring the markers themselves)."""
        return bool(_FACTUAL.search(MARKER_RE.sub("", self.text)))


def units(body: str) -> list[Unit]:
    """Paragraphs and list items of a Markdown body, headings and code blocks excluded."""
    out: list[Unit] = []
    current: list[str] = []
    start = 0
    fenced = False

    def flush() -> None:
        nonlocal current
        if current:
            out.append(Unit(start, " ".join(current)))
            current = []

    for number, line in enumerate(body.split("\n"), start=1):
        if _FENCE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        if not line.strip() or _HEADING.match(line):
            flush()
            continue
        if _ITEM.match(line):
            flush()
            current, start = [line], number
            continue
        if not current:
            start = number
        current.append(line)
    flush()
    return out


def markers(text: str) -> Iterator[tuple[int, str]]:
    """(offset in `text`, key as written) of every ``[^…]`` marker."""
    for match in MARKER_RE.finditer(text):
        yield match.start(), match.group(1)


def as_keys(value: object) -> list[str]:
    """The keys of a `source` value: one key, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def field_citations(meta: dict) -> Iterator[tuple[tuple, str]]:
    """(path of the citing value, key) for every field-level citation of a record."""
    mapping = meta.get("citations")
    for field, value in (mapping.items() if isinstance(mapping, dict) else ()):
        for key in as_keys(value):
            yield ("citations", field), key
    yield from _walk_sources(meta, ())


def _walk_sources(value: object, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source" and path[:1] != ("sources",):
                for cited in as_keys(item):
                    yield path + ("source",), cited
            elif key not in ("citations", "sources"):
                yield from _walk_sources(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_sources(item, path + (index,))


def body_keys(*texts: str) -> set[str]:
    return {key for text in texts for _, key in markers(text or "")}


def source_keys(meta: dict) -> list[str]:
    sources = meta.get("sources")
    return [str(s.get("cle")) for s in (sources if isinstance(sources, list) else [])
            if isinstance(s, dict) and s.get("cle")]


def numbering(meta: dict) -> dict[str, int]:
    """Key -> its number on the page: the position in the `sources` list, from 1."""
    return {key: i for i, key in enumerate(source_keys(meta), start=1)}


def cited(meta: dict, body: str) -> set[str]:
    """Every key something in the record cites."""
    keys = {key for _, key in field_citations(meta)}
    return keys | body_keys(body, str(meta.get("description_en") or ""))
