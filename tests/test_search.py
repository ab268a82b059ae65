"""Search on a small controlled corpus: French analysis, synonyms, boosts, facets, robustness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.build.pipeline import build
from registry.config import load_settings
from registry.search import FACETS, SearchIndex, french_analyzer
from tests.search_corpus import RECORDS, write_corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = tmp_path_factory.mktemp("search")
    data = write_corpus(root / "data")
    build(load_settings({"DATA": str(data), "INSTANCE": str(root / "instance")}), full=True)
    idx = SearchIndex(root / "instance")
    yield idx
    idx.close()


def ids(idx: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in idx.search(query, per_page=100, **kwargs).hits]


def stems(text: str) -> list[str]:
    return [t.text for t in french_analyzer()(text)]


@pytest.mark.parametrize("left, right", [
    ("evaluation", "évaluations"),
    ("ÉVALUATION", "évaluation"),
    ("Évaluations", "evaluation"),
    ("l'algorithme", "algorithmes"),
    ("L’algorithme", "algorithme"),
    ("d'évaluation", "évaluations"),
    ("qu'algorithme", "algorithmes"),
    ("contrôlés", "controle"),
    ("données", "DONNEES"),
    ("allocataires", "allocataire"),
    ("publiées", "publiée"),
    ("familiales", "familiale"),
])
def test_french_word_pairs_analyse_to_the_same_terms(left: str, right: str) -> None:
    assert stems(left) == stems(right) != []


def test_stop_words_and_elisions_disappear() -> None:
    assert stems("le score de l'algorithme et des données") == stems("score algorithme données")


@pytest.mark.parametrize("query", ["evaluation", "évaluations", "ÉVALUATION", "Evaluations"])
def test_accents_case_and_plural_find_the_same_records(index: SearchIndex, query: str) -> None:
    assert ids(index, query) == ["caf-score"]


def test_elided_article_matches_plural(index: SearchIndex) -> None:
    assert "dgfip-ciblage" in ids(index, "l'algorithme")
    assert "dgfip-ciblage" in ids(index, "algorithmes")


@pytest.mark.parametrize("query, expected", [
    ("CNAF", {"caf-score"}),
    ("caf", {"caf-score"}),
    ("caisse d'allocations familiales", {"caf-score"}),
    ("DGFiP", {"dgfip-ciblage"}),
    ("finances publiques", {"dgfip-ciblage"}),
    ("pole emploi", {"pe-controle", "ft-match"}),
    ("France Travail", {"pe-controle", "ft-match"}),
    ("IA", {"ft-match"}),
    ("AIPD", {"pe-controle"}),
])
def test_synonyms_and_acronyms(index: SearchIndex, query: str, expected: set[str]) -> None:
    assert set(ids(index, query + " ")) == expected


def test_synonym_inside_a_longer_query(index: SearchIndex) -> None:
    res = index.search("contrôle pole emploi ")
    assert res.hits[0].id == "pe-controle"
    assert res.message.startswith("1 fiche contient tous les mots cherchés")


def test_field_boosts_put_the_name_first(index: SearchIndex) -> None:
    assert ids(index, "transparence ") == ["transparence-nom", "transparence-corps"]


def test_phrase_query_needs_adjacent_words(index: SearchIndex) -> None:
    assert ids(index, '"risque des allocataires"') == ["caf-score"]
    assert ids(index, '"allocataires risque"') == []


def test_prefix_matching_on_the_last_word(index: SearchIndex) -> None:
    assert ids(index, "parcou") == ["parcoursup"]
    assert ids(index, "parcou ") == []
    assert "ft-match" in ids(index, "recommand")


def test_all_words_are_required_then_the_nearest(index: SearchIndex) -> None:
    """All words first; fewer than three such records: those missing one word follow,
    after them; a word found in no record is left out, and the person is told."""
    res = index.search("fraude fiscale ")
    assert [h.id for h in res.hits][0] == "dgfip-ciblage"
    assert res.message.startswith("1 fiche contient tous les mots cherchés ; les suivantes")
    assert "caf-score" in [h.id for h in res.hits]  # has « fraude », not « fiscale »
    res = index.search("fraude zzzinconnu ")
    assert {h.id for h in res.hits} == {"caf-score", "dgfip-ciblage"}
    assert "Aucune fiche ne contient « zzzinconnu » : la recherche a été faite sans ce mot." \
        in res.message
    res = index.search("score parcoursup ")  # no record has both
    assert {"caf-score", "parcoursup"} <= {h.id for h in res.hits}
    assert res.message.startswith("Aucune fiche ne contient tous les mots cherchés")


def test_or_and_exclusion(index: SearchIndex) -> None:
    assert set(ids(index, "parcoursup OU tarification ")) == {"parcoursup", "transparence-corps"}
    assert ids(index, "fraude -fiscale ") == ["caf-score"]
    assert ids(index, "fraude SAUF fiscale ") == ["caf-score"]


def test_typo_gets_a_suggestion(index: SearchIndex) -> None:
    res = index.search("parcoursupp ")
    assert res.total == 0 and res.suggestion == "parcoursup"
    assert index.search("affectation candidatz ").suggestion == "affectation candidats"
    assert index.search("parcoursup ").suggestion is None


def test_highlighted_excerpt_is_escaped_html(index: SearchIndex) -> None:
    hit = index.search("remplace ").hits[0]
    assert "<mark>remplace</mark>" in hit.extrait
    assert "<script>" not in hit.extrait
    text = re.sub(r"</?mark>", "", hit.extrait)
    assert "<" not in text and "R&amp;D" in text
    assert "<mark>évaluations</mark>" in index.search("evaluation").hits[0].extrait


def test_facets_count_the_results_and_filters_narrow_consistently(index: SearchIndex) -> None:
    res = index.search("")
    assert res.total == len(RECORDS)
    assert set(res.facettes) <= set(FACETS)
    for name, values in res.facettes.items():
        assert sum(v.nombre for v in values) == res.total, name
    emploi = {v.valeur: v.nombre for v in res.facettes["domaine"]}["emploi"]
    filtered = index.search("", {"domaine": ["emploi"]})
    assert filtered.total == emploi == len(filtered.hits)
    assert {v.valeur: v.nombre for v in res.facettes["budget"]} == {"publie": 2, "inconnu": 5}
    both = index.search("fraude", {"budget": ["publie"], "statut": ["deploye"]})
    assert [h.id for h in both.hits] == ["caf-score"] and both.total == 1
    assert both.facettes["statut"][0].valeur == "deploye"
    several = index.search("", {"domaine": ["emploi", "education"]})
    assert several.total == 3


def test_unknown_filters_and_values(index: SearchIndex) -> None:
    assert index.search("", {"inconnu": ["x"]}).total == len(RECORDS)
    assert index.search("", {"domaine": ["nulle-part"]}).total == 0


def test_sorts(index: SearchIndex) -> None:
    by_name = ids(index, "", sort="nom")
    assert by_name[0] == "ft-match" and by_name[-1] == "transparence-corps"
    assert set(ids(index, "", sort="recent")) == set(RECORDS)
    assert ids(index, "emploi ", sort="nom") == ["ft-match", "pe-controle"]


def test_pages(index: SearchIndex) -> None:
    first = index.search("", page=1, per_page=3)
    second = index.search("", page=2, per_page=3)
    assert first.total == second.total == len(RECORDS)
    assert len(first.hits) == 3 and not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert index.search("", page=50, per_page=3).hits == []


@pytest.mark.parametrize("query", [
    '"', '"""', '"unbalanced phrase', "AND", "OR", "NOT", "OU", "-", "- -", "*", "?", "(", ")",
    "title:x", "a^3", "x~2", "[a TO b]", "{}", "'", "l'", "\x00", "caf\x00cnaf", "\x07\x1b[31m",
    "x" * 10_000, "fraude " * 2000, "é" * 600, "🙂 algorithmes", "\u202eevil", "%00", "\\",
])
def test_any_query_string_returns_results_or_a_message(index: SearchIndex, query: str) -> None:
    res = index.search(query)
    assert res.total >= 0 and (res.hits or res.total == 0 or res.message is None)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_query_strings_never_raise(index: SearchIndex, query: str) -> None:
    res = index.search(query, page=1, per_page=5)
    assert res.total >= len(res.hits)


