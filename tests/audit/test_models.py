"""The adapter registry and the task protocols: a helpful miss, dispatch by protocol, an
error naming the missing methods, no heavy engine at import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from tests.audit.conftest import coco_of

from twinflash.audit.classify import run_classifier
from twinflash.audit.data import AuditDataset, from_coco
from twinflash.audit.models import (
    ClassesSource,
    Classifier,
    Counter,
    CountsSource,
    DetectionsSource,
    Detector,
    build_model,
)
from twinflash.audit.tasks import run_counter, run_detector
from twinflash.errors import InputError


def test_unknown_adapter_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown model adapter 'yolo'; known: hog-people"):
        build_model("yolo:x.onnx")


def test_audit_imports_no_heavy_engine() -> None:
    import subprocess

    code = (
        "import sys, twinflash.audit.run, twinflash.cli.audit\n"
        "print(','.join(m for m in ('onnxruntime', 'bpy', 'torch', 'ray')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


class _NamedOnly:
    name = "nothing"


class _Counts:
    name = "counts"

    def count(self, rgb: np.ndarray, threshold: float) -> float:
        return float(rgb.shape[1])  # the image width, to see that images were read


def _ds(tmp_path: Path) -> AuditDataset:
    coco = coco_of([(0, "person", [0, 0, 10, 30], {}), (1, "vehicle", [0, 0, 40, 40], {})], 2)
    for i in range(2):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.zeros((20, 30 + i, 3), np.uint8))
    return from_coco(coco, [{}, {}], tmp_path, "coco")


def test_each_adapter_offers_the_protocols_of_its_tasks(tmp_path: Path) -> None:
    hog = build_model("hog-people")
    assert isinstance(hog, Detector) and not isinstance(hog, Classifier | Counter)
    preds = tmp_path / "p.json"
    preds.write_text("[]")
    source = build_model(f"predictions:{preds}")
    assert isinstance(source, DetectionsSource | CountsSource | ClassesSource)
    assert not isinstance(source, Detector | Counter | Classifier)


@pytest.mark.parametrize(
    ("run", "message"),
    [
        (
            lambda m, ds: run_detector(m, ds, 1, None, "person"),
            r"`model_spec` nothing: this adapter does not detect objects "
            r"\(no detect\(rgb\) or detections_for\(dataset, category_id\)\)",
        ),
        (
            lambda m, ds: run_counter(m, ds, 1, 0.5, None, "person"),
            r"does not count objects \(no count\(rgb, threshold\) or counts_for\(dataset\) "
            r"or detect\(rgb\) or detections_for",
        ),
        (
            lambda m, ds: run_classifier(m, ds, np.array([1]), None),
            r"does not classify images \(no classify_labels\(crop\) or classes_for",
        ),
    ],
)
def test_an_adapter_without_the_task_protocol_is_told_what_it_lacks(
    tmp_path: Path, run: Callable[[Any, AuditDataset], object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        run(_NamedOnly(), _ds(tmp_path))


def test_a_counter_counts_every_image_it_reads(tmp_path: Path) -> None:
    counts = run_counter(_Counts(), _ds(tmp_path), 1, 0.5, None, "person")
    assert counts.tolist() == [30.0, 31.0]
