"""The plate as a ruler: a vehicle's width and height in metres from its photo.

A French plate is 520 x 110 mm. Its corners give the scale in pixels per metre at the
plate's depth; the vehicle's box (its visible outline's extent) divided by that scale
gives the vehicle's size. The scale is taken from the less foreshortened side of the plate
(width against 520 mm, height against 110 mm), as the crops do, so a plate seen at a yaw
does not shrink the ruler.

What it measures, and its bias: the box's height spans the front (at the plate's depth)
to the roof's far edge (a little farther, so a little smaller), which reads the height
slightly low; at a yaw the box's width adds the side of the vehicle, which reads the width
high. `benchmarks/ruler.py` measures both on renders against the catalogue's dimensions.
There is no vehicle detector in twinflash: in service the box must come from the caller.

In the verdict (`CloneChecker.check(..., vehicle_box_xyxy=...)`): a constant bias factor
per dimension is fitted on labelled photos (median truth / estimate), a tolerance on other
honest photos (the largest relative deviation among them, never under
`MIN_TOLERANCE`), both saved as ``ruler.json`` beside the model. A photo whose corrected
size departs from the registered model's catalogue dimensions by more than the tolerance
contradicts the registry whatever the lighting: a van's plate on a city car.
`benchmarks/ruler.py` measured that this raises clone recall at the same false alarms.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from twinflash.errors import InputError
from twinflash.files import atomic_write_text
from twinflash.flash.crops import check_corners

PLATE_WH_M = (0.520, 0.110)
RULER = "ruler.json"
SCHEMA_VERSION = 1
MIN_TOLERANCE = 0.05  # never call a 5 % size difference a contradiction


@dataclass(frozen=True)
class SizeEstimate:
    width_m: float
    height_m: float
    px_per_m: float  # the ruler: the plate's scale at its depth


def px_per_metre(plate_corners_xy: np.ndarray) -> float:
    """Pixels per metre at the plate, from its less foreshortened side."""
    q = check_corners(plate_corners_xy)
    top, bottom = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])
    left, right = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
    return float(max((top + bottom) / 2 / PLATE_WH_M[0], (left + right) / 2 / PLATE_WH_M[1]))


def vehicle_size(plate_corners_xy: np.ndarray, box_xyxy: tuple[float, float, float, float]
                 ) -> SizeEstimate:  # fmt: skip
    """Width and height in metres of the vehicle whose box is `box_xyxy` (pixels)."""
    x0, y0, x1, y1 = (float(v) for v in box_xyxy)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"vehicle box {box_xyxy}: expected x0 < x1 and y0 < y1")
    ppm = px_per_metre(plate_corners_xy)
    return SizeEstimate((x1 - x0) / ppm, (y1 - y0) / ppm, ppm)


@dataclass(frozen=True)
class RulerCalibration:
    """Bias factors and tolerances (width, height), and the photos they came from."""

    bias_wh: tuple[float, float]
    tolerance_wh: tuple[float, float]
    n_fit: int
    n_tolerance: int
    schema_version: int = SCHEMA_VERSION

    def deviation(self, size: SizeEstimate, truth_wh: tuple[float, float]) -> np.ndarray:
        """Relative deviation (width, height) of the corrected estimate from `truth_wh`."""
        est = np.array([size.width_m, size.height_m]) * np.array(self.bias_wh)
        return est / np.array(truth_wh) - 1.0

    def contradicts(self, size: SizeEstimate, truth_wh: tuple[float, float]) -> bool:
        return bool((np.abs(self.deviation(size, truth_wh)) > np.array(self.tolerance_wh)).any())


def calibrate_ruler(
    fit: Sequence[tuple[SizeEstimate, tuple[float, float]]],
    honest: Sequence[tuple[SizeEstimate, tuple[float, float]]],
) -> RulerCalibration:
    """Bias from `fit` (estimate, true width and height), tolerance from other `honest`
    photos (their largest deviation once corrected, at least MIN_TOLERANCE)."""
    if not fit or not honest:
        raise InputError("ruler calibration needs labelled photos with vehicle boxes in both sets")
    ratio = np.array([[t[0] / e.width_m, t[1] / e.height_m] for e, t in fit])
    bias = np.median(ratio, axis=0)
    cal = RulerCalibration((float(bias[0]), float(bias[1])), (1.0, 1.0), len(fit), len(honest))
    dev = np.abs(np.array([cal.deviation(e, t) for e, t in honest]))
    tol = np.maximum(dev.max(axis=0), MIN_TOLERANCE)
    return RulerCalibration(cal.bias_wh, (float(tol[0]), float(tol[1])), len(fit), len(honest))


def save_ruler(cal: RulerCalibration, model_dir: Path) -> Path:
    path = Path(model_dir) / RULER
    atomic_write_text(path, json.dumps(asdict(cal), indent=2) + "\n")
    return path


def load_ruler(model_dir: Path) -> RulerCalibration | None:
    """The model's ruler calibration; None when it has none (the verdict then ignores boxes)."""
    path = Path(model_dir) / RULER
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise InputError(f"{path}: schema_version {doc.get('schema_version')!r}, expected 1")
        bias_w, bias_h = (float(v) for v in doc["bias_wh"])
        tol_w, tol_h = (float(v) for v in doc["tolerance_wh"])
        n_fit, n_tol = int(doc["n_fit"]), int(doc["n_tolerance"])
        return RulerCalibration((bias_w, bias_h), (tol_w, tol_h), n_fit, n_tol)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: malformed ruler calibration ({exc})") from None


@functools.cache
def _catalogue_sizes() -> dict[tuple[str | None, str | None], tuple[float, float]]:
    from twinflash.flash.normalise import normalise_vehicle
    from twinflash.scene.catalog import vehicle_models

    out = {}
    for spec in vehicle_models().values():
        n = normalise_vehicle(spec.make, spec.model)
        out[(n.make, n.model)] = (spec.width_m, spec.height_m)
    return out


def catalogue_size(make: str, model: str) -> tuple[float, float] | None:
    """(width, height) in metres of a registry make/model the scene catalogue knows."""
    from twinflash.flash.normalise import normalise_vehicle

    want = normalise_vehicle(make, model)
    if want.make is None or want.model is None:
        return None
    return _catalogue_sizes().get((want.make, want.model))
