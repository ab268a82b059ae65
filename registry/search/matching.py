"""Which records a query brings, in what order of tiers: the private matching policy of
``registry.search``.

- every word is required, except words found in more than half of the records (« algorithme »,
  « données » in this registry): they still score, but do not filter out a record that has
  all the other words;
- when fewer than FEW records have all the required words, the records that miss only one
  of them follow (all but one word), ranked after the complete matches; when none has
  them all, any record with at least one word is shown, the most complete first. The person
  is told, in French, which of these happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.searching import Searcher

from registry.search.analysis import Compiled
from registry.search.scoring import Engine, docnums

COMMON_SHARE = 0.5  # a word in more than this share of the records does not filter
FEW = 3  # fewer complete matches than this: the near matches follow


@dataclass
class Selection:
    matched: int  # bitmap of the records shown
    coord: dict[int, int] | None = None  # docnum -> required words it has (tiers), if relaxed
    message: str | None = None


def select(engine: Engine, searcher: Searcher, compiled: Compiled,
           allowed: int) -> Selection:
    """The records `compiled` brings among `allowed` (a bitmap of the filtered records)."""
    if compiled.query is None:
        return Selection(allowed)
    pool = allowed
    if compiled.negative is not None:
        pool &= ~engine.matching(searcher, compiled.negative)
    if not compiled.clauses:
        return Selection(pool)
    found = [engine.matching(searcher, q) for q in compiled.clauses]
    limit = COMMON_SHARE * engine.live.bit_count()
    known = [b for b in found if b] or found  # a word no record has does not filter
    absent = [w for w, b in zip(compiled.words, found, strict=True) if not b] \
        if len(known) < len(found) else []
    note = (f"Aucune fiche ne contient « {' », « '.join(absent)[:120]} » : la recherche a été "
            "faite sans ce mot." if len(absent) == 1 else
            f"Aucune fiche ne contient « {' », « '.join(absent)[:120]} » : la recherche a été "
            "faite sans ces mots.") if absent else None
    required = [b & pool for b in known if b.bit_count() <= limit] or [b & pool for b in known]
    full = pool
    for b in required:
        full &= b
    if len(required) == 1 or full.bit_count() >= FEW:
        return Selection(full, message=note)
    if full:
        relaxed = _all_but_one(required)
        if relaxed == full:
            return Selection(full, message=note)
        n = full.bit_count()
        message = (f"{n} fiche{'s' if n > 1 else ''} contien{'nen' if n > 1 else ''}t tous les "
                   "mots cherchés ; les suivantes n'en contiennent qu'une partie.")
    else:
        relaxed = 0
        for b in required:
            relaxed |= b
        if not relaxed:
            return Selection(0, message=note)
        message = ("Aucune fiche ne contient tous les mots cherchés : voici celles qui en "
                   "contiennent le plus.")
    coord: dict[int, int] = {}
    for b in required:
        for d in docnums(b & relaxed):
            coord[d] = coord.get(d, 0) + 1
    return Selection(relaxed, coord, " ".join(filter(None, [note, message])))


def _all_but_one(bitmaps: list[int]) -> int:
    """Records in at least len(bitmaps) - 1 of the bitmaps."""
    out = 0
    for skip in range(len(bitmaps)):
        inter = -1
        for i, b in enumerate(bitmaps):
            if i != skip:
                inter &= b
        out |= inter
    return out
