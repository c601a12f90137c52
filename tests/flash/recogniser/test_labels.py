"""Model, make and body levels: sums of model probabilities; judged at the finest level."""

from __future__ import annotations

import numpy as np

from twinflash.flash.recogniser.labels import ClassSet, body_of, class_name

CLASSES = ClassSet.of([("Renault", "Clio"), ("Renault", "Master"), ("Peugeot", "208")])


def test_classes_are_sorted_with_their_body() -> None:
    assert CLASSES.names == ["Peugeot | 208", "Renault | Clio", "Renault | Master"]
    assert CLASSES.bodies == tuple(body_of(mk, md) for mk, md in CLASSES.classes)
    assert CLASSES.makes == ["Peugeot", "Renault"] and CLASSES.index("Renault", "Clio") == 1
    assert class_name("Renault", "Clio") == "Renault | Clio"


def test_make_and_body_probabilities_are_sums_of_model_probabilities() -> None:
    probs = np.array([[0.2, 0.5, 0.3]])  # 208, Clio, Master
    labels, p = CLASSES.level_probs(probs, "make")
    assert labels == ["Peugeot", "Renault"] and np.allclose(p, [[0.2, 0.8]])
    labels, p = CLASSES.level_probs(probs, "body")
    assert np.isclose(p.sum(), 1.0) and len(labels) == len(set(CLASSES.bodies))
    assert np.allclose(CLASSES.level_probs(probs, "model")[1], probs)


def test_registry_models_are_judged_at_the_finest_known_level() -> None:
    assert CLASSES.judge_level("RENAULT", "CLIO IV") == "model"
    assert CLASSES.judge_level("RENAULT", "MEGANE") == "make"  # a Renault, never trained
    # a Ford Transit is a large van like the trained Master: judged as a body only
    assert body_of("Ford", "Transit") == body_of("Renault", "Master")
    assert CLASSES.judge_level("FORD", "TRANSIT") == "body"
    assert CLASSES.judge_level("XYZZY", "QQQ") is None


def test_json_round_trip() -> None:
    assert ClassSet.from_json(CLASSES.to_json()) == CLASSES
