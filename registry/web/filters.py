"""Jinja filters and globals shared by every template (labels come from the catalogue)."""

from __future__ import annotations

from flask import Flask

from registry import catalogue as cat
from registry.text import french_date


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_fr"] = french_date
    app.jinja_env.filters["choice"] = lambda value, path: cat.choice_label(path, value)
    app.jinja_env.globals.update(catalogue=cat, label=cat.label)

    @app.context_processor
    def endpoints() -> dict:
        return {"url_map_endpoints": {rule.endpoint for rule in app.url_map.iter_rules()}}
