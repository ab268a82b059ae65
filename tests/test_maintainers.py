"""Maintainer pages: login with a named account, lockout, queue, accept (published: commit
and rebuild) and reject with the maintainer's name, logout; `registry maintainers`."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from registry.contributions import queue as subs
from registry.records.validate import check_file
from registry.state import accounts as maintainers
from registry.state import sessions, state_engine
from tests.conftest import make_app, serving
from tests.contribrepo import PASSWORD, add_maintainer, built_app, git, one_record_repo, settings


@pytest.fixture
def site(tmp_path: Path) -> dict:
    repo = tmp_path / "depot"
    data = one_record_repo(repo)
    instance = tmp_path / "instance"
    app = built_app(data, instance)
    engine = state_engine(settings(data, instance))
    add_maintainer(settings(data, instance))
    current = check_file(data / "caf-essai.md")
    sub = subs.create(engine, "correction", "caf-essai", {**current.meta, "statut": "suspendu"},
                      current.body, message="Suspendu depuis mars.", email="prive@example.org",
                      base_hash=subs.file_hash(data / "caf-essai.md"))
    return {"data": data, "instance": instance, "app": app, "engine": engine, "sub": sub,
            "repo": repo, "state": settings(data, instance)["STATE"]}


def login(client, password: str = PASSWORD, address: str = "127.0.0.1",
          user: str = "camille", **extra: str):
    return client.post("/mainteneurs/connexion",
                       data={"login": user, "password": password, **extra},
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


def test_only_the_right_account_and_password_open_the_queue(site: dict) -> None:
    client = site["app"].test_client()
    wrong = login(client, "mauvais")
    assert wrong.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in wrong.get_data(as_text=True)
    assert login(client, user="inconnu").status_code == 401
    assert client.get("/mainteneurs").status_code == 302
    assert client.get("/mainteneurs").status_code == 302
    right = login(client, next="/mainteneurs")
    assert right.status_code == 303 and right.headers["Location"] == "/mainteneurs"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    queue = client.get("/mainteneurs")
    assert queue.status_code == 200 and "no-store" == queue.headers["Cache-Control"]
    assert "caf-essai" in queue.get_data(as_text=True)
    assert "Camille Durand" in queue.get_data(as_text=True)  # who is logged in
    detail = client.get(f"/mainteneurs/contributions/{site['sub'].id}").get_data(as_text=True)
    assert "prive@example.org" in detail and "« suspendu »" in detail
    client.post("/mainteneurs/deconnexion")
    assert client.get("/mainteneurs").status_code == 302


def test_login_redirects_only_inside_the_site(site: dict) -> None:
    client = site["app"].test_client()
    response = login(client, next="https://mechant.example/")
    assert response.headers["Location"] == "/mainteneurs"


def test_secure_cookie_behind_https(site: dict) -> None:
    app = make_app(site["instance"], site["data"], HTTPS=True, STATE=site["state"])
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


def test_no_account_means_closed_except_in_development(site: dict) -> None:
    closed = make_app(site["instance"], site["data"], TESTING=False).test_client()
    assert closed.get("/mainteneurs/connexion").status_code == 403
    assert "registry maintainers add" in closed.get("/mainteneurs/connexion").get_data(
        as_text=True)
    assert login(closed, "mainteneur", user="mainteneur").status_code == 403
    debug_elsewhere = make_app(site["instance"], site["data"], DEBUG=True).test_client()
    assert debug_elsewhere.get("/mainteneurs/connexion").status_code == 403  # not Werkzeug's
    with serving(make_app(site["instance"], site["data"], DEBUG=True)) as url:
        with urllib.request.urlopen(f"{url}/mainteneurs/connexion", timeout=10) as page:
            assert "Mode développement" in page.read().decode()
        opener = urllib.request.build_opener(NoRedirect)
        data = urllib.parse.urlencode({"login": "mainteneur",
                                       "password": "mainteneur"}).encode()
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(f"{url}/mainteneurs/connexion", data=data, timeout=10)
        answer.value.close()
        assert answer.value.code == 303


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
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
    refused = subs.get(engine, other.id)
    assert refused.reason == "Date exacte selon la source."
    assert (refused.decided_by, refused.decided_by_name) == ("camille", "Camille Durand")
    review = BeautifulSoup(client.get(f"/mainteneurs/contributions/{site['sub'].id}").data,
                           "html.parser")
    assert [li.text for li in review.select("ul.changements li")] == [
        "Statut : « Déployé » devient « Suspendu »"]
    lines = [x.text for x in review.select(".diff-texte pre del, .diff-texte pre ins")]
    assert lines == ['-statut: deploye', '+statut: suspendu']  # the one line to change
    done = client.post(f"/mainteneurs/contributions/{site['sub'].id}/accepter",
                       data={"raison": "Merci !"})
    queue = BeautifulSoup(client.get(done.headers["Location"]).data, "html.parser")
    messages = " ".join(p.text for p in queue.select(".message-succes"))
    assert f"Contribution n° {site['sub'].id} acceptée : commit" in messages
    assert "site mis à jour" in messages
    assert check_file(site["data"] / "caf-essai.md").meta["statut"] == "suspendu"
    accepted = subs.get(engine, site["sub"].id)
    assert accepted.status == subs.ACCEPTED and accepted.decided_by_name == "Camille Durand"
    assert git(site["repo"], "log", "-1", "--format=%an|%s") == \
        "Camille Durand|Correction de la fiche caf-essai : Statut"
    assert accepted.commit == git(site["repo"], "rev-parse", "HEAD")
    page = site["app"].test_client().get("/algorithmes/caf-essai").get_data(as_text=True)
    assert "Suspendu" in page  # rebuilt: live without a shell
    journal = site["app"].test_client().get("/contributions/journal").get_data(as_text=True)
    assert "Date exacte selon la source." in journal and "Camille Durand" in journal
    assert "prive@example.org" not in journal


def test_maintainer_posts_need_a_csrf_token(site: dict) -> None:
    app = make_app(site["instance"], site["data"], WTF_CSRF_ENABLED=True, STATE=site["state"])
    client = app.test_client()
    assert login(client).status_code == 400
    page = BeautifulSoup(client.get("/mainteneurs/connexion").data, "html.parser")
    assert page.select_one("input[name=login]")["autocomplete"] == "username"
    token = page.select_one("input[name=csrf_token]")["value"]
    assert login(client, csrf_token=token).status_code == 303
    refused = client.post(f"/mainteneurs/contributions/{site['sub'].id}/accepter")
    assert refused.status_code == 400
    assert subs.get(site["engine"], site["sub"].id).status == subs.PENDING


def test_accounts_are_managed_from_the_command_line(site: dict, cli) -> None:
    env = {"REGISTRY_STATE": site["state"]}
    made = cli("maintainers", "add", "dominique", "--nom", "Dominique Petit",
               "--mot-de-passe-stdin", input="un mot de passe assez long\n", env=env)
    assert made.exit_code == 0, made.output
    weak = cli("maintainers", "add", "eve", "--nom", "Ève", "--mot-de-passe-stdin",
               input="court\n", env=env)
    assert weak.exit_code == 1 and "trop court" in weak.output
    again = cli("maintainers", "add", "dominique", "--nom", "D", "--mot-de-passe-stdin",
                input="un mot de passe assez long\n", env=env)
    assert again.exit_code == 1 and "existe déjà" in again.output
    prompted = cli("maintainers", "add", "farid", "--nom", "Farid", env=env,
                   input="une phrase de passe\nune phrase de passe\n")
    assert prompted.exit_code == 0, prompted.output
    listed = cli("maintainers", "list", env=env).output
    assert "dominique" in listed and "Dominique Petit" in listed and "camille" in listed
    engine = site["engine"]
    stored = engine.connect().exec_driver_sql(
        "SELECT password_hash FROM mainteneur WHERE login = 'dominique'").scalar()
    assert stored.startswith("scrypt:") and "assez long" not in stored
    client = site["app"].test_client()
    assert login(client, "un mot de passe assez long", user="dominique").status_code == 303
    assert client.get("/mainteneurs").status_code == 200
    changed = cli("maintainers", "passwd", "dominique", "--mot-de-passe-stdin",
                  input="un autre mot de passe\n", env=env)
    assert changed.exit_code == 0
    assert client.get("/mainteneurs").status_code == 302  # its sessions were closed
    assert login(client, "un mot de passe assez long", user="dominique").status_code == 401
    assert login(client, "un autre mot de passe", user="dominique").status_code == 303
    assert cli("maintainers", "remove", "dominique", env=env).exit_code == 0
    assert client.get("/mainteneurs").status_code == 302
    assert maintainers.get(engine, "dominique") is None
    assert cli("maintainers", "remove", "dominique", env=env).exit_code == 1


def test_a_session_without_an_account_opens_nothing(site: dict) -> None:
    token = sessions.open_session(site["engine"], "fantome")
    assert sessions.login_of(site["engine"], token) == "fantome"
    with site["app"].test_client() as client:
        with client.session_transaction() as cookie:
            cookie["mainteneur"] = token
        assert client.get("/mainteneurs").status_code == 302


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_password_hashes_are_werkzeugs_format_without_importing_it(method: str) -> None:
    """The core hashes passwords with the standard library, in werkzeug's format both ways."""
    from werkzeug.security import check_password_hash, generate_password_hash

    from registry.state.passwords import check_password, hash_password

    ours = hash_password("un mot de passe long", method)
    assert check_password_hash(ours, "un mot de passe long")
    assert check_password(generate_password_hash("un mot de passe long", method),
                          "un mot de passe long")
    assert not check_password(ours, "autre chose") and not check_password("n'importe quoi", "x")
