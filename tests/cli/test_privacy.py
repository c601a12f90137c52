"""`twinflash blur` and `twinflash plate read` from the command line: readings and one-line
errors; hostile input (issue #11): one line per problem, no traceback, exit codes that say
what happened, nothing left behind; and the sidecar, which never holds the plate text
unless asked.

A table of (inputs, --out) -> exit code -> the one stderr line expected. Bad `--out` and
colliding outputs refuse the run (exit 2) before any model is loaded; a bad file is reported
on its own line while the batch carries on with the good file beside it (exit 1).
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import typer
from PIL import Image

from twinflash.cli import privacy
from twinflash.cli._errors import run_guarded
from twinflash.privacy import pipeline
from twinflash.privacy.synthetic import paste_plate
from twinflash.privacy.video import probe

FRAMES = 200  # the killed video: long enough to be caught mid-way
SRC = Path(__file__).resolve().parents[2] / "src"


def _video(path: Path, frames: int, size_wh: tuple[int, int] = (160, 120)) -> Path:
    """A small H.264 MP4 (moving grey ramp), written with imageio-ffmpeg's ffmpeg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = imageio_ffmpeg.write_frames(str(path), size_wh, fps=25, macro_block_size=2)
    writer.send(None)
    w, h = size_wh
    ramp = np.tile(np.linspace(0, 255, w, dtype=np.uint8), (h, 1))
    for i in range(frames):
        writer.send(np.ascontiguousarray(np.dstack([np.roll(ramp, 3 * i, axis=1)] * 3)))
    writer.close()
    return path


def _png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((32, 48, 3), 90, np.uint8)).save(path)
    return path


