"""Settings: declared once, with their help text, read from the environment.

Every setting can be given to ``create_app(config)`` or as an environment
variable with the ``REGISTRY_`` prefix. ``docs/configuration.md`` documents each
one; a test fails when one is missing there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Setting(NamedTuple):
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA", str(PROJECT_ROOT / "data" / "algorithms"),
            "Dossier des fiches (la source de vérité)."),
    Setting("ADMINISTRATIONS", "",
            "Dossier des fiches des administrations. Vide : le dossier « administrations » à "
            "côté du dossier des fiches (data/administrations)."),
    Setting("INSTANCE", str(PROJECT_ROOT / "instance"),
            "Dossier des artefacts dérivés (base, index, exports, cache)."),
    Setting("DATABASE_URL", "",
            "URL SQLAlchemy de la base. Vide : fichier SQLite construit sous INSTANCE."),
    Setting("STATE", str(PROJECT_ROOT / "state"),
            "Dossier de l'état (contributions, décisions, sessions, compteurs, clé secrète "
            "générée) : jamais dérivé, jamais reconstruit, à sauvegarder."),
    Setting("STATE_DATABASE_URL", "",
            "URL SQLAlchemy de la base d'état. Vide : fichier SQLite state.sqlite sous STATE."),
    Setting("SECRET_KEY", "",
            "Clé secrète des sessions et jetons CSRF. Vide : une clé générée une fois et "
            "gardée dans l'état, la même pour tous les processus."),
    Setting("SITE_URL", "http://127.0.0.1:5000",
            "Adresse publique du site, utilisée dans les exports, les flux et les lettres."),
    Setting("FORGE_URL", "",
            "Adresse du dépôt sur la forge (ex. https://github.com/org/registre) pour les liens "
            "« proposer sur la forge »."),
    Setting("MAINTAINER_PASSWORD_HASH", "",
            "Empreinte (werkzeug.security.generate_password_hash) du mot de passe des "
            "mainteneurs. Vide : pages mainteneurs fermées."),
    Setting("HTTPS", False,
            "Vrai derrière HTTPS : cookies Secure et en-tête HSTS."),
    Setting("FORGE_BRANCH", "main",
            "Branche de la forge visée par les liens « proposer sur la forge »."),
    Setting("CONTRIB_RATE_LIMIT", 20,
            "Nombre d'envois de formulaires publics (contributions, connexion) acceptés par "
            "adresse IP et par heure ; au-delà, réponse 429. Les lettres d'accès aux documents "
            "(CADA) en acceptent cinq fois plus. 0 : pas de limite."),
    Setting("TRUSTED_PROXIES", 0,
            "Nombre de mandataires inverses de confiance devant le site : l'adresse du client "
            "est alors lue dans X-Forwarded-For (ProxyFix). 0 : l'adresse de la connexion."),
    Setting("WARM_WAIT", 60,
            "Secondes qu'une construction attend, au plus, que chaque processus serveur ait "
            "préchauffé le nouvel index avant de le publier. 0 : publier sans attendre (les "
            "serveurs le préchauffent alors en servant encore l'ancien)."),
    Setting("PAGE_CACHE_MB", 64,
            "Mégaoctets de pages publiques rendues gardées en mémoire par processus jusqu'à la "
            "construction suivante (servies sans nouveau rendu). 0 : aucune."),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}
PREFIX = "REGISTRY_"


def _coerce(default: object, value: str) -> object:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "oui", "yes", "on")
    if isinstance(default, int):
        return int(value)
    return value


def administrations_folder(settings: dict) -> Path:
    """The administrations folder of a register (the ADMINISTRATIONS setting or its default)."""
    if settings.get("ADMINISTRATIONS"):
        return Path(str(settings["ADMINISTRATIONS"]))
    return Path(str(settings["DATA"])).parent / "administrations"


def load_settings(overrides: dict | None = None) -> dict:
    """Defaults, then ``REGISTRY_*`` environment variables, then explicit overrides."""
    values = {s.name: s.default for s in SETTINGS}
    for s in SETTINGS:
        env = os.environ.get(PREFIX + s.name)
        if env is not None:
            values[s.name] = _coerce(s.default, env)
    for key, value in (overrides or {}).items():
        name = key[len(PREFIX):] if key.startswith(PREFIX) else key
        if name in values:
            values[name] = value
    return values
