"""`metadata.parquet`: one row per image and one per object, ready for slicing.

Image rows (`row = "image"`) hold every scene value flattened as `<section>_<field>`
(`weather_kind`, `light_local_time`, `camera_height_m`, `place_layout_seed`...), the
derived values (`sun_elevation_deg`, `is_night`, `hour`) and counts. Object rows
(`row = "object"`) repeat the image columns and add the object's own: `category`,
`instance_id`, `visible`, box (`box_x0`...`box_height_px`), `visibility`, `distance_m`,
`head_visible`, and its attributes as columns (`pose`, `skin_tone`, `build`, `age_group`,
`height_m`, `make`, `model`, `body_type`, `color`, `text`...).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from twinflash.annotations import CATEGORIES, CATEGORY_NAMES
from twinflash.files import atomic_write_bytes

SCENE_SECTIONS = ("place", "light", "weather", "camera", "quality")
# what the renderer adds to each image (`Frame.scene_values`, annotations.json "derived")
DERIVED_COLUMNS = ("sun_elevation_deg", "sun_azimuth_deg", "is_night", "is_twilight")


def _hour(local_time: str) -> float:
    h, m, s = (float(p) for p in [*local_time.split(":"), "0", "0"][:3])
    return round(h + m / 60 + s / 3600, 4)


def image_row(index: int, name: str, split: str, coco: dict[str, Any]) -> dict[str, Any]:
    """The image row of a one-image COCO dict (its scene, derived values and counts)."""
    image = coco["images"][0]
    scene = image["scene"]
    row: dict[str, Any] = {
        "row": "image",
        "index": index,
        "sample": name,
        "split": split,
        "file_name": f"samples/{name}/image.png",
        "width": image["width"],
        "height": image["height"],
        "scene_seed": scene["seed"],
    }
    for section in SCENE_SECTIONS:
        for key, value in scene[section].items():
            if key == "effects":
                for k, v in value.items():
                    row[f"camera_effects_{k}"] = v
            elif key == "resolution_wh":
                row["camera_width"], row["camera_height"] = value
            elif key == "map":
                continue  # an osm place's buildings and roads: in scene.yaml, not a column
            elif key in ("centre", "lat_lon"):  # osm place centre, camera mast position
                lat, lon = value if value is not None else (None, None)
                row[f"{section}_lat"], row[f"{section}_lon"] = lat, lon
            else:
                row[f"{section}_{key}"] = value
    row["hour"] = _hour(scene["light"]["local_time"])
    row |= image.get("derived", {})
    anns = coco["annotations"]
    cats = [CATEGORY_NAMES[a["category_id"]] for a in anns]
    row["n_people"] = len(scene["people"])
    row["n_people_visible"] = cats.count("person")
    row["n_lying"] = sum(p["pose"] == "lying" for p in scene["people"])
    row["n_vehicles"] = len(scene["vehicles"])
    row["n_vehicles_visible"] = cats.count("vehicle")
    row["n_plates_visible"] = cats.count("license_plate")
    return row


def object_rows(image: dict[str, Any], coco: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per object of a one-image COCO dict (hidden ones too), `image`'s columns
    repeated, in instance id order."""
    entries = [(a, True) for a in coco["annotations"]]
    entries += [(h, False) for h in coco["images"][0]["hidden_objects"]]
    entries.sort(key=lambda e: e[0]["id"])
    rows = []
    for ann, visible in entries:
        row = {**image, "row": "object"}
        row["instance_id"] = ann["id"]
        row["category"] = CATEGORY_NAMES[ann["category_id"]]
        row["visible"] = visible
        if visible:
            x, y, w, h = ann["bbox"]
            row |= {"box_x0": x, "box_y0": y, "box_x1": x + w, "box_y1": y + h}
            row |= {"box_width_px": w, "box_height_px": h, "area_px": ann["area"]}
        else:
            row["area_px"] = 0
        amodal = ann.get("amodal_bbox")
        row["amodal_box_height_px"] = amodal[3] if amodal else None
        row["visibility"] = ann["visibility"]
        row["distance_m"] = ann["distance_m"]
        if ann["category_id"] == CATEGORIES["person"]:
            row["head_visible"] = ann.get("head_visible")
        for key, value in ann.get("attributes", {}).items():
            if not isinstance(value, dict | list):
                row[key if key not in row else f"object_{key}"] = value
        rows.append(row)
    return rows


def _column(values: list[Any]) -> pa.Array:
    """One Arrow column; ints mixed with floats become floats, anything else mixed, text."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int, float}:
        values = [None if v is None else float(v) for v in values]
    elif len(kinds) > 1:
        values = [None if v is None else str(v) for v in values]
    elif kinds == {float}:
        values = [None if v is None or not math.isfinite(v) else v for v in values]
    return pa.array(values)


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """An Arrow table of rows with differing keys (columns in first-seen order)."""
    columns: dict[str, None] = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, None)
    return pa.table({c: _column([row.get(c) for row in rows]) for c in columns})


def write(rows: list[dict[str, Any]], path: Path) -> Path:
    """`metadata.parquet` of image and object rows, written atomically."""
    sink = pa.BufferOutputStream()
    pq.write_table(rows_to_table(rows), sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())
    return path


def read(path: Path) -> pa.Table:
    """The table written by `write`."""
    return pq.read_table(path)
