"""The web layer: a Flask factory registering one blueprint per concern."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from registry.config import load_settings
from registry.paths import STATIC, TEMPLATES
from registry.state.legacy import migrate_quietly
from registry.state.secrets import shared_secret
from registry.web import (
    caching,
    errors,
    i18n,
    limits,
    overview,
    ratelimit,
    resources,
    security,
    urls,
)
from registry.web.responses import StrictJSONProvider

# Modules of registry.web that expose a blueprint `bp`, in registration order.
BLUEPRINTS: tuple[str, ...] = ("pages", "algorithmes", "administrations", "api", "quality",
                              "coverage", "aiact", "cada", "opendata", "contribute", "maintainers",
                              "history")

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """Create the site. `config` overrides settings (see docs/configuration.md)."""
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.json = StrictJSONProvider(app)  # never NaN nor Infinity
    settings = load_settings(config)
    app.config.from_mapping(settings)
    app.config.update({k: v for k, v in (config or {}).items() if k not in settings})
    if not app.config.get("SECRET_KEY"):
        # one key for every process and replica, or no start (StateUnavailable)
        app.config["SECRET_KEY"] = shared_secret(app.config)
    migrate_quietly(app.config)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 4 * 3600)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=bool(app.config.get("HTTPS")),
                      # Flask's defaults hold MAX_CONTENT_LENGTH = None: `or`, not a default
                      MAX_CONTENT_LENGTH=app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024)
    limits.init_app(app)  # first: before the CSRF check and any other work
    csrf.init_app(app)
    resources.init_app(app)
    overview.init_app(app)  # the figures of each build, computed before it is published
    errors.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    caching.init_app(app)  # after the address bounds, before any page is read
    urls.init_app(app)
    i18n.init_app(app)  # the /en/ prefix wraps the whole application
    from registry.web import filters

    filters.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"registry.web.{name}").bp)
    return app
