"""The library names parameters, the command line names flags: the map between them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

import twinflash
from twinflash.cli import app
from twinflash.cli.options import flag_of, in_cli_terms, parse_resolution
from twinflash.errors import InputError

SRC = Path(twinflash.__file__).parent


@pytest.mark.parametrize(
    ("library", "cli"),
    [
        ("`workers`: must be >= 1 (got 0)", "--workers: must be >= 1 (got 0)"),
        ("`threads_per_worker`: must be >= 1", "--threads-per-worker: must be >= 1"),
        ("`n_boot`: must be >= 1 (got 0)", "--bootstrap: must be >= 1 (got 0)"),
        ("p.yaml with `resolution_wh` 8x8: x", "p.yaml with --resolution 8x8: x"),
        ("`clones` needs `truth`, the file", "--clones needs --truth, the file"),
        ("train with `pretrained=False`", "train with --no-pretrained"),
        ("a `Weird Name` and plain words stay", "a `Weird Name` and plain words stay"),
    ],
)
def test_parameters_become_flags(library: str, cli: str) -> None:
    assert in_cli_terms(library) == cli


@pytest.mark.parametrize(
    ("text", "expected"), [(None, None), ("640x480", (640, 480)), (" 32X24 ", (32, 24))]
)
def test_resolution_parses(text: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_resolution(text) == expected


@pytest.mark.parametrize("text", ["big", "640x", "640*480", "-1x5"])
def test_bad_resolution_names_the_flag(text: str) -> None:
    with pytest.raises(InputError, match=r"^--resolution: expected WIDTHxHEIGHT"):
        parse_resolution(text)


def _cli_flags() -> set[str]:
    """Every option of every command, walking the click tree typer builds."""
    flags: set[str] = set()
    todo = [typer.main.get_command(app)]
    while todo:
        command = todo.pop()
        for param in command.params:
            flags.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
        todo.extend(getattr(command, "commands", {}).values())  # a group (typer's own click)
    return flags


def _error_texts() -> list[tuple[str, str]]:
    """(where, literal text) of every InputError raised in the library, outside the CLI."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "cli" in path.relative_to(SRC).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if getattr(node.exc.func, "id", None) != "InputError":
                continue
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((f"{path.relative_to(SRC)}:{node.lineno}", part.value))
    return found


def test_the_library_names_no_flag_and_each_parameter_named_has_one() -> None:
    texts = _error_texts()
    assert len(texts) > 100  # the walk finds the library's errors
    flags = _cli_flags()
    assert {"--workers", "--model", "--out", "--bootstrap"} <= flags
    for where, text in texts:
        assert not re.search(r"(?<![\w-])--(?:[a-z]|$)", text), f"{where}: a flag in {text!r}"
        for name in re.findall(r"`([a-z][a-z0-9_]*(?:=\w+)?)`", text):
            assert flag_of(name).split()[0] in flags, f"{where}: `{name}` has no flag"
