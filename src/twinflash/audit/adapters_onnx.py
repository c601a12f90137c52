"""ONNX adapters: a YOLO-export detector and an image classifier (onnxruntime, CPU).

`onnxruntime` is imported inside the constructors only. Pre-processing follows the common
exports: RGB, letterbox to the model's square input with grey (114) padding, values in
[0, 1], NCHW float32 for YOLO; resize, ImageNet mean/std, NCHW for classifiers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from twinflash.audit.models import AdapterOptions, Detections
from twinflash.errors import InputError

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def read_names(path: Path | None, parameter: str) -> list[str]:
    """Class names from a text file (one per line), a JSON list, or a JSON/YAML map
    {index: name}; InputError names the file otherwise."""
    if path is None:
        raise InputError(f"`{parameter}`: required by this adapter")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    if Path(path).suffix.lower() in (".json", ".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text)
        if isinstance(data, dict) and "names" in data:
            data = data["names"]
        if isinstance(data, dict):
            try:
                return [str(data[k]) for k in sorted(data, key=int)]
            except (TypeError, ValueError):
                raise InputError(f"{path}: keys must be class indices 0..N-1") from None
        if isinstance(data, list):
            return [str(x) for x in data]
        raise InputError(f"{path}: expected a list of names or a map index -> name")
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise InputError(f"{path}: no class names")
    return names


def _session(path_text: str | None, flag: str) -> Any:
    if not path_text:
        raise InputError(f"`model_spec` {flag}:MODEL.onnx: the model file is missing")
    path = Path(path_text)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    import onnxruntime as ort

    try:
        return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise InputError(f"{path}: not a loadable ONNX model ({exc})") from None


def _input_hw(session: Any, default: int) -> tuple[int, int]:
    shape = session.get_inputs()[0].shape
    h, w = shape[2], shape[3]
    return (h if isinstance(h, int) else default, w if isinstance(w, int) else default)


def letterbox(rgb: np.ndarray, hw: tuple[int, int]) -> tuple[np.ndarray, float, float, float]:
    """(1,3,H,W) float32 input, scale, x pad, y pad (input = image * scale + pad)."""
    h, w = rgb.shape[:2]
    scale = min(hw[0] / h, hw[1] / w)
    nh, nw = round(h * scale), round(w * scale)
    canvas = np.full((hw[0], hw[1], 3), 114, np.uint8)
    py, px = (hw[0] - nh) // 2, (hw[1] - nw) // 2
    canvas[py : py + nh, px : px + nw] = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    blob = canvas.astype(np.float32).transpose(2, 0, 1)[None] / 255.0
    return blob, scale, float(px), float(py)


class OnnxYolo:
    """A YOLO ONNX export: either three outputs (boxes xyxy, scores, classes; an optional
    leading num_dets output), or one raw head (1, 4+C, A) / (1, A, 4+C) decoded here with
    per-class non-maximum suppression."""

    name = "onnx-yolo"

    def __init__(self, options: AdapterOptions) -> None:
        self.session = _session(options.argument, "onnx-yolo")
        self.names = read_names(options.class_map, "class_map")
        self.hw = _input_hw(self.session, int(options.options.get("input_size", 640)))
        self.conf_floor = float(options.options.get("conf_floor", 0.001))
        self.nms_iou = float(options.options.get("nms_iou", 0.6))
        self.input_name = self.session.get_inputs()[0].name
        self.output_names = [o.name for o in self.session.get_outputs()]

    def _name(self, cls: int) -> str:
        return self.names[cls] if 0 <= cls < len(self.names) else str(cls)

    def _raw(self, out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = out[0]
        n_cls = len(self.names)
        if a.shape[0] == 4 + n_cls and a.shape[1] != 4 + n_cls:
            a = a.T
        if a.shape[1] != 4 + n_cls:
            raise InputError(
                f"onnx-yolo: output {out.shape} does not fit {n_cls} classes "
                f"(expected 4+{n_cls} values per anchor)"
            )
        cls = a[:, 4:].argmax(1)
        score = a[np.arange(len(a)), 4 + cls]
        keep = score >= self.conf_floor
        cx, cy, w, h = a[keep, :4].T
        boxes = np.c_[cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        score, cls = score[keep], cls[keep]
        if not len(score):
            return boxes.reshape(0, 4), score, cls
        xywh = np.c_[boxes[:, :2], boxes[:, 2:] - boxes[:, :2]]
        kept = cv2.dnn.NMSBoxesBatched(
            xywh.tolist(), score.tolist(), cls.tolist(), self.conf_floor, self.nms_iou
        )
        idx = np.asarray(kept, dtype=int).reshape(-1)
        return boxes[idx], score[idx], cls[idx]

    def detect(self, rgb: np.ndarray) -> Detections:
        blob, scale, px, py = letterbox(rgb, self.hw)
        outs = self.session.run(None, {self.input_name: blob})
        if len(outs) == 1:
            boxes, scores, classes = self._raw(np.asarray(outs[0]))
        else:
            named = dict(zip([n.lower() for n in self.output_names], outs, strict=True))
            pick = {
                k: next((v for n, v in named.items() if k in n), None)
                for k in ("box", "score", "class")
            }
            if any(v is None for v in pick.values()):
                outs = outs[-3:]
                pick = dict(zip(("box", "score", "class"), outs, strict=True))
            boxes = np.asarray(pick["box"], float).reshape(-1, 4)
            scores = np.asarray(pick["score"], float).reshape(-1)
            classes = np.asarray(pick["class"]).reshape(-1).astype(int)
            n = len(scores)
            num = next((v for k, v in named.items() if "num" in k), None)
            if num is not None:
                n = int(np.asarray(num).reshape(-1)[0])
            boxes, scores, classes = boxes[:n], scores[:n], classes[:n]
        boxes = (boxes - [px, py, px, py]) / scale
        h, w = rgb.shape[:2]
        boxes = np.clip(boxes, 0, [w, h, w, h])
        return Detections(boxes, scores, [self._name(int(c)) for c in classes])


class OnnxClassifier:
    """An image classifier on crops: softmax of the logits (kept if already probabilities)."""

    name = "onnx-classifier"

    def __init__(self, options: AdapterOptions) -> None:
        self.session = _session(options.argument, "onnx-classifier")
        self.labels = read_names(options.labels, "labels")
        self.hw = _input_hw(self.session, int(options.options.get("input_size", 224)))
        self.input_name = self.session.get_inputs()[0].name
        self.normalise = bool(options.options.get("imagenet_norm", True))

    def classify_labels(self, crop: np.ndarray) -> tuple[list[str], np.ndarray]:
        x = cv2.resize(crop, (self.hw[1], self.hw[0]), interpolation=cv2.INTER_AREA)
        x = x.astype(np.float32) / 255.0
        if self.normalise:
            x = (x - IMAGENET_MEAN) / IMAGENET_STD
        out = np.asarray(self.session.run(None, {self.input_name: x.transpose(2, 0, 1)[None]})[0])
        out = out.reshape(-1).astype(float)
        if len(out) != len(self.labels):
            raise InputError(
                f"onnx-classifier: model gives {len(out)} classes, label file {len(self.labels)}"
            )
        is_prob = out.min() >= 0 and abs(out.sum() - 1) < 1e-3
        probs = out if is_prob else np.exp(out - out.max()) / np.exp(out - out.max()).sum()
        order = np.argsort(-probs, kind="stable")
        return [self.labels[j] for j in order], probs[order]
