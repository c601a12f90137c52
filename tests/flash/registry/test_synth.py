"""Synthetic registry: SIV order by date, popularity-weighted fleet, planted clones."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from twinflash.errors import InputError
from twinflash.flash.normalise import normalise_vehicle
from twinflash.flash.plates import normalise_plate, siv_index
from twinflash.flash.registry import synth as gen
from twinflash.flash.registry.synth import (
    HEADER,
    SIV_START,
    generate,
    plant_clones,
    write_ground_truth,
    write_registry_csv,
)
from twinflash.flash.taxonomy import load_taxonomy

from .conftest import hidden_files


@pytest.fixture(scope="module")
def fleet() -> list:
    return list(generate(4000, seed=11))


def test_same_seed_same_fleet(fleet: list) -> None:
    assert list(generate(4000, seed=11)) == fleet
    assert list(generate(4000, seed=12)) != fleet


def test_plates_are_valid_unique_and_allocated_in_siv_order(fleet: list) -> None:
    plates = [normalise_plate(v.plate) for v in fleet]
    assert [p.text for p in plates] == [v.plate for v in fleet]  # already canonical
    assert len({v.plate for v in fleet}) == len(fleet)
    siv = [v for v, p in zip(fleet, plates, strict=True) if p.format == "SIV"]
    fni = [v for v, p in zip(fleet, plates, strict=True) if p.format == "FNI"]
    assert 0.05 < len(fni) / len(fleet) < 0.12
    assert all(v.first_registration < SIV_START for v in fni)
    indices = [siv_index(v.plate) for v in siv]
    assert indices == sorted(indices)
    dates = [v.first_registration for v in siv]
    assert dates == sorted(dates) and dates[0] >= SIV_START


def test_fleet_mix_follows_popularity(fleet: list) -> None:
    counts = Counter((v.make, v.model) for v in fleet)
    tax = load_taxonomy()
    total_weight = sum(e.weight for e in tax.models)
    for key in [("Peugeot", "208"), ("Renault", "Clio"), ("Dacia", "Sandero")]:
        expected = tax.model(*key).weight / total_weight * len(fleet)
        assert 0.6 * expected < counts[key] < 1.4 * expected, (key, counts[key], expected)


def test_registry_text_normalises_back_to_the_truth(fleet: list) -> None:
    wrong = [v for v in fleet[:1000] if normalise_vehicle(v.d1, v.d3).key != (v.make, v.model)]
    assert not wrong


def test_planted_clones_are_other_models_on_registered_plates(fleet: list) -> None:
    clones = plant_clones(fleet, 25, seed=11)
    assert clones == plant_clones(fleet, 25, seed=11)
    registered = {v.plate: v for v in fleet}
    assert len({c.plate for c in clones}) == 25
    for c in clones:
        v = registered[c.plate]
        assert (c.registered_make, c.registered_model) == (v.make, v.model)
        assert (c.clone_make, c.clone_model) != (v.make, v.model)
        assert c.clone_body_type in load_taxonomy().model(c.clone_make, c.clone_model).body_types
    with pytest.raises(ValueError, match="cannot plant"):
        plant_clones(fleet[:3], 4)


def test_files(tmp_path: Path, fleet: list) -> None:
    write_registry_csv(tmp_path / "r.csv", fleet[:10])
    with (tmp_path / "r.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADER and len(rows) == 11
    clones = plant_clones(fleet, 3, seed=1)
    write_ground_truth(tmp_path / "t.json", clones, seed=1)
    doc = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == 1 and doc["seed"] == 1 and len(doc["clones"]) == 3
    write_ground_truth(tmp_path / "t.csv", clones, seed=1)
    with (tmp_path / "t.csv").open(encoding="utf-8") as fh:
        assert [r["plate"] for r in csv.DictReader(fh)] == [c.plate for c in clones]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "t.csv", "t.json"]  # no temp


def test_synth_refuses_counts_out_of_range_before_any_work(tmp_path: Path) -> None:
    for count in (0, -5, gen.MAX_COUNT + 1):
        with pytest.raises(InputError, match=r"`count` must be in 1\.\.10,000,000"):
            gen.write_files(tmp_path / "r.csv", count=count)
    with pytest.raises(ValueError, match="count must be in"):
        next(gen.generate(gen.MAX_COUNT + 1))
    assert list(tmp_path.iterdir()) == []


def test_synth_checks_both_destinations_before_generating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("generation started before the destinations were checked")

    monkeypatch.setattr(gen, "generate", boom)
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError, match="adir: is a directory"):
        gen.write_files(tmp_path / "adir", count=5)
    with pytest.raises(InputError, match=r"t\.json: is a directory"):
        (tmp_path / "t.json").mkdir()
        gen.write_files(tmp_path / "r.csv", count=5, clones=1, truth=tmp_path / "t.json")
    with pytest.raises(InputError, match="cannot plant 6 clones in 5"):
        gen.write_files(tmp_path / "r.csv", count=5, clones=6, truth=tmp_path / "x.json")
    with pytest.raises(InputError, match="cannot be the registry CSV"):
        gen.write_files(tmp_path / "r.csv", count=5, clones=1, truth=tmp_path / "r.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "t.json"]


def test_synth_streams_the_same_file_as_before(tmp_path: Path) -> None:
    gen.write_registry_csv(tmp_path / "list.csv", list(gen.generate(500, seed=4)))
    assert gen.write_files(tmp_path / "stream.csv", count=500, seed=4) == (500, 0)
    assert (tmp_path / "stream.csv").read_bytes() == (tmp_path / "list.csv").read_bytes()
    assert gen.write_files(tmp_path / "c.csv", count=500, seed=4, clones=3,
                           truth=tmp_path / "t.csv") == (500, 3)  # fmt: skip
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "list.csv").read_bytes()
    assert hidden_files(tmp_path) == []
