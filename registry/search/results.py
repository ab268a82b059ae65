"""The results of a search (``Results``: the page of ``Hit``, the facet counts, a spelling
suggestion, a French message when the query had to be adapted) and how one search on a
served build computes them: compile the query, select the records, count the facets, rank
the page, mark the excerpts."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh.query import Query
from whoosh.searching import Searcher

from registry.search.analysis import Compiler, Suggester, synonym_table
from registry.search.document import FIELD_BOOSTS, SPELLING_FIELD, WORDS_ONLY
from registry.search.excerpts import excerpt, plain_excerpt
from registry.search.french import french_analyzer
from registry.search.matching import Selection, select
from registry.search.scoring import Engine

SORTS = ("pertinence", "nom", "recent")
UNREADABLE = ("l'index de recherche est illisible ; la prochaine construction du site "
              "le réparera")


class SearchUnavailable(Exception):
    """No index has been built yet, or it cannot be read."""


@dataclass
class Hit:
    id: str
    nom: str
    administration: str
    domaine: str
    statut: str
    extrait: str  # HTML: escaped text with <mark> around matched terms

    @property
    def extrait_texte(self) -> str:
        return plain_excerpt(self.extrait)[0]

    @property
    def surlignages(self) -> list[tuple[int, int]]:
        """(start, end) of each matched word in ``extrait_texte`` (code points, end excluded)."""
        return plain_excerpt(self.extrait)[1]


@dataclass
class FacetValue:
    valeur: str
    nombre: int


@dataclass
class Results:
    total: int = 0
    page: int = 1
    par_page: int = 20
    hits: list[Hit] = field(default_factory=list)
    facettes: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None


def run(engine: Engine, bitmaps: dict[str, dict[str, int]], s: Searcher,  # noqa: PLR0913
        query: str, filters: dict[str, list[str]], page: int, per_page: int,
        sort: str) -> Results:
    """One search on a build: its engine, its facet bitmaps (facet -> value -> docnums),
    one of its searchers (arguments already bounded)."""
    compiled = _compiler().compile(query, s.reader())
    allowed = _filter_bitmap(bitmaps, filters, engine.live)
    chosen = select(engine, s, compiled, allowed)
    matched = chosen.matched
    results = Results(total=matched.bit_count(), page=page, par_page=per_page,
                      message=" ".join(filter(None, [compiled.message, chosen.message]))
                      or None)
    results.facettes = _facet_counts(bitmaps, matched)
    if compiled.unknown:
        results.suggestion = Suggester(s.reader(), SPELLING_FIELD,
                                       engine.vocabulary(s.reader(), SPELLING_FIELD)
                                       ).suggest(compiled)
    if results.total > (page - 1) * per_page:
        results.hits = _page(s, engine, compiled.query, chosen, page, per_page, sort)
    return results


_COMPILER: list[Compiler] = []


def _compiler() -> Compiler:
    """One compiler per synonyms file version (its analyser caches stems)."""
    table = synonym_table(french_analyzer)
    if not _COMPILER or _COMPILER[0].synonyms is not table:
        _COMPILER[:] = [Compiler(french_analyzer(), FIELD_BOOSTS, table,
                                 words_only=WORDS_ONLY)]
    return _COMPILER[0]


def _filter_bitmap(bitmaps: dict[str, dict[str, int]], filters: dict[str, list[str]],
                   live: int) -> int:
    allowed = live
    for name, values in filters.items():
        union = 0
        for value in values:
            union |= bitmaps[name].get(value, 0)
        allowed &= union
    return allowed


def _facet_counts(bitmaps: dict[str, dict[str, int]], matched: int) -> dict[str,
                                                                            list[FacetValue]]:
    out = {}
    for name, values in bitmaps.items():
        counts = [FacetValue(v, n) for v, bm in values.items() if (n := (bm & matched).bit_count())]
        out[name] = sorted(counts, key=lambda f: (-f.nombre, f.valeur))
    return out


def _page(s: Searcher, engine: Engine, query: Query | None, chosen: Selection, page: int,
          per_page: int, sort: str) -> list[Hit]:
    reader, limit, matched = s.reader(), page * per_page, chosen.matched
    if sort == "recent":
        found = engine.sorted_by(reader, "recent", matched, limit)
    elif sort == "nom" or query is None:
        found = engine.sorted_by(reader, "nom", matched, limit)
    else:
        found = engine.top(s, query, matched, limit, chosen.coord)
    terms: dict[str, set[str]] = {}
    if query is not None:
        for fieldname, text, _ in engine.leaves(reader, query):
            terms.setdefault(fieldname, set()).add(text)
    hits = []
    for docnum in found[(page - 1) * per_page:]:
        stored = s.stored_fields(docnum)
        payload = stored["payload"]
        hits.append(Hit(stored["id"], payload["nom"], payload["administration"],
                        payload["domaine"], payload["statut"], excerpt(stored, terms)))
    return hits


