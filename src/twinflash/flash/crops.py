"""Vehicle crops anchored on the plate: one scale and one position for every vehicle.

A French plate is a ruler of known size (520 × 110 mm). Warping the photo so that the
plate lands at a fixed place and width in the output gives crops in which every vehicle is
seen at the same scale (in metres per pixel) and position, with no vehicle detector: the
recogniser then compares shapes, not distances to the camera.

The warp is a similarity (rotation, uniform scale, translation): the plate is levelled and
its centre sent to :attr:`CropSpec.plate_center_xy`. A perspective rectification of the
plate would straighten the vehicle's front face but shear everything behind it, so it is
an option, not the default (``mode="perspective"``). The scale is taken from the less
foreshortened of the plate's two sides (width against 520 mm, height against 110 mm): a
plate seen at a yaw keeps its height, one seen from above keeps its width.

When a vehicle box is given instead (a detector's, an annotation's), the box with a margin
is fitted into the output, centred, aspect ratio kept. Pixels outside the photo are padded
(constant ``pad_value``), never an error; :attr:`VehicleCrop.inside` says how much of the
crop came from the photo. Grayscale (infra-red) photos give grayscale crops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np

from twinflash.errors import InputError

PLATE_WH_MM = (520.0, 110.0)
PLATE_ASPECT = PLATE_WH_MM[0] / PLATE_WH_MM[1]
BOX_MARGIN = 0.10  # of the box's longer side, on each side

Mode = Literal["similarity", "perspective"]


@dataclass(frozen=True, slots=True)
class CropSpec:
    """Geometry of a plate-anchored crop, in plate widths (1 pw = 0.52 m).

    The defaults frame a vehicle seen from the front or back: 5 pw (2.6 m) wide and high,
    the plate centre halfway across and at 78% of the height, so the crop reaches ~2 m
    above the plate (a large van's roof) and ~0.6 m below it (the road).
    """

    size_wh: tuple[int, int] = (224, 224)
    width_pw: float = 5.0
    plate_center_xy: tuple[float, float] = (0.5, 0.78)  # fractions of the output size

    def __post_init__(self) -> None:
        w, h = self.size_wh
        if w < 8 or h < 8:
            raise InputError(f"crop size_wh {self.size_wh}: both sides must be >= 8 px")
        if not self.width_pw > 0:
            raise InputError(f"crop width_pw must be > 0 (got {self.width_pw})")

    @property
    def plate_width_px(self) -> float:
        """Width of the plate in the output crop."""
        return self.size_wh[0] / self.width_pw

    @property
    def plate_corners_px(self) -> np.ndarray:
        """(4,2) TL, TR, BR, BL where a level plate lands in the output."""
        cx = self.plate_center_xy[0] * self.size_wh[0]
        cy = self.plate_center_xy[1] * self.size_wh[1]
        hw, hh = self.plate_width_px / 2, self.plate_width_px / PLATE_ASPECT / 2
        return np.array(
            [[cx - hw, cy - hh], [cx + hw, cy - hh], [cx + hw, cy + hh], [cx - hw, cy + hh]]
        )

    def to_json(self) -> dict[str, object]:
        return {
            "size_wh": list(self.size_wh),
            "width_pw": self.width_pw,
            "plate_center_xy": list(self.plate_center_xy),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> CropSpec:
        w, h = (int(v) for v in doc["size_wh"])
        x, y = (float(v) for v in doc["plate_center_xy"])
        return cls(size_wh=(w, h), width_pw=float(doc["width_pw"]), plate_center_xy=(x, y))


@dataclass(frozen=True)
class VehicleCrop:
    """The crop, the 3x3 matrix taking photo pixels to crop pixels, and what anchored it."""

    image: np.ndarray  # (h, w, 3) or (h, w), the photo's dtype
    matrix: np.ndarray  # (3, 3) photo xy -> crop xy (pixel-corner convention)
    anchor: Literal["plate", "box"]
    inside: float  # share of crop pixels that came from the photo, in [0, 1]

    def to_crop(self, xy: np.ndarray) -> np.ndarray:
        """Map (N,2) photo points into the crop."""
        pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        hom = np.c_[pts, np.ones(len(pts))] @ self.matrix.T
        return hom[:, :2] / hom[:, 2:3]


def check_corners(
    corners_xy: np.ndarray | list[list[float]], what: str = "plate corners"
) -> np.ndarray:
    """(4,2) float64 TL, TR, BR, BL of a real quadrilateral, or one InputError saying why not.

    Refused: another shape, non-finite values, a self-crossing or mis-ordered quadrilateral
    (corners not going round clockwise as seen in the image), a plate under 2 px high or 4 px
    wide.
    """
    try:
        q = np.asarray(corners_xy, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what}: not numbers ({exc})") from None
    if q.shape != (4, 2):
        raise InputError(f"{what}: expected 4 (x, y) points TL, TR, BR, BL, got shape {q.shape}")
    if not np.isfinite(q).all():
        raise InputError(f"{what}: non-finite values {q.tolist()}")
    edges = np.roll(q, -1, axis=0) - q
    nxt = np.roll(edges, -1, axis=0)
    turns = edges[:, 0] * nxt[:, 1] - edges[:, 1] * nxt[:, 0]
    if not (turns > 0).all():  # image y points down: clockwise on screen = positive turns
        raise InputError(
            f"{what} {np.round(q, 1).tolist()}: not a convex quadrilateral going TL, TR, BR, BL"
        )
    width = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    if width < 4 or height < 2:
        raise InputError(f"{what}: plate {width:.1f}x{height:.1f} px is too small to measure")
    return q


def corners_from_xyxy(xyxy: tuple[float, float, float, float]) -> np.ndarray:
    """Corners of an axis-aligned plate box (e.g. a PlateReader region)."""
    x0, y0, x1, y1 = (float(v) for v in xyxy)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def plate_matrix(corners_xy: np.ndarray, spec: CropSpec, mode: Mode = "similarity") -> np.ndarray:
    """3x3 matrix sending the plate to its place in the crop (see the module docstring)."""
    q = check_corners(corners_xy)
    if mode == "perspective":
        return cv2.getPerspectiveTransform(
            q.astype(np.float32), spec.plate_corners_px.astype(np.float32)
        ).astype(np.float64)
    if mode != "similarity":
        raise InputError(f"crop mode {mode!r}: expected 'similarity' or 'perspective'")
    top, bottom = q[1] - q[0], q[2] - q[3]
    direction = top / np.linalg.norm(top) + bottom / np.linalg.norm(bottom)
    angle = np.arctan2(direction[1], direction[0])
    width_px = (np.linalg.norm(top) + np.linalg.norm(bottom)) / 2
    height_px = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    plate_px = max(width_px, height_px * PLATE_ASPECT)  # the less foreshortened side
    scale = spec.plate_width_px / plate_px
    c, s = np.cos(-angle) * scale, np.sin(-angle) * scale
    centre = q.mean(axis=0)
    target = np.array(spec.plate_center_xy) * np.array(spec.size_wh)
    rot = np.array([[c, -s], [s, c]])
    t = target - rot @ centre
    return np.array([[rot[0, 0], rot[0, 1], t[0]], [rot[1, 0], rot[1, 1], t[1]], [0, 0, 1.0]])


def box_matrix(
    xyxy: tuple[float, float, float, float], spec: CropSpec, margin: float = BOX_MARGIN
) -> np.ndarray:
    """3x3 matrix fitting the box (plus `margin` of its longer side) into the crop, centred,
    aspect kept (a van's box stays taller than a city car's)."""
    x0, y0, x1, y1 = (float(v) for v in xyxy)
    if not np.isfinite([x0, y0, x1, y1]).all() or x1 - x0 < 2 or y1 - y0 < 2:
        raise InputError(f"vehicle box xyxy {[x0, y0, x1, y1]}: needs x1 > x0 + 2, y1 > y0 + 2")
    pad = margin * max(x1 - x0, y1 - y0)
    bw, bh = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    w, h = spec.size_wh
    scale = min(w / bw, h / bh)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return np.array([[scale, 0, w / 2 - scale * cx], [0, scale, h / 2 - scale * cy], [0, 0, 1.0]])


def _warp(
    image: np.ndarray, matrix: np.ndarray, spec: CropSpec, pad_value: int
) -> tuple[np.ndarray, float]:
    """Warp with OpenCV's pixel-centre convention; `matrix` uses pixel corners."""
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim not in (2, 3) or image.shape[0] < 1 or image.shape[1] < 1:
        raise InputError(f"photo: expected an (h, w) or (h, w, 3) array, got shape {image.shape}")
    shift = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    centred = np.linalg.inv(shift) @ matrix @ shift  # pixel centres in, pixel centres out
    size = (int(spec.size_wh[0]), int(spec.size_wh[1]))
    ones = np.ones(image.shape[:2], np.uint8)
    # every channel: a lone number would be the Scalar (pad_value, 0, 0, 0), a red pad
    pad = (float(pad_value),) * 4
    constant = cv2.BORDER_CONSTANT
    if np.allclose(matrix[2], [0, 0, 1]):
        out = cv2.warpAffine(
            image, centred[:2], size, flags=cv2.INTER_LINEAR, borderMode=constant, borderValue=pad
        )
        seen = cv2.warpAffine(
            ones, centred[:2], size, flags=cv2.INTER_NEAREST, borderMode=constant, borderValue=(0,)
        )
    else:
        out = cv2.warpPerspective(
            image, centred, size, flags=cv2.INTER_LINEAR, borderMode=constant, borderValue=pad
        )
        seen = cv2.warpPerspective(
            ones, centred, size, flags=cv2.INTER_NEAREST, borderMode=constant, borderValue=(0,)
        )
    return out, float(seen.mean())


def crop_vehicle(
    image: np.ndarray,
    *,
    plate_corners_xy: np.ndarray | None = None,
    box_xyxy: tuple[float, float, float, float] | None = None,
    spec: CropSpec | None = None,
    mode: Mode = "similarity",
    pad_value: int = 0,
    box_margin: float = BOX_MARGIN,
) -> VehicleCrop:
    """The vehicle crop: anchored on its box when one is given, else on its plate.

    A photo that is already a vehicle crop is fitted whole with
    ``box_xyxy=(0, 0, w, h), box_margin=0``.

    Shrinking warps are smoothed first (a Gaussian matched to the scale) so a far vehicle
    does not alias into the crop.
    """
    spec = spec or CropSpec()
    if box_xyxy is not None:
        matrix, anchor = box_matrix(box_xyxy, spec, box_margin), "box"
    elif plate_corners_xy is not None:
        matrix, anchor = plate_matrix(plate_corners_xy, spec, mode), "plate"
    else:
        raise InputError("crop_vehicle: give plate_corners_xy or box_xyxy")
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:2, :2]))))
    src = image
    if scale < 0.5:  # anti-alias before a strong downscale
        sigma = 0.5 / scale
        src = cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, sigmaY=sigma)
    out, inside = _warp(src, matrix, spec, pad_value)
    return VehicleCrop(out, matrix, anchor, inside)  # type: ignore[arg-type]
