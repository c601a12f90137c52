"""The `twinflash` command: parse, call a package, print. No logic lives here.

Each area's module in this package declares its commands on a module-level `app`
(top-level commands, and groups added by name); the root adds every area's `app`.
"""

from __future__ import annotations

import sys

import typer

from twinflash.cli import audit, datasets, flash, privacy, registry, render, serve
from twinflash.cli._errors import run_guarded
from twinflash.cli.groups import TwoWordGroup

app = typer.Typer(
    name="twinflash",
    help="Synthetic Paris streets with exact annotations, model audits, plate/vehicle checks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=TwoWordGroup,  # `twinflash audit compare` beside `twinflash audit DATASET`
)
for area in (render, privacy, datasets, registry, audit, flash, serve):
    app.add_typer(area.app)


def main() -> None:
    """Console entry point: known input errors become one line on stderr and exit 2."""
    sys.exit(run_guarded(app))
