"""Markdown to safe HTML: Python-Markdown, then nh3 with a strict allow-list.

A record body's citations ``[^cle]`` become numbered links to the record's source list
(``#source-<cle>``); they are replaced by placeholders before Markdown and by our own
escaped HTML after sanitising, so no author-written HTML ever carries an attribute nh3
would not allow.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

from registry.records.citations import KEY_RE, MARKER_RE

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"},
                      "th": {"align", "scope"}}
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a record's text
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def render_markdown(text: str) -> str:
    """Render Markdown; scripts, event handlers and javascript: links are removed."""
    rendered = markdown.markdown((text or "").replace(_OPEN, "").replace(_CLOSE, ""),
                                 extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def citation_link(key: str, number: int, occurrence: int, title: str = "") -> str:
    """The numbered link of one citation (also used for field-level citations)."""
    label = f"Source {number}" + (f" : {title}" if title else "")
    return (f'<sup class="renvoi"><a href="#source-{key}" id="renvoi-{key}-{occurrence}" '
            f'title="{html.escape(label)}">[{number}]</a></sup>')


def render_record_body(text: str, numbers: dict[str, int],
                       titles: dict[str, str] | None = None) -> str:
    """Render a record body, its ``[^cle]`` citations as numbered links to its sources."""
    cited: list[str] = []

    def hold(match: re.Match) -> str:
        key = match.group(1)
        if not KEY_RE.match(key) or key not in numbers:
            return match.group(0)
        cited.append(key)
        return f"{_OPEN}{len(cited) - 1}{_CLOSE}"

    clean = (text or "").replace(_OPEN, "").replace(_CLOSE, "")
    rendered = render_markdown_raw(MARKER_RE.sub(hold, clean))
    seen: dict[str, int] = {}

    def link(match: re.Match) -> str:
        key = cited[int(match.group(1))]
        seen[key] = seen.get(key, 0) + 1
        return citation_link(key, numbers[key], seen[key], (titles or {}).get(key, ""))

    return _PLACEHOLDER.sub(link, rendered)


def render_markdown_raw(text: str) -> str:
    """Like render_markdown, but keeps the citation placeholders of render_record_body."""
    rendered = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain(html_text: str) -> str:
    """Text of sanitised HTML, entities decoded (for the index and its excerpts)."""
    text = re.sub(r'<sup class="renvoi">.*?</sup>', "", html_text)
    return html.unescape(nh3.clean(text, tags=set()))
