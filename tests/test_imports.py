"""The light packages must not drag heavy engines in at import time."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("bpy", "torch", "ray", "onnxruntime")


@pytest.mark.parametrize(
    "module",
    [
        "twinflash",
        "twinflash.scene",
        "twinflash.scene.io",
        "twinflash.annotate",
        "twinflash.flash.plates",
        "twinflash.camera",
        "twinflash.frame",
        "twinflash.cli",
    ],
)
def test_light_import(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing {module} imported {out.stdout.strip()}"
