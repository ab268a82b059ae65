"""The public site on the real dataset: every route, key content, errors, HTML basics."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from registry.db.engine import get_engine
from registry.db.store import Store
from registry.records import catalogue as cat
from registry.text import fold
from registry.web.filters import nombre_fr
from tests.conftest import DATA


@pytest.fixture(scope="module")
def records(built_instance) -> dict:
    """The records as built into the instance the site serves (the data folder may move on)."""
    store = Store(get_engine({"INSTANCE": str(built_instance), "DATABASE_URL": ""}))
    try:
        return {r.id: r for r in store.records()}
    finally:
        store.close()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def result_ids(response) -> list[str]:
    page = soup(response)
    return [a["href"].rsplit("/", 1)[1] for a in page.select("ol.resultats h3 a")]


# --- Home -----------------------------------------------------------------------------

def test_home_has_search_figures_entry_points(client, records) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    form = page.find("form", attrs={"role": "search"})
    assert form["action"] == "/algorithmes" and form.find("input", attrs={"name": "q"})
    text = text_of(response)
    total = len(records)
    assert f"{total} algorithmes" in text
    for c in cat.CRITERIA:  # one headline figure per criterion, computed from the records
        published = sum(1 for r in records.values() if r.etat(c.key) == "publie")
        link = page.find("a", href=f"/algorithmes?{c.key}=publie")
        assert link is not None, c.key
        assert " ".join(link.get_text(" ").split()).startswith(f"{published} sur {total}")
        assert c.label in link.get_text()
    assert page.find("a", href="/algorithmes?domaine=fiscalite")
    assert page.find("a", href=re.compile(r"^/administrations/[a-z0-9-]+$"))
    assert len(page.select("ul.recents li")) == min(6, total)


def test_home_figures_follow_a_new_build(tmp_path) -> None:
    """The cached figures are recomputed when a new build generation is published."""
    from registry.build.pipeline import build
    from registry.config import load_settings
    from tests.conftest import make_app
    from tests.recordfactory import write_record

    data, instance = tmp_path / "data", tmp_path / "instance"
    write_record(data, "premier", nom="Premier algorithme")
    settings = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings, full=True)
    client = make_app(instance, data=data).test_client()
    assert "1 algorithme " in text_of(client.get("/"))
    assert len(result_ids(client.get("/algorithmes"))) == 1
    write_record(data, "second", nom="Second algorithme")
    build(settings)
    text = text_of(client.get("/"))
    assert "2 algorithmes" in text and "Second algorithme" in text
    assert len(result_ids(client.get("/algorithmes"))) == 2  # the results cache follows too


# --- List and search ---------------------------------------------------------------------

def test_list_without_query_lists_everything_by_name(client, records) -> None:
    ids: list[str] = []
    for number in range(1, len(records) // 100 + 2):
        response = client.get(f"/algorithmes?par_page=100&page={number}")
        assert response.status_code == 200
        ids += result_ids(response)
    assert sorted(ids) == sorted(records)
    names = [fold(records[i].meta["nom"]) for i in ids]
    assert names == sorted(names)


def test_search_finds_cfvr_with_excerpt(client) -> None:
    response = client.get("/algorithmes?q=fraude+fiscale")
    assert response.status_code == 200
    assert "dgfip-cfvr" in result_ids(response)[:3]
    page = soup(response)
    assert page.find("input", attrs={"name": "q"})["value"] == "fraude fiscale"
    assert page.select("ol.resultats .extrait")
    assert "Recherche « fraude fiscale »" in page.title.get_text()


def test_typo_gets_a_suggestion_link_keeping_filters(client) -> None:
    page = soup(client.get("/algorithmes?q=fraude+fiscle&domaine=fiscalite"))
    link = page.select_one(".suggestion a")
    assert link.get_text() == "fraude fiscale"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["fraude fiscale"],
                                                      "domaine": ["fiscalite"]}


def test_facet_filter_restricts_results_and_is_removable(client, records) -> None:
    response = client.get("/algorithmes?domaine=fiscalite&par_page=100")
    ids = result_ids(response)
    expected = sorted(i for i, r in records.items() if r.meta["domaine"] == "fiscalite")
    assert sorted(ids) == expected
    page = soup(response)
    box = page.find("input", attrs={"type": "checkbox", "name": "domaine", "value": "fiscalite"})
    assert box is not None and box.has_attr("checked")
    assert page.find("label", attrs={"for": box["id"]}).get_text().strip() == "Fiscalité"
    remove = page.select_one(".filtres-actifs a.pastille")
    assert "Fiscalité" in remove.get_text()
    assert parse_qs(urlsplit(remove["href"]).query) == {"par_page": ["100"]}


def test_facets_show_counts_as_links(client, records) -> None:
    page = soup(client.get("/algorithmes"))
    box = page.find("input", attrs={"type": "checkbox", "name": "domaine", "value": "social"})
    count_link = box.find_parent("li").find("a", class_="compte")
    social = sum(1 for r in records.values() if r.meta["domaine"] == "social")
    assert count_link.get_text(" ").split()[0] == str(social)
    assert count_link["href"] == "/algorithmes?domaine=social"
    # criteria facets, labelled from the catalogue
    assert page.find("legend", string=cat.CRITERIA[0].label)


def test_facet_count_links_say_what_they_do(client, records) -> None:
    """Each count link tells a screen reader whether it adds or removes the filter, in the
    page's language, with the right plural and the administration's short label."""
    page = soup(client.get("/algorithmes?domaine=fiscalite"))
    hidden = [a.select_one(".visuellement-cache").get_text().strip()
              for a in page.select("a.compte")]
    assert "fiches — retirer le filtre Domaine : Fiscalité" in hidden
    assert any(h.startswith("fiche") and "ajouter le filtre" in h for h in hidden)
    assert not any("retirer" in h and "Fiscalité" not in h for h in hidden)
    single = [h for h in hidden if h.startswith("fiche ")]
    assert all("ajouter" in h or "retirer" in h for h in single)
    administrations = [a for a in page.select("a.compte")
                       if "filtre Administration" in a.get_text()]
    assert administrations, "the administration facet has count links"
    label = administrations[0].find_parent("li").find("label").get_text().strip()
    assert administrations[0].get_text(" ").strip().endswith(f"Administration : {label}")
    english = soup(client.get("/en/algorithmes?domaine=fiscalite"))
    hidden_en = [a.select_one(".visuellement-cache").get_text().strip()
                 for a in english.select("a.compte")]
    assert any(h.startswith("records — remove the filter") for h in hidden_en)
    assert any("add the filter" in h for h in hidden_en)
    assert not any("ajouter" in h for h in hidden_en)


def test_criterion_filter_from_home_link(client, records) -> None:
    key = "evaluation_externe"
    ids = result_ids(client.get(f"/algorithmes?{key}=publie&par_page=100"))
    assert sorted(ids) == sorted(i for i, r in records.items() if r.etat(key) == "publie")


def test_pagination_keeps_the_whole_state_in_the_url(client, records) -> None:
    response = client.get("/algorithmes?par_page=10&page=2&tri=nom")
    page = soup(response)
    assert page.select_one("ol.resultats")["start"] == "11"
    assert len(result_ids(response)) == min(10, max(len(records) - 10, 0))
    nav = page.find("nav", attrs={"aria-label": "Pagination"})
    current = nav.find("a", attrs={"aria-current": "page"})
    assert "2" in current.get_text()
    prev = nav.find("a", rel="prev")
    assert parse_qs(urlsplit(prev["href"]).query) == {"par_page": ["10"]}
    nxt = parse_qs(urlsplit(nav.find("a", rel="next")["href"]).query)
    assert nxt == {"par_page": ["10"], "page": ["3"]}


def test_sort_options_and_unknown_values(client) -> None:
    page = soup(client.get("/algorithmes?q=score&tri=recent"))
    assert page.find("select", id="tri").find("option", selected=True)["value"] == "recent"
    for query in ("tri=n%27importe", "par_page=abc", "page=-4", "page=99999999999999",
                  "par_page=100000"):
        assert client.get(f"/algorithmes?{query}").status_code == 200


HOSTILE = [
    '"unbalanced', "(fraude", "fraude AND", "NOT", "*", "?", "nom:", "x" * 1300,
    "a\x00b", "<script>alert(1)</script>", "'; DROP TABLE algorithme; --", "%00", "\u202e",
    "{{ 7*7 }}", "fraude~2", "[a TO", "é" * 200,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_answered_safely(client, query: str) -> None:
    response = client.get("/algorithmes", query_string={"q": query, "domaine": query,
                                                        "code_source": query})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "\x00" not in body
    assert "49" not in soup(response).find("h1").get_text()


def test_hostile_raw_query_strings(client) -> None:
    for raw in ("q=%00%00", "q=%ff%fe", "q=%", "domaine=%E2%80%AE", "q=" + "%22" * 500,
                "q=a&q=b&page=1&page=x"):
        assert client.get("/algorithmes?" + raw).status_code == 200, raw


# --- Record page ----------------------------------------------------------------------------

def test_record_page_every_section_and_field(client, records) -> None:
    response = client.get("/algorithmes/dgfip-cfvr")
    assert response.status_code == 200
    page = soup(response)
    meta = records["dgfip-cfvr"].meta
    assert page.h1.get_text(" ").startswith(meta["nom"])
    headings = [h.get_text().strip() for h in page.find_all("h2")]
    for key, text in cat.SECTIONS.items():
        if any(f.section == key for f in cat.FIELDS) and key != "recours":
            assert text in headings, text
            assert page.find("section", id=f"section-{key}")
    assert "Vous êtes concerné ?" in headings  # the recourse box replaces the section
    text = text_of(response)
    shown_elsewhere = {"citations", "nom_en", "resume_en", "description_en", "recours",
                       "regime_recours", "transparence", "ai_act"}
    for field in cat.FIELDS:
        if field.key not in shown_elsewhere:
            assert field.label in text, field.label
    assert "Non renseigné" in text  # e.g. prestataires
    amounts = [b["montant_eur"] for b in meta.get("budget") or []]
    assert all(" ".join(nombre_fr(a).split()) in text for a in amounts)  # French format
    assert "Cour des comptes" in text  # evaluations
    assert "Dernière modification" in text
    assert page.find("h3", string="Historique")  # Markdown body, headings demoted


def test_record_page_transparency_checklist(client, records) -> None:
    page = soup(client.get("/algorithmes/dgfip-cfvr"))
    record = records["dgfip-cfvr"]
    items = page.select("ul.checklist li.critere")
    assert len(items) == len(cat.CRITERIA)
    for item, c in zip(items, cat.CRITERIA, strict=True):
        assert item.h3.get_text() == c.label
        etat = record.etat(c.key)
        badge = item.select_one(".badge")
        assert badge.get_text().strip() == cat.ETATS[etat]
        assert f"badge-{etat}" in badge["class"]
        if c.article:
            assert c.article in item.get_text()
        url = (record.meta["transparence"].get(c.key) or {}).get("url")
        if url:
            assert item.find("a", href=url)
    # the CFVR has unknown criteria, and they are visible as such
    assert page.select("li.critere-inconnu .badge-inconnu")


def test_record_page_sources_numbered_and_tables(client, records) -> None:
    page = soup(client.get("/algorithmes/dgfip-cfvr"))
    sources = records["dgfip-cfvr"].meta["sources"]
    items = page.select("ol.sources > li")
    assert [li.a["href"] for li in items] == [s["url"] for s in sources]
    budget = page.find("table", attrs=None, string=None)
    assert budget is not None
    captions = [c.get_text() for c in page.select("table caption")]
    assert cat.label("budget") in captions and cat.label("donnees") in captions


def test_record_with_criteria_table(client, records) -> None:
    ident = next(i for i, r in sorted(records.items()) if r.meta.get("criteres"))
    page = soup(client.get(f"/algorithmes/{ident}"))
    table = next(t for t in page.select("table") if t.caption.get_text() == cat.label("criteres"))
    headers = [th.get_text() for th in table.select("thead th")]
    assert headers == [c.label for c in cat.FIELDS_BY_KEY["criteres"].children]
    assert len(table.select("tbody tr")) == len(records[ident].meta["criteres"])


def test_record_actions_link_to_existing_endpoints(client, app) -> None:
    page = soup(client.get("/algorithmes/dgfip-cfvr"))
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    links = {a.get_text().strip(): a["href"] for a in page.select(".actions a")}
    if "cada.formulaire" in endpoints:
        assert links["Demander les documents"] == "/algorithmes/dgfip-cfvr/demande"
    else:
        assert "Demander les documents" not in links
    if "contribute.signaler" in endpoints:
        assert "dgfip-cfvr" in links["Signaler une erreur"]
    for href in links.values():
        assert client.get(href).status_code == 200


def test_unknown_record_is_a_french_404(client) -> None:
    response = client.get("/algorithmes/n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)
    assert "n-existe-pas" in text_of(response)
    long = client.get("/algorithmes/" + "x" * 4000)
    assert long.status_code == 404
    too_long = client.get("/algorithmes/" + "x" * 5000)  # registry.web.limits.MAX_URL
    assert too_long.status_code == 414 and "trop longue" in text_of(too_long)
    assert client.get("/algorithmes/%3Cscript%3E").status_code == 404
    assert "<script>" not in client.get("/algorithmes/%3Cscript%3E").get_data(as_text=True)


# --- Administrations, about, errors --------------------------------------------------------

def test_administrations_list_and_page(client, records) -> None:
    response = client.get("/administrations")
    assert response.status_code == 200
    page = soup(response)
    admins = {p.stem for p in (DATA.parent / "administrations").glob("*.md")}
    rows = page.select("tbody tr")
    assert len(rows) == len(admins)  # every administration record, with or without algorithms
    assert {row.th.a["href"].rsplit("/", 1)[1] for row in rows} == admins
    cfvr = records["dgfip-cfvr"]
    link = page.find("a", string=cfvr.administration_name)
    detail = client.get(link["href"])
    assert detail.status_code == 200
    ids = {i for i, r in records.items() if r.administration_id == cfvr.administration_id}
    shown = {a["href"].rsplit("/", 1)[1] for a in soup(detail).select("ul.resultats h3 a")}
    assert shown == ids
    assert soup(detail).find("h2", string="À qui écrire")
    table_rows = soup(detail).select("section table tbody tr")
    assert [tr.th.get_text() for tr in table_rows] == [c.label for c in cat.CRITERIA]
    for slug in ("inconnue", "%00", "x" * 3000, "%3Cscript%3E"):
        missing = client.get(f"/administrations/{slug}")
        assert missing.status_code == 404 and "<script>" not in missing.get_data(as_text=True)


def test_about_page_defines_criteria_licence_accessibility(client) -> None:
    response = client.get("/a-propos")
    assert response.status_code == 200
    text = text_of(response)
    for c in cat.CRITERIA:
        assert c.label in text and c.published_means in text
    for etat in cat.ETATS.values():
        assert etat in text
    assert "Licence Ouverte 2.0" in text
    assert "Déclaration d'accessibilité" in text and "RGAA" in text
    assert soup(response).find(id="contribuer")


def test_french_404_and_api_json_errors(client) -> None:
    response = client.get("/page-inexistante")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page introuvable" in text_of(response)
    api = client.get("/api/v1/algorithmes/n-existe-pas")
    assert api.status_code == 404 and api.is_json


def test_french_500_page(app) -> None:
    @app.get("/boum")
    def boum() -> str:
        raise RuntimeError("boum")

    response = app.test_client().get("/boum")
    assert response.status_code == 500
    assert "Erreur interne" in text_of(response)
    assert "RuntimeError" not in response.get_data(as_text=True)


# --- HTML quality on every page ------------------------------------------------------------

PAGES = ["/", "/algorithmes", "/algorithmes?q=fraude", "/algorithmes/dgfip-cfvr",
         "/administrations", "/a-propos", "/nulle-part"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_semantic_and_csp_friendly(client, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = soup(response)
    assert page.html["lang"] == "fr"
    assert len(page.find_all("h1")) == 1
    assert page.find("main", id="contenu") and page.find("header") and page.find("footer")
    skip = page.find("a", class_="lien-evitement")
    assert skip["href"] == "#contenu"
    for script in page.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.string
    assert not page.find_all(style=True) and not page.find_all("style")
    for tag in page.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag.name
    labelled = {label.get("for") for label in page.find_all("label")}
    for field in page.find_all(["input", "select", "textarea"]):
        if field.get("type") not in ("hidden", "submit"):
            assert field.get("id") in labelled or field.get("aria-label"), field
    ids = [t["id"] for t in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for link in page.select("a[href^='http']"):
        assert not link["href"].startswith("javascript")
