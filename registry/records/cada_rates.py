"""How often an administration answers access requests: the CADA's own data, 2016-2019.

The CADA publishes its opinions (data.gouv.fr, « Avis et conseils de la CADA »). From them,
A. Augusti computed each administration's response rate: among the opinions of 2016-2019
about an administration with more than ten of them, the share where the administration had
answered the CADA (an opinion mentioning « En l'absence de réponse » counts as silence).
The file is kept verbatim in ``data/references/`` (Licence Ouverte 2.0). An administration
record lists, in ``cada_libelles``, the exact names that denote it in that file; several
spellings are pooled, weighted by their number of opinions.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE_NAME = "cada-taux-reponse-2016-2019.csv"
PERIOD = "2016-2019"
SOURCE_URL = "https://github.com/AntoineAugusti/reponses-cada"
ORIGIN_URL = "https://www.data.gouv.fr/fr/datasets/avis-et-conseils-de-la-cada/"


@dataclass(frozen=True)
class ResponseRate:
    rate: float  # 0..1
    opinions: int
    labels: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"taux": round(self.rate, 4), "avis": self.opinions, "libelles": list(self.labels),
                "periode": PERIOD, "source": SOURCE_URL, "origine": ORIGIN_URL}


def reference_file(data: Path) -> Path:
    """Where the file lives for a records folder (``data/references/`` beside it)."""
    return Path(data).parent / "references" / FILE_NAME


@cache
def _table(path: Path) -> dict[str, tuple[float, int]]:
    out: dict[str, tuple[float, int]] = {}
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    out[row["administration"].strip()] = (float(row["pourcentage_reponse"]),
                                                          int(row["nb_demandes"]))
                except (KeyError, ValueError):
                    continue
    except OSError:
        return {}
    return out


def labels_in(path: Path) -> frozenset[str]:
    return frozenset(_table(path))


def rate_for(labels: list[str], path: Path) -> ResponseRate | None:
    """The pooled response rate of the given names, or None when none is in the file."""
    table = _table(path)
    found = [(label, *table[label.strip()]) for label in labels if label.strip() in table]
    opinions = sum(n for _, _, n in found)
    if not found or not opinions:
        return None
    rate = sum(r * n for _, r, n in found) / opinions
    return ResponseRate(rate, opinions, tuple(label for label, _, _ in found))
