"""YAML written in the style of the record files, for the minimal edits of
registry.records.patch: inline scalars that keep the quoting of the value they replace,
flow lists and mappings, block mappings and sequences, literal blocks; and ``same``, the
equality of two values for a record (empty means absent)."""

from __future__ import annotations

import re

import yaml

_PLAIN = re.compile(r"[a-z0-9][a-z0-9_-]*")
EMPTY = (None, "", [], {})


class Unpatchable(Exception):
    """The change cannot be made in place (the canonical rewrite is used)."""


def quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\x7f\ufeff":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def plain_ok(text: str) -> bool:
    """A string that YAML reads back as the same string when written without quotes."""
    if not _PLAIN.fullmatch(text):
        return False
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def scalar(value: object, style: str | None = None) -> str:
    """One inline scalar: a string keeps the quoting of the value it replaces."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if style is None and plain_ok(text):
        return text
    if style == "" and plain_ok(text):
        return text
    return quoted(text)


def is_scalar(value: object) -> bool:
    return not isinstance(value, dict | list)


def flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()
                               if v not in EMPTY) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def literal(text: str, indent: int) -> str:
    if text[:1] in (" ", "\n") or "\r" in text:
        raise Unpatchable("texte à indentation initiale")
    lines = text.rstrip("\n").split("\n")
    return "|\n" + "".join((" " * indent + line if line else "") + "\n" for line in lines)


def block(value: dict, indent: int, flow_maps: bool = False) -> str:
    """A block mapping, every line indented by `indent`, ending with a newline."""
    out = []
    pad = " " * indent
    for key, item in value.items():
        if item in EMPTY:
            continue
        if isinstance(item, str) and "\n" in item.strip("\n"):
            out.append(f"{pad}{key}: {literal(item, indent + 2)}")
        elif is_scalar(item):
            out.append(f"{pad}{key}: {scalar(item)}\n")
        elif isinstance(item, list) and all(is_scalar(i) for i in item):
            out.append(f"{pad}{key}: {flow(item)}\n")
        elif isinstance(item, dict) and flow_maps and all(is_scalar(i) for i in item.values()):
            out.append(f"{pad}{key}: {flow(item)}\n")
        elif isinstance(item, dict):
            child_flow = flow_maps or key in ("transparence", "obligations")
            out.append(f"{pad}{key}:\n{block(item, indent + 2, child_flow)}")
        else:
            out.append(f"{pad}{key}:\n{sequence(item, indent + 2)}")
    return "".join(out)


def sequence(items: list, dash: int) -> str:
    out = []
    for item in items:
        if isinstance(item, dict):
            lines = block(item, dash + 2)
            out.append(" " * dash + "- " + lines[dash + 2:])
        elif isinstance(item, list):
            out.append(" " * dash + "- " + flow(item) + "\n")
        else:
            out.append(" " * dash + "- " + scalar(item) + "\n")
    return "".join(out)


# --- comparing values ----------------------------------------------------------------------

def same(a: object, b: object) -> bool:
    """Equal for a record: empty values are absent, YAML's trailing newline of a block text
    and the type of an unquoted number that means a text (« 2010 ») do not count."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = {k for k, v in a.items() if v not in EMPTY} | \
            {k for k, v in b.items() if v not in EMPTY}
        return all(same(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, list) and len(a) == 1 and isinstance(b, str):
        return same(a[0], b)  # a single source key written as a list
    if isinstance(b, list) and len(b) == 1 and isinstance(a, str):
        return same(a, b[0])
    if a in EMPTY and b in EMPTY:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        if isinstance(a, dict | list) or isinstance(b, dict | list) or a is None or b is None:
            return False
        return str(a).rstrip("\n") == str(b).rstrip("\n")
    return a == b

