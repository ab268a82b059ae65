"""Server-rendered, accessible SVG charts of the coverage (no JavaScript, no style="").

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; every mark carries a ``<title>`` with its exact figure, and the page puts
a data table next to each chart. Colours are presentation attributes (``fill``),
which the Content Security Policy allows.

The charts' words come in a ``Wording`` (French by default): the web layer passes one in
the page's language, with its own translated strings; numbers, percentages and dates are
written per language by ``registry.locales``. This module stays free of Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html import escape

from babel.dates import format_date

from registry.coverage.figures import CriterionCoverage, Figure
from registry.locales import SOURCE, number_text, percent_text
from registry.records import catalogue as cat


def _french_versions(n: int) -> str:
    return f"{n} version{'s' if n != 1 else ''} des fiches"


@dataclass(frozen=True)
class Wording:
    """The words of the charts in one language. The ``%(name)s`` templates are filled here;
    `versions` says « n versions of the records » with the language's plural."""

    lang: str = SOURCE
    etats: Mapping[str, str] = field(default_factory=lambda: dict(cat.ETATS))
    bars_title: str = "Publication des critères de transparence, par état"
    bars_desc: str = ("Pour chacun des %(criteres)s critères, répartition des %(fiches)s "
                      "fiches selon l'état de publication (publié, partiel, obtenu, non "
                      "publié, refusé, inconnu, sans objet) ; le pourcentage à droite est la "
                      "part des fiches où le critère est publié. Le tableau qui suit donne les "
                      "mêmes chiffres.")
    bar_tip: str = "%(critere)s — %(etat)s : %(chiffre)s"
    trend_title: str = "%(critere)s : part des fiches où l'élément est publié"
    trend_desc: str = ("De %(premier)s le %(debut)s à %(dernier)s le %(fin)s, sur "
                       "%(versions)s ; au plus haut %(haut)s (échelle de 0 à %(echelle)s).")
    trend_point: str = "%(critere)s, %(jour)s : %(chiffre)s"
    trend_empty: str = "Aucune version des fiches."
    versions: Callable[[int], str] = _french_versions

    def criterion(self, criterion: cat.Criterion) -> str:
        return criterion.label_for(self.lang)

    def figure(self, figure: Figure) -> str:
        """« 13 / 120 (10,8 %) » / « 13 / 120 (10.8%) »."""
        if self.lang == SOURCE:
            return figure.texte
        return (f"{number_text(figure.n, self.lang)} / {number_text(figure.N, self.lang)} "
                f"({self.percent(figure)})")

    def percent(self, figure: Figure) -> str:
        return figure.pourcentage if self.lang == SOURCE else percent_text(figure.decimal,
                                                                          self.lang)

    def scale(self, value: int) -> str:
        return f"{value} %" if self.lang == SOURCE else percent_text(value, self.lang)

    def day(self, stamp: str) -> str:
        """``2026-11-26T12:46:24+00:00`` -> « 26/11/2026 » / « Nov 26, 2026 »; a month
        ``2026-11`` stays."""
        parts = stamp[:10].split("-")
        if len(parts) != 3:
            return stamp
        if self.lang == SOURCE:
            return "/".join(reversed(parts))
        try:
            return format_date(date(int(parts[0]), int(parts[1]), int(parts[2])), "medium",
                               locale=self.lang)
        except ValueError:
            return stamp


FRENCH = Wording()

# Display order of the states in stacked bars, and their colours.
ETAT_ORDER = ("publie", "partiel", "obtenu", "non_publie", "refuse", "inconnu", "sans_objet")
ETAT_COLOURS = {
    "publie": "#1a6b34", "partiel": "#74b87c", "obtenu": "#2b6cb0", "non_publie": "#d4663f",
    "refuse": "#9e1f2a", "inconnu": "#9a9a9a", "sans_objet": "#e6e6e6",
}
TEXT_COLOUR = "#1e1e1e"
GRID_COLOUR = "#c8c8c8"
FONT = 'font-family="sans-serif"'


def _svg(ident: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-title {ident}-desc" '
        f'{FONT} font-size="13" fill="{TEXT_COLOUR}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ])


def _legend(items: list[tuple[str, str, str]], x: int, y: int, column: int,
            per_row: int) -> list[str]:
    """Swatches (colour, dash, label) laid out in rows of ``per_row``."""
    out = ['<g class="chart-legend">']
    for i, (colour, dash, label) in enumerate(items):
        lx, ly = x + (i % per_row) * column, y + (i // per_row) * 20
        if dash is None:
            out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}" '
                       f'stroke="{TEXT_COLOUR}" stroke-width="0.5"/>')
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 14}" y2="{ly - 4}" '
                       f'stroke="{colour}" stroke-width="3"{dash_attr}/>')
        out.append(f'<text x="{lx + 18}" y="{ly}">{escape(label)}</text>')
    out.append("</g>")
    return out


