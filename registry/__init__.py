"""Registre citoyen des algorithmes publics.

The package's core modules never import Flask; ``create_app`` imports the web
layer only when called, so ``flask --app registry run`` works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the web layer is imported only when an application is made
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Flask application factory (see registry.web.create_app)."""
    from registry.web import create_app as _create_app

    return _create_app(config)
