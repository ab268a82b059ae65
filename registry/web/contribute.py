"""Public contributions: propose a record, a correction, report an error; track it.

Every POST is rate-limited per client address. A proposal is validated by the same
checks as `registry validate` (errors next to the fields), can be previewed, and is
stored in the moderated queue before anything else is derived from it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from registry.config import PROJECT_ROOT, administrations_folder
from registry.contributions import queue as subs
from registry.records import catalogue as cat
from registry.records.diff import body_diff, field_changes
from registry.records.validate import References, check_file, ids_in
from registry.records.wording import sentences
from registry.rendering import MAX_NESTING, nesting_ok, render_markdown
from registry.state import state_engine
from registry.text import slugify
from registry.web.contribute_forms import (
    SignalementForm,
    attach_problems,
    choose,
    record_form_class,
    rows_for,
)
from registry.web.errors import NotFound
from registry.web.i18n import current_language
from registry.web.proposal_data import form_meta, record_formdata
from registry.web.proposal_steps import (
    DETAILS,
    STEPS,
    carried,
    choosable,
    chosen,
    closed_sections,
    current_step,
    error_keys,
    error_summary,
    layout_correction,
    layout_new,
    leaves_of,
    next_step,
    picker,
    reached,
    step_labels,
    visible,
)
from registry.web.ratelimit import take
from registry.web.resources import get_store
from registry.web.responses import private

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from sqlalchemy.engine import Engine

bp = Blueprint("contribute", __name__)

WINDOW = 3600.0
PUBLIC_POSTS = "envois-publics"  # counter shared by the contribution forms and the login
MAX_FORGE_URL = 60_000  # longer prefilled links are refused by browsers and forges


@bp.before_request
def _rate_limit() -> None:
    if request.method != "POST":
        return
    take(PUBLIC_POSTS, int(current_app.config.get("CONTRIB_RATE_LIMIT", 20)), WINDOW,
         gettext("Vous avez envoyé trop de formulaires depuis votre adresse en peu de temps. "
                 "Réessayez plus tard (voir ci-dessous) ; votre travail n'est pas perdu si "
                 "vous revenez à la page précédente."))


def _engine() -> Engine:
    return state_engine(current_app.config)


def _data() -> Path:
    return Path(current_app.config["DATA"])


def _current(ident: str) -> tuple[dict, str, str]:
    """(meta, body, file hash) of an existing record file, or 404."""
    path = _data() / f"{ident[:120]}.md"
    checked = check_file(path) if path.is_file() else None
    if checked is None or checked.meta is None:
        raise NotFound(gettext("Aucun algorithme n'a l'identifiant « %(ident)s ».",
                               ident=ident[:80]))
    return checked.meta, checked.body, subs.file_hash(path)


def _previous(kind: str) -> subs.Submission | None:
    """The refused submission this one revises (`precedente`: its tracking token)."""
    token = request.values.get("precedente", "")[:64]
    sub = subs.by_token(_engine(), token) if token else None
    if sub is None or sub.status != subs.REJECTED or sub.kind != kind:
        return None
    return sub


def _preview(old: dict | None, proposed: dict, old_body: str, body: str) -> dict:
    """The preview of a proposal: what changes, field by field, in words. For a new record,
    every value given (criteria still « inconnu » and the file's bookkeeping left out)."""
    if old is None:
        changes = [c for c in field_changes({k: {} if isinstance(v, dict) else None
                                             for k, v in proposed.items()}, proposed)
                   if c.path.split(".")[0] not in ("schema", "citations")
                   and c.new != {"etat": "inconnu"}]
    else:
        changes = field_changes(old, proposed)
    lines = body_diff(old_body, body)
    return {"phrases": sentences(changes, old, proposed), "changes": changes,
            "body": lines, "html": render_markdown(body) if lines else ""}


def _store(kind: str, record_id: str, form: FlaskForm, proposed: dict, body: str,
           base: str, previous: subs.Submission | None) -> Response:
    stored = subs.create(_engine(), kind, record_id, proposed, body,
                         form.message.data or "", form.contributeur_nom.data or "",
                         form.courriel.data or "", base, credit=bool(form.credit.data),
                         previous_id=previous.id if previous else None)
    return redirect(url_for("contribute.suivi", token=stored.token, nouveau=1), 303)


def _check(form: FlaskForm, kind: str, record_id: str, proposed: dict, body: str,
           keys: set[str] | None) -> list[str]:
    """The validator's problems on the proposed file, next to their fields (of `keys`)."""
    sub = subs.Submission(kind=kind, record_id=record_id, meta=proposed, body=body)
    general = attach_problems(form, sub.check(_references()).problems, keys)
    if "corps" in form._fields and not nesting_ok(body):
        form.corps.errors.append(gettext("Simplifiez le texte : il imbrique trop de citations "
                                         "ou de listes (%(n)s niveaux au plus).",
                                         n=MAX_NESTING))
    return general


def _render(status: int, **context: object) -> ResponseReturnValue:
    return private(render_template("contribute/proposition.html", **context), status)


def _correction(ident: str) -> ResponseReturnValue:
    meta, body, base = _current(ident)
    previous = _previous("correction")
    values = request.values  # the picks travel in the address or in hidden inputs
    picked = chosen(values)
    if previous is not None and not picked and request.method == "GET":
        picked = {c.path.split(".")[0].split("[")[0] for c in field_changes(meta,
                                                                            previous.meta)}
        picked = {k for k in picked if k in choosable()} | \
            ({"corps"} if body_diff(body, previous.body) else set())
    if not picked or request.method == "GET" and "revoir" in values:
        asked = "choisir" in values and not picked
        return private(render_template(
            "contribute/choisir.html", ident=ident, meta=meta, previous=previous,
            sections=picker(meta, body, picked), picked=picked,
            error=gettext("Cochez au moins un champ ou une rubrique à corriger.") if asked
            else ""),
            422 if asked else 200)
    form_class = record_form_class(rows_for(meta, request.form if request.method == "POST"
                                            else None), new=False, only=picked)
    if request.method == "POST":
        form = form_class()
    else:
        source = previous if previous is not None else None
        form = form_class(formdata=record_formdata(source.meta if source else meta,
                                                   source.body if source else body, base))
    if "administration" in form._fields:
        form.administration.choices = _administration_choices()
    preview, general = None, []
    if request.method == "POST":
        form.validate()
        new_body = (form.corps.data or "").replace("\r\n", "\n") if "corps" in form._fields \
            else body
        proposed = form_meta(form, keep=meta, body=new_body, today=date.today().isoformat())
        general = _check(form, "correction", ident, proposed, new_body, None)
        if not error_summary(form, general):  # every leaf (form.errors is cached)
            if request.form.get("action") == "envoyer":
                return _store("correction", ident, form, proposed, new_body,
                              form.base.data or base, previous)
            preview = _preview(meta, proposed, body, new_body)
    summary = error_summary(form, general)
    status = 422 if summary else 200
    return _render(status, form=form, kind="correction", ident=ident, meta=meta,
                   preview=preview, layout=layout_correction(picked, set(form._fields)),
                   summary=summary, picked=sorted(picked), previous=previous, step=None,
                   carry=[], steps=[], step_labels=step_labels(), closed=[], opened=[])


def _identifier(form: FlaskForm) -> str:
    """The identifier given, or one made from the administration and the name."""
    given = (form.identifiant.data or "").strip()
    if given:
        return given
    admin = str(form.administration.data or "")
    name = slugify(str(form.nom.data or ""), 80) if form.nom.data else ""
    if not name:
        return ""
    return (name if not admin or name.startswith(admin) else f"{admin}-{name}")[:120] \
        .rstrip("-")


def _new() -> ResponseReturnValue:
    previous = _previous("nouvelle")
    values = request.form if request.method == "POST" else MultiDict()
    step = current_step(values) if request.method == "POST" else STEPS[0]
    opened = set(values.getlist("ouvertes")) | set(values.getlist("ouvrir"))
    action = values.get("action", "")
    form_class = record_form_class(rows_for(previous.meta if previous else None,
                                            request.form if request.method == "POST"
                                            else None), new=True)
    if request.method == "POST":
        form = form_class()
    elif previous is not None:
        data = record_formdata(previous.meta or {}, previous.body)
        data.add("identifiant", previous.record_id)
        form = form_class(formdata=data)
    else:
        form = form_class(formdata=_blank())
    form.administration.choices = _administration_choices()
    preview, general, summary = None, [], []
    if request.method == "POST":
        final = action in ("apercu", "envoyer")
        form.validate()
        record_id = _identifier(form)
        body = (form.corps.data or "").replace("\r\n", "\n")
        proposed = form_meta(form, body=body, today=date.today().isoformat())
        keys = None if final else reached(step)
        general = _check(form, "nouvelle", record_id, proposed, body, keys)
        if not record_id and final:
            form.identifiant.errors.append(gettext(
                "Indiquez le nom de l'algorithme (étape « %(etape)s ») : l'identifiant en est "
                "formé.", etape=step_labels()[STEPS[0]]))
        elif record_id and (_data() / f"{record_id}.md").exists():
            form.identifiant.errors.append(gettext(
                "Une fiche porte déjà cet identifiant : proposez plutôt une correction de "
                "cette fiche, ou choisissez un autre identifiant."))
        if final:
            summary = error_summary(form, general)
            if not summary and action == "envoyer":
                return _store("nouvelle", record_id, form, proposed, body, "", previous)
            if not summary:
                preview = _preview(None, proposed, "", body)
        else:  # the errors of later steps stay silent until the person gets there
            scope = reached(step) if action == "continuer" else set()
            for field in form:
                if field.name not in scope:
                    for leaf in leaves_of(field):
                        leaf.errors = []
            summary = error_summary(form, general if scope else [], scope)
            if action == "retour":
                step = next_step(step, forward=False)
            elif action == "ouvrir":
                step = DETAILS
            elif not summary:
                step = next_step(step)
    in_error = error_keys(form)
    shown = visible(step, opened, in_error)
    if step == STEPS[0] or "identifiant" in in_error:
        shown.add("identifiant")
    if step == DETAILS:
        shown |= {"message", "contributeur_nom", "credit", "courriel"}
    status = 422 if summary else 200
    return _render(status, form=form, kind="nouvelle", ident=None, meta={}, preview=preview,
                   layout=layout_new(step, shown, opened), summary=summary, picked=[],
                   previous=previous, step=step, carry=carried(form, shown), steps=STEPS,
                   step_labels=step_labels(), closed=closed_sections(opened),
                   opened=sorted(opened))


def _references() -> References:
    return References(ids_in(administrations_folder(current_app.config)) or frozenset(),
                      ids_in(_data()))


def _administration_choices() -> list[SelectChoice]:
    rows = get_store().administration_rows()
    return [choose()] + [SelectChoice(a.id, a.nom) for a in rows]


def _blank() -> MultiDict:
    """A new proposal starts with every criterion « inconnu » (not yet checked)."""
    return MultiDict([(f"transparence-{c.key}-etat", "inconnu") for c in cat.CRITERIA])


@bp.route("/proposer", methods=["GET", "POST"])
def proposer() -> ResponseReturnValue:
    return _new()


@bp.route("/algorithmes/<ident>/corriger", methods=["GET", "POST"])
def correction(ident: str) -> ResponseReturnValue:
    return _correction(ident)


@bp.route("/algorithmes/<ident>/signaler", methods=["GET", "POST"])
def signaler(ident: str) -> ResponseReturnValue:
    meta, _body, base = _current(ident)
    previous = _previous("signalement")
    form: FlaskForm = SignalementForm()
    if request.method == "GET" and previous is not None:
        form.message.data, form.source.data = previous.message, previous.source
    if form.validate_on_submit():
        stored = subs.create(_engine(), "signalement", ident, None, "", form.message.data,
                             "", form.courriel.data or "", base, source=form.source.data,
                             previous_id=previous.id if previous else None)
        return redirect(url_for("contribute.suivi", token=stored.token, nouveau=1), 303)
    summary = error_summary(form, [])
    return private(render_template("contribute/signaler.html", form=form, ident=ident,
                                    meta=meta, summary=summary, previous=previous),
                   422 if summary else 200)


def _by_token(token: str) -> subs.Submission:
    sub = subs.by_token(_engine(), token[:64]) if token else None
    if sub is None:
        raise NotFound(gettext("Aucune contribution ne correspond à cette adresse de suivi."))
    return sub


@bp.get("/contributions/<token>")
def suivi(token: str) -> ResponseReturnValue:
    sub = _by_token(token)
    changes: list = []
    if sub.has_file:
        changes = subs.change_lines(sub, _data() / f"{sub.record_id}.md") \
            if sub.status == subs.PENDING else []
    return private(render_template("contribute/suivi.html", sub=sub, changes=changes,
                                    nouveau=request.args.get("nouveau") == "1",
                                    forge=forge_link(sub),
                                    thread=subs.thread(_engine(), sub),
                                    live=sub.status == subs.ACCEPTED and sub.commit
                                    and not sub.branch))


@bp.get("/contributions/journal")
def journal() -> ResponseReturnValue:
    """The public log of the maintainers' decisions: who decided what, when, and why."""
    response = private(render_template("contribute/journal.html",
                                       rows=subs.decisions(_engine())))
    return response


@bp.get("/contributions/<token>/<ident>.md")
def fichier(token: str, ident: str) -> Response:
    sub = _by_token(token)
    if not sub.has_file or ident != sub.record_id:
        raise NotFound(gettext("Cette contribution ne produit pas de fichier de fiche."))
    response = private(sub.text(), mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="{sub.record_id}.md"'
    return response


@bp.app_template_filter("genre_contribution")
def kind_label(sub: subs.Submission) -> str:
    """The kind of a contribution in the page's language."""
    return sub.kind_label_for(current_language())


@bp.app_template_filter("statut_contribution")
def status_label(sub: subs.Submission) -> str:
    """The status of a contribution in the page's language."""
    return sub.status_label_for(current_language())


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
