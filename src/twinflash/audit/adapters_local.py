"""Adapters that need no ONNX: HOG people, pose people, a predictions file, a callable."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from twinflash.annotations import xywh_to_xyxy
from twinflash.audit.models import AdapterOptions, Detections
from twinflash.errors import InputError

if TYPE_CHECKING:
    from twinflash.audit.data import AuditDataset


class HogPeople:
    """OpenCV's pretrained HOG + linear SVM people detector (`twinflash.audit.hog`)."""

    name = "hog-people"
    default_score_threshold = 0.0  # every window the SVM accepts, as in peopledetect.py

    def __init__(self, options: AdapterOptions) -> None:
        if options.argument:
            raise InputError(
                f"`model_spec` hog-people takes no argument (got {options.argument!r})"
            )

    def detect(self, rgb: np.ndarray) -> Detections:
        from twinflash.audit.hog import detect_people

        boxes, scores = detect_people(rgb)
        return Detections(boxes, scores, None)


class PosePeople:
    """MediaPipe's BlazePose detector + landmarker on tiles (`twinflash.audit.pose`)."""

    name = "pose-people"
    default_score_threshold = 0.55  # pose.MIN_SCORE: detection x pose presence

    def __init__(self, options: AdapterOptions) -> None:
        if options.argument:
            raise InputError(
                f"`model_spec` pose-people takes no argument (got {options.argument!r})"
            )
        from twinflash.audit import pose

        try:
            pose.model_path(pose.DETECTOR)
            pose.model_path(pose.LANDMARKER)
            import tflite_runtime.interpreter  # noqa: F401
        except ImportError as exc:
            raise InputError(f"`model_spec` pose-people: {exc}") from None

    def detect(self, rgb: np.ndarray) -> Detections:
        from twinflash.audit.pose import detect_people

        boxes, scores = detect_people(rgb)
        return Detections(boxes, scores, None)


class PredictionsFile:
    """Predictions computed elsewhere, as a JSON list (COCO results and two extensions).

    Detection: `{"image_id" | "file_name", "category_id", "bbox": [x,y,w,h], "score"}`.
    Counting: `{"image_id" | "file_name", "count"}` (or detections, counted above the
    threshold). Classification: `{"annotation_id", "labels": [...], "scores": [...]}` or
    `{"annotation_id", "label", "score"}`.
    """

    name = "predictions"

    def __init__(self, options: AdapterOptions) -> None:
        if not options.argument:
            raise InputError("`model_spec` predictions:RESULTS.json: the file is missing")
        self.path = Path(options.argument)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{self.path}: file not found") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{self.path}: broken JSON at line {exc.lineno}: {exc.msg}") from None
        if isinstance(data, dict) and "annotations" in data:
            data = data["annotations"]
        if not isinstance(data, list):
            raise InputError(f"{self.path}: expected a JSON list of predictions")
        self.records: list[dict[str, Any]] = data

    def _image_index(self, dataset: AuditDataset) -> dict[Any, int]:
        index: dict[Any, int] = {int(i): k for k, i in enumerate(dataset.image_ids)}
        index |= {f: k for k, f in enumerate(dataset.file_names)}
        return index

    def _where(self, k: int, rec: dict[str, Any], index: dict[Any, int]) -> int:
        key = rec.get("image_id", rec.get("file_name"))
        if key not in index:
            raise InputError(f"{self.path}: [{k}].image_id: {key!r} is not an image of the dataset")
        return index[key]

    def detections_for(self, dataset: AuditDataset, category_id: int) -> list[Detections]:
        index = self._image_index(dataset)
        boxes: list[list[np.ndarray]] = [[] for _ in range(dataset.n_images)]
        scores: list[list[float]] = [[] for _ in range(dataset.n_images)]
        for k, rec in enumerate(self.records):
            if "bbox" not in rec or "score" not in rec:
                raise InputError(f"{self.path}: [{k}]: a detection needs bbox and score")
            if int(rec.get("category_id", category_id)) != category_id:
                continue
            i = self._where(k, rec, index)
            boxes[i].append(xywh_to_xyxy(rec["bbox"]))
            scores[i].append(float(rec["score"]))
        return [
            Detections(np.array(b).reshape(-1, 4), np.array(s))
            for b, s in zip(boxes, scores, strict=True)
        ]

    def counts_for(self, dataset: AuditDataset) -> np.ndarray | None:
        if not self.records or "count" not in self.records[0]:
            return None
        index = self._image_index(dataset)
        out = np.full(dataset.n_images, np.nan)
        for k, rec in enumerate(self.records):
            out[self._where(k, rec, index)] = float(rec["count"])
        return out

    def classes_for(
        self, dataset: AuditDataset, rows: np.ndarray
    ) -> dict[int, tuple[list[str], np.ndarray]]:
        """{annotation row: (labels best first, scores)} for the rows asked."""
        ann_row = {int(a): k for k, a in enumerate(dataset.truth.annotation_id)}
        wanted = set(rows.tolist())
        out = {}
        for k, rec in enumerate(self.records):
            if "annotation_id" not in rec:
                raise InputError(f"{self.path}: [{k}].annotation_id: missing")
            row = ann_row.get(int(rec["annotation_id"]))
            if row is None or row not in wanted:
                continue
            labels = rec.get("labels", [rec.get("label")])
            scores = rec.get("scores", [rec.get("score", 1.0)])
            order = np.argsort(-np.asarray(scores, float), kind="stable")
            out[row] = ([str(labels[j]) for j in order], np.asarray(scores, float)[order])
        return out


