"""Accepted means live: accept a contribution, commit it, rebuild — one call, no shell.

The maintainers' page and `registry submissions accept` both call `publish`. What it does
depends on the PUBLICATION setting:

* ``commit`` (default): the record file is patched in the checkout and committed on the
  checked-out branch with a French message (registry.contributions.gitcommit), then the
  site is rebuilt (incremental `registry build`): the record page, its history and its
  feeds show the change at once. A records folder outside any git repository is written
  and rebuilt without a commit.
* ``forge``: for a site running from a read-only checkout: the commit is pushed to a new
  branch ``contribution-N`` of FORGE_REMOTE (the checkout is not written), with a merge
  request opened by GitLab's push options, or a link to open one elsewhere; the site
  changes when the forge's branch is merged and deployed.
* ``fichier``: the file is written in the checkout, without commit nor rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.contributions import gitcommit
from registry.contributions import queue as subs
from registry.state.accounts import Account

MODES = ("commit", "forge", "fichier")


@dataclass
class Published:
    accepted: subs.Accepted
    built: bool
    message: str  # French, for the maintainer
    review_url: str = ""  # the forge's merge request, in forge mode


def forge_of(settings: dict) -> gitcommit.Forge | None:
    if str(settings.get("PUBLICATION") or "commit") != "forge":
        return None
    remote = str(settings.get("FORGE_REMOTE") or "")
    if not remote:
        raise subs.SubmissionError("PUBLICATION vaut « forge » mais FORGE_REMOTE est vide : "
                                   "indiquez le dépôt de la forge (voir docs/configuration.md)")
    return gitcommit.Forge(remote, str(settings.get("FORGE_BRANCH") or "main"),
                           str(settings.get("FORGE_URL") or ""))


def _rebuild(settings: dict) -> str:
    """Rebuild; "" when done, else why not (in French)."""
    from registry.build.pipeline import BuildBusy, build
    from registry.records.model import InvalidRecords

    try:
        build(settings, lock_wait=120.0)
    except InvalidRecords as exc:
        return "le registre ne passe plus la validation (" + "; ".join(
            str(m) for m in exc.args[0][:3]) + ")" if exc.args else "validation impossible"
    except BuildBusy as exc:
        return str(exc)
    except (OSError, SQLAlchemyError) as exc:
        return f"construction impossible ({str(exc).splitlines()[0][:200]})"
    return ""


def publish(settings: dict, engine: Engine, ident: int, by: Account | None,
            reason: str = "", force: bool = False, branch: str | None = None) -> Published:
    """Accept submission `ident` and make it live as PUBLICATION says; raises
    SubmissionError (French) when it cannot be accepted (it then stays pending)."""
    mode = str(settings.get("PUBLICATION") or "commit")
    if mode not in MODES:
        raise subs.SubmissionError(f"PUBLICATION « {mode} » inconnue (valeurs : "
                                   f"{', '.join(MODES)})")
    data = Path(str(settings["DATA"]))
    forge = forge_of(settings) if not branch else None
    commit = mode == "commit" and gitcommit.in_repository(data)
    done = subs.accept(engine, data, ident, reason, commit=commit or bool(branch),
                       branch=branch, force=force, by=by,
                       site_url=str(settings.get("SITE_URL") or ""), forge=forge)
    head = f"Contribution n° {ident} acceptée"
    if done.path is None and not done.commit:
        return Published(done, False, head + ".")
    if forge is not None:
        url = forge.review_url(done.branch)
        text = (f"{head} : commit {done.commit[:10]} poussé sur la branche {done.branch} de "
                "la forge" + (" (demande de fusion ouverte)" if forge.gitlab else "")
                + "; la fiche changera sur le site une fois la branche fusionnée.")
        return Published(done, False, text, url)
    if done.path is None:  # committed on another branch
        return Published(done, False, f"{head} : commit {done.commit[:10]} sur la branche "
                                      f"{done.branch} ; la copie de travail est inchangée.")
    if mode == "fichier":
        return Published(done, False, f"{head} : fichier {done.path.name} écrit, à committer "
                                      "puis publier avec « registry build ».")
    problem = _rebuild(settings)
    where = f"commit {done.commit[:10]}" if done.commit else \
        f"fichier {done.path.name} écrit (le dossier des fiches n'est pas un dépôt git)"
    if problem:
        return Published(done, False, f"{head} : {where} ; la mise à jour du site a échoué : "
                                      f"{problem}. Relancez « registry build ».")
    return Published(done, True, f"{head} : {where}, site mis à jour.")
