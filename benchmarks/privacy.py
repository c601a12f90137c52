"""Privacy benchmark: what share of faces and plates gets blurred, plate reading accuracy, and
720p video speed side by side with the `deface` command line on the same video.

    .venv/bin/python benchmarks/privacy.py [--samples 6] [--frames 50] [--out /tmp/privacy-bench]

Truth is known because the test images are made here: plates drawn with Pillow
(`twinflash.privacy.synthetic`) and faces cut from scikit-image's bundled photos (astronaut,
LFW subset) pasted on scikit-image's sample photos. A face or plate counts as covered when
the union of the blurred boxes (margin included) covers >= 90% of its true box; for videos,
when the detail left in its true box (variance of the Laplacian) drops below 35%.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
from skimage import data

from twinflash.flash.plates import random_siv
from twinflash.privacy.blur import FACE_MARGIN, PLATE_MARGIN, blur_regions, expand
from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region
from twinflash.privacy.synthetic import add_noise, paste_plate

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
    sweeps = {
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
            bg[y : y + height, x : x + fw] = cv2.resize(face, (fw, height), cv2.INTER_AREA)
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=6, help="images per plate setting")
    parser.add_argument("--frames", type=int, default=50, help="frames of the 720p video")
    parser.add_argument("--out", type=Path, default=Path("/tmp/privacy-bench"))
    parser.add_argument("--only", choices=["plates", "faces", "video"], default=None)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    parts: dict[str, Callable[[], list[str]]] = {
        "plates": lambda: plate_sweep(PlateReader(), args.samples),
        "faces": lambda: face_sweep(args.samples),
        "video": lambda: video_bench(args.out, args.frames),
    }
    for name, run in parts.items():
        if args.only in (None, name):
            start = time.perf_counter()
            print(f"\n### {name}\n")
            print("\n".join(run()))
            print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
