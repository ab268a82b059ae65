"""The contribution queue and its commands: accept, reject, commit, survive rebuilds;
`registry diff` between git revisions with the coverage delta."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry.build.pipeline import build
from registry.contributions import queue as subs
from registry.records.validate import check_file
from registry.state import state_engine
from tests.contribrepo import add_maintainer, commit_all, git, init_repo, settings
from tests.recordfactory import record_meta, with_etats, write_record


@pytest.fixture
def repo(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = init_repo(repo)
    write_record(data, "caf-essai", nom="Score d'essai de la CAF")
    write_record(data, "autre-essai", nom="Autre algorithme")
    commit_all(repo, "Add two records", "2025-01-10T10:00:00+01:00")
    add_maintainer(settings(data, tmp_path / "instance"))
    return {"repo": repo, "data": data, "settings": settings(data, tmp_path / "instance")}


def correction(site: dict, credit: bool = False, **changes: object) -> subs.Submission:
    data = site["data"]
    current = check_file(data / "caf-essai.md")
    meta = {**current.meta, **changes}
    return subs.create(state_engine(site["settings"]), "correction", "caf-essai", meta,
                       current.body, message="Le statut a changé : voir le rapport.",
                       name="Sacha", email="sacha@example.org",
                       base_hash=subs.file_hash(data / "caf-essai.md"), credit=credit)


def test_accepted_submission_writes_a_file_that_registry_validate_accepts(repo: dict,
                                                                           cli) -> None:
    sub = correction(repo, statut="suspendu")
    listing = cli("submissions", "list", env=_env(repo))
    assert f"{sub.id}" in listing.output and "caf-essai" in listing.output
    shown = cli("submissions", "show", str(sub.id), env=_env(repo))
    assert "Statut : « Déployé » devient « Suspendu »" in shown.output
    assert "sacha@example.org" in shown.output and "fiche valide" in shown.output
    unnamed = cli("submissions", "accept", str(sub.id), env=_env(repo))
    assert unnamed.exit_code == 1 and "--par" in unnamed.output
    unknown = cli("submissions", "accept", str(sub.id), "--par", "inconnu", env=_env(repo))
    assert unknown.exit_code == 1 and "aucun compte de mainteneur" in unknown.output
    result = cli("submissions", "accept", str(sub.id), "--par", "camille", env=_env(repo))
    assert result.exit_code == 0, result.output
    assert "acceptée" in result.output
    assert check_file(repo["data"] / "caf-essai.md").meta["statut"] == "suspendu"
    checked = cli("validate", str(repo["data"]))
    assert checked.exit_code == 0, checked.output
    again = cli("submissions", "accept", str(sub.id), "--par", "camille", env=_env(repo))
    assert again.exit_code == 1 and "déjà été traitée" in again.output


def _env(site: dict) -> dict:
    return {"REGISTRY_DATA": str(site["data"]), "REGISTRY_INSTANCE": site["settings"]["INSTANCE"],
            "REGISTRY_STATE": site["settings"]["STATE"]}


def test_rejection_keeps_the_reason_and_needs_one(repo: dict, cli) -> None:
    sub = correction(repo, statut="suspendu")
    refused = cli("submissions", "reject", str(sub.id), "--par", "camille", "--raison", " ",
                  env=_env(repo))
    assert refused.exit_code == 1 and "raison" in refused.output
    done = cli("submissions", "reject", str(sub.id), "--par", "camille", "--raison",
               "Source introuvable.", env=_env(repo))
    assert done.exit_code == 0
    stored = subs.get(state_engine(repo["settings"]), sub.id)
    assert stored.status == subs.REJECTED and stored.reason == "Source introuvable."
    assert stored.decided_by_name == "Camille Durand"
    assert check_file(repo["data"] / "caf-essai.md").meta["statut"] == "deploye"


def test_submissions_survive_a_full_rebuild(repo: dict) -> None:
    build(repo["settings"], full=True)
    sub = correction(repo, statut="suspendu")
    build(repo["settings"], full=True)
    write_record(repo["data"], "troisieme", nom="Troisième")
    build(repo["settings"], full=True)
    assert subs.get(state_engine(repo["settings"]), sub.id).status == subs.PENDING
    with sqlite3.connect(Path(repo["settings"]["STATE"]) / "state.sqlite") as con:
        assert con.execute("SELECT count(*) FROM contribution").fetchone() == (1,)
    with sqlite3.connect(Path(repo["settings"]["INSTANCE"]) / "registry.sqlite") as con:
        assert con.execute("SELECT count(*) FROM algorithme").fetchone() == (3,)
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
    assert "contribution" not in tables  # the derived database holds no state


def test_a_failed_write_leaves_the_submission_pending(repo: dict) -> None:
    engine = state_engine(repo["settings"])
    sub = subs.create(engine, "nouvelle", "nouvelle-fiche", record_meta(nom="Nouvelle"),
                      "Texte.")
    (repo["data"] / "nouvelle-fiche.md").mkdir()  # the target cannot be replaced by a file
    with pytest.raises(subs.SubmissionError, match="reste en attente"):
        subs.accept(engine, repo["data"], sub.id, force=True)
    assert subs.get(engine, sub.id).status == subs.PENDING
    (repo["data"] / "nouvelle-fiche.md").rmdir()
    done = subs.accept(engine, repo["data"], sub.id)
    assert done.path == repo["data"] / "nouvelle-fiche.md"
    assert check_file(done.path).ok


def test_a_changed_record_needs_force(repo: dict) -> None:
    sub = correction(repo, statut="suspendu")
    write_record(repo["data"], "caf-essai", nom="Renommé entre-temps")
    engine = state_engine(repo["settings"])
    with pytest.raises(subs.SubmissionError, match="a changé depuis la proposition"):
        subs.accept(engine, repo["data"], sub.id)
    assert subs.accept(engine, repo["data"], sub.id, force=True).path is not None


def test_accept_commits_a_french_message_and_the_one_changed_line(repo: dict,
                                                                 cli) -> None:
    sub = correction(repo, statut="suspendu")
    (repo["repo"] / "notes.txt").write_text("unrelated work in progress\n")
    git(repo["repo"], "add", "notes.txt")
    result = cli("submissions", "accept", str(sub.id), "--par", "camille", "--raison",
                 "Confirmé par le rapport.", env=_env(repo))
    assert result.exit_code == 0, result.output
    assert "site mis à jour" in result.output
    log = git(repo["repo"], "log", "-1", "--format=%an|%s", "--name-only")
    assert log.startswith("Camille Durand|Correction de la fiche caf-essai : Statut")
    assert log.splitlines()[-1] == "data/algorithms/caf-essai.md"  # the staged file stays out
    assert "A  notes.txt" in git(repo["repo"], "status", "--short")
    message = git(repo["repo"], "log", "-1", "--format=%B")
    assert "- Statut : « Déployé » devient « Suspendu »" in message
    assert "> Confirmé par le rapport." in message and "acceptée par Camille Durand" in message
    assert "Co-authored-by" not in message and "Sacha" not in message  # not agreed
    assert "sacha@example.org" not in message
    assert git(repo["repo"], "diff", "--numstat", "HEAD~1", "HEAD") == \
        "1\t1\tdata/algorithms/caf-essai.md"
    assert subs.get(state_engine(repo["settings"]), sub.id).commit == \
        git(repo["repo"], "rev-parse", "HEAD")
    from registry.db.engine import get_engine  # rebuilt: the derived database has the change
    from registry.db.store import Store

    assert Store(get_engine(repo["settings"])).get("caf-essai").statut == "suspendu"


def test_a_contributor_who_agreed_is_credited_with_co_authored_by(repo: dict,
                                                                  cli) -> None:
    sub = correction(repo, credit=True, statut="suspendu")
    result = cli("submissions", "accept", str(sub.id), "--par", "camille", env=_env(repo))
    assert result.exit_code == 0, result.output
    trailers = git(repo["repo"], "log", "-1", "--format=%(trailers:key=Co-authored-by)")
    assert trailers == f"Co-authored-by: Sacha <contribution-{sub.id}@noreply.127.0.0.1>"


def test_accept_on_another_branch_leaves_the_checkout_untouched(repo: dict, cli) -> None:
    sub = correction(repo, statut="suspendu")
    before = (repo["data"] / "caf-essai.md").read_text()
    head = git(repo["repo"], "rev-parse", "HEAD")
    result = cli("submissions", "accept", str(sub.id), "--par", "camille", "--branch",
                 "contrib/1", env=_env(repo))
    assert result.exit_code == 0, result.output
    assert "contrib/1" in result.output
    assert (repo["data"] / "caf-essai.md").read_text() == before
    assert git(repo["repo"], "rev-parse", "HEAD") == head
    assert git(repo["repo"], "status", "--short") == ""
    on_branch = git(repo["repo"], "show", "contrib/1:data/algorithms/caf-essai.md")
    assert "statut: suspendu" in on_branch
    assert git(repo["repo"], "rev-parse", "contrib/1^") == head


def test_registry_diff_reports_field_changes_and_coverage_delta(repo: dict, cli) -> None:
    data, git_repo = repo["data"], repo["repo"]
    write_record(data, "caf-essai", nom="Score d'essai de la CAF", statut="suspendu",
                 transparence=with_etats(budget="publie"))
    commit_all(git_repo, "Publish the budget", "2025-02-12T10:00:00+01:00")
    result = cli("diff", "HEAD~1", "HEAD", "--data", str(data))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "## caf-essai (modifiée)" in out
    assert "Statut (statut) : « deploye » → « suspendu »" in out
    assert "Transparence › Budget › État (transparence.budget.etat) : « inconnu » → " \
           "« publie »" in out
    assert "Transparence › Budget › Preuve (transparence.budget.url) : (absent) → " \
           "« https://example.org/budget »" in out
    assert "budget : 0,0 % → 50,0 %" in out
    assert "autre-essai" not in out
    assert "code_source :" not in out  # unchanged criteria are not listed


def test_registry_diff_against_the_working_tree_and_new_records(repo: dict, cli) -> None:
    write_record(repo["data"], "nouvelle", nom="Nouvelle fiche",
                 transparence=with_etats(code_source="publie"))
    out = cli("diff", "HEAD", "--data", str(repo["data"])).output
    assert "## nouvelle (ajoutée) — Nouvelle fiche" in out
    assert "Nom (nom) : (absent) → « Nouvelle fiche »" in out
    assert "code_source : 0,0 % → 33,3 %" in out


def test_registry_diff_explains_unknown_revisions(repo: dict, cli) -> None:
    result = cli("diff", "v-inexistante", "--data", str(repo["data"]))
    assert result.exit_code == 2
    assert "révision « v-inexistante » introuvable" in result.output


def test_an_inserted_source_does_not_shift_the_others() -> None:
    from registry.records.diff import field_changes

    source = {"url": "https://example.org/a", "titre": "A", "type": "presse"}
    other = {"url": "https://example.org/b", "titre": "B", "type": "presse"}
    added = {"url": "https://example.org/new", "titre": "Nouvelle", "type": "officielle"}
    changes = field_changes({"sources": [source, other]},
                            {"sources": [added, source, {**other, "titre": "B2"}]})
    assert [(c.path, c.kind) for c in changes] == [("sources[0]", "ajout"),
                                                   ("sources[2].titre", "modification")]
    assert changes[1].label == "Sources n° 3 › Titre"
