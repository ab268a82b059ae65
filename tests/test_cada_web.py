"""The access-request web flow: form, errors in French, CSRF, preview and every output."""

from __future__ import annotations

import io
import logging
import re

import icalendar
import pypdf
import pytest
from bs4 import BeautifulSoup

from registry.cada.letters import default_documents
from registry.config import PROJECT_ROOT
from registry.records import catalogue as cat
from registry.records.model import load_records
from tests.conftest import make_app

IDENT = "dgfip-cfvr"
RECORD = load_records(PROJECT_ROOT / "data" / "algorithms" / f"{IDENT}.md")[0]
URL = f"/algorithmes/{IDENT}/demande"
PERSON = {"nom": "Camille Requérante", "qualite": "présidente de l'association Exemple",
          "adresse": "3 rue des Lilas\n69001 Lyon", "email": "camille@exemple.fr"}


def _form_data(**changes: object) -> dict:
    data = {"kind": "demande", **PERSON, "documents": default_documents(RECORD),
            "date_lettre": "2026-03-10"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_form_preselects_the_unpublished_documents(client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    soup = _soup(response)
    checked = sorted(box["value"] for box in soup.select("input[name=documents][checked]"))
    assert checked == sorted(default_documents(RECORD))
    assert checked  # the CFVR record has unpublished documents
    offered = [box["value"] for box in soup.select("input[name=documents]")]
    assert offered == [c.key for c in cat.CRITERIA if c.cada_requestable]
    for field in ("nom", "qualite", "adresse", "email", "date_lettre", "date_demande"):
        assert soup.find("label", attrs={"for": field}), field
    assert soup.select_one("input[name=kind][value=demande][checked]")
    assert RECORD.administration_name in soup.get_text()


def test_record_page_links_to_the_form(client) -> None:
    soup = _soup(client.get(f"/algorithmes/{IDENT}"))
    assert soup.find("a", href=URL)


def test_unknown_record_is_a_french_404(client) -> None:
    response = client.get("/algorithmes/inexistant/demande")
    assert response.status_code == 404
    assert "Aucun algorithme" in response.get_data(as_text=True)


def test_preview_with_every_output(client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.post(URL, data=_form_data())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    soup = _soup(response)
    letter = soup.select_one(".apercu-lettre").get_text()
    assert RECORD.meta["nom"] in letter
    assert "L312-1-3" in letter and "L312-1-2" not in letter
    assert "Ceci n'est pas un conseil juridique" in letter
    assert "Camille Requérante" in letter and "69001 Lyon" in letter
    for key in default_documents(RECORD):
        assert cat.CRITERIA_BY_KEY[key].documents in letter
    text = soup.select_one("textarea#texte-lettre").get_text()
    assert text.startswith("Camille Requérante") and "Objet :" in text
    # Deadlines, from a request received on the letter's date.
    table = soup.select_one("table.echeances").get_text()
    assert "10 avril 2026" in table and "10 juin 2026" in table
    # Downloads re-post the form: no personal data in any URL of the page.
    form = soup.select_one("form[method=post]")
    actions = {b["formaction"] for b in form.select("button[formaction]")}
    assert actions == {f"{URL}/imprimable", f"{URL}/pdf", f"{URL}/texte", f"{URL}/ics"}
    hidden = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert ("nom", "Camille Requérante") in hidden and ("date_lettre", "2026-03-10") in hidden
    for link in soup.find_all("a", href=True):
        assert "Camille" not in link["href"] and "camille" not in link["href"]
    madada = soup.find("a", string=re.compile("Ma Dada"))
    assert madada["href"].startswith("https://madada.fr/")
    # Nothing personal reaches the logs.
    assert "Camille" not in caplog.text and "camille@" not in caplog.text


def _repost(client, endpoint: str, **changes: object):
    return client.post(f"{URL}/{endpoint}", data=_form_data(**changes))


def test_pdf_download(client) -> None:
    response = _repost(client, "pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert re.sub(r"\s+", " ", RECORD.meta["nom"]) in text


def test_ics_download(client) -> None:
    response = _repost(client, "ics", date_demande="2026-03-10", kind="relance",
                       date_lettre="2026-04-20")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.get_data())
    starts = sorted(str(e.decoded("dtstart")) for e in calendar.walk("VEVENT"))
    assert starts == ["2026-04-10", "2026-06-10"]
    assert all(e.walk("VALARM") for e in calendar.walk("VEVENT"))
    assert b"Camille" not in response.get_data()


def test_printable_and_text_downloads(client) -> None:
    page = _repost(client, "imprimable")
    assert page.status_code == 200 and page.mimetype == "text/html"
    soup = _soup(page)
    assert soup.select_one("link[rel=stylesheet]")["href"].endswith("cada.css")
    assert RECORD.meta["nom"] in soup.select_one(".lettre").get_text()
    assert not soup.find("style")  # the CSP forbids inline styles
    text = _repost(client, "texte")
    assert text.mimetype == "text/plain" and "Objet :" in text.get_data(as_text=True)


def test_errors_are_redisplayed_in_french_next_to_the_fields(client) -> None:
    response = client.post(URL, data=_form_data(nom="", email="pas-un-courriel",
                                                date_lettre="10/03/2026",
                                                documents=["code_source", "inexistant"]))
    assert response.status_code == 422
    soup = _soup(response)
    assert "Indiquez votre nom" in soup.select_one("#nom-erreur").get_text()
    assert "Adresse de courriel invalide" in soup.select_one("#email-erreur").get_text()
    assert "AAAA-MM-JJ" in soup.select_one("#date_lettre-erreur").get_text()
    assert "Document inconnu : inexistant" in soup.select_one("#documents-erreur").get_text()
    assert soup.select_one("#nom")["aria-invalid"] == "true"
    assert "nom-erreur" in soup.select_one("#nom")["aria-describedby"]
    summary = soup.select_one("#erreurs")
    assert summary and summary.find("a", href="#nom")
    # What was typed is kept.
    assert soup.select_one("#email")["value"] == "pas-un-courriel"
    assert "Camille" not in response.get_data(as_text=True)  # nom was emptied


def test_letter_rule_errors_are_shown_on_the_right_field(client) -> None:
    response = client.post(URL, data=_form_data(kind="saisine", date_demande="2026-03-01",
                                                date_lettre="2026-03-15"))
    assert response.status_code == 422
    error = _soup(response).select_one("#date_demande-erreur").get_text()
    assert "Saisine prématurée" in error and "1er avril 2026" in error
    response = client.post(URL, data=_form_data(documents=[]))
    assert "choisissez au moins un document" in _soup(response).select_one(
        "#documents-erreur").get_text()
    response = _repost(client, "pdf", kind="relance")
    assert response.status_code == 422 and response.mimetype == "text/html"


def test_modify_button_returns_to_the_filled_form(client) -> None:
    response = client.post(URL, data=_form_data(modifier="1", documents=["code_source"]))
    soup = _soup(response)
    assert soup.select_one("#nom")["value"] == "Camille Requérante"
    checked = [b["value"] for b in soup.select("input[name=documents][checked]")]
    assert checked == ["code_source"]


def test_post_without_csrf_token_is_rejected_in_french(csrf_client) -> None:
    for endpoint in ("", "/pdf", "/ics", "/imprimable", "/texte"):
        response = csrf_client.post(URL + endpoint, data=_form_data())
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert "jeton de sécurité" in body
        assert "Camille" not in body


def test_post_with_csrf_token_works(csrf_client) -> None:
    soup = _soup(csrf_client.get(URL))
    token = soup.select_one("input[name=csrf_token]")["value"]
    response = csrf_client.post(URL, data=_form_data(csrf_token=token))
    assert response.status_code == 200
    preview = _soup(response)
    reposted = preview.select_one("form input[name=csrf_token]")["value"]
    response = csrf_client.post(f"{URL}/pdf", data=_form_data(csrf_token=reposted))
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF-")


def test_letter_and_calendar_link_to_the_public_site(built_instance) -> None:
    client = make_app(built_instance, SITE_URL="https://registre.example").test_client()
    record_url = f"https://registre.example/algorithmes/{IDENT}"
    response = client.post(URL, data=_form_data())
    assert record_url in _soup(response).select_one(".apercu-lettre").get_text()
    ics = client.post(f"{URL}/ics", data=_form_data()).get_data().decode()
    assert record_url in ics.replace("\r\n ", "")


def test_cnaf_record_flow(client) -> None:
    record = load_records(PROJECT_ROOT / "data" / "algorithms" / "cnaf-score-risque.md")[0]
    response = client.post("/algorithmes/cnaf-score-risque/demande",
                           data={**_form_data(), "documents": default_documents(record)})
    assert response.status_code == 200
    letter = _soup(response).select_one(".apercu-lettre").get_text()
    assert record.administration_name in letter
    assert "R311-3-1-2" in letter


# --- in a real browser ------------------------------------------------------------

@pytest.mark.browser
def test_flow_in_chromium_is_accessible_and_downloads_work(live_server: str, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server}/algorithmes/{IDENT}")
    page.get_by_role("link", name="Demander les documents").first.click()
    assert page.url.endswith(URL)
    form_results = Axe().run(page)
    page.get_by_role("button", name="Préparer la lettre").click()  # name missing
    assert "Indiquez votre nom" in page.locator("#nom-erreur").inner_text()
    error_results = Axe().run(page)
    page.get_by_label("Nom et prénom, ou nom de l'association").fill("Camille Requérante")
    page.get_by_role("button", name="Préparer la lettre").click()
    assert page.get_by_role("heading", name="Votre lettre est prête").is_visible()
    preview_results = Axe().run(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Lettre en PDF").click()
    pdf_path = info.value.path()
    with page.expect_download() as info:
        page.get_by_role("button", name="Calendrier des délais (.ics)").click()
    ics_path = info.value.path()
    with open(pdf_path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with open(ics_path, "rb") as handle:
        assert icalendar.Calendar.from_ical(handle.read()).walk("VEVENT")
    for results in (form_results, error_results, preview_results):
        assert results.violations_count == 0, results.generate_report()
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_deadlines_page_computes_every_step_from_the_dates_given(client) -> None:
    """/demandes/delais: every deadline of the procedure, CADA opinion and court included,
    computed on the site by the same core as the letters."""
    from datetime import date

    from registry.cada.deadlines import compute_deadlines

    empty = client.get("/demandes/delais")
    assert empty.status_code == 200 and "Vos échéances" not in empty.get_data(as_text=True)
    response = client.get("/demandes/delais?reception=2026-11-02&enregistrement_cada=2027-01-15")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    rows = {" ".join(r.th.get_text().split()): r.time["datetime"] if r.time else None
            for r in soup.select("table.echeances tbody tr")}
    expected = compute_deadlines(date(2026, 11, 2), None, date(2027, 1, 15))
    assert rows == {label: when.isoformat() if when else None
                    for _, label, when in expected.steps()}
    assert len(rows) >= 5 and all(rows.values())  # the CADA's opinion and the court too
    ics = client.get(soup.find("a", string=re.compile("agenda"))["href"])
    assert ics.mimetype == "text/calendar"
    assert "echeances-demande-2026-11-02.ics" in ics.headers["Content-Disposition"]
    events = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert len(events) == len([s for s in expected.steps() if s[2]])


def test_deadlines_page_explains_a_bad_date(client) -> None:
    response = client.get("/demandes/delais?reception=2026-02-30")
    assert response.status_code == 422
    assert "Date de réception" in BeautifulSoup(response.data, "html.parser").select_one(
        "#erreurs").get_text()
