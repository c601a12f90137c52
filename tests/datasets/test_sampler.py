"""Sampling a plan: drawn values follow their distributions, streams are independent and
seeded, people and vehicles are placed apart, clips move (no Blender)."""

from __future__ import annotations

import collections
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from twinflash.datasets.placement import (
    Capsule,
    Rect,
    capsule_hits_rect,
    capsules_overlap,
    person_spot_ok,
    rects_overlap,
)
from twinflash.datasets.plan import load_plan, parse_plan
from twinflash.datasets.planspec import PlanSpec
from twinflash.datasets.sampler import sample_mapping, sample_scene
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import OsmPlace

from .conftest import PLANS, tiny_plan_mapping, within


def test_plan_distributions_are_respected() -> None:
    n = 600
    weights = {"clear": 0.5, "rain": 0.2, "fog": 0.15, "snow": 0.05, "overcast": 0.1}
    plan = parse_plan(
        tiny_plan_mapping(count=n)
        | {
            "vary": {
                "weather.kind": {"choice": weights},
                "camera.height_m": {"normal": {"mean": 1.6, "std": 0.2, "low": 1.0, "high": 2.2}},
                "weather.fog_visibility_m": {"uniform": [20, 500]},
                "light.local_time": {"uniform": [6, 18]},
            },
            "people": {"count": {"uniform_int": [0, 4]}, "lying": {"uniform_int": [0, 1]}},
            "vehicles": {"count": 0},
        }
    )
    maps = [sample_mapping(plan, i) for i in range(n)]
    kinds = collections.Counter(m["weather"]["kind"] for m in maps)
    for kind, p in weights.items():
        assert within(kinds[kind] / n, p, math.sqrt(p * (1 - p) / n)), (kind, kinds)
    heights = np.array([m["camera"]["height_m"] for m in maps])
    assert within(heights.mean(), 1.6, 0.2 / math.sqrt(n))
    assert within(heights.std(), 0.2, 0.2 / math.sqrt(2 * n))
    fog = np.array([m["weather"]["fog_visibility_m"] for m in maps])
    assert fog.min() >= 20 and fog.max() <= 500
    assert within(fog.mean(), 260, 480 / math.sqrt(12 * n))
    hours = [int(m["light"]["local_time"][:2]) for m in maps]
    assert min(hours) == 6 and max(hours) == 17
    people = np.array([len(m["people"]) for m in maps])
    assert set(people.tolist()) == {0, 1, 2, 3, 4}
    assert within(people.mean(), 2.0, math.sqrt(2.0 / n))
    lying = np.array([sum(p["pose"] == "lying" for p in m["people"]) for m in maps])
    assert (lying <= 1).all() and (lying <= people).all()
    assert within(lying[people > 0].mean(), 0.5, 0.5 / math.sqrt((people > 0).sum()))


def test_same_plan_same_samples_and_streams_are_independent() -> None:
    plan = parse_plan(tiny_plan_mapping(count=20))
    first = [sample_mapping(plan, i) for i in range(20)]
    assert first == [sample_mapping(plan, i) for i in range(20)]
    assert len({yaml.safe_dump(m) for m in first}) == 20
    more = tiny_plan_mapping(count=20)
    more["vary"] = more["vary"] | {"light.cloud_cover": {"uniform": [0, 1]}}
    other = [sample_mapping(parse_plan(more), i) for i in range(20)]
    for a, b in zip(first, other, strict=True):
        assert a["people"] == b["people"] and a["weather"] == b["weather"]
    reseeded = parse_plan(tiny_plan_mapping(count=20) | {"seed": 6})
    assert sample_mapping(reseeded, 0)["people"] != first[0]["people"]


