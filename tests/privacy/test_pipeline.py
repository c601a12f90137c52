"""Batch blurring of files: outputs, sidecars, stripped metadata, bad inputs reported per file."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein
from skimage import data

from twinflash.errors import InputError
from twinflash.privacy.media import load_image
from twinflash.privacy.pipeline import BlurOptions, Detectors, blur_paths, split_kept
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region, coverage
from twinflash.privacy.synthetic import PastedPlate, font_path, motion_blur, paste_plate


def _huge_png(path: Path, w: int = 30_000, h: int = 30_000) -> None:
    """A PNG whose header claims w x h pixels; its data is a few bytes (never decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)


@pytest.fixture(scope="module")
def detectors() -> Detectors:
    return Detectors(BlurOptions())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_folder_with_good_and_bad_files(
    tmp_path: Path, astronaut_with_plate: np.ndarray, detectors: Detectors
) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 1: "N"}  # GPS IFD
    good = src / "sub" / "astro.jpg"
    Image.fromarray(astronaut_with_plate).save(good, exif=exif)
    assert Image.open(good).getexif().get(0x010F) == "SpyCam"
    jpeg = good.read_bytes()
    (src / "corrupt.jpg").write_bytes(jpeg[:600] + b"\x00garbage" * 50)
    (src / "empty.png").write_bytes(b"")
    _huge_png(src / "huge.png")
    (src / "notes.txt").write_text("not an image")  # not picked up inside a folder
    before = _sha(good)

    reports = blur_paths(
        [src, tmp_path / "missing.jpg"], tmp_path / "out", BlurOptions(), detectors=detectors
    )
    by_name = {r.source.name: r for r in reports}
    assert set(by_name) == {"astro.jpg", "corrupt.jpg", "empty.png", "huge.png", "missing.jpg"}
    assert by_name["astro.jpg"].ok and _sha(good) == before  # original untouched
    assert not by_name["corrupt.jpg"].ok and "corrupt.jpg" in by_name["corrupt.jpg"].error
    assert "empty file" in by_name["empty.png"].error
    assert "900 MP" in by_name["huge.png"].error
    assert "refused before decoding" in by_name["huge.png"].error
    assert "no such file" in by_name["missing.jpg"].error

    out = tmp_path / "out" / "in" / "sub" / "astro.jpg"
    assert out.is_file()
    meta = Image.open(out)
    assert not meta.getexif() and "exif" not in meta.info  # EXIF and GPS gone
    side = json.loads(out.with_name("astro.jpg.json").read_text())
    assert side["schema_version"] == 1 and side["media"] == "image"
    assert sorted(r["kind"] for r in side["blurred"]) == ["face", "plate"]
    plate = next(r for r in side["blurred"] if r["kind"] == "plate")
    assert "text" not in plate and len(plate["xyxy"]) == 4  # the text is what the blur hides
    assert not list((tmp_path / "out").rglob(".*"))  # no temporary left behind


