"""The three levels of answer: model, make, body type.

The network scores models only; a make's probability is the sum of its models', a body
type's the sum of the models of that body (their first body type in ``models.csv``). So a
registry model the recogniser never saw is still judged, at the make level (when some of the
make's models were trained) or at the body level, and never guessed at the model level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from twinflash.flash.normalise import normalise_vehicle
from twinflash.flash.taxonomy import load_taxonomy

Level = Literal["model", "make", "body"]
SEP = " | "


def class_name(make: str, model: str) -> str:
    """``"Renault | Clio"``: one string per class in cards and reports."""
    return f"{make}{SEP}{model}"


def body_of(make: str, model: str) -> str:
    """First body type of a canonical model in ``models.csv``."""
    return load_taxonomy().model(make, model).body_types[0]


@dataclass(frozen=True)
class ClassSet:
    """Classes (canonical make, model) in network order, with their make and body."""

    classes: tuple[tuple[str, str], ...]
    bodies: tuple[str, ...]  # per class

    @classmethod
    def of(cls, pairs: set[tuple[str, str]] | list[tuple[str, str]]) -> ClassSet:
        classes = tuple(sorted(set(pairs)))
        return cls(classes, tuple(body_of(mk, md) for mk, md in classes))

    @property
    def names(self) -> list[str]:
        return [class_name(mk, md) for mk, md in self.classes]

    @property
    def makes(self) -> list[str]:
        return sorted({mk for mk, _ in self.classes})

    @property
    def body_types(self) -> list[str]:
        return sorted(set(self.bodies))

    def index(self, make: str, model: str) -> int:
        return self.classes.index((make, model))

    def level_matrix(self, level: Level) -> tuple[list[str], np.ndarray]:
        """(labels, (n_classes, n_labels) 0/1 matrix) summing model probabilities into a level."""
        if level == "model":
            return self.names, np.eye(len(self.classes))
        keys = [mk for mk, _ in self.classes] if level == "make" else list(self.bodies)
        labels = sorted(set(keys))
        m = np.zeros((len(self.classes), len(labels)))
        for i, k in enumerate(keys):
            m[i, labels.index(k)] = 1.0
        return labels, m

    def level_probs(self, probs: np.ndarray, level: Level) -> tuple[list[str], np.ndarray]:
        """(labels, (N, n_labels) probabilities) of `level` from (N, n_classes) model probs."""
        labels, m = self.level_matrix(level)
        return labels, np.asarray(probs) @ m

    def judge_level(self, make: str, model: str) -> Level | None:
        """The finest level at which this recogniser can judge a registry (make, model).

        Model if it was trained on that model; make if on some model of that make; body if
        the model's body type (from ``models.csv``) is among the trained ones; else None.
        The make/model pair is normalised first (registry spellings are raw).
        """
        norm = normalise_vehicle(make, model)
        if (
            norm.make is not None
            and norm.model is not None
            and (norm.make, norm.model) in self.classes
        ):
            return "model"
        if norm.make is not None and norm.make in self.makes:
            return "make"
        known = norm.make is not None and norm.model is not None
        if known and body_of(norm.make, norm.model) in self.bodies:  # type: ignore[arg-type]
            return "body"
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "classes": [
                {"make": mk, "model": md, "body": b}
                for (mk, md), b in zip(self.classes, self.bodies, strict=True)
            ],
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ClassSet:
        rows = doc["classes"]
        return cls(tuple((r["make"], r["model"]) for r in rows), tuple(r["body"] for r in rows))
