"""Error classes carrying their HTTP status, and the one handler that renders them."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from registry.search import SearchUnavailable
from registry.state import StateUnavailable

log = logging.getLogger(__name__)


class HTTPError(Exception):
    """An error page; `title` is translated when the page is rendered (lazy)."""

    status = 500
    title: object = _l("Erreur interne")

    def __init__(self, message: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message or str(self.title))
        self.message = message or self.title
        self.retry_after = retry_after


class BadRequest(HTTPError):
    status = 400
    title = _l("Requête invalide")


class Forbidden(HTTPError):
    status = 403
    title = _l("Accès refusé")


class NotFound(HTTPError):
    status = 404
    title = _l("Page introuvable")


class TooManyRequests(HTTPError):
    """Always sent with Retry-After (seconds until the client's window closes)."""

    status = 429
    title = _l("Trop de requêtes")

    def __init__(self, message: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message, retry_after=retry_after or 3600)


class URITooLong(HTTPError):
    status = 414
    title = _l("Adresse trop longue")


class Unavailable(HTTPError):
    status = 503
    title = _l("Service momentanément indisponible")


_TITLES = {400: BadRequest.title, 403: Forbidden.title, 404: NotFound.title,
           405: _l("Méthode non autorisée"), 413: _l("Envoi trop volumineux"),
           414: URITooLong.title, 429: TooManyRequests.title, 500: HTTPError.title,
           503: Unavailable.title}


def render_error(status: int, message: object, retry_after: int | None = None) -> Response:
    title = str(_TITLES.get(status) or gettext("Erreur"))
    message = str(message)
    if request.path.startswith("/api/"):
        response = jsonify({"erreur": {"statut": status, "titre": title, "message": message}})
    else:
        wait = retry_after if status == 429 else None
        response = make_response(render_template("errors/error.html", status=status,
                                                 title=title, message=message,
                                                 wait_minutes=-(-wait // 60) if wait else None))
    if status == 503 or retry_after:
        response.headers["Retry-After"] = str(retry_after or 30)
    elif status == 429:
        response.headers["Retry-After"] = "3600"
    return response, status


def _database_message(error: str) -> str:
    """Why the database failed, in the page's language; for a form, that nothing was saved."""
    full = "full" in error
    if request.method == "POST":
        if full:
            return gettext("Votre envoi n'a pas été enregistré : la base de données est "
                           "momentanément indisponible : le serveur manque d'espace disque. "
                           "Rien n'a été conservé ; revenez à la page précédente pour "
                           "retrouver votre saisie et renvoyez-la dans quelques minutes.")
        return gettext("Votre envoi n'a pas été enregistré : la base de données est "
                       "momentanément indisponible. Rien n'a été conservé ; revenez à la page "
                       "précédente pour retrouver votre saisie et renvoyez-la dans quelques "
                       "minutes.")
    if full:
        return gettext("La base de données est momentanément indisponible : le serveur manque "
                       "d'espace disque. Réessayez dans quelques instants.")
    return gettext("La base de données est momentanément indisponible. Réessayez dans "
                   "quelques instants.")


def _handle(exc: Exception) -> Response:
    if isinstance(exc, HTTPError):
        return render_error(exc.status, exc.message, exc.retry_after)
    if isinstance(exc, CSRFError):
        return render_error(400, gettext("Le formulaire a expiré ou son jeton de sécurité "
                                         "(CSRF) est absent ou invalide. Rechargez la page et "
                                         "renvoyez-le."))
    if isinstance(exc, HTTPException):
        messages = {404: _l("Cette page n'existe pas. Vérifiez l'adresse ou cherchez un "
                            "algorithme."),
                    405: _l("Cette adresse n'accepte pas cette méthode."),
                    413: _l("Les données envoyées sont trop volumineuses.")}
        return render_error(exc.code or 500, messages.get(exc.code, exc.description or ""))
    if isinstance(exc, SearchUnavailable):
        return render_error(503, gettext("La recherche est momentanément indisponible : "
                                         "%(raison)s", raison=str(exc)))
    if isinstance(exc, StateUnavailable):
        log.error("state store unavailable: %s", exc)
        return render_error(503, _database_message(str(exc)))
    if isinstance(exc, OperationalError):
        log.error("database unavailable: %s", exc)
        return render_error(503, _database_message(str(exc.orig or exc)))
    log.exception("unexpected error")
    return render_error(500, gettext("Une erreur inattendue s'est produite. Elle a été "
                                     "enregistrée."))


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, _handle)
