"""Minimal edits of a record file: change only the lines of the values that changed.

Accepting a contribution must not rewrite the whole file (every value re-quoted, key order
and flow mappings lost): the reviewer of the commit must see the lines that changed and
nothing else. The original front matter is composed with PyYAML, whose nodes carry the
exact position of every key and value; each changed value is replaced in place (in the
style of the value it replaces), a removed key loses its lines, an added key is inserted
beside its neighbours in catalogue order, and list items are aligned so that an inserted
source does not rewrite the later ones. The patched file is then read back by the
validator: if it does not say exactly what was asked, the canonical rewrite is used
instead, so a patch is never wrong, only sometimes less small.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from registry.records import catalogue as cat
from registry.records.validate import check_text
from registry.records.writer import record_text
from registry.records.yamlstyle import (
    EMPTY,
    Unpatchable,
    block,
    flow,
    is_scalar,
    literal,
    same,
    scalar,
    sequence,
)

# libyaml when available: its marks count characters, as the pure-Python parser's do
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Patched:
    text: str
    minimal: bool  # False: the canonical rewrite (the file could not be patched in place)


def _identity(item: object) -> str:
    if isinstance(item, dict) and item:
        return str(item.get("cle") or item.get("url") or next(iter(item.values())))
    return repr(item)


# --- the patcher --------------------------------------------------------------------------

class _Patcher:
    def __init__(self, src: str) -> None:
        self.src = src
        self.edits: list[tuple[int, int, str]] = []

    def edit(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, text))

    def result(self) -> str:
        out, pos = [], 0
        for start, end, text in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < pos:
                raise Unpatchable("modifications qui se chevauchent")
            out += [self.src[pos:start], text]
            pos = end
        return "".join(out) + self.src[pos:]

    # positions
    def line_start(self, index: int) -> int:
        return self.src.rfind("\n", 0, index) + 1

    def content_end(self, node: yaml.Node) -> int:
        """Just after the newline that ends the last line holding the node's content."""
        end = node.end_mark.index
        while end > node.start_mark.index and self.src[end - 1] in " \n":
            end -= 1
        newline = self.src.find("\n", end)
        return len(self.src) if newline < 0 else newline + 1

    def after_colon(self, key: yaml.Node, value: yaml.Node) -> int:
        """The position just after « key: » (before the spaces and the value)."""
        pos = self.src.find(":", key.end_mark.index, value.start_mark.index)
        if pos < 0:
            raise Unpatchable("clé sans deux-points")
        return pos + 1

    # walking
    def value(self, node: yaml.Node, old: object, new: object, path: str,
              key: yaml.Node | None, flow_ctx: bool) -> None:
        if same(old, new):
            return
        if isinstance(node, yaml.MappingNode) and isinstance(old, dict) \
                and isinstance(new, dict):
            self.mapping(node, old, new, path)
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style \
                and isinstance(old, list) and isinstance(new, list) \
                and all(isinstance(i, dict) for i in old + new):
            self.items(node, old, new, path)
        else:
            self.replace(node, new, key, flow_ctx)

    def replace(self, node: yaml.Node, new: object, key: yaml.Node | None,
                flow_ctx: bool) -> None:
        if flow_ctx:
            style = node.style if isinstance(node, yaml.ScalarNode) else None
            text = scalar(new, "" if style in (None, "") else style) if is_scalar(new) \
                else flow(new)
            self.edit(node.start_mark.index, node.end_mark.index, text)
            return
        indent = key.start_mark.column + 2 if key is not None else 0
        is_block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        inline_old = isinstance(node, yaml.ScalarNode) and not is_block or \
            getattr(node, "flow_style", False)
        start = node.start_mark.index
        end = self.content_end(node) - 1 if not inline_old else node.end_mark.index
        if key is not None:
            start = self.after_colon(key, node)
        if isinstance(new, str) and "\n" in new.strip("\n"):
            text = " " + literal(new, indent).rstrip("\n")
        elif is_scalar(new):
            style = node.style if isinstance(node, yaml.ScalarNode) and not is_block else None
            text = " " + scalar(new, "" if style in (None, "") else style)
        elif isinstance(node, yaml.CollectionNode) and node.flow_style or \
                isinstance(new, list) and all(is_scalar(i) for i in new):
            text = " " + flow(new)
        elif isinstance(new, dict):
            text = "\n" + block(new, indent).rstrip("\n")
        else:
            text = "\n" + sequence(new, indent).rstrip("\n")
        if key is None:
            text = text.lstrip(" \n")
        self.edit(start, end, text)

    def mapping(self, node: yaml.MappingNode, old: dict, new: dict, path: str) -> None:
        pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
        present = {k.value: i for i, (k, _v) in enumerate(pairs)}
        flow_ctx = bool(node.flow_style)
        for name, i in present.items():
            k, v = pairs[i]
            child = f"{path}.{name}" if path else name
            if new.get(name) in EMPTY:
                if old.get(name) not in EMPTY:
                    self.delete_pair(pairs, i, flow_ctx)
            else:
                self.value(v, old.get(name), new[name], child, k, flow_ctx)
        order = _order(path)
        for name in new:
            if name in present or new[name] in EMPTY:
                continue
            self.insert_pair(pairs, name, new[name], order, flow_ctx)

    def delete_pair(self, pairs: list, i: int, flow_ctx: bool) -> None:
        k, v = pairs[i]
        if not flow_ctx:
            self.edit(self.line_start(k.start_mark.index), self.content_end(v), "")
        elif i > 0:
            self.edit(pairs[i - 1][1].end_mark.index, v.end_mark.index, "")
        elif len(pairs) > 1:
            self.edit(k.start_mark.index, pairs[1][0].start_mark.index, "")
        else:
            raise Unpatchable("mapping vidé")

    def insert_pair(self, pairs: list, name: str, value: object, order: list[str],
                    flow_ctx: bool) -> None:
        if not pairs:
            raise Unpatchable("mapping vide")
        rank = {k: n for n, k in enumerate(order)}
        mine = rank.get(name, len(rank))
        before = [i for i, (k, _v) in enumerate(pairs) if rank.get(k.value, len(rank)) <= mine]
        if flow_ctx:
            if before:
                at = pairs[before[-1]][1].end_mark.index
                self.edit(at, at, f", {name}: {flow(value)}")
            else:
                at = pairs[0][0].start_mark.index
                self.edit(at, at, f"{name}: {flow(value)}, ")
            return
        indent = pairs[0][0].start_mark.column
        flow_maps = any(isinstance(v, yaml.MappingNode) and v.flow_style for _k, v in pairs)
        text = block({name: value}, indent, flow_maps)
        if before:
            at = self.content_end(pairs[before[-1]][1])
        else:
            at = self.line_start(pairs[0][0].start_mark.index)
        self.edit(at, at, text)

    def items(self, node: yaml.SequenceNode, old: list, new: list, path: str) -> None:
        nodes = node.value
        if len(nodes) != len(old) or not nodes:
            raise Unpatchable("liste illisible")
        dash = self.dash_column(nodes[0])
        matcher = difflib.SequenceMatcher(a=[_identity(i) for i in old],
                                          b=[_identity(i) for i in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = i2 - i1 if tag == "equal" else min(i2 - i1, j2 - j1) if tag == "replace" \
                else 0
            for n in range(pairs):
                self.value(nodes[i1 + n], old[i1 + n], new[j1 + n], path, None, False)
            for i in range(i1 + pairs, i2):
                self.edit(self.line_start(nodes[i].start_mark.index),
                          self.content_end(nodes[i]), "")
            if j1 + pairs < j2:
                added = sequence(new[j1 + pairs:j2], dash)
                if i1 + pairs > 0:
                    at = self.content_end(nodes[i1 + pairs - 1])
                else:
                    at = self.line_start(nodes[0].start_mark.index)
                self.edit(at, at, added)

    def dash_column(self, item: yaml.Node) -> int:
        start = self.line_start(item.start_mark.index)
        dash = self.src.find("-", start, item.start_mark.index)
        if dash < 0:
            raise Unpatchable("élément de liste sans tiret")
        return dash - start


def _field(path: str) -> cat.Field | None:
    """The catalogue field of a path whose parts may include a key of an ETAT_MAP."""
    fields: tuple[cat.Field, ...] = cat.FIELDS
    found: cat.Field | None = None
    entry = False  # the previous part was an ETAT_MAP: this part is one of its keys
    for part in path.split("."):
        if entry:
            entry = False
            found = cat.Field(part, cat.OBJECT, part, "", children=fields)
            continue
        found = next((f for f in fields if f.key == part), None)
        if found is None:
            return None
        fields, entry = found.children, found.type == cat.ETAT_MAP
    return found


def _order(path: str) -> list[str]:
    if not path:
        return [f.key for f in cat.FIELDS]
    f = _field(path)
    if f is None:
        return []
    return list(f.keys) if f.type == cat.ETAT_MAP else [c.key for c in f.children]


# --- entry point --------------------------------------------------------------------------

def _split(text: str) -> tuple[str, str, str, str] | None:
    """(opening line, front matter with its final newline, closing line, body)."""
    if "\r" in text or text.startswith("\ufeff"):
        return None
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            front = "\n".join(lines[1:i]) + "\n"
            return lines[0] + "\n", front, line, "\n".join(lines[i + 1:])
    return None


def _meaning(text: str) -> tuple[dict, str] | None:
    checked = check_text(Path("fiche.md"), text)
    return None if checked.meta is None else (checked.meta, checked.body.strip())


def patch_record(original: str, meta: dict, body: str,
                 kind: str = cat.ALGORITHME) -> Patched:
    """The record file `original` changed to say `meta` and `body`, touching only the lines
    of the values that changed; the canonical rewrite when that is not possible."""
    parts = _split(original)
    if parts is None:
        return Patched(record_text(meta, body, kind), False)
    opening, front, closing, old_body = parts
    new = {k: v for k, v in meta.items() if k != "id"}
    try:
        root = yaml.compose(front, Loader=_LOADER)
        old = yaml.load(front, Loader=_LOADER) if root is not None else None
        if not isinstance(root, yaml.MappingNode) or not isinstance(old, dict):
            raise Unpatchable("en-tête illisible")
        patcher = _Patcher(front)
        patcher.value(root, _texts(old, root), new, "", None, False)
        patched = patcher.result()
    except (Unpatchable, yaml.YAMLError, RecursionError, ValueError):
        return Patched(record_text(meta, body, kind), False)
    if old_body.strip() == body.strip():
        tail = old_body
    else:
        tail = body.strip("\n") + "\n" if body.strip() else ""
    text = opening + patched + closing + "\n" + tail
    read = _meaning(text)
    if read is None or not same({k: v for k, v in read[0].items() if k != "id"}, new) \
            or read[1] != body.strip():
        return Patched(record_text(meta, body, kind), False)
    return Patched(text, True)


def _texts(value: object, node: yaml.Node) -> object:
    """The loaded front matter with YAML's misreadings undone where the record format reads
    text (an unquoted date stays its text, as the validator reads it)."""
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return {k: _texts(v, keys[k]) if k in keys else v for k, v in value.items()}
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list) \
            and len(node.value) == len(value):
        return [_texts(v, n) for v, n in zip(value, node.value, strict=True)]
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
        return node.value
    return value
