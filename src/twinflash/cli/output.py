"""The one way commands print: results on stdout, notes and problems on stderr.

Lines are printed as they are (no markup, no wrapping at the terminal width: a file name is
data and a problem stays one line); a rich renderable (a table) goes through rich. Progress
bars draw on `STDERR`, so that stdout holds results only.
"""

from __future__ import annotations

import typer
from rich.console import Console, RenderableType

STDERR = Console(stderr=True, markup=False, highlight=False, soft_wrap=True, emoji=False)


def echo(message: str | RenderableType = "", *, err: bool = False, label: str = "") -> None:
    """Print a line (`err`: on stderr), after a red `label` such as "failed" if given."""
    if not isinstance(message, str):
        Console(stderr=err, highlight=False).print(message)
        return
    prefix = typer.style(label, fg="red") + " " if label else ""
    typer.echo(prefix + message, err=err)
