"""The `twinflash` command: parse, call a package, print. No logic lives here.

Each area registers its commands from its own module in this package.
"""

from __future__ import annotations

import sys

import typer

from twinflash.cli import audit as _audit
from twinflash.cli import datasets as _datasets
from twinflash.cli import flash as _flash
from twinflash.cli import privacy as _privacy
from twinflash.cli import registry as _registry
from twinflash.cli import render as _render
from twinflash.cli import serve as _serve
from twinflash.cli._errors import run_guarded

app = typer.Typer(
    name="twinflash",
    help="Synthetic Paris streets with exact annotations, model audits, plate/vehicle checks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_render.register(app)
_privacy.register(app)
_datasets.register(app)
_registry.register(app)
_audit.register(app)
_flash.register(app)
_serve.register(app)


def main() -> None:
    """Console entry point: known input errors become one line on stderr and exit 2."""
    sys.exit(run_guarded(app))
