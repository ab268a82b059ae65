"""The high-risk systems in the shape of a public deployer's entry in the EU database.

Regulation (EU) 2024/1689 (the AI Act), article 49, paragraph 3, and article 71, paragraph 3:
deployers that are public authorities, agencies or bodies register their use of a
high-risk system listed in Annex III in the EU database, with the information of Annex
VIII, Section C (Official Journal of the European Union, L series, 12 July 2024,
https://eur-lex.europa.eu/eli/reg/2024/1689/oj):

1. the name, address and contact details of the deployer;
2. the name, address and contact details of the person submitting information on behalf
   of the deployer;
3. the URL of the entry of the AI system in the EU database by its provider;
4. a summary of the findings of the fundamental rights impact assessment conducted in
   accordance with Article 27;
5. a summary of the data protection impact assessment carried out in accordance with
   Article 35 of Regulation (EU) 2016/679 or Article 27 of Directive (EU) 2016/680 as
   specified in Article 26(8) of this Regulation, where applicable.

The items, their French wording and their source are in the legal table
(``registry.law.aiact.DEPLOYER_REGISTRATION``); this module only fills them from the
records. What the registry does not know is left empty (``null`` in JSON) and named in
``valeurs_inconnues``: never guessed. Systems exported: category ``haut_risque`` whose
registration obligation is not ``sans_objet`` (a system withdrawn before it applies).

Where the values come from: 1 from the administration's record (name, head-office address,
web site); 2 and 3 are never in a record (always unknown); 4 from the note of the record's
``ai_act.obligations.fria`` when the assessment is ``publie``, ``partiel`` or ``obtenu``;
5 from the note of the transparency criterion ``analyse_impact`` in the same states
(``sans_objet``: not applicable, left empty and not unknown).
"""

from __future__ import annotations

from collections.abc import Iterable

from registry import jsonout
from registry.law import aiact
from registry.opendata.exports import EUDB_FILE_NAMES, LICENCE, LIST_SEPARATOR, record_url
from registry.records.model import Record
from registry.spreadsheet import write_csv

FORMATS = ("eudb-csv", "eudb-json")
FILE_NAMES = EUDB_FILE_NAMES
EVIDENCE = ("publie", "partiel", "obtenu")  # states in which a document's summary is known
NOT_APPLICABLE = "sans_objet"
UNKNOWN_COLUMN = "valeurs_inconnues"
ADDRESS_SEPARATOR = ", "

IDENTIFICATION = ("id", "url", "licence", "nom_systeme", "administration",
                  "deployeur_siren", "point_annexe_iii", "point_annexe_iii_libelle",
                  "classification_jugement", "statut", "enregistrement_exigible_le",
                  "enregistrement_etat", "enregistrement_preuve",
                  "analyse_droits_fondamentaux_etat", "analyse_droits_fondamentaux_preuve",
                  "analyse_protection_donnees_etat", "analyse_protection_donnees_preuve")


def item_paths() -> list[str]:
    """Each value of section C as a dotted path (``deployeur.nom``…), in the annex's order."""
    return [f"{i.key}.{part}" if part else i.key
            for i in aiact.DEPLOYER_REGISTRATION for part in (i.parts or ("",))]


def item_column(path: str) -> str:
    """The CSV column of a value: its item number, then its path (``c1_deployeur_nom``)."""
    key = path.split(".")[0]
    number = next(i.number for i in aiact.DEPLOYER_REGISTRATION if i.key == key)
    return f"c{number}_{path.replace('.', '_')}"


def csv_columns() -> list[str]:
    return [*IDENTIFICATION, *(item_column(p) for p in item_paths()), UNKNOWN_COLUMN]


def _ai(meta: dict) -> dict:
    ai = meta.get("ai_act")
    return ai if isinstance(ai, dict) else {}


def _state(item: object) -> dict:
    return item if isinstance(item, dict) else {}


def is_exported(meta: dict) -> bool:
    """High-risk, and registration not « sans objet »."""
    ai = _ai(meta)
    registration = _state((ai.get("obligations") or {}).get("enregistrement"))
    return ai.get("categorie") == "haut_risque" and registration.get("etat") != NOT_APPLICABLE


def selection(record: Record) -> dict | None:
    """The part of a record the export reads (None when the record is not exported): the
    build caches it per record and joins the administrations when it writes the files."""
    meta = record.meta
    if not is_exported(meta):
        return None
    return {"id": record.id, "nom": meta.get("nom", record.id),
            "administration": record.administration_id, "statut": meta.get("statut"),
            "ai_act": _ai(meta),
            "analyse_impact": _state((meta.get("transparence") or {}).get("analyse_impact"))}


def _summary(state: dict) -> str | None:
    note = str(state.get("note") or "").strip()
    return note if state.get("etat") in EVIDENCE and note else None


def _evidence(state: dict) -> str | None:
    return str(state["url"]) if state.get("etat") in EVIDENCE and state.get("url") else None


def _address(admin: dict) -> str | None:
    lines = [str(line) for line in admin.get("adresse") or [] if str(line).strip()]
    return ADDRESS_SEPARATOR.join(lines) if lines else None


