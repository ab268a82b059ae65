"""The private half of ``registry.search``: from the parsed query to Whoosh queries,
synonym expansion and "Vouliez-vous dire …" suggestions.

Only ``registry.search`` imports this module; the rest of the code never sees Whoosh.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.analysis import Analyzer
from whoosh.query import And, AndNot, Every, Or, Phrase, Prefix, Query, Term
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import distance

from registry.search.parsing import SYNONYMS_PATH, ParsedQuery, Unit, load_synonyms, parse_query

log = logging.getLogger(__name__)
Stems = tuple[str, ...]
MIN_PREFIX = 3
CITIZEN_WEIGHT = 0.6  # a citizen's word stands for the records' words, a little less surely
_THESAURI: dict[tuple[Path, float], Thesaurus] = {}
_SYN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Thesaurus:
    """Analysed forms: `equivalents` maps an expression to every expression of its group
    (both ways); `citizen` maps a citizen's word to the records' expressions it stands for
    (one way: « impôts » finds « fiscal », « fiscal » does not find « impôts »)."""

    equivalents: dict[Stems, list[Stems]] = field(default_factory=dict)
    citizen: dict[Stems, list[Stems]] = field(default_factory=dict)
    generic: frozenset[Stems] = frozenset()  # words every record could say: score, never filter

    def __contains__(self, key: Stems) -> bool:
        return key in self.equivalents or key in self.citizen

    @property
    def longest(self) -> int:
        return max((len(k) for k in [*self.equivalents, *self.citizen]), default=0)

    def expand(self, key: Stems) -> list[tuple[Stems, float]]:
        """(form, weight) of everything `key` stands for, itself first at weight 1."""
        out: dict[Stems, float] = {}
        for form in self.equivalents.get(key, [key]):
            out.setdefault(form, 1.0)
        for form in list(out):
            for meant in self.citizen.get(form, []):
                for equivalent in self.equivalents.get(meant, [meant]):
                    out.setdefault(equivalent, CITIZEN_WEIGHT)
        return list(out.items())


def synonym_table(analyzer_factory: Callable, path: Path = SYNONYMS_PATH) -> Thesaurus:
    """The analysed thesaurus of the synonyms file; reloaded when the file changes."""
    try:
        key = (path, path.stat().st_mtime)
    except OSError:
        return Thesaurus()
    with _SYN_LOCK:
        if key not in _THESAURI:
            try:
                groups, citizen, generic = load_synonyms(path)
            except ValueError as exc:
                log.error("%s", exc)
                groups, citizen, generic = [], {}, []
            analyzer = analyzer_factory()
            table: dict[Stems, list[Stems]] = {}
            for group in groups:
                forms = list(dict.fromkeys(stems(analyzer, e) for e in group if stems(analyzer, e)))
                for form in forms:
                    table.setdefault(form, [])
                    table[form] += [f for f in forms if f not in table[form]]
            words: dict[Stems, list[Stems]] = {}
            for word, meant in citizen.items():
                if k := stems(analyzer, word):
                    forms = words.setdefault(k, [])
                    forms += [f for e in meant if (f := stems(analyzer, e)) and f not in forms]
            _THESAURI.clear()
            _THESAURI[key] = Thesaurus(table, words, frozenset(
                k for w in generic if (k := stems(analyzer, w))))
        return _THESAURI[key]


def stems(analyzer: Analyzer, text: str) -> Stems:
    return tuple(t.text for t in analyzer(text, mode="query"))


class AnyOf(Or):
    """Alternatives for one word of the query (its synonyms, or words joined by OU): a
    record matches if it has any of them and scores as its best one, so that a word with
    four synonyms does not weigh four times as much as a word with none."""


@dataclass
class Compiled:
    """`query` scores the results; `clauses` (all required, each a word with its
    alternatives) and `negative` (excluded) decide which records match."""

    text: str
    query: Query | None = None
    clauses: list[Query] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # each clause as typed
    negative: Query | None = None
    message: str | None = None
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (as typed, folded)


class Compiler:
    def __init__(self, analyzer: Analyzer, boosts: dict[str, float],
                 synonyms: Thesaurus, spelling_field: str = "mots",
                 words_only: frozenset[str] = frozenset()) -> None:
        self.analyzer = analyzer
        self.boosts = boosts
        self.phrase_boosts = {k: b for k, b in boosts.items() if k not in words_only}
        self.synonyms = synonyms
        self.spelling_field = spelling_field
        self.max_synonym = synonyms.longest

    def compile(self, raw: str | None, reader: IndexReader) -> Compiled:
        parsed = parse_query(raw)
        out = Compiled(parsed.text, message=parsed.message)
        positives, negatives, dropped, generic, typed = [], [], [], [], []
        for clause in self._merge_synonyms(parsed):
            alternatives = [q for q in (self._unit(u, reader, out) for u in clause) if q]
            if not alternatives:
                dropped += [u.text for u in clause]
                continue
            q = alternatives[0] if len(alternatives) == 1 else AnyOf(alternatives)
            (negatives if clause[0].negated else positives).append(q)
            if not clause[0].negated:
                typed.append(" ou ".join(u.text for u in clause))
                generic.append(all(stems(self.analyzer, u.text) in self.synonyms.generic
                                   for u in clause))
        if not positives and parsed.clauses and not negatives:
            out.message = (f"Les mots « {' '.join(dropped)[:100]} » sont trop courants pour être "
                           "cherchés : toutes les fiches sont affichées.")
            return out
        if not positives and not negatives:
            return out
        base = And(positives) if len(positives) > 1 else (positives[0] if positives else Every())
        out.negative = Or(negatives) if negatives else None
        out.query = AndNot(base, out.negative) if negatives else base
        kept = [i for i, g in enumerate(generic) if not g] or list(range(len(positives)))
        out.clauses = [positives[i] for i in kept]
        out.words = [typed[i] for i in kept]
        return out

    def _merge_synonyms(self, parsed: ParsedQuery) -> list[list[Unit]]:
        """Consecutive plain words forming a synonym expression become one unit."""
        clauses, out, i = parsed.clauses, [], 0
        while i < len(clauses):
            merged = None
            for j in range(min(len(clauses), i + self.max_synonym), i + 1, -1):
                span = clauses[i:j]
                if all(len(c) == 1 and not c[0].phrase and not c[0].negated for c in span):
                    key = stems(self.analyzer, " ".join(c[0].text for c in span))
                    if key in self.synonyms:
                        merged = Unit(" ".join(c[0].text for c in span), phrase=True)
                        i = j
                        break
            if merged is not None:
                out.append([merged])
            else:
                out.append(clauses[i])
                i += 1
        return out

    def _unit(self, unit: Unit, reader: IndexReader, out: Compiled) -> Query | None:
        key = stems(self.analyzer, unit.text)
        if not key:
            return None
        if key in self.synonyms:
            forms = self.synonyms.expand(key)
            return AnyOf([self._expression(form, weight) for form, weight in forms])
        if not unit.negated:
            self._check_spelling(unit, reader, out)
        q = self._expression(key)
        if unit.prefix and len(key) == 1 and len(key[0]) >= MIN_PREFIX \
                and not self._is_word(unit, reader):
            plain = self._plain(unit.text)
            extra = [Prefix(name, key[0], boost=b / 2) for name, b in self.boosts.items()]
            extra += [Prefix(self.spelling_field, w, boost=0.5) for w in plain[-1:]]
            q = Or([q, *extra])
        return q

    def _expression(self, key: Stems, weight: float = 1.0) -> Query:
        if len(key) == 1:
            return Or([Term(name, key[0], boost=b * weight) for name, b in self.boosts.items()])
        return Or([Phrase(name, list(key), boost=b * weight)
                   for name, b in self.phrase_boosts.items()])

    def _is_word(self, unit: Unit, reader: IndexReader) -> bool:
        """The last word is complete (no prefix search) when the records use it as typed."""
        plain = self._plain(unit.text)
        return bool(plain) and reader.doc_frequency(self.spelling_field, plain[-1]) > 0

    def _plain(self, text: str) -> Stems:
        return tuple(t.text for t in self.analyzer(text, mode="query", no_morph=True))

    def _check_spelling(self, unit: Unit, reader: IndexReader, out: Compiled) -> None:
        for word in self._plain(unit.text):
            if word.isdigit() or len(word) < 3:
                continue
            if reader.doc_frequency(self.spelling_field, word):
                continue
            if unit.prefix and next(iter(reader.expand_prefix(self.spelling_field, word)),
                                    None) is not None:
                continue
            out.unknown.append((unit.text, word))


class Vocabulary:
    """The words of the spelling field by initial, with their letter pairs: candidates for
    a correction are found by cheap set intersections before any edit distance."""

    def __init__(self, words: Iterable[str]) -> None:
        self.by_initial: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for word in words:
            self.by_initial.setdefault(word[:1], []).append((word, _pairs(word)))

    def near(self, word: str, maxdist: int) -> Iterator[str]:
        """Words that may be within `maxdist` edits of `word` (same initial letter): an edit
        changes at most three letter pairs, so the others must be shared."""
        pairs = _pairs(word)
        need, size = len(pairs) - 3 * maxdist, len(word)
        for cand, cand_pairs in self.by_initial.get(word[:1], ()):
            if abs(len(cand) - size) <= maxdist and len(pairs & cand_pairs) >= need:
                yield cand


def _pairs(word: str) -> frozenset[str]:
    return frozenset(word[i:i + 2] for i in range(len(word) - 1))


class Suggester:
    """« Vouliez-vous dire … » from the words of the index."""

    def __init__(self, reader: IndexReader, fieldname: str, vocabulary: Vocabulary) -> None:
        self.reader = reader
        self.fieldname = fieldname
        self.vocabulary = vocabulary

    def best(self, word: str) -> str | None:
        maxdist = 1 if len(word) <= 4 else 2
        candidates = []
        for cand in self.vocabulary.near(word, maxdist):
            if cand != word and (d := distance(word, cand)) <= maxdist:
                candidates.append((d, -self.reader.doc_frequency(self.fieldname, cand), cand))
        return min(candidates)[2] if candidates else None
    def suggest(self, compiled: Compiled) -> str | None:
        text, changed = compiled.text, False
        for typed, word in compiled.unknown:
            better = self.best(word)
            if better:
                pattern = re.compile(rf"(?<!\w){re.escape(typed)}(?!\w)", re.IGNORECASE)
                text, n = pattern.subn(better, text, count=1)
                changed = changed or n > 0
        return text if changed else None
