"""Example failures as image crops: missed people red, false detections orange, matches
green (ignored regions grey, dashed in spirit: thin). Crops are PNG bytes; the report
embeds them as base64, the JSON lists what each shows."""

from __future__ import annotations

import logging
from typing import Any

import cv2
import numpy as np

from twinflash.audit.data import AuditDataset
from twinflash.audit.result import FailureExample
from twinflash.audit.tasks import DetectionOutput
from twinflash.errors import InputError

log = logging.getLogger(__name__)
RED, ORANGE, GREEN, GREY = (220, 30, 30), (255, 140, 0), (40, 170, 60), (150, 150, 150)
CROP_MIN_PX = 160


def _crop_around(box: np.ndarray, wh: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(x1 - x0, y1 - y0, CROP_MIN_PX / 2) * 1.0
    c0, r0 = int(max(0, cx - half)), int(max(0, cy - half))
    c1, r1 = int(min(wh[0], cx + half)), int(min(wh[1], cy + half))
    return c0, r0, c1, r1


def _draw(rgb: np.ndarray, boxes: list[tuple[np.ndarray, tuple[int, int, int], int]]) -> None:
    for box_f, colour, thick in boxes:
        box = [float(v) for v in box_f]
        p0 = (round(box[0]), round(box[1]))
        p1 = (round(box[2]) - 1, round(box[3]) - 1)
        cv2.rectangle(rgb, p0, p1, colour, thick)


def detection_failures(
    ds: AuditDataset, out: DetectionOutput, limit: int = 12
) -> list[FailureExample]:
    """Crops centred on missed people (most of them) and on false detections."""
    match, rows, ignored, thr = out.match, out.gt_rows, out.gt_ignored, out.threshold
    gt_xyxy = out.gt_xyxy
    gt_img = ds.object_image[rows]
    found = match.gt_score >= thr
    above = match.det_score >= thr
    fp = above & ~match.det_tp & ~match.det_ignored
    missed = np.flatnonzero(~found & ~ignored)
    # largest misses first (a missed tall person is the clearest failure), one per image
    missed = missed[np.argsort(-(gt_xyxy[missed, 3] - gt_xyxy[missed, 1]), kind="stable")]
    picks: list[tuple[str, int, np.ndarray]] = []
    used: set[int] = set()
    for g in missed:
        if len(picks) >= limit * 2 // 3:
            break
        if gt_img[g] not in used:
            used.add(int(gt_img[g]))
            picks.append(("missed", int(gt_img[g]), gt_xyxy[g]))
    for d in np.flatnonzero(fp)[np.argsort(-match.det_score[fp], kind="stable")]:
        if len(picks) >= limit:
            break
        if match.det_image[d] not in used:
            used.add(int(match.det_image[d]))
            picks.append(("false detection", int(match.det_image[d]), match.det_xyxy[d]))
    examples: list[FailureExample] = []
    for kind, i, box in picks:
        try:
            rgb = ds.load_image(i).copy()
        except InputError as exc:
            log.warning("failure examples skipped: %s", exc)
            return examples
        g = gt_img == i
        d = (match.det_image == i) & above
        _draw(rgb, [(b, GREY, 1) for b in gt_xyxy[g & ignored]])
        _draw(rgb, [(b, GREEN, 2) for b in gt_xyxy[g & found & ~ignored]])
        _draw(rgb, [(b, GREEN, 1) for b in match.det_xyxy[d & match.det_tp]])
        _draw(rgb, [(b, ORANGE, 2) for b in match.det_xyxy[d & ~match.det_tp & ~match.det_ignored]])
        _draw(rgb, [(b, RED, 2) for b in gt_xyxy[g & ~found & ~ignored]])
        c0, r0, c1, r1 = _crop_around(box, (rgb.shape[1], rgb.shape[0]))
        ok, png = cv2.imencode(".png", cv2.cvtColor(rgb[r0:r1, c0:c1], cv2.COLOR_RGB2BGR))
        if not ok:
            continue
        row = {k: _plain(v[i]) for k, v in ds.images.items()}
        examples.append(
            FailureExample(
                kind=kind,
                file_name=ds.file_names[i],
                box_xyxy=[float(v) for v in box],
                crop_xyxy=[c0, r0, c1, r1],
                png=png.tobytes(),
                caption=_caption(kind, box, row),
            )
        )
    return examples


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def _caption(kind: str, box: np.ndarray, row: dict[str, Any]) -> str:
    keys = ("is_night", "weather_kind", "hour", "camera_pitch_deg", "camera_height_m")
    facts = [
        f"{k}={row[k]:.3g}" if isinstance(row.get(k), float) else f"{k}={row[k]}"
        for k in keys
        if k in row and row[k] is not None
    ]
    return f"{kind}, {box[3] - box[1]:.0f} px tall; {row.get('file_name')}; " + ", ".join(facts)
