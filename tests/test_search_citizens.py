"""Search in citizens' words, on small corpora: the citizens' vocabulary (one way), generic
words that never filter, near matches after complete ones, scoring of synonym phrases,
no prefix search on a complete word, the ranking prior."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.build.pipeline import build
from registry.config import load_settings
from registry.search import SearchIndex, french_analyzer, mark, prominence
from registry.search.analysis import CITIZEN_WEIGHT, stems, synonym_table
from registry.search.parsing import load_synonyms
from tests.recordfactory import write_record

RECORDS: dict[str, dict] = {
    "score-caf": dict(
        nom="Score de risque des allocataires", resume="Cible les contrôles des foyers.",
        administration={"nom": "Caisse nationale des allocations familiales", "sigle": "CNAF",
                        "type": "securite_sociale"},
        body="## Description\n\nLa CAF note chaque mois les dossiers.\n"),
    "grille-cantine": dict(
        nom="Grille tarifaire de la cantine : allocations familiales et quotient familial",
        resume="Prix du repas selon le quotient familial de la CAF.",
        administration={"nom": "Département du Val-de-Marne", "type": "collectivite"},
        body="## Description\n\nLe tarif dépend des allocations familiales perçues.\n"),
    "ciblage-fiscal": dict(
        nom="Ciblage de la fraude fiscale", resume="Modèle qui désigne des dossiers à vérifier.",
        administration={"nom": "Direction générale des finances publiques", "type": "etat"},
        body="## Description\n\nUn modèle statistique croise les fichiers fiscaux.\n"),
    "calcul-chomage": dict(
        nom="Calcul de l'allocation des demandeurs d'emploi",
        resume="Montant de l'allocation d'aide au retour à l'emploi.",
        administration={"nom": "France Travail", "type": "operateur"},
        body="## Description\n\nLe calcul permet de connaître le montant versé.\n"),
    "permis": dict(
        nom="Points du permis de conduire", resume="Décompte des points.",
        administration={"nom": "Ministère de l'intérieur", "type": "etat"},
        body="## Description\n\nUn algorithme retire les points après une infraction.\n"),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = tmp_path_factory.mktemp("citizens")
    for ident, spec in RECORDS.items():
        spec = dict(spec)
        write_record(root / "data", ident, spec.pop("body"), **spec)
    build(load_settings({"DATA": str(root / "data"), "INSTANCE": str(root / "instance")}),
          full=True)
    idx = SearchIndex(root / "instance")
    yield idx
    idx.close()


def ids(idx: SearchIndex, query: str) -> list[str]:
    return [h.id for h in idx.search(query, per_page=100).hits]


def test_citizens_words_find_the_records_words(index: SearchIndex) -> None:
    assert ids(index, "chômage")[0] == "calcul-chomage"  # says « demandeurs d'emploi »
    assert ids(index, "impots") == ["ciblage-fiscal"]  # says « fiscale », « finances publiques »
    assert ids(index, "allocs")[:1] == ["score-caf"]  # says « allocataires », « CAF »


def test_the_vocabulary_is_one_way(tmp_path: Path) -> None:
    path = tmp_path / "synonymes.yaml"
    path.write_text("groupes:\n  - [CAF, CNAF]\nmots_des_citoyens:\n  allocs: [CAF]\n"
                    "mots_generiques: [algorithme]\n", encoding="utf-8")
    thesaurus = synonym_table(french_analyzer, path)
    ana = french_analyzer()
    expanded = dict(thesaurus.expand(stems(ana, "allocs")))
    assert expanded == {stems(ana, "allocs"): 1.0, stems(ana, "CAF"): CITIZEN_WEIGHT,
                        stems(ana, "CNAF"): CITIZEN_WEIGHT}
    assert stems(ana, "allocs") not in dict(thesaurus.expand(stems(ana, "CNAF")))
    assert thesaurus.generic == {stems(ana, "algorithmes")}


@pytest.mark.parametrize("text, message", [
    ("groupes: []\nmots_des_citoyens: [impôts]\n", "doit associer chaque mot"),
    ("groupes: []\nmots_des_citoyens:\n  impôts: []\n", "« impôts » doit être associé"),
    ("groupes: []\nmots_generiques: algorithme\n", "« mots_generiques » doit être une liste"),
])
def test_a_malformed_vocabulary_is_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "synonymes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_synonyms(path)


def test_the_shipped_vocabulary_is_valid() -> None:
    groups, citizen, generic = load_synonyms()
    assert len(groups) > 30 and len(citizen) > 40 and generic


def test_a_generic_word_scores_but_does_not_filter(index: SearchIndex) -> None:
    # only « permis » says « algorithme »: the fiscal record is still found
    assert ids(index, "algorithme fraude") == ["ciblage-fiscal"]
    assert ids(index, "algorithme") == ["permis"]  # alone, it is searched


def test_a_synonym_phrase_scores_only_where_it_occurs(index: SearchIndex) -> None:
    """« caf » stands for « caisse nationale des allocations familiales »: a record whose
    name only has the words « allocations familiales » must not outrank the CAF's own."""
    assert ids(index, "caf ")[0] == "score-caf"


