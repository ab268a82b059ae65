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

A record body's citations ``[^cle]`` become numbered links to the record's source list
(``#source-<cle>``); they are replaced by placeholders before Markdown and by our own
escaped HTML after sanitising, so no author-written HTML ever carries an attribute nh3
would not allow.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from registry.records.citations import KEY_RE, MARKER_RE

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"},
                      "th": {"align", "scope"}}
EXTENSIONS = ["table", "strikethrough", "autolink"]
MAX_NESTING = 16  # block quotes and lists inside one another
_CONTAINER = re.compile(r"<(/?)(?:blockquote|ul|ol)\b")
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a record's text
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


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
    """Render Markdown; scripts, event handlers and javascript: links are removed."""
    return render_markdown_raw((text or "").replace(_OPEN, "").replace(_CLOSE, ""))


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
    raw = _cmark(text)
    if _depth(raw) > MAX_NESTING:
        return f"<pre>{html.escape(_PLACEHOLDER.sub('', text or ''))}</pre>"
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain(html_text: str) -> str:
    """Text of sanitised HTML, entities decoded (for the index and its excerpts)."""
    text = re.sub(r'<sup class="renvoi">.*?</sup>', "", html_text)
    return html.unescape(nh3.clean(text, tags=set()))
