"""`run_guarded` (cli/_errors.py): every known error on one line, in flags, with its exit code."""

from __future__ import annotations

import re
import sys

import pytest
import typer
from pydantic import BaseModel, Field

from twinflash.cli._errors import run_guarded
from twinflash.errors import InputError


class _Model(BaseModel):
    height_m: float = Field(gt=0)


def _app() -> typer.Typer:
    app = typer.Typer(name="tool")

    @app.command()
    def fail(kind: str, out: str = typer.Option(..., "--out")) -> None:
        if kind == "input":
            raise InputError(f"`out_dir` {out}: cannot   write\nhere")
        if kind == "missing":
            raise FileNotFoundError(2, "No such file or directory", "/x/scene.yaml")
        if kind == "validation":
            _Model(height_m=-1)
        if kind == "disk":
            raise OSError(28, "No space left on device", "/x/out/image.png")
        if kind == "exit":
            raise typer.Exit(3)
        if kind == "abort":
            raise typer.Abort()
        if kind == "bug":
            raise RuntimeError("a bug shows its traceback")

    @app.command()
    def ok() -> None:
        pass

    return app


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["fail", "input", "--out", "o"], 2, "error: --out o: cannot write here$"),
        (["fail", "missing", "--out", "o"], 2, r"error: \[Errno 2\] No such file or directory: "
                                               r"'/x/scene\.yaml'$"),
        (["fail", "validation", "--out", "o"], 2, "error: _Model: height_m: "),
        (["fail", "disk", "--out", "o"], 1, "error: No space left on device: /x/out/image.png$"),
        (["fail", "exit", "--out", "o"], 3, None),
        (["fail", "abort", "--out", "o"], 130, "aborted"),
        (["fail", "input"], 2, r"error: .*tool fail: Missing option '--out'\. "
                               r"\(see '.*tool fail --help'\)$"),
        (["nope"], 2, r"error: .*tool: No such command 'nope'\."),
        (["ok"], 0, None),
    ],
)  # fmt: skip
def test_known_errors_are_one_line_and_an_exit_code(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    line: str | None,
) -> None:
    monkeypatch.setattr(sys, "argv", ["tool", *args])
    assert run_guarded(_app()) == code
    err = capsys.readouterr().err.splitlines()
    if line is None:
        assert err == []
    else:
        assert len(err) == 1 and re.match(line, err[0]), err


def test_an_unknown_error_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["tool", "fail", "bug", "--out", "o"])
    with pytest.raises(RuntimeError, match="a bug"):
        run_guarded(_app())
