"""Split a record file into YAML front matter and Markdown body, keeping lines.

PyYAML is YAML 1.1: ``NO`` becomes ``False``, ``2024-01-02`` a date and
``0123`` an octal number. We compose the node tree ourselves so that every
value keeps its line and its raw text; the validator then decides what the
author meant. Nothing here raises on bad input: problems are returned as
``(line, message)`` pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path_ = tuple  # a path inside the front matter, e.g. ("sources", 0, "url")
Message = tuple[int, str]

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 20_000
MAX_DEPTH = 40
_STR_TAG = "tag:yaml.org,2002:str"
# libyaml's parser when available (about ten times faster); same nodes, same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KNOWN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass
class Parsed:
    """The result of reading a record file."""

    data: object = None
    body: str = ""
    body_line: int = 1
    lines: dict[Path_, int] = field(default_factory=dict)
    # raw text of plain scalars that YAML resolved to something other than a string
    raw: dict[Path_, tuple[str, str]] = field(default_factory=dict)
    problems: list[Message] = field(default_factory=list)
    front_matter_line: int = 1


class _TooBig(Exception):
    pass


def split(text: str) -> tuple[str, str, int, int] | Message:
    """Return (yaml_text, body, yaml_first_line, body_first_line) or a problem."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r").strip() != "---":
        return (1, "pas d'en-tête YAML : le fichier doit commencer par une ligne « --- »")
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r").rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1:])
            return yaml_text, body, 2, i + 2
    return (1, "en-tête YAML non fermé : ajoutez une ligne « --- » après les métadonnées")


def parse(text: str) -> Parsed:
    """Parse a whole record file; never raises."""
    out = Parsed()
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        out.problems.append((1, f"fichier trop volumineux (plus de {MAX_FILE_BYTES} octets)"))
        return out
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        out.problems.append((line, "caractère nul (NUL) interdit dans une fiche"))
        return out
    parts = split(text)
    if len(parts) == 2:
        out.problems.append(parts)  # type: ignore[arg-type]
        return out
    yaml_text, out.body, first, out.body_line = parts  # type: ignore[misc]
    out.front_matter_line = first
    try:
        node = yaml.compose(yaml_text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first + (mark.line if mark else 0)
        out.problems.append((line, f"erreur de syntaxe YAML : {exc.problem or exc}"))
        return out
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        msg = "imbrication trop profonde" if isinstance(exc, RecursionError) else str(exc)
        out.problems.append((first, f"erreur de syntaxe YAML : {msg}"))
        return out
    if node is None:
        out.problems.append((first, "en-tête YAML vide"))
        return out
    try:
        out.data = _Builder(out, first).build(node, (), 0)
    except _TooBig as exc:
        out.data = None
        out.problems.append((first, str(exc)))
    return out


class _Builder:
    def __init__(self, out: Parsed, first_line: int) -> None:
        self.out = out
        self.first = first_line
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def line(self, node: yaml.Node) -> int:
        return self.first + node.start_mark.line

    def build(self, node: yaml.Node, path: Path_, depth: int) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig("en-tête YAML trop volumineux (trop de valeurs ou alias en cascade)")
        if depth > MAX_DEPTH:
            raise _TooBig("en-tête YAML trop profondément imbriqué")
        self.out.lines.setdefault(path, self.line(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(n, path + (i,), depth + 1) for i, n in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.out.problems.append((self.line(key_node), "clé YAML invalide (clé composée)"))
                continue
            key = key_node.value
            if key == "<<":
                self.out.problems.append(
                    (self.line(key_node), "les fusions YAML « << » ne sont pas acceptées"))
                continue
            where = ".".join(str(p) for p in path + (key,))
            if key in result:
                message = f"{where} : clé en double (la seconde écrase la première)"
                self.out.problems.append((self.line(key_node), message))
            self.out.lines[path + (key,)] = self.line(key_node)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> object:
        if node.tag == _STR_TAG:
            return node.value
        if node.tag not in _KNOWN_TAGS:
            self.out.problems.append(
                (self.line(node), f"étiquette YAML « {node.tag} » non autorisée"))
            return node.value
        if node.tag.endswith(":timestamp"):
            return node.value  # dates stay text: the validator checks their form
        try:
            value = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return node.value
        if not node.style:  # plain scalar (None from PyYAML, "" from libyaml)
            self.out.raw[path] = (node.value, node.tag.rsplit(":", 1)[-1])
        return value
