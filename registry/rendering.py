"""Markdown to safe HTML: cmark-gfm (GitHub's C implementation of CommonMark), then nh3.

Both are linear in the size of their input in practice (cmark-gfm's parser is designed
to avoid the quadratic cases of regex-based renderers: nested or unclosed brackets, code
spans, runs of ``<``), so the cost of rendering is bounded by the size limits of the forms.
GFM tables, strikethrough and bare-link autolinks are on. Raw HTML is not rendered
(cmark-gfm's safe mode drops it, and links other than http, https and mailto), then nh3
cleans the result with a strict allow-list of tags and attributes (defence in depth).

Deep nesting is the one input whose cost is not linear (an HTML tree builder checks the
open elements at each step): a text nesting more than MAX_NESTING block quotes or lists is
shown as plain preformatted text, and the forms refuse it (``nesting_ok``).
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"},
                      "th": {"align", "scope"}}
EXTENSIONS = ["table", "strikethrough", "autolink"]
MAX_NESTING = 16  # block quotes and lists inside one another
_CONTAINER = re.compile(r"<(/?)(?:blockquote|ul|ol)\b")


def _cmark(text: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(text or "", options=Options.CMARK_OPT_DEFAULT,
                                                    extensions=EXTENSIONS)


def _depth(raw: str) -> int:
    depth = deepest = 0
    for match in _CONTAINER.finditer(raw):
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def nesting_ok(text: str) -> bool:
    """Whether a text nests at most MAX_NESTING block quotes or lists."""
    return _depth(_cmark(text)) <= MAX_NESTING


def render_markdown(text: str) -> str:
    """Render a record body; scripts, event handlers and javascript: links are removed."""
    raw = _cmark(text)
    if _depth(raw) > MAX_NESTING:
        return f"<pre>{html.escape(text or '')}</pre>"
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain(html_text: str) -> str:
    """Text of sanitised HTML, entities decoded (for the index and its excerpts)."""
    return html.unescape(nh3.clean(html_text, tags=set()))
