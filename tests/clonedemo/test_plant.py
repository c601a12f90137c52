"""Planted clones: the registry says another model for a known share of the batch, and
the kinds of clone are the taxonomy's."""

from __future__ import annotations

import pytest

from twinflash.clonedemo.photos import Photo
from twinflash.clonedemo.registry import kind_of, plant
from twinflash.clonedemo.report import Rate
from twinflash.clonedemo.run import DemoSize, claim_folder
from twinflash.errors import InputError

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


def test_exact_binomial_interval() -> None:
    lo, hi = Rate(0, 10).interval()
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 10))
    lo, hi = Rate(10, 10).interval()
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 10))
    lo, hi = Rate(3, 10).interval()
    assert lo == pytest.approx(0.0667, abs=1e-4) and hi == pytest.approx(0.6525, abs=1e-4)
    assert Rate(0, 0).interval() == (None, None)


def test_a_folder_of_another_size_or_a_user_folder_is_refused(tmp_path) -> None:
    claim_folder(tmp_path / "demo", DemoSize(rounds=5))
    claim_folder(tmp_path / "demo", DemoSize(rounds=5))  # same size: resumes
    with pytest.raises(InputError, match="another size"):
        claim_folder(tmp_path / "demo", DemoSize(rounds=6))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="not a demo folder"):
        claim_folder(tmp_path / "mine", DemoSize())


def test_demo_command_refuses_a_folder_it_did_not_make(tmp_path, monkeypatch, capsys) -> None:
    import sys

    from twinflash.cli import flash
    from twinflash.cli._errors import run_guarded

    (tmp_path / "notes.txt").write_text("mine")
    app = flash.app
    monkeypatch.setattr(sys, "argv", ["twinflash", "flash", "demo", "--out", str(tmp_path)])
    assert run_guarded(app) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "not a demo folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


def test_a_file_or_a_broken_marker_is_refused(tmp_path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        claim_folder(tmp_path / "f", DemoSize())
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "demo.json").write_text("{not json")
    with pytest.raises(InputError, match="another size or version"):
        claim_folder(tmp_path / "d", DemoSize())


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"rounds": 4}, "at least 5"), ({"vehicles": ("fiat_500",)}, "at least 2 models")],
)
def test_a_demo_size_that_cannot_split_or_plant_is_refused(kw, match) -> None:
    with pytest.raises(InputError, match=match):
        DemoSize(**kw)