def test_searchers_are_reused_not_reopened(index: SearchIndex) -> None:
    with index.searcher() as (gen1, s1):
        pass
    index.search("fraude")
    with index.searcher() as (gen2, s2):
        assert gen2 is gen1 and s2 is s1
        with index.searcher() as (_, s3):  # a concurrent request gets another searcher
            assert s3 is not s2


def test_new_build_is_picked_up_without_restart(tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "data")
    settings_ = load_settings({"DATA": str(data), "INSTANCE": str(tmp_path / "instance")})
    build(settings_)
    idx = SearchIndex(tmp_path / "instance")
    assert idx.search("nouveauté ").total == 0
    with idx.searcher() as (old_gen, old_searcher):
        from tests.recordfactory import write_record

        write_record(data, "nouveau", nom="Une nouveauté")
        build(settings_)
        # the searcher lent before the swap keeps working on the previous build
        assert old_searcher.doc_count() == len(RECORDS)
        assert ids(idx, "nouveauté ") == ["nouveau"]
    assert old_gen.retired and old_searcher.is_closed
    folders = sorted(p.name for p in (tmp_path / "instance").glob("index-*"))
    build(settings_, full=True)
    build(settings_, full=True)
    kept = sorted(p.name for p in (tmp_path / "instance").glob("index-*"))
    assert len(kept) == 2 and not set(folders) & set(kept)
    assert ids(idx, "nouveauté ") == ["nouveau"]
    idx.close()
