"""Crowds for the people realism check: mixed people laid out so that none occludes another.

Pure math (camera model + random); shared by tests/render/test_people.py and
benchmarks/people_hog.py so the figure in the docs and the test measure the same thing.
"""

from __future__ import annotations

import random

import numpy as np

from twinflash.camera import CameraModel

PLACE = {"road_width_m": 14.0, "sidewalk_width_m": 4.0}
STREET_CAMERA = {
    "x_m": 0.0,
    "y_m": -10.0,
    "height_m": 1.6,
    "yaw_deg": 90.0,
    "pitch_deg": 2.0,
    "focal_length_mm": 35.0,
    "resolution_wh": [1280, 720],
}
CLOTH = [
    "#1f2a44",
    "#8a1c1c",
    "#d8d2c4",
    "#2f5d3a",
    "#c9a227",
    "#5a3d6b",
    "#202020",
    "#7d8a99",
    "#b85c38",
    "#e6e6e6",
    "#3b6ea5",
    "#6b4f3a",
]
HAIR = ["#1b1410", "#4a3020", "#8b6b3d", "#c8c0b0", "#2b1d14"]
SHOES = ["#151515", "#f0f0f0", "#5a3a22", "#303848"]
HALF_WIDTH_M = 0.45  # room kept around each person: stride and arm swing included


def street_crowd(
    seed: int, cam: CameraModel, dist_m: tuple[float, float] = (6.0, 15.0)
) -> list[dict]:
    """Standing and walking people dist_m away, packed left to right with image boxes apart.

    A pedestrian-height camera puts every head near the horizon row, so people who do not
    occlude each other must sit side by side in the image: ~10 per 1280-px frame.
    Returns Person mappings (scene-file form).
    """
    rng = random.Random(seed)
    w, h = cam.resolution_wh
    forward = cam.pixel_ray(np.array([[w / 2, h / 2]]))[0]
    out: list[dict] = []
    cursor = 4.0
    while True:
        dist = rng.uniform(*dist_m)
        age = rng.choices(["adult", "child", "elderly"], [6, 1, 2])[0]
        height = {
            "adult": rng.uniform(1.55, 1.92),
            "child": rng.uniform(1.1, 1.4),
            "elderly": rng.uniform(1.52, 1.78),
        }[age]
        half_px = cam.intrinsics[0, 0] * HALF_WIDTH_M / dist
        ray = cam.pixel_ray(np.array([[cursor + half_px, h / 2]]))[0]
        x, y, _ = cam.position_m + ray * dist / float(ray @ forward)
        corners = np.array(
            [
                [x + dx, y + dy, z]
                for dx in (-HALF_WIDTH_M, HALF_WIDTH_M)
                for dy in (-HALF_WIDTH_M, HALF_WIDTH_M)
                for z in (0.0, height)
            ]
        )
        uv, _ = cam.project(corners)
        if uv[:, 0].max() > w - 4:
            return out
        cursor = uv[:, 0].max() + 4
        out.append(
            {
                "x_m": round(float(x), 3),
                "y_m": round(float(y), 3),
                "heading_deg": round(rng.uniform(0, 360), 1),
                "pose": rng.choice(["standing", "walking"]),
                "height_m": round(height, 3),
                "build": rng.choice(["slim", "average", "heavy"]),
                "age_group": age,
                "skin_tone": rng.randint(1, 10),
                "hair_style": rng.choice(["short", "long", "bald", "bun"]),
                "hair_color": rng.choice(HAIR),
                "top_color": rng.choice(CLOTH),
                "bottom_color": rng.choice(CLOTH),
                "shoe_color": rng.choice(SHOES),
                "stride_phase": round(rng.uniform(0, 1), 3),
            }
        )
