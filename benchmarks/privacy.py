"""Privacy benchmark: what share of faces and plates gets blurred, plate reading accuracy, and
720p video speed side by side with the `deface` command line on the same video; plate recall
after blurring, the eager path against main's single pass on the same images.

    .venv/bin/python benchmarks/privacy.py [--samples 6] [--frames 50] [--out /tmp/privacy-bench]
    .venv/bin/python benchmarks/privacy.py --only recall [--recall-samples 6]
        [--renders /tmp/tf-plate-renders [--render-set bulk|classic|all] [--render-limit N]]
        [--photos DIR --labels CSV] [--modes main,eager] [--misses DIR] [--records FILE]
    .venv/bin/python benchmarks/privacy.py --only faces-renders [--face-scenes 32]
        [--face-renders /tmp/tf-face-renders]

Truth is known because the test images are made here: plates drawn with Pillow
(`twinflash.privacy.synthetic`) and faces cut from scikit-image's bundled photos (astronaut,
LFW subset) pasted on scikit-image's sample photos. A face or plate counts as covered when
the union of the blurred boxes (margin included) covers >= 90% of its true box; for videos,
when the detail left in its true box (variance of the Laplacian) drops below 35%.

Plate recall after blurring (`--only recall`): a plate is hidden when the reader, given its
true box, no longer reads its text (within one character) AND its pixels substantially
changed; on 2-D composites (tilt, side view, rain streaks, motion blur, night), on twinflash
renders with exact plate corners (rendered once with Blender into the `--renders` cache,
outside the repository), and on a user's labelled photos.

Face recall on renders (`--only faces-renders`, not part of the default run: it renders):
people scenes with exact head points, each visible face counted covered or not by
`twinflash blur`'s face boxes and by deface's own detections, by head height in px.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import imageio_ffmpeg
import numpy as np
from rapidfuzz.distance import Levenshtein
from skimage import data

from twinflash.flash.plates import random_siv
from twinflash.privacy.blur import FACE_MARGIN, PLATE_MARGIN, blur_regions, expand
from twinflash.privacy.faces import CPU_PROVIDER, FaceDetector
from twinflash.privacy.pipeline import BlurOptions, Detectors
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region, coverage
from twinflash.privacy.synthetic import add_noise, motion_blur, paste_plate, rain_streaks

VENV_BIN = Path(sys.executable).parent
BACKGROUNDS = ("coffee", "chelsea", "rocket", "astronaut", "immunohistochemistry")


def _background(name: str) -> np.ndarray:
    img = getattr(data, name)()
    return np.dstack([img] * 3) if img.ndim == 2 else img[..., :3]


def _covered(truth: tuple[int, int, int, int], regions: list[Region], shape: tuple) -> bool:
    """True box >= 90% inside the union of the blurred boxes (margin as the blur applies)."""
    x1, y1, x2, y2 = truth
    mask = np.zeros(shape[:2], dtype=bool)
    for r in regions:
        a, b, c, d = expand(r.xyxy, FACE_MARGIN if r.kind == "face" else PLATE_MARGIN, shape)
        mask[b:d, a:c] = True
    area = max(1, (x2 - x1) * (y2 - y1))
    return mask[max(0, y1) : y2, max(0, x1) : x2].sum() / area >= 0.9


def _row(label: str, counts: dict[str, list[bool]]) -> str:
    cells = [f"{100 * np.mean(v):5.1f}%" if v else "   n/a" for v in counts.values()]
    return f"| {label:<18} | " + " | ".join(cells) + f" | {len(next(iter(counts.values())))} |"


def plate_sweep(reader: PlateReader, samples: int) -> list[str]:
    """One factor at a time around a base plate (30 px, level, full contrast, clean)."""
    base = {"height": 30, "angle": 0.0, "contrast": 1.0, "noise": 0.0, "blur": 0.0}
    sweeps: dict[str, list[float]] = {
        "height": [7, 10, 14, 20, 30, 70],
        "angle": [0.0, 15.0, 30.0, 45.0],
        "contrast": [1.0, 0.3, 0.15, 0.08],
        "noise": [0.0, 16.0, 32.0, 64.0],
        "blur": [0.0, 1.0, 2.0, 3.0],
    }
    lines = [
        "| setting | covered by blur | read exact (box given) | read exact (found) "
        "| still read after blur | n |",
        "|---|---|---|---|---|---|",
    ]
    for factor, values in sweeps.items():
        for value in values:
            counts: dict[str, list[bool]] = {"cov": [], "box": [], "found": [], "after": []}
            for i in range(samples):
                rng = random.Random(f"{factor}{value}{i}")
                text = random_siv(rng)
                bg = _background(BACKGROUNDS[i % len(BACKGROUNDS)])
                h, w = bg.shape[:2]
                p = {**base, factor: value}
                center = (rng.randint(w // 4, 3 * w // 4), rng.randint(h // 4, 3 * h // 4))
                img, truth = paste_plate(
                    bg, text, int(p["height"]), center, p["angle"], p["contrast"], p["blur"]
                )
                img = add_noise(img, p["noise"], seed=i)
                found = reader.find(img)
                counts["cov"].append(_covered(truth.xyxy, found, img.shape))
                x1, y1, x2, y2 = truth.xyxy
                boxed = reader.read(img, (x1, y1, x2 - x1, y2 - y1))
                counts["box"].append(bool(boxed) and boxed[0].text == text)
                counts["found"].append(any(r.text == text for r in found))
                after = reader.read(blur_regions(img, found))
                counts["after"].append(any(r.text == text for r in after))
            lines.append(_row(f"{factor}={value:g}", counts))
    return lines


def _faces() -> list[np.ndarray]:
    """Face crops: the astronaut, and the 100 LFW faces bundled with scikit-image."""
    crops = [data.astronaut()[40:195, 165:290]]
    lfw = data.lfw_subset()[:100]
    crops += [np.dstack([(f * 255).astype(np.uint8)] * 3) for f in lfw]
    return crops


def face_sweep(samples: int) -> list[str]:
    """Recall by face height, native pass only vs the x2 tiled pass (photo default)."""
    crops = _faces()
    detectors = {"1": FaceDetector(scales=(1.0,)), "1,2": FaceDetector(scales=(1.0, 2.0))}
    lines = [
        "| face height | covered, scales 1 | covered, scales 1,2 "
        "| still found after blur (1,2) | n |",
        "|---|---|---|---|---|",
    ]
    for height in (10, 14, 20, 30, 50, 90):
        counts: dict[str, list[bool]] = {"1": [], "1,2": [], "after": []}
        for i in range(samples * 2):
            rng = random.Random(f"face{height}{i}")
            bg = cv2.resize(_background(BACKGROUNDS[i % len(BACKGROUNDS)]), (960, 720)).copy()
            face = crops[rng.randrange(len(crops))]
            fw = max(4, round(height * face.shape[1] / face.shape[0]))
            x, y = rng.randint(50, 960 - fw - 50), rng.randint(50, 720 - height - 50)
            bg[y : y + height, x : x + fw] = cv2.resize(
                face, (fw, height), interpolation=cv2.INTER_AREA
            )
            truth = (x, y, x + fw, y + height)
            found = {k: d(bg) for k, d in detectors.items()}
            counts["1"].append(_covered(truth, found["1"], bg.shape))
            counts["1,2"].append(_covered(truth, found["1,2"], bg.shape))
            blurred = blur_regions(bg, found["1,2"])
            again = detectors["1,2"](blurred)
            counts["after"].append(_covered(truth, again, bg.shape) and bool(found["1,2"]))
        lines.append(_row(f"{height} px", counts))
    return lines


def make_video(path: Path, frames: int) -> list[list[tuple[int, int, int, int]]]:
    """720p, 25 fps, 7 faces (20-140 px) walking and one 30 px plate; sine sound track.

    Returns the true face boxes of every frame.
    """
    rng = random.Random(7)
    crops = _faces()
    bg = cv2.resize(_background("rocket"), (1280, 720))
    bg, _ = paste_plate(bg, "GH-478-KL", 30, (900, 620))
    people = [
        (crops[0] if k == 0 else crops[1 + rng.randrange(100)], h, rng.randint(40, 1000),
         rng.randint(40, 560), rng.choice([-3, -2, 2, 3]))
        for k, h in enumerate((140, 90, 60, 40, 30, 24, 20))
    ]  # fmt: skip
    silent = path.with_name("silent.mp4")
    writer = imageio_ffmpeg.write_frames(str(silent), (1280, 720), fps=25, quality=8)
    writer.send(None)
    truth = []
    for t in range(frames):
        frame = bg.copy()
        boxes = []
        for face, h, x0, y, vx in people:
            w = round(h * face.shape[1] / face.shape[0])
            x = int(np.clip(x0 + vx * t, 0, 1280 - w))
            frame[y : y + h, x : x + w] = cv2.resize(face, (w, h), interpolation=cv2.INTER_AREA)
            boxes.append((x, y, x + w, y + h))
        truth.append(boxes)
        writer.send(frame)
    writer.close()
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(silent),
         "-f", "lavfi", "-i", "sine=frequency=440", "-shortest", "-c:v", "copy",
         "-c:a", "aac", str(path)],
        check=True,
    )  # fmt: skip
    return truth


def _frames(path: Path) -> list[np.ndarray]:
    gen = imageio_ffmpeg.read_frames(str(path))
    w, h = next(gen)["size"]
    return [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in gen]


def _detail(img: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x1, y1, x2, y2 = box
    grey = cv2.cvtColor(img[y1:y2, x1:x2], cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def faces_covered(source: list[np.ndarray], out: Path, truth: list) -> tuple[int, int]:
    """Faces (per frame) whose detail fell below 35% of the input's: blurred."""
    blurred = _frames(out)
    hit = total = 0
    for before, after, boxes in zip(source, blurred, truth, strict=True):
        for box in boxes:
            total += 1
            hit += _detail(after, box) < 0.35 * max(_detail(before, box), 1e-6)
    return hit, total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def video_bench(workdir: Path, frames: int) -> list[str]:
    video = workdir / "street_720p.mp4"
    truth = make_video(video, frames)
    source = _frames(video)
    runs: dict[str, list[str]] = {
        "twinflash blur --no-plates": [
            str(VENV_BIN / "twinflash"), "blur", str(video), "--out", str(workdir / "tf"),
            "--no-plates",
        ],
        "twinflash blur (faces + plates)": [
            str(VENV_BIN / "twinflash"), "blur", str(video), "--out", str(workdir / "tfp"),
        ],
        "twinflash blur --plate-every 5": [
            str(VENV_BIN / "twinflash"), "blur", str(video), "--out", str(workdir / "tf5"),
            "--plate-every", "5",
        ],
        "deface --backend onnxrt --ep CPUExecutionProvider": [
            str(VENV_BIN / "deface"), str(video), "-o", str(workdir / "deface.mp4"),
            "--backend", "onnxrt", "--ep", "CPUExecutionProvider", "--keep-audio",
        ],
    }  # fmt: skip
    outputs = {
        "twinflash blur --no-plates": workdir / "tf" / video.name,
        "twinflash blur (faces + plates)": workdir / "tfp" / video.name,
        "twinflash blur --plate-every 5": workdir / "tf5" / video.name,
        "deface --backend onnxrt --ep CPUExecutionProvider": workdir / "deface.mp4",
    }
    lines = [
        f"720p video, {frames} frames at 25 fps, 7 faces 20-140 px high, 1 plate; "
        "wall time of the whole command (start-up and model load included)",
        "",
        "| command | wall s | frames/s (wall) | CPU s per frame | faces covered (face-frames) |",
        "|---|---|---|---|---|",
    ]
    for name, cmd in runs.items():
        cpu0 = _children_cpu()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - start
        cpu = _children_cpu() - cpu0
        hit, total = faces_covered(source, outputs[name], truth)
        lines.append(
            f"| {name} | {wall:.1f} | {frames / wall:.2f} | {cpu / frames:.2f} | {hit}/{total} "
            f"({100 * hit / total:.1f}%) |"
        )
    lines.append(f"\nload average (1, 5, 15 min) after the runs: {os.getloadavg()}")
    return lines


