"""Vehicle classification against hand-computed values: accuracy, confusions, ECE, labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.audit.conftest import coco_of

from twinflash.audit.classify import expected_calibration_error, norm_label
from twinflash.audit.data import from_coco
from twinflash.audit.models import build_model
from twinflash.audit.run import evaluate
from twinflash.audit.tasks import AuditSettings


def test_classification_accuracy_confusions_and_ece(tmp_path: Path) -> None:
    v = {"make": "Renault", "model": "Clio"}
    p = {"make": "Peugeot", "model": "208"}
    objects = [
        (0, "vehicle", [0, 0, 60, 40], v),
        (0, "vehicle", [80, 0, 60, 40], p),
        (1, "vehicle", [0, 0, 60, 40], v),
        (1, "vehicle", [0, 100, 10, 10], v),
    ]
    ds = from_coco(coco_of(objects, 2), [{}, {}], tmp_path, "coco")
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
    assert out.summary.vehicles == 3
    assert out.summary.top1 == pytest.approx(1 / 3)
    assert out.summary.top5 == pytest.approx(2 / 3)
    pairs = {(c.true, c.predicted, c.count) for c in out.confusions}
    assert pairs == {("Renault/Clio", "Peugeot/208", 1), ("Peugeot/208", "Renault/Clio", 1)}
    # ECE: bins of width 1/15; confidences 0.9 (right), 0.6 (wrong), 0.7 (wrong)
    assert out.summary.ece == pytest.approx((0.1 + 0.6 + 0.7) / 3)


def test_ece_of_a_calibrated_model_is_small() -> None:
    rng = np.random.default_rng(0)
    conf = rng.uniform(0, 1, 20000)
    correct = (rng.random(20000) < conf).astype(float)
    ece, table = expected_calibration_error(conf, correct)
    assert ece < 0.02 and sum(t.count for t in table) == 20000


def test_norm_label_ignores_case_accents_and_separators() -> None:
    assert norm_label("Citroën/C3") == norm_label("citroen c3") == norm_label("CITROEN_C3")
