"""Full-text search: the only package that imports Whoosh.

Narrow interface (the rest of the code imports these names from ``registry.search``):
- build side (registry.search.staging): ``stage_index(instance, entries, deletions,
  full)`` writes a new index folder, ``announce_index`` has the serving processes warm it,
  ``announce_commit`` has them run their hooks once the database is committed (the site's
  figures), ``publish_index(instance, staged)`` switches to it atomically;
- read side (registry.search.serving): ``SearchIndex(instance)`` is opened once per
  process, keeps a pool of searchers and follows new builds; ``SearchIndex.search(query,
  filters, page, per_page, sort)`` returns ``Results`` (registry.search.results: total,
  hits with highlighted excerpts, facet counts, spelling suggestion, French message when
  the query had to be adapted).

Text is analysed the French way (registry.search.french); what the index holds of a
record, and its ranking prior, is registry.search.document.
"""

from __future__ import annotations

from registry.search.document import FACETS, Entry, prominence
from registry.search.excerpts import mark, plain_excerpt
from registry.search.french import french_analyzer
from registry.search.results import SORTS, FacetValue, Hit, Results, SearchUnavailable
from registry.search.serving import SearchIndex
from registry.search.staging import (
    POINTER,
    announce_commit,
    announce_index,
    current_name,
    discard_index,
    publish_index,
    stage_index,
)

__all__ = ["FACETS", "POINTER", "SORTS", "Entry", "FacetValue", "Hit", "Results", "SearchIndex",
           "SearchUnavailable", "announce_commit", "announce_index", "current_name",
           "discard_index", "french_analyzer", "mark", "plain_excerpt", "prominence",
           "publish_index", "stage_index"]
