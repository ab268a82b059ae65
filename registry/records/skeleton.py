"""A commented skeleton record, generated from the catalogue (``registry new``)."""

from __future__ import annotations

import json

from registry.records import catalogue as cat


def _comment(f: cat.Field, indent: str) -> list[str]:
    text = f"{indent}# {f.label} — {f.help}"
    if f.choices:
        text += f" Valeurs : {' | '.join(f.choices)}."
    if not f.required:
        text += " (facultatif)"
    return [text]


def _example(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(fields: tuple[cat.Field, ...], indent: str) -> list[str]:
    out: list[str] = []
    for f in fields:
        out += _comment(f, indent)
        prefix = "" if f.required else "# "
        if f.type == cat.ETAT_MAP and f.key == "transparence":
            out.append(f"{indent}{f.key}:")
            for c in cat.CRITERIA:
                out.append(f"{indent}  # {c.label} ({c.article or 'bonne pratique'})")
                out.append(f"{indent}  {c.key}: {{etat: inconnu, note: \"Pas encore "
                           "cherché.\"}")
        elif f.type in (cat.ETAT_MAP, cat.CITATIONS):
            out.append(f"{indent}# {f.key}: {_example(f.example or {})}")
        elif f.type == cat.OBJECT:
            out.append(f"{indent}{prefix}{f.key}:")
            out += [(line if f.required else indent + "# " + line[len(indent):])
                    for line in _lines(f.children, indent + "  ")]
        elif f.type == cat.OBJECT_LIST:
            out.append(f"{indent}{prefix}{f.key}:")
            item = _lines(f.children, indent + "    ")
            first = next(i for i, line in enumerate(item) if not line.strip().startswith("#"))
            item[first] = indent + "  - " + item[first][len(indent) + 4:]
            out += [(line if f.required else indent + "# " + line[len(indent):])
                    for line in item]
        elif f.required:
            value = cat.SCHEMA_VERSION if f.key == "schema" else \
                ("source-1" if f.type == cat.KEY else "")
            out.append(f"{indent}{f.key}: {value}".rstrip())
        else:
            out.append(f"{indent}# {f.key}: {_example(f.example)}")
    return out


def skeleton(ident: str) -> str:
    """Text of a new record: required keys empty, optional ones commented with an example."""
    head = [
        f"# Fiche « {ident} ». Remplissez les clés vides, décommentez les clés utiles,",
        "# puis vérifiez avec : registry validate. Format : docs/record-format.md",
    ]
    body = ("\n## Description\n\nCe que fait l'algorithme, son histoire, les controverses, "
            "en prose ; chaque fait renvoie à la clé de sa source, comme ici[^source-1].\n")
    return "---\n" + "\n".join(head + _lines(cat.FIELDS, "")) + "\n---\n" + body
