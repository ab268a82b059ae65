"""Letter outputs: HTML fragment and printable page, PDF (fpdf2), calendar (.ics), Ma Dada.

Plain Python (jinja2, fpdf2, icalendar): no Flask.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from markupsafe import Markup, escape

from registry.cada.deadlines import Deadlines, date_fr
from registry.cada.letters import (
    LEGAL_NOTICE,
    Letter,
    _environment,
    record_url,
)
from registry.paths import STATIC

LIST_ITEM = re.compile(r"^(?:- |\d+\. )")
URL_RE = re.compile(r"https?://[^\s<>«»]+[^\s<>«».,;:!?)]")


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Paragraphs (``p``, lines) and lists (``ol``/``ul``, items) of a letter text."""
    out: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in chunk.splitlines()]
        if lines and all(LIST_ITEM.match(line) for line in lines):
            ordered = not lines[0].startswith("- ")
            out.append(("ol" if ordered else "ul", [LIST_ITEM.sub("", x) for x in lines]))
        else:
            out.append(("p", lines))
    return out


def _inline(line: str) -> Markup:
    escaped = str(escape(line))
    return Markup(URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


def text_to_html(text: str) -> Markup:
    """The letter as an HTML fragment (escaped; URLs become links)."""
    parts = []
    for kind, lines in blocks(text):
        if kind == "p":
            parts.append("<p>" + "<br>\n".join(_inline(x) for x in lines) + "</p>")
        else:
            items = "".join(f"<li>{_inline(x)}</li>" for x in lines)
            parts.append(f"<{kind}>{items}</{kind}>")
    return Markup('<div class="lettre">\n' + "\n".join(parts) + "\n</div>")


STYLESHEET = STATIC / "cada.css"


def render_html_document(letter: Letter, stylesheet_url: str | None = None) -> str:
    """A standalone printable HTML page; without ``stylesheet_url`` the CSS is inlined (for a
    file written by the command line)."""
    css = "" if stylesheet_url else STYLESHEET.read_text(encoding="utf-8")
    return _environment(html=True).get_template("cada/lettre.html").render(
        letter=letter, stylesheet_url=stylesheet_url, inline_css=css)


FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/TTF/DejaVuSans.ttf"))
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                         "…": "...", "œ": "oe", "Œ": "OE", "•": "-", "\u202f": " "})


def find_font() -> Path | None:
    return next((p for p in FONT_CANDIDATES if p.is_file()), None)


def render_pdf(letter: Letter, font: Path | None = None, *, use_core_font: bool = False,
               compress: bool = True) -> bytes:
    """The letter as PDF (A4). Uses DejaVu Sans (Unicode) when installed, else Helvetica
    with the text reduced to Latin-1."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.compress = compress
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(letter.subject)
    pdf.set_creator("Registre citoyen des algorithmes publics")
    font = None if use_core_font else (font or find_font())
    if font:
        pdf.add_font("DejaVu", "", str(font))
        pdf.set_font("DejaVu", size=10.5)

        def clean(s: str) -> str:
            return s
    else:
        pdf.set_font("helvetica", size=10.5)

        def clean(s: str) -> str:
            return s.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
    pdf.add_page()
    for kind, lines in blocks(letter.text):
        if kind == "p":
            pdf.multi_cell(0, 5.2, clean("\n".join(lines)), align="L",
                           new_x="LMARGIN", new_y="NEXT")
        else:
            for number, item in enumerate(lines, 1):
                mark = f"{number}." if kind == "ol" else ("•" if font else "-")
                pdf.cell(8, 5.2, clean(mark))
                pdf.multi_cell(0, 5.2, clean(item), align="L", new_x="LMARGIN",
                               new_y="NEXT")
        pdf.ln(2.5)
    return bytes(pdf.output())


def render_ics(deadlines: Deadlines, algorithm: str, record_id: str,
               now: datetime | None = None, url: str = "", only: str | None = None) -> bytes:
    """The deadlines as all-day iCalendar events, each with reminders 7 days and 1 day
    before. No personal data: only the algorithm and the dates."""
    from icalendar import Alarm, Calendar, Event

    from registry.cada.deadlines import EXPLANATIONS

    cal = Calendar()
    cal.add("prodid", "-//Registre citoyen des algorithmes publics//Demandes CADA//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Demande CADA – {algorithm}")
    stamp = now or datetime.now(UTC)
    for key, label, when in deadlines.steps():
        if when is None or (only and key != only):
            continue
        event = Event()
        event.add("uid", f"{record_id}-{key}-{deadlines.reception.isoformat()}"
                         "@registre-algorithmes")
        event.add("dtstamp", stamp)
        event.add("dtstart", when)
        event.add("dtend", when + timedelta(days=1))
        event.add("summary", f"{label} – {algorithm}")
        event.add("description", f"{label} : {date_fr(when)}.\nCalcul : {EXPLANATIONS[key]}."
                                 f"\nFiche : {url or record_url(record_id)}\n{LEGAL_NOTICE}")
        event.add("transp", "TRANSPARENT")
        for days in (7, 1):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Dans {days} jour{'s' if days > 1 else ''} : {label}")
            alarm.add("trigger", timedelta(days=-days))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


MADADA = "https://madada.fr"


def madada_url(record: object, letter: Letter) -> str:
    """Hand-off link to create the request on Ma Dada (no personal data in it): a search of
    the administration among Ma Dada's authorities."""
    return f"{MADADA}/select_authority?" + urlencode(
        {"query": letter.administration or letter.algorithm})
