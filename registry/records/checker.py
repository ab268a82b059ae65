"""Walks a parsed front matter along the catalogue: one check per field type.

Every check returns the value the author meant (raw text for YAML 1.1 misreadings) and
reports problems as ``(line, message)``; nothing here raises on bad input.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from registry.records import catalogue as cat
from registry.records.frontmatter import Parsed, Path_

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[a-zA-Z]{2,}$")
DELAI_RE = re.compile(r"^(?:aucun|[1-9]\d{0,3} (?:jour|jours|mois|an|ans))$")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# C0 control characters and DEL (tab, line feed and carriage return are allowed in text)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MISREAD = {"bool": "un booléen (oui/non de YAML 1.1)", "int": "un nombre", "float": "un nombre",
            "null": "une valeur vide"}


@dataclass
class Problem:
    line: int
    message: str
    warning: bool = False


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        name = str(part) if str(part).strip() else f"« {part} »"  # an empty or blank key
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
    return out


def suggest(word: str, choices: Iterable[str]) -> str:
    """A « did you mean » hint: the closest choice, or one that starts with the word."""
    word, choices = str(word).lower(), list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    close = close or [c for c in choices if len(word) >= 3 and c.startswith(word)][:1]
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def valid_date(text: str) -> bool:
    m = DATE_RE.match(text)
    if not m:
        return False
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return False
    if day and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return False
    return True


def valid_url(text: str) -> bool:
    if any(c.isspace() for c in text) or CONTROL_RE.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "." in parts.netloc


def control_character(text: str) -> str | None:
    """A French description of the first forbidden control character, or None."""
    match = CONTROL_RE.search(text)
    return f"caractère de contrôle U+{ord(match.group()):04X} interdit" if match else None


def _kind(value: object) -> str:
    return {dict: "une liste de clés", list: "une liste", str: "du texte", bool: "un booléen",
            type(None): "une valeur vide"}.get(type(value), "un nombre")


class Checker:
    """Checks one front matter; `problems` collects what it finds."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.problems: list[Problem] = []

    def line(self, path: Path_) -> int:
        while path not in self.parsed.lines and path:
            path = path[:-1]
        return self.parsed.lines.get(path, self.parsed.front_matter_line)

    def error(self, path: Path_, message: str, warning: bool = False) -> None:
        where = dotted(path)
        self.problems.append(Problem(self.line(path), f"{where} : {message}" if where else message,
                                     warning))

    def text_value(self, value: object, path: Path_) -> object:
        """Return the raw text when YAML resolved a plain scalar to a non-string."""
        if isinstance(value, str) or path not in self.parsed.raw:
            return value
        raw, kind = self.parsed.raw[path]
        if kind in ("bool", "null") or (kind == "int" and raw.lstrip("+-").startswith("0")
                                        and raw not in ("0",)):
            self.error(path, f"« {raw} » a été lu par YAML comme {_MISREAD.get(kind, kind)} ; "
                       f"il est compris comme le texte « {raw} » (mettez-le entre guillemets)",
                       warning=True)
        return raw

    def mapping(self, data: object, fields: tuple[cat.Field, ...], path: Path_) -> dict | None:
        if not isinstance(data, dict):
            self.error(path, f"une liste de clés est attendue, pas {_kind(data)}")
            return None
        known = {f.key: f for f in fields}
        out: dict = {}
        for key, value in data.items():
            if key not in known:
                self.error(path + (key,), "clé inconnue" + suggest(key, known))
                continue
            if value is None or (value in ([], {}) and not known[key].required):
                continue  # an empty optional key is absent; a required one is reported below
            out[key] = self.value(value, known[key], path + (key,))
        for f in fields:
            if f.required and data.get(f.key) is None:
                where = path + (f.key,) if f.key in data else path
                what = ("est vide" if f.key in data else "manque")
                self.problems.append(Problem(self.line(where), f"{dotted(path + (f.key,))} : "
                                             f"« {f.label} » {what} ; {f.help}"))
        return out

    def value(self, value: object, f: cat.Field, path: Path_) -> object:
        return getattr(self, "check_" + f.type)(value, f, path)

    def check_text(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str):
            self.error(path, f"du texte est attendu, pas {_kind(value)}")
            return value
        if "\n" in value:  # a YAML block ends with a newline that is not part of the text
            value = value.rstrip("\n")
        if not value.strip():
            self.error(path, "texte vide")
        if control := control_character(value):
            self.error(path, f"{control} : retirez-le du texte")
        if f.max_length and len(value) > f.max_length:
            self.error(path, f"texte trop long ({len(value)} caractères, {f.max_length} au plus)")
        if f.max_words and len(value.split()) > f.max_words:
            self.error(path, f"citation trop longue ({len(value.split())} mots, {f.max_words} au "
                       "plus) : gardez le passage qui établit le fait")
        return value

    def check_enum(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if value not in f.choices:
            allowed = ", ".join(f.choices)
            self.error(path, f"« {value} » n'est pas une valeur autorisée (valeurs possibles : "
                       f"{allowed}){suggest(str(value), f.choices)}")
        return value

    def check_date(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not valid_date(value):
            self.error(path, f"date « {value} » invalide : écrivez AAAA, AAAA-MM ou AAAA-MM-JJ")
        return value

    def check_url(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not valid_url(value):
            self.error(path, f"adresse « {value} » invalide : une URL http:// ou https:// "
                       "complète est attendue")
        return value

    def check_siren(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        text = str(value).replace(" ", "")
        if not re.fullmatch(r"\d{9}", text):
            self.error(path, f"SIREN « {value} » invalide : 9 chiffres attendus")
        elif not luhn_ok(text):
            self.error(path, f"SIREN « {value} » invalide : la clé de contrôle (Luhn) est fausse")
        return text if re.fullmatch(r"\d{9}", text) else value

    def check_email(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not EMAIL_RE.match(value):
            self.error(path, f"« {value} » n'est pas une adresse électronique")
        return value

    def check_email_or_url(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not (EMAIL_RE.match(value) or valid_url(value)):
            self.error(path, f"« {value} » n'est ni une adresse électronique ni une URL http(s)")
        return value

    def check_bool(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, bool):
            self.error(path, f"true ou false attendu, pas « {value} »")
        return value

    def check_int(self, value: object, f: cat.Field, path: Path_) -> object:
        if f.key == "schema" and value != cat.SCHEMA_VERSION:
            hint = " : lancez « registry migrate » pour convertir la fiche" \
                if value in (1, "1") else ""
            self.error(path, f"version de schéma « {value} » inconnue : "
                       f"{cat.SCHEMA_VERSION} attendu{hint}")
        return value

    def check_number(self, value: object, f: cat.Field, path: Path_) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or value < 0:
            self.error(path, f"un montant positif et fini est attendu (nombre sans espace ni €), "
                       f"pas « {self.parsed.raw.get(path, (value,))[0]} »")
        return value

    def check_text_list(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, list):
            self.error(path, f"une liste est attendue, pas {_kind(value)}")
            return value
        return [self.check_text(v, f, path + (i,)) for i, v in enumerate(value)]

    def check_object(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, dict):
            self.error(path, f"une liste de clés est attendue, pas {_kind(value)}")
            return value
        return self.mapping(value, f.children, path)

    def check_object_list(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, list):
            self.error(path, f"une liste (lignes commençant par « - ») est attendue, "
                       f"pas {_kind(value)}")
            return value
        if len(value) < f.min_items:
            self.error(path, f"au moins {f.min_items} élément(s) attendu(s)")
        return [self.check_object(v, f, path + (i,)) for i, v in enumerate(value)]

    def check_etat_map(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, dict):
            self.error(path, f"une liste de critères est attendue, pas {_kind(value)}")
            return value
        out = {}
        for key, item in value.items():
            if key not in f.keys:
                self.error(path + (key,), "critère inconnu" + suggest(key, f.keys))
                continue
            if item is None:
                continue
            checked = self.check_object(item, f, path + (key,))
            if isinstance(checked, dict):
                etat = checked.get("etat")
                if etat in cat.ETATS_WITH_URL and not checked.get("url"):
                    self.error(path + (key, "etat"), f"l'état « {etat} » exige une url (la "
                               "preuve de la publication)")
                if etat in cat.ETATS_NEEDING_NOTE and not checked.get("note") \
                        and not checked.get("source"):
                    self.error(path + (key, "etat"), f"l'état « {etat} » demande une note qui dit "
                               "où l'on a cherché, ou une source", warning=True)
            out[key] = checked
        return out

    def check_key(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not KEY_RE.match(value) or len(value) > cat.KEY_MAX:
            self.error(path, f"clé « {value} » invalide : minuscules ascii, chiffres et tirets, "
                       f"{cat.KEY_MAX} caractères au plus (ex. ccomptes-2026-ft)")
        return value

    def check_cite(self, value: object, f: cat.Field, path: Path_) -> object:
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(v, str) for v in items):
            self.error(path, "une clé de source ou une liste de clés est attendue")
            return value
        return items[0] if len(items) == 1 else items  # one key is written as a key

    def check_citations(self, value: object, f: cat.Field, path: Path_) -> object:
        if not isinstance(value, dict):
            self.error(path, f"une liste « champ : [clés] » est attendue, pas {_kind(value)}")
            return value
        citable = cat.CITABLE_OF_KIND[self.kind]
        for key, cited in value.items():
            if key not in citable:
                self.error(path + (key,), "ce champ ne se cite pas ici (champs possibles : "
                           f"{', '.join(citable)}){suggest(key, citable)}")
                continue
            self.check_cite(cited, f, path + (key,))
        return {k: v if isinstance(v, list) else [v] for k, v in value.items() if k in citable}

    def check_ref(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not KEY_RE.match(value):
            what = "d'administration" if f.ref == cat.ADMINISTRATION else "de fiche"
            self.error(path, f"identifiant {what} « {value} » invalide : le nom d'un fichier, "
                       "sans .md (minuscules, chiffres, tirets)")
        return value

    def check_delai(self, value: object, f: cat.Field, path: Path_) -> object:
        value = self.text_value(value, path)
        if not isinstance(value, str) or not DELAI_RE.match(value):
            self.error(path, f"délai « {value} » invalide : écrivez « 2 mois », « 30 jours », "
                       "« 1 an » ou « aucun »")
        return value

    kind: str = cat.ALGORITHME
