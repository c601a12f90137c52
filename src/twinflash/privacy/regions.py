"""What was found in an image: one small typed record shared by detectors, tracker and sidecars."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np

Kind = Literal["face", "plate"]


@dataclass(frozen=True)
class Region:
    """A face or a plate, box in pixels `xyxy` (x1, y1, x2, y2) of the full image.

    `text` is the best plate reading (empty for faces); `carried` marks a video region blurred
    from an earlier frame's detection because the detector missed it in this frame;
    `rechecked` a plate found only when the blurred photo was searched again.
    """

    kind: Kind
    xyxy: tuple[float, float, float, float]
    score: float
    text: str = ""
    frame: int | None = None
    carried: bool = False
    rechecked: int = 0  # photo: found by the n-th search of the blurred image (0: first pass)

    @property
    def width(self) -> float:
        return self.xyxy[2] - self.xyxy[0]

    @property
    def height(self) -> float:
        return self.xyxy[3] - self.xyxy[1]

    @property
    def center_x(self) -> float:
        return (self.xyxy[0] + self.xyxy[2]) / 2

    def with_frame(self, frame: int, carried: bool = False) -> Region:
        return replace(self, frame=frame, carried=carried)

    def to_json(self, with_text: bool = False) -> dict[str, object]:
        """Plain dict for the sidecar, box rounded to whole pixels.

        The plate text is left out unless `with_text`: a sidecar travels with the blurred
        image, and the text it carries is exactly what the blur hides.
        """
        out = asdict(self)
        out["xyxy"] = [round(v) for v in self.xyxy]
        out["score"] = round(self.score, 4)
        if not with_text:
            del out["text"]
        return out


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two `xyxy` boxes (0 when they do not overlap)."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def coverage(target: tuple[float, ...], cover: tuple[float, ...]) -> float:
    """Share of `target`'s area inside `cover` (1.0 = fully covered)."""
    iw = min(target[2], cover[2]) - max(target[0], cover[0])
    ih = min(target[3], cover[3]) - max(target[1], cover[1])
    area = (target[2] - target[0]) * (target[3] - target[1])
    if iw <= 0 or ih <= 0 or area <= 0:
        return 0.0
    return float(iw * ih / area)


def nms(boxes_xyxy: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Indices kept by non-maximum suppression (OpenCV's implementation, boxes as xywh)."""
    import cv2

    if len(boxes_xyxy) == 0:
        return np.empty(0, dtype=int)
    xywh = boxes_xyxy.astype(float).copy()
    xywh[:, 2:] -= xywh[:, :2]
    keep = cv2.dnn.NMSBoxes(xywh.tolist(), scores.astype(float).tolist(), 0.0, iou_threshold)
    return np.asarray(keep, dtype=int).reshape(-1)
