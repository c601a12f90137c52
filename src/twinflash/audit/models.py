"""Model adapters behind one registry: `--model NAME[:ARGUMENT]`, and what they offer.

Adapters are imported only when built, so `onnxruntime` (ONNX adapters) and OpenCV's HOG
are never import-time needs. Every adapter has a `name` (`Adapter`) and offers, per task,
one of two protocols: run on images, or hand over predictions computed elsewhere (no
image is read). The tasks dispatch with `isinstance` on these runtime-checkable
protocols, and an adapter that offers none for its task gets an error naming the methods
it lacks.

| task | on images | computed elsewhere |
|---|---|---|
| detection | `Detector.detect(rgb)` | `DetectionsSource.detections_for(dataset, category_id)` |
| counting | `Counter.count(rgb, threshold)` (or a detector) | `CountsSource.counts_for(dataset)` |
| classification | `Classifier.classify_labels(crop)` | `ClassesSource.classes_for(dataset, rows)` |
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from twinflash.errors import InputError

if TYPE_CHECKING:
    from twinflash.audit.data import AuditDataset


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


@runtime_checkable
class Adapter(Protocol):
    """What every adapter has: the name `--model` gives it."""

    name: str


@runtime_checkable
class Detector(Protocol):
    """Boxes of one (H,W,3) uint8 RGB image."""

    name: str

    def detect(self, rgb: np.ndarray) -> Detections: ...


@runtime_checkable
class DetectionsSource(Protocol):
    """Detections of every image of the dataset, of one category, made elsewhere."""

    name: str

    def detections_for(self, dataset: AuditDataset, category_id: int) -> list[Detections]: ...


@runtime_checkable
class Counter(Protocol):
    """The number of objects in one image (boxes above `threshold`, or a direct count)."""

    name: str

    def count(self, rgb: np.ndarray, threshold: float) -> float: ...


@runtime_checkable
class CountsSource(Protocol):
    """(n_images,) counts made elsewhere, or None when the source holds no counts."""

    name: str

    def counts_for(self, dataset: AuditDataset) -> np.ndarray | None: ...


@runtime_checkable
class Classifier(Protocol):
    """Labels of one crop, best first, with their scores."""

    name: str

    def classify_labels(self, crop: np.ndarray) -> tuple[list[str], np.ndarray]: ...


@runtime_checkable
class ClassesSource(Protocol):
    """{object row: (labels best first, scores)} for the rows asked, made elsewhere."""

    name: str

    def classes_for(
        self, dataset: AuditDataset, rows: np.ndarray
    ) -> dict[int, tuple[list[str], np.ndarray]]: ...


def missing_method(*protocols: type) -> str:
    """'no detect(rgb) or detections_for(dataset, category_id)': what the adapter lacks."""
    wanted: dict[type, str] = {
        Detector: "detect(rgb)",
        DetectionsSource: "detections_for(dataset, category_id)",
        Counter: "count(rgb, threshold)",
        CountsSource: "counts_for(dataset)",
        Classifier: "classify_labels(crop)",
        ClassesSource: "classes_for(dataset, rows)",
    }
    return "no " + " or ".join(wanted[p] for p in protocols)


def default_score_threshold(model: Adapter, fallback: float) -> float:
    """The adapter's own score threshold (`default_score_threshold`), else `fallback`."""
    value = getattr(model, "default_score_threshold", None)
    return fallback if value is None else float(value)


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
    "pose-people": (
        "twinflash.audit.adapters_local",
        "PosePeople",
        "pose-people  (MediaPipe's BlazePose person detector, TFLite; no download)",
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


def build_model(spec: str, options: AdapterOptions | None = None) -> Adapter:
    """The adapter named by `spec` ("name" or "name:argument"); the miss lists the names."""
    name, _, argument = spec.partition(":")
    if name not in ADAPTERS:
        raise InputError(
            f"`model_spec` {spec!r}: unknown model adapter {name!r}; known: {known_models()}"
        )
    module, factory, _ = ADAPTERS[name]
    opts = options or AdapterOptions()
    opts.argument = argument or None
    adapter: Adapter = getattr(importlib.import_module(module), factory)(opts)
    return adapter
