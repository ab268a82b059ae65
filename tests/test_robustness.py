"""Issue 15, item 9: no 500 and no traceback, whatever the input, with bounded memory.

Maintainer URLs with ids of any size, CR/LF and other tricks in `next=`; every `registry`
command given hostile files (deep JSON, NaN, huge CSV cells, YAML alias bombs, mapping files
of the wrong shape, garbage bytes) answers a French error and an exit status, in a child
process whose peak memory is measured (getrusage of a small launcher).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT
from tests.contribrepo import add_maintainer, built_app, settings
from tests.recordfactory import write_record
from tests.servers import PYTHON

PASSWORD = "mot-de-passe-long"
HUGE = "9" * 40
MAX_RSS_MB = 300


@pytest.fixture
def client(tmp_path: Path):
    data = tmp_path / "data"
    write_record(data, "algo-un")
    app = built_app(data, tmp_path / "instance")
    add_maintainer(settings(data, tmp_path / "instance"), password=PASSWORD)
    return app.test_client()


def test_ids_of_any_size_in_maintainer_urls(client) -> None:
    assert client.post("/mainteneurs/connexion", data={"login": "camille",
                                                          "password": PASSWORD}).status_code == 303
    for ident in ("0", "1", str(2**63), HUGE, "1" + "0" * 300):
        page = client.get(f"/mainteneurs/contributions/{ident}")
        assert page.status_code == 404, ident
        assert "Aucune contribution" in page.get_data(as_text=True)
        for action in ("accepter", "refuser"):
            done = client.post(f"/mainteneurs/contributions/{ident}/{action}",
                               data={"raison": "Raison."}, follow_redirects=True)
            assert done.status_code == 404 and "Traceback" not in done.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "/mainteneurs\r\nSet-Cookie: x=1", "/mainteneurs\nLocation: https://mechant.example",
    "/\\mechant.example", "//mechant.example", "https://mechant.example/", "/\x00",
    "/mainteneurs\t", "javascript:alert(1)", "/" + "a" * 400, "http://[::1", "/%0d%0aX: y",
])
def test_next_never_breaks_nor_leaves_the_site(client, target: str) -> None:
    page = client.get("/mainteneurs/connexion", query_string={"next": target})
    assert page.status_code == 200
    response = client.post("/mainteneurs/connexion", data={"login": "camille",
                                                            "password": PASSWORD,
                                                            "next": target})
    assert response.status_code in (303, 401), response.status_code
    if response.status_code == 303:
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\"))
        assert "\r" not in location and "\n" not in location
        if target not in ("/%0d%0aX: y",):
            assert location == "/mainteneurs"


LAUNCHER = ("import resource, subprocess, sys\n"
            "code = subprocess.call(sys.argv[1:])\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "sys.stderr.write(f'\\nPEAK_KB={peak}\\n')\n"
            "sys.exit(code)\n")


def _measured(args: list[str], env: dict) -> tuple[int, str, int]:
    """(exit status, stderr, peak resident memory in MB) of a `registry` command. A small
    launcher runs it and reads its children's peak (Linux keeps the peak of the process that
    forked across exec: measured from the test process it would count the test suite)."""
    done = subprocess.run([PYTHON, "-c", LAUNCHER, PYTHON, "-m", "registry.cli", *args],
                          env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=120, check=False)
    err = done.stderr.decode("utf-8", "replace")
    output, _, peak = err.rpartition("\nPEAK_KB=")
    return done.returncode, output, int(peak.strip()) // 1024


BILLION_LAUGHS = "\n".join(
    ["colonnes: {nom: nom}", "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
       for i in range(9)]) + "\n"

CASES = {
    "json profond": (["import", "json", "{f}"], "[" * 2_000_000, "imbriqué"),
    "json NaN": (["import", "json", "{f}"], '[{"id": "a-b", "nom": NaN}]', "NaN"),
    "json 1e999": (["import", "json", "{f}"], '[{"id": "a-b", "x": 1e999}]', "hors limites"),
    "json objet": (["import", "json", "{f}"], '{"id": "a-b"}', "tableau"),
    "json octets": (["import", "json", "{f}"], "\udcff\udcfe\x00garbage", "UTF-8"),
    "json corps": (["import", "json", "{f}"], '[{"id": "a-b", "corps_markdown": [1]}]',
                   "corps_markdown"),
    "csv cellule énorme": (["import", "csv", "{f}", "--mapping", "odap"],
                           "nom;administration\n\"" + "x" * 3_000_000 + "\";Caisse\n",
                           "caractères"),
    "csv guillemets": (["import", "csv", "{f}", "--mapping", "odap"],
                       "nom,administration\n\"ouvert,Caisse\n" + "y" * 2_000_000, "caractères"),
    "csv octets": (["import", "csv", "{f}", "--mapping", "odap"], "\x00\x01\x02\udcff" * 1000,
                   "problème"),
    "correspondance alias": (["import", "csv", "{d}", "--mapping", "{f}"], BILLION_LAUGHS,
                             "alias"),
    "correspondance liste": (["import", "csv", "{d}", "--mapping", "{f}"],
                             "colonnes: [nom, statut]\n", "colonnes"),
    "correspondance valeurs": (["import", "csv", "{d}", "--mapping", "{f}"],
                               "colonnes: {nom: nom}\nvaleurs: {statut: [1, 2]}\n", "valeurs"),
    "correspondance profonde": (["import", "csv", "{d}", "--mapping", "{f}"],
                                "colonnes: " + "[" * 100_000, "YAML"),
    "correspondance octets": (["import", "csv", "{d}", "--mapping", "{f}"], "\udcff\udcfe",
                              "UTF-8"),
    "sauvegarde profonde": (["submissions", "import", "{f}"], "[" * 2_000_000, "imbriqué"),
    "contribution énorme": (["submissions", "show", HUGE], "", "aucune contribution"),
    "acceptation énorme": (["submissions", "accept", HUGE], "", "aucune contribution"),
    "refus énorme": (["submissions", "reject", HUGE, "--raison", "x"], "",
                     "aucune contribution"),
    "délais date": (["cada", "delais", "--reception", "2024-02-30"], "", "date"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_commands_refuse_bad_input_with_bounded_memory(tmp_path: Path, name: str) -> None:
    args, content, expected = CASES[name]
    hostile = tmp_path / "hostile"
    hostile.write_bytes(content.encode("utf-8", "surrogateescape"))
    table = tmp_path / "table.csv"
    table.write_text("nom;administration\nScore;Caisse\n", encoding="utf-8")
    env = {**os.environ, "REGISTRY_DATA": str(tmp_path / "fiches"),
           "REGISTRY_INSTANCE": str(tmp_path / "instance"),
           "REGISTRY_STATE": str(tmp_path / "etat"), "PYTHONPATH": str(PROJECT_ROOT)}
    filled = [a.format(f=hostile, d=table) for a in args]
    code, output, peak = _measured(filled, env)
    assert code in (1, 2), (name, code, output[-2000:])
    assert "Traceback" not in output, output[-3000:]
    assert expected.lower() in output.lower(), (name, output[-1500:])
    assert peak < MAX_RSS_MB, (name, peak)