def stacked_bars(criteria: list[CriterionCoverage], total: int, ident: str = "etats",
                 words: Wording = FRENCH) -> str:
    """One horizontal bar per criterion, split by state; the published share at the end."""
    label_w, bar_w, right_w, row_h, top = 250, 420, 70, 30, 70
    width = label_w + bar_w + right_w
    height = top + row_h * len(criteria) + 10
    legend = [(ETAT_COLOURS[e], None, words.etats[e].split(" (")[0]) for e in ETAT_ORDER]
    body = _legend(legend, 10, 20, 180, 4)
    for row, c in enumerate(criteria):
        y = top + row * row_h
        body.append(f'<g class="chart-row"><text x="{label_w - 8}" y="{y + 15}" '
                    f'text-anchor="end">{escape(words.criterion(c.criterion))}</text>')
        x = float(label_w)
        for etat in ETAT_ORDER:
            count = c.etats.get(etat, 0)
            if not count or not total:
                continue
            w = bar_w * count / total
            tip = words.bar_tip % {"critere": words.criterion(c.criterion),
                                   "etat": words.etats[etat],
                                   "chiffre": words.figure(Figure(count, total))}
            body.append(f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="20" '
                        f'fill="{ETAT_COLOURS[etat]}" stroke="#ffffff" stroke-width="0.5">'
                        f"<title>{escape(tip)}</title></rect>")
            x += w
        body.append(f'<text x="{label_w + bar_w + 6}" y="{y + 15}">'
                    f"{escape(words.percent(c.tous))}</text></g>")
    desc = words.bars_desc % {"criteres": number_text(len(criteria), words.lang),
                              "fiches": number_text(total, words.lang)}
    return _svg(ident, width, height, words.bars_title, desc, body)


def _nice_max(value: float) -> int:
    for step in (10, 20, 25, 50, 75, 100):
        if value <= step:
            return step
    return 100


def bar(figure: Figure, width: int = 120) -> str:
    """A horizontal bar of a figure's share, beside the figure written in full (so hidden from
    assistive technologies: the text says it)."""
    share = (figure.valeur or 0.0) / 100
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="barre" aria-hidden="true" '
            f'focusable="false" width="{width}" height="12" viewBox="0 0 {width} 12">'
            f'<rect width="{width}" height="12" '
            f'fill="{ETAT_COLOURS["sans_objet"]}"/><rect width="{width * share:.1f}" height="12" '
            f'fill="{ETAT_COLOURS["publie"]}"/></svg>')


def small_multiples(points: list[tuple[str, dict[str, Figure]]], ident: str = "tendance",
                    words: Wording = FRENCH) -> list[tuple[cat.Criterion, str]]:
    """One small line chart per criterion, every one on the same scale: the share of records
    where it is published after each version of the records (`points`: (ISO date, figures by
    criterion), oldest first). Returns (criterion, SVG) pairs."""
    width, height, left, right, top, bottom = 260, 130, 40, 10, 12, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p[c.key].valeur or 0.0 for _, p in points for c in cat.CRITERIA]
    y_max = _nice_max(max(values, default=0.0))

    def px(i: int) -> float:
        return left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    out = []
    for c in cat.CRITERIA:
        chart_id = f"{ident}-{c.key}"
        body = ['<g class="chart-axes">']
        for tick in (0, y_max // 2, y_max):
            body.append(f'<line x1="{left}" y1="{py(tick):.1f}" x2="{left + plot_w}" '
                        f'y2="{py(tick):.1f}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
            body.append(f'<text x="{left - 5}" y="{py(tick) + 4:.1f}" text-anchor="end" '
                        f'font-size="11">{escape(words.scale(tick))}</text>')
        if points:
            body.append(f'<text x="{left}" y="{height - 6}" font-size="11">'
                        f"{escape(words.day(points[0][0]))}</text>")
        if len(points) > 1:
            body.append(f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end" '
                        f'font-size="11">{escape(words.day(points[-1][0]))}</text>')
        body.append("</g>")
        coords = " ".join(f"{px(i):.1f},{py(p[c.key].valeur or 0.0):.1f}"
                          for i, (_, p) in enumerate(points))
        if coords:
            body.append(f'<polyline points="{coords}" fill="none" '
                        f'stroke="{ETAT_COLOURS["publie"]}" stroke-width="2"/>')
            last_date, last = points[-1]
            point_words = {"critere": words.criterion(c), "jour": words.day(last_date),
                           "chiffre": words.figure(last[c.key])}
            body.append(f'<circle cx="{px(len(points) - 1):.1f}" '
                        f'cy="{py(last[c.key].valeur or 0.0):.1f}" r="3.5" '
                        f'fill="{ETAT_COLOURS["publie"]}"><title>'
                        f"{escape(words.trend_point % point_words)}"
                        "</title></circle>")
        if points:
            first_date, first = points[0]
            last_date, last = points[-1]
            highest = max(points, key=lambda p: p[1][c.key].valeur or 0.0)
            desc = words.trend_desc % {
                "premier": words.figure(first[c.key]), "debut": words.day(first_date),
                "dernier": words.figure(last[c.key]), "fin": words.day(last_date),
                "versions": words.versions(len(points)),
                "haut": words.percent(highest[1][c.key]), "echelle": words.scale(y_max)}
        else:
            desc = words.trend_empty
        out.append((c, _svg(chart_id, width, height,
                            words.trend_title % {"critere": words.criterion(c)}, desc, body)))
    return out
