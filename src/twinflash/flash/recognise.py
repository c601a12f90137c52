"""Make/model recognition with a trained model directory, on onnxruntime only (no torch).

Answers come at three levels (see :mod:`twinflash.flash.recogniser.labels`): the model
probabilities are the network's, divided by the card's temperature (calibrated on the
validation split); make and body probabilities are sums of model probabilities. A photo is
either already a vehicle crop (fitted whole, as in training from folders) or a full photo
with its plate corners or vehicle box, cropped as in training (:mod:`twinflash.flash.crops`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.errors import InputError
from twinflash.flash.crops import CropSpec, crop_vehicle
from twinflash.flash.recogniser.calibrate import softmax
from twinflash.flash.recogniser.card import ModelCard, read_card
from twinflash.flash.recogniser.labels import ClassSet, Level
from twinflash.flash.recogniser.preprocess import to_input, to_rgb


@dataclass(frozen=True)
class Ranked:
    label: str
    p: float


@dataclass(frozen=True)
class Recognition:
    """Calibrated answer for one photo: top-k per level and the full model distribution."""

    models: list[Ranked]
    makes: list[Ranked]
    bodies: list[Ranked]
    probs: np.ndarray  # (n_classes,) calibrated model probabilities
    anchor: str  # "plate", "box" or "photo"

    def to_json(self) -> dict[str, Any]:
        def rows(items: list[Ranked]) -> list[dict[str, Any]]:
            return [{"label": r.label, "p": round(r.p, 4)} for r in items]

        return {
            "model": rows(self.models),
            "make": rows(self.makes),
            "body": rows(self.bodies),
            "anchor": self.anchor,
        }


@dataclass(frozen=True)
class Judgement:
    """How probable the photo is of a given (registry) make/model, at the finest level the
    recogniser can judge it; ``level is None``: it cannot judge it at all."""

    level: Level | None
    label: str | None
    p: float | None


class Recogniser:
    """A model directory loaded for inference: card, classes, crop spec, ONNX session."""

    def __init__(self, model_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        self.model_dir = Path(model_dir)
        self.card: ModelCard = read_card(self.model_dir)
        self.classes = ClassSet.from_json({"classes": [c.model_dump() for c in self.card.classes]})
        self.spec = CropSpec(
            size_wh=tuple(self.card.crop["size_wh"]),
            width_pw=float(self.card.crop["width_pw"]),
            plate_center_xy=tuple(self.card.crop["plate_center_xy"]),
        )
        onnx = self.model_dir / self.card.files.get("onnx", "model.onnx")
        if not onnx.is_file():
            raise InputError(f"{onnx}: the model card names it but it is missing")
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(onnx), opts, providers=["CPUExecutionProvider"])

    def crop(
        self,
        image: np.ndarray,
        plate_corners_xy: np.ndarray | None = None,
        box_xyxy: tuple[float, float, float, float] | None = None,
    ) -> tuple[np.ndarray, str]:
        """The network's view of a photo: (RGB uint8 crop, anchor)."""
        if plate_corners_xy is None and box_xyxy is None:
            h, w = image.shape[:2]
            c = crop_vehicle(image, box_xyxy=(0, 0, w, h), spec=self.spec, box_margin=0.0)
            return to_rgb(c.image), "photo"
        c = crop_vehicle(
            image, plate_corners_xy=plate_corners_xy, box_xyxy=box_xyxy, spec=self.spec
        )
        return to_rgb(c.image), c.anchor

    def probabilities(self, crops: Sequence[np.ndarray], batch: int = 32) -> np.ndarray:
        """(N, n_classes) calibrated model probabilities of vehicle crops."""
        out = []
        for i in range(0, len(crops), batch):
            x = to_input(list(crops[i : i + batch]), self.card.input_size)
            logits = self.session.run(["logits"], {"input": x})[0]
            out.append(softmax(logits, self.card.temperature))
        return np.concatenate(out) if out else np.zeros((0, len(self.classes.classes)))

    def recognise(
        self,
        images: Sequence[np.ndarray],
        plate_corners: Sequence[np.ndarray | None] | None = None,
        boxes: Sequence[tuple[float, float, float, float] | None] | None = None,
        top_k: int = 3,
    ) -> list[Recognition]:
        """One :class:`Recognition` per photo (batched through the network)."""
        n = len(images)
        corners = list(plate_corners) if plate_corners is not None else [None] * n
        box_list = list(boxes) if boxes is not None else [None] * n
        crops, anchors = (
            zip(
                *(
                    self.crop(img, q, b)
                    for img, q, b in zip(images, corners, box_list, strict=True)
                ),
                strict=True,
            )
            if n
            else ((), ())
        )
        probs = self.probabilities(list(crops))
        return [self._answer(p, a, top_k) for p, a in zip(probs, anchors, strict=True)]

    def _answer(self, probs: np.ndarray, anchor: str, top_k: int) -> Recognition:
        levels = {}
        for level in ("model", "make", "body"):
            labels, p = self.classes.level_probs(probs[None], level)
            order = np.argsort(-p[0])[:top_k]
            levels[level] = [Ranked(labels[i], float(p[0, i])) for i in order]
        return Recognition(levels["model"], levels["make"], levels["body"], probs, anchor)

    def judge(self, recognition: Recognition, make: str, model: str) -> Judgement:
        """Probability that the photo shows `make` `model` (raw registry spelling), at the
        finest level this recogniser was trained for; never a guess at the model level for
        a model it never saw."""
        level = self.classes.judge_level(make, model)
        if level is None:
            return Judgement(None, None, None)
        from twinflash.flash.normalise import normalise_vehicle
        from twinflash.flash.recogniser.labels import body_of, class_name

        norm = normalise_vehicle(make, model)
        key: str | None
        if level == "model":
            key = class_name(norm.make or "", norm.model or "")
        elif level == "make":
            key = norm.make
        else:
            key = body_of(norm.make, norm.model) if norm.make and norm.model else None
        if key is None:  # judge_level said the record names this level
            raise ValueError(f"{make!r} {model!r}: no {level} after normalisation")
        labels, p = self.classes.level_probs(recognition.probs[None], level)
        return Judgement(level, key, float(p[0, labels.index(key)]))
