"""`registry init DOSSIER`: the files of a new register (plain Python, no Flask).

A register is a folder with its configuration file (``registre.toml``: site name,
publisher), its records (``data/algorithms/``) and their administrations
(``data/administrations/``), one example of each to copy and then delete, a README and a
``.gitignore`` for what is derived (``instance/``) or private (``state/``). The example is a
real record of this project's own register (the crèche places of Les Lilas), shipped in the
package as ``registry/exemple`` (links to the checkout's files, copied into the wheel).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from registry.paths import PACKAGE

EXAMPLE = PACKAGE / "exemple"


class RegisterExists(ValueError):
    """The target folder is not empty; the message is in French."""


def _toml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def create_register(folder: Path, site_name: str, publisher: str = "") -> list[Path]:
    """Write a new register into `folder` (created; must be empty) and return its files."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise RegisterExists(f"{folder} existe déjà et n'est pas vide : choisissez un dossier "
                             "nouveau ou vide")
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write("registre.toml", "# Réglages du registre (voir la page de configuration de la "
          "documentation).\n"
          f"site_name = {_toml_text(site_name)}\n"
          f"publisher = {_toml_text(publisher)}\n"
          "# site_url = \"https://registre.exemple.fr\"\n"
          "# data = \"data/algorithms\"\n")
    write(".gitignore", "instance/\nstate/\n")
    for kind in ("algorithms", "administrations"):
        examples = sorted((EXAMPLE / kind).glob("*.md"))
        if not examples:
            raise FileNotFoundError(f"{EXAMPLE / kind} : fiche d'exemple absente (paquet "
                                    "incomplet)")
        for source in examples:
            target = folder / "data" / kind / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)  # the content, never a link
            written.append(target)
    write("README.md", f"# {site_name}\n\n"
          "Registre des algorithmes publics construit avec le logiciel du Registre citoyen des "
          "algorithmes publics.\n\n"
          "- `registry build` construit la base et l'index à partir de `data/` ;\n"
          "- `registry serve` sert le site sur http://127.0.0.1:5000 ;\n"
          "- `registry new IDENTIFIANT` crée une fiche à remplir dans `data/algorithms/`, "
          "`registry validate` la vérifie.\n\n"
          "La fiche d'exemple (les places en crèche des Lilas) et son administration sont là "
          "pour montrer le format : remplacez-les par les vôtres.\n")
    return written
