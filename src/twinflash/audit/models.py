"""Model adapters behind one registry: `--model NAME[:ARGUMENT]`.

Adapters are imported only when built, so `onnxruntime` (ONNX adapters) and OpenCV's HOG
are never import-time needs. An adapter offers some of:

- `detect(rgb) -> Detections` (detection and counting tasks),
- `classify(crop_rgb) -> probabilities` with `labels` (vehicle classification),
- `count(rgb) -> float` (counting, when the model counts directly),
- `detections_for(dataset)` / `classes_for(dataset, rows)` / `counts_for(dataset)` when the
  predictions were computed elsewhere (no image is read).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.errors import InputError


@dataclass
class Detections:
    """Boxes of one image: (N,4) xyxy pixels, (N,) scores, N class names (None: one class)."""

    xyxy: np.ndarray
    scores: np.ndarray
    labels: list[str] | None = None

    def __post_init__(self) -> None:
        self.xyxy = np.asarray(self.xyxy, dtype=float).reshape(-1, 4)
        self.scores = np.asarray(self.scores, dtype=float).reshape(-1)
        if len(self.scores) != len(self.xyxy):
            raise ValueError(f"Detections: {len(self.xyxy)} boxes but {len(self.scores)} scores")
        if self.labels is not None and len(self.labels) != len(self.xyxy):
            raise ValueError(f"Detections: {len(self.xyxy)} boxes but {len(self.labels)} labels")

    def of_class(self, name: str) -> Detections:
        """Only the boxes labelled `name` (all of them for a one-class detector)."""
        if self.labels is None:
            return self
        keep = np.array([str(lb) == name for lb in self.labels], dtype=bool)
        return Detections(self.xyxy[keep], self.scores[keep], None)


@dataclass
class AdapterOptions:
    """What the command line can tell an adapter, beyond its argument."""

    argument: str | None = None
    class_map: Path | None = None  # onnx-yolo: class index -> name
    labels: Path | None = None  # onnx-classifier: one label per line
    options: dict[str, Any] = field(default_factory=dict)


# name -> (module, factory, usage). Factories take AdapterOptions.
ADAPTERS: dict[str, tuple[str, str, str]] = {
    "hog-people": (
        "twinflash.audit.adapters_local",
        "HogPeople",
        "hog-people  (OpenCV's built-in HOG people detector; no download)",
    ),
    "onnx-yolo": (
        "twinflash.audit.adapters_onnx",
        "OnnxYolo",
        "onnx-yolo:MODEL.onnx `class_map` NAMES  (YOLO export: boxes, scores, classes)",
    ),
    "onnx-classifier": (
        "twinflash.audit.adapters_onnx",
        "OnnxClassifier",
        "onnx-classifier:MODEL.onnx `labels` LABELS.txt  (image classifier on crops)",
    ),
    "predictions": (
        "twinflash.audit.adapters_local",
        "PredictionsFile",
        "predictions:RESULTS.json  (COCO results computed elsewhere)",
    ),
    "python": (
        "twinflash.audit.adapters_local",
        "PythonCallable",
        "python:package.module:function  (called with an RGB image array)",
    ),
}


def known_models() -> str:
    return "; ".join(usage for _, _, usage in ADAPTERS.values())


def build_model(spec: str, options: AdapterOptions | None = None) -> Any:
    """The adapter named by `spec` ("name" or "name:argument"); the miss lists the names."""
    name, _, argument = spec.partition(":")
    if name not in ADAPTERS:
        raise InputError(
            f"`model_spec` {spec!r}: unknown model adapter {name!r}; known: {known_models()}"
        )
    module, factory, _ = ADAPTERS[name]
    opts = options or AdapterOptions()
    opts.argument = argument or None
    return getattr(importlib.import_module(module), factory)(opts)
