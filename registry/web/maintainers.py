"""Maintainers: login with a named account, the contribution queue, accept or reject.

Each maintainer has an account (registry.state.accounts, `registry maintainers add`):
every decision is recorded with its author. Without any account the pages are closed,
except under Flask's development server in debug mode, where the login DEV_LOGIN with
DEV_PASSWORD opens them (never under `registry serve`: gunicorn or waitress). Every login
attempt from one client is counted, atomically and before the password is checked, in the
state store: beyond MAX_FAILURES attempts in LOCKOUT seconds the login is locked (429), on
every process and replica, whatever the number of parallel guesses. A session is known to
the server (registry.state.sessions): logging out closes it for good. Accepting publishes
(registry.contributions.publish): commit with a French message, rebuild, no shell.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry.contributions import publish
from registry.contributions import queue as subs
from registry.records.diff import body_diff, field_changes
from registry.records.validate import check_file
from registry.records.wording import sentences
from registry.state import accounts, sessions, state_engine
from registry.web.errors import Forbidden, NotFound
from registry.web.filters import en_francais
from registry.web.forms import SafeForm
from registry.web.ratelimit import forget, take
from registry.web.responses import private

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from sqlalchemy.engine import Engine

bp = Blueprint("maintainers", __name__, url_prefix="/mainteneurs")

DEV_LOGIN = DEV_PASSWORD = "mainteneur"  # only under the development server, without accounts
DEV_ACCOUNT = accounts.Account(DEV_LOGIN, "Mainteneur (développement)")
MAX_FAILURES = 5
LOCKOUT = 15 * 60.0
SESSION_KEY = "mainteneur"
ATTEMPTS = "connexion"  # the lockout's counter
MAX_NEXT = 300


class LoginForm(SafeForm):
    login = StringField(_l("Identifiant"), validators=[
        DataRequired(_l("Indiquez votre identifiant de mainteneur (ex. camille.durand).")),
        Length(max=40, message=_l("%(n)s caractères au plus.", n=40))],
        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Mot de passe"), validators=[
        DataRequired(_l("Indiquez votre mot de passe.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    next = StringField(validators=[Optional(), Length(max=300)])


class DecisionForm(SafeForm):
    raison = TextAreaField(_l("Raison (publiée avec la décision)"), description=_l(
        "Montrée à la personne sur sa page de suivi et dans le journal public des décisions. "
        "Pour un refus, dites ce qu'il faudrait changer : la personne peut réviser sa "
        "proposition et la renvoyer."), validators=[
        Optional(), Length(max=subs.MAX_REASON, message=_l("2 000 caractères au plus."))])


def development_server() -> bool:
    """Flask's development server (`flask run`, Werkzeug) in debug mode: never gunicorn or
    waitress, whatever FLASK_DEBUG says."""
    software = str(request.environ.get("SERVER_SOFTWARE", ""))
    return bool(current_app.debug) and software.startswith("Werkzeug/")


def _dev_only() -> bool:
    return not accounts.any_account(_engine()) and development_server()


def login_open() -> bool:
    return accounts.any_account(_engine()) or development_server()


def authenticate(login: str, password: str) -> accounts.Account | None:
    if _dev_only():
        return DEV_ACCOUNT if (login, password) == (DEV_LOGIN, DEV_PASSWORD) else None
    return accounts.authenticate(_engine(), login, password)


def current_maintainer() -> accounts.Account | None:
    """The maintainer of this request's session (set by the login check)."""
    return g.get("maintainer")


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


def _engine() -> Engine:
    return state_engine(current_app.config)


@bp.before_request
def _require_login() -> ResponseReturnValue | None:
    if request.endpoint in ("maintainers.connexion",):
        return None
    login = sessions.login_of(_engine(), session.get(SESSION_KEY))
    account = (DEV_ACCOUNT if login == DEV_LOGIN and _dev_only() else
               accounts.get(_engine(), login)) if login else None
    if account is None:
        session.pop(SESSION_KEY, None)
        here = request.script_root + request.full_path.rstrip("?")  # keeps /en
        return redirect(url_for("maintainers.connexion", next=_safe_next(here)))
    g.maintainer = account
    return None


