"""Settings: declared once, with their help text; read from a register's configuration file,
the environment and explicit values.

Every setting can be written in the register's file ``registre.toml`` (key in lower case,
relative paths read from the file's folder), given as an environment variable with the
``REGISTRY_`` prefix, or passed to ``create_app(config)``; later ones win. The folders
default to paths relative to the working directory, so ``registry init DOSSIER && cd
DOSSIER && registry build && registry serve`` runs a register anywhere.
``docs/configuration.md`` documents each setting; a test fails when one is missing there.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import NamedTuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout (tests, docs, scripts)


class Setting(NamedTuple):
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CONFIG", "registre.toml",
            "Fichier de configuration du registre (TOML : les réglages de cette page, en "
            "minuscules ; les chemins relatifs y sont lus depuis le dossier du fichier). "
            "Ignoré s'il n'existe pas. Se donne par l'environnement ou create_app."),
    Setting("SITE_NAME", "Registre citoyen des algorithmes publics",
            "Nom du registre, affiché sur chaque page, dans les flux et les lettres."),
    Setting("PUBLISHER", "",
            "Qui publie ce registre (une ville, une association…), affiché en pied de page. "
            "Vide : rien n'est affiché."),
    Setting("DATA", "data/algorithms",
            "Dossier des fiches (la source de vérité), relatif au dossier courant."),
    Setting("ADMINISTRATIONS", "",
            "Dossier des fiches des administrations. Vide : le dossier « administrations » à "
            "côté du dossier des fiches (data/administrations)."),
    Setting("INSTANCE", "instance",
            "Dossier des artefacts dérivés (base, index, exports, cache), relatif au dossier "
            "courant."),
    Setting("DATABASE_URL", "",
            "URL SQLAlchemy de la base. Vide : fichier SQLite construit sous INSTANCE."),
    Setting("STATE", "state",
            "Dossier de l'état (contributions, décisions, sessions, compteurs, clé secrète "
            "générée) : jamais dérivé, jamais reconstruit, à sauvegarder. Relatif au dossier "
            "courant."),
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
    Setting("PUBLICATION", "commit",
            "Ce que fait l'acceptation d'une contribution : « commit » (la fiche est modifiée "
            "et committée dans le dépôt, puis le site reconstruit), « forge » (une branche est "
            "poussée sur FORGE_REMOTE avec une demande de fusion : copie en lecture seule) ou "
            "« fichier » (le fichier est seulement écrit)."),
    Setting("FORGE_REMOTE", "",
            "Dépôt git de la forge où pousser les contributions acceptées quand PUBLICATION "
            "vaut « forge » (URL ssh ou https avec jeton, ou chemin d'un dépôt nu)."),
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
            "préchauffé le nouvel index, puis, une fois la base enregistrée, qu'il ait "
            "calculé ses chiffres de la nouvelle construction, avant de la publier. 0 : "
            "publier sans attendre (les serveurs le font alors en servant encore l'ancien)."),
    Setting("PAGE_CACHE_MB", 64,
            "Mégaoctets de pages publiques rendues gardées en mémoire par processus jusqu'à la "
            "construction suivante (servies sans nouveau rendu). 0 : aucune."),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}
PREFIX = "REGISTRY_"
PATHS = ("DATA", "ADMINISTRATIONS", "INSTANCE", "STATE")  # relative: to the folder of origin


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is in French."""


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
    """Defaults, then the configuration file, then ``REGISTRY_*`` environment variables,
    then explicit overrides. Folders come back absolute. Raises ConfigError for a file
    that cannot be read or names an unknown setting."""
    cwd = Path.cwd()
    values: dict[str, object] = {s.name: s.default for s in SETTINGS}
    origin = dict.fromkeys(values, cwd)
    explicit = {(k[len(PREFIX):] if k.startswith(PREFIX) else k): v
                for k, v in (overrides or {}).items()}
    env = {s.name: _coerce(s.default, os.environ[PREFIX + s.name]) for s in SETTINGS
           if PREFIX + s.name in os.environ}
    config = Path(str(explicit.get("CONFIG") or env.get("CONFIG") or values["CONFIG"]))
    config = config if config.is_absolute() else cwd / config
    values["CONFIG"] = str(config)
    for name, value in _read_config(config).items():
        values[name], origin[name] = value, config.parent
    for name, value in env.items():
        values[name], origin[name] = value, cwd
    for name, value in explicit.items():
        if name in values:
            values[name], origin[name] = value, cwd
    for name in PATHS:
        if values[name]:
            path = Path(str(values[name])).expanduser()
            values[name] = str(path if path.is_absolute() else origin[name] / path)
    return values


def _read_config(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} : fichier de configuration illisible ({exc})") from exc
    out: dict[str, object] = {}
    for key, value in raw.items():
        name = key.upper()
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None or name == "CONFIG":
            known = ", ".join(s.name.lower() for s in SETTINGS if s.name != "CONFIG")
            raise ConfigError(f"{path} : réglage inconnu « {key} » (réglages : {known})")
        if isinstance(setting.default, bool) != isinstance(value, bool) or \
                not isinstance(value, type(setting.default) if setting.default is not None
                               else object):
            raise ConfigError(f"{path} : « {key} » doit être "
                              f"{_KIND.get(type(setting.default), 'un texte')}")
        out[name] = value
    return out


_KIND = {bool: "vrai ou faux (true/false)", int: "un nombre entier", str: "un texte entre "
         "guillemets"}
