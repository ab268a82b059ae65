"""The French analyser of the index: words keep their inner apostrophes, elisions (l', d',
qu'…) are removed, accents folded, stop words dropped, then (for most fields) stemmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

from registry.text import fold

WORD_PATTERN = r"\w+(?:['’]\w+)*"
_WORD = re.compile(WORD_PATTERN)
ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'")
# Whoosh's French list misses a few very common words (« les », « cette »…) and the
# question words people type (« pourquoi la caf me contrôle »).
STOPWORDS = frozenset(fold(w) for w in stopwords_for_language("fr")) | {
    "les", "cet", "cette", "dont", "ceux", "celle", "celles", "celui", "cela", "ca", "ni",
    "leurs", "pourquoi", "comment", "combien", "quoi", "quel", "quelle", "quels", "quelles",
    "quand", "lequel", "laquelle", "lesquels", "lesquelles"}

_stem_fr = stemmer_for_language("fr")


def plain_analyzer() -> FrenchAnalyzer:
    """Words as typed, lowercase, without elisions, accents or stop words (no stemming)."""
    return FrenchAnalyzer(stem=False)


def french_analyzer() -> FrenchAnalyzer:
    """The analyser of the indexed text fields (stemmed)."""
    return FrenchAnalyzer(stem=True)


class FrenchAnalyzer(Analyzer):
    """Tokenise, lowercase, remove elisions, fold accents, drop stop words and (if `stem`)
    stem, in one pass with a cache per distinct word (indexing and highlighting): a
    Whoosh analyser, giving tokens with positions and character offsets."""

    is_morph = False

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem
        self._cache: dict[str, tuple[str, int, bool]] = {}
        self._plain: dict[str, tuple[str, int, bool]] = {}

    def __getstate__(self) -> dict:
        return {"stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["stem"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrenchAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((FrenchAnalyzer, self.stem))

    def _analyse(self, word: str, stem: bool) -> tuple[str, int, bool]:
        """(final text, characters of elision skipped, is a stop word)."""
        text = word.lower().replace("’", "'")
        match = ELISION.match(text)
        skip = match.end() if match else 0
        text = text[skip:].translate(accent_map)
        if len(text) < 2 or text in STOPWORDS:
            return text, skip, True
        return (_stem_fr(text) if stem else text), skip, False

    def __call__(self, value: str, positions: bool = False, chars: bool = False,  # noqa: C901, PLR0913
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 no_morph: bool = False, **kwargs: object) -> Iterator[Token]:
        stem = self.stem and not no_morph
        cache = self._cache if stem else self._plain
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _WORD.finditer(value) if tokenize else [_Whole(value)]
        pos = None
        for i, match in enumerate(matches):
            word = match.group(0)
            entry = cache.get(word)
            if entry is None:
                entry = cache[word] = self._analyse(word, stem)
            text, skip, stopped = entry
            if stopped and removestops:
                continue
            t.text, t.stopped, t.boost = text, stopped, 1.0
            if keeporiginal or not tokenize:
                t.original = word
            if positions:
                if stopped:
                    t.pos = start_pos + i
                else:
                    pos = start_pos + i if pos is None else pos + 1
                    t.pos = pos
            if chars:
                t.startchar = start_char + match.start() + skip
                t.endchar = start_char + match.end()
            yield t


class _Whole:
    """A regex-match look-alike for the whole value (``tokenize=False``)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self, _: int) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


