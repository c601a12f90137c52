"""Counting and lying-person detection against hand-computed values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tests.audit.conftest import coco_of

from twinflash.audit.analysis import AnalysisSettings, analyse
from twinflash.audit.data import from_coco
from twinflash.audit.models import Detections, build_model
from twinflash.audit.run import evaluate
from twinflash.audit.tasks import AuditSettings, detection_task


def test_counting_errors_by_hand(tmp_path: Path) -> None:
    # true counts 2, 0, 1; predicted 3, 0, 0 -> errors +1, 0, -1
    objects = [
        (0, "person", [0, 0, 10, 30], {}),
        (0, "person", [50, 0, 10, 30], {}),
        (2, "person", [0, 0, 10, 30], {}),
    ]
    ds = from_coco(
        coco_of(objects, 3), [{"night": n} for n in (True, False, True)], tmp_path, "coco"
    )
    preds = tmp_path / "counts.json"
    preds.write_text(json.dumps([{"image_id": i + 1, "count": c} for i, c in enumerate([3, 0, 0])]))
    out = evaluate(build_model(f"predictions:{preds}"), ds, "crowd-counting", AuditSettings())
    assert out.summary.mae == pytest.approx(2 / 3)
    assert out.summary.rmse == pytest.approx(math.sqrt(2 / 3))
    assert out.summary.relative_error == pytest.approx((0.5 + 0 + 1) / 3)
    assert out.summary.bias == pytest.approx(0.0)


def test_lying_person_detection_ignores_standing_people(tmp_path: Path) -> None:
    objects = [
        (0, "person", [0, 0, 60, 25], {"pose": "lying"}),
        (0, "person", [100, 0, 20, 60], {"pose": "standing"}),
    ]
    ds = from_coco(coco_of(objects, 1), [{}], tmp_path, "coco")
    dets = [Detections([[100, 0, 120, 60]], [0.9])]  # finds only the standing person
    out = detection_task(ds, dets, "lying-person-detection", AuditSettings(), 0.5)
    assert out.summary.recall == 0.0 and out.summary.objects_counted == 1
    assert out.summary.false_positives_per_image == 0.0  # on an ignored person
    res = analyse(ds, out, AnalysisSettings(n_boot=50))
    assert res.overall["recall"].value == 0.0
