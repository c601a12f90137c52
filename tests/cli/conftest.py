"""Run the `twinflash` command in-process, as a user would, and a read-only folder to aim at."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]

    def assert_one_line_error(self, code: int, expected: str) -> None:
        """Exit code, no traceback, exactly one `error:` line containing `expected`."""
        assert "Traceback" not in self.stderr, self.stderr
        assert self.code == code, (self.code, self.stderr)
        assert len(self.error_lines) == 1, self.stderr
        assert expected in self.error_lines[0], self.error_lines[0]


@pytest.fixture
def cli(monkeypatch, capsys):
    """`cli("render", "x.yaml")` runs twinflash's entry point and returns a CliResult."""
    from twinflash.cli import app
    from twinflash.cli._errors import run_guarded

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["twinflash", *map(str, args)])
        code = run_guarded(app)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def readonly_dir(tmp_path):
    """A folder on a read-only file system (root ignores permission bits, so mount one)."""
    mount_point = tmp_path / f"ro-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
