"""Public contribution pages: proposal forms with field errors and preview, error reports,
tracking page, downloadable file, forge link, CSRF, rate limit — and the done-when scenario."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.contributions import queue as subs
from registry.records.validate import check_file, check_text
from registry.state import state_engine
from tests.contribrepo import (
    add_maintainer,
    built_app,
    copy_real_data,
    form_values,
    git,
    one_record_repo,
    settings,
)
from tests.contribrepo import env as contrib_env

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = one_record_repo(repo)
    app = built_app(data, tmp_path / "instance")
    add_maintainer(settings(data, tmp_path / "instance"))
    return {"repo": repo, "data": data, "app": app, "client": app.test_client(),
            "engine": state_engine(settings(data, tmp_path / "instance"))}


def new_proposal(client, **changes: str) -> dict:
    values = form_values(client.get("/proposer").data)
    values.update({
        "identifiant": "ville-essai-cantine", "nom": "Tarification de la cantine",
        "resume": "Calcule le tarif de la cantine selon le quotient familial.",
        "administration": "administration-essai",
        "domaine": "education", "statut": "deploye", "type_technique": "regles",
        "decision_individuelle": "oui", "degre_automatisation": "entierement_automatise",
        "sources-0-url": "https://example.org/deliberation", "sources-0-titre": "Délibération",
        "sources-0-type": "officielle", "mots_cles": "cantine, quotient familial",
        "corps": "## Description\n\nUn barème par tranche.\n", "action": "envoyer",
        "courriel": "secret@example.org", "contributeur_nom": "Dominique"})
    values.update(changes)
    return values


def test_invalid_proposals_show_french_errors_next_to_the_fields(site: dict) -> None:
    values = new_proposal(site["client"], nom="", **{"sources-0-url": "pas une adresse",
                                                       "identifiant": "Pas Valide",
                                                       "date_debut": "2024-13"})
    response = site["client"].post("/proposer", data=values)
    assert response.status_code == 422
    soup = BeautifulSoup(response.data, "html.parser")
    assert "minuscules sans accents" in soup.select_one("#identifiant-erreur").text
    values["identifiant"] = "ville-essai-cantine"
    response = site["client"].post("/proposer", data=values)
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one("#nom-erreur").text.startswith("Remplissez ce champ : nom usuel")
    assert "Indiquez une adresse web complète, qui commence par https://" in \
        soup.select_one("#sources-0-url-erreur").text
    assert "AAAA-MM-JJ" in soup.select_one("#date_debut-erreur").text
    assert soup.select_one("#nom")["aria-invalid"] == "true"
    summary = soup.select_one("#erreurs")  # every error at once, at the top, linked
    links = {a["href"]: a.text for a in summary.select("a")}
    assert links["#nom"].startswith("Nom : Remplissez ce champ")
    assert links["#sources-0-url"].startswith("Sources n° 1 › Adresse : Indiquez une adresse")
    assert links["#date_debut"].startswith("Début : Écrivez la date")
    assert summary["tabindex"] == "-1" and summary.h2.text.endswith("(3)")
    assert "manque" not in summary.text and "clé" not in summary.text
    assert subs.queue(site["engine"]) == []


def test_preview_renders_the_record_without_storing_it(site: dict) -> None:
    values = new_proposal(site["client"], action="apercu",
                          corps="## Barème\n\n<script>alert(1)</script>Par tranche.")
    response = site["client"].post("/proposer", data=values)
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    preview = soup.select_one(".apercu")
    said = [li.text for li in preview.select("ul.changements li")]
    assert "Nom : ajout de « Tarification de la cantine »" in said
    assert "Domaine : ajout de « Éducation »" in said
    assert not any(line.startswith(("Version du schéma", "Transparence")) for line in said)
    assert preview.select_one(".corps h3").text == "Barème"
    assert "<script>" not in str(preview.select_one(".corps"))
    assert subs.queue(site["engine"]) == []


def test_a_new_proposal_goes_through_the_queue_to_a_valid_file(site: dict, cli) -> None:
    client = site["client"]
    response = client.post("/proposer", data=new_proposal(client))
    assert response.status_code == 303
    tracking = response.headers["Location"]
    page = client.get(tracking)
    text = BeautifulSoup(page.data, "html.parser").select_one("main").get_text(" ")
    assert "En attente de relecture" in text and "secret@example.org" not in text
    assert page.headers["Cache-Control"] == "no-store"
    [sub] = subs.queue(site["engine"])
    assert sub.email == "secret@example.org" and sub.name == "Dominique"
    download = client.get(f"/contributions/{sub.token}/ville-essai-cantine.md")
    assert "attachment" in download.headers["Content-Disposition"]
    assert check_text(Path("ville-essai-cantine.md"), download.data.decode()).ok
    env = contrib_env(site["data"], Path(site["app"].config["INSTANCE"]))
    assert cli("submissions", "accept", str(sub.id), "--par", "camille",
               env=env).exit_code == 0
    written = site["data"] / "ville-essai-cantine.md"
    assert written.read_text() == download.data.decode()
    assert cli("validate", str(site["data"])).exit_code == 0
    assert check_file(written).meta["mots_cles"] == ["cantine", "quotient familial"]
    assert "Acceptée" in client.get(tracking).get_data(as_text=True)


def test_an_existing_identifier_is_refused(site: dict) -> None:
    values = new_proposal(site["client"], identifiant="caf-essai")
    response = site["client"].post("/proposer", data=values)
    assert response.status_code == 422
    assert "déjà cet identifiant" in BeautifulSoup(response.data, "html.parser").select_one(
        "#identifiant-erreur").text


def test_a_rejected_report_shows_its_reason_at_its_tracking_url(site: dict, cli) -> None:
    client = site["client"]
    empty = client.post("/algorithmes/caf-essai/signaler", data={"message": " "})
    assert empty.status_code == 422
    soup = BeautifulSoup(empty.data, "html.parser")
    assert "Décrivez ce qui est faux" in soup.select_one("#message-erreur").text
    assert "Indiquez d'où vient la bonne information" in soup.select_one("#source-erreur").text
    assert len(soup.select("#erreurs li a")) == 2
    assert not soup.select("#contributeur_nom")  # short: what, the source, an e-mail
    sent = client.post("/algorithmes/caf-essai/signaler",
                       data={"message": "Le statut est faux.",
                             "source": "https://example.org/x"})
    assert sent.status_code == 303
    [sub] = subs.queue(site["engine"])
    assert sub.kind == "signalement" and not sub.has_file
    env = contrib_env(site["data"], Path(site["app"].config["INSTANCE"]))
    assert sub.source == "https://example.org/x"
    result = cli("submissions", "reject", str(sub.id), "--par", "camille", "--raison",
                 "La source ne dit pas cela.", env=env)
    assert result.exit_code == 0
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Refusée" in page and "La source ne dit pas cela." in page
    assert "par Camille Durand" in page
    assert client.get("/contributions/jeton-inconnu").status_code == 404


def test_forge_links_prefill_a_new_file_and_open_the_edit_page(tmp_path: Path,
                                                               site: dict) -> None:
    app = built_app(site["data"], Path(site["app"].config["INSTANCE"]),
                    FORGE_URL="https://github.com/exemple/registre", FORGE_BRANCH="principale")
    client = app.test_client()
    sent = client.post("/proposer", data=new_proposal(client))
    soup = BeautifulSoup(client.get(sent.headers["Location"]).data, "html.parser")
    link = soup.find("a", string="Proposer ce fichier sur la forge")["href"]
    assert link.startswith("https://github.com/exemple/registre/new/principale/data/algorithms?")
    assert "filename=ville-essai-cantine.md" in link and "value=---" in link
    values = form_values(client.get("/algorithmes/caf-essai/corriger?champs=statut").data)
    values.update(statut="suspendu", action="envoyer")
    sent = client.post("/algorithmes/caf-essai/corriger", data=values)
    soup = BeautifulSoup(client.get(sent.headers["Location"]).data, "html.parser")
    assert soup.find("a", string="Modifier le fichier sur la forge")["href"] == \
        "https://github.com/exemple/registre/edit/principale/data/algorithms/caf-essai.md"


def test_post_without_csrf_token_is_refused(csrf_client) -> None:
    page = csrf_client.get("/algorithmes/france-travail-match-ft/signaler")
    assert page.status_code == 200 and b'name="csrf_token"' in page.data
    response = csrf_client.post("/algorithmes/france-travail-match-ft/signaler",
                                data={"message": "Erreur"})
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
    assert csrf_client.post("/proposer", data={"action": "envoyer"}).status_code == 400


def test_public_posts_are_rate_limited_per_client(site: dict) -> None:
    app = built_app(site["data"], Path(site["app"].config["INSTANCE"]), CONTRIB_RATE_LIMIT=2)
    client = app.test_client()
    report = {"message": "x", "source": "y"}
    for _ in range(2):
        assert client.post("/algorithmes/caf-essai/signaler", data=report).status_code == 303
    refused = client.post("/algorithmes/caf-essai/signaler", data=report)
    assert refused.status_code == 429
    assert "trop de formulaires" in refused.get_data(as_text=True)
    assert client.post("/proposer", data={}).status_code == 429
    other = client.post("/algorithmes/caf-essai/signaler", data=report,
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303
    assert client.get("/algorithmes/caf-essai/signaler").status_code == 200


def test_unknown_records_are_404(site: dict) -> None:
    assert site["client"].get("/algorithmes/inexistant/corriger").status_code == 404
    assert site["client"].post("/algorithmes/inexistant/signaler",
                               data={"message": "x"}).status_code == 404


def test_done_when_a_correction_of_match_ft_is_proposed_accepted_built_and_shown(
        tmp_path: Path, cli) -> None:
    repo = tmp_path / "depot"
    data = copy_real_data(repo)
    instance = tmp_path / "instance"
    client = built_app(data, instance).test_client()
    record = client.get("/algorithmes/france-travail-match-ft")
    link = BeautifulSoup(record.data, "html.parser").find("a", string="Proposer une correction")
    picker = BeautifulSoup(client.get(link["href"]).data, "html.parser")
    assert picker.select_one("input[name=champs][value=statut]")
    form_page = client.get(link["href"] + "?champs=statut&champs=transparence.budget")
    values = form_values(form_page.data)
    assert "nom" not in values and "sources-0-url" not in values  # only what was picked
    values["champs"] = ["statut", "transparence.budget"]  # form_values keeps one value
    real = check_file(data / "france-travail-match-ft.md").meta
    before_budget = real["transparence"]["budget"]["etat"]
    assert values["statut"] == real["statut"] == "en_experimentation"
    assert before_budget != "publie"
    values.update({"statut": "deploye", "transparence-budget-etat": "publie",
                   "transparence-budget-url": "https://example.org/budget-match-ft",
                   "message": "Déploiement national annoncé ; budget publié.",
                   "contributeur_nom": "Sacha", "action": "envoyer"})
    sent = client.post(link["href"], data=values)
    assert sent.status_code == 303
    tracking = sent.headers["Location"]
    assert "En attente de relecture" in client.get(tracking).get_data(as_text=True)

    [sub] = subs.queue(state_engine(settings(data, instance)))
    add_maintainer(settings(data, instance))
    env = contrib_env(data, instance)
    accepted = cli("submissions", "accept", str(sub.id), "--par", "camille", env=env)
    assert accepted.exit_code == 0, accepted.output
    assert "site mis à jour" in accepted.output  # no separate build
    assert git(repo, "diff", "--numstat", "HEAD~1", "HEAD") == \
        "2\t2\tdata/algorithms/france-travail-match-ft.md"  # the statut line, the budget line

    page = BeautifulSoup(client.get("/algorithmes/france-travail-match-ft").data, "html.parser")
    assert "Déployé" in page.select_one(".faits").text
    history = BeautifulSoup(client.get("/algorithmes/france-travail-match-ft/historique").data,
                            "html.parser")
    latest = history.select_one("li.version")
    assert "Camille Durand" in latest.select_one(".meta-version").text
    assert "sur une proposition de Sacha" not in latest.text  # Sacha did not agree
    rows = {tr.th.contents[0].strip(): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in latest.select("table.diff-champs tbody tr")}
    assert rows["Statut"] == ["« en_experimentation »", "« deploye »"]
    assert rows["Transparence › Budget › État"] == [f"« {before_budget} »", "« publie »"]
    assert len(rows) == 3  # nothing else changed, though the file was rewritten canonically
    feed = ET.fromstring(client.get("/flux.atom").data)
    first = feed.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title").startswith("Match FT")
    assert "Statut : « En expérimentation » devient « Déployé »" in \
        first.findtext(f"{ATOM}summary")
    assert "Acceptée" in client.get(tracking).get_data(as_text=True)
    assert (Path(__file__).parent.parent / "data" / "algorithms" / "france-travail-match-ft.md"
            ).read_text().count("statut: en_experimentation") == 1  # the real file is intact
