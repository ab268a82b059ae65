"""Markdown to safe HTML: Python-Markdown, then nh3 with a strict allow-list."""

from __future__ import annotations

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"},
                      "th": {"align", "scope"}}


def render_markdown(text: str) -> str:
    """Render a record body; scripts, event handlers and javascript: links are removed."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"],
                             output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain(html_text: str) -> str:
    """Text of sanitised HTML, entities decoded (for the index and its excerpts)."""
    return html.unescape(nh3.clean(html_text, tags=set()))
