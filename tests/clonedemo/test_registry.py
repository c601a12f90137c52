"""Planted clones: the registry says another model for a known share of the batch, and
the kinds of clone are the taxonomy's."""

from __future__ import annotations

import pytest

from twinflash.clonedemo.photos import Photo
from twinflash.clonedemo.registry import kind_of, plant

VEHICLES = [("Renault", "Clio"), ("Renault", "Mégane"), ("Peugeot", "208"),
            ("Peugeot", "3008"), ("Renault", "Master")]  # fmt: skip


def photo(i: int, make: str, model: str) -> Photo:
    return Photo(f"p{i}", f"photos/p{i}/image.png", "x", make, model, "day", "test",
                 f"AB-{100 + i}-CD", ((0, 0), (10, 0), (10, 2), (0, 2)), (0, 0, 5, 5), 0.0,
                 1.0, 9.0)  # fmt: skip


@pytest.mark.parametrize(
    ("photo_vehicle", "registered", "kind"),
    [
        (("Renault", "Clio"), ("Renault", "Clio"), "honest"),
        (("Renault", "Clio"), ("Renault", "Master"), "other_body"),
        (("Peugeot", "3008"), ("Peugeot", "208"), "other_body"),
        (("Renault", "Clio"), ("Peugeot", "208"), "same_body_other_make"),
        (("Renault", "Clio"), ("Renault", "Mégane"), "same_make_other_model"),
    ],
)
def test_kind_of_clone(photo_vehicle, registered, kind) -> None:
    assert kind_of(photo_vehicle, registered) == kind


def test_plant_a_share_of_clones_of_every_kind_deterministically() -> None:
    photos = [photo(i, *VEHICLES[i % 5]) for i in range(15)]
    truth = plant(photos, 1 / 3, seed=3)
    assert truth == plant(photos, 1 / 3, seed=3)
    assert set(truth) == {p.name for p in photos}
    clones = {n: r for n, r in truth.items() if r.kind != "honest"}
    assert len(clones) == 5
    for p in photos:
        r = truth[p.name]
        assert r.plate == p.plate
        assert ((r.make, r.model) == (p.make, p.model)) == (r.kind == "honest")
        assert r.kind == kind_of((p.make, p.model), (r.make, r.model))
    assert {r.kind for r in clones.values()} == {
        "other_body", "same_body_other_make", "same_make_other_model"
    }  # fmt: skip
    assert plant(photos[:1], 0.5) == {"p0": plant(photos[:1], 0.5)["p0"]}
    assert plant(photos[:1], 0.5)["p0"].kind == "honest"  # one vehicle: nothing to swap
