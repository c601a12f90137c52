"""Counting, classification and lying-person detection against hand-computed values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from twinflash.audit.analysis import AnalysisSettings, analyse
from twinflash.audit.classify import expected_calibration_error, norm_label
from twinflash.audit.data import from_coco
from twinflash.audit.models import Detections, build_model
from twinflash.audit.run import evaluate
from twinflash.audit.tasks import AuditSettings, detection_task


def _coco(objects: list[tuple[int, str, list[float], dict]], n_images: int) -> dict:
    return {
        "images": [
            {"id": i + 1, "file_name": f"{i}.png", "width": 200, "height": 200}
            for i in range(n_images)
        ],
        "annotations": [
            {
                "id": k + 1,
                "image_id": img + 1,
                "category_id": 1 if cat == "person" else 2,
                "bbox": box,
                "area": box[2] * box[3],
                "iscrowd": 0,
                "attributes": attrs,
            }
            for k, (img, cat, box, attrs) in enumerate(objects)
        ],
        "categories": [{"id": 1, "name": "person"}, {"id": 2, "name": "vehicle"}],
    }


def test_counting_errors_by_hand(tmp_path: Path) -> None:
    # true counts 2, 0, 1; predicted 3, 0, 0 -> errors +1, 0, -1
    objects = [
        (0, "person", [0, 0, 10, 30], {}),
        (0, "person", [50, 0, 10, 30], {}),
        (2, "person", [0, 0, 10, 30], {}),
    ]
    ds = from_coco(_coco(objects, 3), [{"night": n} for n in (True, False, True)], tmp_path, "coco")
    preds = tmp_path / "counts.json"
    preds.write_text(json.dumps([{"image_id": i + 1, "count": c} for i, c in enumerate([3, 0, 0])]))
    out = evaluate(build_model(f"predictions:{preds}"), ds, "crowd-counting", AuditSettings())
    assert out.summary["mae"] == pytest.approx(2 / 3)
    assert out.summary["rmse"] == pytest.approx(math.sqrt(2 / 3))
    assert out.summary["relative_error"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert out.summary["bias"] == pytest.approx(0.0)


def test_classification_accuracy_confusions_and_ece(tmp_path: Path) -> None:
    v = {"make": "Renault", "model": "Clio"}
    p = {"make": "Peugeot", "model": "208"}
    objects = [
        (0, "vehicle", [0, 0, 60, 40], v),
        (0, "vehicle", [80, 0, 60, 40], p),
        (1, "vehicle", [0, 0, 60, 40], v),
        (1, "vehicle", [0, 100, 10, 10], v),
    ]
    ds = from_coco(_coco(objects, 2), [{}, {}], tmp_path, "coco")
    preds = tmp_path / "cls.json"
    preds.write_text(
        json.dumps(
            [
                {
                    "annotation_id": 1,
                    "labels": ["renault clio", "peugeot 208"],
                    "scores": [0.9, 0.1],
                },
                {
                    "annotation_id": 2,
                    "labels": ["Renault/Clio", "Peugeot/208"],
                    "scores": [0.6, 0.4],
                },
                {"annotation_id": 3, "label": "Peugeot/208", "score": 0.7},
            ]
        )
    )
    out = evaluate(
        build_model(f"predictions:{preds}"), ds, "vehicle-classification", AuditSettings()
    )
    # the 10x10 vehicle is too small to classify; of three, one right at top-1, two at top-5
    assert out.summary["vehicles"] == 3
    assert out.summary["top1"] == pytest.approx(1 / 3)
    assert out.summary["top5"] == pytest.approx(2 / 3)
    pairs = {(c["true"], c["predicted"], c["count"]) for c in out.confusions}
    assert pairs == {("Renault/Clio", "Peugeot/208", 1), ("Peugeot/208", "Renault/Clio", 1)}
    # ECE: bins of width 1/15; confidences 0.9 (right), 0.6 (wrong), 0.7 (wrong)
    assert out.summary["ece"] == pytest.approx((0.1 + 0.6 + 0.7) / 3)


def test_ece_of_a_calibrated_model_is_small() -> None:
    rng = np.random.default_rng(0)
    conf = rng.uniform(0, 1, 20000)
    correct = (rng.random(20000) < conf).astype(float)
    ece, table = expected_calibration_error(conf, correct)
    assert ece < 0.02 and sum(t["count"] for t in table) == 20000


def test_norm_label_ignores_case_accents_and_separators() -> None:
    assert norm_label("Citroën/C3") == norm_label("citroen c3") == norm_label("CITROEN_C3")


def test_lying_person_detection_ignores_standing_people(tmp_path: Path) -> None:
    objects = [
        (0, "person", [0, 0, 60, 25], {"pose": "lying"}),
        (0, "person", [100, 0, 20, 60], {"pose": "standing"}),
    ]
    ds = from_coco(_coco(objects, 1), [{}], tmp_path, "coco")
    dets = [Detections([[100, 0, 120, 60]], [0.9])]  # finds only the standing person
    out = detection_task(ds, dets, "lying-person-detection", AuditSettings(), 0.5)
    assert out.summary["recall"] == 0.0 and out.summary["objects_counted"] == 1
    assert out.summary["false_positives_per_image"] == 0.0  # on an ignored person
    res = analyse(ds, out, AnalysisSettings(n_boot=50))
    assert res["overall"]["recall"]["value"] == 0.0
