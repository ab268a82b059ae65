"""The ``registry`` command line: one group, one module per concern."""

from __future__ import annotations

import importlib

import click

# Each module exposes ``commands``: a list of click commands added to the group.
COMMAND_MODULES = ("records", "site", "coverage", "cada", "quality", "opendata", "contrib",
                   "maintainers", "freeze")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Registre citoyen des algorithmes publics."""


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(f"registry.cli.{_name}").commands:
        main.add_command(_command)
