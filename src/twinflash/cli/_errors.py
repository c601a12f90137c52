"""Turn known input errors into one line and exit code 2, in the command line's terms
(the library names parameters, `in_cli_terms` names their flags).

Usage errors (unknown command or option, a missing or malformed value) come from click;
typer >= 0.20 vendors its own copy of click (`typer._click`), whose exceptions are not
`click.ClickException`, so both families are recognised here.
"""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from twinflash.cli.options import in_cli_terms
from twinflash.errors import InputError


def _click_exception_types() -> tuple[type[BaseException], ...]:
    """The ClickException classes that typer may raise (its vendored click and/or click)."""
    found: list[type[BaseException]] = []
    try:
        from typer._click.exceptions import ClickException as Vendored

        found.append(Vendored)
    except ImportError:  # an older typer uses click itself
        pass
    try:
        import click

        found.append(click.ClickException)
    except ImportError:
        pass
    return tuple(found)


def _usage_line(exc: BaseException) -> str:
    """`error: twinflash render: Missing option '--out'.` on one line."""
    message = " ".join(str(getattr(exc, "format_message", lambda: str(exc))()).split())
    ctx = getattr(exc, "ctx", None)
    where = f"{ctx.command_path}: " if ctx is not None and ctx.command_path else ""
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None and ctx.command_path else ""
    return f"error: {where}{message}{hint}"


def run_guarded(app: typer.Typer) -> int:
    """Run `app` on sys.argv; the exit code, every known error reported on one line."""
    click_errors = _click_exception_types()
    try:
        # without standalone mode, click returns typer.Exit's code instead of raising it
        code = app(standalone_mode=False)
    except InputError as exc:
        print(f"error: {in_cli_terms(' '.join(str(exc).split()))}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # a model validated outside a loader: still one line
        from twinflash.scene.io import format_validation_error

        print(f"error: {format_validation_error(exc.title, exc)}", file=sys.stderr)
        return 2
    except OSError as exc:  # the environment failed us (disk full, permissions): one line
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        return 130
    except click_errors as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
            if exc.format_message().strip():  # type: ignore[attr-defined]
                exc.show()  # type: ignore[attr-defined]
            return 2
        print(_usage_line(exc), file=sys.stderr)
        code = getattr(exc, "exit_code", 2)
        return code if code else 2
    return code if isinstance(code, int) else 0
