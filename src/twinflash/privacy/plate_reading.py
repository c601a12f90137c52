"""Plates found and read for the verdict and `twinflash plate read`: each with alternatives and
a calibrated `confident` flag.

Finding stays `PlateReader.find`'s; reading is `GrammarReader`'s (rectified crops voting,
grammar-constrained decoding, calibrated threshold). `AccusingReader.read` answers as
`PlateReader.read` does (readings best first, each with a text box), so the clone verdict
takes it unchanged, and adds `confident` and the `plate` each reading is an alternative of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twinflash.annotations import xyxy_to_xywh
from twinflash.privacy.plate_ocr import GrammarReader, PlateRead
from twinflash.privacy.plates import PlateReader


@dataclass(frozen=True)
class CalibratedReading:
    """One reading of one plate: `confidence` is its probability among the plate's readings,
    `confident` whether it is the best one and at or above the calibrated threshold."""

    text: str
    format: str
    confidence: float
    confident: bool
    plate: int  # which plate of the photo (0: the surest)
    xyxy: tuple[float, float, float, float]


class AccusingReader:
    """Finds plates with `PlateReader`, reads each with `GrammarReader`."""

    def __init__(self, threads: int = 0) -> None:
        self.finder = PlateReader(threads=threads)
        self.grammar = GrammarReader(threads=threads)

    def plates(
        self,
        rgb: np.ndarray,
        box_xywh: Sequence[float] | None = None,
        corners: object = None,
    ) -> list[PlateRead]:
        """The plate at `corners` (TL, TR, BR, BL), in `box_xywh`, or every plate found;
        only plates read as a valid French plate, surest first. ValueError names a bad
        box or corners."""
        if rgb.ndim == 2:
            rgb = np.repeat(rgb[:, :, None], 3, axis=2)
        if corners is not None:
            found = [self.grammar.read_corners(rgb, corners)]
        elif box_xywh is not None:
            found = [self.grammar.read_box(rgb, box_xywh)]
        else:
            boxes = [xyxy_to_xywh(r.xyxy).tolist() for r in self.finder.find(rgb)]
            found = [self.grammar.read_box(rgb, b) for b in boxes]
        return sorted((p for p in found if p.text is not None), key=lambda p: -p.probability)

    def read(
        self, rgb: np.ndarray, box_xywh: Sequence[float] | None = None
    ) -> list[CalibratedReading]:
        """Every alternative of every plate, most probable first (the verdict's reader)."""
        out = [
            CalibratedReading(a.text, a.format, a.probability, j == 0 and p.confident, i, p.xyxy)
            for i, p in enumerate(self.plates(rgb, box_xywh))
            for j, a in enumerate(p.alternatives)
        ]
        return sorted(out, key=lambda r: (-r.confidence, r.plate))
