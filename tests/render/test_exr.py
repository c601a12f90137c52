"""Reading Blender's multilayer EXR passes (written here with the same bundled OpenImageIO)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.render.exr import _oiio, read_passes

pytestmark = pytest.mark.blender


def _write(path: Path, passes: dict[str, np.ndarray]) -> None:
    """One subimage per pass, channels named `ViewLayer.<pass>.<channel>` as Blender does."""
    oiio = _oiio()
    specs = []
    for name, arr in passes.items():
        spec = oiio.ImageSpec(arr.shape[1], arr.shape[0], arr.shape[2], oiio.FLOAT)
        spec.channelnames = tuple(f"ViewLayer.{name}.{c}" for c in "XYZ"[: arr.shape[2]])
        spec.attribute("name", f"ViewLayer.{name}")
        specs.append(spec)
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), specs)
    for k, (spec, arr) in enumerate(zip(specs, passes.values(), strict=True)):
        if k:
            assert out.open(str(path), spec, "AppendSubimage")
        assert out.write_image(arr.astype(np.float32))
    out.close()


def test_the_asked_passes_come_back_as_written(tmp_path: Path) -> None:
    depth = np.arange(12, dtype=np.float32).reshape(3, 4, 1)
    index = np.full((3, 4, 1), 7.0, np.float32)
    _write(
        tmp_path / "p.exr", {"Depth": depth, "Object Index": index, "Normal": np.zeros((3, 4, 3))}
    )
    got = read_passes(tmp_path / "p.exr", ("Depth", "Object Index"))
    assert set(got) == {"Depth", "Object Index"}
    assert np.array_equal(got["Depth"], depth) and np.array_equal(got["Object Index"], index)


def test_a_missing_pass_or_file_is_named(tmp_path: Path) -> None:
    _write(tmp_path / "p.exr", {"Depth": np.zeros((2, 2, 1))})
    with pytest.raises(RuntimeError, match=r"p\.exr: passes \['Object Index'\] missing"):
        read_passes(tmp_path / "p.exr", ("Depth", "Object Index"))
    with pytest.raises(RuntimeError, match=r"absent\.exr"):
        read_passes(tmp_path / "absent.exr", ("Depth",))
