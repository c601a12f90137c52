"""Adapters that need no ONNX: Python callables and predictions files."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from twinflash.audit.models import Detections, build_model
from twinflash.errors import InputError


def test_python_callable_detections_counts_and_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    mod = types.ModuleType("fake_models")
    mod.detect = lambda img: (np.array([[0, 0, 4, 8], [1, 1, 5, 9]]), np.array([0.9, 0.2]))
    mod.count = lambda img: 7
    mod.classify = lambda crop: {"Renault/Clio": 0.2, "Peugeot/208": 0.8}
    monkeypatch.setitem(sys.modules, "fake_models", mod)
    img = np.zeros((10, 10, 3), np.uint8)
    det = build_model("python:fake_models:detect").detect(img)
    assert isinstance(det, Detections) and len(det.scores) == 2
    assert build_model("python:fake_models:detect").count(img, 0.5) == 1.0
    assert build_model("python:fake_models:count").count(img, 0.5) == 7.0
    labels, scores = build_model("python:fake_models:classify").classify_labels(img)
    assert labels == ["Peugeot/208", "Renault/Clio"] and scores[0] == 0.8
    with pytest.raises(InputError, match="fake_models has no function nope"):
        build_model("python:fake_models:nope")


def test_predictions_file_errors_name_the_record(tmp_path: Path) -> None:
    from twinflash.audit.synthetic import planted_problem

    ds, _ = planted_problem(3, 2)
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps([{"image_id": 99, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}])
    )
    with pytest.raises(InputError, match=r"p.json: \[0\].image_id: 99 is not an image"):
        build_model(f"predictions:{path}").detections_for(ds, 1)
    path.write_text("[{")
    with pytest.raises(InputError, match=r"p\.json: broken JSON"):
        build_model(f"predictions:{path}")
