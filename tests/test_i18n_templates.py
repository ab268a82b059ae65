"""Every UI string of the translated templates is wrapped for translation.

Each template is read with Jinja's own lexer: text outside ``{% trans %}`` blocks (what the
page shows between tags and in the attributes people read: aria-label, title, alt,
placeholder, content) and the string literals of its expressions must not be words, unless
they are the arguments of ``_()`` / ``gettext()`` or in the short list of proper nouns
below. The letters are not checked (French by design: legal documents).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from jinja2 import Environment
from jinja2.ext import i18n

from registry.paths import TEMPLATES

TRANSLATED = ["base.html", "_ariane.html", "_formulaires.html", "pages/*.html",
              "algorithmes/*.html", "administrations/*.html", "cada/formulaire.html",
              "cada/apercu.html", "cada/delais.html", "quality/*.html", "errors/*.html",
              "contribute/*.html", "maintainers/*.html", "history/*.html",
              "coverage/*.html", "opendata/*.html", "aiact/*.html"]
# Not translated on purpose: the letter is a French legal document (its page too).
FRENCH_BY_DESIGN = {"cada/lettre.html"}
# Words that are the same in every language (names, symbols).
PROPER_NOUNS = {"Français", "English", "SIREN", "CADA", "PRADA", "PDF", "HTML"}
TEXT_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "summary"}
WORD = re.compile(r"[^\W\d_]{2,}")
GETTEXT = {"_", "gettext", "ngettext", "pgettext"}
CODE_NAME = re.compile(r"(?:[A-Z][a-z0-9]+){2,}")
HOLE = " "  # where an expression or a tag stood (keeps the HTML parsable)


def templates() -> list[str]:
    names = sorted({str(p.relative_to(TEMPLATES)) for pattern in TRANSLATED
                    for p in TEMPLATES.glob(pattern)})
    return [n for n in names if n not in FRENCH_BY_DESIGN]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [v for k, v in attrs if k in TEXT_ATTRIBUTES and v]
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.found.append(dict(attrs).get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in PROPER_NOUNS]


def unwrapped(source: str) -> list[str]:
    """The words of `source` that a translation would miss."""
    env = Environment(extensions=[i18n])
    data: list[str] = []
    literals: list[str] = []
    in_trans = 0
    previous: list[tuple[str, str]] = []
    for _line, kind, value in env.lex(source):
        if kind == "name" and previous and previous[-1][0] == "block_begin":
            if value == "trans":
                in_trans += 1
            elif value == "endtrans":
                in_trans -= 1
        if kind == "data":
            data.append(value if not in_trans else HOLE)
        elif kind in ("variable_begin", "block_begin", "comment_begin"):
            data.append(HOLE)
        elif kind == "string":
            called = [v for k, v in previous[-2:]]
            if not (len(called) == 2 and called[0] in GETTEXT and called[1] == "("):
                literals.append(value[1:-1])  # the lexer keeps the quotes
        if kind not in ("whitespace",):
            previous.append((kind, value))
    parser = _Text()
    parser.feed("".join(data))
    words = [w for text in parser.found for w in _words(text)]
    # a literal with a space or a capital is text, not a key, an endpoint or a class (nor a
    # CamelCase name of code: WTForms' field types, « FieldList »)
    words += [w for text in literals if re.search(r"\s|^[A-ZÀ-Ý][a-zà-ÿ]", text.strip())
              and not CODE_NAME.fullmatch(text.strip()) for w in _words(text)]
    return words


@pytest.mark.parametrize("name", templates())
def test_every_string_is_wrapped(name: str) -> None:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    assert unwrapped(source) == [], f"{name}: wrap these in _() or {{% trans %}}"


def test_the_check_finds_what_is_not_wrapped() -> None:
    assert unwrapped('<p>Bonjour {{ nom }}</p>') == ["Bonjour"]
    assert unwrapped('<nav aria-label="Navigation principale"></nav>') == ["Navigation",
                                                                          "principale"]
    assert unwrapped("{{ 'Oui' if x else 'Non' }}") == ["Oui", "Non"]
    assert unwrapped("{{ 'Fiche publiée' if field.type == 'FieldList' }}") == ["Fiche",
                                                                              "publiée"]
    assert unwrapped("{{ _('Oui') }} {% trans %}Bonjour {{ nom }}{% endtrans %} "
                     "{{ url_for('pages.accueil') }} <p class=\"x\">{{ n }} · —</p>") == []
    assert len(templates()) >= 20
