"""Plans with illegal dumping: piles on sidewalks and against façades, never on the road,
never inside each other, a vehicle or a person; kinds from the mix; bad specs refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely import Polygon
from tests.scene.osm_xml import CENTRE, crossroads, write_osm

from twinflash.datasets.placement import Capsule, Rect, capsule_hits_rect, rects_overlap
from twinflash.datasets.plan import load_plan, parse_plan
from twinflash.datasets.sampler import sample_scene
from twinflash.errors import InputError
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import OsmPlace, Scene
from twinflash.scene.osm_layout import osm_layout

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plans" / "illegal_dumping.yaml"


def _rects(scene: Scene) -> tuple[list[Rect], list[Rect]]:
    waste = [Rect(w.x_m, w.y_m, w.heading_deg, *w.dimensions_m[:2]) for w in scene.waste]
    cars = [
        Rect(v.x_m, v.y_m, v.heading_deg, get_vehicle_model(v.model).length_m,
             get_vehicle_model(v.model).width_m)
        for v in scene.vehicles
    ]  # fmt: skip
    return waste, cars


def test_street_dumps_on_sidewalks_and_against_facades() -> None:
    plan = load_plan(EXAMPLE)
    kinds, counts, walls = set(), [], 0
    for i in range(30):
        scene = sample_scene(plan, i)
        place = scene.place
        waste, cars = _rects(scene)
        counts.append(len(scene.waste))
        for w, r in zip(scene.waste, waste, strict=True):
            kinds.add(w.kind)
            for _, y in r.corners():
                assert place.half_road_m + 0.2 <= abs(y) <= place.facade_y_m + 1e-6, (i, w)
            if w.against_wall:
                walls += 1
                depth = w.dimensions_m[1]
                assert abs(abs(w.y_m) + depth / 2 + 0.05 - place.facade_y_m) < 1e-3
                assert w.heading_deg == (180.0 if w.y_m < 0 else 0.0)  # front to the street
        for a, r in enumerate(waste):
            assert not any(rects_overlap(r, o, 0.0) for o in waste[a + 1 :] + cars)
        for p in scene.people:
            cap = Capsule.person(p.x_m, p.y_m, p.heading_deg, p.pose, p.height_m)
            assert not any(capsule_hits_rect(cap, r, 0.0) for r in waste)
        piles = {}
        for w in scene.waste:
            piles[w.pile] = piles.get(w.pile, 0) + 1
        assert all(1 <= n <= 5 for n in piles.values()) and len(piles) <= 3
    assert 0 in counts and max(counts) >= 5  # images without waste measure false alarms
    assert kinds == {"bin_bag", "cardboard", "mattress", "furniture", "appliance", "rubble_bag"}
    assert walls > 0


def test_osm_dumps_on_paving(tmp_path: Path) -> None:
    extract = write_osm(tmp_path / "x.osm", crossroads())
    plan = parse_plan(
        {
            "count": 10,
            "seed": 2,
            "base": {
                "place": {"kind": "osm", "extract": str(extract), "centre": list(CENTRE),
                          "radius_m": 40},
                "camera": {"preset": "cctv"},
            },
            "waste": {"piles": 3, "per_pile": {"uniform_int": [1, 4]}, "against_wall_share": 0.7},
        }
    )  # fmt: skip
    placed = 0
    for i in range(plan.count):
        scene = sample_scene(plan, i)
        assert isinstance(scene.place, OsmPlace)
        layout = osm_layout(scene.place)
        for w, r in zip(scene.waste, _rects(scene)[0], strict=True):
            placed += 1
            foot = Polygon(r.corners())
            assert not foot.intersects(layout.roads) and not foot.intersects(layout.buildings)
            if w.against_wall:  # touching a façade, 5 cm off it
                assert layout.buildings.distance(foot) < 0.06
    assert placed > 10


@pytest.mark.parametrize(
    ("waste", "message"),
    [
        (
            {"piles": 1, "mix": {"smell": {"choice": {"bad": 1}}}},
            "unknown waste field(s) ['smell']",
        ),
        ({"piles": 1, "per_pile": 0}, "waste.per_pile: Value error, 0 outside 1..30"),
        (
            {"piles": 1, "mix": {"kind": {"choice": {"sofa": 1}}}},
            "waste.mix: kind: Input should be",
        ),
    ],
)
def test_bad_waste_specs_are_refused(waste: dict, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_plan({"count": 1, "waste": waste}, source="plan.yaml")
    assert message.replace("Value error, ", "") in str(err.value)


def test_waste_position_is_checked_like_people() -> None:
    from twinflash.scene.io import parse_scene

    with pytest.raises(InputError, match=r"waste\[0\]: position \(0.0, 12.0\) m is inside"):
        parse_scene({"waste": [{"kind": "mattress", "x_m": 0.0, "y_m": 12.0}]})
    bag = parse_scene({"waste": [{"kind": "bin_bag", "x_m": 0, "y_m": -7}]}).waste[0]
    assert bag.color == "#151515"  # the kind's colour, written into the resolved scene