# --- plate recall after blurring: composites, renders, labelled photos -----------------------

COMPOSITE_CONDITIONS = ("clean", "large", "tilted", "yawed", "rain", "motion", "night")


def composite(condition: str, i: int) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """A 1280x720 scikit-image photo with 1-2 French plates under `condition`.

    Returns the image and each plate's (text, 4 corners). Conditions: clean (14-40 px, level),
    large (90-170 px), tilted (in-plane 12-40 degrees), yawed (seen 40-65 degrees from the
    side, also tilted a little), rain (streaks over the lens), motion (4-9 px blur), night
    (dark, low contrast, sensor noise).
    """
    rng = random.Random(f"{condition}{i}")
    bg = cv2.resize(_background(BACKGROUNDS[i % len(BACKGROUNDS)]), (1280, 720))
    plates: list[tuple[str, np.ndarray]] = []
    for k in range(1 + (i % 2)):
        text = random_siv(rng)
        height = rng.randint(90, 170) if condition == "large" else rng.randint(14, 40)
        angle = rng.uniform(12, 40) * rng.choice([-1, 1]) if condition == "tilted" else 0.0
        yaw = rng.uniform(40, 65) * rng.choice([-1, 1]) if condition == "yawed" else 0.0
        if condition == "yawed":
            angle = rng.uniform(-8, 8)
        contrast = rng.uniform(0.25, 0.45) if condition == "night" else 1.0
        width = height * 4.7
        x = rng.randint(int(width / 2) + 10, 1270 - int(width / 2)) if k == 0 else 0
        if k == 1:  # the second plate on the other half
            x = int(np.clip(1280 - plates[0][1][:, 0].mean(), width / 2 + 10, 1270 - width / 2))
        y = rng.randint(int(height) + 20, 700 - int(height))
        bg, pasted = paste_plate(bg, text, height, (x, y), angle, contrast, 0.0, yaw)
        plates.append((text, np.array(pasted.corners)))
    if condition == "rain":
        bg = rain_streaks(bg, density=rng.uniform(0.004, 0.01), seed=i)
    if condition == "motion":
        bg = motion_blur(bg, rng.randint(4, 9), rng.uniform(-10, 10))
    if condition == "night":
        bg = add_noise((bg.astype(np.float32) * rng.uniform(0.3, 0.5)).astype(np.uint8), 6, i)
    return bg, plates


