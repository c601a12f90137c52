"""Recogniser data layouts, levels and calibration (no torch needed)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from tests.flash.synthetic_vehicles import draw_vehicle, write_manifest

from twinflash.errors import InputError
from twinflash.flash.crops import CropSpec
from twinflash.flash.recogniser.calibrate import ece, fit_temperature, reliability_diagram, softmax
from twinflash.flash.recogniser.data import discover, load_crops
from twinflash.flash.recogniser.labels import ClassSet

SPEC = CropSpec(size_wh=(64, 64))


def _save(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


def test_folders_are_normalised_and_cropped_whole(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for make, model in [("RENAULT", "Megane"), ("Renault", "Mégane"), ("Tesla", "Model_3")]:
        for i in range(2):
            _save(tmp_path / make / model / f"{i}.jpg", draw_vehicle("3008", rng)[0])
    found = discover(tmp_path)
    assert found.layout == "folders"
    assert {(s.make, s.model) for s in found.samples} == {
        ("Renault", "Mégane"),
        ("Tesla", "Model 3"),
    }
    loaded = load_crops(found, SPEC)
    assert len(loaded.crops) == 6 and loaded.crops[0].shape == (64, 64, 3)
    assert loaded.skipped == []


def test_manifest_rows_skipped_with_reasons(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"twingo": 2, "3008": 2, "master": 1})
    with (tmp_path / "manifest.csv").open("a") as fh:
        fh.write("photos/missing.png,Renault,Twingo,,,,,,,,,\n")
        fh.write("photos/corrupt.png,Renault,Twingo,,,,,,,,,\n")
        fh.write("photos/all_000_twingo.png,Foo,Bar,,,,,,,,,\n")
        fh.write("photos/all_000_twingo.png,Renault,Twingo,0,0,1,1,1,1,0,1,\n")  # bow tie
        fh.write("photos/all_000_twingo.png,Renault,Twingo,a,b,c,d,e,f,g,h,\n")
    (tmp_path / "photos" / "corrupt.png").write_bytes(b"not a png")
    found = discover(tmp_path / "manifest.csv")
    loaded = load_crops(found, SPEC)
    reasons = {s.where.rsplit(":", 1)[1]: s.reason for s in loaded.skipped}
    assert "photo not found" in reasons["7"]
    assert "not a readable image" in reasons["8"]
    assert "not in the taxonomy" in reasons["9"]
    assert "not a convex quadrilateral" in reasons["10"]
    assert "expected numbers" in reasons["11"]
    assert "Renault Master has 1 photo" in reasons["6"]  # the lonely class is dropped
    assert {(s.make, s.model) for s in loaded.samples} == {
        ("Renault", "Twingo"),
        ("Peugeot", "3008"),
    }
    assert len(loaded.samples) == 4


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("path,make,model,colour\n", r"unknown column\(s\) \['colour'\]"),
        ("path,make\n", r"missing column\(s\) \['model'\]"),
    ],
)
def test_manifest_header_errors_are_one_line(tmp_path: Path, header: str, message: str) -> None:
    (tmp_path / "m.csv").write_text(header + "a.png,Renault,Clio,red\n")
    with pytest.raises(InputError, match=message):
        discover(tmp_path / "m.csv")


def test_twinflash_coco_vehicles_cropped_on_their_plate(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    img, q = draw_vehicle("master", rng)
    _save(tmp_path / "samples/000000/image.png", img)
    xs, ys = q[:, 0], q[:, 1]
    coco = {
        "images": [{"id": 1, "file_name": "samples/000000/image.png", "width": 160, "height": 120}],
        "annotations": [
            {"id": 1, "instance_id": 1, "image_id": 1, "category_id": 2, "bbox": [40, 10, 80, 100],
             "visibility": 1.0, "attributes": {"make": "Renault", "model": "Master"}},
            {"id": 2, "instance_id": 2, "image_id": 1, "category_id": 3, "vehicle_id": 1,
             "bbox": [xs.min(), ys.min(), np.ptp(xs), np.ptp(ys)], "area": 40,
             "corners": q.tolist()},
            {"id": 3, "instance_id": 3, "image_id": 1, "category_id": 2, "bbox": [0, 0, 10, 10],
             "visibility": 1.0, "attributes": {"make": "Renault", "model": "Clio"}},
        ],
    }  # fmt: skip
    (tmp_path / "coco").mkdir()
    (tmp_path / "coco/instances_train.json").write_text(json.dumps(coco))
    found = discover(tmp_path)
    assert found.layout == "twinflash-coco"
    [s] = found.samples  # the 10 px vehicle is too small to learn from
    assert (s.make, s.model, s.split) == ("Renault", "Master", "train")
    np.testing.assert_allclose(s.corners_xy, q)


def test_missing_data_and_empty_dirs_are_one_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        discover(tmp_path / "nope")
    with pytest.raises(InputError, match="no labelled vehicle photo"):
        discover(tmp_path)


def test_levels_sum_model_probabilities_and_judge_unseen_models() -> None:
    classes = ClassSet.of([("Renault", "Twingo"), ("Renault", "Master"), ("Peugeot", "3008")])
    assert classes.bodies == ("suv", "large_van", "city_car")  # sorted: 3008, Master, Twingo
    probs = np.array([[0.1, 0.6, 0.3]])
    labels, make_p = classes.level_probs(probs, "make")
    assert dict(zip(labels, make_p[0], strict=True)) == pytest.approx(
        {"Peugeot": 0.1, "Renault": 0.9}
    )
    labels, body_p = classes.level_probs(probs, "body")
    assert dict(zip(labels, body_p[0], strict=True)) == pytest.approx(
        {"suv": 0.1, "large_van": 0.6, "city_car": 0.3}
    )
    assert classes.judge_level("RENAULT", "TWINGO III") == "model"
    assert classes.judge_level("RENAULT", "CLIO") == "make"  # never guessed as a model
    assert classes.judge_level("CITROEN", "C5 AIRCROSS") == "body"  # an suv, make unseen
    assert classes.judge_level("CITROEN", "C3") is None  # hatchback: no trained body
    assert classes.judge_level("FOO", "BAR") is None


def test_temperature_scaling_recovers_a_known_temperature() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 2, size=(4000, 5))
    labels = np.array([rng.choice(5, p=p) for p in softmax(true_logits)])
    overconfident = true_logits * 3.0  # a network 3x too sure of itself
    t = fit_temperature(overconfident, labels)
    assert t == pytest.approx(3.0, rel=0.1)
    assert ece(softmax(overconfident, t), labels) < 0.03 < ece(softmax(overconfident), labels)


def test_temperature_prior_keeps_small_perfect_sets_sane() -> None:
    logits = np.array([[3.0, 0.0], [0.0, 3.0], [2.5, 0.0]])
    t = fit_temperature(logits, np.array([0, 1, 0]))
    assert 0.2 < t < 1.0  # sharpened a little, not to certainty


def test_reliability_diagram_png(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    probs = softmax(rng.normal(0, 2, size=(200, 3)))
    labels = rng.integers(0, 3, 200)
    path = reliability_diagram(probs, probs, labels, tmp_path / "r.png", 1.0)
    img = cv2.imread(str(path))
    assert img is not None and img.shape[0] > 200 and img.shape[1] > 400