def _as_detections(result: Any, where: str) -> Detections:
    if isinstance(result, Detections):
        return result
    if isinstance(result, dict):
        boxes = np.asarray(result.get("xyxy", result.get("boxes")), dtype=float)
        return Detections(boxes, result["scores"], result.get("labels"))
    if isinstance(result, tuple | list) and len(result) in (2, 3):
        labels = list(result[2]) if len(result) == 3 else None
        return Detections(result[0], result[1], labels)
    raise InputError(
        f"{where}: expected (boxes_xyxy, scores[, labels]) or a dict, got {type(result).__name__}"
    )


class PythonCallable:
    """`python:package.module:function`, called with one (H,W,3) uint8 RGB array.

    It returns detections `(boxes_xyxy, scores[, labels])` or a dict with those keys;
    for counting it may return a number; for classification (called with a crop) a
    `{label: probability}` dict.
    """

    name = "python"

    def __init__(self, options: AdapterOptions) -> None:
        target = options.argument or ""
        module_name, _, func_name = target.partition(":")
        if not module_name or not func_name:
            raise InputError(
                f"`model_spec` python:{target}: expected python:package.module:function"
            )
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise InputError(
                f"`model_spec` python:{target}: cannot import {module_name} ({exc})"
            ) from None
        func = getattr(module, func_name, None)
        if not callable(func):
            raise InputError(
                f"`model_spec` python:{target}: {module_name} has no function {func_name}"
            )
        self.func: Callable[[np.ndarray], Any] = func
        self.where = f"python:{target}"

    def detect(self, rgb: np.ndarray) -> Detections:
        return _as_detections(self.func(rgb), self.where)

    def count(self, rgb: np.ndarray, threshold: float) -> float:
        """The returned number, or the returned boxes scoring at least `threshold`."""
        result = self.func(rgb)
        if isinstance(result, int | float | np.number):
            return float(result)
        return float((_as_detections(result, self.where).scores >= threshold).sum())

    def classify_labels(self, crop: np.ndarray) -> tuple[list[str], np.ndarray]:
        result = self.func(crop)
        if isinstance(result, str):
            return [result], np.ones(1)
        if not isinstance(result, dict):
            raise InputError(f"{self.where}: a classifier returns {{label: probability}}")
        labels = list(result)
        scores = np.array([float(result[k]) for k in labels])
        order = np.argsort(-scores, kind="stable")
        return [str(labels[j]) for j in order], scores[order]
