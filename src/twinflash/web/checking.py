"""Which clone checker the service uses, and the registry lookup it is given.

With a recogniser model directory configured (`serve --model DIR`, $TWINFLASH_MODEL_DIR),
cases are judged by the real verdict, `twinflash.flash.verdict.CloneChecker`, against the
registry in the service's database. Without one (the demo), a stand-in driven by the
manifest's expected values is used, and every one of its reasons says so.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from twinflash.web.standin import Checker, Expected, StandinChecker

XYXY = tuple[float, float, float, float]

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def registry_lookup(db_url: str):  # -> Callable[[str], dict | None] | None
    """A lookup in the vehicle registry sharing the service's database, if it holds one.

    Opened once per process and URL (an engine per batch would leak connections); a
    registry imported while the service runs is seen after its restart.
    """
    try:
        from twinflash.flash.registry import Registry

        reg = Registry.open(db_url, create=False)
    except Exception as exc:  # no registry in this database: the checker does without
        log.info("no vehicle registry at the service's database (%s)", exc)
        return None

    def lookup(plate: str) -> dict[str, str] | None:
        try:
            rec = reg.lookup(plate)
        except ValueError:  # malformed plate
            return None
        if rec is None or rec.make is None:
            return None
        return {"make": rec.make, "model": rec.model or "", "body": rec.body or ""}

    return lookup


@functools.lru_cache(maxsize=2)
def clone_checker(model_dir: Path, db_url: str) -> Checker:
    """The real verdict, loaded once per process (the model and the reader are costly)."""
    from twinflash.flash.registry import Registry
    from twinflash.flash.verdict import CloneChecker

    return CloneChecker(model_dir, Registry.open(db_url, create=False))


def make_checker(
    expected: Mapping[str, Expected], db_url: str, model_dir: Path | None = None
) -> Checker:
    """The checker for one batch: the real verdict when a model is configured."""
    if model_dir is not None:
        return clone_checker(Path(model_dir), db_url)
    return StandinChecker(expected, registry_lookup(db_url))


def vehicle_view(checker: Checker, rgb: np.ndarray, plate_xyxy: XYXY | None) -> np.ndarray | None:
    """What the recogniser looked at (its plate-anchored crop) cut from `rgb`, or None for
    the stand-in or a photo without a plate. Pass the faces-blurred photo: the crop shows the
    windscreen. Anchored on the verdict's plate box, it is the recogniser's exact input
    when the plate was framed from the reader's text line (the usual path), else close."""
    recogniser = getattr(checker, "recogniser", None)
    if recogniser is None or plate_xyxy is None:
        return None
    x1, y1, x2, y2 = plate_xyxy
    corners = np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], dtype=np.float64)
    return recogniser.crop(rgb, plate_corners_xy=corners)[0]
