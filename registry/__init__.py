"""Registre citoyen des algorithmes publics.

The package's core modules never import Flask; ``create_app`` imports the web
layer only when called, so ``flask --app registry run`` works.
"""

from __future__ import annotations


def create_app(config: dict | None = None):  # noqa: ANN201
    """Flask application factory (see registry.web.create_app)."""
    from registry.web import create_app as _create_app

    return _create_app(config)
