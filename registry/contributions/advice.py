"""What to do, for a person filling a form, from a validator problem.

The validator speaks to the authors of record files (« sources[0].url : adresse « x »
invalide : une URL http:// ou https:// complète est attendue »). A person filling the
proposal form needs to know what to write instead: « Indiquez une adresse web complète,
qui commence par https:// (ex. https://www.ccomptes.fr/) ». The advice is built from the
catalogue (the field's type, help and example), never from a second list of fields.
"""

from __future__ import annotations

import re

from registry.records import catalogue as cat

_FOLD_INDEX = re.compile(r"\[\d+\]")


def _field(path: str) -> cat.Field | None:
    """The catalogue field of a validator path (indices and criterion keys skipped)."""
    parts = _FOLD_INDEX.sub("", path).split(".")
    fields: tuple[cat.Field, ...] = cat.FIELDS
    found = None
    skip = False
    for part in parts:
        if skip:
            skip = False
            continue
        found = next((f for f in fields if f.key == part), None)
        if found is None:
            return None
        fields, skip = found.children, found.type == cat.ETAT_MAP
    return found


def example(f: cat.Field | None) -> str:
    """« (ex. 2024-03) » from the catalogue's example of a field, or ""."""
    if f is None or f.example is None or isinstance(f.example, bool | dict):
        return ""
    if f.type in (cat.ENUM, cat.BOOL, cat.REF):
        return ""
    value = ", ".join(map(str, f.example)) if isinstance(f.example, list) else str(f.example)
    if f.type == cat.NUMBER and isinstance(f.example, int):
        value = f"{f.example:,}".replace(",", " ")
    return f" (ex. {value})"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!", "»", ")")) else text + "."


def advice(path: str, message: str) -> str:
    """The validator's `message` about `path`, told as what to do."""
    f = _field(path)
    ex = example(f)
    if re.search(r"» (manque|est vide) ;", message):
        if f is not None and f.type in (cat.ENUM, cat.BOOL, cat.REF):
            return "Choisissez une valeur dans la liste."
        if f is not None and f.type == cat.OBJECT_LIST:
            return f"Ajoutez au moins une entrée : {f.help[0].lower() + f.help[1:]}"
        help_text = f.help.rstrip(".") if f else ""
        return _sentence(f"Remplissez ce champ : {help_text[0].lower() + help_text[1:]}{ex}"
                         if help_text else f"Remplissez ce champ{ex}")
    if "n'est pas une valeur autorisée" in message:
        return "Choisissez une valeur dans la liste."
    if message.startswith("date «") or "AAAA" in message and "invalide" in message:
        return ("Écrivez la date en chiffres : l'année (AAAA), le mois (AAAA-MM) ou le jour "
                f"(AAAA-MM-JJ){ex or ' (ex. 2024-03-15)'}.")
    if message.startswith("adresse «"):
        return ("Indiquez une adresse web complète, qui commence par https:// "
                f"(copiez-la depuis la barre d'adresse du navigateur){ex}.")
    if message.startswith("SIREN"):
        return ("Écrivez les 9 chiffres du SIREN, sans espace (ex. 180035024) ; vérifiez-le "
                "sur annuaire-entreprises.data.gouv.fr.")
    if "montant" in message and "attendu" in message or message.startswith("montant «"):
        return "Écrivez un montant en euros, en chiffres (ex. 34 500 000)."
    if message.startswith("délai «"):
        return "Écrivez le délai comme « 2 mois », « 30 jours », « 1 an » ou « aucun »."
    if message.startswith("true ou false"):
        return "Choisissez Oui ou Non."
    if message.startswith("texte trop long"):
        return _sentence("Raccourcissez ce texte : " + message.split("(", 1)[-1].rstrip(")"))
    if message.startswith("citation trop longue"):
        return (f"Gardez seulement le passage qui établit le fait : {cat.MAX_QUOTE_WORDS} mots "
                "au plus.")
    if message.startswith("renvoi") and "source inconnue" in message:
        return ("Indiquez la clé d'une source de la fiche (elle figure dans la rubrique "
                "Sources), ou ajoutez d'abord cette source dans la rubrique Sources.")
    if "n'est citée nulle part" in message:
        return ("Cette source n'appuie aucune information : citez-la dans un champ « Source » "
                "ou retirez-la.")
    if message.startswith("clé «") and "invalide" in message:
        return ("Écrivez une clé courte en minuscules sans accents, chiffres et tirets "
                "(ex. ccomptes-2026-ft).")
    if "déjà utilisée" in message:
        return "Choisissez une autre clé : chaque source de la fiche a la sienne."
    if message == "texte vide":
        return "Écrivez un texte ou laissez le champ entièrement vide."
    return _sentence(message)
