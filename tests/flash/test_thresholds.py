"""Thresholds bound the false-alarm rate with an exact binomial upper bound, and say so
when the validation set is too small to certify the target."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from twinflash.flash.recogniser.labels import ClassSet
from twinflash.flash.thresholds import (
    calibrate,
    choose_threshold,
    clopper_pearson_upper,
    photos_needed,
)


def test_clopper_pearson_upper_bound() -> None:
    assert photos_needed(0.001) == 2995
    assert clopper_pearson_upper(0, 2995) <= 0.001 < clopper_pearson_upper(0, 2994)
    for k, n in [(1, 50), (3, 1000), (10, 20000)]:
        u = clopper_pearson_upper(k, n)
        # the bound is the rate at which seeing <= k events has 5% probability
        assert binom.cdf(k, n, u) == pytest.approx(0.05, abs=1e-6)
    assert clopper_pearson_upper(0, 0) == 1.0 and clopper_pearson_upper(5, 5) == 1.0


def test_large_validation_set_certifies_the_target() -> None:
    honest = np.random.default_rng(0).uniform(0, 1, 20_000)
    t, alarms, upper = choose_threshold(honest, target=0.001, confidence=0.95, floor=0.0)
    assert upper <= 0.001 and alarms == (honest >= t).sum() >= 5  # some alarms allowed
    assert clopper_pearson_upper(alarms + 1, 20_000) > 0.001  # and not one more
    assert 0.998 < t < 1.0


def test_small_validation_set_is_not_certified_and_stays_above_every_honest_score() -> None:
    honest = np.random.default_rng(1).uniform(0.9, 0.99, 100)
    t, alarms, upper = choose_threshold(honest, target=0.001, confidence=0.95, floor=0.5)
    assert t > honest.max() and alarms == 0
    assert upper == pytest.approx(1 - 0.05 ** (1 / 100))  # ~3%: what 100 photos can say
    t, _, _ = choose_threshold(np.array([0.1, 0.2]), 0.001, 0.95, floor=0.9)
    assert t == 0.9  # the floor: never flag while p(registry vehicle) > 0.1


def test_calibrate_levels_and_kinds_of_clone() -> None:
    pairs = [("Renault", "Twingo"), ("Renault", "Master"), ("Peugeot", "3008"),
             ("Dacia", "Duster"), ("Renault", "Captur"), ("Renault", "Kadjar")]  # fmt: skip
    classes = ClassSet.of(pairs)
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 6, 400)
    probs = np.full((400, 6), 0.01)
    probs[np.arange(400), labels] = 0.95
    t = calibrate(probs, labels, classes)
    model = t.levels["model"]
    assert model.n_honest == 400 and model.false_alarms == 0 and not model.certified
    assert model.recall == 1.0
    assert set(model.recall_by_kind) == {"other_body", "same_body_other_make",
                                         "same_make_other_model"}  # fmt: skip
    renault = [i for i, (mk, _) in enumerate(classes.classes) if mk == "Renault"]
    suv = [i for i, b in enumerate(classes.bodies) if b == "suv"]
    # make level only for photos whose make has another trained model (the Renaults)
    assert t.levels["make"].n_honest == int(np.isin(labels, renault).sum())
    # body level: SUVs (three makes); the other bodies have one make each
    assert t.levels["body"].n_honest == int(np.isin(labels, suv).sum())
    assert t.to_json()["levels"]["model"]["threshold"] == model.threshold


def test_calibration_keeps_a_class_with_one_honest_photo(tiny_model, tmp_path) -> None:
    """Training needs two photos of a class to split them; calibration scores each photo
    alone, so one photo of a class still counts (it was dropped before)."""
    import shutil

    from tests.flash.synthetic_vehicles import write_manifest

    from twinflash.flash.thresholds import calibrate_model

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    write_manifest(tmp_path, {"twingo": 1, "3008": 1, "master": 1}, seed=12, manifest="one.csv")
    t = calibrate_model(model, tmp_path / "one.csv", split=None)
    assert t.source["photos"] == 3
    assert t.source["skipped"] == 0
    assert t.levels["model"].n_honest == 3


def test_a_version_1_file_is_read_with_the_honest_default() -> None:
    """Version 1 flagged uncertified levels unless `require_certified`; read now, such a
    file never flags beyond what it certifies (nothing in it opted in)."""
    from twinflash.errors import InputError
    from twinflash.flash.thresholds import SCHEMA_VERSION, Thresholds

    classes = ClassSet.of([("Renault", "Twingo"), ("Renault", "Master")])
    doc = calibrate(np.eye(2)[[0, 1, 0]], np.array([0, 1, 0]), classes).to_json()
    assert doc["schema_version"] == SCHEMA_VERSION == 2 and doc["allow_uncertified"] is False
    old = {k: v for k, v in doc.items() if k != "allow_uncertified"}
    for require in (False, True):
        t = Thresholds.from_json(old | {"schema_version": 1, "require_certified": require})
        assert t.allow_uncertified is False and t.levels.keys() == doc["levels"].keys()
    with pytest.raises(InputError, match="schema_version 3, expected 2"):
        Thresholds.from_json(doc | {"schema_version": 3})
