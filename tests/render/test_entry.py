"""The way into Blender: a spawned worker drops the script folders a parent's bpy left on
sys.path (the render itself: tests/annotate/test_with_blender.py and the pipeline tests)."""

from __future__ import annotations

import os
import sys

import pytest

from twinflash.render import entry


def test_inherited_blender_folders_are_dropped_before_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inner = f"{os.sep}venv{os.sep}bpy{os.sep}5.0{os.sep}scripts{os.sep}modules"
    monkeypatch.setattr(sys, "path", ["/src", inner, "/site-packages"])
    monkeypatch.delitem(sys.modules, "bpy", raising=False)
    entry._drop_inherited_blender_paths()
    assert sys.path == ["/src", "/site-packages"]


def test_nothing_is_dropped_once_bpy_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = f"{os.sep}x{os.sep}bpy{os.sep}scripts"
    monkeypatch.setattr(sys, "path", [inner])
    monkeypatch.setitem(sys.modules, "bpy", object())
    entry._drop_inherited_blender_paths()
    assert sys.path == [inner]  # bpy put its folders there itself
