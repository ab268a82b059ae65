"""Accepted means live, or proposed on the forge; a refused proposal revised and sent again;
the guided « Proposer un algorithme » sent with the essentials only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.contributions import publish
from registry.contributions import queue as subs
from registry.records.validate import check_file
from registry.state import accounts as maintainers
from registry.state import state_engine
from tests.contribrepo import add_maintainer, built_app, form_values, git, one_record_repo
from tests.contribrepo import settings as site_settings


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = one_record_repo(repo)
    instance = tmp_path / "instance"
    app = built_app(data, instance)
    settings = site_settings(data, instance)
    return {"repo": repo, "data": data, "app": app, "client": app.test_client(),
            "settings": settings, "engine": state_engine(settings),
            "me": add_maintainer(settings), "tmp": tmp_path}


def _correction(site: dict, **changes: object) -> subs.Submission:
    current = check_file(site["data"] / "caf-essai.md")
    return subs.create(site["engine"], "correction", "caf-essai", {**current.meta, **changes},
                       current.body, name="Sacha", credit=True,
                       base_hash=subs.file_hash(site["data"] / "caf-essai.md"))


def test_a_read_only_site_pushes_a_branch_to_the_forge(site: dict) -> None:
    forge = site["tmp"] / "forge.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(forge)], check=True)
    git(site["repo"], "push", "-q", str(forge), "main")
    sub = _correction(site, statut="suspendu")
    before = (site["data"] / "caf-essai.md").read_text()
    objects = sorted(p.name for p in (site["repo"] / ".git" / "objects").rglob("*"))
    (site["data"] / "caf-essai.md").chmod(0o444)  # a read-only checkout
    settings = {**site["settings"], "PUBLICATION": "forge", "FORGE_REMOTE": str(forge),
                "FORGE_URL": "https://github.com/exemple/registre"}
    done = publish.publish(settings, site["engine"], sub.id, site["me"], "Merci.")
    branch = f"contribution-{sub.id}"
    assert done.review_url == \
        f"https://github.com/exemple/registre/compare/main...{branch}?expand=1"
    assert "poussé sur la branche" in done.message and not done.built
    assert (site["data"] / "caf-essai.md").read_text() == before  # checkout untouched
    assert sorted(p.name for p in (site["repo"] / ".git" / "objects").rglob("*")) == objects
    assert git(forge, "rev-parse", f"{branch}^") == git(site["repo"], "rev-parse", "HEAD")
    assert git(forge, "diff", "--numstat", "main", branch) == \
        "1\t1\tdata/algorithms/caf-essai.md"
    message = git(forge, "log", "-1", "--format=%an|%s|%(trailers:key=Co-authored-by)", branch)
    assert message.startswith("Camille Durand|Correction de la fiche caf-essai : Statut|"
                              f"Co-authored-by: Sacha <contribution-{sub.id}@")
    stored = subs.get(site["engine"], sub.id)
    assert stored.status == subs.ACCEPTED and stored.branch == branch
    page = site["client"].get(f"/contributions/{stored.token}").get_data(as_text=True)
    assert f"proposée sur la forge (branche {branch})" in page


def test_forge_mode_without_a_remote_is_refused_and_nothing_is_decided(site: dict) -> None:
    sub = _correction(site, statut="suspendu")
    with pytest.raises(subs.SubmissionError, match="FORGE_REMOTE est vide"):
        publish.publish({**site["settings"], "PUBLICATION": "forge"}, site["engine"], sub.id,
                        site["me"])
    assert subs.get(site["engine"], sub.id).status == subs.PENDING


def test_a_refused_proposal_is_revised_and_the_thread_is_shown(site: dict) -> None:
    client = site["client"]
    values = form_values(client.get("/algorithmes/caf-essai/corriger?champs=statut").data)
    values.update(statut="suspendu", message="Suspendu.", action="envoyer")
    first = client.post("/algorithmes/caf-essai/corriger", data=values)
    [sub] = subs.queue(site["engine"])
    subs.reject(site["engine"], sub.id, "Donnez la source de la suspension.", site["me"])
    tracking = BeautifulSoup(client.get(first.headers["Location"]).data, "html.parser")
    assert "par Camille Durand" in tracking.text
    revise = tracking.find("a", string="Réviser la proposition et la renvoyer")["href"]
    form = BeautifulSoup(client.get(revise).data, "html.parser")
    assert form.select_one("#statut option[selected]")["value"] == "suspendu"  # kept
    assert "Donnez la source de la suspension." in form.text
    values = form_values(client.get(revise).data)
    values.update(message="Suspendu : voir https://example.org/arrete", action="envoyer")
    second = client.post("/algorithmes/caf-essai/corriger", data=values)
    assert second.status_code == 303
    revised = subs.queue(site["engine"], subs.PENDING)[0]
    assert revised.previous_id == sub.id and revised.meta["statut"] == "suspendu"
    page = BeautifulSoup(client.get(second.headers["Location"]).data, "html.parser")
    thread = [li.get_text(" ", strip=True) for li in page.select("ol.fil li")]
    assert len(thread) == 2
    assert thread[0].startswith(f"Contribution n° {sub.id}") and "refusée" in thread[0]
    assert "Donnez la source de la suspension." in thread[0]
    assert "(cette page)" in thread[1]
    earlier = BeautifulSoup(client.get(first.headers["Location"]).data, "html.parser")
    assert len(earlier.select("ol.fil li")) == 2  # the earlier page shows the revision too


def test_a_new_algorithm_in_three_steps_then_sent_with_the_essentials(site: dict) -> None:
    client = site["client"]
    page = BeautifulSoup(client.get("/proposer").data, "html.parser")
    assert page.select_one("fieldset legend").text == "Étape 1 sur 4 : Ce que c'est"
    assert not page.select("#sources-0-url")  # later steps are not shown yet
    values = form_values(client.get("/proposer").data)
    values.update(nom="Tarification de la cantine", action="continuer")
    stuck = client.post("/proposer", data=values)
    assert stuck.status_code == 422
    errors = BeautifulSoup(stuck.data, "html.parser").select("#erreurs li")
    assert {e.a["href"] for e in errors} == {"#resume", "#domaine", "#statut",
                                             "#type_technique"}  # only this step's
    values = form_values(stuck.data)
    values.update(resume="Calcule le tarif de la cantine.", domaine="education",
                  statut="deploye", type_technique="regles", action="continuer")
    second = BeautifulSoup(client.post("/proposer", data=values).data, "html.parser")
    assert second.select_one("fieldset legend").text == "Étape 2 sur 4 : Qui l'utilise"
    assert second.select_one("input[name=nom][type=hidden]")["value"] == \
        "Tarification de la cantine"  # carried, not lost
    values = form_values(str(second).encode())
    values.update(administration="administration-essai", decision_individuelle="oui",
                  degre_automatisation="entierement_automatise", action="continuer")
    third = client.post("/proposer", data=values)
    values = form_values(third.data)
    values.update({"sources-0-url": "https://example.org/deliberation",
                   "sources-0-titre": "Délibération du conseil municipal",
                   "sources-0-type": "officielle", "action": "continuer"})
    details = BeautifulSoup(client.post("/proposer", data=values).data, "html.parser")
    assert [x.text for x in details.select("fieldset legend")] == [
        "Ajouter des détails (facultatif)", "Vous"]
    values = form_values(str(details).encode())
    values.update(action="envoyer")
    sent = client.post("/proposer", data=values)
    assert sent.status_code == 303, BeautifulSoup(sent.data, "html.parser").select_one(
        "#erreurs")
    [sub] = subs.queue(site["engine"])
    assert sub.record_id == "administration-essai-tarification-de-la-cantine"
    assert sub.meta["sources"][0]["cle"] == "source-1" and sub.check().ok


def test_maintainers_cannot_be_created_weak_or_twice(site: dict) -> None:
    with pytest.raises(maintainers.MaintainerError, match="trop court"):
        maintainers.add(site["engine"], "eve", "Ève", "court")
    with pytest.raises(maintainers.MaintainerError, match="identifiant"):
        maintainers.add(site["engine"], "Ève Majuscule", "Ève", "un mot de passe long")
    with pytest.raises(maintainers.MaintainerError, match="existe déjà"):
        maintainers.add(site["engine"], "camille", "Camille", "un mot de passe long")
    assert maintainers.authenticate(site["engine"], "camille", "mauvais mot de passe") is None
    assert maintainers.authenticate(site["engine"], "personne", "cheval correct agrafe") is None