def item(selected: dict, admin: dict, site_url: str) -> dict:
    """One system's entry: the section C values (None when unknown), the unknown ones named."""
    ai = selected["ai_act"]
    obligations = ai.get("obligations") or {}
    fria = _state(obligations.get("fria"))
    registration = _state(obligations.get("enregistrement"))
    dpia = selected["analyse_impact"]
    point = aiact.POINTS_BY_KEY.get(str(ai.get("point")))
    values: dict[str, dict | str | None] = {
        "deployeur": {"nom": admin.get("nom") or selected["administration"] or None,
                      "adresse": _address(admin), "coordonnees": admin.get("site_web") or None},
        "declarant": dict.fromkeys(("nom", "adresse", "coordonnees")),
        "url_fiche_fournisseur": None,
        "resume_analyse_droits_fondamentaux": _summary(fria),
        "resume_analyse_protection_donnees": _summary(dpia),
    }
    unknown = [p for p in item_paths() if _value(values, p) is None
               and not (p == "resume_analyse_protection_donnees"
                        and dpia.get("etat") == NOT_APPLICABLE)]
    return {
        "id": selected["id"], "url": record_url(site_url, selected["id"]), "licence": LICENCE,
        "systeme": {"nom": selected["nom"], "point_annexe_iii": point.key if point else None,
                    "point_annexe_iii_libelle": point.label if point else None,
                    "classification_jugement": ai.get("jugement") is not False,
                    "statut": selected.get("statut")},
        "administration": selected["administration"],
        "deployeur_siren": admin.get("siren") or None,
        "enregistrement": {
            "article": aiact.REGISTRATION_ARTICLE,
            "exigible_le": aiact.applies_from(aiact.OBLIGATIONS_BY_KEY["enregistrement"])
            .isoformat(),
            "etat": registration.get("etat", "inconnu"), "preuve": _evidence(registration)},
        "analyse_droits_fondamentaux": {"etat": fria.get("etat", "inconnu"),
                                        "preuve": _evidence(fria)},
        "analyse_protection_donnees": {"etat": dpia.get("etat", "inconnu"),
                                       "preuve": _evidence(dpia)},
        "annexe_viii_section_c": values,
        UNKNOWN_COLUMN: unknown,
    }


def _value(values: dict, path: str) -> object:
    value: object = values
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def csv_row(entry: dict) -> dict[str, str]:
    system = entry["systeme"]
    row = {"id": entry["id"], "url": entry["url"], "licence": entry["licence"],
           "nom_systeme": system["nom"], "administration": entry["administration"],
           "deployeur_siren": entry["deployeur_siren"],
           "point_annexe_iii": system["point_annexe_iii"],
           "point_annexe_iii_libelle": system["point_annexe_iii_libelle"],
           "classification_jugement": "true" if system["classification_jugement"] else "false",
           "statut": system["statut"],
           "enregistrement_exigible_le": entry["enregistrement"]["exigible_le"],
           "enregistrement_etat": entry["enregistrement"]["etat"],
           "enregistrement_preuve": entry["enregistrement"]["preuve"],
           **{f"{name}_{key}": entry[name][key]
              for name in ("analyse_droits_fondamentaux", "analyse_protection_donnees")
              for key in ("etat", "preuve")}}
    for path in item_paths():
        row[item_column(path)] = _value(entry["annexe_viii_section_c"], path)
    row[UNKNOWN_COLUMN] = LIST_SEPARATOR.join(item_column(p) for p in entry[UNKNOWN_COLUMN])
    return {k: "" if v is None else str(v) for k, v in row.items()}


def document(entries: list[dict]) -> dict:
    """The JSON file: what the items are (from the legal table), then one entry per system."""
    return {
        "texte": f"Règlement (UE) 2024/1689, {aiact.REGISTRATION_ARTICLE[:1].lower()}"
                 f"{aiact.REGISTRATION_ARTICLE[1:]}",
        "source": aiact.AI_ACT_URL, "licence": LICENCE,
        "rubriques": [{"numero": i.number, "cle": i.key, "libelle": i.label,
                       "exigence": i.requirement, "valeurs": list(i.parts) or None,
                       "sources": [r.url for r in i.references]}
                      for i in aiact.DEPLOYER_REGISTRATION],
        "systemes": entries,
    }


def export_selected(selections: Iterable[dict], admins: dict[str, dict], fmt: str,
                    site_url: str, bom: bool = False) -> str:
    """The export of already selected records (``selection``), in id order."""
    entries = [item(s, admins.get(s["administration"]) or {}, site_url)
               for s in sorted(selections, key=lambda s: s["id"])]
    if fmt == "eudb-json":
        return jsonout.dumps(document(entries), ensure_ascii=False, indent=1) + "\n"
    if fmt == "eudb-csv":
        return write_csv((csv_row(e) for e in entries), csv_columns(), bom)
    raise ValueError(f"format inconnu « {fmt} » : choisir parmi {', '.join(FORMATS)}")


def export(records: Iterable[Record], admins: dict[str, dict], fmt: str, site_url: str,
           bom: bool = False) -> str:
    """`admins`: each administration's front matter by id (its address and web site)."""
    selections = [s for s in (selection(r) for r in records) if s is not None]
    return export_selected(selections, admins, fmt, site_url, bom)