def test_unsupported_file_named_explicitly_is_reported(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    (report,) = blur_paths([notes], tmp_path / "out", BlurOptions(faces=False, plates=False))
    assert not report.ok and "unsupported format '.txt'" in report.error


def test_huge_image_refused_without_allocating(tmp_path: Path) -> None:
    import tracemalloc

    _huge_png(tmp_path / "huge.png")
    tracemalloc.start()
    with pytest.raises(InputError, match=r"huge\.png: image of 900 MP refused before decoding"):
        load_image(tmp_path / "huge.png")
    _huge_png(tmp_path / "big.png", 12_000, 10_000)  # under Pillow's limit, over ours
    with pytest.raises(InputError, match=r"12000x10000 px \(120 MP\) refused before decoding"):
        load_image(tmp_path / "big.png")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6  # the pixels would take 2.7 GB


def test_output_never_overwrites_original(tmp_path: Path, astronaut: np.ndarray) -> None:
    img = tmp_path / "a.png"
    Image.fromarray(astronaut).save(img)
    (report,) = blur_paths([img], tmp_path, BlurOptions(faces=False, plates=False))
    assert not report.ok and "overwrite" in report.error


def _r(kind: str, xyxy: tuple[float, float, float, float]) -> Region:
    return Region(kind, xyxy, 0.9)  # type: ignore[arg-type]


def test_speed_camera_keeps_driver_and_flashed_plate() -> None:
    plate = _r("plate", (400, 600, 520, 630))
    driver = _r("face", (560, 300, 620, 370))  # image right of the plate: the driver
    passenger = _r("face", (320, 310, 370, 370))
    walker = _r("face", (1200, 200, 1220, 225))  # far from the car
    found = [plate, driver, passenger, walker]
    blurred, kept = split_kept(found, BlurOptions(speed_camera=True, keep_plate=True), 1280)
    assert kept == [plate, driver]
    assert blurred == [passenger, walker]
    left = BlurOptions(speed_camera=True, driver_side="left")
    blurred, kept = split_kept(found, left, 1280)
    assert kept == [passenger] and plate in blurred
    assert split_kept(found, BlurOptions(), 1280) == (found, [])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("style", "swirl", "^`style`: 'swirl' unknown"),
        ("margin", -1.0, r"^`margin`: must be in \[0, 2\]"),
        ("face_threshold", 0.0, r"^`face_threshold`: must be in \(0, 1\)"),
        ("driver_side", "middle", "^`driver_side`: right or left"),
        ("face_scales", (0.0,), r"^`face_scales`: each in \(0, 4\]"),
        ("plate_every", 7, r"^`plate_every`: must be in \[1, persistence \+ 1"),
    ],
)
def test_bad_options_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        BlurOptions(**{field: value})  # type: ignore[arg-type]


def test_speed_camera_photo_end_to_end(
    tmp_path: Path, astronaut: np.ndarray, detectors: Detectors
) -> None:
    """Driver (image right of the plate) and flashed plate kept; the passenger blurred."""
    from twinflash.privacy.faces import FaceDetector
    from twinflash.privacy.regions import iou
    from twinflash.privacy.synthetic import paste_plate

    scene = np.full((480, 800, 3), 90, dtype=np.uint8)
    face = astronaut[40:200, 165:290]
    scene[100:260, 470:595] = face  # driver
    scene[110:270, 200:325] = face  # passenger
    scene, _ = paste_plate(scene, "EF-905-TZ", 30, (400, 400))
    src = tmp_path / "flash.png"
    Image.fromarray(scene).save(src)
    opts = BlurOptions(speed_camera=True, keep_plate=True, sidecar_plate_text=True)
    (report,) = blur_paths([src], tmp_path / "out", opts, detectors=Detectors(opts))
    assert report.ok, report.error
    side = json.loads((tmp_path / "out" / "flash.png.json").read_text())
    kept = {r["kind"]: r for r in side["kept"]}
    assert kept["plate"]["text"] == "EF-905-TZ"
    assert kept["face"]["xyxy"][0] > 400  # the driver's face, right of the plate
    assert [r["kind"] for r in side["blurred"]] == ["face"]
    out = load_image(tmp_path / "out" / "flash.png")
    found = FaceDetector(scales=(1.0,))(out)
    assert any(iou(f.xyxy, (470, 100, 595, 260)) > 0.3 for f in found)  # driver visible
    assert not any(iou(f.xyxy, (200, 110, 325, 270)) > 0.1 for f in found)  # passenger not


def _tiny(path: Path, value: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((16, 16, 3), value, np.uint8)).save(path)
    return path


NOTHING = BlurOptions(faces=False, plates=False)


def test_same_names_in_two_folders_keep_their_trees(tmp_path: Path) -> None:
    """`blur a/Images b/Images`: each copy under its own folder, none replaced."""
    first = _tiny(tmp_path / "a" / "Images" / "x.png", 10)
    second = _tiny(tmp_path / "b" / "Images" / "x.png", 200)
    out = tmp_path / "out"
    reports = blur_paths([first.parent, second.parent], out, NOTHING)
    assert all(r.ok for r in reports), [r.error for r in reports]
    assert load_image(out / "a" / "Images" / "x.png").mean() == 10
    assert load_image(out / "b" / "Images" / "x.png").mean() == 200
    # files from two folders likewise; a single folder or file keeps its short path
    reports = blur_paths([first, second], tmp_path / "files", NOTHING)
    assert sorted(str(r.output.relative_to(tmp_path / "files")) for r in reports) == [
        "a/Images/x.png",
        "b/Images/x.png",
    ]
    (one,) = blur_paths([first.parent], tmp_path / "one", NOTHING)
    assert one.output == tmp_path / "one" / "Images" / "x.png"
    (single,) = blur_paths([second], tmp_path / "single", NOTHING)
    assert single.output == tmp_path / "single" / "x.png"


