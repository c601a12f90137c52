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
        "twinflash.annotations",
        "twinflash.formats.coco",
        "twinflash.formats.metadata",
        "twinflash.flash.plates",
        "twinflash.flash.crops",
        "twinflash.flash.verdict",
        "twinflash.flash.thresholds",
        "twinflash.flash.recogniser.data",
        "twinflash.flash.recogniser.calibrate",
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


@pytest.mark.parametrize(
    "module",
    [
        "twinflash.flash.recognise",
        "twinflash.cli.flash",
        "twinflash.flash.verdict",
        "twinflash.flash.thresholds",
    ],
)
def test_inference_does_not_import_torch(module: str) -> None:
    """Recognition runs on onnxruntime; torch is for training only."""
    code = f"import sys, {module}\nprint('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"importing {module} imported torch"


@pytest.mark.parametrize(
    "module",
    ["twinflash.datasets.generate", "twinflash.datasets.executors", "twinflash.cli.datasets"],
)
def test_datasets_import_without_blender_or_ray(module: str) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; print([m for m in ('bpy', 'ray') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