def test_sweep_runs_the_grid_with_everything_else_fixed() -> None:
    sweep = {"path": "weather.fog_visibility_m", "start": 20, "stop": 500, "num": 4, "scale": "log"}
    plan = parse_plan(tiny_plan_mapping(count=8) | {"sweep": sweep})
    maps = [sample_mapping(plan, i) for i in range(8)]
    fog = [m["weather"]["fog_visibility_m"] for m in maps]
    assert fog[:4] == fog[4:] == [20.0, 58.4804, 170.9976, 500.0]  # 20 * 25 ** (k / 3)
    assert all(m["people"] == maps[0]["people"] for m in maps[:4])
    assert maps[4]["people"] != maps[0]["people"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_people_on_open_ground_apart_and_vehicles_in_lanes(path: Path) -> None:
    plan = load_plan(path)
    for i in range(25):
        scene = sample_scene(plan, i)
        place = scene.place
        caps = [
            Capsule.seated(p.x_m, p.y_m, p.heading_deg, p.seat)
            if p.pose == "sitting"
            else Capsule.person(p.x_m, p.y_m, p.heading_deg, p.pose, p.height_m)
            for p in scene.people
        ]
        # a curb or steps sitter's seat reaches past the zone (the road, the wall): the hips
        # are in it
        spots = [
            Capsule(p.x_m, p.y_m, p.x_m, p.y_m, 0.05)
            if p.pose == "sitting" and p.seat in ("curb", "steps")
            else caps[k]
            for k, p in enumerate(scene.people)
        ]
        rects = []
        for v in scene.vehicles:
            spec = get_vehicle_model(v.model)
            rects.append(Rect(v.x_m, v.y_m, v.heading_deg, spec.length_m, spec.width_m))
            if not isinstance(place, OsmPlace):  # osm layouts: tests/datasets/test_osm_placement.py
                assert abs(v.y_m) + spec.width_m / 2 < place.half_road_m  # on the road
                assert (v.heading_deg == 0) == (v.y_m < 0)  # traffic keeps right
        for a, cap in enumerate(caps):
            if not isinstance(place, OsmPlace):
                assert person_spot_ok(place, plan.people.zone, spots[a]), scene.people[a]
            assert not any(capsules_overlap(cap, other, 0.0) for other in caps[a + 1 :])
            assert not any(capsule_hits_rect(cap, r, 0.0) for r in rects)
        for a, r in enumerate(rects):
            assert not any(rects_overlap(r, other, 0.0) for other in rects[a + 1 :])


def test_sequence_frames_move_walkers_and_traffic_and_keep_identities() -> None:
    seq = {"frames": 4, "fps": 2.0, "walk_speed_mps": 1.5, "drive_speed_kmh": 36.0}
    mapping = tiny_plan_mapping(8) | {"sequence": seq}
    mapping["people"] = {"count": 3, "zone": "open", "mix": {"pose": {"choice": {"walking": 1}}}}
    mapping["vehicles"] = {"count": 1, "parked_share": 0.0}
    plan = parse_plan(mapping)
    for clip in range(2):
        frames = [sample_scene(plan, clip * 4 + f) for f in range(4)]
        first = frames[0]
        for f, scene in enumerate(frames):
            t = f / 2.0
            assert scene.seed == first.seed and scene.weather == first.weather
            for p0, p in zip(first.people, scene.people, strict=True):
                assert p.skin_tone == p0.skin_tone and p.heading_deg == p0.heading_deg
                assert math.hypot(p.x_m - p0.x_m, p.y_m - p0.y_m) == pytest.approx(
                    1.5 * t, abs=0.01
                )
            for v0, v in zip(first.vehicles, scene.vehicles, strict=True):
                assert v.plate_text == v0.plate_text and v.y_m == v0.y_m
                assert v.x_m - v0.x_m == pytest.approx(
                    (10 if v0.heading_deg == 0 else -10) * t, abs=0.01
                )
            caps = [
                Capsule.person(p.x_m, p.y_m, p.heading_deg, p.pose, p.height_m)
                for p in scene.people
            ]
            for a, cap in enumerate(caps):  # still apart and on open ground at every frame
                assert person_spot_ok(scene.place, "open", cap)
                assert not any(capsules_overlap(cap, other, 0.0) for other in caps[a + 1 :])
    assert sample_scene(plan, 4).people[0] != sample_scene(plan, 0).people[0]


@pytest.mark.parametrize("preset", ["speed_camera", "speed_camera_ir"])
def test_nothing_stands_between_a_speed_camera_and_its_target(preset: str) -> None:
    """Day and infra-red night speed cameras both keep their sight line clear."""
    from twinflash.datasets.placement import point_segment_distance
    from twinflash.datasets.sampler import SIGHT_LINE_KEEP_OUT_M, _sight_lines

    mapping = yaml.safe_load(
        (Path(__file__).parents[2] / "examples/plans/speed_camera_vehicles.yaml").read_text()
    )
    mapping["base"]["camera"]["preset"] = preset
    mapping["people"] = {"count": {"uniform_int": [20, 30]}, "zone": "open"}
    plan = parse_plan(mapping, source="p.yaml")
    for index in range(6):
        scene = sample_mapping(plan, index, "p.yaml")
        (ax, ay, bx, by), *_ = _sight_lines(scene, scene["vehicles"], "p.yaml")
        for person in scene["people"]:
            d = point_segment_distance(person["x_m"], person["y_m"], ax, ay, bx, by)
            assert d >= SIGHT_LINE_KEEP_OUT_M - 1e-6, (index, person)


def test_clothing_is_drawn_with_its_frequencies_and_only_where_it_can_be_carried() -> None:
    from twinflash.datasets.sampler import CLOTHING_DEFAULTS

    plan = parse_plan(
        tiny_plan_mapping(count=150)
        | {"people": {"count": 4, "lying": {"uniform_int": [0, 2]}}, "vehicles": {"count": 0}}
    )
    people = [p for i in range(150) for p in sample_mapping(plan, i)["people"]]
    n = len(people)
    for field in ("outerwear", "bottom", "headwear"):
        expected = CLOTHING_DEFAULTS[field].probabilities()
        counts = collections.Counter(p[field] for p in people)
        for value, prob in expected.items():
            assert within(counts[value] / n, prob, math.sqrt(prob * (1 - prob) / n)), field
    for p in people:
        upright = p["pose"] in ("standing", "walking") and p["age_group"] != "child"
        assert upright or (not p["pushchair"] and p["bag"] != "suitcase"), p
        assert not (p["pushchair"] and p["bag"] == "suitcase"), p
    assert any(p["pushchair"] for p in people) and any(p["bag"] == "suitcase" for p in people)
    assert any(p["pose"] == "lying" for p in people)


def test_clothing_draws_leave_the_other_person_draws_as_they_were() -> None:
    """Adding the clothing stream must not move anyone or change their other fields: the
    values below were sampled from this plan before clothing existed."""
    plan = parse_plan(tiny_plan_mapping(count=1) | {"people": {"count": 2}})
    first = sample_mapping(plan, 0)["people"][0]
    old = {k: first[k] for k in ("x_m", "y_m", "heading_deg", "pose", "height_m", "skin_tone")}
    assert old == {
        "x_m": -9.43,
        "y_m": -5.45,
        "heading_deg": 176.6,
        "pose": "walking",
        "height_m": 1.7824,
        "skin_tone": 6,
    }


def test_a_pushchair_claims_the_ground_ahead_of_its_pusher() -> None:
    plan = parse_plan(
        tiny_plan_mapping(count=30)
        | {
            "people": {"count": 6, "mix": {"pushchair": {"choice": {True: 1.0}}}},
            "vehicles": {"count": 0},
        }
    )
    for i in range(30):
        people = sample_mapping(plan, i)["people"]
        caps = [
            Capsule(
                p["x_m"],
                p["y_m"],
                p["x_m"] + 1.3 * math.cos(math.radians(p["heading_deg"])),
                p["y_m"] + 1.3 * math.sin(math.radians(p["heading_deg"])),
                0.3,
            )
            for p in people
            if p["pushchair"]
        ]
        assert caps
        for a in range(len(caps)):
            for b in range(a + 1, len(caps)):
                assert not capsules_overlap(caps[a], caps[b])


def test_lying_pose_is_drawn_with_its_frequencies_for_lying_people_only() -> None:
    from twinflash.datasets.sampler import LYING_POSE_DEFAULT

    plan = parse_plan(
        tiny_plan_mapping(count=200)
        | {"people": {"count": 4, "lying": {"uniform_int": [1, 3]}}, "vehicles": {"count": 0}}
    )
    people = [p for i in range(200) for p in sample_mapping(plan, i)["people"]]
    lying = [p for p in people if p["pose"] == "lying"]
    assert all("lying_pose" not in p for p in people if p["pose"] != "lying")
    n = len(lying)
    assert n > 300
    counts = collections.Counter(p["lying_pose"] for p in lying)
    expected = LYING_POSE_DEFAULT.probabilities()
    assert expected == {"back": 0.4, "side": 0.3, "face_down": 0.15, "curled": 0.15}
    for value, prob in expected.items():
        assert within(counts[value] / n, prob, math.sqrt(prob * (1 - prob) / n)), value
    scene = sample_scene(plan, 0)  # the drawn values are valid scene values
    assert {p.lying_pose for p in scene.people if p.pose == "lying"} <= set(expected)


def test_lying_pose_draws_leave_the_other_person_draws_as_they_were() -> None:
    """Sampled from this plan before `lying_pose` existed (with the ground a lying person
    keeps for its reach, `LYING_REACH_PER_M`): same people, same fields."""
    plan = parse_plan(
        tiny_plan_mapping(count=1)
        | {"people": {"count": 3, "lying": {"uniform_int": [1, 1]}}, "vehicles": {"count": 0}}
    )
    people = sample_mapping(plan, 0)["people"]
    keys = ("x_m", "y_m", "heading_deg", "pose", "height_m", "top_color", "outerwear")
    assert [tuple(p[k] for k in keys) for p in people] == [
        (5.34, 7.04, 9.5, "lying", 1.7089, "#1d2a44", "coat"),
        (7.98, -6.32, -91.9, "standing", 1.67, "#3a5f8a", "jacket"),
        (-8.84, 6.07, 188.0, "walking", 1.7332, "#6f7f8f", "jacket"),
    ]
    assert people[0]["lying_pose"] in ("back", "side", "face_down", "curled")


def test_a_plan_mix_sets_the_lying_pose() -> None:
    plan = parse_plan(
        tiny_plan_mapping(count=5)
        | {
            "people": {
                "count": 3,
                "lying": {"uniform_int": [1, 1]},
                "mix": {"lying_pose": {"choice": {"curled": 1.0}}},
            },
            "vehicles": {"count": 0},
        }
    )
    lying = [p for i in range(5) for p in sample_mapping(plan, i)["people"] if "lying_pose" in p]
    assert len(lying) == 5 and all(p["lying_pose"] == "curled" for p in lying)


def _sitters_plan(count: int, **mix: object) -> PlanSpec:
    return parse_plan(
        tiny_plan_mapping(count=count)
        | {
            "people": {
                "count": 4,
                "zone": "sidewalk",
                "x_range_m": [-8, 8],
                "mix": {"pose": {"choice": {"sitting": 0.5, "standing": 0.5}}, **mix},
            },
            "vehicles": {"count": 0},
        }
    )


def test_seat_is_drawn_with_its_frequencies_for_sitting_people_only() -> None:
    from twinflash.datasets.sampler import SEAT_DEFAULT

    plan = _sitters_plan(150)
    people = [p for i in range(150) for p in sample_mapping(plan, i)["people"]]
    sitting = [p for p in people if p["pose"] == "sitting"]
    assert all("seat" not in p for p in people if p["pose"] != "sitting")
    n = len(sitting)
    assert n > 250
    counts = collections.Counter(p["seat"] for p in sitting)
    expected = SEAT_DEFAULT.probabilities()
    assert set(expected) == {"block", "bench", "cafe_chair", "steps", "curb"}
    for value, prob in expected.items():
        assert within(counts[value] / n, prob, math.sqrt(prob * (1 - prob) / n)), value
    scene = sample_scene(plan, 0)  # the drawn values are valid scene values
    assert {p.seat for p in scene.people if p.pose == "sitting"} <= set(expected)


def test_seat_draws_leave_the_other_person_draws_as_they_were() -> None:
    """Sampled from this plan before `seat` existed: with every seat the old block, the
    very same people; with the default mix, a sitter keeps every drawn field but the place
    (the seat's footprint may refuse a spot, and every later draw then moves)."""
    keys = ("x_m", "y_m", "heading_deg", "pose", "height_m", "top_color", "outerwear")
    before = [
        (1.42, -7.95, 79.5, "sitting", 1.7089, "#1d2a44", "coat"),
        (7.98, -6.32, -91.9, "sitting", 1.2976, "#e0e0e0", "jacket"),
        (6.54, -7.91, 128.6, "standing", 1.7332, "#6f7f8f", "jacket"),
        (3.23, -5.17, -96.7, "standing", 1.6808, "#1d2a44", "jacket"),
    ]
    plan = parse_plan(
        tiny_plan_mapping(count=1)
        | {
            "people": {
                "count": 4,
                "mix": {
                    "pose": {"choice": {"sitting": 0.5, "standing": 0.5}},
                    "seat": {"choice": {"block": 1.0}},
                },
            },
            "vehicles": {"count": 0},
        }
    )
    people = sample_mapping(plan, 0)["people"]
    assert [tuple(p[k] for k in keys) for p in people] == before
    assert [p.get("seat") for p in people] == ["block", "block", None, None]
    plan = parse_plan(
        tiny_plan_mapping(count=1)
        | {
            "people": {"count": 4, "mix": {"pose": {"choice": {"sitting": 0.5, "standing": 0.5}}}},
            "vehicles": {"count": 0},
        }
    )
    first = sample_mapping(plan, 0)["people"][0]
    assert tuple(first[k] for k in keys[3:]) == before[0][3:]


def test_curb_and_steps_sitters_face_the_road_from_the_curb_and_a_doorway() -> None:
    plan = _sitters_plan(40)
    seen = collections.Counter()
    for i in range(40):
        mapping = sample_mapping(plan, i)
        scene = sample_scene(plan, i)
        street = scene.place
        for p in mapping["people"]:
            if p.get("seat") not in ("curb", "steps"):
                continue
            seen[p["seat"]] += 1
            side = 1.0 if p["y_m"] > 0 else -1.0
            assert p["heading_deg"] == -90.0 * side  # facing the road
            if p["seat"] == "curb":  # hips 10 cm behind the curb's face
                assert abs(p["y_m"]) == pytest.approx(street.half_road_m + 0.1, abs=0.006)
            else:  # the flight's back (0.5 m behind the hips) against the façade
                assert abs(p["y_m"]) == pytest.approx(street.facade_y_m - 0.52, abs=0.006)
    assert seen["curb"] >= 3 and seen["steps"] >= 3


def test_seats_claim_their_ground() -> None:
    """No two sitters' seats overlap: a bench is 1.8 m long, a café table stands beside."""
    plan = _sitters_plan(30, pose={"choice": {"sitting": 1.0}})
    for i in range(30):
        people = sample_mapping(plan, i)["people"]
        caps = [Capsule.seated(p["x_m"], p["y_m"], p["heading_deg"], p["seat"]) for p in people]
        for a in range(len(caps)):
            for b in range(a + 1, len(caps)):
                assert not capsules_overlap(caps[a], caps[b])


@pytest.mark.parametrize(("share", "headlights"), [(1.0, "off"), (0.0, "auto")])
def test_parked_cars_have_their_lights_off(share: float, headlights: str) -> None:
    """A parked car's engine is off: no lamps at night, no daytime running lights."""
    mapping = tiny_plan_mapping(4)
    mapping["vehicles"] = {"count": 3, "parked_share": share, "first_in_lane": False}
    plan = parse_plan(mapping)
    drawn = [v for i in range(4) for v in sample_scene(plan, i).vehicles]
    assert drawn and {v.headlights for v in drawn} == {headlights}
