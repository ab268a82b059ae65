"""Changes of a record told in French, from the field-level diff.

« Budget : ajout de 34 500 000 € pour 2014-2022, coût total annoncé (source : Cour des
comptes…) », « Statut : « En expérimentation » devient « Déployé » ». The words come from
the catalogue (labels, labels of the allowed values, types); the sources cited by a changed
value are named by their title. Used by the proposal preview, the maintainers' review, the
commit message of an accepted contribution, the public history and the feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.records import catalogue as cat
from registry.records.diff import FieldChange, RecordDiff, cut
from registry.text import french_date, french_number

MAX_VALUE = 160
# the values that name a list item, in order of preference
_NAMING = ("montant_eur", "nom", "titre", "organe", "auteur", "objet", "type", "url")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class Sentence:
    """One change in words: what it is about, and what happened to it."""

    label: str
    text: str
    kind: str  # ajout, suppression, modification

    def __str__(self) -> str:
        return f"{self.label} : {self.text}"


def _parts(path: str) -> list[str | int]:
    return [int(n) if n else name for name, n in _PATH_PART.findall(path)]


def field_of(parts: list[str | int]) -> tuple[str, cat.Field | None]:
    """(catalogue path, field) of a diff path: indices and ETAT_MAP keys skipped."""
    fields: tuple[cat.Field, ...] = cat.FIELDS
    found: cat.Field | None = None
    names: list[str] = []
    skip = False
    for part in parts:
        if isinstance(part, int):
            continue
        if skip:
            skip = False
            continue
        found = next((f for f in fields if f.key == part), None)
        if found is None:
            return ".".join(names + [part]), None
        names.append(part)
        fields, skip = found.children, found.type == cat.ETAT_MAP
    return ".".join(names), found


def _sources(meta: dict | None) -> dict[str, str]:
    out = {}
    for s in (meta or {}).get("sources") or []:
        if isinstance(s, dict) and s.get("cle"):
            out[str(s["cle"])] = str(s.get("titre") or s.get("url") or s["cle"])
    return out


def value_text(value: object, path: str, f: cat.Field | None,
               sources: dict[str, str] | None = None) -> str:
    """A value in words, as its field says: labels of allowed values, amounts in euros,
    French dates, yes or no, titles of the sources a key names."""
    sources = sources or {}
    if value is None:
        return "rien"
    if isinstance(value, bool):
        return "oui" if value else "non"
    kind = f.type if f else ""
    if isinstance(value, dict):
        return _item(value, path, f, sources)
    if isinstance(value, list):
        return ", ".join(value_text(v, path, f, sources) for v in value) or "rien"
    if kind in (cat.ENUM,) or path in cat.CHOICE_LABELS:
        return f"« {cat.choice_label(path, value)} »"
    if kind == cat.NUMBER and isinstance(value, int | float):
        return f"{french_number(value)} €" if path.endswith("_eur") else french_number(value)
    if kind == cat.DATE:
        return french_date(str(value))
    if kind in (cat.CITE, cat.KEY):
        return f"« {cut(sources.get(str(value), str(value)), MAX_VALUE)} »"
    if kind in (cat.URL, cat.EMAIL, cat.EMAIL_OR_URL):
        return str(value)
    return f"« {cut(' '.join(str(value).split()), MAX_VALUE)} »"


def _item(value: dict, path: str, f: cat.Field | None, sources: dict[str, str]) -> str:
    """A list item or an object in words: what names it, then its other values."""
    children = {c.key: c for c in (f.children if f else ())}
    name_key = next((k for k in _NAMING if value.get(k) not in (None, "")), None)
    parts = []
    for key, item in value.items():
        if key in (name_key, "source", "cle") or item in (None, "", [], {}):
            continue
        parts.append(value_text(item, f"{path}.{key}", children.get(key), sources))
    head = value_text(value[name_key], f"{path}.{name_key}", children.get(name_key),
                      sources) if name_key else ""
    if name_key == "montant_eur" and parts:
        text = f"{head} pour " + ", ".join(p.strip("« »") for p in parts[:2])
    else:
        text = head + (f" ({', '.join(parts[:3])})" if parts and head else ", ".join(parts[:3]))
    if value.get("source"):
        keys = value["source"] if isinstance(value["source"], list) else [value["source"]]
        titles = "; ".join(cut(sources.get(str(k), str(k)), 80) for k in keys)
        text += f" (source : {titles})"
    return text or "une entrée vide"


def _label(change: FieldChange, whole_item: bool) -> str:
    if whole_item:  # « Budget » rather than « Budget n° 3 » for a whole item added
        return re.sub(r" n° \d+$", "", change.label)
    return change.label


def sentence(change: FieldChange, old_meta: dict | None = None,
             new_meta: dict | None = None) -> Sentence:
    parts = _parts(change.path)
    path, f = field_of(parts)
    whole_item = bool(parts) and isinstance(parts[-1], int)
    old_sources, new_sources = _sources(old_meta), _sources(new_meta)
    label = _label(change, whole_item)
    if change.kind == "ajout":
        return Sentence(label, "ajout de " + value_text(change.new, path, f, new_sources),
                        "ajout")
    if change.kind == "suppression":
        return Sentence(label, "suppression de " + value_text(change.old, path, f,
                                                              old_sources), "suppression")
    if isinstance(change.old, list) and isinstance(change.new, list):
        added = [v for v in change.new if v not in change.old]
        gone = [v for v in change.old if v not in change.new]
        bits = ([f"ajout de {value_text(added, path, f, new_sources)}"] if added else []) + \
            ([f"retrait de {value_text(gone, path, f, old_sources)}"] if gone else [])
        return Sentence(label, " ; ".join(bits) or "nouvel ordre", "modification")
    old = value_text(change.old, path, f, old_sources)
    new = value_text(change.new, path, f, new_sources)
    return Sentence(label, f"{old} devient {new}", "modification")


def sentences(changes: list[FieldChange], old_meta: dict | None = None,
              new_meta: dict | None = None) -> list[Sentence]:
    return [sentence(c, old_meta, new_meta) for c in changes]


def body_sentence(lines: list[str]) -> str:
    """« Texte de la fiche : 3 lignes ajoutées, 1 retirée » from a unified body diff."""
    added = sum(1 for x in lines if x.startswith("+"))
    removed = sum(1 for x in lines if x.startswith("-"))
    bits = []
    if added:
        bits.append(f"{added} ligne{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''}")
    if removed:
        bits.append(f"{removed} ligne{'s' if removed > 1 else ''} "
                    f"retirée{'s' if removed > 1 else ''}")
    return "Texte de la fiche : " + (", ".join(bits) or "modifié")


def summary_lines(diff: RecordDiff, old_meta: dict | None = None,
                  new_meta: dict | None = None) -> list[str]:
    """Every change of a record version in words (the body last)."""
    if diff.status == "ajoutée":
        return ["Création de la fiche."]
    if diff.status == "supprimée":
        return ["Suppression de la fiche."]
    lines = [str(s) for s in sentences(diff.changes, old_meta, new_meta)]
    if diff.body:
        lines.append(body_sentence(diff.body))
    return lines or ["Mise en forme du fichier, sans changement de contenu."]


def _topic(change: FieldChange) -> str:
    """What a change is about, for a title: the field, or the criterion of a state map."""
    parts = re.sub(r" n° \d+", "", change.label).split(" › ")
    top = cat.field_at(_parts(change.path)[0]) if _parts(change.path) else None
    deep = top is not None and (top.type == cat.ETAT_MAP or top.key == "ai_act")
    return " › ".join(parts[:2] if deep else parts[:1])


def headline(diff: RecordDiff, limit: int = 3) -> str:
    """A short title: « Mise à jour : Statut, Budget et Transparence › Budget › État »."""
    if diff.status == "ajoutée":
        return "Création de la fiche"
    if diff.status == "supprimée":
        return "Suppression de la fiche"
    labels = list(dict.fromkeys(_topic(c) for c in diff.changes))
    if diff.body:
        labels.append("Texte de la fiche")
    if not labels:
        return "Mise en forme du fichier"
    shown = labels[:limit]
    more = len(labels) - limit
    if more > 0:
        text = ", ".join(shown) + f" et {more} autre{'s' if more > 1 else ''}"
    elif len(shown) > 1:
        text = ", ".join(shown[:-1]) + " et " + shown[-1]
    else:
        text = shown[0]
    return f"Mise à jour : {text}"
