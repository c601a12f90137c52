"""The scene models: strict fields, validated values and the small facts they compute."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from twinflash.scene.models import (
    WASTE_KINDS,
    Camera,
    OsmPlace,
    Person,
    Place,
    Scene,
    Vehicle,
    Waste,
    procedural_place,
)


def test_a_typo_is_an_error_not_a_default() -> None:
    with pytest.raises(ValidationError, match="heigth_m"):
        Person(x_m=0, y_m=0, heigth_m=1.8)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: Place(storeys_min=7, storeys_max=5), r"storeys_min \(7\) > storeys_max \(5\)"),
        (lambda: Camera(resolution_wh=(8, 720)), "outside 16..8192"),
        (lambda: Person(x_m=0, y_m=0, height_m=0.3), "greater than 0.5"),
        (lambda: Person(x_m=0, y_m=0, top_color="red"), "pattern"),
        (lambda: Person(x_m=float("nan"), y_m=0), "finite"),
    ],
)
def test_impossible_values_are_refused(build: object, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        build()  # type: ignore[operator]


def test_street_facades_are_half_the_road_plus_the_sidewalk() -> None:
    place = Place(road_width_m=9.0, sidewalk_width_m=4.0)
    assert place.half_road_m == 4.5 and place.facade_y_m == 8.5


def test_a_plate_is_written_in_its_canonical_siv_form() -> None:
    assert Vehicle(model="renault_clio_5", x_m=0, y_m=0, plate_text="ab123cd").plate_text == (
        "AB-123-CD"
    )
    with pytest.raises(ValidationError):
        Vehicle(model="renault_clio_5", x_m=0, y_m=0, plate_text="not a plate")


def test_waste_dimensions_scale_and_a_mattress_against_a_wall_stands_on_its_edge() -> None:
    (length, depth, height), _ = WASTE_KINDS["mattress"]
    lying = Waste(kind="mattress", x_m=0, y_m=0, size=1.5)
    assert lying.dimensions_m == pytest.approx((length * 1.5, depth * 1.5, height * 1.5))
    standing = Waste(kind="mattress", x_m=0, y_m=0, against_wall=True)
    assert standing.dimensions_m == pytest.approx((length, height, depth))
    # only a mattress turns: a box against a wall keeps its shape
    box = Waste(kind="cardboard", x_m=0, y_m=0, against_wall=True)
    assert box.dimensions_m == pytest.approx(WASTE_KINDS["cardboard"][0])


def test_the_place_is_told_apart_by_its_kind() -> None:
    osm = Scene.model_validate({"place": {"kind": "osm", "extract": "a.osm", "centre": [48, 2]}})
    assert isinstance(osm.place, OsmPlace)
    assert isinstance(Scene.model_validate({"place": {"kind": "square"}}).place, Place)
    assert procedural_place(Place()) == Place()
    with pytest.raises(TypeError, match="not a osm place"):
        procedural_place(osm.place)


def test_grounded_lists_people_vehicles_and_waste_with_their_index() -> None:
    scene = Scene(
        people=[Person(x_m=1, y_m=0), Person(x_m=2, y_m=0)],
        vehicles=[Vehicle(model="renault_clio_5", x_m=3, y_m=0)],
        waste=[Waste(kind="bin_bag", x_m=4, y_m=0)],
    )
    assert [(k, i, item.x_m) for k, i, item in scene.grounded()] == [
        ("people", 0, 1),
        ("people", 1, 2),
        ("vehicles", 0, 3),
        ("waste", 0, 4),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"bottom": "kilt"}, r"people\[0\]\.bottom: Input should be 'trousers', 'shorts', 'skirt'"),
        ({"outerwear": "cape"}, r"people\[0\]\.outerwear: Input should be 'none', 'jacket'"),
        ({"headwear": "crown"}, r"people\[0\]\.headwear: .*'cap'"),
        ({"bag": "purse"}, r"people\[0\]\.bag: .*'backpack'"),
        ({"hair_style": "mohawk"}, r"people\[0\]\.hair_style: .*'curly'"),
        ({"pose": "lying", "lying_pose": "prone"}, r"people\[0\]\.lying_pose: .*'face_down'"),
        ({"pose": "sitting", "seat": "sofa"}, r"people\[0\]\.seat: .*'cafe_chair'"),
        ({"pushchair": True, "pose": "sitting"}, "a pushchair needs pose standing or walking"),
        ({"bag": "suitcase", "pose": "lying"}, "a suitcase needs pose standing or walking"),
        ({"bag": "suitcase", "pushchair": True}, "cannot push a pushchair and pull a suitcase"),
    ],
)
def test_clothing_refuses_unknown_values_in_one_clear_line(fields: dict, message: str) -> None:
    from twinflash.errors import InputError
    from twinflash.scene.io import parse_scene

    with pytest.raises(InputError, match=message) as err:
        parse_scene({"people": [{"x_m": 0, "y_m": 0, **fields}]}, source="s.yaml")
    assert "\n" not in str(err.value) and str(err.value).startswith("s.yaml: people[0]")


def test_old_scenes_load_unchanged_and_wear_what_they_wore() -> None:
    """Scene files written before clothing existed: same values, today's look by default."""
    from pathlib import Path

    from twinflash.scene.io import load_scene

    scenes = sorted((Path(__file__).parents[2] / "examples" / "scenes").glob("*.yaml"))
    people = [p for path in scenes for p in load_scene(path).people]
    assert len(people) > 10
    for p in people:
        assert (p.outerwear, p.bottom, p.sleeves, p.headwear, p.bag) == (
            "none",
            "trousers",
            None,
            "none",
            "none",
        )
        assert not p.scarf and not p.pushchair
    new = Person(x_m=1, y_m=2, outerwear="coat", bottom="skirt", scarf=True, bag="backpack")
    assert Person.model_validate(new.model_dump(mode="json")) == new


def test_old_scenes_lie_on_their_back_and_lying_pose_round_trips() -> None:
    """`lying_pose` came after the example scenes: their lying people keep today's look."""
    from pathlib import Path

    from twinflash.scene.io import load_scene

    scenes = sorted((Path(__file__).parents[2] / "examples" / "scenes").glob("*.yaml"))
    people = [p for path in scenes for p in load_scene(path).people]
    assert any(p.pose == "lying" for p in people)
    assert all(p.lying_pose == "back" for p in people)
    for pose in ("back", "side", "face_down", "curled"):
        new = Person(x_m=0, y_m=0, pose="lying", lying_pose=pose)
        assert Person.model_validate(new.model_dump(mode="json")) == new


def test_old_scenes_sit_on_the_block_and_seat_round_trips() -> None:
    """`seat` came after the example scenes: their sitting people keep the builder's block."""
    from pathlib import Path

    from twinflash.scene.io import load_scene

    scenes = sorted((Path(__file__).parents[2] / "examples" / "scenes").glob("*.yaml"))
    people = [p for path in scenes for p in load_scene(path).people]
    assert any(p.pose == "sitting" for p in people)
    assert all(p.seat == "block" for p in people)
    for seat in ("block", "bench", "cafe_chair", "steps", "curb"):
        new = Person(x_m=0, y_m=0, pose="sitting", seat=seat)
        assert Person.model_validate(new.model_dump(mode="json")) == new
