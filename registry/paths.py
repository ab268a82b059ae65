"""Where the software's own files are, in a checkout or in an installed wheel.

A checkout keeps the templates at the top level (``templates/``); the wheel installs them
inside the package (``registry/templates``, see pyproject.toml). The static files are in
``registry/static`` in both, the gettext catalogues of the interface in
``registry/translations`` (``<lang>/LC_MESSAGES/messages.po`` and its compiled ``.mo``).
A register's own files (records, state, instance) are settings
(registry/config.py), never looked for here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
TRANSLATIONS = PACKAGE / "translations"


def templates_folder() -> Path:
    """``registry/templates`` when installed from a wheel, else the checkout's ``templates/``."""
    installed = PACKAGE / "templates"
    return installed if (installed / "base.html").is_file() else PACKAGE.parent / "templates"


TEMPLATES = templates_folder()
