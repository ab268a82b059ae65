"""CSV files safe to open in a spreadsheet (OWASP's rule against formula injection).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK(...)``, ``@SUM(...)``…). Every
CSV the registry writes (exports, coverage tables, their evolution) goes through
``write_csv``: such a cell is prefixed with a single quote, which spreadsheets show as text
and do not display. ``registry import csv`` removes that prefix again (``unescape``), so an
export re-imports unchanged. Numbers are written without sign: the registry has no negative
amount.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def escape(value: object) -> str:
    text = "" if value is None else str(value)
    return PREFIX + text if text.startswith(TRIGGERS) else text


def unescape(text: str) -> str:
    """The cell as it was before ``escape`` (a quote followed by a trigger loses the quote)."""
    if text.startswith(PREFIX) and text[1:2] and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def write_csv(rows: Iterable[dict], columns: list[str], bom: bool = False,
              delimiter: str = ",", header: list[str] | None = None) -> str:
    """CSV text (RFC 4180, CRLF), every cell escaped; `bom`: UTF-8 mark for spreadsheets;
    `header`: the first line when it is not the columns' names (labels)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow([escape(c) for c in header or columns])
    for row in rows:
        writer.writerow([escape(row.get(c, "")) for c in columns])
    return out.getvalue()
