"""Public contributions: propose a record, a correction, report an error; track it.

Every POST is rate-limited per client address. A proposal is validated by the same
checks as `registry validate` (errors next to the fields), can be previewed, and is
stored in the moderated queue before anything else is derived from it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from registry.config import PROJECT_ROOT, administrations_folder
from registry.contributions import queue as subs
from registry.records import catalogue as cat
from registry.records.validate import References, check_file, ids_in
from registry.rendering import MAX_NESTING, nesting_ok, render_markdown
from registry.state import state_engine
from registry.web.contribute_forms import (
    SignalementForm,
    attach_problems,
    form_meta,
    form_sections,
    record_form_class,
    record_formdata,
    rows_for,
)
from registry.web.errors import NotFound
from registry.web.ratelimit import take
from registry.web.resources import get_store
from registry.web.responses import private

bp = Blueprint("contribute", __name__)

WINDOW = 3600.0
PUBLIC_POSTS = "envois-publics"  # counter shared by the contribution forms and the login
MAX_FORGE_URL = 60_000  # longer prefilled links are refused by browsers and forges


@bp.before_request
def _rate_limit() -> None:
    if request.method != "POST":
        return
    take(PUBLIC_POSTS, int(current_app.config.get("CONTRIB_RATE_LIMIT", 20)), WINDOW,
         "Vous avez envoyé trop de formulaires depuis votre adresse en peu de temps. "
         "Réessayez plus tard (voir ci-dessous) ; votre travail n'est pas perdu si vous "
         "revenez à la page précédente.")


def _engine():  # noqa: ANN202
    return state_engine(current_app.config)


def _data() -> Path:
    return Path(current_app.config["DATA"])


def _current(ident: str) -> tuple[dict, str, str]:
    """(meta, body, file hash) of an existing record file, or 404."""
    path = _data() / f"{ident[:120]}.md"
    checked = check_file(path) if path.is_file() else None
    if checked is None or checked.meta is None:
        raise NotFound(f"Aucun algorithme n'a l'identifiant « {ident[:80]} ».")
    return checked.meta, checked.body, subs.file_hash(path)


def _proposal(kind: str, ident: str | None):  # noqa: ANN202
    """Handle the proposal form (new record or correction): edit, preview, send."""
    meta, body, base = _current(ident) if ident else ({}, "", "")
    if request.method == "POST":
        form_class = record_form_class(rows_for(None, request.form), new=ident is None)
        form = form_class()
    else:
        form_class = record_form_class(rows_for(meta, None), new=ident is None)
        data = record_formdata(meta, body, base) if ident else _blank()
        form = form_class(formdata=data)
    preview = general = None
    form.administration.choices = _administration_choices()
    valid = request.method == "POST" and form.validate()  # False: errors in lists too
    if valid:
        record_id = ident or form.identifiant.data
        body = (form.corps.data or "").replace("\r\n", "\n")
        proposed = form_meta(form, keep=meta, body=body, today=date.today().isoformat())
        sub = subs.Submission(kind=kind, record_id=record_id, meta=proposed, body=body)
        checked = sub.check(_references())
        general = attach_problems(form, checked.problems)
        if not nesting_ok(sub.body):
            form.corps.errors.append(f"Le texte imbrique trop de citations ou de listes "
                                     f"({MAX_NESTING} niveaux au plus).")
        if kind == "nouvelle" and (_data() / f"{record_id}.md").exists():
            form.identifiant.errors.append("Une fiche porte déjà cet identifiant : proposez "
                                           "plutôt une correction de cette fiche.")
        if checked.ok and not form.errors and request.form.get("action") == "envoyer":
            stored = subs.create(_engine(), kind, record_id, proposed, sub.body,
                                 form.message.data or "", form.contributeur_nom.data or "",
                                 form.courriel.data or "", form.base.data or base)
            return redirect(url_for("contribute.suivi", token=stored.token, nouveau=1), 303)
        if checked.ok and not form.errors:
            preview = {"html": render_markdown(sub.body), "meta": proposed, "text": sub.text()}
    status = 422 if request.method == "POST" and (not valid or form.errors or general) \
        else 200
    return private(render_template("contribute/proposition.html", form=form, kind=kind,
                                    ident=ident, meta=meta, preview=preview,
                                    sections=form_sections(),
                                    general=general or []), status)


def _references() -> References:
    return References(ids_in(administrations_folder(current_app.config)) or frozenset(),
                      ids_in(_data()))


def _administration_choices() -> list[SelectChoice]:
    rows = get_store().administration_rows()
    return [SelectChoice("", "— choisir —")] + [SelectChoice(a.id, a.nom) for a in rows]


def _blank() -> MultiDict:
    """A new proposal starts with every criterion « inconnu » (not yet checked)."""
    return MultiDict([(f"transparence-{c.key}-etat", "inconnu") for c in cat.CRITERIA])


@bp.route("/proposer", methods=["GET", "POST"])
def proposer():  # noqa: ANN201
    return _proposal("nouvelle", None)


@bp.route("/algorithmes/<ident>/corriger", methods=["GET", "POST"])
def correction(ident: str):  # noqa: ANN201
    return _proposal("correction", ident)


@bp.route("/algorithmes/<ident>/signaler", methods=["GET", "POST"])
def signaler(ident: str):  # noqa: ANN201
    meta, _body, base = _current(ident)
    form: FlaskForm = SignalementForm()
    if form.validate_on_submit():
        stored = subs.create(_engine(), "signalement", ident, None, "", form.message.data,
                             form.contributeur_nom.data or "", form.courriel.data or "",
                             base)
        return redirect(url_for("contribute.suivi", token=stored.token, nouveau=1), 303)
    status = 422 if form.errors else 200
    return private(render_template("contribute/signaler.html", form=form, ident=ident,
                                    meta=meta), status)


def _by_token(token: str) -> subs.Submission:
    sub = subs.by_token(_engine(), token[:64]) if token else None
    if sub is None:
        raise NotFound("Aucune contribution ne correspond à cette adresse de suivi.")
    return sub


@bp.get("/contributions/<token>")
def suivi(token: str):  # noqa: ANN201
    sub = _by_token(token)
    preview = subs.html(_engine(), sub) if sub.has_file else ""
    return private(render_template("contribute/suivi.html", sub=sub, preview=preview,
                                    nouveau=request.args.get("nouveau") == "1",
                                    forge=forge_link(sub)))


@bp.get("/contributions/<token>/<ident>.md")
def fichier(token: str, ident: str) -> Response:
    sub = _by_token(token)
    if not sub.has_file or ident != sub.record_id:
        raise NotFound("Cette contribution ne produit pas de fichier de fiche.")
    response = private(sub.text(), mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="{sub.record_id}.md"'
    return response


def _folder_in_repo() -> str:
    try:
        return _data().resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return "data/algorithms"


def forge_link(sub: subs.Submission) -> dict | None:
    """The forge page that creates (prefilled) or edits the record file, when configured."""
    forge = str(current_app.config.get("FORGE_URL") or "").rstrip("/")
    if not forge or not sub.has_file:
        return None
    branch = quote(str(current_app.config.get("FORGE_BRANCH") or "main"))
    folder, name = _folder_in_repo(), f"{sub.record_id}.md"
    gitlab = "gitlab" in forge.split("/")[2] if "://" in forge else False
    sep = "/-/" if gitlab else "/"
    if sub.kind == "correction":
        return {"url": f"{forge}{sep}edit/{branch}/{folder}/{name}", "prefilled": False}
    params = ({"file_name": f"{folder}/{name}", "content": sub.text()} if gitlab
              else {"filename": name, "value": sub.text()})
    url = f"{forge}{sep}new/{branch}/{'' if gitlab else folder}?{urlencode(params)}"
    if len(url) > MAX_FORGE_URL:
        return {"url": f"{forge}{sep}new/{branch}/{folder}", "prefilled": False}
    return {"url": url, "prefilled": True}
