"""`TwoWordGroup`: `A B` goes to the command named "A B" when there is one; everything else,
`A` with any argument included, resolves as before."""

from __future__ import annotations

import typer
from typer.main import get_command

from twinflash.cli.groups import TwoWordGroup


def _app() -> typer.Typer:
    app = typer.Typer(cls=TwoWordGroup, add_completion=False)

    @app.command()
    def audit(dataset: str) -> None:
        typer.echo(f"audit {dataset}")

    @app.command(name="audit compare")
    def audit_compare(a: str, b: str) -> None:
        typer.echo(f"compare {a} {b}")

    return app


def _run(*args: str) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(_app(), list(args))
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_two_words_go_to_the_two_word_command() -> None:
    assert _run("audit", "compare", "x", "y") == "compare x y"


def test_one_word_and_its_arguments_resolve_as_before() -> None:
    assert _run("audit", "data/") == "audit data/"
    assert _run("audit", "./compare") == "audit ./compare"  # a folder named compare


def test_the_usage_line_names_both_words() -> None:
    group = get_command(_app())
    ctx = group.make_context("twinflash", ["audit", "compare", "x", "y"])
    name, command, rest = group.resolve_command(ctx, ["audit", "compare", "x", "y"])
    assert (name, rest) == ("audit compare", ["x", "y"])
    assert command is not None and command.make_context(name, rest, parent=ctx).command_path == (
        "twinflash audit compare"
    )
