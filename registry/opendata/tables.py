"""The registry as tables for people: algorithms, transparency criteria, sources, budgets,
access requests and administrations, with labelled columns, all derived from the catalogue.

These tables feed the XLSX workbook (one sheet each) and the « tableur » CSV (the algorithms
table). Codes become their French labels, booleans « oui » / « non », lists are joined with
« | » and each item of a list of objects is written as a short sentence
(« Revenus déclarés (provenance : DGFiP ; données personnelles : oui) »). Identifiers stay
identifiers, so the sheets can be joined on « Identifiant de la fiche ».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from registry.coverage.figures import applies
from registry.opendata.exports import LICENCE, LIST_SEPARATOR, record_url
from registry.records import catalogue as cat
from registry.records.model import Record

MAX_CELL = 32_000  # spreadsheets keep 32 767 characters of a cell at most
CUT = " […] (texte complet sur la fiche en ligne)"
STRING, INTEGER, NUMBER, BOOLEAN = "string", "integer", "number", "boolean"
YES, NO = "oui", "non"


@dataclass(frozen=True)
class Column:
    key: str  # stable machine name (dotted path of the catalogue, or a name of this module)
    label: str  # the header people read
    description: str
    type: str = STRING  # a Table Schema type: string, integer, number, boolean
    choices: tuple[str, ...] = ()  # the labels a cell may hold, when they are controlled
    required: bool = False
    value: Callable[[dict], object] | None = None  # the cell, from the item of the row


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's stable name
    title: str  # the sheet's tab
    description: str
    columns: tuple[Column, ...]


def _number(value: float | int) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def readable(f: cat.Field, value: object, path: str) -> object:
    """A value as people read it: labels for codes, « oui » / « non », joined lists."""
    if value is None or value == "":
        return None
    if f.type == cat.ENUM:
        return cat.choice_label(path, value)
    if f.type == cat.BOOL:
        return YES if value is True else NO if value is False else str(value)
    if f.type in (cat.INT, cat.NUMBER) and isinstance(value, int | float) \
            and not isinstance(value, bool):
        return _number(value)
    if f.type in (cat.TEXT_LIST, cat.CITE) and isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if f.type == cat.OBJECT_LIST and isinstance(value, list):
        return LIST_SEPARATOR.join(item_sentence(f, item, path) for item in value
                                   if isinstance(item, dict))
    if f.type == cat.TEXT and isinstance(value, str) and len(value) > MAX_CELL:
        return value[:MAX_CELL] + CUT
    return str(value)


def _french_number(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _number(value)
        text = f"{value:,}".replace(",", "\u202f").replace(".", ",")
        return text
    return str(value)


def item_sentence(f: cat.Field, item: dict, path: str) -> str:
    """One object of a list as a short text: its first required value, then the others."""
    children = [c for c in f.children if c.type not in (cat.CITE,)]
    head = next((c for c in children if c.required and c.type == cat.TEXT),
                next((c for c in children if c.required), children[0] if children else None))
    parts = []
    for c in children:
        value = readable(c, item.get(c.key), f"{path}.{c.key}")
        if value is None or c is head:
            continue
        parts.append(f"{c.label.lower()} : {_french_number(value)}")
    first = readable(head, item.get(head.key), f"{path}.{head.key}") if head else None
    text = _french_number(first) if first is not None else ""
    if head is not None and head.type == cat.NUMBER and first is not None:
        text += " €" if "€" in head.label else ""
    return f"{text} ({' ; '.join(parts)})" if parts else text


def _type(f: cat.Field) -> str:
    return {cat.INT: INTEGER, cat.NUMBER: NUMBER}.get(f.type, STRING)


def _choices(f: cat.Field, path: str) -> tuple[str, ...]:
    if f.type == cat.ENUM:
        return tuple(cat.choice_label(path, v) for v in f.choices)
    if f.type == cat.BOOL:
        return (YES, NO)
    return ()


def field_columns(fields: Iterable[cat.Field], key_prefix: str = "", label_prefix: str = "",
                  skip: tuple[str, ...] = (), item_prefix: str = "") -> list[Column]:
    """Columns of catalogue fields: objects spread out (« PRADA : Courriel »), state maps one
    column per key (its state), every other field one column; `skip`: keys left out.

    `key_prefix`: the fields' path in the catalogue (``sources.``); `item_prefix`: their path
    in the item a row is made of (empty for the items of a list)."""
    out: list[Column] = []
    for f in fields:
        path, at = f"{key_prefix}{f.key}", f"{item_prefix}{f.key}"
        if f.key in skip or f.type in (cat.CITATIONS, cat.CITE):
            continue
        label = f"{label_prefix}{f.label}"
        if f.type == cat.OBJECT:
            out += field_columns(f.children, f"{path}.", f"{label} : ", ("source",), f"{at}.")
        elif f.type == cat.ETAT_MAP:
            names = {c.key: c.label for c in cat.CRITERIA} | dict(cat.AI_OBLIGATIONS)
            etat = f.child("etat")
            for k in f.keys:
                out.append(Column(f"{path}.{k}.etat", f"{label} : {names.get(k, k)}",
                                  f"État de publication : {names.get(k, k)}.",
                                  choices=_choices(etat, f"{path}.etat") if etat else (),
                                  value=_getter(f"{at}.{k}.etat", etat, f"{path}.etat",
                                                "inconnu")))
        else:
            description = f.help + (" Valeurs séparées par « | »." if f.type in (
                cat.TEXT_LIST, cat.OBJECT_LIST) else "")
            out.append(Column(path, label, description, _type(f), _choices(f, path),
                              f.required and not label_prefix, _getter(at, f, path)))
    return out


def _getter(path: str, f: cat.Field | None, choice_path: str,
            default: object = None) -> Callable[[dict], object]:
    parts = path.split(".")

    def get(item: dict) -> object:
        value: object = item
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            value = default
        return readable(f, value, choice_path) if f is not None else value
    return get


def _fixed(key: str, label: str, description: str, value: Callable[[dict], object],
           type_: str = STRING, required: bool = False) -> Column:
    return Column(key, label, description, type_, (), required, value)


_RECORD = (
    _fixed("id", "Identifiant de la fiche", "Identifiant stable de la fiche (nom du fichier).",
           lambda row: row["_id"], required=True),
    _fixed("nom_fiche", "Algorithme", "Nom de l'algorithme.", lambda row: row["_nom"]),
)


def _algorithm_columns() -> tuple[Column, ...]:
    head = [
        _fixed("id", "Identifiant de la fiche", "Identifiant stable de la fiche (nom du "
               "fichier).", lambda row: row["_id"], required=True),
        _fixed("url", "Adresse de la fiche", "Adresse de la fiche sur le site.",
               lambda row: row["_url"]),
        _fixed("administration_nom", "Administration", "Nom de l'organisme qui utilise "
               "l'algorithme.", lambda row: row["_admin"].get("nom") or None),
        _fixed("administration", "Identifiant de l'administration", "Identifiant de sa fiche "
               "d'administration.", lambda row: row.get("administration")),
        _fixed("administration_siren", "SIREN de l'administration", "Numéro SIREN, s'il est "
               "connu.", lambda row: str(row["_admin"].get("siren") or "") or None),
    ]
    body = field_columns(cat.FIELDS, skip=("schema", "administration", "redacteurs"))
    tail = [
        _fixed("corps_markdown", "Texte de la fiche", "Texte de la fiche, en Markdown (coupé "
               f"au-delà de {MAX_CELL} caractères).",
               lambda row: readable(cat.Field("corps", cat.TEXT, "", ""), row["_body"], "")),
        _fixed("schema", "Version du schéma", "Version du format des fiches.",
               lambda row: cat.SCHEMA_VERSION, INTEGER),
        _fixed("licence", "Licence", "Licence des données.", lambda row: LICENCE),
    ]
    return tuple(head + body + tail)


def _child_table(name: str, title: str, description: str, field_key: str) -> Table:
    f = cat.FIELDS_BY_KEY[field_key]
    columns = field_columns(f.children, key_prefix=f"{field_key}.")
    for c in f.children:  # the source keys stay: they join with the sources sheet
        if c.type == cat.CITE:
            columns.append(Column(f"{field_key}.{c.key}", "Source (clé)", "Clé de la source "
                                  "de la fiche qui établit ce fait (feuille Sources).",
                                  value=_getter(c.key, c, f"{field_key}.{c.key}")))
    return Table(name, title, description, (*_RECORD, *columns))


def _criteria_table() -> Table:
    etat = cat.field_at("transparence.etat")
    assert etat is not None
    columns = (
        *_RECORD,
        _fixed("critere", "Critère", "Élément de transparence.", lambda row: row["_critere"].label),
        _fixed("critere_id", "Identifiant du critère", "Clé du critère dans les fiches.",
               lambda row: row["_critere"].key),
        _fixed("fondement", "Fondement", "Texte qui prévoit la publication, s'il en existe un.",
               lambda row: row["_critere"].article or None),
        _fixed("concerne", "Concerne la fiche", "oui si le critère compte dans les « fiches "
               "concernées » de cet algorithme (voir la méthode de la couverture).",
               lambda row: YES if row["_applies"] else NO),
        Column("etat", "État", "État de publication.", STRING,
               _choices(etat, "transparence.etat"), True,
               lambda row: cat.choice_label("transparence.etat", row.get("etat", "inconnu"))),
        *[Column(c.key, c.label, c.help, value=_getter(c.key, c, f"transparence.{c.key}"))
          for c in cat.FIELDS_BY_KEY["transparence"].children if c.key != "etat"],
    )
    return Table("transparence", "Transparence", "Une ligne par fiche et par critère de "
                 "transparence : son état, sa preuve, sa date.", columns)


def _administration_table() -> Table:
    columns = (
        _fixed("id", "Identifiant de l'administration", "Identifiant stable (nom du fichier).",
               lambda row: row["_id"], required=True),
        *field_columns(cat.ADMINISTRATION_FIELDS, skip=("schema", "sources", "redacteurs")),
        _fixed("algorithmes", "Algorithmes recensés", "Nombre de fiches d'algorithmes de "
               "cette administration.", lambda row: row["_count"], INTEGER),
    )
    return Table("administrations", "Administrations", "Une ligne par administration : "
                 "identification, contacts (PRADA, délégué à la protection des données, "
                 "médiateur).", columns)


ALGORITHMS = Table("algorithmes", "Algorithmes", "Une ligne par fiche : toutes ses rubriques, "
                   "en clair.", _algorithm_columns())
CRITERIA = _criteria_table()
SOURCES = _child_table("sources", "Sources", "Une ligne par source de chaque fiche.", "sources")
BUDGETS = _child_table("budgets", "Budgets", "Une ligne par montant connu de chaque fiche.",
                       "budget")
REQUESTS = _child_table("demandes", "Demandes", "Une ligne par demande d'accès aux documents "
                        "(CADA) consignée dans une fiche.", "demandes")
ADMINISTRATIONS = _administration_table()
TABLES: tuple[Table, ...] = (ALGORITHMS, CRITERIA, SOURCES, BUDGETS, REQUESTS, ADMINISTRATIONS)


def _cells(table: Table, item: dict) -> dict[str, object]:
    return {c.key: c.value(item) if c.value else None for c in table.columns}


def _base(record: Record, site_url: str) -> dict:
    return {"_id": record.id, "_nom": record.meta.get("nom", record.id),
            "_url": record_url(site_url, record.id), "_admin": record.admin,
            "_body": record.body}


def algorithm_rows(record: Record, site_url: str) -> list[dict[str, object]]:
    return [_cells(ALGORITHMS, {**record.meta, **_base(record, site_url)})]


def criteria_rows(record: Record, site_url: str) -> list[dict[str, object]]:
    states = record.meta.get("transparence") or {}
    return [_cells(CRITERIA, {**(states.get(c.key) or {}), **_base(record, site_url),
                              "_critere": c, "_applies": applies(record, c)})
            for c in cat.CRITERIA]


def _items(table: Table, key: str) -> Callable[[Record, str], list[dict[str, object]]]:
    def rows(record: Record, site_url: str) -> list[dict[str, object]]:
        return [_cells(table, {**item, **_base(record, site_url)})
                for item in record.meta.get(key) or [] if isinstance(item, dict)]
    return rows


ROWS: dict[str, Callable[[Record, str], list[dict[str, object]]]] = {
    "algorithmes": algorithm_rows, "transparence": criteria_rows,
    "sources": _items(SOURCES, "sources"), "budgets": _items(BUDGETS, "budget"),
    "demandes": _items(REQUESTS, "demandes"),
}


def administration_rows(admin: Record, count: int) -> list[dict[str, object]]:
    return [_cells(ADMINISTRATIONS, {**admin.meta, "_id": admin.id, "_count": count})]


def spreadsheet_cell(value: object) -> str:
    """A cell of the « tableur » CSV: decimal comma, nothing for an empty value."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return str(value)
