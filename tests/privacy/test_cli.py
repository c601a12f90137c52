"""`twinflash blur` and `twinflash plate read` through the real command-line plumbing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import typer
from PIL import Image

from twinflash.cli import privacy
from twinflash.cli._errors import run_guarded


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(privacy.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    return run_guarded(app)


@pytest.fixture()
def photo(tmp_path: Path, astronaut_with_plate: np.ndarray) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(astronaut_with_plate).save(path)
    return path


def test_plate_read_with_tight_box(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], photo: Path
) -> None:
    # the pasted plate is centred on (360, 440), 26 px high: box on its characters only
    code = _run(monkeypatch, "plate", "read", str(photo), "--box", "312,430,108,20", "--json")
    assert code == 0
    readings = json.loads(capsys.readouterr().out)
    assert readings[0]["text"] == "AB-123-CD" and readings[0]["format"] == "SIV"
    assert 0.5 < readings[0]["confidence"] <= 1.0


def test_plate_read_whole_photo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], photo: Path
) -> None:
    assert _run(monkeypatch, "plate", "read", str(photo)) == 0
    first = capsys.readouterr().out.splitlines()[0].split("\t")
    assert first[:2] == ["AB-123-CD", "SIV"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--box", "1,2,3"], "--box: expected 4 numbers"),
        (["--box", "a,b,c,d"], "--box: expected comma-separated numbers"),
        (["--box", "5000,5000,40,10"], "outside the 512x512 image"),
    ],
)
def test_plate_read_bad_box_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    photo: Path,
    args: list[str],
    message: str,
) -> None:
    assert _run(monkeypatch, "plate", "read", str(photo), *args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_blur_reports_failures_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], photo: Path
) -> None:
    bad = photo.with_name("bad.jpg")
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = photo.parent / "out"
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "blur", str(photo), str(bad), "--out", str(out), "--style", "pixelate")
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert "1 written, 1 failed" in captured.out
    assert "FAIL" in captured.err and "bad.jpg" in captured.err
    assert (out / "photo.png").is_file() and (out / "photo.png.json").is_file()


def test_blur_bad_style_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], photo: Path
) -> None:
    assert _run(monkeypatch, "blur", str(photo), "--out", "x", "--style", "swirl") == 2
    assert "--style" in capsys.readouterr().err
