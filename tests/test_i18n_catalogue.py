"""The interface's second language: the gettext catalogue and the catalogue's English labels.

Fails on any untranslated or fuzzy string of the English catalogue, on a string wrapped in a
template or in registry/web that the catalogue lacks (extracted here as `make
translations-update` does, with babel.cfg), on a compiled .mo that is older than its .po,
and on any field, criterion, section or value label without its English version.
"""

from __future__ import annotations

import re

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from registry.cada import deadlines, letters
from registry.config import PROJECT_ROOT
from registry.contributions import queue
from registry.locales import LANGUAGES, SOURCE
from registry.paths import TRANSLATIONS
from registry.records import catalogue as cat

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != SOURCE]


def _po(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def extracted() -> set[str | tuple[str, ...]]:
    """Every msgid of registry/web and templates/, as babel.cfg maps them."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else tuple(message[:2]))
    return ids


def _key(message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def _text(value: object) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


def test_the_makefile_extracts_with_the_same_keywords() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "BABEL_KEYWORDS := -k _l -k lazy_gettext" in makefile
    assert "pybabel compile" in makefile and re.search(r"^test: .*translations", makefile, re.M)
    assert re.search(r"^build: .*translations", makefile, re.M)  # make run builds first


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    for lang in OTHER_LANGUAGES:
        catalog = _po(lang)
        empty = [m.id for m in catalog if m.id and (not m.string or (
            isinstance(m.string, tuple) and not all(m.string)))]
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert not empty, f"{lang}: untranslated {empty[:10]}"
        assert not fuzzy, f"{lang}: fuzzy {fuzzy[:10]}"
        assert not catalog.obsolete, f"{lang}: obsolete {list(catalog.obsolete)[:10]}"


def test_the_catalogue_has_every_wrapped_string_and_no_stale_one() -> None:
    wanted = extracted()
    assert len(wanted) > 300  # the extraction really read the templates
    for lang in OTHER_LANGUAGES:
        have = {_key(m) for m in _po(lang) if m.id}
        missing = sorted(map(str, wanted - have))
        stale = sorted(map(str, have - wanted))
        assert not missing, f"{lang}: run `make translations-update`, then translate {missing[:10]}"
        assert not stale, f"{lang}: run `make translations-update` ({stale[:10]} are gone)"


def test_placeholders_survive_translation() -> None:
    names = re.compile(r"%\((\w+)\)s")
    for lang in OTHER_LANGUAGES:
        for m in _po(lang):
            if not m.id:
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            expected = set(names.findall(" ".join(ids)))
            for s in strings:
                assert set(names.findall(s)) <= expected, (m.id, s)
                assert s.count("%%") == ids[0].count("%%"), (m.id, s)
                assert s.count("<") == ids[0].count("<"), (m.id, s)  # same markup


def test_the_compiled_catalogue_is_current() -> None:
    """The .mo the site reads says what the .po says (`make translations` compiles it)."""
    for lang in OTHER_LANGUAGES:
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
            compiled = {_key(m): _text(m.string) for m in read_mo(f) if m.id}
        source = {_key(m): _text(m.string) for m in _po(lang) if m.id and not m.fuzzy}
        assert compiled == source, "run `make translations`"


def test_every_field_and_criterion_has_its_english_label_and_help() -> None:
    for kind, fields in cat.FIELDS_OF_KIND.items():
        missing = [path for path, f in cat.walk(fields) if not (f.label_en and f.help_en)]
        assert not missing, f"{kind}: no English label or help for {missing}"
    assert all(c.label_en and c.published_means_en for c in cat.CRITERIA)
    assert set(cat.SECTIONS_EN) == set(cat.SECTIONS)
    assert all(cat.SECTIONS_EN.values())


def test_every_value_label_has_its_english_label() -> None:
    assert set(cat.CHOICE_LABELS_EN) == set(cat.CHOICE_LABELS)
    for path, labels in cat.CHOICE_LABELS.items():
        english = cat.CHOICE_LABELS_EN[path]
        assert set(english) == set(labels), path
        assert all(english.values()), path
    assert cat.choice_label("domaine", "logement", "en") == "Housing"
    assert cat.choice_label("domaine", "logement") == "Logement"


def test_the_cada_tables_have_their_english_texts() -> None:
    assert set(deadlines.STEPS_EN) == set(deadlines.STEPS) == set(deadlines.EXPLANATIONS_EN)
    phrases = {p for p, _ in deadlines.NEXT_STEP.values()} | set(deadlines.EXPIRED.values())
    assert set(deadlines.PHRASES_EN) == phrases
    assert set(letters.LETTER_TYPES_EN) == set(letters.LETTER_TYPES)


def test_the_contribution_tables_have_their_english_texts() -> None:
    assert set(queue.KINDS_EN) == set(queue.KINDS) and all(queue.KINDS_EN.values())
    assert set(queue.STATUSES_EN) == set(queue.STATUSES) and all(queue.STATUSES_EN.values())
    assert set(queue.NOTED) == set(LANGUAGES)
    assert set(cat.GUIDE_STEPS_EN) == set(cat.GUIDE_STEPS) and all(cat.GUIDE_STEPS_EN.values())
    report = queue.Submission(kind="signalement", status=queue.ACCEPTED)
    assert report.status_label_for("en") == "Taken into account"
    assert report.status_label == "Pris en compte"
