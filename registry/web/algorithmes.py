"""The list/search page and the record page."""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_translations, gettext, lazy_gettext
from markupsafe import Markup

from registry.cada.deadlines import PHRASES_EN, next_deadline
from registry.coverage import figures as coverage
from registry.db.store import to_record
from registry.records import catalogue as cat
from registry.search import FACETS, SORTS, Results
from registry.web import record_view
from registry.web.errors import NotFound
from registry.web.i18n import current_language
from registry.web.limits import check_filters
from registry.web.overview import administration_labels, english_names
from registry.web.resources import get_search, get_store

bp = Blueprint("algorithmes", __name__)

PER_PAGE = (10, 20, 50, 100)
SORT_LABELS = {"pertinence": lazy_gettext("Pertinence"), "nom": lazy_gettext("Nom (A → Z)"),
               "recent": lazy_gettext("Fiches revues récemment")}
MAX_QUERY = 500  # characters of the query kept (the rest is ignored)
MAX_VALUES = 20  # values kept per facet
MAX_VALUE_LENGTH = 200


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except (TypeError, ValueError):
        return default


def _clean(text: str, limit: int) -> str:
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")[:limit].strip()


def read_state() -> dict:
    """The whole state of the list page, read from (and kept in) the URL."""
    query = _clean(request.args.get("q", ""), MAX_QUERY)
    filters: dict[str, list[str]] = {}
    check_filters(sum(len(request.args.getlist(name)) for name in FACETS))
    for name in FACETS:
        values = [_clean(v, MAX_VALUE_LENGTH) for v in request.args.getlist(name)]
        values = list(dict.fromkeys(v for v in values if v))[:MAX_VALUES]
        if values:
            filters[name] = values
    tri = request.args.get("tri", "")
    if tri not in SORTS:
        tri = "pertinence" if query else "nom"
    par_page = _int_arg("par_page", 20, 1, 100)
    if par_page not in PER_PAGE:
        par_page = 20
    return {"q": query, "filters": filters, "tri": tri, "par_page": par_page,
            "page": _int_arg("page", 1, 1, 100_000)}


def state_url(state: dict, **changes: object) -> str:
    """URL of the list page for `state` with some keys changed (page back to 1 unless given)."""
    merged = {**state, "page": 1, **changes}
    params: list[tuple[str, object]] = [(k, v) for k, vals in merged["filters"].items()
                                        for v in vals]
    if merged["q"]:
        params.append(("q", merged["q"]))
    if merged["tri"] != ("pertinence" if merged["q"] else "nom"):
        params.append(("tri", merged["tri"]))
    if merged["par_page"] != 20:
        params.append(("par_page", merged["par_page"]))
    if merged["page"] > 1:
        params.append(("page", merged["page"]))
    base = state.get("base") or url_for("algorithmes.liste")
    return f"{base}?{urlencode(params)}" if params else base


@dataclass
class FacetOption:
    """One value of a facet as the list page shows it: a checkbox and a count link."""

    valeur: str
    libelle: str
    nombre: int
    coche: bool
    ident: str
    href: str
    aide: Markup  # what the count link does, for screen readers


def facet_options(state: dict, results: Results, name: str) -> list[FacetOption]:
    """The values of facet `name` (selected ones kept even when nothing matches them)."""
    selected = state["filters"].get(name, [])
    counts = [(fv.valeur, fv.nombre) for fv in results.facettes.get(name, [])]
    shown = {value for value, _ in counts}
    counts += [(value, 0) for value in selected if value not in shown]
    legende = facet_label(name)
    translations = get_translations()  # once per facet, not once per value
    options = []
    for value, count in counts:
        label, checked = value_label(name, value), value in selected
        if checked:
            aide = translations.ngettext("fiche — retirer le filtre %(legende)s : %(valeur)s",
                                         "fiches — retirer le filtre %(legende)s : %(valeur)s",
                                         count)
        else:
            aide = translations.ngettext("fiche — ajouter le filtre %(legende)s : %(valeur)s",
                                         "fiches — ajouter le filtre %(legende)s : %(valeur)s",
                                         count)
        options.append(FacetOption(
            value, label, count, checked, facet_id(name, value),
            state_url(state, filters=toggled(state["filters"], name, value)),
            Markup(aide) % {"legende": legende, "valeur": label}))
    return options


