"""Bounds on what one request may ask for, checked before any other work.

The servers bound the request line and headers too (gunicorn's limit_request_line,
waitress' max_request_header_size: see registry/cli/site.py); the application refuses, in
the page's language, an address longer than MAX_URL, and the list pages and the API more than
MAX_FILTER_VALUES filter values (each value multiplies the links of the page).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext

from registry.web.errors import BadRequest, URITooLong

MAX_URL = 4096  # characters of path and query string
MAX_FILTER_VALUES = 30  # facet values in one request, all facets together


def check_filters(count: int) -> None:
    if count > MAX_FILTER_VALUES:
        raise BadRequest(gettext("Trop de filtres dans l'adresse : %(max)s valeurs au plus "
                                 "(reçu : %(n)s). Retirez des filtres et réessayez.",
                                 max=MAX_FILTER_VALUES, n=count))


def _check_url() -> None:
    environ = request.environ
    length = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
    if length > MAX_URL:
        raise URITooLong(gettext("L'adresse demandée est trop longue (%(n)s caractères ; "
                                 "%(max)s au plus). Raccourcissez la recherche ou retirez des "
                                 "filtres.", n=length, max=MAX_URL))


def init_app(app: Flask) -> None:
    app.before_request(_check_url)