def plate_hidden(
    reader: PlateReader,
    before: np.ndarray,
    after: np.ndarray,
    text: str,
    corners: np.ndarray,
    readable_before: bool | None = None,
) -> tuple[bool, bool]:
    """(readable before, hidden after) for one plate of known text and corners.

    Readable: the reader, given the plate's box, returns its text within one edit (a plate
    read but for one character is not hidden). Hidden: no longer readable after blurring AND
    its pixels substantially changed (detail, variance of the Laplacian inside the plate's
    box, below 35% of what it was, or mean change over 25 grey levels: a solid box).
    `readable_before`, when known, saves reading the original again.
    """
    x1, y1, x2, y2 = _pixel_box(corners, before.shape)
    box = (x1, y1, x2 - x1, y2 - y1)
    target = text.replace("-", "").replace(" ", "")

    def readable(img: np.ndarray) -> bool:
        for r in reader.read(img, box):
            if Levenshtein.distance(r.text.replace("-", "").replace(" ", ""), target) <= 1:
                return True
        return False

    changed = (
        _detail(after, (x1, y1, x2, y2)) < 0.35 * max(_detail(before, (x1, y1, x2, y2)), 1e-6)
        or float(np.abs(after[y1:y2, x1:x2].astype(float) - before[y1:y2, x1:x2]).mean()) > 25
    )
    was = readable(before) if readable_before is None else readable_before
    return was, changed and not readable(after)


def _pixel_box(corners: np.ndarray, shape: tuple) -> tuple[int, int, int, int]:
    x1, y1 = np.floor(corners.min(axis=0)).astype(int)
    x2, y2 = np.ceil(corners.max(axis=0)).astype(int)
    h, w = shape[:2]
    return max(0, int(x1)), max(0, int(y1)), min(w, int(x2)), min(h, int(y2))


def plate_height(corners: np.ndarray) -> float:
    """Height of the plate along its own sides (mean of the left and right edges), px."""
    return float(
        (np.linalg.norm(corners[3] - corners[0]) + np.linalg.norm(corners[2] - corners[1])) / 2
    )


@dataclass
class Sample:
    """An image, its plates to hide (text, 4 corners) and every plate in it (corners), the
    small and half-hidden ones too: a blur on those is no false blur."""

    rgb: np.ndarray
    plates: list[tuple[str, np.ndarray]]
    all_plates: list[np.ndarray] = field(default_factory=list)
    name: str = ""


@dataclass
class Outcome:
    """One plate's result: set, image, height, readable before blurring, hidden per mode."""

    group: str
    image: str
    text: str
    height_px: float
    readable: bool
    hidden: dict[str, bool]


def render_samples(
    cache: Path, scenes: dict[str, dict], min_height: float = 10.0
) -> dict[str, list[Sample]]:
    """Renders of `scenes` (rendered once into `cache`) by view and condition, plates >=
    `min_height` px high and >= 80% visible, with their exact corners from the annotation."""
    from PIL import Image

    out: dict[str, list[Sample]] = {}
    for name, folder in render_set(cache, scenes):
        coco = json.loads((folder / "annotations.json").read_text())
        every = [
            (a["attributes"]["text"], np.array(a["corners"], dtype=float), a.get("visibility", 1.0))
            for a in coco["annotations"]
            if a["category_id"] == 3
        ]
        plates = [(t, c) for t, c, v in every if v >= 0.8 and plate_height(c) >= min_height]
        rgb = np.asarray(Image.open(folder / "image.png").convert("RGB"))
        group = f"render {condition_of(scenes[name])}"
        out.setdefault(group, []).append(Sample(rgb, plates, [c for _, c, _ in every], name))
    return dict(sorted(out.items()))


def condition_of(scene: dict) -> str:
    """`speed|street day|night|rain|night rain|motion|noisy_jpeg` of a scene mapping."""
    camera = scene.get("camera", {})
    effects = camera.get("effects", {})
    view = "speed" if str(camera.get("preset", "")).startswith("speed") else "street"
    night = int(scene.get("light", {}).get("local_time", "12")[:2]) >= 20
    rain = scene.get("weather", {}).get("kind") == "rain"
    cond = " ".join(w for w, on in (("night", night), ("rain", rain)) if on)
    if effects.get("motion_blur_px"):
        cond = "motion"
    elif effects.get("jpeg_quality"):
        cond = "noisy_jpeg"
    return f"{view} {cond or 'day'}"