def _huge_png(path: Path) -> Path:
    """A PNG header claiming 30,000 x 30,000 px over a few bytes of data."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    path.parent.mkdir(parents=True, exist_ok=True)
    ihdr = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def _read_only_dir(tmp: Path) -> Path:
    """A folder this process cannot write to (root ignores permission bits: /sys then)."""
    if os.geteuid() != 0:
        folder = tmp / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    sys_dir = Path("/sys")
    try:
        (sys_dir / ".twinflash-write-test").touch()
    except OSError:
        return sys_dir
    (sys_dir / ".twinflash-write-test").unlink()
    pytest.skip("no read-only folder available to this (root) process")


# Each case builds (inputs, out) in a fresh folder, returns them; then exit code and the
# expected stderr substring (one line holds it).
Build = Callable[[Path], tuple[list[Path], Path]]


def _out_is_file(t: Path) -> tuple[list[Path], Path]:
    (t / "out.txt").write_text("a file, not a folder")
    return [_png(t / "in" / "good.png")], t / "out.txt"


def _out_parent_is_file(t: Path) -> tuple[list[Path], Path]:
    (t / "out.txt").write_text("a file, not a folder")
    return [_png(t / "in" / "good.png")], t / "out.txt" / "blurred"


def _out_read_only(t: Path) -> tuple[list[Path], Path]:
    return [_png(t / "in" / "good.png")], _read_only_dir(t)


def _out_under_read_only(t: Path) -> tuple[list[Path], Path]:
    return [_png(t / "in" / "good.png")], _read_only_dir(t) / "twinflash-blurred"


def _collision(t: Path) -> tuple[list[Path], Path]:
    return [_video(t / "in" / "a.mov", 3), _video(t / "in" / "a.mp4", 3)], t / "out"


def _with_good(make: Callable[[Path], Path]) -> Build:
    """The bad input beside a good photo: the photo must still be written."""

    def build(t: Path) -> tuple[list[Path], Path]:
        return [make(t / "in"), _png(t / "in" / "good.png")], t / "out"

    return build


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return folder / name

    return make


def _truncated_jpeg(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 255, (200, 300, 3), np.uint8)
    Image.fromarray(noise).save(buffer, format="JPEG")
    data = buffer.getvalue()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    return folder / "cut.jpg"


def _truncated_video(folder: Path) -> Path:
    data = _video(folder.parent / "whole" / "whole.mp4", 12).read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cut.mp4").write_bytes(data[: len(data) // 2])
    return folder / "cut.mp4"


def _no_media_dir(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "notes.txt").write_text("no picture here")
    return folder / "docs"


Y4M_9000x5000 = b"YUV4MPEG2 W9000 H5000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(1000)

CASES: dict[str, tuple[Build, int, str]] = {
    "out is a file": (_out_is_file, 2, "--out exists and is not a folder"),
    "out's parent is a file": (_out_parent_is_file, 2, "out.txt is a file"),
    "out is read-only": (_out_read_only, 2, "--out is not writable"),
    "out under a read-only folder": (_out_under_read_only, 2, "--out is not writable"),
    "two inputs, one output": (_collision, 2, "both would be written to"),
    "empty image": (_with_good(_write("empty.jpg", b"")), 1, "empty.jpg: empty file"),
    "garbage image": (_with_good(_write("junk.png", b"\x89PNG junk")), 1, "not a readable image"),
    "truncated jpeg": (_with_good(_truncated_jpeg), 1, "cut.jpg: corrupt image data"),
    "huge image": (_with_good(lambda f: _huge_png(f / "huge.png")), 1,
                   "huge.png: image of 900 MP refused before decoding"),
    "empty video": (_with_good(_write("empty.mp4", b"")), 1, "empty.mp4: empty file"),
    "garbage video": (_with_good(_write("junk.mov", os.urandom(4096))), 1,
                      "junk.mov: not a readable video"),
    "truncated video": (_with_good(_truncated_video), 1, "cut.mp4: "),
    "huge video": (_with_good(_write("huge.avi", Y4M_9000x5000)), 1,
                   "huge.avi: video frames of 9000x5000 px refused"),
    "folder without media": (_with_good(_no_media_dir), 1, "docs: folder holds no image"),
    "missing input": (_with_good(lambda f: f / "nowhere.jpg"), 1,
                      "nowhere.jpg: no such file or folder"),
    "unsupported file": (_with_good(_write("notes.txt", b"hi")), 1, "unsupported format '.txt'"),
    "markup in a name": (_with_good(_write("x[/b][red]y.jpg", b"junk")), 1, "x[/b][red]y.jpg: "),
    "newline in a name": (_with_good(_write("two\nlines.jpg", b"junk")), 1, "two\\nlines.jpg: "),
}  # fmt: skip


class _StubModel:
    """Stands for a face or plate model: counts loads, finds nothing."""

    loads = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        type(self).loads += 1

    def __call__(self, rgb: np.ndarray) -> list:
        return []

    def find(self, rgb: np.ndarray) -> list:
        return []

    find_eager = find

    def find_small(self, rgb: np.ndarray, skip: object = ()) -> list:
        return []

    def recognise_lines(self, crops: list) -> list:
        return [("", 0.0) for _ in crops]


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(privacy.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    try:
        return run_guarded(app)
    except SystemExit as exc:  # `blur` exits 1 itself when a file failed
        return int(exc.code or 0)


def _listing(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


@pytest.mark.parametrize(("build", "code", "message"), CASES.values(), ids=list(CASES))
def test_blur_bad_input(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    build: Build,
    code: int,
    message: str,
) -> None:
    monkeypatch.setattr(pipeline, "FaceDetector", _StubModel)
    monkeypatch.setattr(pipeline, "PlateReader", _StubModel)
    _StubModel.loads = 0
    inputs, out = build(tmp_path)
    before = _listing(tmp_path)
    assert _run(monkeypatch, "blur", *map(str, inputs), "--out", str(out)) == code
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err and "Traceback" not in captured.out
    lines = [line for line in err.splitlines() if message in line]
    assert len(lines) == 1, err
    created = _listing(tmp_path) - before
    if code == 2:  # refused: no model loaded, nothing written
        assert _StubModel.loads == 0
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
        assert created == set()
    else:  # the batch carried on: the good photo and its sidecar, nothing else
        assert lines[0].startswith("FAIL ")
        assert "1 written" in captured.out and " failed" in captured.out
        rel = out.relative_to(tmp_path)
        assert {p for p in created if p.suffix in (".png", ".json")} == {
            rel / "good.png",
            rel / "good.png.json",
        }, created
        assert not [p for p in created if p.name.startswith(".")]  # no temporary left


def test_rerun_after_kill_sweeps_partial_video(tmp_path: Path) -> None:
    """SIGKILL mid-video leaves a hidden partial .mp4; the next run removes it and finishes."""
    clip = _video(tmp_path / "in" / "long.mp4", FRAMES, (160, 120))
    out = tmp_path / "out"
    # a hidden image temporary of the same pattern from another dead run, and files of
    # the user's that look alike but are not twinflash's: those must stay
    out.mkdir()
    cmd = [sys.executable, "-m", "twinflash", "blur", str(clip), "--out", str(out), "--no-plates"]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 300  # generous: the machine may be busy
        partial: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in out.glob(".long.mp4.*.mp4") if p.stat().st_size > 0]
            if partial:
                break
            time.sleep(0.05)
        assert partial and proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the python process and its ffmpeg children
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "long.mp4").exists()
    left = sorted(p.name for p in out.iterdir())
    assert left and all(name.startswith(".long.mp4.") for name in left)  # the hidden partial
    dead = str(proc.pid)
    (out / f".photo.jpg.tmp-{dead}-0123abcd.jpg").write_bytes(b"partial jpeg")
    keep = [out / ".photo.jpg.notes", out / f".photo.jpg.tmp-{dead}-0123abcd.png", out / ".keep"]
    for path in keep:
        path.write_bytes(b"the user's")

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    assert probe(out / "long.mp4").size_wh == (160, 120)
    frames = sum(1 for _ in imageio_ffmpeg.read_frames(str(out / "long.mp4"))) - 1
    assert frames == FRAMES
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["long.mp4", "long.mp4.json", *(p.name for p in keep)]
    )


# `twinflash blur` and `twinflash plate read` through the real command-line plumbing.


def _run_raising(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(privacy.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    return run_guarded(app)


@pytest.fixture()
def plate_photo(tmp_path: Path, astronaut_with_plate: np.ndarray) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(astronaut_with_plate).save(path)
    return path


def test_plate_read_with_tight_box(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plate_photo: Path
) -> None:
    # the pasted plate is centred on (360, 440), 26 px high: box on its characters only
    code = _run_raising(
        monkeypatch, "plate", "read", str(plate_photo), "--box", "312,430,108,20", "--json"
    )
    assert code == 0
    readings = json.loads(capsys.readouterr().out)
    assert readings[0]["text"] == "AB-123-CD" and readings[0]["format"] == "SIV"
    assert 0.5 < readings[0]["confidence"] <= 1.0
    alts = readings[0]["alternatives"]
    assert alts[0] == {"text": "AB-123-CD", "format": "SIV",
                       "probability": readings[0]["confidence"]}  # fmt: skip
    assert sum(a["probability"] for a in alts) <= 1.0 + 1e-3
    assert isinstance(readings[0]["confident"], bool)


def test_plate_read_from_corners_gives_alternatives_of_a_blurred_look_alike(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A small, blurred plate: the reading comes with its rivals and their probabilities."""
    from twinflash.privacy.plate_composites import Conditions, composite

    c = composite("AB-128-CD", Conditions(height_px=16, blur_px=4), seed=3)
    path = tmp_path / "small.png"
    Image.fromarray(c.rgb).save(path)
    corners = ",".join(f"{v:.1f}" for v in c.corners.ravel())
    code = _run_raising(monkeypatch, "plate", "read", str(path), "--corners", corners, "--json")
    assert code == 0
    (plate,) = json.loads(capsys.readouterr().out)
    texts = [a["text"] for a in plate["alternatives"]]
    assert "AB-128-CD" in texts and len(texts) >= 2
    probs = [a["probability"] for a in plate["alternatives"]]
    assert probs == sorted(probs, reverse=True)
    # the characters' height the height gate looks at: their band, 0.68 of a 16 px plate
    assert plate["chars_px"] == pytest.approx(0.68 * 16, abs=0.5)
    # the width and gap gates' evidence: the text area (420 of 520 mm), characters in place
    assert plate["width_px"] == pytest.approx(16 * 420 / 110, abs=1.5)
    assert 0 <= plate["gap"] < 0.5


