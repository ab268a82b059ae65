"""`registry freeze`: a static copy whose pages exist for every record and link to each other."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from registry.build.pipeline import build
from registry.cli import main as cli_main
from registry.config import load_settings
from registry.opendata import eudb
from registry.opendata.exports import FILE_NAMES
from registry.text import slugify
from tests.recordfactory import with_etats, write_record

ADMINS = ("Caisse d'allocations familiales", "Ville de Saint-Étienne", "Ministère de l'Intérieur")
DOMAINS = ("social", "police_securite", "education")
LINKS = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}


def make_frozen_site(root: Path) -> dict:
    """25 records (3 domains, 3 administrations), built and frozen under `root`."""
    data, instance, out = root / "data", root / "instance", root / "site"
    ids = []
    for i in range(25):  # more than one list page (20 per page)
        ident = f"algo-{i:02d}"
        write_record(data, ident, nom=f"Algorithme numéro {i}",
                     resume=f"Résumé de l'algorithme {i}, {'fraude' if i % 5 == 0 else 'aide'}.",
                     administration={"nom": ADMINS[i % 3], "type": "etat"},
                     domaine=DOMAINS[i % 3],
                     transparence=with_etats(regles_publiees="publie" if i % 2 else "inconnu"))
        ids.append(ident)
    build(load_settings({"DATA": str(data), "INSTANCE": str(instance)}), full=True)
    result = CliRunner().invoke(cli_main, ["freeze", "--data", str(data), "--instance",
                                           str(instance), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {"root": root, "data": data, "instance": instance, "out": out, "ids": ids,
            "output": result.output}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return make_frozen_site(tmp_path_factory.mktemp("freeze"))


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _internal_links(page: Path) -> list[tuple[str, str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = []
    for tag, attr in LINKS.items():
        for node in soup.find_all(tag):
            value = node.get(attr)
            if value is None or value.startswith("#"):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("data:"):
                continue
            links.append((tag, value))
    return links


def _resolve(page: Path, link: str) -> Path:
    return (page.parent / unquote(urlsplit(link).path)).resolve()


def test_pages_exist_for_every_record_list_and_administration(site: dict) -> None:
    out = site["out"]
    for ident in site["ids"]:
        assert (out / "algorithmes" / ident / "index.html").is_file(), ident
        assert (out / "api" / "v1" / "algorithmes" / f"{ident}.json").is_file(), ident
    for path in ("index.html", "algorithmes/index.html", "listes/toutes/page-2/index.html",
                 "administrations/index.html", "couverture/index.html", "a-propos/index.html",
                 "reglement-ia/index.html", "api/v1/reglement-ia.json",
                 "donnees/index.html", "api/v1/algorithmes.json", "api/v1/couverture.json",
                 "api/v1/schema.json", "api/v1/openapi.json", "recherche.json",
                 "static/site.css", "static/recherche-statique.js"):
        assert (out / path).is_file(), path
    for domain in DOMAINS:
        assert (out / "listes" / "domaine" / domain / "index.html").is_file(), domain
    for admin in ADMINS:
        assert (out / "administrations" / slugify(admin) / "index.html").is_file(), admin
    for name in (*FILE_NAMES.values(), *eudb.FILE_NAMES.values()):
        assert (out / "exports" / name).read_bytes() == \
            (site["instance"] / "exports" / name).read_bytes()
    assert "pages" in site["output"]


def test_every_internal_link_target_exists(site: dict) -> None:
    out = site["out"].resolve()
    checked = 0
    for page in _pages(out):
        for tag, link in _internal_links(page):
            assert not link.startswith("/"), (page, link)  # relative: works under any prefix
            target = _resolve(page, link)
            assert target.is_file(), f"{page.relative_to(out)}: <{tag}> {link} is missing"
            assert out in target.parents
            checked += 1
    assert checked > 1000


def test_pages_link_to_each_other(site: dict) -> None:
    """From the home page, following links reaches every record, list and administration."""
    out = site["out"].resolve()
    start = out / "index.html"
    seen, todo = {start}, [start]
    while todo:
        page = todo.pop()
        for tag, link in _internal_links(page):
            target = _resolve(page, link)
            if tag == "a" and target.suffix == ".html" and target not in seen:
                seen.add(target)
                todo.append(target)
    for ident in site["ids"]:
        assert out / "algorithmes" / ident / "index.html" in seen, ident
    assert set(_pages(out)) - seen == set()  # every frozen page is reachable from the home page
    record = out / "algorithmes" / site["ids"][3] / "index.html"
    targets = {_resolve(record, link) for _tag, link in _internal_links(record)}
    assert out / "algorithmes" / "index.html" in targets
    assert out / "administrations" / slugify(ADMINS[0]) / "index.html" in targets


def test_search_index_and_script_without_inline_code(site: dict) -> None:
    import json

    out = site["out"]
    index = json.loads((out / "recherche.json").read_text(encoding="utf-8"))
    assert sorted(item["id"] for item in index) == site["ids"]
    first = next(item for item in index if item["id"] == "algo-00")
    assert first["administration"] == ADMINS[0] and "fraude" in first["resume"]
    assert (out / first["page"]).is_file()
    for page in _pages(out):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = soup.find_all("script")
        assert scripts and all(s.get("src") and not s.string for s in scripts), page
        assert not soup.find(attrs={"style": True}), page
        meta = soup.find("meta", attrs={"name": "registre-statique"})
        assert (page.parent / meta["content"] / "recherche.json").is_file(), page
    liste = BeautifulSoup((out / "algorithmes/index.html").read_text(encoding="utf-8"),
                          "html.parser")
    form = liste.find("form", id="recherche")
    assert form["method"] == "get" and form["action"] == "index.html"


def test_server_only_links_go_to_the_dynamic_site_or_are_disabled(site: dict) -> None:
    out, ident = site["out"], site["ids"][0]
    page = BeautifulSoup((out / "algorithmes" / ident / "index.html").read_text(
        encoding="utf-8"), "html.parser")
    assert not page.find("a", href=lambda h: h and "demande" in h and "#" not in h)
    other = site["root"] / "dynamique"
    result = CliRunner().invoke(cli_main, [
        "freeze", "--data", str(site["data"]), "--instance", str(site["instance"]), "-o",
        str(other), "--site-dynamique", "https://registre.example.org"])
    assert result.exit_code == 0, result.output
    html = (other / "algorithmes" / ident / "index.html").read_text(encoding="utf-8")
    assert f'href="https://registre.example.org/algorithmes/{ident}/demande"' in html
    liste = (other / "listes" / "domaine" / "social" / "index.html").read_text(encoding="utf-8")
    assert "https://registre.example.org/algorithmes?" in liste  # combined filters
    assert 'data-dynamique="https://registre.example.org"' in liste


def test_refreeze_replaces_but_never_overwrites_a_foreign_folder(site: dict) -> None:
    args = ["freeze", "--data", str(site["data"]), "--instance", str(site["instance"])]
    foreign = site["root"] / "mes-documents"
    foreign.mkdir()
    (foreign / "important.txt").write_text("ne pas effacer", encoding="utf-8")
    result = CliRunner().invoke(cli_main, [*args, "-o", str(foreign)])
    assert result.exit_code == 1 and "n'est pas un export statique" in result.output
    assert (foreign / "important.txt").read_text(encoding="utf-8") == "ne pas effacer"
    stale = site["out"] / "algorithmes" / "ancienne" / "index.html"
    stale.parent.mkdir()
    stale.write_text("périmé", encoding="utf-8")
    result = CliRunner().invoke(cli_main, [*args, "-o", str(site["out"])])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and (site["out"] / "index.html").is_file()
    assert not list(site["root"].glob(".site.*"))


def test_freeze_without_a_build_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_main, ["freeze", "--data", str(tmp_path), "--instance",
                                           str(tmp_path / "vide"), "-o", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "registry build" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s").exists()