def toggled(filters: dict[str, list[str]], name: str, value: str) -> dict[str, list[str]]:
    """The filters with `value` of facet `name` added, or removed when present."""
    values = list(filters.get(name, []))
    values = [v for v in values if v != value] if value in values else values + [value]
    out = {k: v for k, v in filters.items() if k != name}
    if values:
        out[name] = values
    return out


def facet_label(name: str) -> str:
    """A facet's name in the page's language (a criterion's or a field's label)."""
    lang = current_language()
    criterion = cat.CRITERIA_BY_KEY.get(name)
    return criterion.label_for(lang) if criterion else cat.label(name, lang=lang)


def value_label(name: str, value: str) -> str:
    if name == "administration":
        return administration_labels(get_store()).get(value, value)
    if name in cat.CRITERIA_BY_KEY:
        return cat.choice_label("transparence.etat", value, current_language())
    return cat.choice_label(name, value, current_language())


@functools.lru_cache(maxsize=8192)
def facet_id(name: str, value: str) -> str:
    """A stable, unique and valid HTML id for a facet value's checkbox."""
    return f"f-{name}-{hashlib.sha1(value.encode()).hexdigest()[:10]}"


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Pages to link: first, last and two around the current one; None marks a gap."""
    wanted = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    out: list[int | None] = []
    for number in wanted:
        if out and number - (out[-1] or 0) > 1:
            out.append(None)
        out.append(number)
    return out


def cached_search(state: dict) -> Results:
    """Search results of the list page; the index caches result pages per published build
    (home links, facet links, first pages are asked again and again) and prepares the
    frequent ones before a new build serves (registry.search.warmup)."""
    return get_search().search(state["q"], state["filters"], page=state["page"],
                               per_page=state["par_page"], sort=state["tri"])


@bp.get("/algorithmes")
def liste() -> str:
    state = read_state()
    results = cached_search(state)
    state["base"] = url_for("algorithmes.liste")
    pages = max(math.ceil(results.total / state["par_page"]), 1)
    return render_template(
        "algorithmes/liste.html", state=state, results=results, pages=pages,
        page_numbers=page_numbers(min(state["page"], pages), pages),
        state_url=lambda **changes: state_url(state, **changes), toggled=toggled,
        facet_label=facet_label, value_label=value_label,
        options={name: facet_options(state, results, name) for name in FACETS}, sorts=SORT_LABELS,
        per_page_choices=PER_PAGE,
        noms_en=english_names(get_store()) if current_language() == "en" else {},
        general_facets=[f for f in FACETS if f not in cat.CRITERIA_BY_KEY],
        criteria_facets=[f for f in FACETS if f in cat.CRITERIA_BY_KEY])


@bp.get("/algorithmes/<ident>")
def fiche(ident: str) -> str:
    row = get_store().get(ident[:200])
    if row is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    record = to_record(row)
    today = date.today()
    echeances = [next_deadline(d, today) if isinstance(d, dict) else None
                 for d in row.meta.get("demandes") or []]
    if current_language() == "en":
        echeances = [(PHRASES_EN.get(e[0], e[0]), e[1]) if e else None for e in echeances]
    etats = [record.etat(c.key) for c in cat.CRITERIA]
    admin_row = get_store().administration(row.administration_id)
    admin = admin_row.meta if admin_row else {}
    notification, notification_error = record_view.notification_date(
        request.args.get("notification"))
    return render_template("algorithmes/fiche.html", row=row, meta=row.meta, admin=admin,
                           score=coverage.record_score(record).score, echeances=echeances,
                           etat_counts={e: etats.count(e) for e in cat.ETATS if e in etats},
                           cites=record_view.Citations.of(row.meta),
                           parcours=record_view.recourse(row.meta, admin),
                           notification=notification, notification_error=notification_error,
                           deadline=record_view.deadline, ai=record_view.ai_act(row.meta),
                           today=today,
                           description_en=record_view.english_description(row.meta)
                           if current_language() == "en" else None)
