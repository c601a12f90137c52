"""Recognition with a trained model directory (the tiny synthetic model of tests/conftest.py):
held-out vehicles recognised, levels summing up, judgements at the finest level."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.flash.synthetic_vehicles import CLASSES, draw_vehicle

pytest.importorskip("onnxruntime")

from twinflash.errors import InputError
from twinflash.flash.recognise import Recogniser


@pytest.fixture(scope="module")
def recogniser(tiny_model: Path) -> Recogniser:
    return Recogniser(tiny_model, threads=1)


def test_held_out_vehicles_are_recognised_well_above_chance(recogniser: Recogniser) -> None:
    rng = np.random.default_rng(99)  # photos the model never saw
    kinds = [k for k in CLASSES for _ in range(8)]
    shots = [draw_vehicle(k, rng) for k in kinds]
    found = recogniser.recognise([img for img, _ in shots], [c for _, c in shots], top_k=2)
    right = [r.models[0].label == " | ".join(CLASSES[k]) for r, k in zip(found, kinds, strict=True)]
    assert np.mean(right) > 0.6  # chance is 1/3
    first = found[0]
    assert first.anchor == "plate" and len(first.models) == 2
    assert sum(r.p for r in first.makes) == pytest.approx(1.0, abs=1e-6)  # two makes only
    assert first.to_json()["model"][0]["label"] == first.models[0].label


def test_a_photo_without_plate_or_box_is_taken_whole(recogniser: Recogniser) -> None:
    img, _ = draw_vehicle("master", np.random.default_rng(1))
    crop, anchor = recogniser.crop(img)
    assert anchor == "photo" and crop.shape[2] == 3
    assert recogniser.recognise([]) == []


def test_judgements_are_at_the_finest_level_the_model_knows(recogniser: Recogniser) -> None:
    img, corners = draw_vehicle("twingo", np.random.default_rng(2))
    (rec,) = recogniser.recognise([img], [corners])
    twingo = recogniser.judge(rec, "RENAULT", "TWINGO III")
    assert (twingo.level, twingo.label) == ("model", "Renault | Twingo")
    model_index = recogniser.classes.index("Renault", "Twingo")
    assert twingo.p == pytest.approx(float(rec.probs[model_index]))
    clio = recogniser.judge(rec, "RENAULT", "CLIO")  # a Renault never trained: the make
    assert (clio.level, clio.label) == ("make", "Renault")
    assert recogniser.judge(rec, "XYZZY", "QQQ").level is None


def test_a_card_naming_a_missing_onnx_file_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text((tiny_model / "card.json").read_text())
    with pytest.raises(InputError, match="the model card names it but it is missing"):
        Recogniser(tmp_path)
