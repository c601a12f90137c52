"""twinflash.files: one temporary naming and one sweep for every writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twinflash.files import (
    atomic_path,
    atomic_write_text,
    link_or_copy,
    sweep_stale,
    sweep_stale_tree,
    temp_sibling,
)


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


def test_a_file_written_by_name_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "model.onnx"
    target.write_text("old")
    with atomic_path(target, keep_suffix=True) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".onnx") and tmp.name[0] == "."
        tmp.write_text("new")
        assert target.read_text() == "old"  # readers see the old file until the end
    assert target.read_text() == "new"
    with pytest.raises(RuntimeError, match="writer failed"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer failed")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["model.onnx"]


def test_atomic_text_and_link_or_copy(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "sub" / "a.txt", "été")  # the folder is made
    assert (tmp_path / "sub" / "a.txt").read_text(encoding="utf-8") == "été"
    link_or_copy(tmp_path / "sub" / "a.txt", tmp_path / "b.txt")
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "été"
