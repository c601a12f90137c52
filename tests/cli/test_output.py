"""`echo`: results on stdout, problems on stderr, lines printed as they are."""

from __future__ import annotations

import pytest
from rich.table import Table

from twinflash.cli.output import echo


def test_lines_go_where_they_are_asked_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    name = "out/[bold]weird[/bold] name " + "x" * 200  # markup and length are data
    echo(name)
    echo("3 samples failed", err=True, label="failed")
    out, err = capsys.readouterr()
    assert out == name + "\n"
    assert err.endswith("failed 3 samples failed\n") and err.count("\n") == 1


def test_a_table_is_rendered_by_rich(capsys: pytest.CaptureFixture[str]) -> None:
    table = Table("split", "images")
    table.add_row("train", "12")
    echo(table)
    out = capsys.readouterr().out
    assert "split" in out and "train" in out and "12" in out and "Table" not in out
