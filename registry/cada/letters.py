"""Access-request letters: the table of cited articles, the letter context and its outputs.

The letters themselves are editable Jinja templates in ``templates/cada/lettres/``; they are
plain text (paragraphs separated by blank lines, list items starting with « - » or « 1. »),
from which the HTML, the PDF (fpdf2) and the e-mail text are derived. Every article a letter
mentions must be in ``ARTICLES``: rendering fails on any other reference, so a wrong article
(such as L312-1-2 for L312-1-3) can never reach a letter.

Plain Python (jinja2, fpdf2, icalendar): no Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from markupsafe import Markup, escape

from registry.cada.deadlines import DateError, Deadlines, compute_deadlines, date_fr
from registry.config import PROJECT_ROOT, load_settings
from registry.records import catalogue as cat

TEMPLATES = PROJECT_ROOT / "templates"
CRPA_TEXT = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350"
LEGIARTI = "https://www.legifrance.gouv.fr/codes/article_lc/"
RGPD_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
CADA_FORM = "https://www.cada.fr/formulaire-de-saisine"
CADA_ADDRESS = ("Commission d'accès aux documents administratifs", "TSA 50730",
                "75334 Paris Cedex 07")
LEGAL_NOTICE = ("Ceci n'est pas un conseil juridique : ce modèle et les délais calculés sont "
                "fournis à titre indicatif ; vérifiez les textes sur Légifrance et, avant toute "
                "action en justice, consultez un professionnel du droit.")


@dataclass(frozen=True)
class Article:
    code: str  # abbreviation: CRPA, RGPD
    number: str
    summary: str
    url: str

    @property
    def title(self) -> str:
        return f"Article {self.number} du {self.code}"


def _crpa(number: str, summary: str, legiarti: str = "") -> Article:
    return Article("CRPA", number, summary, LEGIARTI + legiarti if legiarti else CRPA_TEXT)


# THE table of articles a letter may cite (key = how the letter writes it).
ARTICLES: dict[str, Article] = {a.number if a.code == "CRPA" else f"{a.code}-{a.number}": a
                                for a in (
    _crpa("L300-1", "droit de toute personne à l'information et d'accès aux documents "
          "administratifs"),
    _crpa("L300-2", "définition des documents administratifs, qui comprennent les codes "
          "sources", "LEGIARTI000033218936"),
    _crpa("L300-4", "mise à disposition électronique dans un standard ouvert, aisément "
          "réutilisable et exploitable par un système de traitement automatisé"),
    _crpa("L311-1", "obligation de publier en ligne ou de communiquer les documents "
          "administratifs à toute personne qui en fait la demande"),
    _crpa("L311-2", "transmission de la demande à l'administration qui détient le document",
          "LEGIARTI000031367700"),
    _crpa("L311-3-1", "mention explicite des décisions individuelles prises sur le fondement "
          "d'un traitement algorithmique ; communication des règles et des principales "
          "caractéristiques de sa mise en œuvre à l'intéressé", "LEGIARTI000033205535"),
    _crpa("R311-3-1-2", "informations communiquées sous une forme intelligible : 1° degré et "
          "mode de contribution du traitement à la décision ; 2° données traitées et leurs "
          "sources ; 3° paramètres de traitement et leur pondération ; 4° opérations "
          "effectuées", "LEGIARTI000034195881"),
    _crpa("L311-5", "documents non communicables (secrets protégés par la loi)",
          "LEGIARTI000033265181"),
    _crpa("L311-6", "documents communicables à la seule personne intéressée",
          "LEGIARTI000037269056"),
    _crpa("L311-7", "communication après occultation des mentions non communicables"),
    _crpa("L311-9", "modalités d'accès au choix du demandeur, dont l'envoi gratuit par "
          "courrier électronique"),
    _crpa("L312-1-1", "publication en ligne des documents administratifs communiqués"),
    _crpa("L312-1-3", "publication en ligne des règles des principaux traitements "
          "algorithmiques fondant des décisions individuelles", "LEGIARTI000033205516"),
    _crpa("L321-1", "libre réutilisation des informations publiques", "LEGIARTI000032255214"),
    _crpa("L112-3", "accusé de réception de toute demande adressée à l'administration"),
    _crpa("R311-12", "le silence gardé par l'administration vaut refus de communication"),
    _crpa("R311-13", "refus implicite au terme d'un mois à compter de la réception de la "
          "demande"),
    _crpa("R343-1", "saisine de la CADA dans les deux mois du refus, préalable obligatoire au "
          "recours contentieux"),
    _crpa("R343-5", "à défaut de décision de l'administration dans les deux mois de "
          "l'enregistrement de la saisine, le refus est confirmé"),
    Article("RGPD", "15", "droit d'accès de la personne concernée, dont, au 1, h), "
            "l'information sur la logique sous-jacente d'une décision automatisée", RGPD_URL),
    Article("RGPD", "22", "décision individuelle fondée exclusivement sur un traitement "
            "automatisé", RGPD_URL),
)}
CRPA_REF = re.compile(r"\b[LR]\d{3}-\d+(?:-\d+)*\b")

LETTER_TYPES: dict[str, str] = {
    "demande": "Demande de communication de documents administratifs",
    "explication": "Demande d'explication sur une décision individuelle algorithmique",
    "relance": "Relance d'une demande de communication de documents administratifs",
    "saisine": "Saisine de la Commission d'accès aux documents administratifs",
}
# A criterion whose documents are pre-selected in a demand letter has one of these states.
MISSING_ETATS = ("non_publie", "inconnu", "refuse")


class LetterError(ValueError):
    """The letter cannot be produced; the message (French) says why and what to do.

    ``field`` names the input at fault (the web form shows the message next to it)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def requestable_criteria() -> tuple[cat.Criterion, ...]:
    """Criteria whose documents can be asked for under the CRPA, in catalogue order."""
    return tuple(c for c in cat.CRITERIA if c.cada_requestable)


