"""The site in English under /en/: same blueprints, locale from the address, links that keep
the prefix, language switch and hreflang, record text in French marked lang="fr", English
record fields where they exist, numbers and dates per locale, the letter form in English
(the letter itself in French); the contribution forms, the tracking page, the history and
its feeds, the maintainer pages in English, POSTs with their CSRF token under /en/; the
coverage, open-data, API and AI Act pages with their charts and the English JSON Schema."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.contributions import queue as subs
from registry.locales import date_text, number_text, percent_text
from registry.records.validate import check_file
from registry.state import state_engine
from tests.contribrepo import (
    PASSWORD,
    add_maintainer,
    built_app,
    commit_all,
    form_values,
    one_record_repo,
    settings,
)

RECORD = "cnaf-score-risque"  # has nom_en, resume_en and description_en


def soup(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_french_at_the_root_english_under_en(client) -> None:
    fr, en = soup(client, "/"), soup(client, "/en/")
    assert fr.html["lang"] == "fr" and en.html["lang"] == "en"
    assert fr.find("a", string="Algorithmes") and en.find("a", string="Algorithms")
    assert "Skip to content" in en.get_text() and "Aller au contenu" in fr.get_text()
    assert soup(client, "/en").html["lang"] == "en"  # without the slash too


def test_internal_links_keep_the_language_prefix(client) -> None:
    page = soup(client, "/en/algorithmes")
    hrefs = [a["href"] for a in page.find_all("a", href=True)
             if a["href"].startswith("/") and not a.get("hreflang")]
    assert hrefs and all(h.startswith("/en/") for h in hrefs), [h for h in hrefs
                                                               if not h.startswith("/en/")]
    assert page.find("form", id="recherche")["action"] == "/en/algorithmes"
    french = soup(client, "/algorithmes")
    assert not [a["href"] for a in french.find_all("a", href=True)
                if a["href"].startswith("/en/") and not a.get("hreflang")]


def test_language_switch_and_hreflang_point_to_the_same_page(client) -> None:
    page = soup(client, "/en/algorithmes?q=fraude&domaine=social")
    alternates = {link["hreflang"]: link["href"]
                  for link in page.find_all("link", rel="alternate")}
    assert alternates["fr"].endswith("/algorithmes?q=fraude&domaine=social")
    assert alternates["en"].endswith("/en/algorithmes?q=fraude&domaine=social")
    assert alternates["x-default"] == alternates["fr"]
    switch = page.find("nav", class_="langues")
    link = switch.find("a", hreflang="fr")
    assert link["href"] == "/algorithmes?q=fraude&domaine=social" and link["lang"] == "fr"
    assert switch.find(attrs={"aria-current": "true"}).get_text() == "English"
    back = soup(client, f"/algorithmes/{RECORD}").find("nav", class_="langues")
    assert back.find("a", hreflang="en")["href"] == f"/en/algorithmes/{RECORD}"


def test_a_path_that_merely_starts_with_en_is_french(client) -> None:
    page = soup(client, "/entree-inconnue", 404)
    assert page.html["lang"] == "fr" and "Page introuvable" in page.get_text()


def test_english_error_pages(client) -> None:
    page = soup(client, "/en/page-inconnue", 404)
    assert "Page not found" in page.get_text() and "(error 404)" in page.get_text()
    missing = soup(client, "/en/algorithmes/nexiste-pas", 404)
    assert "No algorithm has the identifier “nexiste-pas”." in missing.get_text()


def test_prefix_below_a_site_mounted_under_a_path(app) -> None:
    client = app.test_client()
    response = client.get("/en/a-propos", base_url="http://localhost/registre/")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.find("a", string="Algorithms")["href"] == "/registre/en/algorithmes"
    assert page.find("nav", class_="langues").find("a")["href"] == "/registre/a-propos"


def test_record_page_in_english(client) -> None:
    page = soup(client, f"/en/algorithmes/{RECORD}")
    h1 = page.find("h1")
    assert h1.get_text().startswith("Benefit recipients")  # nom_en
    assert page.find(class_="nom-original").find(lang="fr").get_text().startswith("Score de")
    assert page.find(class_="chapo").get_text().startswith("Statistical model")  # resume_en
    description = page.find(class_="description-traduite")
    assert description and "household" in description.get_text()
    assert description.find("sup", class_="renvoi")  # citations numbered as in French
    assert page.find("details", class_="corps-original").find("div", lang="fr")
    text = page.get_text(" ")
    for english in ("Degree of automation", "Decision support (an official decides)",
                    "Are you affected?", "Transparency criteria" if False else "Sources",
                    "Source code", "Rules published online"):
        assert english in text, english
    assert "Degré d'automatisation" not in text
    # French record text is marked as French
    organe = page.find(class_="etape-organe").find("strong")
    assert organe["lang"] == "fr"
    assert page.find("ol", class_="sources").find("span", lang="fr")


def test_record_without_translation_is_french_marked_lang_fr(client) -> None:
    page = soup(client, "/en/algorithmes/aides-jeunes-simulateur")
    title = page.find("h1").find("span", lang="fr")
    assert title and "simulateur" in title.get_text().lower()
    assert page.find(class_="chapo").find("span", lang="fr")
    assert "no English translation yet" in page.get_text()
    body = page.find("section", id="presentation").find("div", lang="fr")
    assert body and body.get_text(strip=True)


def test_french_page_unchanged_by_the_translation(client) -> None:
    page = soup(client, f"/algorithmes/{RECORD}")
    assert page.find("h1").get_text().startswith("Score de risque")
    assert not page.find(attrs={"lang": "fr"}, class_="texte")  # no lang="fr" inside French
    assert "Degré d'automatisation" in page.get_text()


def test_list_and_home_in_english(client) -> None:
    listing = soup(client, "/en/algorithmes?q=allocataires")
    text = listing.get_text(" ")
    assert "results" in text and "Sort by" in text and "Domain" in text
    names = [a.get_text() for a in listing.select("li.resultat h3 a")]
    assert any(n.startswith("Benefit recipients") for n in names)  # the English name
    home = soup(client, "/en/")
    assert "What the administrations publish" in home.get_text()
    assert "published for" in home.select_one(".chiffre-detail").get_text()


def test_numbers_dates_and_percentages_per_locale() -> None:
    assert number_text(34500000, "fr") == "34\u202f500\u202f000"
    assert number_text(34500000, "en") == "34,500,000"
    assert number_text(1.5, "fr") == "1,5" and number_text(1.5, "en") == "1.5"
    assert date_text(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert date_text("2026-03-01", "en") == "March 1, 2026"
    assert date_text("2026-03", "en") == "March 2026" and date_text("2026", "en") == "2026"
    assert date_text("n'importe", "en") == "n'importe"
    assert percent_text(10.8, "fr") == "10,8 %" and percent_text(10.8, "en") == "10.8%"
    assert percent_text(None, "en") == "—"


def test_cada_form_in_english_letter_in_french(client) -> None:
    form = soup(client, f"/en/algorithmes/{RECORD}/demande")
    text = form.get_text(" ")
    assert "Kind of letter" in text and "Request for administrative documents" in text
    assert "The letter is written in French" in text
    assert form.find("label", attrs={"for": "nom"}).get_text().startswith("Full name")
    assert form.find("form", class_="formulaire-cada")["action"] == \
        f"/en/algorithmes/{RECORD}/demande"
    errors = client.post(f"/en/algorithmes/{RECORD}/demande",
                         data={"kind": "demande", "date_lettre": "2026-03-10",
                               "date_demande": "2026-13-45"})
    assert errors.status_code == 422
    page = BeautifulSoup(errors.get_data(as_text=True), "html.parser")
    assert "Give your name or the association's." in page.get_text()
    assert "Invalid date: use the format YYYY-MM-DD" in page.get_text()
    assert "The form has 2 errors" in page.get_text()
    ok = client.post(f"/en/algorithmes/{RECORD}/demande", data={
        "kind": "demande", "nom": "Camille Martin", "date_lettre": "2026-03-10",
        "documents": ["code_source"]})
    assert ok.status_code == 200
    preview = BeautifulSoup(ok.get_data(as_text=True), "html.parser")
    assert "Your letter is ready" in preview.get_text()
    letter = preview.find("div", class_="apercu-lettre")
    assert letter["lang"] == "fr" and "Madame" in letter.get_text() + preview.find(
        "textarea").get_text()
    assert "Last day to refer the matter to the CADA" in preview.get_text()


# --- second pass: contributions, tracking, history and its feeds, maintainers -------------

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def contrib_site(tmp_path: Path) -> dict:
    """A record with two versions in git, a maintainer, CSRF on (as in production)."""
    repo = tmp_path / "depot"
    data = one_record_repo(repo, "Ajout de la fiche")
    path = data / "caf-essai.md"
    path.write_text(path.read_text(encoding="utf-8").replace("statut: deploye",
                                                             "statut: suspendu"),
                    encoding="utf-8")
    commit_all(repo, "Statut : suspendu depuis mars", "2025-03-02T10:00:00+01:00")
    instance = tmp_path / "instance"
    app = built_app(data, instance, WTF_CSRF_ENABLED=True)
    add_maintainer(settings(data, instance))
    return {"app": app, "client": app.test_client(), "data": data,
            "engine": state_engine(settings(data, instance))}


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_new_proposal_form_in_english_and_its_errors(contrib_site: dict) -> None:
    client = contrib_site["client"]
    form = soup(client, "/en/proposer")
    assert form.html["lang"] == "en"
    assert form.find("h1").get_text() == "Propose an algorithm"
    assert "Step 1 of 4: What it is" in form.find("legend").get_text()
    assert [li.get_text() for li in form.select("ol.etapes li")] == [
        "What it is", "Who uses it", "The sources", "Optional details"]
    assert form.find("label", attrs={"for": "nom"}).get_text().startswith("Name")
    assert form.find("form", class_="formulaire-contribution")["action"] == "/en/proposer"
    assert form.find("button", value="continuer").get_text() == "Continue"
    assert "Four short steps" in form.get_text()
    assert form.find("select", id="domaine").find("option").get_text() == "— choose —"
    # POST with its CSRF token, under /en/: English errors, the core's advice marked French
    values = form_values(client.get("/en/proposer").data)
    values.update({"action": "continuer", "nom": ""})
    response = client.post("/en/proposer", data=values)
    assert response.status_code == 422
    page = _page(response)
    assert page.find("h2", id="titre-erreurs").get_text().startswith(
        "Some points still need correcting (")
    error = page.select_one("#nom-erreur")
    assert error.find("span", lang="fr") and error.get_text(strip=True)
    assert page.select_one("#erreurs li a").get_text().startswith("Name: ")


def test_correction_in_english_redirects_to_an_english_tracking_page(
        contrib_site: dict) -> None:
    client = contrib_site["client"]
    picker = soup(client, "/en/algorithmes/caf-essai/corriger")
    assert picker.find("h1").find("span", lang="fr").get_text() == "Score d'essai de la CAF"
    assert "Propose a correction: " in picker.find("h1").get_text()
    assert "Or only some fields (" in picker.get_text()
    assert picker.find("button", type="submit").get_text() == "Correct the chosen fields"
    chosen = soup(client, "/en/algorithmes/caf-essai/corriger?choisir=1", 422)  # nothing ticked
    assert "Tick at least one field or section to correct." in chosen.get_text()
    url = "/en/algorithmes/caf-essai/corriger?champs=statut"
    values = form_values(client.get(url).data)
    assert "csrf_token" in values
    assert soup(client, url).find("label", attrs={"for": "statut"}).get_text().startswith(
        "Status")
    values.update({"statut": "abandonne", "action": "apercu", "message": "Arrêté en 2025.",
                   "contributeur_nom": "Dominique"})
    preview = client.post(url, data=values)
    assert preview.status_code == 200
    page = _page(preview)
    assert page.find("h2", id="titre-apercu").get_text() == "What will change in the record"
    assert page.select_one("ul.changements li")["lang"] == "fr"  # what changes: French words
    values["action"] = "envoyer"
    sent = client.post(url, data=values)
    assert sent.status_code == 303
    location = sent.headers["Location"]
    assert location.startswith("/en/contributions/") and "nouveau=1" in location
    tracking = _page(client.get(location))
    text = tracking.get_text(" ")
    assert tracking.html["lang"] == "en"
    assert "Tracking of contribution no. " in tracking.find("h1").get_text()
    assert "Thank you, your contribution has been recorded." in text
    assert "/en/contributions/" in tracking.select_one("code.adresse-suivi").get_text()
    assert "Proposed correction" in text and "Awaiting review" in text
    assert "What the contribution changes" in text
    assert tracking.find("ul", class_="changements")["lang"] == "fr"
    french = _page(client.get(location.removeprefix("/en")))
    assert "En attente de relecture" in french.get_text() and french.html["lang"] == "fr"
    assert not french.find(attrs={"lang": "fr"}, class_="changements")


def test_error_report_in_english(contrib_site: dict) -> None:
    client = contrib_site["client"]
    form = soup(client, "/en/algorithmes/caf-essai/signaler")
    assert form.find("h1").get_text().startswith("Report an error: ")
    assert form.find("label", attrs={"for": "message"}).get_text().startswith("What is wrong")
    values = form_values(client.get("/en/algorithmes/caf-essai/signaler").data)
    values.update({"message": " ", "source": ""})
    empty = client.post("/en/algorithmes/caf-essai/signaler", data=values)
    assert empty.status_code == 422
    page = _page(empty)
    assert "Describe what is wrong or missing" in page.select_one("#message-erreur").get_text()
    assert "Say where the right information" in page.select_one("#source-erreur").get_text()


def test_history_page_and_feeds_in_english(contrib_site: dict) -> None:
    client = contrib_site["client"]
    page = soup(client, "/en/algorithmes/caf-essai/historique")
    assert page.html["lang"] == "en"
    assert page.find("h1").get_text().startswith("History: ")
    assert page.find("h1").find("span", lang="fr")
    assert page.find("a", string="Follow this record (Atom feed)")["href"] == \
        "/en/algorithmes/caf-essai/flux.atom"
    latest = page.select_one("li.version")
    assert latest.find("h2").find("span", lang="fr").get_text() == \
        "Mise à jour : Statut"  # the history's own French words
    assert latest.find("ul", class_="changements")["lang"] == "fr"
    assert "By " in latest.select_one(".meta-version").get_text()
    assert latest.find("summary").get_text() == "Before and after, field by field"
    table = latest.find("table", class_="diff-champs")
    assert [th.get_text() for th in table.select("thead th")] == ["Field", "Before", "After"]
    assert table.select_one("tbody th").get_text().startswith("Status")
    assert table.find("ins")["lang"] == "fr"
    assert "Fields changed on March 2, 2025" in latest.find(
        "div", role="region")["aria-label"]
    assert "Historique : " in soup(client, "/algorithmes/caf-essai/historique").find(
        "h1").get_text()
    for url, title in (("/en/algorithmes/caf-essai/flux.atom",
                        "Score d'essai de la CAF: changes to the record"),
                       ("/en/flux.atom", "Citizen registry of public algorithms: changes")):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = ET.fromstring(response.data)
        assert feed.findtext(f"{ATOM}title") == title
        assert feed.get(XML_LANG) == "en"
        assert feed.findtext(f"{ATOM}subtitle").startswith("What changed in the records")
        self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
        assert self_link.endswith(url)
        entry = feed.find(f"{ATOM}entry")
        assert entry.get(XML_LANG) == "fr"
        assert "/en/algorithmes/caf-essai/historique#version-" in entry.find(
            f"{ATOM}link").get("href")
    french = ET.fromstring(client.get("/algorithmes/caf-essai/flux.atom").data)
    assert french.findtext(f"{ATOM}title") == "Score d'essai de la CAF : modifications de la fiche"
    assert french.get(XML_LANG) == "fr" and french.find(f"{ATOM}entry").get(XML_LANG) is None


def test_maintainer_pages_in_english(contrib_site: dict) -> None:
    client, engine = contrib_site["client"], contrib_site["engine"]
    current = check_file(contrib_site["data"] / "caf-essai.md")
    sub = subs.create(engine, "correction", "caf-essai", {**current.meta, "statut": "abandonne"},
                      current.body, message="Arrêté.",
                      base_hash=subs.file_hash(contrib_site["data"] / "caf-essai.md"))
    sent_away = client.get(f"/en/mainteneurs/contributions/{sub.id}")
    assert sent_away.status_code == 302
    assert sent_away.headers["Location"] == \
        f"/en/mainteneurs/connexion?next=/en/mainteneurs/contributions/{sub.id}"
    login = soup(client, "/en/mainteneurs/connexion")
    assert login.html["lang"] == "en"
    assert login.find("h1").get_text() == "Maintainer login"
    assert login.find("label", attrs={"for": "login"}).get_text().startswith("Username")
    assert login.find("label", attrs={"for": "password"}).get_text().startswith("Password")
    assert login.find("form")["action"] == "/en/mainteneurs/connexion"
    values = form_values(client.get("/en/mainteneurs/connexion").data)
    wrong = client.post("/en/mainteneurs/connexion",
                        data={**values, "login": "camille", "password": "faux"})
    assert wrong.status_code == 401
    assert "Wrong username or password" in _page(wrong).select_one("#password-erreur").text
    values = form_values(client.get("/en/mainteneurs/connexion").data)
    done = client.post("/en/mainteneurs/connexion",
                       data={**values, "login": "camille", "password": PASSWORD,
                             "next": f"/en/mainteneurs/contributions/{sub.id}"})
    assert done.status_code == 303
    assert done.headers["Location"] == f"/en/mainteneurs/contributions/{sub.id}"
    queue = _page(client.get("/en/mainteneurs"))
    assert queue.find("h1").get_text() == "Contribution queue"
    assert "1 contribution awaiting review out of 1." in queue.get_text()
    assert queue.find("button", string="Log out")
    detail_url = f"/en/mainteneurs/contributions/{sub.id}"
    detail = _page(client.get(detail_url))
    assert detail.find("h1").get_text() == f"Contribution no. {sub.id}: proposed correction"
    assert detail.find("button", string="Accept")
    token = form_values(client.get(detail_url).data,
                        "form.formulaire-contribution")["csrf_token"]
    refused = client.post(f"/en/mainteneurs/contributions/{sub.id}/refuser",
                          data={"csrf_token": token, "raison": "Source manquante."})
    assert refused.status_code == 303 and refused.headers["Location"] == "/en/mainteneurs"
    after = _page(client.get("/en/mainteneurs"))
    assert f"Contribution no. {sub.id} rejected." in after.select_one(".alerte").get_text()
    tracking = _page(client.get(f"/en/contributions/{sub.token}"))
    assert "Rejected" in tracking.get_text() and "Reason for the rejection" in tracking.get_text()
    assert tracking.find("dd", string="Source manquante.")["lang"] == "fr"
    journal = _page(client.get("/en/contributions/journal"))
    assert journal.find("h1").get_text() == "Decisions log"
    assert f"no. {sub.id} — Proposed correction" in journal.get_text()


def test_english_feed_of_a_translated_record_uses_its_english_name(client) -> None:
    feed = ET.fromstring(client.get(f"/en/algorithmes/{RECORD}/flux.atom").data)
    title = feed.findtext(f"{ATOM}title")
    assert title.startswith("Benefit recipients") and title.endswith(": changes to the record")
    french = ET.fromstring(client.get(f"/algorithmes/{RECORD}/flux.atom").data)
    assert french.findtext(f"{ATOM}title").startswith("Score de risque")


# --- second pass: coverage, open data, API, AI Act --------------------------------------

def test_coverage_page_in_english(client) -> None:
    page = soup(client, "/en/couverture")
    assert page.find("h1").get_text() == "Transparency: the coverage of the registry"
    headings = [h.get_text() for h in page.find_all("h2")]
    for english in ("Criterion by criterion", "Access requests under way",
                    "Ready for the AI Act", "Rankings by administration and by domain",
                    "Least transparent records", "Trend", "Method", "Download the figures"):
        assert english in headings, english
    assert page.find("h3", id="classement-domaine").get_text() == "By domain"
    text = page.get_text(" ")
    assert "Critère par critère" not in text and "Télécharger" not in text
    criteria = page.find("table", id="tableau-criteres")
    assert criteria.find("th", string="Published (all records)")
    assert criteria.find("th", scope="row", string="Source code")  # catalogue's label_en
    # figures per locale: « 13 / 120 (10.8%) », never « 10,8 % »
    fractions = [f.get_text() for f in page.select("#tableau-criteres .fraction")]
    assert fractions and all(re.fullmatch(r"\d+ / \d+ \((\d+(\.\d)?%|—)\)", f)
                             for f in fractions), fractions
    # a domain's label comes from the catalogue in English; an administration's name is French
    ranking = page.find("table", id="tableau-classement-domaine")
    assert ranking.find("th", scope="row", string="Social benefits") or \
        "Social" in ranking.get_text(), ranking.get_text()[:300]
    admin = page.find("table", id="tableau-classement-administration").find("th", scope="row")
    assert admin.find(lang="fr")
    quote = page.find("details", class_="citer")
    assert quote.find("summary").get_text() == "Cite this figure"
    assert quote.find("blockquote")["lang"] == "fr"  # the citation sentence stays French
    method = page.find("table", id="tableau-methode")
    assert "all records, except “not applicable”" in method.get_text()
    assert page.find("nav", class_="langues").find("a", hreflang="fr")["href"] == "/couverture"
    permanent = page.select_one(".lien-permanent p a")["href"]
    assert re.search(r"/en/couverture\?commit=[0-9a-f]{40}$", permanent), permanent
    french = soup(client, "/couverture").select_one(".lien-permanent p a")["href"]
    assert re.search(r"[^n]/couverture\?commit=", french) and "/en/" not in french


def test_coverage_charts_in_english(client) -> None:
    page = soup(client, "/en/couverture")
    bars = page.find("svg", id=False, attrs={"aria-labelledby": re.compile("graphique-etats")})
    assert bars.find("title").get_text() == "Publication of the transparency criteria, by state"
    desc = bars.find("desc").get_text()
    assert desc.startswith("For each of the ") and "by publication state" in desc
    legend = [t.get_text() for t in bars.select("g.chart-legend text")]
    assert "Published" in legend and "Publié" not in legend, legend
    tips = [t.get_text() for t in bars.select("rect title")]
    assert tips and all(re.search(r" — .+: \d+ / \d+ \(\d+(\.\d)?%\)$", t) for t in tips), tips[:3]
    assert re.fullmatch(r"\d+(\.\d)?%", bars.select("g.chart-row > text")[-1].get_text())
    trend = page.select("ul.multiples svg")
    assert trend, "the English page draws the trend"
    first = trend[0]
    assert first.find("title").get_text().endswith(": share of the records where it is published")
    assert re.search(r"^From .+ on [A-Z][a-z]{2} \d{1,2}, \d{4} to .+ over \d+ versions? of the "
                     r"records; highest", first.find("desc").get_text())
    ticks = [t.get_text() for t in first.select("g.chart-axes text")]
    assert "0%" in ticks and not any(" %" in t for t in ticks), ticks
    french = soup(client, "/couverture").select("ul.multiples svg")[0]
    assert french.find("desc").get_text().startswith("De ")
    assert "0 %" in [t.get_text() for t in french.select("g.chart-axes text")]


def test_coverage_errors_in_english(client) -> None:
    page = soup(client, "/en/couverture.csv?table=nimporte", 400)
    assert "Unknown table “nimporte”: choose among criteres" in page.get_text()
    french = soup(client, "/couverture.csv?table=nimporte", 400)
    assert "Tableau inconnu « nimporte »" in french.get_text()


def test_open_data_page_in_english(client) -> None:
    page = soup(client, "/en/donnees")
    assert page.find("h1").get_text() == "Open data"
    text = page.get_text(" ")
    for english in ("The dataset", "Downloads", "Spreadsheet CSV", "XLSX workbook",
                    "For a spreadsheet", "Schema and API", "Importing an existing register"):
        assert english in text, english
    assert "Téléchargements" not in text and "Classeur XLSX" not in text
    assert page.find("dd", lang="fr")  # the dataset's own metadata stays French
    sizes = [td.get_text() for td in page.find_all("td", attrs={"data-label": "Size"})]
    assert sizes and all(s == "—" or re.fullmatch(r"[\d,]+(\.\d)? KiB", s) for s in sizes), sizes
    links = [a["href"] for a in page.select("main a[href^='/']")]
    assert links and all(h.startswith("/en/") for h in links), links
    # the DCAT description is the dataset's, in French at every address
    def titles(url: str) -> list[str]:
        dcat = client.get(url).get_json()
        return [dcat["dct:title"]] + [d["dct:title"] for d in dcat["dcat:distribution"]]
    assert titles("/en/donnees/dcat.jsonld") == titles("/donnees/dcat.jsonld")
    assert "CSV pour tableur (algorithmes-tableur.csv)" in titles("/en/donnees/dcat.jsonld") \
        or any(t.startswith("CSV pour tableur") for t in titles("/en/donnees/dcat.jsonld"))


def test_api_docs_and_api_errors_in_english(client) -> None:
    page = soup(client, "/en/api")
    assert page.find("h1").get_text() == "API: documentation"
    text = page.get_text(" ")
    assert "Principles" in text and "Every address" in text and "On the command line (curl)" \
        in text
    assert page.find("h3", id=re.compile("^op-")).find("span", lang="fr")  # summaries: French
    error = client.get("/en/api/v1/algorithmes?par_page=0")
    assert error.status_code == 400
    body = error.get_json()["erreur"]
    assert body["titre"] == "Bad request"
    assert body["message"] == ("The parameter “par_page” must be a whole number between 1 and "
                               "100 (received: “0”).")
    missing = client.get("/en/api/v1/algorithmes/nexiste-pas").get_json()["erreur"]
    assert missing["message"] == "No algorithm has the identifier “nexiste-pas”."
    french = client.get("/api/v1/algorithmes?tri=x").get_json()["erreur"]
    assert french["message"].startswith("Le paramètre « tri » accepte")
    # the API's keys and values stay French in every language
    assert client.get("/en/api/v1/couverture").get_json().keys() == \
        client.get("/api/v1/couverture").get_json().keys()


def test_ai_act_page_in_english(client) -> None:
    page = soup(client, "/en/reglement-ia")
    assert page.find("h1").get_text() == "The EU AI Act, system by system"
    text = page.get_text(" ")
    for english in ("Timeline", "High risk (Annex III)", "Fundamental rights impact assessment",
                    "Registration in the EU database", "Human oversight", "EU database",
                    "Right to an explanation of an individual decision",
                    "Deployer", "article 49(3) and Annex VIII, section C"):
        assert english in text, english
    for french in ("Calendrier", "Analyse d'impact sur les droits fondamentaux",
                   "Contrôle humain", "Haut risque (annexe III)"):
        assert french not in text, french
    row = page.find("tr", id="obligation-controle_humain")
    assert "Article 26(2)" in row.find("td", class_="exigence").get_text()
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}", row.find("time").get_text())
    french = soup(client, "/reglement-ia")
    assert "Contrôle humain" in french.get_text() and "Calendrier" in french.get_text()


def test_percentages_keep_their_decimal_in_every_language() -> None:
    """« 10,0 % » in French is « 10.0% » in English (the method: one decimal), not « 10% »;
    a whole-number scale stays whole."""
    from decimal import Decimal

    assert percent_text(Decimal("10.0"), "en") == "10.0%"
    assert percent_text(Decimal("10.0"), "fr") == "10,0 %"
    assert percent_text(25, "en") == "25%" and percent_text(Decimal("1234.5"), "en") == "1,234.5%"


def _without_annotations(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_annotations(v) for k, v in node.items()
                if k not in ("title", "description")}
    if isinstance(node, list):
        return [_without_annotations(v) for v in node]
    return node


def test_json_schema_in_english_is_the_same_contract(client) -> None:
    """/en/api/v1/schema: titles and descriptions from the catalogue's label_en / help_en,
    the same $id and the same validating keywords as the French schema."""
    import jsonschema

    from registry.records import catalogue as cat

    french, english = (client.get(f"{p}/api/v1/schema").get_json() for p in ("", "/en"))
    assert english["$id"] == french["$id"]
    assert _without_annotations(english) == _without_annotations(french)
    jsonschema.Draft202012Validator.check_schema(english)
    assert english["title"] == "Record of the citizens' register of public algorithms"
    nom = cat.field_at("nom")
    assert english["properties"]["nom"]["title"] == nom.label_en
    assert english["properties"]["nom"]["description"].startswith(nom.help_en)
    assert french["properties"]["nom"]["title"] == nom.label
    code = english["properties"]["transparence"]["properties"]["code_source"]
    assert code["title"] == "Source code"
    assert english["$defs"]["administration"]["title"] == "Record of an administration"
    assert client.get(f"/en/api/v1/schema/{cat.SCHEMA_VERSION}").get_json() == english


def test_record_page_ai_act_requirements_in_english(client) -> None:
    page = soup(client, f"/en/algorithmes/{RECORD}")
    section = page.find(id="section-ai_act")
    text = section.get_text(" ")
    assert "Article 26(2)" in text and "human oversight is assigned to people" in text
    assert "le contrôle humain est confié" not in text
    french = soup(client, f"/algorithmes/{RECORD}").find(id="section-ai_act").get_text(" ")
    assert "le contrôle humain est confié" in french and "Article 26, paragraphe 2" in french
