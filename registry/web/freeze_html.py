"""Rewrite the links of a rendered page for a static host (stdlib HTML parser, lossless).

Every tag is copied verbatim except the ones carrying a link attribute, which are rebuilt
with the link given by a callback; extra markup can be inserted before ``</head>``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src",
                   "form": "action", "area": "href", "source": "src"}

# A callback: (tag, url) -> new url, or None to drop the attribute.
Rewrite = Callable[[str, str], str | None]


def is_internal(url: str) -> bool:
    """A link to a page of the same site: root-relative or relative, not a fragment only."""
    url = url.strip()
    if not url or url.startswith(("#", "//")):
        return False
    head = url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


class _Rewriter(HTMLParser):
    def __init__(self, rewrite: Rewrite, head_extra: str) -> None:
        super().__init__(convert_charrefs=False)
        self.rewrite, self.head_extra, self.out = rewrite, head_extra, []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closing: bool) -> None:
        name = LINK_ATTRIBUTES.get(tag)
        if name is None or not any(k == name for k, _ in attrs):
            self.out.append(self.get_starttag_text() or "")
            return
        parts = [tag]
        for key, value in attrs:
            if key == name and value is not None:
                value = self.rewrite(tag, value)
                if value is None:
                    continue
            parts.append(key if value is None else f'{key}="{escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + (" />" if closing else ">"))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._tag(tag, attrs, closing=False)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._tag(tag, attrs, closing=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.out.append(self.head_extra)
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def rewrite_links(html: str, rewrite: Rewrite, head_extra: str = "") -> str:
    parser = _Rewriter(rewrite, head_extra)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        name = LINK_ATTRIBUTES.get(tag)
        for key, value in attrs:
            if key == name and value and is_internal(value):
                self.links.append(value.strip())


def internal_links(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.links
