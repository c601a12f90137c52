"""`twinflash flash train` and `flash recognise` through the real command-line plumbing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer
from tests.flash.synthetic_vehicles import draw_vehicle, write_manifest

from twinflash.cli import flash
from twinflash.cli._errors import run_guarded


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(flash.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    return run_guarded(app)


def test_train_then_recognise_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("torch")
    import torch

    torch.set_num_threads(1)
    write_manifest(tmp_path, {"twingo": 5, "3008": 5, "master": 5}, seed=4)
    with (tmp_path / "manifest.csv").open("a") as fh:
        fh.write("photos/gone.png,Renault,Twingo,,,,,,,,,\n")
    out = tmp_path / "model"
    code = _run(monkeypatch, "flash", "train", str(tmp_path / "manifest.csv"), "--out", str(out),
                "--epochs", "1", "--input-size", "48", "--head-only", "--threads", "1")  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "3 classes" in captured.out and "1 item(s) skipped" in captured.out
    assert "epoch 1: loss" in captured.err  # the progress log
    img, q = draw_vehicle("master", __import__("numpy").random.default_rng(9))
    import cv2

    cv2.imwrite(str(tmp_path / "photo.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    plate = ",".join(f"{v:.2f}" for v in q.ravel())
    assert _run(monkeypatch, "flash", "recognise", str(out), str(tmp_path / "photo.png"),
                "--json", "--top-k", "2", "--plate", plate) == 0  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert doc["anchor"] == "plate" and len(doc["model"]) == 2
    assert sum(r["p"] for r in doc["make"]) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["flash", "train", "{tmp}/nope", "--out", "{tmp}/m"], "no such file or directory"),
        (["flash", "recognise", "{tmp}", "{tmp}/x.png"], "no model card"),
        (["flash", "recognise", "{tmp}", "x.png", "--plate", "1,2,3"], "expected 8 numbers"),
        (["flash", "train", "{tmp}", "--out", "{tmp}/m"], "no labelled vehicle photo"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    args: list[str], message: str,
) -> None:  # fmt: skip
    assert _run(monkeypatch, *[a.format(tmp=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
