"""Write a record file in canonical form: catalogue key order, quoted strings, stable diffs."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from registry.records import catalogue as cat


class _Dumper(yaml.SafeDumper):
    """Quotes every string so YAML 1.1 never misreads it (dates, oui/non, codes)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _dict(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    pairs = [(yaml.ScalarNode("tag:yaml.org,2002:str", str(k)), dumper.represent_data(v))
             for k, v in value.items()]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)


def _ordered(value: object, fields: tuple[cat.Field, ...]) -> object:
    if not isinstance(value, dict):
        return value
    known = {f.key: f for f in fields}
    out: dict = {}
    for f in fields:
        if f.key in value and value[f.key] not in (None, "", [], {}):
            out[f.key] = _child(value[f.key], f)
    for key in value:  # unknown keys are kept at the end (the validator will name them)
        if key not in known:
            out[key] = value[key]
    return out


def _child(value: object, f: cat.Field) -> object:
    if f.type == cat.OBJECT:
        return _ordered(value, f.children)
    if f.type == cat.OBJECT_LIST and isinstance(value, list):
        return [_ordered(v, f.children) for v in value]
    if f.type == cat.ETAT_MAP and isinstance(value, dict):
        order = [k for k in f.keys if k in value] + [k for k in value if k not in f.keys]
        return {k: _ordered(value[k], f.children) for k in order}
    if f.type == cat.CITATIONS and isinstance(value, dict):
        return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
    return value


def canonical_meta(meta: dict, kind: str = cat.ALGORITHME) -> dict:
    """The front matter with keys in catalogue order and empty values dropped."""
    meta = dict(meta)
    meta.pop("id", None)
    return _ordered(meta, cat.FIELDS_OF_KIND[kind])  # type: ignore[return-value]


def record_text(meta: dict, body: str, kind: str = cat.ALGORITHME) -> str:
    front = yaml.dump(canonical_meta(meta, kind), Dumper=_Dumper, allow_unicode=True,
                      sort_keys=False, width=1_000_000, default_flow_style=False)
    body = body.strip("\n")
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def write_text_file(path: Path, text: str) -> None:
    """Write atomically: a reader never sees a half-written record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_record_file(path: Path, meta: dict, body: str, kind: str = cat.ALGORITHME) -> None:
    write_text_file(path, record_text(meta, body, kind))
