"""Hostile requests to the site: crafted query strings, facet values, paths and form posts.

Searches and pages never answer 500: a page or a JSON document, with a French message when
the request is refused. Every POST route (enumerated from the app's URL map, so a new route
is covered automatically) refuses a missing, foreign, replayed or expired CSRF token, an
oversized body, and hostile fields with a clear 400/413/422/429 in French, and nothing is
stored. Bounded for `make test` (REGISTRY_FUZZ_EXAMPLES, default 200 per target);
`python scripts/fuzz.py` runs the long series.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from registry.build.pipeline import build
from registry.config import load_settings
from registry.records import catalogue as cat
from registry.search import FACETS
from tests.conftest import fresh_state, make_app
from tests.contribrepo import add_maintainer
from tests.recordfactory import write_record

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=5000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
PASSWORD = "mot-de-passe-fuzz"
FRENCH = re.compile(r"\b(le|la|les|de|des|du|un|une|est|pas|cette|votre|vous|aucun|aucune|"
                    r"trop|ou|et|entre|reçu|page|jeton|formulaire)\b", re.I)
TRACE = re.compile(r"Traceback|File \"/|Werkzeug Debugger")
MARK = "<x-fuzz-9>"  # must never come back unescaped

HOSTILE = ["", " ", "*", "?", "~", "^", ":", "\\", "\"", "'", "(", ")", "[", "]", "{", "}",
           "AND", "OR", "NOT", "nom:*", "id:x", "f_domaine:social", "a*b?c~2^3", "\"a b\"~5",
           "(" * 300, "\"" * 301, "*" * 500, "é" * 600, "x" * 5000, "\x00", "\x00abc", "\ufeff",
           "\u202e", "\ud7ff", "\U0001f600" * 50, "../../etc/passwd", "%00", "%ff", "%",
           "<script>alert(1)</script>", MARK, "javascript:alert(1)", "1e999", "-1", "0",
           "99999999999999999999", "NaN", "[]", "{}", "null", "true", "\r\n", "\t" * 10,
           "l'", "qu'", "d'l'x", "’’’", "-", "--", "-fraude", "+", "fraude AND", "OR OR",
           "tri:nom", "données AND NOT (caf OR", "⁂", "ǅ", "ß" * 40, "İ" * 40]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=6).map(" ".join),
    st.integers(0, 20_000).map(lambda n: "a" * n))
param_names = st.one_of(st.sampled_from(["q", "page", "par_page", "tri", *FACETS]),
                        st.text(max_size=12))
params = st.lists(st.tuples(param_names, hostile_text), max_size=8)


def _is_french_error(response) -> bool:
    """A refusal carries a French message: the JSON `erreur` or the error page's text."""
    if response.is_json:
        message = response.get_json()["erreur"]["message"]
    else:
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        parts = [p.get_text(" ", strip=True) for p in soup.select("main p, .erreur, h1")]
        message = " ".join(parts)
    return bool(message.strip()) and bool(FRENCH.search(message))


def _check_get(response, api: bool) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 404, 414), (response.status_code, body[:500])
    assert not TRACE.search(body)
    assert MARK not in body or response.mimetype != "text/html"
    if api:
        assert response.is_json
    else:
        assert response.mimetype == "text/html" and '<html lang="fr"' in body
    if response.status_code >= 400:
        assert _is_french_error(response), body[:500]


@pytest.fixture(scope="module")
def site(built_instance: Path):
    return make_app(built_instance).test_client()


@FUZZ
@given(params)
def test_search_page_never_fails(site, pairs: list[tuple[str, str]]) -> None:
    _check_get(site.get("/algorithmes", query_string=pairs), api=False)


@FUZZ
@given(params)
def test_search_api_never_fails(site, pairs: list[tuple[str, str]]) -> None:
    _check_get(site.get("/api/v1/algorithmes", query_string=pairs), api=True)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["/algorithmes", "/api/v1/algorithmes",
                                                  "/couverture", "/api/v1/couverture"]))
def test_raw_query_strings(site, raw: bytes, path: str) -> None:
    """Arbitrary bytes (invalid UTF-8, NUL, lone %) percent-encoded or not."""
    encoded = quote_from_bytes(raw, safe="=&%+;")
    _check_get(site.get(f"{path}?{encoded}"), api=path.startswith("/api/"))


@FUZZ
@given(hostile_text, st.sampled_from(["/algorithmes/{}", "/api/v1/algorithmes/{}",
                                      "/administrations/{}", "/algorithmes/{}/historique",
                                      "/algorithmes/{}/demande", "/exports/{}",
                                      "/contributions/{}", "/administrations/{}/flux.atom"]))
def test_hostile_path_segments(site, segment: str, pattern: str) -> None:
    path = pattern.format(quote(segment[:3000], safe=""))
    response = site.get(path)
    api = path.startswith("/api/")
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 308, 400, 404, 414), (path[:200], response.status_code)
    assert not TRACE.search(body)
    if response.status_code >= 400:
        assert response.is_json if api else response.mimetype == "text/html"
        assert _is_french_error(response), body[:300]


