"""Excerpts of the results: the passages of a record's summary or body around the matched
words, escaped, each word in ``<mark>`` (``mark``); the same as plain text with the spans of
the marked words (``plain_excerpt``, for the API and the exports)."""

from __future__ import annotations

import functools
import re
from html import escape, unescape

from registry.search.document import EXCERPT_CHARS
from registry.search.french import FrenchAnalyzer, french_analyzer

_ANALYZERS: list[FrenchAnalyzer] = []


def _highlight_analyzer() -> FrenchAnalyzer:
    if not _ANALYZERS:
        _ANALYZERS.append(french_analyzer())
    return _ANALYZERS[0]


@functools.lru_cache(maxsize=1024)
def _words(text: str) -> dict[str, tuple[tuple[int, int, int], ...]]:
    """Analysed word -> its (rank, start, end) in `text`: the analyser runs once per excerpt
    text and process (the same summaries come back in many result pages), not once per hit."""
    found: dict[str, list[tuple[int, int, int]]] = {}
    for rank, t in enumerate(_highlight_analyzer()(text, chars=True, mode="query")):
        found.setdefault(t.text, []).append((rank, t.startchar, t.endchar))
    return {word: tuple(places) for word, places in found.items()}


_MARK_SPLIT = re.compile(r"(</?mark>)")


def plain_excerpt(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """An excerpt of ``mark`` as plain text, and the spans of its marked words in that text."""
    text, spans, start = [], [], None
    length = 0
    for piece in _MARK_SPLIT.split(marked):
        if piece == "<mark>":
            start = length
        elif piece == "</mark>":
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif piece:
            plain = unescape(piece)
            text.append(plain)
            length += len(plain)
    return "".join(text), spans


def excerpt(stored: dict, terms: dict[str, set[str]]) -> str:
    """The best passages of the summary, else of the body's start, matched words marked."""
    for name in ("resume", "corps"):
        if terms.get(name) and stored.get(name):
            marked = mark(stored[name][:EXCERPT_CHARS], terms[name])
            if marked:
                return marked
    resume = stored.get("resume", "")
    return escape(resume if len(resume) <= 300 else resume[:300].rsplit(" ", 1)[0] + " …")


def mark(text: str, terms: set[str], fragments: int = 2, surround: int = 90,
         maxchars: int = 300) -> str:
    """Escaped passages of `text` around its words whose analysed form is in `terms`, each
    word in <mark>; "" if none. Passages are the first ones, joined by " … "."""
    words = _words(text)
    hits = sorted(hit for term in terms.intersection(words) for hit in words[term])
    spans: list[tuple[int, int]] = []
    limit = None
    for _, startchar, endchar in hits:
        if limit is not None and startchar > limit:
            break
        spans.append((startchar, endchar))
        if limit is None:
            limit = startchar + fragments * maxchars
    out, i, previous, passages = [], 0, 0, 0
    while i < len(spans) and passages < fragments:
        passages += 1
        start = max(_snap(text, spans[i][0] - surround, back=True), previous)
        follows = bool(out) and start == previous  # touches the previous passage: one text
        end, inside = spans[i][1], []
        while i < len(spans) and spans[i][1] - start <= maxchars:
            inside.append(spans[i])
            end = spans[i][1]
            i += 1
        if not inside:
            inside, end = [spans[i]], spans[i][1]
            i += 1
        end = _snap(text, end + surround, back=False)
        while i < len(spans) and spans[i][1] <= end:  # words the context shows: marked too
            inside.append(spans[i])
            i += 1
        previous = end  # the next passage starts after this one: no text shown twice
        pieces, pos = [], start
        for a, b in inside:
            pieces += [escape(text[pos:a], quote=False), "<mark>",
                       escape(text[a:b], quote=False), "</mark>"]
            pos = b
        pieces.append(escape(text[pos:end], quote=False))
        if follows:
            out[-1] += "".join(pieces).rstrip()
        else:
            out.append(("… " if start > 0 and not out else "") + "".join(pieces).strip())
    return " … ".join(out) + (" …" if out and previous < len(text.rstrip()) else "")


def _snap(text: str, at: int, back: bool) -> int:
    """`at` moved to the nearest word boundary inside the text."""
    if at <= 0:
        return 0
    if at >= len(text):
        return len(text)
    cut = text.rfind(" ", 0, at) if back else text.find(" ", at)
    if cut == -1:
        return 0 if back else len(text)
    return cut
