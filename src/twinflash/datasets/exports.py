"""Rebuild every dataset-level export from the sample directories (atomic writes).

Runs at the end of each generation (and from `twinflash dataset export`-like callers):
the exports only ever reflect complete samples, so a killed run never leaves them stale
or half-written. A sample directory that cannot be read is skipped and recorded in
failures.jsonl, so the next run renders it again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from twinflash.annotations import Annotations
from twinflash.datasets.card import write_card
from twinflash.datasets.plan import Plan
from twinflash.datasets.sampler import clip_frame
from twinflash.datasets.splits import assign_split
from twinflash.datasets.store import DatasetDir, read_sample_coco, sample_name
from twinflash.files import atomic_directory
from twinflash.formats import coco as coco_format
from twinflash.formats import crowd, metadata, mot, vehicles, yolo

log = logging.getLogger(__name__)


def collect(store: DatasetDir, plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(readable samples, corrupt samples) in index order; each sample is a dict with
    index, name, dir, coco, split, row (its metadata image row)."""
    samples, corrupt = [], []
    for i in range(plan.count):
        d = store.sample_dir(i, plan.count)
        if not d.exists():
            continue
        if not store.is_done(i, plan.count):
            corrupt.append({"index": i, "error": f"corrupt sample {d}: incomplete or unreadable"})
            continue
        coco = read_sample_coco(d)
        name = sample_name(i, plan.count)
        row = metadata.image_row(i, name, "", coco)
        cf = clip_frame(plan, i)
        if cf is not None:  # a clip's frames stay together in one split
            row["clip"], row["frame"] = cf
        row["split"] = assign_split(plan.splits, plan.seed, cf[0] if cf else i, row)
        samples.append({"index": i, "name": name, "dir": d, "coco": coco, "row": row})
    return samples, corrupt


def build_all(store: DatasetDir, plan: Plan) -> dict[str, Any]:
    """Write coco/, yolo/, crowd/, vehicles/, splits/, metadata.parquet and the card."""
    samples, corrupt = collect(store, plan)
    last = {}
    for rec in store.read_jsonl(store.failures):
        last[int(rec["index"])] = rec["error"]
    for bad in corrupt:
        if last.get(bad["index"]) != bad["error"]:
            store.append_jsonl(store.failures, bad)
        log.warning(bad["error"])
    splits = sorted({s["row"]["split"] for s in samples})
    root, formats = store.root, plan.exports.formats
    written: dict[str, Any] = {"samples": len(samples), "corrupt": corrupt, "splits": splits}

    with atomic_directory(root / "splits") as tmp:
        for split in splits:
            names = [s["name"] for s in samples if s["row"]["split"] == split]
            (tmp / f"{split}.txt").write_text("".join(n + "\n" for n in names), encoding="utf-8")
    if "coco" in formats:
        with atomic_directory(root / "coco") as tmp:
            for split in splits:
                items = [
                    (s["index"] + 1, f"samples/{s['name']}/image.png", s["coco"])
                    for s in samples
                    if s["row"]["split"] == split
                ]
                coco_format.write(
                    coco_format.merge_coco(items, f"{plan.name} {split}"),
                    tmp / f"instances_{split}.json",
                )
    anns = {s["index"]: coco_format.coco_to_annotations(s["coco"]) for s in samples}
    labelled = [
        (s["row"]["split"], s["name"], s["dir"] / "image.png", anns[s["index"]]) for s in samples
    ]
    if "yolo" in formats:
        with atomic_directory(root / "yolo") as tmp:
            yolo.write(tmp, labelled)
    if "crowd" in formats:
        with atomic_directory(root / "crowd") as tmp:
            crowd.write(tmp, labelled, plan.exports.crowd_sigma_px)
    if "vehicles" in formats:
        n_crops = 0
        with atomic_directory(root / "vehicles") as tmp:
            for s in samples:
                rgb = cv2.cvtColor(cv2.imread(str(s["dir"] / "image.png")), cv2.COLOR_BGR2RGB)
                crops = vehicles.annotations_to_crops(
                    rgb,
                    anns[s["index"]],
                    plan.exports.vehicle_min_box_px,
                    plan.exports.vehicle_min_visibility,
                )
                n_crops += len(vehicles.write(tmp, s["row"]["split"], s["name"], crops))
        written["vehicle_crops"] = n_crops
    if "mot" in formats and plan.sequence is not None:
        _write_mot(root, plan, samples, anns)
    rows: list[dict[str, Any]] = []
    for s in samples:
        rows.append(s["row"])
        rows.extend(metadata.object_rows(s["row"], s["coco"]))
    if rows:
        metadata.write(rows, root / "metadata.parquet")
    write_card(
        root,
        plan.model_dump(mode="json"),
        rows,
        [s["dir"] for s in samples],
        store.current_failures(plan.count),
        plan.exports.contact_sheet,
    )
    written["objects"] = int(np.sum([r["row"] == "object" for r in rows])) if rows else 0
    return written


def _write_mot(
    root: Path, plan: Plan, samples: list[dict[str, Any]], anns: dict[int, Annotations]
) -> None:
    """One MOT sequence per complete clip (a clip with a missing frame is left out)."""
    if plan.sequence is None:
        return
    clips: dict[int, list[dict[str, Any]]] = {}
    for s in samples:
        clips.setdefault(s["row"]["clip"], []).append(s)
    with atomic_directory(root / "mot") as tmp:
        for clip, frames in sorted(clips.items()):
            if len(frames) != plan.sequence.frames:
                log.warning(
                    "clip %d has %d of %d frames: not in mot/",
                    clip,
                    len(frames),
                    plan.sequence.frames,
                )
                continue
            frames.sort(key=lambda s: s["row"]["frame"])
            pairs = [(s["dir"] / "image.png", anns[s["index"]]) for s in frames]
            mot.write(
                tmp, frames[0]["row"]["split"], f"{plan.name}-{clip:05d}", pairs, plan.sequence.fps
            )
