"""Small text helpers shared by the core and the web layer."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def fold(text: str) -> str:
    """Lowercase ascii without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "sans-nom"


def french_date(value: date | str | None) -> str:
    """« 10 juin 2026 », « juin 2026 » or « 2026 » from a date or a YYYY[-MM[-DD]] string."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    parts = str(value)[:10].split("-")
    try:
        if len(parts) == 3:
            day = int(parts[2])
            return f"{'1er' if day == 1 else day} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return str(value)
    return parts[0]


def french_number(value: object) -> str:
    """34500000 -> « 34 500 000 » (narrow no-break spaces), 1.5 -> « 1,5 »."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        whole, _, decimals = f"{value:,.2f}".partition(".")
        return whole.replace(",", "\u202f") + "," + decimals.rstrip("0")
    return f"{int(value):,}".replace(",", "\u202f")


AMOUNT_RE = re.compile(r"^\d+(?:\.\d+)?$")


def parse_amount(text: str) -> int | float:
    """A finite, non-negative number written in figures (« 34 500 000 », « 1,5 », « 12 € »);
    raises ValueError (French message) for nan, inf, 1e999, a negative amount or text."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    number = float(cleaned) if AMOUNT_RE.match(cleaned) else math.nan
    if not math.isfinite(number):
        raise ValueError(f"montant « {text[:40]} » invalide : un nombre positif écrit en "
                         "chiffres est attendu (ex. 34 500 000)")
    return int(number) if number.is_integer() else number


CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_characters(text: str) -> list[str]:
    """The control characters of `text` that no page, feed or file may carry (C0 except tab,
    newline and carriage return, DEL, U+FFFE, U+FFFF), as U+XXXX codes."""
    return sorted({f"U+{ord(ch):04X}" for ch in CONTROL_RE.findall(text)})


def without_controls(text: str) -> str:
    return CONTROL_RE.sub("", text)
