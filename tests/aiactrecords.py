"""A small register of AI Act cases for the tests: real record files, loaded by the real loader."""

from __future__ import annotations

from pathlib import Path

import yaml

from registry.records import catalogue as cat
from tests.recordfactory import with_etats, write_administration, write_record


def ai_section(categorie: str, point: str | None = None, jugement: bool = True,
               **etats: str) -> dict:
    """An `ai_act` section whose obligations have the given states (with evidence or note)."""
    obligations = {}
    for key, etat in etats.items():
        item: dict = {"etat": etat, "source": "essai"}
        if etat in cat.ETATS_WITH_URL:
            item["url"] = f"https://example.org/preuve/{key}"
            item["note"] = f"Résumé : {key} publié par l'administration."
        if etat in cat.ETATS_NEEDING_NOTE:
            item["note"] = "Rien trouvé dans les sources consultées."
        obligations[key] = item
    section: dict = {"systeme_ia": "non" if categorie == "non_concerne" else "oui",
                     "categorie": categorie, "motif": "Cas d'essai.", "jugement": jugement,
                     "source": "essai"}
    if point:
        section["point"] = point
    if obligations:
        section["obligations"] = obligations
    return section


HIGH = "annexe-iii-5-a"
ALL_PUBLISHED = {"fria": "publie", "enregistrement": "publie", "controle_humain": "publie",
                 "information": "publie"}

# id -> (ai_act section, other top-level fields)
CASES: dict[str, tuple[dict, dict]] = {
    "hr-pret": (ai_section("haut_risque", HIGH, jugement=False, **ALL_PUBLISHED), {}),
    "hr-obtenu": (ai_section("haut_risque", "annexe-iii-4-a",
                             **{**ALL_PUBLISHED, "fria": "obtenu"}), {}),
    "hr-partiel": (ai_section("haut_risque", HIGH, **{**ALL_PUBLISHED, "information": "partiel"}),
                   {}),
    "hr-manquante": (ai_section("haut_risque", HIGH, fria="publie", enregistrement="publie",
                                controle_humain="publie"), {}),  # information missing
    "hr-sans-objet": (ai_section("haut_risque", HIGH, **{k: "sans_objet" for k in ALL_PUBLISHED}),
                      {"statut": "abandonne"}),
    "hr-une-sans-objet": (ai_section("haut_risque", "annexe-iii-2",
                                     **{**ALL_PUBLISHED, "information": "sans_objet"}), {}),
    "tr-pret": (ai_section("transparence", "art-50-1", transparence_art50="publie"), {}),
    "tr-inconnu": (ai_section("transparence", "art-50-2", transparence_art50="inconnu"), {}),
    "interdit-en-service": (ai_section("interdit", "art-5-1-c"), {}),
    "interdit-abandonne": (ai_section("interdit", "art-5-1-h"), {"statut": "abandonne"}),
    "minimal": (ai_section("risque_minimal"), {}),
    "hors-champ": (ai_section("hors_champ", "art-2-3"), {}),
    "regles": (ai_section("non_concerne"), {}),
    "a-classer": (ai_section("inconnu"), {}),
}
CONCERNED = {"hr-pret", "hr-obtenu", "hr-partiel", "hr-manquante", "hr-une-sans-objet",
             "tr-pret", "tr-inconnu"}
READY = {"hr-pret", "hr-une-sans-objet", "tr-pret"}
READY_WITH_OBTAINED = READY | {"hr-obtenu"}
EXPORTED = {"hr-pret", "hr-obtenu", "hr-partiel", "hr-manquante", "hr-une-sans-objet"}
SECOND_ADMIN = "ministere-essai"


def write_cases(folder: Path) -> Path:
    """Every case as a record file in `folder` (a subfolder of the test's tmp_path)."""
    for ident, (section, extra) in CASES.items():
        fields = dict(extra)
        if ident == "hr-pret":
            fields["transparence"] = with_etats(analyse_impact="publie")
            fields["transparence"]["analyse_impact"]["note"] = (
                "=HYPERLINK(\"https://example.org\") résumé de l'AIPD")
        if ident == "hr-obtenu":
            fields["administration"] = SECOND_ADMIN
        if ident == "hr-une-sans-objet":
            fields["transparence"] = with_etats(analyse_impact="sans_objet")
        write_record(folder, ident, nom=f"Système {ident}", ai_act=section, **fields)
    write_administration(folder.parent / "administrations", SECOND_ADMIN,
                         nom="Ministère d'essai", adresse=None, site_web="https://example.gouv.fr/",
                         siren="110044013", citations={"site_web": ["essai"]})
    return folder


def set_obligation(path: Path, key: str, etat: str) -> None:
    """Rewrite a record file with one obligation in a new state (with its evidence)."""
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    meta["ai_act"]["obligations"][key] = ai_section("transparence", **{key: etat})[
        "obligations"][key]
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
                    + "---\n" + body, encoding="utf-8")