def test_plate_read_whole_photo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plate_photo: Path
) -> None:
    assert _run_raising(monkeypatch, "plate", "read", str(plate_photo)) == 0
    first = capsys.readouterr().out.splitlines()[0].split("\t")
    assert first[:2] == ["AB-123-CD", "SIV"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--box", "1,2,3"], "--box: expected 4 numbers"),
        (["--box", "a,b,c,d"], "--box: expected comma-separated numbers"),
        (["--box", "5000,5000,40,10"], "outside the 512x512 image"),
        (["--corners", "1,2,3,4"], "--corners: expected 8 numbers"),
        (["--corners", "5,5,5,5,5,5,5,5"], "--corners: the plate"),
    ],
)
def test_plate_read_bad_box_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    plate_photo: Path,
    args: list[str],
    message: str,
) -> None:
    assert _run_raising(monkeypatch, "plate", "read", str(plate_photo), *args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_blur_reports_failures_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plate_photo: Path
) -> None:
    bad = plate_photo.with_name("bad.jpg")
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = plate_photo.parent / "out"
    with pytest.raises(SystemExit) as exc:
        _run_raising(
            monkeypatch,
            "blur",
            str(plate_photo),
            str(bad),
            "--out",
            str(out),
            "--style",
            "pixelate",
        )
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert "1 written, 1 failed" in captured.out
    assert "FAIL" in captured.err and "bad.jpg" in captured.err
    assert (out / "photo.png").is_file() and (out / "photo.png.json").is_file()


