"""Maintainer pages: login by password hash, lockout, queue, accept and reject, logout."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug.security import generate_password_hash

from registry.contributions import queue as subs
from registry.records.validate import check_file
from registry.state import state_engine
from tests.conftest import make_app, serving
from tests.contribrepo import built_app, commit_all, init_repo, settings
from tests.recordfactory import write_record

PASSWORD = "cheval correct agrafe"
HASH = generate_password_hash(PASSWORD)


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = init_repo(repo)
    write_record(data, "caf-essai", nom="Score d'essai de la CAF")
    commit_all(repo, "Add a record", "2025-01-10T10:00:00+01:00")
    instance = tmp_path / "instance"
    app = built_app(data, instance, MAINTAINER_PASSWORD_HASH=HASH)
    engine = state_engine(settings(data, instance))
    current = check_file(data / "caf-essai.md")
    sub = subs.create(engine, "correction", "caf-essai", {**current.meta, "statut": "suspendu"},
                      current.body, message="Suspendu depuis mars.", email="prive@example.org",
                      base_hash=subs.file_hash(data / "caf-essai.md"))
    return {"data": data, "instance": instance, "app": app, "engine": engine, "sub": sub}


def login(client, password: str = PASSWORD, address: str = "127.0.0.1",  # noqa: ANN001, ANN201
          **extra: str):
    return client.post("/mainteneurs/connexion", data={"password": password, **extra},
                       environ_base={"REMOTE_ADDR": address})


def test_anonymous_visitors_are_sent_to_the_login_page(site: dict) -> None:
    client = site["app"].test_client()
    for url in ("/mainteneurs", f"/mainteneurs/contributions/{site['sub'].id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/mainteneurs/connexion?next=")
    posted = client.post(f"/mainteneurs/contributions/{site['sub'].id}/accepter")
    assert posted.status_code == 302
    assert subs.get(site["engine"], site["sub"].id).status == subs.PENDING


def test_only_the_right_password_opens_the_queue(site: dict) -> None:
    client = site["app"].test_client()
    wrong = login(client, "mauvais")
    assert wrong.status_code == 401
    assert "Mot de passe incorrect." in wrong.get_data(as_text=True)
    assert client.get("/mainteneurs").status_code == 302
    right = login(client, next="/mainteneurs")
    assert right.status_code == 303 and right.headers["Location"] == "/mainteneurs"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    queue = client.get("/mainteneurs")
    assert queue.status_code == 200 and "no-store" == queue.headers["Cache-Control"]
    assert "caf-essai" in queue.get_data(as_text=True)
    detail = client.get(f"/mainteneurs/contributions/{site['sub'].id}").get_data(as_text=True)
    assert "prive@example.org" in detail and "« suspendu »" in detail
    client.post("/mainteneurs/deconnexion")
    assert client.get("/mainteneurs").status_code == 302


def test_login_redirects_only_inside_the_site(site: dict) -> None:
    client = site["app"].test_client()
    response = login(client, next="https://mechant.example/")
    assert response.headers["Location"] == "/mainteneurs"


def test_secure_cookie_behind_https(site: dict) -> None:
    app = make_app(site["instance"], site["data"], MAINTAINER_PASSWORD_HASH=HASH, HTTPS=True)
    response = login(app.test_client())
    assert "Secure" in response.headers["Set-Cookie"]


def test_repeated_failures_lock_the_login(site: dict) -> None:
    client = site["app"].test_client()
    for _ in range(5):
        assert login(client, "mauvais").status_code == 401
    locked = login(client)
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    other = site["app"].test_client()
    assert login(other, address="192.0.2.9").status_code == 303


def test_no_password_means_closed_except_in_development(site: dict) -> None:
    closed = make_app(site["instance"], site["data"], TESTING=False).test_client()
    assert closed.get("/mainteneurs/connexion").status_code == 403
    assert login(closed, "mainteneur").status_code == 403
    debug_elsewhere = make_app(site["instance"], site["data"], DEBUG=True).test_client()
    assert debug_elsewhere.get("/mainteneurs/connexion").status_code == 403  # not Werkzeug's
    with serving(make_app(site["instance"], site["data"], DEBUG=True)) as url:
        with urllib.request.urlopen(f"{url}/mainteneurs/connexion", timeout=10) as page:
            assert "Mode développement" in page.read().decode()
        opener = urllib.request.build_opener(NoRedirect)
        data = urllib.parse.urlencode({"password": "mainteneur"}).encode()
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(f"{url}/mainteneurs/connexion", data=data, timeout=10)
        answer.value.close()
        assert answer.value.code == 303


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def test_accept_and_reject_from_the_web(site: dict) -> None:
    client = site["app"].test_client()
    login(client)
    engine = site["engine"]
    other = subs.create(engine, "signalement", "caf-essai", message="Erreur de date.")
    empty = client.post(f"/mainteneurs/contributions/{other.id}/refuser", data={"raison": ""})
    assert empty.status_code == 303
    page = client.get(empty.headers["Location"]).get_data(as_text=True)
    assert "indiquez la raison du refus" in page
    assert subs.get(engine, other.id).status == subs.PENDING
    client.post(f"/mainteneurs/contributions/{other.id}/refuser",
                data={"raison": "Date exacte selon la source."})
    assert subs.get(engine, other.id).reason == "Date exacte selon la source."
    done = client.post(f"/mainteneurs/contributions/{site['sub'].id}/accepter",
                       data={"raison": "Merci !"})
    queue = BeautifulSoup(client.get(done.headers["Location"]).data, "html.parser")
    messages = " ".join(p.text for p in queue.select(".message-succes"))
    assert f"Contribution n° {site['sub'].id} acceptée" in messages
    assert check_file(site["data"] / "caf-essai.md").meta["statut"] == "suspendu"
    assert subs.get(engine, site["sub"].id).status == subs.ACCEPTED


def test_maintainer_posts_need_a_csrf_token(site: dict) -> None:
    app = make_app(site["instance"], site["data"], MAINTAINER_PASSWORD_HASH=HASH,
                   WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert login(client).status_code == 400
    page = BeautifulSoup(client.get("/mainteneurs/connexion").data, "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    assert login(client, csrf_token=token).status_code == 303
    refused = client.post(f"/mainteneurs/contributions/{site['sub'].id}/accepter")
    assert refused.status_code == 400
    assert subs.get(site["engine"], site["sub"].id).status == subs.PENDING