def _meta(record: object) -> dict:
    return record if isinstance(record, dict) else getattr(record, "meta", {}) or {}


def _etat(meta: dict, key: str) -> str:
    return ((meta.get("transparence") or {}).get(key) or {}).get("etat", "inconnu")


def default_documents(record: object) -> list[str]:
    """Keys of the requestable criteria not published (non_publie, inconnu, refuse)."""
    meta = _meta(record)
    return [c.key for c in requestable_criteria() if _etat(meta, c.key) in MISSING_ETATS]


@dataclass
class Requester:
    """The person or association that signs; never stored by the server."""

    nom: str
    qualite: str = ""
    adresse: str = ""
    email: str = ""


@dataclass
class LetterRequest:
    """What the user asks for (from the web form or the command line)."""

    kind: str
    requester: Requester
    documents: list[str] | None = None  # None: the record's missing documents
    letter_date: date = field(default_factory=date.today)
    date_demande: date | None = None  # original request sent (relance, saisine)
    reception: date | None = None  # original request received; default date_demande
    refus_expres: date | None = None
    decision_reference: str = ""  # explication
    decision_date: date | None = None  # explication
    site_url: str = ""  # public address of the registry; default: the SITE_URL setting


@dataclass
class Letter:
    kind: str
    subject: str
    text: str
    record_id: str
    algorithm: str
    administration: str
    deadlines: Deadlines | None
    documents: list[str]
    articles: list[Article]
    warnings: list[str] = field(default_factory=list)
    url: str = ""  # the record page

    @property
    def html(self) -> Markup:
        return text_to_html(self.text)


class _Citations:
    """The ``cite`` helper of the templates: formats references, remembers them."""

    def __init__(self) -> None:
        self.used: list[str] = []

    def __call__(self, *keys: str) -> str:
        groups: dict[str, list[str]] = {}
        for key in keys:
            if key not in ARTICLES:
                raise LetterError(f"article « {key} » absent de la table des articles")
            if key not in self.used:
                self.used.append(key)
            groups.setdefault(ARTICLES[key].code, []).append(ARTICLES[key].number)
        parts = []
        for code, numbers in groups.items():
            listed = numbers[0] if len(numbers) == 1 else (
                ", ".join(numbers[:-1]) + " et " + numbers[-1])
            parts.append(f"article{'s' if len(numbers) > 1 else ''} {listed} du {code}")
        return " et ".join(parts)


