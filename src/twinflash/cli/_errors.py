"""Turn known input errors into one line and exit code 2."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from twinflash.errors import InputError


def run_guarded(app: typer.Typer) -> int:
    try:
        # without standalone mode, click returns typer.Exit's code instead of raising it
        code = app(standalone_mode=False)
    except (InputError, FileNotFoundError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return code if isinstance(code, int) else 0
