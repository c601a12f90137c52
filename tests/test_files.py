"""twinflash.files: one temporary naming and one sweep for every writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from twinflash.files import sweep_stale, sweep_stale_tree, temp_sibling


def _dead_pid() -> int:
    out = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return int(out)


def test_temporaries_of_dead_writers_are_swept_with_or_without_the_extension(
    tmp_path: Path,
) -> None:
    dead = _dead_pid()
    (tmp_path / "sub").mkdir()
    swept = [
        temp_sibling(tmp_path / "a.mp4", pid=dead, keep_suffix=True),
        temp_sibling(tmp_path / "a.mp4", pid=dead),
        temp_sibling(tmp_path / "sub" / "b.json", pid=dead),
    ]
    kept = [
        temp_sibling(tmp_path / "a.mp4", keep_suffix=True),  # this process: alive
        tmp_path / f".a.mp4.tmp-{dead}-0123abcd.png",  # not the name's own extension
        tmp_path / f".a.mp4.tmp-{dead}-0123abcd-mine",
        tmp_path / f"a.mp4.tmp-{dead}-0123abcd",  # not hidden
    ]
    for path in swept + kept:
        path.write_bytes(b"x")
    assert swept[0].name.endswith(".mp4") and not swept[1].name.endswith(".mp4")
    assert sweep_stale(tmp_path, ["other.mp4"]) == []
    assert sorted(sweep_stale_tree(tmp_path)) == sorted(swept)
    assert all(p.exists() for p in kept)
