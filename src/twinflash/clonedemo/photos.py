"""Speed-camera photos of catalogue vehicles with exact plate corners, rendered resumably.

One photo per (round, model, condition) cell, one flashed vehicle each. Conditions are
``day`` (colour, late morning), ``night_ir`` (the ``speed_camera_ir`` look) and ``rain``
(colour, afternoon rain); the camera height (0.8-1.4 m), its distance to the vehicle (8-12
m, through a fixed lens: farther is smaller), the vehicle's heading (the angle, +-12 deg),
colour, place and plate are drawn per photo from a seeded generator. The split
of a photo follows its round (:data:`SPLITS`), so stopping between rounds leaves every
model and condition in every split it reached.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.errors import InputError
from twinflash.flash.plates import random_siv

# Kinds of clone covered by the default five: Clio/Mégane (same make, same body), Clio/208
# (same body, other make), 3008 (suv) and Master (large van) against the rest (other body).
DEFAULT_MODELS = ("renault_clio_5", "renault_megane_4", "peugeot_208_2", "peugeot_3008_2",
                  "renault_master_3")  # fmt: skip
CONDITIONS: dict[str, dict[str, str]] = {
    "day": {"preset": "speed_camera", "time": "11:00:00", "weather": "clear"},
    "night_ir": {"preset": "speed_camera_ir", "time": "23:30:00", "weather": "clear"},
    "rain": {"preset": "speed_camera", "time": "15:00:00", "weather": "rain"},
}
COLOURS = ("#1e3a5f", "#a01818", "#d9d9d9", "#202020", "#f2f2f2", "#6b6b6b", "#2e5e3a")
# Split by round: round 0 trains, 1 is the fresh batch, 2 calibrates the thresholds, ...
SPLITS = ("train", "test", "cal", "train", "val", "train", "test", "cal")
MAX_ANGLE_DEG = 12.0
# A fixed lens (36 mm sensor) and a trigger distance drawn per photo, as on a real speed
# camera: at 9 m a Clio fills about half the width; at 12 m its plate is 3/4 the size.
DISTANCE_M = (8.0, 12.0)
LENS_MM = 70.0
CORNER_COLS = ("tl_x", "tl_y", "tr_x", "tr_y", "br_x", "br_y", "bl_x", "bl_y")


@dataclass(frozen=True)
class Photo:
    """One rendered photo and its truth (from the scene and its annotations)."""

    name: str
    path: str  # image, relative to the demo folder
    vehicle: str  # catalogue key
    make: str
    model: str
    condition: str
    split: str
    plate: str
    corners_xy: tuple[tuple[float, float], ...]  # TL, TR, BR, BL in pixels
    box_xywh: tuple[float, float, float, float]  # the flashed vehicle's visible box
    angle_deg: float  # |heading - 180|: 0 is head-on
    camera_height_m: float
    distance_m: float  # camera to plate

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def scene_dict(vehicle: str, condition: str, seed: int, size_wh: tuple[int, int],
               samples: int) -> dict[str, Any]:  # fmt: skip
    """The scene of one photo; every drawn value comes from (vehicle, condition, seed)."""
    rng = random.Random(f"clones:{vehicle}:{condition}:{seed}")
    c = CONDITIONS[condition]
    return {
        "name": f"{vehicle}_{condition}_{seed}",
        "seed": seed,
        "place": {"kind": "street", "layout_seed": rng.randrange(30), "zebra_crossing_x_m": None},
        "vehicles": [{
            "model": vehicle, "x_m": rng.uniform(-4, 4), "y_m": 2.25,
            "heading_deg": 180 + rng.uniform(-MAX_ANGLE_DEG, MAX_ANGLE_DEG),
            "color": rng.choice(COLOURS), "plate_text": random_siv(rng),
        }],
        "light": {"date": "2026-09-12", "local_time": c["time"], "cloud_cover": 0.3},
        "weather": {"kind": c["weather"]},
        "camera": {"preset": c["preset"], "target_vehicle": 0, "resolution_wh": list(size_wh),
                   "height_m": round(rng.uniform(0.8, 1.4), 2),
                   "distance_m": round(rng.uniform(*DISTANCE_M), 2), "focal_length_mm": LENS_MM},
        "quality": {"preset": "custom", "samples": samples},
    }  # fmt: skip


def cells(
    vehicles: Sequence[str], conditions: Sequence[str], rounds: int
) -> list[tuple[int, str, str]]:
    """(round, vehicle, condition) in rendering order: round by round."""
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise InputError(f"conditions {unknown}: unknown; known: {', '.join(CONDITIONS)}")
    return [(k, v, c) for k in range(rounds) for v in vehicles for c in conditions]


def photo_from_render(folder: Path, root: Path, split: str, condition: str) -> Photo:
    """The truth of a rendered folder (scene.yaml + annotations.json of `render_to_dir`)."""
    coco = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    image = coco["images"][0]
    scene = image["scene"]
    car = scene["vehicles"][0]
    anns = coco["annotations"]
    try:
        vehicle = next(a for a in anns if a["attributes"].get("scene_index") == 0
                       and "make" in a["attributes"])  # fmt: skip
        plate = next(a for a in anns if a.get("vehicle_id") == vehicle["id"] and a.get("corners"))
    except StopIteration:
        raise InputError(f"{folder}: the flashed vehicle or its plate is not visible") from None
    corners = tuple((round(x, 2), round(y, 2)) for x, y in plate["corners"])
    return Photo(
        name=folder.name, path=str((folder / "image.png").relative_to(root)),
        vehicle=car["model"], make=vehicle["attributes"]["make"],
        model=vehicle["attributes"]["model"], condition=condition, split=split,
        plate=plate["text"], corners_xy=corners,
        box_xywh=tuple(vehicle["bbox"]), angle_deg=round(abs(car["heading_deg"] - 180.0), 2),
        camera_height_m=scene["camera"]["height_m"], distance_m=round(plate["distance_m"], 2),
    )  # fmt: skip


def rendered_photos(root: Path) -> list[Photo]:
    """Every photo already rendered under `root/photos/` (folders named
    ``<vehicle>_<condition>_<round>``), e.g. for a benchmark on a demo's renders."""
    photos = []
    folders = sorted(root.glob("photos/*/annotations.json"))
    for folder in (f.parent for f in folders):
        head, _, k = folder.name.rpartition("_")
        condition = next((c for c in CONDITIONS if head.endswith(f"_{c}")), None)
        if condition is None or not k.isdigit():
            continue
        photos.append(photo_from_render(folder, root, SPLITS[int(k) % len(SPLITS)], condition))
    return photos