@pytest.mark.parametrize("case", ["mov_and_mp4", "named_twice", "folder_and_its_file"])
def test_remaining_collisions_refused_before_any_work(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if case == "mov_and_mp4":
        first, second = folder / "a.mov", folder / "a.mp4"  # both would become a.mp4
        first.write_bytes(b"not decoded")
        second.write_bytes(b"not decoded")
        inputs = [first, second]
    elif case == "named_twice":
        first = second = _tiny(folder / "x.png", 10)
        inputs = [first, first]
    else:
        first = folder
        second = _tiny(folder / "x.png", 10)
        inputs = [folder, second]

    class Untouchable(Detectors):
        def detect(self, *args: object, **kwargs: object) -> list[Region]:
            raise AssertionError("no work may start")

    out = tmp_path / "out"
    with pytest.raises(InputError) as exc:
        blur_paths(inputs, out, BlurOptions(), detectors=Untouchable(BlurOptions()))
    message = str(exc.value)
    assert "\n" not in message and str(second) in message
    assert str(first) in message or "named twice" in message
    assert not out.exists()  # nothing written, not even the folder


def test_output_folder_inside_input_folder_is_not_reprocessed(tmp_path: Path) -> None:
    """`blur in --out in/blurred` twice: the second run does not blur the first's outputs."""
    _tiny(tmp_path / "in" / "x.png", 10)
    out = tmp_path / "in" / "blurred"
    assert [r.ok for r in blur_paths([tmp_path / "in"], out, NOTHING)] == [True]
    again = blur_paths([tmp_path / "in"], out, NOTHING)
    assert [r.source.name for r in again] == ["x.png"]
    assert sorted(p.name for p in out.rglob("*.png")) == ["x.png"]


# Blurring finds plates more eagerly than reading does, and checks the blurred photo again.
#
# Each case is a plate that the reader's own `find` (the single pass that blurring used
# before) misses; `blur_image` must leave it unreadable and its pixels changed.

TEXT = "GH-478-KL"


@pytest.fixture(scope="module")
def street() -> np.ndarray:
    return cv2.resize(data.coffee(), (1280, 720))


def _detectors(reader: PlateReader, eager: bool = True) -> Detectors:
    det = Detectors(BlurOptions(faces=False, eager_plates=eager))
    det._plates = reader  # the session's models
    return det


def _box(p: PastedPlate) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = p.xyxy
    return (x1, y1, x2 - x1, y2 - y1)


def _readable(reader: PlateReader, img: np.ndarray, p: PastedPlate) -> bool:
    """The reader, given the plate's box, reads its text but for one character at most."""
    return any(
        Levenshtein.distance(r.text.replace("-", ""), p.text.replace("-", "")) <= 1
        for r in reader.read(img, _box(p))
    )


def _changed(before: np.ndarray, after: np.ndarray, p: PastedPlate) -> float:
    """Share of the plate's pixels that changed by more than 20 grey levels."""
    x1, y1, x2, y2 = p.xyxy
    diff = np.abs(after[y1:y2, x1:x2].astype(int) - before[y1:y2, x1:x2]).max(axis=2)
    return float((diff > 20).mean())


def _missed_by_find(reader: PlateReader, img: np.ndarray, p: PastedPlate) -> bool:
    return not any(coverage(p.xyxy, r.xyxy) > 0.5 for r in reader.find(img))


def _beside_a_sign(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A large clear plate (120 px) with a dealer's sign in line just right of it: the
    reader's line joining makes one strip of both, too long for its shape test."""
    img, p = paste_plate(street, TEXT, 120, (330, 360))
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    x0 = p.xyxy[2] + 36
    draw.rectangle([x0 - 10, p.xyxy[1], 1280, p.xyxy[3]], fill="white")
    font = ImageFont.truetype(str(font_path()), 74)
    draw.text((x0, (p.xyxy[1] + p.xyxy[3]) / 2), "CONCESSIONNAIRE", font=font, fill="black",
              anchor="lm")  # fmt: skip
    return np.asarray(pil), p


def _turned(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A plate seen 70 degrees from the side (a car parked across the view)."""
    return paste_plate(street, TEXT, 40, (900, 300), yaw_deg=70)


def _smeared(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A 22 px plate under a 9 px motion blur: read as junk, found by its blue EU band."""
    img, p = paste_plate(street, "CQ-671-VM", 22, (1054, 177))
    return motion_blur(img, 9, 3.0), p


@pytest.mark.parametrize("make", [_beside_a_sign, _turned, _smeared], ids=lambda f: f.__name__)
def test_plates_find_misses_are_blurred(
    plates: PlateReader, street: np.ndarray, make: object
) -> None:
    img, p = make(street)  # type: ignore[operator]
    assert _missed_by_find(plates, img, p), "the reader's own pass must miss it (the case)"
    out, blurred, _ = _detectors(plates).blur_image(img)
    assert any(coverage(p.xyxy, r.xyxy) > 0.85 for r in blurred), blurred
    assert not _readable(plates, out, p)
    assert _changed(img, out, p) > 0.3
    # and the switch restores the single pass: the plate goes out as it came in
    single, _, _ = _detectors(plates, eager=False).blur_image(img)
    assert _changed(img, single, p) == 0.0


def test_large_clear_plate_readable_before(plates: PlateReader, street: np.ndarray) -> None:
    """The sign case is a privacy case: the plate can be read before blurring."""
    img, p = _beside_a_sign(street)
    assert _readable(plates, img, p)


class _FirstPassMissesHalf(PlateReader):
    """A first pass that only boxes the left third of the plate (as a detector that split
    the line would); later passes (the post-blur check) are the real eager finder."""

    def __init__(self, reader: PlateReader, plate: PastedPlate) -> None:
        self.__dict__.update(reader.__dict__)
        self.plate, self.calls = plate, 0

    def find_eager(self, rgb: np.ndarray) -> list[Region]:
        self.calls += 1
        if self.calls > 1:
            return super().find_eager(rgb)
        x1, y1, x2, y2 = self.plate.xyxy
        return [Region("plate", (x1, y1, x1 + (x2 - x1) / 3, y2), 0.9)]


def test_post_blur_check_blurs_what_the_first_pass_left(
    plates: PlateReader, street: np.ndarray
) -> None:
    img, p = paste_plate(street, TEXT, 36, (640, 500))
    reader = _FirstPassMissesHalf(plates, p)
    det = _detectors(plates)
    det._plates = reader
    first_only = det._blur(img, reader.find_eager(img), 0.1)
    assert _changed(img, first_only, p) < 0.6  # the first pass alone leaves "478-KL" clear
    reader.calls = 0
    out, blurred, _ = det.blur_image(img)
    assert reader.calls >= 2  # the blurred photo was searched again
    rechecked = [r for r in blurred if r.rechecked]
    assert rechecked and any(coverage(p.xyxy, r.xyxy) > 0.5 for r in rechecked)
    assert not _readable(plates, out, p)
    x1, y1, x2, y2 = p.xyxy
    assert not plates.read(out, (x1 + (x2 - x1) / 3, y1, 2 * (x2 - x1) / 3, y2 - y1))
    assert _changed(img, out, p) > 0.6


def test_post_blur_check_stops_when_nothing_is_left(
    plates: PlateReader, astronaut_with_plate: np.ndarray
) -> None:
    class Counting(PlateReader):
        def __init__(self, reader: PlateReader) -> None:
            self.__dict__.update(reader.__dict__)
            self.calls = 0

        def find_eager(self, rgb: np.ndarray) -> list[Region]:
            self.calls += 1
            return super().find_eager(rgb)

    det = _detectors(plates)
    det._plates = counting = Counting(plates)
    _, blurred, _ = det.blur_image(astronaut_with_plate)
    assert [r.kind for r in blurred] == ["plate"] and not blurred[0].rechecked
    assert counting.calls == 2  # the first pass, one check that finds nothing
