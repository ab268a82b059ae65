"""Error classes carrying their HTTP status, and the one handler that renders them."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from registry.search import SearchUnavailable
from registry.state import StateUnavailable

log = logging.getLogger(__name__)


class HTTPError(Exception):
    status = 500
    title = "Erreur interne"

    def __init__(self, message: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message or self.title)
        self.message = message or self.title
        self.retry_after = retry_after


class BadRequest(HTTPError):
    status = 400
    title = "Requête invalide"


class Forbidden(HTTPError):
    status = 403
    title = "Accès refusé"


class NotFound(HTTPError):
    status = 404
    title = "Page introuvable"


class TooManyRequests(HTTPError):
    """Always sent with Retry-After (seconds until the client's window closes)."""

    status = 429
    title = "Trop de requêtes"

    def __init__(self, message: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message, retry_after=retry_after or 3600)


class URITooLong(HTTPError):
    status = 414
    title = "Adresse trop longue"


class Unavailable(HTTPError):
    status = 503
    title = "Service momentanément indisponible"


_TITLES = {400: BadRequest.title, 403: Forbidden.title, 404: NotFound.title,
           405: "Méthode non autorisée", 413: "Envoi trop volumineux",
           414: URITooLong.title, 429: TooManyRequests.title, 500: HTTPError.title,
           503: Unavailable.title}


def render_error(status: int, message: str, retry_after: int | None = None):  # noqa: ANN201
    title = _TITLES.get(status, "Erreur")
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
    """Why the database failed, in French; for a form, that nothing was saved."""
    reason = " : le serveur manque d'espace disque" if "full" in error else ""
    if request.method == "POST":
        return (f"Votre envoi n'a pas été enregistré : la base de données est momentanément "
                f"indisponible{reason}. Rien n'a été conservé ; revenez à la page précédente "
                "pour retrouver votre saisie et renvoyez-la dans quelques minutes.")
    return f"La base de données est momentanément indisponible{reason}. Réessayez dans " \
           "quelques instants."


def _handle(exc: Exception):  # noqa: ANN202
    if isinstance(exc, HTTPError):
        return render_error(exc.status, exc.message, exc.retry_after)
    if isinstance(exc, CSRFError):
        return render_error(400, "Le formulaire a expiré ou son jeton de sécurité (CSRF) est "
                                 "absent ou invalide. Rechargez la page et renvoyez-le.")
    if isinstance(exc, HTTPException):
        messages = {404: "Cette page n'existe pas. Vérifiez l'adresse ou cherchez un algorithme.",
                    405: "Cette adresse n'accepte pas cette méthode.",
                    413: "Les données envoyées sont trop volumineuses."}
        return render_error(exc.code or 500, messages.get(exc.code, exc.description or ""))
    if isinstance(exc, SearchUnavailable):
        return render_error(503, "La recherche est momentanément indisponible : " + str(exc))
    if isinstance(exc, StateUnavailable):
        log.error("state store unavailable: %s", exc)
        return render_error(503, _database_message(str(exc)))
    if isinstance(exc, OperationalError):
        log.error("database unavailable: %s", exc)
        return render_error(503, _database_message(str(exc.orig or exc)))
    log.exception("unexpected error")
    return render_error(500, "Une erreur inattendue s'est produite. Elle a été enregistrée.")


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, _handle)