def test_no_prefix_search_on_a_complete_word(index: SearchIndex) -> None:
    assert ids(index, "permis") == ["permis"]  # not « permet » of another record
    assert ids(index, "perm") == ["calcul-chomage", "permis"] or \
        set(ids(index, "perm")) == {"calcul-chomage", "permis"}  # still typing: prefix


def test_prominence_prefers_documented_systems_in_use() -> None:
    from registry.records.model import Record

    def rec(**meta: object) -> Record:
        return Record("x", {"statut": "deploye", "decision_individuelle": "non", **meta}, "")
    few, many = rec(sources=[{}] * 2), rec(sources=[{}] * 25)
    assert prominence(many) > prominence(few) >= 1.0
    assert prominence(rec(sources=[{}] * 2, statut="abandonne")) < prominence(few)
    assert prominence(rec(sources=[{}] * 2, decision_individuelle="oui")) > prominence(few)
    assert prominence(rec(sources=[{}] * 500)) == prominence(rec(sources=[{}] * 30))


WORDS = ["fiscal", "fiscaux", "contrôle", "de", "la", "DGFiP", "données", "et", "modèle", "x"]


def _spans_by_analysing(text: str, terms: set[str], fragments: int = 2,
                        maxchars: int = 300) -> list[tuple[int, int]]:
    """The marked words as `mark` found them before it kept each text's words per process:
    the analyser run over the text for every hit."""
    spans: list[tuple[int, int]] = []
    limit = None
    for t in french_analyzer()(text, chars=True, mode="query"):
        if limit is not None and t.startchar > limit:
            break
        if t.text in terms:
            spans.append((t.startchar, t.endchar))
            if limit is None:
                limit = t.startchar + fragments * maxchars
    return spans


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=400),
       st.sets(st.sampled_from(["fiscal", "control", "dgfip", "model", "donne", "x"]),
               max_size=4))
def test_marked_words_are_the_analysers_whatever_was_asked_before(words: list[str],
                                                                  terms: set[str]) -> None:
    """`mark` keeps each text's analysed words between calls: asked with other words, or
    again, about the same text, it marks exactly what the analyser finds for these words."""
    text = " ".join(words)
    mark(text, {"fiscal"})  # the text's words are now kept; other terms must not leak in
    marked = mark(text, terms)
    expected = [text[a:b] for a, b in _spans_by_analysing(text, terms)]
    shown = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", marked)]
    assert shown == expected[:len(shown)]
    assert bool(shown) == bool(expected)
    assert mark(text, terms) == marked


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=400))
def test_excerpt_passages_never_repeat_text(words: list[str]) -> None:
    """The passages of an excerpt follow each other in the text without overlapping."""
    text = " ".join(f"{w} n{i}" for i, w in enumerate(words))  # every passage is unique
    terms = {t.text for t in french_analyzer()("fiscal contrôle", mode="query")}
    excerpt = html.unescape(mark(text, terms).replace("<mark>", "").replace("</mark>", ""))
    position = 0
    for passage in filter(None, excerpt.removeprefix("… ").removesuffix(" …").split(" … ")):
        found = text.find(passage, position)
        assert found >= position, (passage, text)
        position = found + len(passage)
