"""The interface in two languages: French at the site's root, English under ``/en/``.

The language comes from the address only (no cookie, no banner, no Accept-Language
guess): a small WSGI layer moves a leading ``/en`` from PATH_INFO to SCRIPT_NAME, so the
same blueprints answer both, and every ``url_for`` of an English page keeps the prefix
(Flask builds addresses under SCRIPT_NAME). Flask-Babel reads the gettext catalogues of
``registry/translations/`` for the interface's strings; the field catalogue carries its own
English labels (``registry/records/catalogue.py``), read here by the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote

from flask import Flask, request
from flask_babel import Babel

from registry.locales import LANGUAGES, NAMES, SOURCE
from registry.paths import TRANSLATIONS

ENVIRON_KEY = "registry.lang"
ROOT_KEY = "registry.root"  # SCRIPT_NAME before the language prefix
PREFIXES = {lang: f"/{lang}" for lang in LANGUAGES if lang != SOURCE}

StartResponse = Callable[..., object]


class LanguagePrefix:
    """WSGI middleware: ``/en/…`` is served by the same application, in English."""

    def __init__(self, app: Callable[[dict, StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        root = environ.get("SCRIPT_NAME", "") or ""
        environ[ROOT_KEY] = root
        environ[ENVIRON_KEY] = SOURCE
        for lang, prefix in PREFIXES.items():
            if path == prefix or path.startswith(prefix + "/"):
                environ[ENVIRON_KEY] = lang
                environ["SCRIPT_NAME"] = root + prefix
                environ["PATH_INFO"] = path[len(prefix):] or "/"
                break
        return self.app(environ, start_response)


def current_language() -> str:
    """The language of the current request (French outside a request)."""
    try:
        return str(request.environ.get(ENVIRON_KEY, SOURCE))
    except RuntimeError:
        return SOURCE


def page_in(lang: str) -> str:
    """The address (from the site's root, with the query) of this page in `lang`."""
    root = str(request.environ.get(ROOT_KEY, ""))
    query = request.query_string.decode("latin-1")
    path = quote(request.path, safe="/:@!$&'()*+,;=-._~%")
    prefix = PREFIXES.get(lang, "")
    return f"{root}{prefix}{path}" + (f"?{query}" if query else "")


def alternates() -> list[dict[str, str]]:
    """This page in every language: code, own name, address, whether it is the current one
    (the language switch and the hreflang links of every page). Only GET pages have one;
    a page answering a POST links to nothing."""
    if request.method != "GET":
        return []
    current = current_language()
    return [{"lang": lang, "nom": NAMES[lang], "url": page_in(lang),
             "courante": lang == current} for lang in LANGUAGES]


def init_app(app: Flask) -> None:
    app.wsgi_app = LanguagePrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE)
    Babel(app, locale_selector=current_language,
          default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as extracted (babel.cfg)
    app.jinja_env.globals.update(alternates=alternates, current_language=current_language,
                                 source_language=SOURCE)
