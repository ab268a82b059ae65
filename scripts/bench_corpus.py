"""Realistic synthetic records for scripts/bench.py, derived from the real records.

Each synthetic record takes a real record of ``data/algorithms/`` as its topic: its
front matter (so it is valid and its fields have real values), its body's sentences
and Markdown structure. Then, to make 10 000 or 100 000 different records out of
~130 real ones:

- about a third of the content words of the body, name and summary are replaced by
  words drawn from the real corpus's own frequency distribution (Zipf-like: domain words
  such as « données », « contrôle », « score » stay frequent, most words are rare),
  extended with inflected forms (plural, feminine, -ment/-tion variants) so the
  vocabulary grows with the corpus as real text does;
- a second real record lends one section in half of the records (bodies of ~100 to ~900
  words, median ~300);
- administrations: the real national ones (weighted as in the data) and ~600 local
  authorities (communes, métropoles, départements, régions);
- transparency states: the topic's, a quarter of them redrawn with the real
  distribution.
"""

from __future__ import annotations

import copy
import re
import shutil
from bisect import bisect
from collections import Counter
from itertools import accumulate
from pathlib import Path
from random import Random

import yaml

from registry.records import catalogue as cat
from registry.records.citations import MARKER_RE as MARKER
from registry.records.model import Record, default_administrations, load_records
from registry.records.writer import record_text
from registry.text import slugify

WORD = re.compile(r"(\w+(?:['’]\w+)*)")
SUBSTITUTION = 0.33
CITIES = (
    "Paris Marseille Lyon Toulouse Nice Nantes Montpellier Strasbourg Bordeaux Lille Rennes "
    "Reims Toulon Grenoble Dijon Angers Nîmes Villeurbanne Clermont-Ferrand Aix-en-Provence "
    "Brest Tours Amiens Limoges Annecy Perpignan Boulogne-Billancourt Metz Besançon Orléans "
    "Rouen Mulhouse Caen Nancy Argenteuil Montreuil Roubaix Tourcoing Avignon Nanterre "
    "Créteil Poitiers Versailles Pau Calais Rueil-Malmaison Aubervilliers Colombes Dunkerque "
    "Béziers Saint-Denis Saint-Étienne Vitry-sur-Seine Champigny-sur-Marne La Rochelle "
    "Antibes Cannes Colmar Bourges Quimper Valence Ajaccio Bastia Lorient Vannes Chambéry "
    "Troyes Niort Chartres Laval Belfort Évry Cergy Beauvais Arras Albi Tarbes Bayonne Agen "
    "Périgueux Angoulême Cholet Saint-Nazaire Saint-Malo Lens Douai Valenciennes Mâcon "
    "Auxerre Nevers Vichy Montauban Carcassonne Sète Narbonne Gap Digne-les-Bains Épinal "
    "Charleville-Mézières Châlons-en-Champagne Saint-Brieuc Le Mans Le Havre Cherbourg "
    "Blois Châteauroux Montluçon Rodez Cahors Foix Auch Mont-de-Marsan Dax Biarritz").split()
DEPARTEMENTS = (
    "de l'Ain|de l'Aisne|de l'Allier|des Alpes-Maritimes|de l'Ardèche|des Ardennes|de l'Aube|"
    "de l'Aude|de l'Aveyron|des Bouches-du-Rhône|du Calvados|du Cantal|de la Charente|"
    "du Cher|de la Corrèze|de la Côte-d'Or|des Côtes-d'Armor|de la Creuse|de la Dordogne|"
    "du Doubs|de la Drôme|de l'Eure|du Finistère|du Gard|de la Haute-Garonne|du Gers|"
    "de la Gironde|de l'Hérault|d'Ille-et-Vilaine|de l'Indre|de l'Isère|du Jura|des Landes|"
    "de la Loire|de la Loire-Atlantique|du Loiret|du Lot|de la Lozère|de Maine-et-Loire|"
    "de la Manche|de la Marne|de la Mayenne|de la Meuse|du Morbihan|de la Moselle|du Nord|"
    "de l'Oise|de l'Orne|du Pas-de-Calais|du Puy-de-Dôme|du Bas-Rhin|du Rhône|de la Sarthe|"
    "de la Savoie|de la Seine-Maritime|des Yvelines|de la Somme|du Tarn|du Var|du Vaucluse|"
    "de la Vendée|de la Vienne|des Vosges|de l'Yonne|de l'Essonne|des Hauts-de-Seine|"
    "de la Seine-Saint-Denis|du Val-de-Marne|du Val-d'Oise").split("|")
