"""Batch blurring of files: outputs, sidecars, stripped metadata, bad inputs reported per file."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from twinflash.errors import InputError
from twinflash.privacy.media import load_image
from twinflash.privacy.pipeline import BlurOptions, Detectors, blur_paths, split_kept
from twinflash.privacy.regions import Region


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
