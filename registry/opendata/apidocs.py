"""The documentation of the API for people (the /api page): each operation of the generated
OpenAPI document with its parameters and the fields of its answer, and runnable examples in
curl and Python (standard library only) for search, a record, the coverage and the exports.

Plain Python. The tests run the Python examples against a real server.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.opendata.exports import FILE_NAMES


@dataclass(frozen=True)
class Example:
    ident: str  # anchor on the page
    title: str
    explanation: str
    curl: str
    python: str


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    description: str
    deprecated: bool = False


@dataclass(frozen=True)
class Operation:
    ident: str
    path: str
    summary: str
    parameters: list[dict]
    answer: str  # name of the response schema
    properties: list[Property]


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return "objet " + schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " ou ".join(_type(s) for s in schema["anyOf"])
    kind = schema.get("type", "")
    names = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen",
             "null": "null", "object": "objet", "array": "liste"}
    if kind == "array":
        return "liste de " + _type(schema.get("items", {})).replace("objet ", "")
    if isinstance(kind, list):
        return " ou ".join(names.get(k, k) for k in kind)
    if "enum" in schema:
        return "texte (" + ", ".join(map(str, schema["enum"])) + ")"
    return names.get(kind, kind or "valeur")


def properties(document: dict, name: str) -> list[Property]:
    """The fields of a response schema, in order."""
    schema = document["components"]["schemas"][name]
    return [Property(key, _type(value), value.get("description") or value.get("title", ""),
                     bool(value.get("deprecated")))
            for key, value in schema.get("properties", {}).items()]


def operations(document: dict) -> list[Operation]:
    out = []
    for path, item in document["paths"].items():
        get = item["get"]
        content = get["responses"]["200"].get("content", {})
        schema = next(iter(content.values()))["schema"] if content else {}
        name = schema.get("$ref", "").rsplit("/", 1)[-1]
        props = properties(document, name) if name else []
        out.append(Operation(get["operationId"], path, get["summary"],
                             get.get("parameters", []), name, props))
    return out


def examples(site_url: str, ident: str) -> list[Example]:
    """The examples, for the site at `site_url` and an existing record `ident`."""
    site = site_url.rstrip("/")
    api = f"{site}/api/v1"
    head = ("import json\nfrom urllib.parse import urlencode\nfrom urllib.request import "
            f'urlopen\n\nAPI = "{api}"\n')
    return [
        Example(
            "exemple-recherche", "Chercher des fiches",
            "Les fiches qui parlent de fraude dans le domaine social, cinq par page ; chaque "
            "résultat donne un extrait en texte brut et la position des mots trouvés.",
            f"curl -s '{api}/algorithmes?q=fraude&domaine=social&par_page=5'",
            head + 'query = urlencode({"q": "fraude", "domaine": "social", "par_page": 5})\n'
            'with urlopen(f"{API}/algorithmes?{query}") as response:\n'
            "    page = json.load(response)\n"
            'print(page["total"], "fiches")\n'
            'for hit in page["resultats"]:\n'
            '    words = [hit["extrait_texte"][s["debut"]:s["fin"]] for s in hit["surlignages"]]\n'
            '    print(hit["id"], "-", hit["nom"], words)\n'),
        Example(
            "exemple-fiche", "Lire une fiche",
            "Une fiche entière : tous les champs de son en-tête, son texte en HTML et son "
            "administration.",
            f"curl -s '{api}/algorithmes/{ident}'",
            head + f'with urlopen(f"{{API}}/algorithmes/{ident}") as response:\n'
            "    fiche = json.load(response)\n"
            'print(fiche["nom"])\n'
            'for key, state in fiche.get("transparence", {}).items():\n'
            '    print(key, state["etat"])\n'),
        Example(
            "exemple-couverture", "Les chiffres de la transparence",
            "Chaque critère sur toutes les fiches (« n / N (pourcentage) ») ; ajouter "
            "?date=AAAA-MM-JJ ou ?commit=… donne les chiffres d'une version passée des fiches.",
            f"curl -s '{api}/couverture'",
            head + 'with urlopen(f"{API}/couverture") as response:\n'
            "    figures = json.load(response)\n"
            'for criterion in figures["criteres"]:\n'
            '    print(criterion["libelle"], criterion["tous"]["texte"])\n'),
        Example(
            "exemple-exports", "Télécharger toutes les fiches",
            "Le CSV pour les programmes (virgules, codes) ; le CSV « tableur » et le classeur "
            "XLSX sont faits pour un tableur.",
            f"curl -sO '{site}/exports/{FILE_NAMES['csv']}'\n"
            f"curl -sO '{site}/exports/{FILE_NAMES['tableur-csv']}'",
            "import csv\nimport io\nfrom urllib.request import urlopen\n\n"
            f'with urlopen("{site}/exports/{FILE_NAMES["csv"]}") as response:\n'
            '    rows = list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8")))\n'
            'print(len(rows), "fiches")\n'
            'print(rows[0]["id"], rows[0]["nom"])\n'),
    ]