def photo_samples(photos: Path, labels: Path) -> list[Sample]:
    """A user's labelled photos: CSV with `file,text` and either the corners
    `x1,y1,x2,y2,x3,y3,x4,y4` (clockwise from top-left) or the box `x,y,w,h`, one plate a row."""
    from twinflash.privacy.media import load_image

    by_file: dict[str, list[tuple[str, np.ndarray]]] = {}
    with labels.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("x1"):
                pts = [float(row[f"{a}{i}"]) for i in range(1, 5) for a in "xy"]
                corners = np.array(pts).reshape(4, 2)
            else:
                x, y, w, h = (float(row[k]) for k in "xywh")
                corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
            by_file.setdefault(row["file"], []).append((row["text"], corners))
    return [Sample(load_image(photos / n), p, name=n) for n, p in sorted(by_file.items())]


MODES = {  # name: BlurOptions for the plates
    "main": {"eager_plates": False},
    "eager-no-small": {"small_plates": False},
    "eager": {},
}
HEIGHT_BINS = (7, 10, 13, 16, 20, 25, 32, 41, 80, 1000)
FACE_EVERY = 3  # the face detector is timed on every third image of a set


def plate_recall(
    sets: dict[str, list[Sample]],
    modes: tuple[str, ...] = tuple(MODES),
    misses: Path | None = None,
    records: Path | None = None,
) -> list[str]:
    """Plates hidden after `twinflash blur` (plates only), each mode of `MODES` side by side
    on the same images in the same run; seconds per image for each, and the face detector's
    (photo defaults) to give the cost of a whole `blur` of the image; boxes on no plate (false
    blurs). Then the hidden share by plate height. `misses`: before/after crops of every
    plate the last mode does not hide; `records`: one JSON line per plate."""
    reader = PlateReader()
    dets = {m: Detectors(BlurOptions(faces=False, **MODES[m])) for m in modes}
    for d in dets.values():
        d._plates = reader  # one set of models for every mode
    faces = FaceDetector(scales=(1.0, 2.0))
    warm, _ = composite("clean", 99)  # sessions are built on first use: not timed
    faces(warm)
    for det in dets.values():
        det.blur_image(warm)
    names = list(modes)
    if misses is not None:
        misses.mkdir(parents=True, exist_ok=True)
    lines = [
        "| images | plates | readable before | "
        + " | ".join(f"hidden, {m}" for m in names)
        + " | "
        + " | ".join(f"of readable: {m}" for m in names)
        + " | "
        + " | ".join(f"s/image plates {m}" for m in names)
        + " | "
        + " | ".join(f"s/image whole blur {m}" for m in names)
        + " | "
        + " | ".join(f"false boxes/image {m}" for m in names)
        + " |",
        "|---|---|---|" + "---|" * (5 * len(names)),
    ]
    outcomes: list[Outcome] = []
    seconds = dict.fromkeys([*names, "faces"], 0.0)
    extra_all = dict.fromkeys(names, 0)
    images = 0
    for label, samples in sets.items():
        sec = dict.fromkeys([*names, "faces"], 0.0)
        extra = dict.fromkeys(names, 0)
        mine: list[Outcome] = []
        for k, sample in enumerate(samples):
            img, plates = sample.rgb, sample.plates
            everything = [_corner_box(c) for c in sample.all_plates or [c for _, c in plates]]
            if k % FACE_EVERY == 0:  # the face pass's cost, sampled (it does not vary much)
                t0 = time.process_time()
                faces(img)
                sec["faces"] += (time.process_time() - t0) * min(FACE_EVERY, len(samples) - k)
            rows = [
                Outcome(label, sample.name or f"{k}", text, plate_height(c), False, {})
                for text, c in plates
            ]
            for name, det in dets.items():
                t0 = time.process_time()
                out, blurred, _ = det.blur_image(img)
                sec[name] += time.process_time() - t0
                extra[name] += sum(  # boxes on no plate: signs, texture (over-blurring)
                    not any(coverage(b, r.xyxy) > 0.3 for b in everything)
                    and not any(coverage(r.xyxy, b) > 0.3 for b in everything)
                    for r in blurred
                )
                for row, (text, corners) in zip(rows, plates, strict=True):
                    known = row.readable if name != names[0] else None
                    row.readable, row.hidden[name] = plate_hidden(
                        reader, img, out, text, corners, known
                    )
                    if name == names[-1] and not row.hidden[name] and misses is not None:
                        _save_miss(misses, row, img, out, corners)
            mine += rows
        n = len(samples)
        images += n
        for key in seconds:
            seconds[key] += sec[key]
        for key in extra:
            extra_all[key] += extra[key]
        outcomes += mine
        lines.append(_recall_row(label, n, mine, names, sec, extra))
        print(lines[-1], file=sys.stderr, flush=True)  # progress: a set takes minutes
    lines.append(_recall_row("**all**", images, outcomes, names, seconds, extra_all))
    lines.append(
        "\nSeconds are process CPU time (both cores count) per image. Whole blur = plates + "
        "CenterFace at scales 1,2 (the photo default), timed on every third image. Hidden: "
        "share (hidden/n) [95% Wilson interval]."
    )
    lines += ["", *_by_height(outcomes, names)]
    if records is not None:
        with records.open("w", encoding="utf-8") as fh:
            for o in outcomes:
                fh.write(json.dumps(o.__dict__) + "\n")
    return lines


