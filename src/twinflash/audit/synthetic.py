"""A synthetic audit problem with planted truth, for tests and the benchmark.

Images carry `is_night`, `weather_kind`, `camera_pitch_deg` and `placebo` (a column
with no effect at all); people carry `skin_tone`, `visibility` and a box height. The
fake detector finds each person with probability `p_detect`, times `night_factor` at
night (0.5: half of the detections dropped at night) and times `small_factor` for people
under 80 px tall (1: no size effect), and adds false alarms. Two problems with different
factors are a twin and a "reality" that agree or disagree by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from twinflash.audit.data import AuditDataset, from_coco
from twinflash.audit.models import Detections


def planted_problem(
    n_images: int = 200,
    people_per_image: int = 8,
    seed: int = 0,
    night_factor: float = 0.5,
    p_detect: float = 0.85,
    p_night: float = 0.3,
    false_alarms_per_image: float = 0.5,
    small_factor: float = 1.0,
) -> tuple[AuditDataset, list[Detections]]:
    """(dataset, detections per image) with the planted effects and nothing else."""
    coco, image_rows, dets = planted_coco(
        n_images,
        people_per_image,
        seed,
        night_factor,
        p_detect,
        p_night,
        false_alarms_per_image,
        small_factor,
    )
    return from_coco(coco, image_rows, Path("."), "coco"), dets


def planted_coco(
    n_images: int = 200,
    people_per_image: int = 8,
    seed: int = 0,
    night_factor: float = 0.5,
    p_detect: float = 0.85,
    p_night: float = 0.3,
    false_alarms_per_image: float = 0.5,
    small_factor: float = 1.0,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[Detections]]:
    """The planted problem as files hold it: (COCO dict, image columns per image,
    detections per image)."""
    rng = np.random.default_rng(seed)
    w_img, h_img = 640, 480
    night = rng.random(n_images) < p_night
    image_rows: list[dict[str, Any]] = [
        {
            "is_night": bool(night[i]),
            "weather_kind": str(rng.choice(["clear", "rain", "fog"])),
            "camera_pitch_deg": float(rng.uniform(0, 6)),
            "placebo": str(rng.choice(["a", "b", "c"])),
        }
        for i in range(n_images)
    ]
    n = n_images * people_per_image
    img = np.repeat(np.arange(n_images), people_per_image)
    h = rng.uniform(25, 220, n)
    w = 0.4 * h
    x = rng.uniform(0, w_img - w)
    y = rng.uniform(0, h_img - np.minimum(h, h_img - 1))
    h = np.minimum(h, h_img - y)
    vis = rng.uniform(0.3, 1.0, n)
    tone = rng.integers(1, 11, n)
    p = p_detect * np.where(night[img], night_factor, 1.0) * np.where(h < 80, small_factor, 1.0)
    hit = rng.random(n) < p
    annotations = [
        {
            "id": k + 1,
            "image_id": int(img[k]) + 1,
            "category_id": 1,
            "bbox": [float(x[k]), float(y[k]), float(w[k]), float(h[k])],
            "area": float(w[k] * h[k]),
            "iscrowd": 0,
            "visibility": float(vis[k]),
            "attributes": {"skin_tone": int(tone[k])},
        }
        for k in range(n)
    ]
    coco = {
        "images": [
            {"id": i + 1, "file_name": f"{i:06d}.png", "width": w_img, "height": h_img}
            for i in range(n_images)
        ],
        "annotations": annotations,
        "categories": [{"id": 1, "name": "person"}],
    }
    jitter = rng.normal(0, 0.03, (n, 4)) * np.c_[w, h, w, h]
    boxes = np.c_[x, y, x + w, y + h] + jitter
    scores = rng.uniform(0.55, 1.0, n)
    n_fp = rng.poisson(false_alarms_per_image, n_images)
    dets = []
    for i in range(n_images):
        m = (img == i) & hit
        fx = rng.uniform(0, w_img - 40, n_fp[i])
        fy = rng.uniform(0, h_img - 100, n_fp[i])
        fp_boxes = np.c_[fx, fy, fx + 40, fy + 100]
        dets.append(
            Detections(np.r_[boxes[m], fp_boxes], np.r_[scores[m], rng.uniform(0, 1, n_fp[i])])
        )
    return coco, image_rows, dets
