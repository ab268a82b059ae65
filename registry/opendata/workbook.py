"""The XLSX workbook of the registry: one sheet per table of ``registry.opendata.tables``, a
sheet describing every column, and one about the data (SpreadsheetML, ECMA-376).

A build must stay incremental: each record's rows of each sheet are an XML fragment
(``record_pieces``) cached with the other export pieces, position-free (no cell
references), so the sheets are the concatenation of the cached fragments in id order and a
one-record rebuild never serialises the other records again (a library that writes the
whole workbook, cell by cell, took 36 µs a cell: a minute at 10 000 records). Every text is
an inline string, never a formula, whatever it starts with; numbers are numbers. The tests
read the workbook back with openpyxl.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from registry.opendata.exports import LICENCE
from registry.opendata.tables import (
    ADMINISTRATIONS,
    INTEGER,
    NUMBER,
    TABLES,
    Table,
    administration_rows,
)
from registry.opendata.tables import ROWS as TABLE_ROWS
from registry.records import catalogue as cat
from registry.records.model import Record

COLUMNS_SHEET, ABOUT_SHEET = "Colonnes", "À propos"
RECORD_SHEETS: tuple[Table, ...] = tuple(t for t in TABLES if t is not ADMINISTRATIONS)
TYPE_LABELS = {"string": "texte", INTEGER: "nombre entier", NUMBER: "nombre",
               "boolean": "oui ou non"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _cell(value: object, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"<c{s}/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c{s}><v>{value!r}</v></c>"
    text = escape(_NOT_XML.sub("", str(value)))
    return f'<c{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(values: Iterable[object], style: int = 0) -> str:
    return "<row>" + "".join(_cell(v, style) for v in values) + "</row>"


def _rows(table: Table, rows: Iterable[dict[str, object]]) -> str:
    return "".join(_row(row.get(c.key) for c in table.columns) for row in rows)


def record_pieces(record: Record, site_url: str) -> list[bytes]:
    """The record's rows of each sheet of RECORD_SHEETS, as XML fragments."""
    return [_rows(t, TABLE_ROWS[t.name](record, site_url)).encode() for t in RECORD_SHEETS]


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_head(widths: list[int], header: list[str]) -> bytes:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
            '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" '
            'topLeftCell="B2" activePane="bottomRight" state="frozen"/></sheetView>'
            f"</sheetViews><cols>{cols}</cols><sheetData>{_row(header, 1)}").encode()


def _sheet_tail(columns: int, rows: int) -> bytes:
    ref = f"A1:{_column_letter(columns)}{rows + 1}"
    return f'</sheetData><autoFilter ref="{ref}"/></worksheet>'.encode()


def _width(table: Table, i: int) -> int:
    return 14 if table.columns[i].type in (INTEGER, NUMBER) else 40 if i < 3 else 28


def _table_head(table: Table) -> bytes:
    return _sheet_head([_width(table, i) for i in range(len(table.columns))],
                       [c.label for c in table.columns])


def _simple_sheet(widths: list[int], header: list[str], rows: list[list[object]]) -> bytes:
    return (_sheet_head(widths, header) + "".join(_row(r) for r in rows).encode()
            + _sheet_tail(len(header), len(rows)))


def _about(built_at: datetime, site_url: str, count: int) -> bytes:
    lines: list[list[object]] = [
        ["Contenu", f"{count} fiches d'algorithmes utilisés par des administrations françaises "
         "pour décider à propos des personnes, une feuille par table (voir « Colonnes »)."],
        ["Mis à jour le", built_at.date().isoformat()],
        ["Schéma des fiches", f"version {cat.SCHEMA_VERSION}"],
        ["Licence", LICENCE],
        ["Site", site_url],
        ["Lire", "Les codes sont remplacés par leurs libellés ; les listes sont séparées par "
         "« | » ; les feuilles se relient par « Identifiant de la fiche »."],
        *[[t.title, t.description] for t in TABLES],
    ]
    return _simple_sheet([24, 110], ["Registre citoyen des algorithmes publics", ""], lines)


def _columns() -> bytes:
    rows: list[list[object]] = [[t.title, c.label, c.key, c.description, TYPE_LABELS[c.type],
                                 " | ".join(c.choices)] for t in TABLES for c in t.columns]
    return _simple_sheet([18, 40, 36, 70, 14, 60], ["Feuille", "Colonne", "Nom technique",
                                                    "Contenu", "Type", "Valeurs"], rows)


def _package(names: list[str]) -> dict[str, str]:
    sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, n in enumerate(names, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
    style_id = len(names) + 1
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        f'ContentType="{_MAIN}.worksheet+xml"/>'
                        for i in range(1, len(names) + 1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    pkg = "http://schemas.openxmlformats.org/package/2006"
    return {
        "[Content_Types].xml": f'{head}<Types xmlns="{pkg}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_MAIN}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_MAIN}.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'{head}<Relationships xmlns="{pkg}/relationships"><Relationship '
        f'Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'{head}<workbook {_NS} xmlns:r="{_REL_NS}"><sheets>{sheets}'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{pkg}/relationships">'
        f'{rels}<Relationship Id="rId{style_id}" Type="{_REL_NS}/styles" '
        'Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'{head}<styleSheet {_NS}><fonts count="2"><font><sz val="11"/>'
        '<name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>'
        '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border/>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" '
        'borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def write_workbook(path: Path, pieces: Callable[[int], Iterable[bytes]], count: int,
                   administrations: list[Record], counts: dict[str, int], site_url: str,
                   built_at: datetime) -> None:
    """Write the workbook to `path` (replaced atomically). `pieces(i)`: the fragments of the
    i-th sheet of RECORD_SHEETS (``record_pieces``), in id order; `count`: the records;
    `counts`: algorithms per administration id."""
    names = [ABOUT_SHEET, *(t.title for t in RECORD_SHEETS), ADMINISTRATIONS.title,
             COLUMNS_SHEET]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in _package(names).items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", _about(built_at, site_url, count))
        for i, table in enumerate(RECORD_SHEETS):
            with zf.open(f"xl/worksheets/sheet{i + 2}.xml", "w", force_zip64=True) as out:
                out.write(_table_head(table))
                rows = 0
                for piece in pieces(i):
                    out.write(piece)
                    rows += piece.count(b"<row>")
                out.write(_sheet_tail(len(table.columns), rows))
        admins = sorted(administrations, key=lambda a: a.id)
        rows = [r for a in admins for r in administration_rows(a, counts.get(a.id, 0))]
        n = 2 + len(RECORD_SHEETS)
        zf.writestr(f"xl/worksheets/sheet{n}.xml", _table_head(ADMINISTRATIONS)
                    + _rows(ADMINISTRATIONS, rows).encode()
                    + _sheet_tail(len(ADMINISTRATIONS.columns), len(rows)))
        zf.writestr(f"xl/worksheets/sheet{n + 1}.xml", _columns())
    os.replace(tmp, path)