def _by_height(outcomes: list[Outcome], names: list[str]) -> list[str]:
    """Hidden share by plate height (all sets together)."""
    lines = [
        "| plate height px | plates | readable before | "
        + " | ".join(f"hidden, {m}" for m in names)
        + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for lo, hi in itertools.pairwise(HEIGHT_BINS):
        group = [o for o in outcomes if lo <= o.height_px < hi]
        if group:
            cells = [_share([o.readable for o in group])] + [
                _share([o.hidden[m] for o in group], interval=True) for m in names
            ]
            lines.append(f"| {lo}-{hi} | {len(group)} | " + " | ".join(cells) + " |")
    return lines


def _save_miss(
    folder: Path, row: Outcome, before: np.ndarray, after: np.ndarray, corners: np.ndarray
) -> None:
    """Before | after crop around a plate left unhidden, enlarged x4 (for a look by eye)."""
    x1, y1, x2, y2 = _pixel_box(corners, before.shape)
    pad = max(10, round(row.height_px * 2))
    h, w = before.shape[:2]
    box = (max(0, x1 - 2 * pad), max(0, y1 - pad), min(w, x2 + 2 * pad), min(h, y2 + pad))
    crops = [im[box[1] : box[3], box[0] : box[2]] for im in (before, after)]
    pair = np.hstack([crops[0], np.full((crops[0].shape[0], 4, 3), 255, np.uint8), crops[1]])
    pair = cv2.resize(pair, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    slug = f"{row.group}_{row.image}_{row.text}".replace(" ", "_")
    cv2.imwrite(str(folder / f"{slug}_{row.height_px:.0f}px.png"), pair[..., ::-1])


def _corner_box(corners: np.ndarray) -> tuple[float, float, float, float]:
    (x1, y1), (x2, y2) = corners.min(axis=0), corners.max(axis=0)
    return float(x1), float(y1), float(x2), float(y2)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _share(values: list[bool], interval: bool = False) -> str:
    if not values:
        return "n/a"
    k = sum(values)
    text = f"{100 * k / len(values):.1f}% ({k}/{len(values)})"
    if interval:
        lo, hi = wilson(k, len(values))
        text += f" [{100 * lo:.1f}-{100 * hi:.1f}%]"
    return text


def _recall_row(
    label: str,
    n: int,
    rows: list[Outcome],
    names: list[str],
    sec: dict[str, float],
    extra: dict[str, int],
) -> str:
    per = {k: v / max(n, 1) for k, v in sec.items()}
    cells = (
        [_share([o.readable for o in rows])]
        + [_share([o.hidden[m] for o in rows], interval=True) for m in names]
        + [_share([o.hidden[m] for o in rows if o.readable]) for m in names]
        + [f"{per[m]:.2f}" for m in names]
        + [f"{per[m] + per['faces']:.2f}" for m in names]
        + [f"{extra[m] / max(n, 1):.2f}" for m in names]
    )
    return f"| {label} ({n}) | {len(rows)} | " + " | ".join(cells) + " |"


# --- plate recall after blurring on twinflash renders (exact plate corners) ------------------

_CARS = ("peugeot_208_2", "renault_clio_5", "citroen_c3_3", "dacia_sandero_3", "tesla_model_3",
         "renault_captur_2", "volkswagen_golf_8", "peugeot_308_3")  # fmt: skip


def render_scenes() -> dict[str, dict]:
    """Scene mappings with plates at varied distance, angle, light, weather and motion blur.

    Speed-camera views (one flashed car close up, 10-25 degrees off axis) and street views
    from the pavement with a long lens (cars 8-40 m away, front and rear plates, some seen
    at an angle), by day, at night, in rain, with motion blur, sensor noise and JPEG.
    """
    day = {"date": "2026-09-12", "local_time": "11:00:00", "cloud_cover": 0.2}
    night = {"date": "2026-11-23", "local_time": "23:00:00", "cloud_cover": 1.0}
    rain = {"kind": "rain", "rain_intensity": 0.8}

    def street(seed: int, cars: list[tuple[float, float, float]], **cam: object) -> dict:
        vehicles = [
            {"model": _CARS[(seed + i) % len(_CARS)], "x_m": x, "y_m": y, "heading_deg": h}
            for i, (x, y, h) in enumerate(cars)
        ]
        camera = {"preset": "pedestrian", "focal_length_mm": 70.0, "resolution_wh": [960, 540]}
        return {"name": f"street{seed}", "seed": seed, "place": {"kind": "street",
                "layout_seed": seed}, "people": [], "vehicles": vehicles, "light": day,
                "weather": {"kind": "clear"}, "camera": camera | cam,
                "quality": {"preset": "custom", "samples": 4}}  # fmt: skip

    def speed(seed: int, heading: float = 180.0, **cam: object) -> dict:
        vehicles = [
            {"model": _CARS[seed % len(_CARS)], "x_m": 0.0, "y_m": 2.25, "heading_deg": heading},
            {"model": _CARS[(seed + 3) % len(_CARS)], "x_m": 14.0, "y_m": 2.25,
             "heading_deg": 180.0},
        ]  # fmt: skip
        camera = {"preset": "speed_camera", "target_vehicle": 0, "resolution_wh": [960, 540]}
        return {"name": f"speed{seed}", "seed": seed, "place": {"kind": "street",
                "layout_seed": seed}, "people": [], "vehicles": vehicles, "light": day,
                "weather": {"kind": "clear"}, "camera": camera | cam,
                "quality": {"preset": "custom", "samples": 4}}  # fmt: skip

    near = [(-14.0, 2.25, 180.0), (-8.0, -2.25, 0.0), (0.0, 2.25, 180.0), (8.0, -2.25, 0.0)]
    far = [(-4.0, -2.25, 180.0), (4.0, 2.25, 180.0), (12.0, -2.25, 0.0)]
    scenes = {
        "speed_day": speed(1),
        "speed_night": speed(2) | {"light": night},
        "speed_rain": speed(3) | {"weather": rain},
        "speed_motion": speed(4, effects={"motion_blur_px": 6.0, "motion_blur_angle_deg": 0.0}),
        "speed_angled": speed(5, heading=160.0),
        "speed_noisy_jpeg": speed(6, effects={"noise_sigma": 8.0, "jpeg_quality": 35}),
        "street_near": street(7, near),
        "street_far": street(8, far),
        **small_scenes(),
        "street_night_rain": street(9, near) | {"light": night, "weather": rain},
        "street_angled": street(10, near, yaw_deg=8.0),
        "street_motion": street(11, far, effects={"motion_blur_px": 4.0}),
        "cctv_rain": street(12, near, preset="cctv", height_m=6.0, pitch_deg=20.0,
                            focal_length_mm=50.0) | {"weather": rain},
    }  # fmt: skip
    return scenes


def small_scenes() -> dict[str, dict]:
    """More plates, mostly small (5-25 px): speed-camera views at 640x480 (8 samples) with a
    40-120 mm lens and 3-4 cars at 0-15 m behind the flashed one, in both
    lanes (front plates in its lane, rear plates in the other; the last 8 a one-way street,
    front plates in both), by day, night, rain, motion blur and noise + JPEG."""
    day = {"date": "2026-09-12", "local_time": "11:00:00", "cloud_cover": 0.2}
    night = {"date": "2026-11-23", "local_time": "23:00:00", "cloud_cover": 1.0}
    rain = {"kind": "rain", "rain_intensity": 0.8}
    layouts = [
        [(0.0, 2.25, 180.0), (7.0, 2.25, 180.0), (4.0, -2.25, 0.0), (12.0, -2.25, 0.0)],
        [(0.0, 2.25, 180.0), (9.0, 2.25, 180.0), (6.0, -2.25, 0.0)],
        [(0.0, 2.25, 180.0), (6.0, 2.25, 180.0), (13.0, 2.25, 180.0), (3.0, -2.25, 0.0)],
    ]
    extras: list[dict[str, Any]] = [
        {},
        {"light": night},
        {"weather": rain},
        {"camera": {"effects": {"motion_blur_px": 3.0}}},
        {"camera": {"effects": {"noise_sigma": 6.0, "jpeg_quality": 50}}},
    ]
    two_lanes = [  # a one-way street: both lanes drive towards the camera
        [(0.0, 2.25, 180.0), (7.0, -2.25, 180.0), (15.0, -2.25, 180.0)],
        [(0.0, 2.25, 180.0), (5.0, -2.25, 180.0), (12.0, -2.25, 180.0), (14.0, 2.25, 180.0)],
    ]
    scenes = {}
    for i in range(20):
        seed = 20 + i
        cars = layouts[i % len(layouts)] if i < 12 else two_lanes[i % 2]
        vehicles = [
            {"model": _CARS[(seed + k) % len(_CARS)], "x_m": x, "y_m": y, "heading_deg": h}
            for k, (x, y, h) in enumerate(cars)
        ]
        camera = {"preset": "speed_camera", "target_vehicle": 0, "resolution_wh": [640, 480],
                  "focal_length_mm": (40.0, 50.0, 60.0, 70.0)[i] if i < 4 else
                  (80.0, 100.0, 120.0)[i % 3] if i < 12 else (55.0, 65.0, 75.0)[i % 3]}  # fmt: skip
        extra = extras[i % len(extras)]
        camera |= extra.get("camera", {})
        scenes[f"small_{i:02d}"] = {
            "name": f"small{i}", "seed": seed, "place": {"kind": "street", "layout_seed": seed},
            "people": [], "vehicles": vehicles, "light": extra.get("light", day),
            "weather": extra.get("weather", {"kind": "clear"}), "camera": camera,
            "quality": {"preset": "custom", "samples": 8},
        }  # fmt: skip
    return scenes


def bulk_scenes(count: int = 60) -> dict[str, dict]:
    """Many cheap renders with several unoccluded plates each, 10-40 px high (issue #18:
    enough plates to measure >= 99%): 640x480, 4 samples + denoise, 5-7 cars staggered
    over both lanes and the kerbs (fronts and rears), seen from the pavement with a 60-135 mm
    lens or from a speed camera; conditions cycle day, night, rain, motion blur, noise +
    JPEG. Seeded by index: scene i is the same whatever `count`."""
    conditions: dict[str, dict[str, Any]] = {
        "day": {},
        "night": {"light": {"date": "2026-11-23", "local_time": "22:30:00", "cloud_cover": 1.0}},
        "rain": {"weather": {"kind": "rain", "rain_intensity": 0.9}},
        "motion": {"effects": {"motion_blur_px": 3.0}},
        "noisy_jpeg": {"effects": {"noise_sigma": 7.0, "jpeg_quality": 45}},
    }
    day = {"date": "2026-09-12", "local_time": "11:00:00", "cloud_cover": 0.3}
    scenes = {}
    for i in range(count):
        rng = random.Random(f"bulk{i}")
        cond = list(conditions)[i % len(conditions)]
        extra = conditions[cond]
        view = "speed" if i % 4 == 3 else "street"
        cars: list[tuple[float, float, float]] = []
        if view == "street":  # a pedestrian on the crossing (x = 0) looking down the street
            focal = rng.uniform(55.0, 130.0)
            cam_y = rng.uniform(-1.0, 1.0)
            height = rng.choice([1.6, 3.5, 5.5])  # a pedestrian, a first floor, a mast
            f_px = 800 * focal / 36
            reach = 0.9 * 400 / f_px  # tan of the half field of view, with a margin
            x = 0.11 * f_px / rng.uniform(20.0, 34.0)  # the nearest plate, then down to 10 px
            while x < 0.11 * f_px / 10 and len(cars) < 7:
                lo = max(-3.6, cam_y - reach * x + 0.35)  # the plate in view, the car may not
                hi = min(3.6, cam_y + reach * x - 0.35)
                near = [c[1] for c in cars if x - c[0] < 5.0]  # beside or just ahead
                ys = [rng.uniform(lo, hi) for _ in range(12)] if lo < hi else []
                free = [
                    y for y in ys
                    if all(abs(y - o) >= 2.0 for o in near)
                    and all(  # the plate not hidden behind a nearer car, as seen
                        (height > 3 and x > 1.7 * cx)  # seen over it from above
                        or (y + 0.3 - cam_y) / x < (cy - 0.95 - cam_y) / cx
                        or (y - 0.3 - cam_y) / x > (cy + 0.95 - cam_y) / cx
                        for cx, cy, _ in cars
                    )
                ]  # fmt: skip
                if free:
                    heading = 180.0 if rng.random() < 0.6 else 0.0
                    cars.append((round(x, 2), round(free[0], 2), heading + rng.uniform(-6, 6)))
                    x += rng.uniform(1.0, 3.0)
                else:
                    x += 0.7
            mid = (cars[0][0] + cars[-1][0]) / 2 if cars else 10.0
            pitch = np.degrees(np.arctan((height - 0.5) / mid))
            camera = {"preset": "custom", "x_m": 0.0, "y_m": round(cam_y, 2),
                      "height_m": height, "focal_length_mm": round(focal, 1),
                      "yaw_deg": round(rng.uniform(-2.0, 2.0), 1),
                      "pitch_deg": round(float(pitch), 1)}  # fmt: skip
        else:  # the flashed car close, others behind it in both lanes
            cars.append((0.0, 2.25, 180.0))
            x = 0.0
            for k in range(rng.randint(4, 6)):
                x += rng.uniform(3.0, 6.0)
                lane = (-2.25, 2.25, -3.8)[k % 3]
                heading = 0.0 if lane < 0 and rng.random() < 0.5 else 180.0
                cars.append((round(x, 2), lane, heading + rng.uniform(-5, 5)))
            camera = {"preset": "speed_camera", "target_vehicle": 0,
                      "focal_length_mm": round(rng.uniform(35.0, 90.0), 1)}  # fmt: skip
        seed = 100 + i
        vehicles = [
            {"model": _CARS[(seed + k) % len(_CARS)], "x_m": x, "y_m": y, "heading_deg": h}
            for k, (x, y, h) in enumerate(cars)
        ]
        camera |= {"resolution_wh": [800, 450], "effects": extra.get("effects", {})}
        scenes[f"bulk_{i:03d}_{view}_{cond}"] = {
            "name": f"bulk{i}", "seed": seed, "place": {"kind": "street", "layout_seed": seed},
            "people": [], "vehicles": vehicles, "light": extra.get("light", day),
            "weather": extra.get("weather", {"kind": "clear"}), "camera": camera,
            "quality": {"preset": "custom", "samples": 4, "denoise": True},
        }  # fmt: skip
    return scenes


def face_scenes(count: int = 8) -> dict[str, dict]:
    """People scenes for face recall (issue #18): 8-12 people facing the camera (heading 180
    +- 35 degrees) at 3-40 m, seen by a pedestrian (1.6 m, 28-70 mm) or a CCTV mast (4.5-7 m,
    pitched 15-30 degrees, 20-45 mm), by day and at night; 640x480, 4 samples + denoise.
    Seeded by index: scene i is the same whatever `count`."""
    day = {"date": "2026-09-12", "local_time": "11:00:00", "cloud_cover": 0.3}
    night = {"date": "2026-11-23", "local_time": "22:30:00", "cloud_cover": 1.0}
    scenes = {}
    for i in range(count):
        rng = random.Random(f"faces{i}")
        view = "cctv" if i % 2 else "pedestrian"
        light = "night" if i % 4 >= 2 else "day"
        if view == "cctv":
            height, focal = rng.uniform(4.5, 7.0), rng.uniform(20.0, 45.0)
            pitch = rng.uniform(15.0, 30.0)
        else:
            height, focal, pitch = 1.6, rng.uniform(28.0, 70.0), rng.uniform(0.0, 3.0)
        f_px = 640 * focal / 36
        near = max(3.0, 0.22 * f_px / 45)  # the nearest head ~45 px, the farthest ~5 px
        far = min(40.0, 0.22 * f_px / 5)
        people: list[dict] = []
        for _ in range(60):
            if len(people) >= rng.randint(8, 12):
                break
            x = near * (far / near) ** rng.random()
            reach = 0.85 * 320 / f_px * x  # in the frame, with a margin
            y = rng.uniform(-min(reach, 8.0), min(reach, 8.0))
            if all(abs(x - p["x_m"]) > 1.2 or abs(y - p["y_m"]) > 1.0 for p in people):
                heading = 180.0 + rng.uniform(-35.0, 35.0)
                people.append({"x_m": round(x, 2), "y_m": round(y, 2),
                               "heading_deg": round(heading, 1),
                               "pose": rng.choice(["standing", "walking"])})  # fmt: skip
        camera = {"preset": "custom", "x_m": 0.0, "y_m": 0.0, "height_m": round(height, 2),
                  "focal_length_mm": round(focal, 1), "yaw_deg": 0.0,
                  "pitch_deg": round(pitch, 1), "resolution_wh": [640, 480]}  # fmt: skip
        seed = 300 + i
        scenes[f"faces_{i:02d}_{view}_{light}"] = {
            "name": f"faces{i}", "seed": seed, "place": {"kind": "street", "layout_seed": seed,
            "zebra_crossing_x_m": None}, "people": people, "vehicles": [],
            "light": night if light == "night" else day, "weather": {"kind": "clear"},
            "camera": camera, "quality": {"preset": "custom", "samples": 4, "denoise": True},
        }  # fmt: skip
    return scenes


def head_boxes(
    coco: dict,
) -> list[tuple[float, tuple[int, int, int, int], tuple[float, float]]]:
    """(head height px, face box, head point) of each person whose head point is visible.
    Head height h = fy x head share x H / planar depth of the head centre, the head (chin
    to crown) being 0.13 H (0.165 H for children) centred at 0.935 H over the person's
    (x_m, y_m), standing or walking. The face box (brow to chin, what identifies; not the
    hair seen from above) is 0.6 h wide, from 0.2 h above the head point (the head centre,
    eye level) to 0.5 h below."""
    cam = coco["images"][0]["camera"]
    fy = cam["intrinsics_K"][1][1]
    w2c = np.array(cam["world_to_camera_opencv"], dtype=float)
    out = []
    for a in coco["annotations"]:
        if a["category_id"] != 1 or not a.get("head_visible"):
            continue
        p = a["attributes"]
        share = 0.165 if p.get("age_group") == "child" else 0.13
        centre = np.array([p["x_m"], p["y_m"], (1 - share / 2) * p["height_m"], 1.0])
        depth = float((w2c @ centre)[2])
        if depth <= 0:
            continue
        h = fy * share * p["height_m"] / depth
        x, y = a["head_point"]
        box = (round(x - 0.3 * h), round(y - 0.2 * h), round(x + 0.3 * h), round(y + 0.5 * h))
        out.append((h, box, (x, y)))
    return out


def _blurs_point(point: tuple[float, float], regions: list[Region], shape: tuple) -> bool:
    """The head point inside a blurred box (margin as the blur applies)."""
    for r in regions:
        a, b, c, d = expand(r.xyxy, FACE_MARGIN, shape)
        if a <= point[0] < c and b <= point[1] < d:
            return True
    return False


def face_render_recall(cache: Path, count: int) -> list[str]:
    """Faces on twinflash people renders covered by `twinflash blur`'s face boxes (photo
    default: scales 1,2, threshold 0.2) vs deface's own CenterFace (its Python API on the
    whole image, CPU, threshold 0.2 = its CLI default; its mask scale 1.3 = our 0.3 margin),
    by head height: face box >= 90% blurred, and head point blurred; images per second for
    both (wall clock, same process, same images)."""
    from deface.centerface import CenterFace
    from PIL import Image

    ours = FaceDetector(threshold=BlurOptions().face_threshold, scales=(1.0, 2.0))
    theirs = CenterFace(None, None, "onnxrt", override_execution_provider=CPU_PROVIDER)
    buckets = ((0, 8), (8, 12), (12, 16), (16, 24), (24, 36), (36, 999))
    hits: dict[tuple[int, int], dict[str, list[bool]]] = {
        b: {k: [] for k in ("twinflash", "deface", "twinflash point", "deface point")}
        for b in buckets
    }
    keys = ("twinflash", "deface", "twinflash point", "deface point")
    by_view: dict[str, dict[str, list[bool]]] = {}
    seconds = {"twinflash": 0.0, "deface": 0.0}
    images = 0
    for name, folder in render_set(cache, face_scenes(count)):
        view = " ".join(name.split("_")[2:])  # e.g. "cctv night"
        group = by_view.setdefault(view, {k: [] for k in keys})
        coco = json.loads((folder / "annotations.json").read_text())
        rgb = np.asarray(Image.open(folder / "image.png").convert("RGB"))
        start = time.perf_counter()
        found = ours(rgb)
        seconds["twinflash"] += time.perf_counter() - start
        start = time.perf_counter()
        dets, _ = theirs(rgb, threshold=0.2)
        seconds["deface"] += time.perf_counter() - start
        theirs_regions = [
            Region("face", (float(d[0]), float(d[1]), float(d[2]), float(d[3])), float(d[4]))
            for d in dets
        ]
        images += 1
        heads = head_boxes(coco)
        print(f"{name}: {len(heads)} heads, twinflash {len(found)} boxes, "
              f"deface {len(dets)}", file=sys.stderr, flush=True)  # fmt: skip
        for h, box, point in heads:
            bucket = next(b for b in buckets if b[0] <= h < b[1])
            for key, regions in (("twinflash", found), ("deface", theirs_regions)):
                covered, blurs = (
                    _covered(box, regions, rgb.shape),
                    _blurs_point(point, regions, rgb.shape),
                )
                for counts in (hits[bucket], group):
                    counts[key].append(covered)
                    counts[f"{key} point"].append(blurs)
    lines = [
        "| head height | heads | face covered, twinflash blur | face covered, deface "
        "| head point blurred, twinflash | head point blurred, deface |",
        "|---|---|---|---|---|---|",
    ]
    rows = [(f"{lo}-{hi} px" if hi < 999 else f">= {lo} px", c) for (lo, hi), c in hits.items()]
    rows.append(("**all**", {k: [v for c in hits.values() for v in c[k]] for k in keys}))
    rows += [(f"all {view}", counts) for view, counts in sorted(by_view.items())]
    for label, counts in rows:
        cells = " | ".join(_share(counts[k], True) for k in keys)
        lines.append(f"| {label} | {len(counts['twinflash'])} | {cells} |")
    lines.append("")
    lines.append(
        f"Images per second ({images} images): twinflash "
        f"{images / max(seconds['twinflash'], 1e-9):.2f}, deface "
        f"{images / max(seconds['deface'], 1e-9):.2f}"
    )
    return lines


RENDER_SETS = {  # --render-set: which scenes `--renders` uses
    "bulk": lambda: bulk_scenes(),
    "classic": lambda: render_scenes(),
    "all": lambda: render_scenes() | bulk_scenes(),
}


def render_set(cache: Path, scenes: dict[str, dict]) -> list[tuple[str, Path]]:
    """Render `scenes` into `cache` (kept between runs; Blender), each once."""
    from twinflash.pipeline import render_to_dir
    from twinflash.scene.io import parse_scene

    done = []
    for name, mapping in scenes.items():
        out = cache / name
        if not (out / "annotations.json").is_file():
            render_to_dir(parse_scene(mapping, source=name), out)
        done.append((name, out))
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=6, help="images per plate setting")
    parser.add_argument("--frames", type=int, default=50, help="frames of the 720p video")
    parser.add_argument("--out", type=Path, default=Path("/tmp/privacy-bench"))
    parser.add_argument(
        "--only", choices=["plates", "faces", "video", "recall", "faces-renders"], default=None
    )
    parser.add_argument(
        "--recall-samples", type=int, default=6, help="composites per condition (recall)"
    )
    parser.add_argument(
        "--renders",
        type=Path,
        default=None,
        help="recall on twinflash renders cached in this folder (rendered with Blender when "
        "missing, ~1 min each); e.g. /tmp/tf-plate-renders",
    )
    parser.add_argument(
        "--render-set", choices=list(RENDER_SETS), default="bulk", help="which render scenes"
    )
    parser.add_argument(
        "--render-limit", type=int, default=999, help="use the first N render scenes only"
    )
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help=f"plate paths compared, comma-separated, baseline first ({', '.join(MODES)})",
    )
    parser.add_argument(
        "--misses", type=Path, default=None, help="write crops of the plates left unhidden here"
    )
    parser.add_argument("--records", type=Path, default=None, help="one JSON line per plate")
    parser.add_argument(
        "--render-min-height", type=float, default=10.0, help="render plates at least this high"
    )
    parser.add_argument(
        "--face-renders",
        type=Path,
        default=Path("/tmp/tf-face-renders"),
        help="people renders for `--only faces-renders` (rendered with Blender when missing)",
    )
    parser.add_argument("--face-scenes", type=int, default=8, help="people scenes rendered")
    parser.add_argument("--photos", type=Path, default=None, help="folder of labelled photos")
    parser.add_argument("--labels", type=Path, default=None, help="CSV of plates (see docs)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if (args.photos is None) != (args.labels is None):
        parser.error("--photos and --labels go together")

    modes = tuple(m.strip() for m in args.modes.split(","))
    if unknown := [m for m in modes if m not in MODES]:
        parser.error(f"--modes: {unknown} unknown; choose from {', '.join(MODES)}")

    def recall() -> list[str]:
        sets = {
            f"composite {c}": [Sample(*composite(c, i)) for i in range(args.recall_samples)]
            for c in COMPOSITE_CONDITIONS
            if args.recall_samples > 0
        }
        if args.renders is not None:
            scenes = dict(list(RENDER_SETS[args.render_set]().items())[: args.render_limit])
            sets |= render_samples(args.renders, scenes, args.render_min_height)
        if args.photos is not None:
            sets[f"photos {args.photos.name}"] = photo_samples(args.photos, args.labels)
        return plate_recall(sets, modes, args.misses, args.records)

    parts: dict[str, Callable[[], list[str]]] = {
        "recall": recall,
        "plates": lambda: plate_sweep(PlateReader(), args.samples),
        "faces": lambda: face_sweep(args.samples),
        "video": lambda: video_bench(args.out, args.frames),
        "faces-renders": lambda: face_render_recall(args.face_renders, args.face_scenes),
    }
    for name, run in parts.items():
        if args.only == name or (args.only is None and name != "faces-renders"):
            start = time.perf_counter()
            print(f"\n### {name}\n")
            print("\n".join(run()))
            print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
