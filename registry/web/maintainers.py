"""Maintainers: login, the contribution queue, accept or reject with a reason.

The password is checked against MAINTAINER_PASSWORD_HASH (werkzeug.security). Without a
hash the pages are closed, except under Flask's development server in debug mode, where
DEV_PASSWORD opens them (never under `registry serve`: gunicorn or waitress). Every login
attempt from one client is counted, atomically and before the password is checked, in the
state store: beyond MAX_FAILURES attempts in LOCKOUT seconds the login is locked (429), on
every process and replica, whatever the number of parallel guesses. A session is known to
the server (registry.state.sessions): logging out closes it for good.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry.contributions import queue as subs
from registry.records.diff import body_diff, field_changes
from registry.records.validate import check_file
from registry.state import sessions, state_engine
from registry.web.errors import Forbidden, NotFound
from registry.web.forms import SafeForm
from registry.web.ratelimit import forget, take
from registry.web.responses import private

bp = Blueprint("maintainers", __name__, url_prefix="/mainteneurs")

DEV_PASSWORD = "mainteneur"  # only under the development server in debug, without a hash
MAX_FAILURES = 5
LOCKOUT = 15 * 60.0
SESSION_KEY = "mainteneur"
ATTEMPTS = "connexion"  # the lockout's counter
MAX_NEXT = 300


class LoginForm(SafeForm):
    password = PasswordField("Mot de passe", validators=[
        DataRequired("Indiquez le mot de passe."), Length(max=200)])
    next = StringField(validators=[Optional(), Length(max=300)])


class DecisionForm(SafeForm):
    raison = TextAreaField("Raison (montrée à la personne)", validators=[
        Optional(), Length(max=subs.MAX_REASON, message="2 000 caractères au plus.")])


def _hash() -> str:
    return str(current_app.config.get("MAINTAINER_PASSWORD_HASH") or "")


def development_server() -> bool:
    """Flask's development server (`flask run`, Werkzeug) in debug mode: never gunicorn or
    waitress, whatever FLASK_DEBUG says."""
    software = str(request.environ.get("SERVER_SOFTWARE", ""))
    return bool(current_app.debug) and software.startswith("Werkzeug/")


def login_open() -> bool:
    return bool(_hash()) or development_server()


def password_ok(password: str) -> bool:
    if _hash():
        try:
            return check_password_hash(_hash(), password)
        except (ValueError, TypeError):
            return False
    return development_server() and password == DEV_PASSWORD


def _safe_next(target: str | None) -> str:
    """A local path to go back to; anything else (another site, a scheme, a backslash that
    browsers read as a slash, control characters, CR/LF) goes to the queue."""
    target = target or ""
    if target.startswith("/") and not target.startswith("//") and len(target) <= MAX_NEXT \
            and "\\" not in target and all(" " < ch != "\x7f" for ch in target):
        try:
            parts = urlsplit(target)
        except ValueError:
            return url_for("maintainers.file")
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("maintainers.file")


def _engine():  # noqa: ANN202
    return state_engine(current_app.config)


@bp.before_request
def _require_login():  # noqa: ANN202
    if request.endpoint in ("maintainers.connexion",):
        return None
    if not sessions.is_open(_engine(), session.get(SESSION_KEY)):
        session.pop(SESSION_KEY, None)
        return redirect(url_for("maintainers.connexion", next=_safe_next(request.full_path
                                                                        .rstrip("?"))))
    return None


@bp.route("/connexion", methods=["GET", "POST"])
def connexion():  # noqa: ANN201
    if not login_open():
        raise Forbidden("Les pages des mainteneurs sont fermées : aucun mot de passe n'est "
                        "configuré (MAINTAINER_PASSWORD_HASH).")
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if request.method == "POST":
        from registry.web.contribute import PUBLIC_POSTS, WINDOW

        message = "Trop de tentatives de connexion depuis votre adresse. Réessayez plus tard."
        take(ATTEMPTS, MAX_FAILURES, LOCKOUT, message)  # counted before the password is read
        take(PUBLIC_POSTS, int(current_app.config.get("CONTRIB_RATE_LIMIT", 20)), WINDOW,
             message)
    if form.validate_on_submit():
        if password_ok(form.password.data):
            forget(ATTEMPTS)
            session.clear()
            session[SESSION_KEY] = sessions.open_session(_engine())
            return redirect(_safe_next(form.next.data), 303)
        form.password.errors.append("Mot de passe incorrect.")
    status = 401 if form.errors else 200
    return private(render_template("maintainers/connexion.html", form=form,
                                    dev=not _hash()), status)


@bp.post("/deconnexion")
def deconnexion():  # noqa: ANN201
    form = FlaskForm()
    if form.validate_on_submit():
        sessions.close_session(_engine(), session.get(SESSION_KEY))
        session.clear()
    return redirect(url_for("maintainers.connexion"), 303)


@bp.get("")
def file():  # noqa: ANN201
    rows = subs.queue(_engine())
    return private(render_template("maintainers/file.html", rows=rows, statuses=subs.STATUSES,
                                    logout=FlaskForm()))


def _submission(ident: int) -> subs.Submission:
    sub = subs.get(_engine(), ident)
    if sub is None:
        raise NotFound(f"Aucune contribution n° {ident}.")
    return sub


@bp.get("/contributions/<int:ident>")
def contribution(ident: int):  # noqa: ANN201
    sub = _submission(ident)
    changes, body, stale = [], [], False
    if sub.has_file:
        path = Path(current_app.config["DATA"]) / f"{sub.record_id}.md"
        current = check_file(path) if path.exists() else None
        old = current.meta if current is not None and sub.kind == "correction" else None
        changes = field_changes(old, sub.meta)
        body = body_diff(current.body if old is not None else "", sub.body)
        stale = sub.kind == "correction" and subs.file_hash(path) != sub.base_hash
    problems = [p.message for p in sub.check().problems if not p.warning] if sub.has_file \
        else []
    return private(render_template("maintainers/contribution.html", sub=sub, changes=changes,
                                    body=body, stale=stale, problems=problems,
                                    form=DecisionForm(), logout=FlaskForm()))


@bp.post("/contributions/<int:ident>/accepter")
def accepter(ident: int):  # noqa: ANN201
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            done = subs.accept(_engine(), Path(current_app.config["DATA"]),
                               ident, form.raison.data or "",
                               force=request.form.get("forcer") == "1")
        except subs.SubmissionError as exc:
            flash(f"Contribution n° {ident} non acceptée : {exc}.", "erreur")
            return redirect(url_for("maintainers.contribution", ident=ident), 303)
        where = f" ; fichier {done.path.name} écrit, à publier avec git puis « registry " \
                "build »" if done.path else ""
        flash(f"Contribution n° {ident} acceptée{where}.", "succes")
    return redirect(url_for("maintainers.file"), 303)


@bp.post("/contributions/<int:ident>/refuser")
def refuser(ident: int):  # noqa: ANN201
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            subs.reject(_engine(), ident, form.raison.data or "")
        except subs.SubmissionError as exc:
            flash(f"Contribution n° {ident} non refusée : {exc}.", "erreur")
            return redirect(url_for("maintainers.contribution", ident=ident), 303)
        flash(f"Contribution n° {ident} refusée.", "succes")
    return redirect(url_for("maintainers.file"), 303)
