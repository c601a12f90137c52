"""The sidecar says what was hidden (kind, box, score), never the plate text, unless asked."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import typer
from PIL import Image

from twinflash.cli import privacy
from twinflash.cli._errors import run_guarded
from twinflash.privacy.synthetic import paste_plate

TEXT = "EF-905-TZ"


def _leaks(data: bytes) -> list[str]:
    """Forms of the plate text found in `data` (with dashes, without, any case)."""
    low = data.lower()
    forms = {TEXT, TEXT.replace("-", ""), TEXT.replace("-", " ")}
    return [f for f in forms if f.lower().encode() in low]


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(privacy.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    try:
        return run_guarded(app)
    except SystemExit as exc:  # `blur` exits 1 itself when a file failed
        return int(exc.code or 0)


@pytest.fixture()
def photo(tmp_path: Path, astronaut: np.ndarray) -> Path:
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
    photo: Path,
    clip: Path,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    assert _run(monkeypatch, "blur", str(photo), str(clip), "--out", str(out)) == 0
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
    monkeypatch: pytest.MonkeyPatch, photo: Path, clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["blur", str(photo), str(clip), "--out", str(out), "--sidecar-plate-text"]
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