REGIONS = ("Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire",
           "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine",
           "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur", "Corse")


def _is_content(word: str) -> bool:
    return len(word) > 3 and not word.isdigit()


def _inflections(word: str) -> list[str]:
    out = []
    if word.endswith(("s", "x")):
        out.append(word[:-1])
    else:
        out.append(word + "s")
    if word.endswith("é"):
        out += [word + "e", word + "es"]
    elif word.endswith("ion"):
        out.append(word[:-3] + "ionnel")
    elif word.endswith("ement"):
        out.append(word[:-5] + "er")
    elif word.endswith("er"):
        out += [word[:-2] + "ement", word[:-2] + "é"]
    return out


class Vocabulary:
    """Words with cumulative weights; draws follow the corpus's frequency distribution."""

    def __init__(self, counts: Counter, inflect: bool) -> None:
        weights = Counter({w: n for w, n in counts.items() if _is_content(w)})
        if inflect:
            for word, n in list(weights.items()):
                for form in _inflections(word):
                    weights[form] += max(n / 4, 0.3)
        self.words = list(weights)
        self.cum = list(accumulate(weights.values()))

    def draw(self, rng: Random) -> str:
        return self.words[bisect(self.cum, rng.random() * self.cum[-1])]


def _substitute(text: str, vocab: Vocabulary, rng: Random, rate: float) -> str:
    parts = WORD.split(text)
    for i in range(1, len(parts), 2):
        word = parts[i]
        if _is_content(word) and rng.random() < rate:
            new = vocab.draw(rng)
            parts[i] = new.capitalize() if word[0].isupper() else new
    return "".join(parts)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _sections(body: str) -> list[str]:
    return [s for s in re.split(r"\n(?=## )", body.strip()) if s.strip()]


