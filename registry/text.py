"""Small text helpers shared by the core and the web layer."""

from __future__ import annotations

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
