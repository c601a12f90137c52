"""Loading and checking plans: files, overrides and impossible values, one line each (no
Blender)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinflash.datasets.plan import load_plan, parse_plan
from twinflash.datasets.sampler import sample_scene
from twinflash.errors import InputError

from .conftest import PLANS, tiny_plan_mapping


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_example_plans_load_and_sample(path: Path) -> None:
    plan = load_plan(path)
    w, h = plan.base["camera"]["resolution_wh"]
    assert w * h <= 640 * 360  # modest defaults; --resolution raises them
    for i in range(3):
        sample_scene(plan, i, str(path))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"count": 0}, "count: Input should be greater than or equal to 1"),
        ({"vary": {"weather.kindd": "fog"}}, "vary: 'weather.kindd': unknown field 'kindd'"),
        ({"vary": {"weathr.kind": "fog"}}, "unknown scene section 'weathr'"),
        ({"vary": {"weather.kind": {"choice": {"fog": -1}}}}, "greater than or equal to 0"),
        ({"vary": {"light.cloud_cover": {"uniform": [0.9, 0.1]}}}, "uniform low 0.9 > high 0.1"),
        ({"people": {"mix": {"skin": 3}}}, "unknown person field(s) ['skin']"),
        ({"base": {"people": []}}, "people, vehicles and waste come from the plan"),
        ({"sweep": {"path": "weather.fog_visibility_m"}}, "give either values or start/stop/num"),
        ({"colour": 1}, "colour: Extra inputs are not permitted"),
        ({"vary": {"weather.kind": "tornado"}}, "plan.yaml: sample 0: weather.kind"),
    ],
)
def test_bad_plans_name_the_file_and_field(change: dict, expected: str) -> None:
    with pytest.raises(InputError) as err:
        parse_plan(tiny_plan_mapping() | change, source="plan.yaml")
    assert str(err.value).startswith("plan.yaml")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_overrides_are_checked_like_the_plan_naming_file_and_option() -> None:
    plan = parse_plan(tiny_plan_mapping(2), source="p.yaml")
    with pytest.raises(InputError, match=r"^p\.yaml with `count` 0: count: .*greater than"):
        plan.with_overrides(count=0, source="p.yaml")
    with pytest.raises(
        InputError, match=r"^p\.yaml with `render_samples` 0: sample 0: quality\.samples"
    ):
        plan.with_overrides(render_samples=0, source="p.yaml")
    with pytest.raises(InputError, match=r"`resolution_wh` 8x8: sample 0: camera\.resolution_wh"):
        plan.with_overrides(resolution_wh=(8, 8), source="p.yaml")
    assert plan.with_overrides((96, 64), 2, 3).count == 3


def test_hold_out_key_must_name_a_metadata_column() -> None:
    mapping = tiny_plan_mapping(2)
    mapping["splits"]["hold_out"] = {"key": "weather.kindd", "values": ["fog"]}
    with pytest.raises(InputError, match=r"splits\.hold_out\.key: .*did you mean weather_kind"):
        parse_plan(mapping, source="p.yaml")
    for key in ("weather.kind", "is_night", "place.layout_seed", "n_people"):
        mapping["splits"]["hold_out"]["key"] = key
        parse_plan(mapping, source="p.yaml")


def _with(path: str, value: object) -> dict:
    plan = tiny_plan_mapping(2)
    node = plan
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return plan


# Found by tests/test_fuzz.py: each used to reach the sampler and die with a traceback
# (or, for a huge count, place vehicles for ever). Now one line naming the field.
PLAN_VALUE_CASES = [
    ("people.count", float("nan"), "people.count"),
    ("people.count", 2.5, "expected whole numbers (got 2.5)"),
    ("people.count", {"uniform": [1, 3]}, "expected a whole number"),
    ("people.count", 2**70, "people.count"),
    ("vehicles.count", {"uniform_int": [0, 10_000]}, "10000 outside 0..200"),
    ("people.lying", "", "expected whole numbers"),
    ("people.mix", {"pose": {"choice": {"flying": 1}}}, "pose: Input should be"),
    ("people.mix", {"age_group": {"choice": {"adult": float("inf")}}}, "people.mix"),
    ("vehicles.mix", {"model": "batmobile"}, "unknown vehicle model 'batmobile'"),
    ("people.x_range_m", [9, -3], "low < high"),
    ("base.camera", True, "camera: expected a mapping"),
    ("vary.light.local_time", float("nan"), "not finite"),
    ("sequence", {"frames": 2, "walk_speed_mps": "fast"}, "expected numbers"),
    (
        "sweep",
        {"path": "weather.fog_visibility_m", "start": 0, "stop": 50, "num": 3, "scale": "log"},
        "same sign",
    ),
]


@pytest.mark.parametrize(("path", "value", "expected"), PLAN_VALUE_CASES)
def test_impossible_plan_values_are_one_line(path: str, value: object, expected: str) -> None:
    plan = _with(path, value) if not path.startswith("vary.") else tiny_plan_mapping(2)
    if path.startswith("vary."):
        plan["vary"][path.removeprefix("vary.")] = value
    with pytest.raises(InputError) as info:
        parse_plan(plan, source="p.yaml")
    message = str(info.value)
    assert message.startswith("p.yaml") and "\n" not in message
    assert expected in message, message
