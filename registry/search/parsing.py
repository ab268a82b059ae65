"""What the citizen typed, as search units, and the synonyms file (plain Python, no Whoosh).

``parse_query`` never raises: control characters are dropped, quotes may be
unbalanced, operators may stand alone, the text may be huge. The syntax is small:

- words are all required (``caf contrôle``); ``OU``/``OR`` between two units makes
  either one enough; ``ET``/``AND`` is accepted and ignored;
- ``"…"`` (or « … ») is a phrase; ``-mot``, ``-"…"`` or ``SAUF mot`` excludes;
- ``mot*`` matches every word starting with ``mot``; the last word of the query
  also matches as a prefix (search as you type), unless followed by a space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_CHARS = 500
MAX_UNITS = 24
SYNONYMS_PATH = Path(__file__).with_name("synonyms.yaml")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'",
                         "‘": "'", "\t": " ", "\n": " ", "\r": " "})
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_WORD_SPLIT = re.compile(r"[^\w'\-*]+")
_OR, _AND, _NOT = {"ou", "or", "|", "||"}, {"et", "and", "&", "&&", "+"}, {"sauf", "not", "!"}


@dataclass
class Unit:
    """A word or a phrase of the query."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


@dataclass
class ParsedQuery:
    """Clauses are all required; the units of one clause are alternatives (OU)."""

    text: str = ""
    clauses: list[list[Unit]] = field(default_factory=list)
    message: str | None = None

    @property
    def words(self) -> list[Unit]:
        return [u for clause in self.clauses for u in clause if not u.negated]


def clean(text: str | None) -> tuple[str, str | None]:
    """Printable, NFC-normalised, single-spaced text of at most MAX_CHARS characters."""
    text = unicodedata.normalize("NFC", str(text or "")).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    trailing_space = text.endswith(" ")
    text = " ".join(text.split())
    message = None
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
        message = f"Votre recherche a été raccourcie à ses {MAX_CHARS} premiers caractères."
    return text + (" " if trailing_space and text else ""), message


def _units(text: str) -> list[tuple[str, Unit | None]]:
    """(operator, None) or ('', unit) items in the order they were typed."""
    items: list[tuple[str, Unit | None]] = []
    for match in _TOKEN.finditer(text):
        minus, phrase, chunk = match.group(1), match.group(2), match.group(3)
        if chunk is None:
            if phrase.strip():
                items.append(("", Unit(" ".join(phrase.split()), phrase=True, negated=bool(minus))))
            continue
        lowered = chunk.lower()
        if lowered in _OR | _AND | _NOT:
            items.append((lowered, None))
            continue
        negated = chunk.startswith("-") and len(chunk) > 1
        for word in _WORD_SPLIT.split(chunk.lstrip("-") if negated else chunk):
            star = word.endswith("*")
            word = word.strip("'-*")
            if word:
                items.append(("", Unit(word, negated=negated, prefix=star)))
    return items


def parse_query(raw: str | None) -> ParsedQuery:
    """Split the query into clauses of units; never raises."""
    text, message = clean(raw)
    parsed = ParsedQuery(text=text.strip(), message=message)
    pending_or = pending_not = False
    for op, unit in _units(text):
        if unit is None:
            pending_or = op in _OR and bool(parsed.clauses)
            pending_not = op in _NOT
            continue
        unit.negated = unit.negated or pending_not
        last = parsed.clauses[-1] if parsed.clauses else None
        if pending_or and last and not unit.negated and not last[0].negated:
            last.append(unit)
        else:
            parsed.clauses.append([unit])
        pending_or = pending_not = False
    if len(parsed.clauses) > MAX_UNITS:
        parsed.clauses = parsed.clauses[:MAX_UNITS]
        parsed.message = f"Seuls les {MAX_UNITS} premiers mots de votre recherche ont été pris " \
                         "en compte."
    if parsed.clauses and not text.endswith((" ", '"')):
        last_unit = parsed.clauses[-1][-1]
        if not last_unit.phrase and not last_unit.negated:
            last_unit.prefix = True
    return parsed


def load_synonyms(path: Path = SYNONYMS_PATH) -> tuple[list[list[str]], dict[str, list[str]],
                                                       list[str]]:
    """(groups of equivalent expressions, citizens' words -> the records' expressions they
    stand for, generic words that never filter); raises ValueError with a French message
    if the file is malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path} : fichier de synonymes illisible ({exc})") from exc
    groups = data.get("groupes") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ValueError(f"{path} : la clé « groupes » doit contenir une liste de groupes")
    out = []
    for i, group in enumerate(groups, 1):
        if not _texts(group, 2):
            raise ValueError(f"{path} : le groupe n° {i} doit être une liste d'au moins deux "
                             "expressions (texte)")
        out.append([x.strip() for x in group])
    words = data.get("mots_des_citoyens") or {}
    if not isinstance(words, dict):
        raise ValueError(f"{path} : « mots_des_citoyens » doit associer chaque mot à une liste "
                         "d'expressions")
    citizen: dict[str, list[str]] = {}
    for word, meant in words.items():
        if not isinstance(word, str) or not word.strip() or not _texts(meant, 1):
            raise ValueError(f"{path} : mots_des_citoyens, « {word} » doit être associé à une "
                             "liste d'au moins une expression (texte)")
        citizen[word.strip()] = [x.strip() for x in meant]
    generic = data.get("mots_generiques") or []
    if not (generic == [] or _texts(generic, 1)):
        raise ValueError(f"{path} : « mots_generiques » doit être une liste de mots (texte)")
    return out, citizen, [x.strip() for x in generic]


def _texts(value: object, least: int) -> bool:
    return isinstance(value, list) and len(value) >= least \
        and all(isinstance(x, str) and x.strip() for x in value)
