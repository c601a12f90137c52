"""The demo's folder and size: a folder it did not make, of another size, a file or a broken
marker, and sizes that cannot split or plant are refused, nothing written."""

from __future__ import annotations

import pytest

from twinflash.clonedemo.run import DemoSize, claim_folder
from twinflash.errors import InputError


def test_a_folder_of_another_size_or_a_user_folder_is_refused(tmp_path) -> None:
    claim_folder(tmp_path / "demo", DemoSize(rounds=5))
    claim_folder(tmp_path / "demo", DemoSize(rounds=5))  # same size: resumes
    with pytest.raises(InputError, match="another size"):
        claim_folder(tmp_path / "demo", DemoSize(rounds=6))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="not a demo folder"):
        claim_folder(tmp_path / "mine", DemoSize())


def test_demo_command_refuses_a_folder_it_did_not_make(tmp_path, monkeypatch, capsys) -> None:
    import sys

    from twinflash.cli import flash
    from twinflash.cli._errors import run_guarded

    (tmp_path / "notes.txt").write_text("mine")
    app = flash.app
    monkeypatch.setattr(sys, "argv", ["twinflash", "flash", "demo", "--out", str(tmp_path)])
    assert run_guarded(app) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "not a demo folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


def test_a_file_or_a_broken_marker_is_refused(tmp_path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        claim_folder(tmp_path / "f", DemoSize())
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "demo.json").write_text("{not json")
    with pytest.raises(InputError, match="another size or version"):
        claim_folder(tmp_path / "d", DemoSize())


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"rounds": 4}, "at least 5"), ({"vehicles": ("fiat_500",)}, "at least 2 models")],
)
def test_a_demo_size_that_cannot_split_or_plant_is_refused(kw, match) -> None:
    with pytest.raises(InputError, match=match):
        DemoSize(**kw)


def test_the_headline_promise_says_what_a_flag_is_certified_to() -> None:
    """15 honest photos, none flagged, bound false alarms by 18.1 %: that certifies the
    demo's 20 % target, not production's 0.1 %, where such a level never flags."""
    import numpy as np

    from twinflash.clonedemo.run import demo_target, promise
    from twinflash.flash.recogniser.labels import ClassSet
    from twinflash.flash.ruler import RulerCalibration
    from twinflash.flash.thresholds import calibrate

    # the lowest target the calibration photos certify: the demo's 15, --full's 96, 2,995
    assert [demo_target(n) for n in (15, 96, 2995, 2994, 2)] == [0.2, 0.05, 0.001, 0.002, 0.5]
    classes = ClassSet.of([("Renault", "Twingo"), ("Peugeot", "3008")])
    labels = np.arange(15) % 2
    probs = np.eye(2)[labels] * 0.98 + 0.01
    ruler = RulerCalibration((1.0, 1.0), (0.05, 0.05), 30, 15)
    demo = promise(calibrate(probs, labels, classes, target=demo_target(15)), ruler)
    assert demo == ("Flags are certified to at most 20% false alarms (honest photos flagged, "
                    "95% confidence). Bounds reached: model level 18.1% on 15 photos; size "
                    "check 18.1% on 15 photos.")  # fmt: skip
    strict = promise(calibrate(probs, labels, classes), None)
    assert strict.startswith("Flags are certified to at most 0.1% false alarms")
    assert "model level 18.1% on 15 photos (short of it: never flags)" in strict
    loose = promise(calibrate(probs, labels, classes, allow_uncertified=True), ruler)
    assert loose.startswith("Uncertified flags ALLOWED (--allow-uncertified, an experiment)")
    assert "size check 18.1% on 15 photos (short of it: flags anyway)" in loose
