"""The site in English under /en/: same blueprints, locale from the address, links that keep
the prefix, language switch and hreflang, record text in French marked lang="fr", English
record fields where they exist, numbers and dates per locale, the letter form in English
(the letter itself in French)."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup

from registry.locales import date_text, number_text, percent_text

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
