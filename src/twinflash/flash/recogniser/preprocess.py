"""Photo bytes -> network input, the same in training and inference (numpy/OpenCV only).

Grayscale (infra-red) photos are replicated to three channels so one network serves day
and night. Normalisation is EfficientNet-Lite's own, ``(x - 127) / 128`` (its TensorFlow
training; checked in ``tests/flash/test_backbone.py``), recorded in the model card.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from twinflash.errors import InputError

MEAN, STD = 127.0, 128.0


def decode_image(data: bytes, where: str) -> np.ndarray:
    """RGB (or 2-D gray) uint8 array of encoded image bytes; InputError naming `where`."""
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if arr is None or arr.size == 0:
        raise InputError(f"{where}: not a readable image")
    if arr.dtype != np.uint8:  # 16-bit PNG/TIFF from a camera: scale to 8 bits
        arr = cv2.convertScaleAbs(arr, alpha=255.0 / max(1.0, float(arr.max())))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        return arr
    if arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(arr, cv2.COLOR_BGR2RGB)


def read_image(path: Path) -> np.ndarray:
    """Decode a photo file; a missing or corrupt file is one InputError naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode_image(data, str(path))


def to_rgb(image: np.ndarray) -> np.ndarray:
    """Three channels: a gray photo is replicated (the network sees IR as neutral gray)."""
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    return image


def to_input(crops: list[np.ndarray] | np.ndarray, size: int) -> np.ndarray:
    """(N, 3, size, size) float32 network input from uint8 crops (any size, RGB or gray)."""
    out = np.empty((len(crops), 3, size, size), np.float32)
    for i, crop in enumerate(crops):
        rgb = to_rgb(np.asarray(crop))
        if rgb.shape[:2] != (size, size):
            rgb = cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA)
        out[i] = (rgb.astype(np.float32).transpose(2, 0, 1) - MEAN) / STD
    return out
