"""The ``registry`` command line: one group, one module per concern."""

from __future__ import annotations

import importlib
import sys

import click

from registry.config import ConfigError

# Each module exposes ``commands``: a list of click commands added to the group.
COMMAND_MODULES = ("records", "site", "coverage", "cada", "quality", "opendata", "contrib",
                   "maintainers", "freeze")


class _Group(click.Group):
    """Every command: a configuration file that cannot be used is explained, not traced."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Registre des algorithmes publics : fiches, site, lettres, données ouvertes."""


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(f"registry.cli.{_name}").commands:
        main.add_command(_command)
