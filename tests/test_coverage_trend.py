"""Coverage over time, from a throw-away git repository with commits in different months."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from registry.coverage.trend import CACHE_NAME, month_label, trend
from tests.recordfactory import with_etats, write_record


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=str(repo.parent))
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str, when: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


def record(folder: Path, ident: str, evaluation: str) -> None:
    write_record(folder, ident, transparence=with_etats(evaluation_interne=evaluation))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """January: 2 commits; February: none; March: one; April: a commit outside the folder."""
    root = tmp_path / "depot"
    data = root / "data" / "algorithms"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    record(data, "a", "publie")
    record(data, "b", "non_publie")
    commit(root, "first records", "2025-01-10T10:00:00+01:00")
    record(data, "c", "partiel")
    record(data, "d", "publie")
    commit(root, "more records", "2025-01-28T18:00:00+01:00")
    record(data, "b", "publie")
    record(data, "e", "sans_objet")
    (data / "f.md").write_text("---\nnom: [\n---\n", encoding="utf-8")  # invalid record
    commit(root, "march", "2025-03-03T09:00:00+01:00")
    (root / "README.md").write_text("Dépôt d'essai\n", encoding="utf-8")
    commit(root, "readme", "2025-04-15T09:00:00+02:00")
    return data


def test_month_end_figures(repo: Path, tmp_path: Path) -> None:
    result = trend(repo, tmp_path / "cache", until=date(2025, 4, 30))
    assert result.available, result.reason
    assert [p.mois for p in result.points] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    january, february, march, april = result.points
    assert january.total == 4
    assert january.tous["evaluation_interne"].texte == "2 / 4 (50,0 %)"
    assert february.commit == january.commit  # no commit in February: January's figures
    assert february.tous["evaluation_interne"].texte == "2 / 4 (50,0 %)"
    assert (march.total, march.invalides) == (5, 1)
    assert march.tous["evaluation_interne"].texte == "3 / 5 (60,0 %)"
    assert march.applicables["evaluation_interne"].texte == "3 / 4 (75,0 %)"
    assert april.commit == march.commit  # the April commit does not touch the folder
    assert january.libelle == "janvier 2025"


def test_months_continue_until_the_given_date(repo: Path, tmp_path: Path) -> None:
    result = trend(repo, tmp_path / "cache", until=date(2025, 7, 1))
    assert result.points[-1].mois == "2025-07"
    assert result.points[-1].total == 5


def test_cache_is_keyed_by_commit_and_only_new_commits_are_read(repo: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = trend(repo, cache, until=date(2025, 3, 31))
    assert first.computed == 3  # every commit of the folder (the history), months included
    stored = json.loads((cache / CACHE_NAME).read_text(encoding="utf-8"))
    assert {key.split(":")[0] for key in stored["commits"]} == {
        h.commit for h in first.history} >= {first.points[0].commit, first.points[2].commit}
    again = trend(repo, cache, until=date(2025, 3, 31))
    assert again.computed == 0
    assert [p.as_dict() for p in again.points] == [p.as_dict() for p in first.points]
    record(repo, "g", "publie")
    commit(repo.parent.parent, "may", "2025-05-20T12:00:00+02:00")
    later = trend(repo, cache, until=date(2025, 5, 31))
    assert later.computed == 1
    assert later.points[-1].tous["evaluation_interne"].texte == "4 / 6 (66,7 %)"


def test_corrupt_cache_is_recomputed(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_NAME).write_text("{pas du json", encoding="utf-8")
    result = trend(repo, cache, until=date(2025, 3, 31))
    assert result.available and result.computed == 3
    json.loads((cache / CACHE_NAME).read_text(encoding="utf-8"))


def test_without_cache_folder(repo: Path) -> None:
    result = trend(repo, None, until=date(2025, 1, 31))
    assert [p.mois for p in result.points] == ["2025-01"]


def test_folder_outside_git_is_unavailable(tmp_path: Path) -> None:
    data = tmp_path / "hors-git"
    record(data, "a", "publie")
    result = trend(data, tmp_path / "cache")
    assert not result.available
    assert result.reason.startswith("historique indisponible")
    assert result.as_dict() == {"disponible": False, "motif": result.reason, "points": [],
                                "historique": []}


def test_folder_without_commits_is_unavailable(tmp_path: Path) -> None:
    root = tmp_path / "vide"
    root.mkdir()
    git(root, "init", "-q")
    record(root / "data", "a", "publie")
    result = trend(root / "data", tmp_path / "cache")
    assert not result.available
    assert "aucun commit" in result.reason
    assert trend(tmp_path / "vide").reason.endswith("aucun commit")
    (root / "README.md").write_text("essai\n", encoding="utf-8")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "readme", when="2025-01-01T00:00:00+00:00")
    assert "aucun commit ne concerne" in trend(root / "data").reason  # data/ is untracked


def test_missing_folder_is_unavailable(tmp_path: Path) -> None:
    result = trend(tmp_path / "absent")
    assert not result.available and "n'existe pas" in result.reason


def test_month_label() -> None:
    assert month_label("2026-08") == "août 2026"


def test_cli_shows_trend(cli, repo: Path, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_INSTANCE", str(tmp_path / "instance"))
    (repo / "f.md").unlink()  # the current figures need valid records; history keeps it
    result = cli("coverage", "--json", "--tendance", "--data", str(repo))
    assert result.exit_code == 0, result.output
    points = json.loads(result.output)["tendance"]["points"]
    assert points[0]["mois"] == "2025-01"
    assert points[0]["criteres"]["evaluation_interne"]["tous"]["pourcentage"] == "50,0 %"
    assert (tmp_path / "instance" / "cache" / CACHE_NAME).is_file()
    text = cli("coverage", "--tendance", "--data", str(repo)).output
    assert "2025-03  5" in text


def test_cli_writes_the_history_csv_like_the_site(cli, repo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_INSTANCE", str(tmp_path / "instance"))
    (repo / "f.md").unlink()
    result = cli("coverage", "--csv", "--table", "historique", "--data", str(repo))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["date"][:10] for r in rows] == ["2025-01-10", "2025-01-28", "2025-03-03"]
    assert [r["fiches"] for r in rows] == ["2", "4", "5"]
    assert rows[0]["evaluation_interne_pourcentage"] == "50,0 %"


def test_cli_trend_unavailable_is_said(cli, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_INSTANCE", str(tmp_path / "instance"))
    record(tmp_path / "data", "a", "publie")
    result = cli("coverage", "--tendance", "--data", str(tmp_path / "data"))
    assert result.exit_code == 0
    assert "historique indisponible" in result.output


def test_history_has_a_point_per_commit_of_the_folder(repo: Path, tmp_path: Path) -> None:
    result = trend(repo, tmp_path / "cache", until=date(2025, 4, 30))
    assert [h.date[:10] for h in result.history] == ["2025-01-10", "2025-01-28", "2025-03-03"]
    assert [h.total for h in result.history] == [2, 4, 5]
    assert result.history[0].tous["evaluation_interne"].texte == "1 / 2 (50,0 %)"
    assert result.history[-1].commit == result.points[-1].commit
    assert result.as_dict()["historique"][1]["criteres"]["evaluation_interne"]["tous"]["n"] == 2


def test_long_histories_are_thinned_by_day_then_week_then_month() -> None:
    from registry.coverage.trend import thinned

    log = [(f"{i:040x}", f"2025-01-{1 + i // 10:02d}T{i % 10:02d}:00:00+00:00")
           for i in range(300)][::-1]  # newest first, ten commits a day for 30 days
    assert thinned(log, 300) == log[::-1]
    days = thinned(log, 40)
    assert len(days) == 30 and days[-1] == log[0]  # the last commit of each day
    assert all(stamp[11:13] == "09" for _, stamp in days)
    weeks = thinned(log, 10)
    assert 4 <= len(weeks) <= 6 and weeks[-1] == log[0]


def test_schema_1_versions_count_in_the_history(tmp_path: Path) -> None:
    """A record committed before the schema-2 migration was valid then: it is counted."""
    root = tmp_path / "ancien"
    data = root / "data" / "algorithms"
    data.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (data / "ancienne.md").write_text(
        "---\nschema: 1\nnom: \"Ancienne fiche\"\nresume: \"Un résumé.\"\n"
        "administration: {nom: \"Caisse d'essai\", type: securite_sociale}\n"
        "domaine: social\nstatut: deploye\ntype_technique: regles\n"
        "decision_individuelle: oui\ndegre_automatisation: entierement_automatise\n"
        "transparence:\n  code_source: {etat: publie, url: \"https://example.org/code\"}\n"
        "sources:\n  - {url: \"https://example.org/\", titre: \"Essai\", type: officielle}\n"
        "---\nCorps.\n", encoding="utf-8")
    (data / "cassee.md").write_text("---\nschema: 1\nnom: \"x\"\ndomaine: nulle_part\n---\n",
                                    encoding="utf-8")
    commit(root, "schema 1", "2025-01-10T10:00:00+01:00")
    result = trend(data, None, until=date(2025, 1, 31))
    point = result.history[0]
    assert (point.total, point.invalides) == (1, 1)
    assert point.tous["code_source"].texte == "1 / 1 (100,0 %)"
