"""MOTChallenge ground truth for sequence plans: `mot/{split}/{clip}/`

    seqinfo.ini          name, frameRate, seqLength, imWidth, imHeight, imExt
    img1/000001.png      the clip's frames (hard links to the sample images)
    gt/gt.txt            frame, id, bb_left, bb_top, bb_width, bb_height, conf, class, visibility

Frames count from 1. Track ids are stable across a clip: person k of the scene is k + 1,
vehicle k is 1001 + k, waste item k is 2001 + k (plates are not tracked). Boxes are the
amodal boxes (the whole object, occluded parts included, as MOT annotators draw them),
clipped to the image; `visibility` is the visible share; `conf` 1 marks boxes to evaluate
(fully hidden objects get 0); class follows MOT17 (1 pedestrian, 3 car, 10 "occluder on
the ground" for dumped waste, which is static: always conf 0, never a tracking target,
there so a tracker's detections on it are ignored rather than counted false).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twinflash.annotations import CATEGORIES, Annotations
from twinflash.files import link_or_copy

MOT_CLASS = {CATEGORIES["person"]: 1, CATEGORIES["vehicle"]: 3, CATEGORIES["waste"]: 10}
VEHICLE_TRACK_BASE = 1001
WASTE_TRACK_BASE = 2001
_STATIC = {CATEGORIES["waste"]}  # annotated, never evaluated


def track_id(category_id: int, scene_index: int) -> int:
    if category_id == CATEGORIES["person"]:
        return scene_index + 1
    if category_id == CATEGORIES["waste"]:
        return WASTE_TRACK_BASE + scene_index
    return VEHICLE_TRACK_BASE + scene_index


def annotations_to_mot(ann: Annotations, frame: int) -> list[str]:
    """gt.txt lines of one frame (1-based): persons, vehicles and waste in view."""
    w, h = ann.image_wh
    lines = []
    for i in range(len(ann)):
        cid = int(ann.category_id[i])
        if cid not in MOT_CLASS or not np.isfinite(ann.amodal_xyxy[i]).all():
            continue
        x0, y0, x1, y1 = ann.amodal_xyxy[i]
        x0, y0, x1, y1 = max(x0, 0.0), max(y0, 0.0), min(x1, float(w)), min(y1, float(h))
        if x1 <= x0 or y1 <= y0:
            continue  # entirely out of the frame
        tid = track_id(cid, int(ann.attributes[i]["scene_index"]))
        conf = 1 if ann.area[i] > 0 and cid not in _STATIC else 0
        lines.append(
            f"{frame},{tid},{x0:.2f},{y0:.2f},{x1 - x0:.2f},{y1 - y0:.2f},{conf},"
            f"{MOT_CLASS[cid]},{ann.visibility[i]:.4f}"
        )
    return lines


def mot_to_tracks(text: str) -> dict[int, list[tuple[int, np.ndarray, float]]]:
    """{track id: [(frame, xyxy, visibility), ...]} from gt.txt text."""
    tracks: dict[int, list[tuple[int, np.ndarray, float]]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        f, tid, x, y, bw, bh, _conf, _cls, vis = line.split(",")
        box = np.array([float(x), float(y), float(x) + float(bw), float(y) + float(bh)])
        tracks.setdefault(int(tid), []).append((int(f), box, float(vis)))
    return tracks


def write(
    root: Path, split: str, clip: str, frames: list[tuple[Path, Annotations]], fps: float
) -> Path:
    """Write one clip: frames in order as (image path, annotations)."""
    seq = root / split / clip
    lines: list[str] = []
    for k, (image, ann) in enumerate(frames, start=1):
        link_or_copy(image, seq / "img1" / f"{k:06d}.png")
        lines += annotations_to_mot(ann, k)
    (seq / "gt").mkdir(parents=True, exist_ok=True)
    (seq / "gt" / "gt.txt").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    w, h = frames[0][1].image_wh
    (seq / "seqinfo.ini").write_text(
        f"[Sequence]\nname={clip}\nimDir=img1\nframeRate={fps:g}\nseqLength={len(frames)}\n"
        f"imWidth={w}\nimHeight={h}\nimExt=.png\n",
        encoding="utf-8",
    )
    return seq


def read(seq: Path) -> dict[int, list[tuple[int, np.ndarray, float]]]:
    return mot_to_tracks((Path(seq) / "gt" / "gt.txt").read_text(encoding="utf-8"))
