"""Access-request letters: content, cited articles, PDF, iCalendar, Ma Dada link, CLI."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import icalendar
import pypdf
import pytest

from registry.cada.deadlines import compute_deadlines
from registry.cada.letters import (
    ARTICLES,
    CRPA_REF,
    LETTER_TYPES,
    LetterError,
    LetterRequest,
    Requester,
    default_documents,
)
from registry.cada.letters import (
    render_letter as _render_letter,
)
from registry.cada.outputs import (
    madada_url,
    render_html_document,
    render_ics,
    render_pdf,
    text_to_html,
)
from registry.config import PROJECT_ROOT
from registry.records import catalogue as cat
from registry.records.model import load_administrations, load_records
from tests.recordfactory import with_etats, write_record

CNAF_NAME = "Score de risque des allocataires (data mining des données entrantes, DMDE)"
CNAF_ADMIN = "Caisse nationale des allocations familiales (CNAF)"
CNAF_ETATS = dict(regles_publiees="partiel", mention_explicite="inconnu", code_source="publie",
                  documentation="partiel", criteres_ponderation="obtenu",
                  donnees_sources="partiel", evaluation_interne="non_publie",
                  evaluation_externe="partiel", budget="non_publie", analyse_impact="refuse",
                  prestataires="inconnu", voies_de_recours="non_publie")
# Requestable criteria whose etat is non_publie, inconnu or refuse (voies_de_recours is not
# requestable under the CRPA).
CNAF_MISSING = ["mention_explicite", "evaluation_interne", "budget", "analyse_impact",
                "prestataires"]
CNAF_ADMIN_META = {
    "nom": CNAF_ADMIN, "type": "securite_sociale",
    "adresse": ["32 avenue de la Sibelle", "75685 Paris Cedex 14"],
    "prada": {"fonction": "Personne responsable de l'accès aux documents administratifs (PRADA)",
              "adresse": ["Direction juridique", "32 avenue de la Sibelle",
                          "75685 Paris Cedex 14"],
              "courriel": "prada@cnaf.example.fr", "source": "essai"},
    "dpo": {"adresse": ["Délégué à la protection des données", "32 avenue de la Sibelle",
                        "75685 Paris Cedex 14"], "courriel": "dpo@cnaf.example.fr",
            "source": "essai"},
}


def render_letter(record: object, request: LetterRequest, **kwargs: object):
    """Letters of these tests go to the administration above unless told otherwise."""
    kwargs.setdefault("administration", CNAF_ADMIN_META)
    return _render_letter(record, request, **kwargs)


REQUESTER = Requester("Association Transparence", "représentée par sa présidente",
                      "1 rue de la Paix\n75002 Paris", "contact@transparence.example")


@pytest.fixture
def cnaf(tmp_path: Path):
    path = write_record(tmp_path / "data", "cnaf-score-risque-essai", nom=CNAF_NAME,
                        sigle="DMDE",
                        administration={"nom": CNAF_ADMIN, "type": "securite_sociale"},
                        decision_individuelle="oui",
                        transparence=with_etats(**CNAF_ETATS))
    return load_records(path)[0]


def _request(kind: str = "demande", **kwargs: object) -> LetterRequest:
    kwargs.setdefault("letter_date", date(2026, 3, 10))
    return LetterRequest(kind, REQUESTER, **kwargs)


def _listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]


def test_default_documents_are_the_unpublished_requestable_criteria(cnaf) -> None:
    assert default_documents(cnaf) == CNAF_MISSING


def test_demand_letter_for_cnaf(cnaf) -> None:
    letter = render_letter(cnaf, _request())
    text = letter.text
    head = text.split("Objet :")[0]
    assert CNAF_ADMIN in head and "prada@cnaf.example.fr" in head  # addressed to the PRADA
    assert "PRADA" in head
    assert f"Objet : Demande de communication de documents administratifs – {CNAF_NAME}" in text
    # Exactly the documents whose criteria are not published.
    listed = _listed(text)
    assert len(listed) == len(CNAF_MISSING)
    for key, line in zip(CNAF_MISSING, listed, strict=True):
        assert cat.CRITERIA_BY_KEY[key].documents in line
    for crit in cat.CRITERIA:
        if crit.key not in CNAF_MISSING:
            assert crit.documents not in text
    assert "L312-1-3" in text and "R311-3-1-2" in text
    assert "L312-1-2" not in text
    assert "Ceci n'est pas un conseil juridique" in text
    assert "Le 10 mars 2026" in text
    assert REQUESTER.email in text and "75002 Paris" in text
    assert letter.documents == CNAF_MISSING
    # Every article mentioned comes from the central table, and is listed in the footer.
    refs = set(CRPA_REF.findall(text))
    assert refs <= set(ARTICLES)
    footer = text.split("Textes cités")[1]
    for ref in refs:
        assert f"Article {ref} du CRPA" in footer


def test_user_choice_of_documents_overrides_the_default(cnaf) -> None:
    letter = render_letter(cnaf, _request(documents=["code_source", "budget"]))
    listed = _listed(letter.text)
    assert len(listed) == 2
    assert cat.CRITERIA_BY_KEY["code_source"].documents in listed[0]
    assert cat.CRITERIA_BY_KEY["budget"].documents in listed[1]


@pytest.mark.parametrize(("documents", "message"), [
    (["code_source", "inexistant"], "document(s) inconnu(s) : inexistant"),
    (["voies_de_recours"], "document(s) inconnu(s) : voies_de_recours"),
    ([], "choisissez au moins un document"),
])
def test_bad_documents_are_refused_in_french(cnaf, documents: list[str],
                                             message: str) -> None:
    with pytest.raises(LetterError, match=re.escape(message)):
        render_letter(cnaf, _request(documents=documents))


def test_requester_name_is_required(cnaf) -> None:
    with pytest.raises(LetterError, match="nom du demandeur"):
        render_letter(cnaf, LetterRequest("demande", Requester("  ")))
    with pytest.raises(LetterError, match="type de lettre"):
        render_letter(cnaf, LetterRequest("plainte", REQUESTER))


def test_a_wrong_article_in_a_template_cannot_reach_a_letter(cnaf, tmp_path: Path) -> None:
    folder = tmp_path / "modeles" / "cada" / "lettres"
    folder.mkdir(parents=True)
    (folder / "demande.txt").write_text("Vu l'article L312-1-2 du CRPA.\n", encoding="utf-8")
    (folder / "pied.txt").write_text("{{ notice }}\n", encoding="utf-8")
    with pytest.raises(LetterError, match="L312-1-2"):
        render_letter(cnaf, _request(), templates=tmp_path / "modeles")
    (folder / "demande.txt").write_text("{{ cite('L312-1-2') }}\n", encoding="utf-8")
    with pytest.raises(LetterError, match="L312-1-2"):
        render_letter(cnaf, _request(), templates=tmp_path / "modeles")


def test_explanation_letter(cnaf) -> None:
    letter = render_letter(cnaf, _request("explication", decision_reference="DOS-42",
                                          decision_date=date(2026, 2, 1)))
    text = letter.text
    assert "R311-3-1-2" in text and "L311-3-1" in text and "article 15 du RGPD" in text
    assert "1, h)" in text
    assert "DOS-42" in text and "1er février 2026" in text
    assert len(_listed(text)) == 4  # R311-3-1-2, 1° to 4°
    assert "article 22 du RGPD" not in text  # aide à la décision: an agent decides
    assert "Ceci n'est pas un conseil juridique" in text


def test_explanation_cites_article_22_for_automated_decisions(tmp_path: Path) -> None:
    path = write_record(tmp_path / "data", "auto", degre_automatisation="entierement_automatise")
    letter = render_letter(load_records(path)[0], _request("explication"))
    assert "article 22 du RGPD" in letter.text


def test_reminder_letter_after_silence(cnaf) -> None:
    letter = render_letter(cnaf, _request("relance", date_demande=date(2026, 3, 10),
                                          letter_date=date(2026, 4, 20)))
    text = letter.text
    assert "Le 10 mars 2026, je vous ai adressé" in text
    assert "refus le 10 avril 2026" in text and "au plus tard le 10 juin 2026" in text
    assert len(_listed(text)) == len(CNAF_MISSING)
    assert not letter.warnings


def test_early_reminder_warns(cnaf) -> None:
    letter = render_letter(cnaf, _request("relance", date_demande=date(2026, 3, 10),
                                          letter_date=date(2026, 3, 25)))
    assert "expire le 10 avril 2026" in letter.text
    assert letter.warnings


def test_referral_requires_the_original_request_and_a_refusal(cnaf) -> None:
    with pytest.raises(LetterError, match="date d'envoi de la demande initiale"):
        render_letter(cnaf, _request("saisine"))
    with pytest.raises(LetterError, match="saisine prématurée.*10 avril 2026"):
        render_letter(cnaf, _request("saisine", date_demande=date(2026, 3, 10),
                                     letter_date=date(2026, 3, 30)))
    # An express refusal opens the referral at once.
    letter = render_letter(cnaf, _request("saisine", date_demande=date(2026, 3, 10),
                                          refus_expres=date(2026, 3, 20),
                                          letter_date=date(2026, 3, 30)))
    assert "expressément refusé de communiquer les documents le 20 mars 2026" in letter.text
    assert "copie de la décision de refus du 20 mars 2026" in letter.text
    assert letter.deadlines.limite_saisine_cada == date(2026, 5, 20)


def test_referral_letter(cnaf) -> None:
    letter = render_letter(cnaf, _request("saisine", date_demande=date(2026, 3, 10),
                                          letter_date=date(2026, 5, 2)))
    text = letter.text
    assert "TSA 50730" in text and "https://www.cada.fr/formulaire-de-saisine" in text
    assert "R343-1" in text and "L312-1-3" in text and "R311-3-1-2" in text
    assert f"Demandeur : {REQUESTER.nom}" in text
    assert f"Administration concernée : {CNAF_ADMIN}" in text
    assert "envoyée le 10 mars 2026" in text and "refus implicite est né le 10 avril 2026" in text
    assert "copie de ma demande du 10 mars 2026" in text
    assert len(_listed(text)) == len(CNAF_MISSING)
    late = render_letter(cnaf, _request("saisine", date_demande=date(2026, 3, 10),
                                        letter_date=date(2026, 7, 1)))
    assert any("semble expiré" in w for w in late.warnings)


def test_every_letter_type_renders_with_the_notice(cnaf) -> None:
    for kind in LETTER_TYPES:
        letter = render_letter(cnaf, _request(kind, date_demande=date(2026, 1, 5)))
        assert "Ceci n'est pas un conseil juridique" in letter.text
        assert "L312-1-2" not in letter.text
        assert set(CRPA_REF.findall(letter.text)) <= set(ARTICLES)


def test_html_is_escaped_and_structured(cnaf) -> None:
    evil = Requester('<script>alert("x")</script>', email="a@b.example")
    letter = render_letter(cnaf, LetterRequest("demande", evil))
    html = str(letter.html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<li>") == len(CNAF_MISSING) + len(letter.articles)
    assert '<a href="https://www.legifrance.gouv.fr/' in html
    assert str(text_to_html("a & b")) == '<div class="lettre">\n<p>a &amp; b</p>\n</div>'
    page = render_html_document(letter)
    assert page.startswith("<!doctype html>") and "<style>" in page and CNAF_NAME in page
    linked = render_html_document(letter, stylesheet_url="/static/cada.css")
    assert "<style>" not in linked and 'href="/static/cada.css"' in linked


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    return "\n".join(page.extract_text() for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_is_valid_and_contains_the_algorithm(cnaf) -> None:
    letter = render_letter(cnaf, _request())
    data = render_pdf(letter)
    text = _squash(_pdf_text(data))
    assert CNAF_NAME in text
    assert "Ceci n'est pas un conseil juridique" in text
    assert "L312-1-3" in text
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == letter.subject


def test_pdf_without_unicode_font_falls_back_to_core_font(cnaf) -> None:
    letter = render_letter(cnaf, _request())
    text = _squash(_pdf_text(render_pdf(letter, use_core_font=True)))
    assert CNAF_NAME in text
    assert "mis en oeuvre" in text  # œ is not Latin-1


def test_ics_parses_and_holds_the_deadlines(cnaf) -> None:
    letter = render_letter(cnaf, _request())
    data = render_ics(letter.deadlines, letter.algorithm, letter.record_id)
    calendar = icalendar.Calendar.from_ical(data)
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    assert starts == [date(2026, 4, 10), date(2026, 6, 10)]
    for event in calendar.walk("VEVENT"):
        assert CNAF_NAME in str(event["summary"])
        assert len(event.walk("VALARM")) == 2
    assert len(uids) == 2
    assert REQUESTER.nom.encode() not in data and REQUESTER.email.encode() not in data
    full = render_ics(compute_deadlines(date(2026, 3, 10), None, date(2026, 6, 1)), "Algo",
                      "algo")
    starts = sorted(e.decoded("dtstart")
                    for e in icalendar.Calendar.from_ical(full).walk("VEVENT"))
    assert starts == [date(2026, 4, 10), date(2026, 6, 10), date(2026, 7, 1),
                      date(2026, 8, 1), date(2026, 10, 1)]


def test_madada_link(cnaf, tmp_path: Path) -> None:
    letter = render_letter(cnaf, _request())
    url = madada_url(cnaf, letter)
    assert url.startswith("https://madada.fr/select_authority?query=Caisse+nationale")
    assert "Transparence" not in url and "transparence.example" not in url  # no personal data


# --- Command line ------------------------------------------------------------------------

def test_cli_letter_text_pdf_html(cli, cnaf, tmp_path: Path) -> None:
    data = str(cnaf.path.parent)
    args = ["cada", "lettre", cnaf.id, "--data", data, "--demandeur", REQUESTER.nom,
            "--qualite", "présidente", "--adresse", "1 rue X\\n75002 Paris",
            "--email", "x@y.example", "--date", "2026-03-10"]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert CNAF_NAME in result.output and "75002 Paris" in result.output
    assert len(_listed(result.output)) == len(CNAF_MISSING)
    result = cli(*args, "--documents", "code_source,evaluation_interne")
    assert len(_listed(result.output)) == 2
    pdf = tmp_path / "lettre.pdf"
    result = cli(*args, "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0
    assert CNAF_NAME in _squash(_pdf_text(pdf.read_bytes()))
    html = tmp_path / "lettre.html"
    cli(*args, "--format", "html", "-o", str(html))
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    result = cli(*args, "--format", "pdf")
    assert result.exit_code == 2 and "fichier de sortie" in result.output


def test_cli_letter_errors(cli, cnaf) -> None:
    data = str(cnaf.path.parent)
    result = cli("cada", "lettre", "inexistant", "--data", data, "--demandeur", "X")
    assert result.exit_code == 2 and "introuvable" in result.output
    result = cli("cada", "lettre", cnaf.id, "--data", data, "--demandeur", "X",
                 "--documents", "code_source,foo")
    assert result.exit_code == 2 and "document(s) inconnu(s) : foo" in result.output
    result = cli("cada", "lettre", cnaf.id, "--data", data, "--demandeur", "X",
                 "--type", "saisine", "--date-demande", "2026-03-01", "--date", "2026-03-15")
    assert result.exit_code == 2 and "saisine prématurée" in result.output
    result = cli("cada", "lettre", cnaf.id, "--data", data, "--demandeur", "X",
                 "--date", "15/03/2026")
    assert result.exit_code == 2 and "AAAA-MM-JJ" in result.output
    assert "Traceback" not in result.output


def test_cli_referral_uses_the_request_logged_in_the_record(cli, tmp_path: Path) -> None:
    demandes = [{"date_envoi": "2026-01-05", "demandeur": "Association", "destinataire": "X",
                 "objet": "Code source", "statut": "refus_implicite"},
                {"date_envoi": "2026-03-10", "demandeur": "Association", "destinataire": "X",
                 "objet": "Budget", "statut": "refus_expres", "date_reponse": "2026-03-20"}]
    write_record(tmp_path / "data", "suivi", demandes=demandes)
    result = cli("cada", "lettre", "suivi", "--data", str(tmp_path / "data"), "--demandeur", "A",
                 "--type", "saisine", "--date", "2026-04-01")
    assert result.exit_code == 0, result.output
    assert "envoyée le 10 mars 2026" in result.output
    assert "refusé de communiquer les documents le 20 mars 2026" in result.output


REAL_CNAF = PROJECT_ROOT / "data" / "algorithms" / "cnaf-score-risque.md"


def test_real_cnaf_record_demand_letter() -> None:
    record = load_records(REAL_CNAF)[0]
    admin = load_administrations(REAL_CNAF.parent.parent / "administrations")
    admin_meta = next(a.meta for a in admin if a.id == record.administration_id)
    expected = [c.key for c in cat.CRITERIA
                if c.cada_requestable and record.etat(c.key) in ("non_publie", "inconnu",
                                                                 "refuse")]
    assert expected, "the CNAF record should still have unpublished documents"
    letter = render_letter(record, _request(), administration=admin_meta)
    listed = _listed(letter.text)
    assert len(listed) == len(expected)
    for key, line in zip(expected, listed, strict=True):
        assert cat.CRITERIA_BY_KEY[key].documents in line
    head = letter.text.split("Objet :")[0]
    assert admin_meta["nom"] in head
    assert all(line in head for line in (admin_meta.get("prada") or {}).get("adresse", []))
    assert "L312-1-3" in letter.text and "R311-3-1-2" in letter.text
    assert "L312-1-2" not in letter.text
    assert record.meta["nom"] in _squash(_pdf_text(render_pdf(letter)))
