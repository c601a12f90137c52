"""The vehicle catalog: real dimensions, a closed side profile per model, clear errors."""

from __future__ import annotations

import pytest
import yaml

from twinflash.scene.catalog import CATALOG_FILE, get_vehicle_model, parse_catalog, vehicle_models

GOOD = {
    "make": "Renault",
    "model": "Clio",
    "generation": "V",
    "body_type": "hatchback",
    "length_m": 4.05,
    "width_m": 1.798,
    "height_m": 1.44,
    "wheelbase_m": 2.583,
    "wheel_diameter_m": 0.62,
}


def _catalog(model: dict, shapes: dict | None = None, makes: dict | None = None) -> str:
    from importlib import resources

    shipped = yaml.safe_load(
        resources.files("twinflash.scene").joinpath(CATALOG_FILE).read_text("utf-8")
    )
    return yaml.safe_dump(
        {
            "makes": shipped["makes"] if makes is None else makes,
            "body_shapes": shapes or shipped["body_shapes"],
            "models": {"m": model},
        }
    )


def test_sixteen_models_with_every_body_type() -> None:
    models = vehicle_models()
    assert len(models) >= 12
    assert {m.body_type for m in models.values()} == {
        "city_car",
        "hatchback",
        "sedan",
        "suv",
        "van",
        "large_van",
    }


def test_shapes_come_from_body_type_with_model_overrides() -> None:
    clio, kangoo, model3 = (
        get_vehicle_model(k) for k in ("renault_clio_5", "renault_kangoo_3", "tesla_model_3")
    )
    assert clio.shape.front_overhang_m == 0.82  # override
    assert clio.shape.hood_length_m == 0.95  # hatchback default
    assert model3.shape.grille_width_ratio == 0.0
    assert kangoo.shape.rear_window_angle_deg > 80 > clio.shape.rear_window_angle_deg
    assert all(m.roof_length_m >= 0.3 for m in vehicle_models().values())


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"front_overhang_m": 1.4}, "leaves no rear overhang"),
        ({"hood_length_m": 1.9, "windscreen_angle_deg": 16}, "roof length"),
        ({"cowl_height_m": 1.35}, "below the roof"),
        ({"side_glass": "half"}, "shape.side_glass"),
        ({"typo_m": 1.0}, "shape.typo_m"),
        ({"grille_shape": "kidney"}, "shape.grille_shape"),
        ({"grille_shape": "none"}, "grille_shape 'none' with grille_width_ratio 0.45"),
        ({"grille_shape": "slot", "grille_width_ratio": 0.0}, "a grille needs a width > 0"),
        ({"headlamp_shape": "square"}, "shape.headlamp_shape"),
        ({"daytime_lights": "laser"}, "shape.daytime_lights"),
        ({"taillamp_shape": "star"}, "shape.taillamp_shape"),
        ({"tail_band": "chrome"}, "shape.tail_band"),
        ({"wheel_spokes": 13}, "shape.wheel_spokes"),
        ({"doors_per_side": 3}, "shape.doors_per_side"),
        ({"headlamp_width_ratio": 0.5}, "shape.headlamp_width_ratio"),
    ],
)
def test_bad_shapes_name_the_model_and_field(override: dict, expected: str) -> None:
    with pytest.raises(ValueError, match=expected) as info:
        parse_catalog(_catalog({**GOOD, "shape": override}))
    assert str(info.value).startswith(f"{CATALOG_FILE}: models.m")


def test_identity_comes_from_body_type_with_model_overrides_and_badges_from_the_make() -> None:
    models = vehicle_models()
    master, kangoo, clio = (
        models[k] for k in ("renault_master_3", "renault_kangoo_3", "renault_clio_5")
    )
    assert master.shape.headlamp_shape == "tall" and master.shape.wheel_spokes == 0  # body type
    assert kangoo.shape.taillamp_shape == "tall" and kangoo.shape.daytime_lights == "c_shape"
    assert clio.shape.grille_shape == "hexagon" and clio.shape.wheel_spokes == 10  # model
    assert models["tesla_model_3"].shape.grille_shape == "none"
    assert models["fiat_500"].shape.doors_per_side == 1
    by_make: dict[str, set[str]] = {}
    for m in models.values():
        by_make.setdefault(m.make, set()).add(m.badge)
    assert all(len(b) == 1 for b in by_make.values())  # one emblem per make
    assert len({b for bs in by_make.values() for b in bs}) == len(by_make)  # distinct per make
    fronts = {
        (m.shape.grille_shape, m.shape.headlamp_shape, m.shape.daytime_lights, m.badge)
        for m in models.values()
    }
    assert len(fronts) == len(models)  # every model has its own face


def test_a_make_without_a_badge_is_refused_and_a_model_may_set_its_own() -> None:
    with pytest.raises(ValueError, match=r"models\.m\.make: no badge for make 'Renault'"):
        parse_catalog(_catalog(GOOD, makes={"Peugeot": {"badge": "shield"}}))
    own = parse_catalog(_catalog({**GOOD, "badge": "circle"}, makes={}))
    assert own["m"].badge == "circle"
    with pytest.raises(ValueError, match=r"models\.m\.badge"):
        parse_catalog(_catalog({**GOOD, "badge": "logo"}))


def test_unknown_key_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="renault_clio_5"):
        get_vehicle_model("renault_clio_9")