def _environment(html: bool = False, templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                             autoescape=html, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["date_fr"] = date_fr
    return env


def record_url(record_id: str, site_url: str = "") -> str:
    """Public address of a record page (``site_url`` defaults to the SITE_URL setting)."""
    return f"{(site_url or str(load_settings()['SITE_URL'])).rstrip('/')}/algorithmes/{record_id}"


# Plausible dates of a letter: from the law creating the CADA to far enough ahead that every
# deadline (a few months) stays a real calendar date.
FIRST_DATE, LAST_DATE = date(1978, 7, 17), date(2199, 12, 31)
DATE_FIELDS = {"letter_date": "date_lettre", "date_demande": "date_demande",
               "reception": "reception", "refus_expres": "refus_expres",
               "decision_date": "decision_date"}  # LetterRequest attribute -> form field


def _check_dates(request: LetterRequest) -> None:
    for attribute, name in DATE_FIELDS.items():
        value = getattr(request, attribute)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise LetterError(f"date du {date_fr(value)} invraisemblable : indiquez une date "
                              f"entre le {date_fr(FIRST_DATE)} et le {date_fr(LAST_DATE)}",
                              name)


def _check(request: LetterRequest, meta: dict) -> tuple[list[str], list[str]]:
    """Validate the request; return (document keys, warnings)."""
    _check_dates(request)
    if request.kind not in LETTER_TYPES:
        raise LetterError(f"type de lettre « {request.kind} » inconnu : choisir parmi "
                          + ", ".join(LETTER_TYPES), "kind")
    if not request.requester.nom.strip():
        raise LetterError("indiquez le nom du demandeur (personne ou association)", "nom")
    allowed = [c.key for c in requestable_criteria()]
    docs = default_documents(meta) if request.documents is None else list(request.documents)
    unknown = [d for d in docs if d not in allowed]
    if unknown:
        raise LetterError(f"document(s) inconnu(s) : {', '.join(unknown)} ; choisir parmi "
                          + ", ".join(allowed), "documents")
    if request.kind != "explication" and not docs:
        raise LetterError("aucun document à demander : choisissez au moins un document",
                          "documents")
    warnings: list[str] = []
    if request.kind in ("relance", "saisine"):
        if request.date_demande is None:
            raise LetterError("indiquez la date d'envoi de la demande initiale", "date_demande")
        if request.reception and request.reception < request.date_demande:
            raise LetterError("la date de réception précède la date d'envoi de la demande",
                              "reception")
        if request.refus_expres is None and request.letter_date < _refusal(request):
            if request.kind == "saisine":
                raise LetterError(
                    "saisine prématurée : sans refus exprès, la CADA ne peut être saisie "
                    f"qu'à partir du {date_fr(_refusal(request))} (un mois après la "
                    "réception de la demande)", "date_demande")
            warnings.append("le délai d'un mois laissé à l'administration n'est pas encore "
                            f"écoulé (refus implicite le {date_fr(_refusal(request))})")
    return [d for d in allowed if d in docs], warnings


def _refusal(request: LetterRequest) -> date:
    return compute_deadlines(request.reception or request.date_demande).refus_implicite


def _deadlines(request: LetterRequest) -> Deadlines:
    reception = request.reception or request.date_demande or request.letter_date
    try:
        return compute_deadlines(reception, request.refus_expres)
    except DateError as err:
        raise LetterError(str(err), "refus_expres" if "refus" in str(err) else "reception"
                          ) from err


def build_context(record: object, request: LetterRequest) -> dict:
    """Everything a letter template needs (also used by the web preview)."""
    meta = _meta(record)
    record_id = str(getattr(record, "id", "") or meta.get("id", ""))
    docs, warnings = _check(request, meta)
    deadlines = _deadlines(request)
    if request.kind == "saisine" and request.letter_date > deadlines.limite_saisine_cada:
        warnings.append("le délai de deux mois pour saisir la CADA semble expiré "
                        f"(le {date_fr(deadlines.limite_saisine_cada)}) ; il n'est opposable "
                        "que si le refus ou l'accusé de réception mentionnait les voies et "
                        "délais de recours")
    admin = meta.get("administration") or {}
    contact = str(meta.get("contact_prada") or "")
    req = request.requester
    return {
        "kind": request.kind,
        "subject": f"{LETTER_TYPES[request.kind]} – {meta.get('nom', record_id)}",
        "algo": {"id": record_id, "nom": meta.get("nom", record_id),
                 "sigle": meta.get("sigle", ""), "resume": meta.get("resume", ""),
                 "url": record_url(record_id, request.site_url),
                 "decision_individuelle": meta.get("decision_individuelle", "inconnu"),
                 "degre_automatisation": meta.get("degre_automatisation", "inconnu"),
                 "page_officielle": meta.get("page_officielle", "")},
        "administration": {"nom": admin.get("nom", ""), "service": meta.get("service", ""),
                           "contact_prada": contact, "contact_is_email": "@" in contact
                           and not contact.startswith("http")},
        "demandeur": {"nom": req.nom.strip(), "qualite": req.qualite.strip(),
                      "adresse": [line.strip() for line in req.adresse.splitlines()
                                  if line.strip()], "email": req.email.strip()},
        "documents": [{"key": k, "label": cat.CRITERIA_BY_KEY[k].label,
                       "texte": cat.CRITERIA_BY_KEY[k].documents,
                       "etat": _etat(meta, k)} for k in docs],
        "date": request.letter_date,
        "date_demande": request.date_demande,
        "reception": request.reception or request.date_demande,
        "refus_expres": request.refus_expres,
        "decision": {"reference": request.decision_reference.strip(),
                     "date": request.decision_date},
        "deadlines": deadlines,
        "cada_address": CADA_ADDRESS,
        "cada_form": CADA_FORM,
        "notice": LEGAL_NOTICE,
        "warnings": warnings,
    }


def render_letter(record: object, request: LetterRequest,
                  templates: Path = TEMPLATES) -> Letter:
    """Render a letter; raises LetterError (French message) on bad input.

    ``templates``: the folder holding ``cada/lettres/`` (an association may keep its own)."""
    context = build_context(record, request)
    env = _environment(templates=templates)
    cite = _Citations()
    body = env.get_template(f"cada/lettres/{request.kind}.txt").render(context, cite=cite)
    keys = list(cite.used)
    for ref in CRPA_REF.findall(body):
        if ref not in ARTICLES:
            raise LetterError(f"la lettre cite l'article {ref}, absent de la table des articles")
        if ref not in keys:
            keys.append(ref)
    articles = [ARTICLES[k] for k in keys]
    footer = env.get_template("cada/lettres/pied.txt").render(context, articles=articles)
    text = re.sub(r"\n{3,}", "\n\n", body.strip() + "\n\n" + footer.strip()) + "\n"
    return Letter(request.kind, context["subject"], text, context["algo"]["id"],
                  context["algo"]["nom"], context["administration"]["nom"],
                  context["deadlines"], [d["key"] for d in context["documents"]], articles,
                  context["warnings"], context["algo"]["url"])


# --- Outputs -----------------------------------------------------------------------------

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


STYLESHEET = PROJECT_ROOT / "registry" / "static" / "cada.css"


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
               now: datetime | None = None, url: str = "") -> bytes:
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
        if when is None:
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
MADADA_BODY = re.compile(r"^/(?:body|organisme)/([a-z0-9_]+)/?$")


def madada_url(record: object, letter: Letter) -> str:
    """Hand-off link to create the request on Ma Dada (no personal data in it).

    With a Ma Dada authority page as ``contact_prada``, a pre-filled new request; otherwise
    a search of the authority on Ma Dada.
    """
    meta = _meta(record)
    contact = urlsplit(str(meta.get("contact_prada") or ""))
    match = MADADA_BODY.match(contact.path) if contact.netloc.endswith("madada.fr") else None
    if not match:
        return f"{MADADA}/select_authority?" + urlencode(
            {"query": letter.administration or letter.algorithm})
    items = "\n".join(f"- {cat.CRITERIA_BY_KEY[k].documents}" for k in letter.documents)
    default_letter = (f"pourriez-vous me communiquer les documents suivants relatifs au "
                      f"traitement « {letter.algorithm} » :\n{items}\n"
                      f"(fiche du registre : {letter.url or record_url(letter.record_id)})")
    query = urlencode({"title": f"{letter.algorithm} – documents",
                       "default_letter": default_letter,
                       "tags": f"algo-{letter.record_id}"}, quote_via=quote)
    return f"{MADADA}/new/{match.group(1)}?{query}"
