"""Labelled vehicle photos in the layouts people have -> checked samples and crops.

Layouts (:func:`discover` picks one from what ``DATA`` is):

- **folders** ``DATA/Make/Model/*.jpg`` (any image extension; ``_`` reads as a space);
- **CSV manifest** ``DATA.csv`` with columns ``path, make, model`` and, optionally, a
  vehicle box ``x, y, w, h`` (pixels), plate corners ``tl_x, tl_y, tr_x, tr_y, br_x, br_y,
  bl_x, bl_y`` and ``split`` (train/val/test); paths are relative to the CSV's folder;
- **twinflash dataset** (a directory with ``coco/instances_*.json``): every visible vehicle,
  cropped on its most visible plate's exact corners (the way a speed-camera photo will be
  cropped), or on its box when no plate shows; splits are the dataset's own. A dataset with
  only the ``vehicles/`` export is read as folders ``vehicles/{split}/Make/Model``.

Make and model go through the project's normaliser; names it cannot place are skipped and
recorded, as are missing or corrupt photos, degenerate plate corners and classes left with
a single photo (no way to both train and validate on it). A wrong manifest (unknown or
missing columns) is one error naming the file and column.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twinflash.errors import InputError
from twinflash.flash.crops import CropSpec, crop_vehicle
from twinflash.flash.normalise import ACCEPT, normalise_vehicle
from twinflash.flash.recogniser.preprocess import decode_image, to_rgb

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
BOX_COLS = ("x", "y", "w", "h")
CORNER_COLS = ("tl_x", "tl_y", "tr_x", "tr_y", "br_x", "br_y", "bl_x", "bl_y")
CSV_COLS = {"path", "make", "model", "split", *BOX_COLS, *CORNER_COLS}
MIN_PER_CLASS = 2
MIN_VEHICLE_PX = 24


@dataclass(frozen=True)
class Sample:
    """One labelled vehicle: photo, canonical make/model, where to crop, where it came from."""

    path: Path
    make: str
    model: str
    where: str  # "manifest.csv:12", or the path: what an error or a skip names
    split: str | None = None
    box_xyxy: tuple[float, float, float, float] | None = None
    corners_xy: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class Skip:
    where: str
    reason: str


@dataclass
class Discovered:
    layout: str
    samples: list[Sample]
    skipped: list[Skip]


def _canonical(make: str, model: str, where: str) -> tuple[str, str] | Skip:
    raw_make, raw_model = make.replace("_", " ").strip(), model.replace("_", " ").strip()
    if not raw_make or not raw_model:
        return Skip(where, "empty make or model")
    norm = normalise_vehicle(raw_make, raw_model)
    if norm.make is None or norm.model is None or norm.score < ACCEPT:
        return Skip(where, f"make/model {raw_make!r} {raw_model!r} not in the taxonomy")
    return norm.make, norm.model


def _add(out: Discovered, path: Path, make: str, model: str, where: str, **kw: object) -> None:
    named = _canonical(make, model, where)
    if isinstance(named, Skip):
        out.skipped.append(named)
    else:
        out.samples.append(Sample(path, named[0], named[1], where, **kw))  # type: ignore[arg-type]


def from_folders(root: Path, split: str | None = None, layout: str = "folders") -> Discovered:
    out = Discovered(layout, [], [])
    for path in sorted(p for p in Path(root).glob("*/*/*") if p.suffix.lower() in IMAGE_EXTS):
        _add(out, path, path.parts[-3], path.parts[-2], str(path), split=split)
    return out


def _floats(row: dict[str, str], cols: tuple[str, ...], where: str) -> list[float] | Skip | None:
    values = [(row.get(c) or "").strip() for c in cols]
    if not any(values):
        return None
    try:
        nums = [float(v) for v in values]
    except ValueError:
        return Skip(where, f"{', '.join(cols)}: expected numbers, got {values}")
    return nums


def from_manifest(path: Path) -> Discovered:
    out = Discovered("csv", [], [])
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = [c.strip() for c in reader.fieldnames or []]
        unknown = [c for c in cols if c not in CSV_COLS]
        if unknown:
            raise InputError(f"{path}: unknown column(s) {unknown}; known: {sorted(CSV_COLS)}")
        missing = [c for c in ("path", "make", "model") if c not in cols]
        if missing:
            raise InputError(f"{path}: missing column(s) {missing}")
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "") for k, v in raw.items() if k is not None}
            where = f"{path}:{line}"
            box, corners = _floats(row, BOX_COLS, where), _floats(row, CORNER_COLS, where)
            bad = next((v for v in (box, corners) if isinstance(v, Skip)), None)
            if bad is not None:
                out.skipped.append(bad)
                continue
            photo = Path(row["path"].strip())
            photo = photo if photo.is_absolute() else Path(path).parent / photo
            split = row.get("split", "").strip() or None
            if split not in (None, "train", "val", "test"):
                out.skipped.append(Skip(where, f"split {split!r}: expected train, val or test"))
                continue
            xyxy = None
            if box is not None:
                x, y, w, h = box  # type: ignore[misc]
                xyxy = (x, y, x + w, y + h)
            quad = None
            if corners is not None:
                quad = tuple(zip(corners[::2], corners[1::2], strict=True))  # type: ignore[index]
            _add(
                out,
                photo,
                row["make"],
                row["model"],
                where,
                split=split,
                box_xyxy=xyxy,
                corners_xy=quad,
            )
    return out


def from_twinflash(root: Path) -> Discovered:
    """Vehicles of a twinflash dataset, on their plates' exact corners (see module doc)."""
    files = sorted((Path(root) / "coco").glob("instances_*.json"))
    out = Discovered("twinflash-coco", [], [])
    for f in files:
        split = f.stem.removeprefix("instances_")
        try:
            coco = json.loads(f.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(f"{f}: not JSON ({exc.msg} at line {exc.lineno})") from None
        images = {img["id"]: img for img in coco["images"]}
        plates: dict[tuple[int, int], list[dict]] = {}
        for a in coco["annotations"]:
            if a.get("category_id") == 3 and a.get("corners"):
                key = (a["image_id"], int(a.get("vehicle_id", 0)))
                plates.setdefault(key, []).append(a)
        for a in coco["annotations"]:
            if a.get("category_id") != 2:
                continue
            attrs = a.get("attributes", {})
            x, y, w, h = a["bbox"]
            if min(w, h) < MIN_VEHICLE_PX or a.get("visibility", 1.0) < 0.5:
                continue  # too small or too hidden to learn from: not an error
            where = f"{f}: image {a['image_id']} vehicle {a.get('instance_id', a['id'])}"
            photo = Path(root) / images[a["image_id"]]["file_name"]
            own = plates.get((a["image_id"], int(a.get("instance_id", a["id"]))), [])
            best = max(own, key=lambda p: p.get("area", 0), default=None)
            if best is not None and best.get("area", 0) >= 20:
                _add(
                    out,
                    photo,
                    attrs.get("make", ""),
                    attrs.get("model", ""),
                    where,
                    split=split,
                    corners_xy=tuple(tuple(c) for c in best["corners"]),
                )
            else:
                _add(
                    out,
                    photo,
                    attrs.get("make", ""),
                    attrs.get("model", ""),
                    where,
                    split=split,
                    box_xyxy=(x, y, x + w, y + h),
                )
    return out


def discover(data: Path) -> Discovered:
    """Read `data` in whichever layout it is (see the module docstring)."""
    data = Path(data)
    if not data.exists():
        raise InputError(f"{data}: no such file or directory")
    if data.is_file():
        if data.suffix.lower() != ".csv":
            raise InputError(f"{data}: expected a CSV manifest or a directory")
        found = from_manifest(data)
    elif list((data / "coco").glob("instances_*.json")):
        found = from_twinflash(data)
    elif (data / "vehicles").is_dir():
        found = Discovered("twinflash-vehicles", [], [])
        for split_dir in sorted(p for p in (data / "vehicles").iterdir() if p.is_dir()):
            part = from_folders(split_dir, split=split_dir.name)
            found.samples += part.samples
            found.skipped += part.skipped
    else:
        found = from_folders(data)
    if not found.samples:
        why = (
            f" ({len(found.skipped)} skipped, first: "
            f"{found.skipped[0].where}: {found.skipped[0].reason})"
            if found.skipped
            else ""
        )
        raise InputError(f"{data}: no labelled vehicle photo found as {found.layout}{why}")
    return found


@dataclass
class Loaded:
    """Crops ready for training (uint8, input size), their samples, skips and a digest."""

    crops: list[np.ndarray]
    samples: list[Sample]
    skipped: list[Skip]
    digest: str


def load_crops(found: Discovered, spec: CropSpec, min_per_class: int = MIN_PER_CLASS) -> Loaded:
    """Decode, crop and check every sample; then drop classes left with fewer than
    `min_per_class` photos (training needs two to split; scoring needs one)."""
    crops, kept, skipped = [], [], list(found.skipped)
    lines = []
    cache: dict[Path, tuple[np.ndarray, str]] = {}
    for s in found.samples:
        if s.path not in cache:
            try:
                data = s.path.read_bytes()
                cache.clear()  # one photo at a time: samples of one photo are consecutive
                cache[s.path] = (decode_image(data, s.where), hashlib.sha256(data).hexdigest())
            except (OSError, InputError) as exc:
                reason = "photo not found" if isinstance(exc, FileNotFoundError) else str(exc)
                skipped.append(
                    Skip(s.where, f"{s.path}: {reason}" if s.where != str(s.path) else reason)
                )
                continue
        image, sha = cache[s.path]
        h, w = image.shape[:2]
        try:
            if s.box_xyxy is not None or s.corners_xy is None:
                crop = crop_vehicle(
                    image,
                    box_xyxy=s.box_xyxy or (0, 0, w, h),
                    spec=spec,
                    box_margin=0.1 if s.box_xyxy else 0.0,
                )
            else:
                crop = crop_vehicle(image, plate_corners_xy=np.array(s.corners_xy), spec=spec)
        except InputError as exc:
            skipped.append(Skip(s.where, str(exc)))
            continue
        crops.append(to_rgb(crop.image))
        kept.append(s)
        lines.append(f"{sha} {s.make}|{s.model} {s.box_xyxy} {s.corners_xy} {s.split}")
    counts = Counter((s.make, s.model) for s in kept)
    lonely = {k for k, n in counts.items() if n < min_per_class}
    if lonely:
        keep = [i for i, s in enumerate(kept) if (s.make, s.model) not in lonely]
        for s in kept:
            if (s.make, s.model) in lonely:
                skipped.append(
                    Skip(
                        s.where,
                        f"class {s.make} {s.model} has {counts[(s.make, s.model)]} photo(s) "
                        f"(needs >= {min_per_class})",
                    )
                )
        crops, kept, lines = (
            [crops[i] for i in keep],
            [kept[i] for i in keep],
            [lines[i] for i in keep],
        )
    digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
    return Loaded(crops, kept, skipped, digest)