Progress = Callable[[int, int, str], None]


def render_photos(
    root: Path,
    vehicles: Sequence[str],
    conditions: Sequence[str],
    rounds: int,
    size_wh: tuple[int, int],
    samples: int,
    progress: Progress | None = None,
    test_size: tuple[tuple[int, int], int] | None = None,
) -> list[Photo]:
    """Render the photos missing under `root/photos/` (one folder each) and return all.

    `test_size`: (resolution, samples) of the fresh batch's photos (split ``test``) and of
    the calibration photos (``cal``: the thresholds bound false alarms on photos like
    those they were set on), when they differ: a speed camera's photo is large enough to
    read its plate, while the recogniser's crops can come from smaller renders. A folder
    is written whole or not at all (`render_to_dir`), so a killed run leaves only finished
    photos, and the next run renders the rest."""
    from twinflash.pipeline import render_to_dir
    from twinflash.scene.io import parse_scene

    todo = cells(vehicles, conditions, rounds)
    photos = []
    for i, (k, vehicle, condition) in enumerate(todo):
        folder = root / "photos" / f"{vehicle}_{condition}_{k}"
        if progress:
            progress(i, len(todo), folder.name)
        split = SPLITS[k % len(SPLITS)]
        big = split in ("test", "cal")  # thresholds: set on photos like the checked ones
        wh, n = test_size if test_size is not None and big else (size_wh, samples)
        if not (folder / "annotations.json").is_file():
            scene = parse_scene(scene_dict(vehicle, condition, k, wh, n))
            render_to_dir(scene, folder)
        photos.append(photo_from_render(folder, root, split, condition))
    if progress:
        progress(len(todo), len(todo), "")
    return photos


CAL_SEED = 10_000  # extra calibration photos: seeds far from the demo's rounds


def render_calibration(
    root: Path,
    vehicles: Sequence[str],
    conditions: Sequence[str],
    n_photos: int,
    size_wh: tuple[int, int],
    samples: int,
    progress: Progress | None = None,
) -> list[Photo]:
    """`n_photos` extra honest calibration photos under `root/cal/` (same models,
    conditions and draws as the demo's, other seeds), rendered if missing, round by round.

    Why: the thresholds certify a false-alarm rate only as far as their honest photos
    allow (2,995 with no false alarm for 1 in 1,000 at 95 %); the demo's own cal split is
    15 photos."""
    from twinflash.pipeline import render_to_dir
    from twinflash.scene.io import parse_scene

    rounds = -(-n_photos // (len(vehicles) * len(conditions)))
    todo = cells(vehicles, conditions, rounds)[:n_photos]
    photos = []
    for i, (k, vehicle, condition) in enumerate(todo):
        folder = root / "cal" / f"{vehicle}_{condition}_cal{k}"
        if progress:
            progress(i, len(todo), folder.name)
        if not (folder / "annotations.json").is_file():
            scene = scene_dict(vehicle, condition, CAL_SEED + k, size_wh, samples)
            render_to_dir(parse_scene(scene), folder)
        photos.append(photo_from_render(folder, root, "cal", condition))
    if progress:
        progress(len(todo), len(todo), "")
    return photos


def write_train_manifest(path: Path, photos: Sequence[Photo], split: str | None) -> None:
    """A `flash train` manifest in the demo folder (exact plate corners);
    `split` None: each photo's own split; "": no split column (calibration)."""
    from twinflash.files import atomic_text

    with atomic_text(path, "manifest") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "make", "model", *CORNER_COLS, *(["split"] if split != "" else [])])
        for p in photos:
            own = [p.split if split is None else split] if split != "" else []
            w.writerow([p.path, p.make, p.model, *np.ravel(p.corners_xy), *own])