def test_blur_bad_style_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plate_photo: Path
) -> None:
    assert (
        _run_raising(monkeypatch, "blur", str(plate_photo), "--out", "x", "--style", "swirl") == 2
    )
    assert "--style" in capsys.readouterr().err


# The sidecar says what was hidden (kind, box, score), never the plate text, unless asked.

TEXT = "EF-905-TZ"


def _leaks(data: bytes) -> list[str]:
    """Forms of the plate text found in `data` (with dashes, without, any case)."""
    low = data.lower()
    forms = {TEXT, TEXT.replace("-", ""), TEXT.replace("-", " ")}
    return [f for f in forms if f.lower().encode() in low]


@pytest.fixture()
def street_photo(tmp_path: Path, astronaut: np.ndarray) -> Path:
    img, _ = paste_plate(astronaut, TEXT, 30, (360, 440))
    path = tmp_path / "in" / "street.png"
    path.parent.mkdir()
    Image.fromarray(img).save(path)
    return path


@pytest.fixture()
def clip(tmp_path: Path, astronaut: np.ndarray) -> Path:
    """Four 320x240 frames with the plate sliding right, no sound."""
    path = tmp_path / "in" / "road.mp4"
    path.parent.mkdir(exist_ok=True)
    writer = imageio_ffmpeg.write_frames(str(path), (320, 240), fps=4, macro_block_size=2)
    writer.send(None)
    for i in range(4):
        frame, _ = paste_plate(np.full((240, 320, 3), 120, np.uint8), TEXT, 30, (150 + 4 * i, 120))
        writer.send(frame)
    writer.close()
    return path


def test_sidecar_never_holds_the_plate_text_by_default(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    street_photo: Path,
    clip: Path,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    assert _run(monkeypatch, "blur", str(street_photo), str(clip), "--out", str(out)) == 0
    captured = capsys.readouterr()
    for side in (out / "street.png.json", out / "road.mp4.json"):
        data = side.read_bytes()
        doc = json.loads(data)
        plates = [r for r in doc["blurred"] if r["kind"] == "plate"]
        assert plates, f"{side.name}: the plate must have been found (else the test proves nothing)"
        assert all(set(r) >= {"kind", "xyxy", "score"} and "text" not in r for r in plates)
        assert doc["plate_text"] is False
        assert _leaks(data) == [], side.name
    # nor does the console (ok lines, summary) or the log
    assert _leaks((captured.out + captured.err + caplog.text).encode()) == []


def test_sidecar_plate_text_only_on_request(
    monkeypatch: pytest.MonkeyPatch, street_photo: Path, clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["blur", str(street_photo), str(clip), "--out", str(out), "--sidecar-plate-text"]
    assert _run(monkeypatch, *args) == 0
    for side in (out / "street.png.json", out / "road.mp4.json"):
        doc = json.loads(side.read_bytes())
        assert doc["plate_text"] is True
        assert TEXT in {r["text"] for r in doc["blurred"] if r["kind"] == "plate"}, side.name


def test_help_warns_that_the_option_undoes_the_blur(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one help line per option
    _run(monkeypatch, "blur", "--help")
    text = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "--sidecar-plate-text" in text and "undoes the blur" in text
