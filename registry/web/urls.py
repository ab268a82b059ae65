"""Absolute addresses come from the SITE_URL setting, never from the request's Host header
(which any client sets: a forged Host would put its address in feeds, API results, letters
and tracking addresses that others copy)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, url_for

from registry.web.i18n import ROOT_KEY


def site_url() -> str:
    return str(current_app.config.get("SITE_URL") or "").rstrip("/")


def external_url(endpoint: str, *, same_language: bool = False, **values: object) -> str:
    """The absolute address of `endpoint` under SITE_URL (which includes any path prefix):
    the French one, unless `same_language` (then under /en/ on an English page: a feed's own
    address, the tracking address given to an English-speaking contributor)."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and same_language:
        root = str(request.environ.get(ROOT_KEY, root))
    if root and path.startswith(root):
        path = path[len(root):]
    return site_url() + path


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(external_url=external_url)
