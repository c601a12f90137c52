"""Read Blender's multilayer EXR passes with the OpenImageIO bundled in the bpy wheel."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np


@cache
def _oiio() -> ModuleType:
    """Load the OpenImageIO module that ships inside bpy, without touching sys.path."""
    import bpy

    site = Path(bpy.__file__).parents[3] / "python" / "lib" / "python3.11" / "site-packages"
    found = sorted((site / "OpenImageIO").glob("OpenImageIO*.so"))
    if not found:
        raise RuntimeError(f"OpenImageIO not found in the bpy wheel under {site}")
    spec = importlib.util.spec_from_file_location("OpenImageIO", found[0])
    if spec is None or spec.loader is None:
        raise RuntimeError(f"{found[0]}: not loadable as a Python extension module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_passes(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Return {pass name: (H,W,C) float32} for the requested passes ('Depth', 'Object Index')."""
    oiio = _oiio()
    out: dict[str, np.ndarray] = {}
    first = oiio.ImageBuf(str(path))
    if first.has_error:
        raise RuntimeError(f"{path}: {first.geterror()}")
    for sub in range(first.nsubimages):
        buf = oiio.ImageBuf(str(path), sub, 0)
        parts = buf.spec().channelnames[0].split(".")
        if len(parts) >= 2 and parts[1] in names:
            out[parts[1]] = np.asarray(buf.get_pixels(oiio.FLOAT), dtype=np.float32)
    missing = set(names) - set(out)
    if missing:
        raise RuntimeError(f"{path}: passes {sorted(missing)} missing from the EXR")
    return out