@bp.route("/connexion", methods=["GET", "POST"])
def connexion() -> ResponseReturnValue:
    if not login_open():
        raise Forbidden(gettext("Les pages des mainteneurs sont fermées : aucun compte de "
                                "mainteneur n'existe (créez-en un avec « %(commande)s »).",
                                commande="registry maintainers add"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if request.method == "POST":
        from registry.web.contribute import PUBLIC_POSTS, WINDOW

        message = gettext("Trop de tentatives de connexion depuis votre adresse. Réessayez "
                          "plus tard.")
        take(ATTEMPTS, MAX_FAILURES, LOCKOUT, message)  # counted before the password is read
        take(PUBLIC_POSTS, int(current_app.config.get("CONTRIB_RATE_LIMIT", 20)), WINDOW,
             message)
    if form.validate_on_submit():
        account = authenticate(form.login.data or "", form.password.data or "")
        if account is not None:
            forget(ATTEMPTS)
            session.clear()
            session[SESSION_KEY] = sessions.open_session(_engine(), account.login)
            return redirect(_safe_next(form.next.data), 303)
        form.password.errors.append(gettext("Identifiant ou mot de passe incorrect : vérifiez "
                                            "les deux (les majuscules comptent)."))
    status = 401 if form.errors else 200
    return private(render_template("maintainers/connexion.html", form=form,
                                    dev=_dev_only()), status)


@bp.post("/deconnexion")
def deconnexion() -> ResponseReturnValue:
    form = FlaskForm()
    if form.validate_on_submit():
        sessions.close_session(_engine(), session.get(SESSION_KEY))
        session.clear()
    return redirect(url_for("maintainers.connexion"), 303)


@bp.get("")
def file() -> ResponseReturnValue:
    rows = subs.queue(_engine())
    return private(render_template("maintainers/file.html", rows=rows, statuses=subs.STATUSES,
                                    logout=FlaskForm(), me=current_maintainer()))


def _submission(ident: int) -> subs.Submission:
    sub = subs.get(_engine(), ident)
    if sub is None:
        raise NotFound(gettext("Aucune contribution n° %(n)s.", n=ident))
    return sub


@bp.get("/contributions/<int:ident>")
def contribution(ident: int) -> ResponseReturnValue:
    sub = _submission(ident)
    changes, words, body, stale, lines = [], [], [], False, []
    if sub.has_file:
        path = Path(current_app.config["DATA"]) / f"{sub.record_id}.md"
        current = check_file(path) if path.exists() else None
        old = current.meta if current is not None and sub.kind == "correction" else None
        changes = field_changes(old, sub.meta)
        words = sentences(changes, old, sub.meta)
        body = body_diff(current.body if old is not None else "", sub.body)
        stale = sub.kind == "correction" and subs.file_hash(path) != sub.base_hash
        lines = _file_diff(sub, path) if sub.kind == "correction" else []
    problems = [p.message for p in sub.check().problems if not p.warning] if sub.has_file \
        else []
    return private(render_template("maintainers/contribution.html", sub=sub, changes=changes,
                                    words=words, body=body, stale=stale, problems=problems,
                                    lines=lines, thread=subs.thread(_engine(), sub),
                                    form=DecisionForm(), logout=FlaskForm(),
                                    me=current_maintainer()))


def _file_diff(sub: subs.Submission, path: Path) -> list[str]:
    """The lines of the record file that accepting will change (a unified diff)."""
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    text, _minimal = subs.proposed_text(sub, path)
    return [line for line in difflib.unified_diff(current.splitlines(), text.splitlines(),
                                                  lineterm="", n=0)
            if not line.startswith(("---", "+++"))]


@bp.post("/contributions/<int:ident>/accepter")
def accepter(ident: int) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            done = publish.publish(current_app.config, _engine(), ident,
                                   current_maintainer(), form.raison.data or "",
                                   force=request.form.get("forcer") == "1")
        except subs.SubmissionError as exc:
            flash(Markup(gettext("Contribution n° %(n)s non acceptée : %(raison)s.")) % {
                "n": ident, "raison": en_francais(str(exc))}, "erreur")
            return redirect(url_for("maintainers.contribution", ident=ident), 303)
        flash(en_francais(done.message), "succes")  # the core's words: French
        if done.review_url:
            flash(gettext("Demande de fusion : %(url)s", url=done.review_url), "succes")
    return redirect(url_for("maintainers.file"), 303)


@bp.post("/contributions/<int:ident>/refuser")
def refuser(ident: int) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            subs.reject(_engine(), ident, form.raison.data or "", current_maintainer())
        except subs.SubmissionError as exc:
            flash(Markup(gettext("Contribution n° %(n)s non refusée : %(raison)s.")) % {
                "n": ident, "raison": en_francais(str(exc))}, "erreur")
            return redirect(url_for("maintainers.contribution", ident=ident), 303)
        flash(gettext("Contribution n° %(n)s refusée.", n=ident), "succes")
    return redirect(url_for("maintainers.file"), 303)
