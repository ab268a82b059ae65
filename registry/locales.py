"""The languages of the interface, and dates, numbers and percentages written per language.

French is the source language of the registry (records, letters, the field catalogue's
first labels) and its default; English is the second language of the interface. French
keeps the registry's own typography (« 1er mars 2026 », « 10,8 % », narrow no-break spaces
between thousands); every other language is formatted by Babel from the CLDR data.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal, format_percent

from registry.text import french_date

SOURCE = "fr"  # the language records, letters and the catalogue's first labels are in
LANGUAGES: tuple[str, ...] = ("fr", "en")  # the interface's languages, default first
NAMES = {"fr": "Français", "en": "English"}  # each language in its own words
DASH = "—"  # no figure (a percentage over nothing)


def date_text(value: date | str | None, lang: str = SOURCE) -> str:
    """« 10 juin 2026 » / « June 10, 2026 »; « juin 2026 » / « June 2026 » and « 2026 » for
    partial dates (YYYY-MM, YYYY); a value that is no date comes back unchanged."""
    if lang == SOURCE or value is None or value == "":
        return french_date(value)
    if isinstance(value, date):
        return babel_date(value, "long", locale=lang)
    parts = str(value)[:10].split("-")
    try:
        if len(parts) == 3:
            return babel_date(date(int(parts[0]), int(parts[1]), int(parts[2])), "long",
                              locale=lang)
        if len(parts) == 2:
            return babel_date(date(int(parts[0]), int(parts[1]), 1), "MMMM y", locale=lang)
    except (ValueError, IndexError):
        return str(value)
    return parts[0]


def number_text(value: object, lang: str = SOURCE) -> str:
    """34500000 -> « 34 500 000 » / « 34,500,000 »; 1.5 -> « 1,5 » / « 1.5 » (two decimals at
    most); anything but a number comes back as text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, int):
        return _integer_text(value, lang)
    return format_decimal(value, format="#,##0.##", locale=lang)


@functools.lru_cache(maxsize=4096)
def _integer_text(value: int, lang: str) -> str:
    """Integers (the list page's facet counts) formatted once per process and language."""
    return format_decimal(value, format="#,##0.##", locale=lang)


def percent_text(value: Decimal | float | None, lang: str = SOURCE) -> str:
    """A percentage already multiplied by 100 (``Decimal('10.8')``) -> « 10,8 % » /
    « 10.8% »; None -> « — ». The value keeps its own decimals in every language
    (``Decimal('10.0')`` -> « 10,0 % » / « 10.0% », ``25`` -> « 25 % » / « 25% »)."""
    if value is None:
        return DASH
    if lang == SOURCE:
        return f"{value}".replace(".", ",") + " %"
    number = Decimal(str(value))
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
    return format_percent(number / 100, format=pattern, locale=lang)


_UNITS_EN = {"jour": ("day", "days"), "semaine": ("week", "weeks"), "mois": ("month", "months"),
             "an": ("year", "years")}
_DURATION = re.compile(r"^(\d+) (jour|semaine|mois|an)s?( francs?)?$")


def duration_text(value: str, lang: str = SOURCE) -> str | None:
    """A time limit as written in the records (« 2 mois », « 45 jours », « 1 an », « aucun »)
    in `lang`; None when it is not one of these simple forms (the caller keeps the French)."""
    value = value.strip()
    if lang == SOURCE:
        return value
    if value == "aucun":
        return "none"
    found = _DURATION.match(value)
    if found is None:
        return None
    n = int(found.group(1))
    one, many = _UNITS_EN[found.group(2)]
    clear = " clear" if found.group(3) else ""
    return f"{n}{clear} {one if n == 1 else many}"
