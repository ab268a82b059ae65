"""Issue 15, item 2: no request costs more than a small, fixed amount of work.

Markdown from the public is rendered once, when stored, by a renderer linear in practice
(cmark-gfm, then nh3): the worst inputs we could construct at the maximum size cost well
under one second of CPU — measured in this process with time.process_time, not with a
clock. Addresses are bounded on every server and in the application, and so is the number
of filter values of a list page.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.contributions import queue as subs
from registry.rendering import MAX_NESTING, render_markdown
from registry.web.contribute_forms import MAX_BODY
from registry.web.limits import MAX_FILTER_VALUES, MAX_URL
from tests.contribrepo import built_app, form_values, one_record_repo, settings
from tests.recordfactory import write_record
from tests.servers import Browser, Server, registry, site_env

CPU_BOUND = 1.0  # seconds of CPU for one request, whatever its body


def fill(unit: str, size: int = MAX_BODY) -> str:
    return (unit * (size // len(unit) + 1))[:size]


WORST = {  # the shapes that made Python-Markdown quadratic, and more, at the maximum size
    "crochets ouvrants": fill("["),
    "crochets imbriqués": fill("[", MAX_BODY // 2) + fill("]", MAX_BODY // 2),
    "liens non fermés": fill("[a]("),
    "liens imbriqués": fill("[a", MAX_BODY - 4) + "](x)",
    "destinations ouvertes": fill("[a](<"),
    "images non fermées": fill("!["),
    "références": fill("[a]["),
    "chevrons": fill("<"),
    "balises ouvertes": fill("<a"),
    "liens automatiques": fill("<http://"),
    "commentaires": fill("<!--"),
    "code non fermé": fill("`a"),
    "code imbriqué": fill("``a`"),
    "emphases": fill("*_"),
    "barrés": fill("~a"),
    "entités": fill("&"),
    "barres obliques inverses": fill("\\"),
    "citations imbriquées": fill("> "),
    "citations collées": fill(">"),
    "listes imbriquées": fill("- "),
    "lignes de tableau": "|a|b|\n|-|-|\n" + fill("|x\n", MAX_BODY - 12),
    "colonnes de tableau": fill("|", MAX_BODY // 2) + "\n" + fill("|-", MAX_BODY // 2 - 1),
    "HTML imbriqué": fill("<ul>"),
}


def cpu(action) -> float:
    started = time.process_time()
    action()
    return time.process_time() - started


@pytest.mark.parametrize("name", sorted(WORST))
def test_worst_markdown_at_the_maximum_size_renders_in_linear_time(name: str) -> None:
    text = WORST[name]
    assert len(text) == MAX_BODY
    assert cpu(lambda: render_markdown(text)) < CPU_BOUND / 2, name


def test_deep_nesting_is_shown_as_text_and_refused_by_the_form() -> None:
    deep = "> " * (MAX_NESTING + 1) + "<script>x</script>"
    assert render_markdown(deep).startswith("<pre>&gt; &gt;")
    assert "<script>" not in render_markdown(deep)
    assert render_markdown("> " * MAX_NESTING + "a").count("<blockquote>") == MAX_NESTING


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("borne")
    data = one_record_repo(root / "depot")
    app = built_app(data, root / "instance", CONTRIB_RATE_LIMIT=0)
    return {"app": app, "client": app.test_client(), "root": root,
            "settings": settings(data, root / "instance")}


def _proposal(client, body: str, action: str) -> dict:
    values = form_values(client.get("/proposer").data)
    values.update({
        "identifiant": "ville-essai-cantine", "nom": "Tarification de la cantine",
        "resume": "Calcule le tarif de la cantine selon le quotient familial.",
        "administration": "administration-essai",
        "domaine": "education", "statut": "deploye", "type_technique": "regles",
        "decision_individuelle": "oui", "degre_automatisation": "entierement_automatise",
        "sources-0-url": "https://example.org/deliberation", "sources-0-titre": "Délibération",
        "sources-0-type": "officielle", "corps": body, "action": action})
    return values


@pytest.mark.parametrize("name", ["liens non fermés", "crochets ouvrants", "chevrons",
                                  "code non fermé", "entités", "lignes de tableau"])
def test_the_worst_body_costs_little_to_preview_store_and_show(site: dict, name: str) -> None:
    """A preview renders once; a stored proposal is rendered once, when stored: its public
    tracking page serves the stored HTML."""
    client, body = site["client"], WORST[name]
    preview = {}
    spent = cpu(lambda: preview.update(r=client.post("/proposer",
                                                     data=_proposal(client, body, "apercu"))))
    assert preview["r"].status_code == 200 and spent < CPU_BOUND, (name, spent)
    sent = {}
    spent = cpu(lambda: sent.update(r=client.post("/proposer",
                                                  data=_proposal(client, body, "envoyer"))))
    assert sent["r"].status_code == 303 and spent < CPU_BOUND, (name, spent)
    token = sent["r"].headers["Location"].split("/")[-1].split("?")[0]
    stored = subs.by_token(subs_engine(site), token)
    assert stored.body == body and stored.body_html == render_markdown(body)
    shown = {}
    spent = cpu(lambda: [shown.update(r=client.get(f"/contributions/{token}"))
                         for _ in range(10)])
    assert shown["r"].status_code == 200 and spent < CPU_BOUND, (name, spent)


def subs_engine(site: dict):
    from registry.state import state_engine

    return state_engine(site["settings"])


def test_deeply_nested_bodies_are_refused_with_a_message(site: dict) -> None:
    client = site["client"]
    response = client.post("/proposer", data=_proposal(client, WORST["citations imbriquées"],
                                                       "envoyer"))
    assert response.status_code == 422
    error = BeautifulSoup(response.data, "html.parser").select_one("#corps-erreur").text
    assert f"{MAX_NESTING} niveaux au plus" in error


def test_too_long_bodies_are_refused_in_french(site: dict) -> None:
    client = site["client"]
    response = client.post("/proposer", data=_proposal(client, "a" * (MAX_BODY + 1), "apercu"))
    assert response.status_code == 422
    assert "100\u202f000 caractères au plus" in BeautifulSoup(  # the registry's typography
        response.data, "html.parser").select_one("#corps-erreur").text


def test_addresses_and_filters_are_bounded_in_the_application(site: dict) -> None:
    client = site["client"]
    for path in ("/algorithmes?q=" + "a" * MAX_URL, "/api/v1/algorithmes?q=" + "a" * MAX_URL,
                 "/" + "a" * MAX_URL):
        response = client.get(path)
        assert response.status_code == 414
        assert "trop longue" in response.get_data(as_text=True)
    many = "&".join(f"domaine=valeur{i}" for i in range(MAX_FILTER_VALUES + 1))
    for path in ("/algorithmes?", "/api/v1/algorithmes?"):
        response = client.get(path + many)
        assert response.status_code == 400
        assert "Trop de filtres" in response.get_data(as_text=True)


def test_the_largest_list_page_allowed_is_small_and_cheap(site: dict) -> None:
    """As many filter values as allowed, each as long as the address allows: a bounded page
    (the issue's 236 KB address gave 100 MB of HTML through repeated facet links)."""
    from registry.search import FACETS

    value = "v" * 90
    pairs = [f"{FACETS[i % len(FACETS)]}={value}{i}" for i in range(MAX_FILTER_VALUES)]
    url = "/algorithmes?" + "&".join(pairs)
    assert len(url) < MAX_URL
    response = {}
    spent = cpu(lambda: response.update(r=site["client"].get(url)))
    assert response["r"].status_code == 200 and spent < CPU_BOUND
    assert len(response["r"].data) < 2_000_000


@pytest.mark.parametrize("workers", [2, 1])
def test_every_server_bounds_the_request_line(tmp_path: Path, workers: int) -> None:
    """gunicorn (2 workers) and waitress (1): an address over the application's limit gets
    its French 414; a 256 KB address is refused by the server itself; nothing hangs."""
    data = tmp_path / "data"
    write_record(data, "algo-un")
    env = site_env(data, tmp_path / "instance", tmp_path / "state",
                   SECRET_KEY="cle-de-test")
    assert registry(env, "build").returncode == 0
    browser = Browser()
    with Server(env, workers=workers) as server:
        status, _, body = browser.request(server.url, "/algorithmes?q=" + "a" * 6000)
        assert status == 414 and "trop longue" in body
        status, _, body = browser.request(server.url, "/algorithmes?q=" + "a" * 256_000)
        assert status in (400, 414, 431) and len(body) < 10_000
        status, _, _ = browser.request(server.url, "/algorithmes?q=fraude")
        assert status == 200
