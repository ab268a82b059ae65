"""A proposal's form data and the record it describes, both ways: a record prefills the
form (`record_formdata`), the submitted form becomes a record's front matter (`form_meta`).

Names follow the record's structure (see registry.web.contribute_forms): ``sources-0-url``
is ``sources[0].url``; booleans are « oui » / « non », lists are comma-separated.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from registry.records import catalogue as cat
from registry.records import citations
from registry.text import parse_amount
from registry.web.contribute_forms import LIST_SEPARATOR, form_fields


def _flat(value: object, f: cat.Field, name: str, out: MultiDict) -> None:
    if value is None:
        return
    if f.type == cat.OBJECT and isinstance(value, dict):
        for c in f.children:
            _flat(value.get(c.key), c, f"{name}-{c.key}", out)
    elif f.type == cat.OBJECT_LIST and isinstance(value, list):
        for i, item in enumerate(value):
            for c in f.children:
                _flat(item.get(c.key) if isinstance(item, dict) else None, c,
                      f"{name}-{i}-{c.key}", out)
    elif f.type == cat.ETAT_MAP and isinstance(value, dict):
        for key, item in value.items():
            for c in f.children:
                _flat(item.get(c.key) if isinstance(item, dict) else None, c,
                      f"{name}-{key}-{c.key}", out)
    elif f.type == cat.BOOL:
        out.add(name, "oui" if value is True else "non" if value is False else str(value))
    elif f.type in (cat.TEXT_LIST, cat.CITE) and isinstance(value, list):
        out.add(name, f"{LIST_SEPARATOR} ".join(str(v) for v in value))
    else:
        out.add(name, str(value))


def record_formdata(meta: dict, body: str, base: str = "") -> MultiDict:
    """Form data that prefills the proposal form with a record."""
    out: MultiDict = MultiDict()
    for f in form_fields():
        _flat(meta.get(f.key), f, f.key, out)
    out.add("corps", body)
    out.add("base", base)
    return out


def _number(text: str) -> object:
    try:
        return parse_amount(text)
    except ValueError:
        return text  # RecordForm refused it already; the validator names it too


def _value(data: object, f: cat.Field) -> object:
    """Form data of one field -> record value; None when empty."""
    if f.type == cat.OBJECT:
        values = {c.key: _value((data or {}).get(c.key), c) for c in f.children}
        values = {k: v for k, v in values.items() if v is not None}
        return values or None
    if f.type == cat.OBJECT_LIST:
        items = [_value(item, cat.Field(f.key, cat.OBJECT, f.label, "", children=f.children))
                 for item in data or []]
        return [i for i in items if i] or None
    if f.type == cat.ETAT_MAP:
        item_field = cat.Field(f.key, cat.OBJECT, f.label, "", children=f.children)
        items = {k: _value((data or {}).get(k), item_field) for k in f.keys}
        return {k: v for k, v in items.items() if v} or None
    text = str(data or "").replace("\r\n", "\n").strip()
    if not text:
        return None
    if f.type == cat.BOOL:
        return {"oui": True, "non": False}.get(text, text)
    if f.type == cat.NUMBER:
        return _number(text)
    if f.type == cat.TEXT_LIST:
        return [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()] or None
    if f.type == cat.CITE:
        keys = [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()]
        return keys[0] if len(keys) == 1 else keys or None
    return text


def form_meta(form: FlaskForm, keep: dict | None = None, body: str = "",
              today: str = "") -> dict:
    """The front matter described by a proposal form. Keys the form does not show (record
    follow-up, access-request log, the fields a correction did not open, the criteria it
    did not open) are kept from `keep`, the record being corrected.

    A source given without a key gets one (``source-1``…) and, without a consultation date,
    the day of the proposal; the sources that nothing in the proposal cites back its summary
    (`citations.resume`): the person gave them as the evidence of what they propose."""
    meta: dict = {"schema": cat.SCHEMA_VERSION}
    shown = {f.key for f in form_fields() if f.key in form._fields}
    for key, value in (keep or {}).items():
        if key not in shown and key != "schema":
            meta[key] = value
    for f in form_fields():
        if f.key not in shown:
            continue
        value = _value(form[f.key].data, f)
        if f.type == cat.ETAT_MAP:  # only the criteria shown are replaced
            opened = set(form[f.key].form._fields)
            kept = {k: v for k, v in ((keep or {}).get(f.key) or {}).items()
                    if k not in opened}
            value = {k: v for k, v in {**kept, **(value or {})}.items()
                     if k in set(f.keys) | set(kept)}
            order = [k for k in f.keys if k in value] + [k for k in value if k not in f.keys]
            value = {k: value[k] for k in order} or None
        if value is not None:
            meta[f.key] = value
    sources = [s for s in meta.get("sources") or [] if isinstance(s, dict)]
    taken = {s.get("cle") for s in sources}
    for i, source in enumerate(sources, 1):
        if not source.get("cle"):
            key, n = f"source-{i}", i
            while key in taken:
                n += 1
                key = f"source-{n}"
            source["cle"] = key
            taken.add(key)
        if today and not source.get("consulte_le"):
            source["consulte_le"] = today
    uncited = [k for k in citations.source_keys(meta) if k not in citations.cited(meta, body)]
    if uncited:
        mapping = dict(meta.get("citations") or {})
        mapping["resume"] = list(dict.fromkeys([*citations.as_keys(mapping.get("resume")),
                                                *uncited]))
        meta["citations"] = mapping
    return meta