# --- forms -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def forms_site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A small built registry with CSRF on, maintainers' login open, no rate limit."""
    root = tmp_path_factory.mktemp("fuzz-forms")
    data, instance = root / "data", root / "instance"
    for ident in ("algo-un", "algo-deux"):
        write_record(data, ident, nom=f"Algorithme {ident}")
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    state = fresh_state()
    add_maintainer(state, password=PASSWORD)
    app = make_app(instance, data, WTF_CSRF_ENABLED=True, CONTRIB_RATE_LIMIT=0, STATE=state)
    return {"app": app, "data": data, "instance": instance}


def post_rules(app) -> list[str]:
    """Every URL accepting POST, with its variables filled with existing values."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            out.append(re.sub(r"<(?:int:)?(\w+)>",
                              lambda m: "1" if m.group(0).startswith("<int:") else "algo-un",
                              rule.rule))
    return sorted(out)


def csrf_token(client, path: str = "/proposer") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def snapshot(site: dict) -> tuple:
    """What a post could store: the contribution table and the record files."""
    db = Path(site["app"].config["STATE"]) / "state.sqlite"
    with sqlite3.connect(db) as con:
        try:
            rows = con.execute("SELECT id, kind, record_id, status FROM contribution").fetchall()
        except sqlite3.OperationalError:
            rows = []
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in Path(site["data"]).iterdir()}
    return rows, files


def _client(site: dict, login: bool):
    client = site["app"].test_client()
    if login:
        token = csrf_token(client, "/mainteneurs/connexion")
        response = client.post("/mainteneurs/connexion",
                               data={"login": "camille", "password": PASSWORD,
                                     "csrf_token": token})
        assert response.status_code == 303
    return client


def _check_refusal(response, statuses: tuple[int, ...]) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in statuses, (response.status_code, body[:500])
    assert not TRACE.search(body)
    assert _is_french_error(response), body[:500]


@pytest.mark.parametrize("login", [False, True])
def test_every_post_refuses_missing_or_foreign_csrf(forms_site: dict, login: bool) -> None:
    other = _client(forms_site, login=False)
    foreign = csrf_token(other)  # valid, but for another session
    client = _client(forms_site, login)
    before = snapshot(forms_site)
    for path in post_rules(forms_site["app"]):
        for extra in ({}, {"csrf_token": foreign}, {"csrf_token": "x" * 90},
                      {"csrf_token": ["a", "b"]}):
            data = {"message": "Un message assez long pour être accepté.", **extra}
            _check_refusal(client.post(path, data=data), (400,))
    assert snapshot(forms_site) == before


def test_tokens_do_not_survive_logout_or_expiry(forms_site: dict) -> None:
    client = _client(forms_site, login=True)
    token = csrf_token(client, "/mainteneurs")
    client.post("/mainteneurs/deconnexion", data={"csrf_token": token})
    replayed = client.post("/mainteneurs/connexion", data={"login": "camille",
                                                            "password": PASSWORD,
                                                            "csrf_token": token})
    _check_refusal(replayed, (400,))
    short = make_app(forms_site["instance"], forms_site["data"], WTF_CSRF_ENABLED=True,
                     WTF_CSRF_TIME_LIMIT=1, CONTRIB_RATE_LIMIT=0).test_client()
    token = csrf_token(short)
    time.sleep(2.1)
    before = snapshot(forms_site)
    expired = short.post("/algorithmes/algo-un/signaler",
                         data={"csrf_token": token, "message": "Erreur de date dans la fiche."})
    _check_refusal(expired, (400,))
    assert "expiré" in expired.get_data(as_text=True)
    assert snapshot(forms_site) == before


@pytest.mark.parametrize("kind", ["urlencoded", "multipart", "json"])
def test_every_post_refuses_oversized_bodies(forms_site: dict, kind: str) -> None:
    client = _client(forms_site, login=True)
    token = csrf_token(client)
    big = "é" * 600_000  # 1.2 MB (3.6 MB percent-encoded), above MAX_CONTENT_LENGTH (1 MB)
    before = snapshot(forms_site)
    for path in post_rules(forms_site["app"]):
        if kind == "json":
            response = client.post(path, json={"message": big, "csrf_token": token})
            statuses: tuple[int, ...] = (400, 413)
        elif kind == "multipart":  # encoded here: the test client spools big bodies to an
            # unclosed temporary file when the app refuses to read them
            response = client.post(path, data=_multipart({"message": big, "csrf_token": token}),
                                   content_type=f"multipart/form-data; boundary={BOUNDARY}")
            statuses = (413,)
        else:
            response = client.post(path, data={"message": big, "csrf_token": token})
            statuses = (413,)
        _check_refusal(response, statuses)
    assert snapshot(forms_site) == before


BOUNDARY = "fuzz-frontiere-8c1f"


def _multipart(fields: dict[str, str]) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


field_names = st.sampled_from(
    ["nom", "message", "courriel", "contributeur_nom", "identifiant", "corps", "action",
     "kind", "documents", "date_lettre", "date_demande", "reception", "refus_expres",
     "decision_date", "decision_reference", "email", "adresse", "qualite", "raison", "forcer",
     "password", "next", "modifier", "base", "resume", "domaine", "statut",
     "administration", "service", "sources-0-url", "mots_cles",
     *[f"transparence-{c.key}-etat" for c in cat.CRITERIA[:3]]]) | st.text(max_size=20)
field_values = st.one_of(
    hostile_text, st.dates().map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-30", "20240101", "1-1-1", "envoyer",
                     "apercu", "demande", "relance", "cada", "explication", "on", "1"]),
    st.integers().map(str))
form_data = st.lists(st.tuples(field_names, field_values), max_size=12)


@FUZZ
@given(data=st.data())
def test_hostile_form_posts(forms_site: dict, data: st.DataObject) -> None:
    """Random fields (repeated, wrong types, huge, out-of-range dates) with a valid token:
    a clear answer, never a 500; only a redirect to the tracking page stores something."""
    login = data.draw(st.booleans())
    if f"client-{login}" not in forms_site:
        client = forms_site[f"client-{login}"] = _client(forms_site, login)
        forms_site[f"token-{login}"] = csrf_token(client)
    client, token = forms_site[f"client-{login}"], forms_site[f"token-{login}"]
    path = data.draw(st.sampled_from(post_rules(forms_site["app"])))
    pairs = data.draw(form_data)
    if data.draw(st.booleans()):
        pairs.append(("csrf_token", token))
    before = snapshot(forms_site)
    response = client.post(path, data=MultiDict(pairs))
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 302, 303, 400, 401, 404, 413, 422, 429), \
        (path, response.status_code, body[:800])
    assert not TRACE.search(body)
    if response.status_code >= 400:
        assert _is_french_error(response), (path, body[:800])
    redirect = response.headers.get("Location", "")
    if response.status_code == 302:
        assert not login and "/mainteneurs/connexion" in redirect
    if response.status_code == 303 and urlsplit(redirect).path.startswith("/contributions/"):
        rows, _ = snapshot(forms_site)
        assert len(rows) == len(before[0]) + 1
    elif not path.startswith("/mainteneurs/"):
        assert snapshot(forms_site) == before, (path, response.status_code)


any_date = st.one_of(st.dates().map(str), st.sampled_from(
    ["0001-01-01", "9999-12-31", "9999-11-30", "9999-12-01", "1978-07-17", "2024-02-29",
     "2023-02-29", ""]))


@FUZZ
@given(data=st.data())
def test_access_request_letters_with_any_dates(forms_site: dict, data: st.DataObject) -> None:
    """A well-formed access request with any dates (year 1 to 9999, inverted, missing) gives
    the letter or the form with a French error next to a field, in every output format."""
    from registry.cada.letters import LETTER_TYPES, requestable_criteria

    if "client-cada" not in forms_site:
        client = forms_site["client-cada"] = _client(forms_site, login=False)
        forms_site["token-cada"] = csrf_token(client, "/algorithmes/algo-un/demande")
    client = forms_site["client-cada"]
    form = MultiDict({"csrf_token": forms_site["token-cada"], "nom": "Association Fuzz",
                      "kind": data.draw(st.sampled_from(list(LETTER_TYPES)))})
    for name in ("date_lettre", "date_demande", "reception", "refus_expres", "decision_date"):
        form[name] = data.draw(any_date)
    for key in data.draw(st.lists(st.sampled_from([c.key for c in requestable_criteria()]),
                                  min_size=1, max_size=3)):
        form.add("documents", key)
    suffix = data.draw(st.sampled_from(["", "/imprimable", "/texte", "/pdf", "/ics"]))
    response = client.post(f"/algorithmes/algo-un/demande{suffix}", data=form)
    body = response.get_data(as_text=True) if response.mimetype != "application/pdf" else ""
    assert response.status_code in (200, 422), (form, response.status_code, body[:800])
    assert not TRACE.search(body)
    if response.status_code == 422:
        assert _is_french_error(response), body[:800]


def test_every_public_post_is_rate_limited(forms_site: dict) -> None:
    """Each POST route either needs a maintainer's session or answers 429 (in French) once a
    client exceeds its quota; a route added without a limit fails here."""
    limit, public = 2, []
    for path in post_rules(forms_site["app"]):
        state = fresh_state()
        add_maintainer(state, password=PASSWORD)
        client = make_app(forms_site["instance"], forms_site["data"],
                          CONTRIB_RATE_LIMIT=limit, STATE=state).test_client()
        first = client.post(path, data={})
        if path.startswith("/mainteneurs/") and path != "/mainteneurs/connexion":
            assert first.status_code == 302, path
            assert "/mainteneurs/connexion" in first.headers["Location"], path
            continue
        public.append(path)
        statuses = [first.status_code] + [client.post(path, data={}).status_code
                                          for _ in range(10 * limit)]
        assert 429 in statuses, (path, statuses)
        _check_refusal(client.post(path, data={}), (429,))
    assert "/proposer" in public and "/mainteneurs/connexion" in public