class Corpus:
    def __init__(self, data: Path) -> None:
        self.records: list[Record] = load_records(data)
        body_words: Counter = Counter()
        name_words: Counter = Counter()
        for r in self.records:
            body_words.update(w.lower() for w in WORD.findall(r.body))
            body_words.update(w.lower() for w in WORD.findall(r.meta.get("resume", "")))
            name_words.update(w.lower() for w in WORD.findall(r.meta["nom"]))
        self.body_vocab = Vocabulary(body_words, inflect=True)
        self.name_vocab = Vocabulary(name_words + body_words, inflect=False)
        national = Counter((r.administration_id, r.admin.get("type", "autre"))
                           for r in self.records if r.admin.get("type") != "collectivite")
        self.national = list(national)
        self.national_cum = list(accumulate(national.values()))
        self.local = [f"{kind} {c}" for c in CITIES for kind in
                      ("Ville de", "Métropole de", "Centre communal d'action sociale de")]
        self.local += [f"Conseil départemental {d}" for d in DEPARTEMENTS]
        self.local += [f"Région {r}" for r in REGIONS]
        self.etats = Counter(v.get("etat") for r in self.records
                             for v in r.meta["transparence"].values())
        self.admin_files = {p.stem: p for p in default_administrations(data).glob("*.md")}
        self.used_admins: dict[str, dict] = {}

    def administration(self, rng: Random) -> dict:
        """{id, nom, type}: a real national body (its id), or a made-up local authority."""
        if rng.random() < 0.35:
            nom = rng.choice(self.local)
            return {"id": slugify(nom, 60), "nom": nom, "type": "collectivite"}
        ident, kind = self.national[bisect(self.national_cum,
                                           rng.random() * self.national_cum[-1])]
        return {"id": ident, "nom": ident, "type": kind}

    def _outside_markers(self, line: str, rng: Random) -> str:
        """Substitute words of a body line, leaving its citations ``[^cle]`` untouched."""
        parts = re.split(r"(\[\^[^\]\n]+\])", line)
        return "".join(part if part.startswith("[^") else
                       _substitute(part, self.body_vocab, rng, SUBSTITUTION) for part in parts)

    def record(self, rng: Random, i: int) -> tuple[str, str]:
        topic = rng.choice(self.records)
        meta = copy.deepcopy(topic.meta)
        meta["nom"] = _cut(_substitute(topic.meta["nom"], self.name_vocab, rng, 0.3), 200)
        meta["resume"] = _cut(_substitute(topic.meta["resume"], self.body_vocab, rng,
                                          SUBSTITUTION), 400)
        admin = self.administration(rng)
        meta["administration"] = admin["id"]
        meta.pop("remplace_par", None)
        if admin["type"] == "collectivite" and rng.random() < 0.5:
            meta["nom"] = _cut(f"{meta['nom']} — {admin['nom']}", 200)
        self.used_admins[admin["id"]] = admin
        etats, weights = list(self.etats), list(self.etats.values())
        for key, value in meta["transparence"].items():
            if rng.random() < 0.25:
                value["etat"] = rng.choices(etats, weights)[0]
            if value["etat"] in cat.ETATS_WITH_URL and not value.get("url"):
                value["url"] = f"https://example.org/{i}/{key}"
        sections = _sections(topic.body)
        if rng.random() < 0.5:  # a section of another record, without its citations
            sections.append(MARKER.sub("", rng.choice(_sections(rng.choice(self.records).body))))
        body = "\n".join(line if "http" in line or line.startswith("#")
                          else self._outside_markers(line, rng)
                          for line in "\n\n".join(sections).split("\n"))
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
        return f"algo-{i:06d}", f"---\n{front}---\n{body}\n"


def generate(source: Path, target: Path, size: int, seed: int = 20260610) -> None:
    """Write `size` synthetic records into `target`."""
    corpus, rng = Corpus(source), Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for i in range(size):
        ident, text = corpus.record(rng, i)
        (target / f"{ident}.md").write_text(text, encoding="utf-8")
    admins = default_administrations(target)
    admins.mkdir(parents=True, exist_ok=True)
    source_admin = SOURCE_ADMIN
    for ident, admin in corpus.used_admins.items():
        if ident in corpus.admin_files:
            for parent in _parents(corpus.admin_files, ident):
                shutil.copy(corpus.admin_files[parent], admins / f"{parent}.md")
            shutil.copy(corpus.admin_files[ident], admins / f"{ident}.md")
        else:
            meta = {"schema": cat.SCHEMA_VERSION, "nom": admin["nom"], "type": admin["type"],
                    "sources": [source_admin], "citations": {"type": [source_admin["cle"]]}}
            (admins / f"{ident}.md").write_text(record_text(meta, "", cat.ADMINISTRATION),
                                                encoding="utf-8")


def _parents(files: dict[str, Path], ident: str) -> list[str]:
    """The ids of the bodies an administration file is attached to (`parent`), transitively."""
    out, seen = [], {ident}
    while True:
        match = re.search(r'^parent: "?([a-z0-9-]+)"?$', files[ident].read_text(encoding="utf-8"),
                          re.M)
        if not match or match.group(1) in seen or match.group(1) not in files:
            return out
        ident = match.group(1)
        seen.add(ident)
        out.append(ident)


# A made-up local authority of the bench corpus cites this (fictional) page.
SOURCE_ADMIN = {"cle": "corpus", "url": "https://example.org/corpus", "titre": "Corpus de "
                "mesure (administration fictive)", "type": "autre", "consulte_le": "2026-12-07"}
