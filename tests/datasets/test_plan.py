"""Plans, distributions, sampling and placement (no Blender)."""

from __future__ import annotations

import collections
import math
import os
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
from twinflash.datasets.planspec import SplitSpec
from twinflash.datasets.sampler import sample_mapping, sample_scene
from twinflash.datasets.splits import assign_split
from twinflash.errors import InputError
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import OsmPlace

from .conftest import tiny_plan_mapping

PLANS = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.yaml"))


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


def _within(observed: float, expected: float, sd: float) -> bool:
    return abs(observed - expected) <= 4 * sd


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
        assert _within(kinds[kind] / n, p, math.sqrt(p * (1 - p) / n)), (kind, kinds)
    heights = np.array([m["camera"]["height_m"] for m in maps])
    assert _within(heights.mean(), 1.6, 0.2 / math.sqrt(n))
    assert _within(heights.std(), 0.2, 0.2 / math.sqrt(2 * n))
    fog = np.array([m["weather"]["fog_visibility_m"] for m in maps])
    assert fog.min() >= 20 and fog.max() <= 500
    assert _within(fog.mean(), 260, 480 / math.sqrt(12 * n))
    hours = [int(m["light"]["local_time"][:2]) for m in maps]
    assert min(hours) == 6 and max(hours) == 17
    people = np.array([len(m["people"]) for m in maps])
    assert set(people.tolist()) == {0, 1, 2, 3, 4}
    assert _within(people.mean(), 2.0, math.sqrt(2.0 / n))
    lying = np.array([sum(p["pose"] == "lying" for p in m["people"]) for m in maps])
    assert (lying <= 1).all() and (lying <= people).all()
    assert _within(lying[people > 0].mean(), 0.5, 0.5 / math.sqrt((people > 0).sum()))


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
            Capsule.person(p.x_m, p.y_m, p.heading_deg, p.pose, p.height_m) for p in scene.people
        ]
        rects = []
        for v in scene.vehicles:
            spec = get_vehicle_model(v.model)
            rects.append(Rect(v.x_m, v.y_m, v.heading_deg, spec.length_m, spec.width_m))
            if not isinstance(place, OsmPlace):  # osm layouts: tests/datasets/test_osm_plan.py
                assert abs(v.y_m) + spec.width_m / 2 < place.half_road_m  # on the road
                assert (v.heading_deg == 0) == (v.y_m < 0)  # traffic keeps right
        for a, cap in enumerate(caps):
            if not isinstance(place, OsmPlace):
                assert person_spot_ok(place, plan.people.zone, cap), scene.people[a]
            assert not any(capsules_overlap(cap, other, 0.0) for other in caps[a + 1 :])
            assert not any(capsule_hits_rect(cap, r, 0.0) for r in rects)
        for a, r in enumerate(rects):
            assert not any(rects_overlap(r, other, 0.0) for other in rects[a + 1 :])


def test_geometry_helpers_against_hand_cases() -> None:
    lying = Capsule.person(0, 0, 90, "lying", 1.8)  # feet at the origin, head at (0, 1.8)
    assert capsules_overlap(lying, Capsule.person(0.5, 1.7, 0, "standing", 1.7))
    assert not capsules_overlap(lying, Capsule.person(1.0, 1.7, 0, "standing", 1.7))
    car = Rect(0, 0, 0, 4.0, 2.0)
    assert car.distance_to(3.0, 0.0) == pytest.approx(1.0)
    assert rects_overlap(car, Rect(4.5, 0, 180, 4.0, 2.0), gap_m=0.8)
    assert not rects_overlap(car, Rect(5.0, 0, 180, 4.0, 2.0), gap_m=0.8)


def test_hold_out_split_takes_exactly_the_held_condition() -> None:
    spec = SplitSpec.model_validate(
        {
            "fractions": {"train": 0.8, "val": 0.2, "test": 0.0},
            "hold_out": {"key": "weather.kind", "values": ["fog", "snow"], "split": "test"},
        }
    )
    rows = [{"weather_kind": k} for k in ["fog", "clear", "snow", "rain"] * 100]
    splits = [assign_split(spec, 1, i, r) for i, r in enumerate(rows)]
    for r, s in zip(rows, splits, strict=True):
        assert (s == "test") == (r["weather_kind"] in ("fog", "snow"))
    val = sum(s == "val" for s in splits) / 200
    assert _within(val, 0.2, math.sqrt(0.16 / 200))
    assert splits == [assign_split(spec, 1, i, r) for i, r in enumerate(rows)]


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


def test_sequence_count_must_hold_whole_clips() -> None:
    with pytest.raises(InputError, match=r"multiple of sequence\.frames"):
        parse_plan(tiny_plan_mapping(5) | {"sequence": {"frames": 2}})


@pytest.mark.parametrize(
    "module",
    ["twinflash.datasets.generate", "twinflash.datasets.executors", "twinflash.cli.datasets"],
)
def test_datasets_import_without_blender_or_ray(module: str) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; print([m for m in ('bpy', 'ray') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_bad_input_is_one_line_exit_2_and_check_of_nothing_fails(tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "twinflash", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    bad = tmp_path / "plan.yaml"
    bad.write_text("count: 3\nvary: {weather.kind: {choice: {fog: -1}}}\n")
    out = run("generate", str(bad), "--out", str(tmp_path / "ds"))
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"error: {bad}: vary.weather.kind")
    out = run("generate", str(PLANS[0]), "--out", str(tmp_path / "ds"), "--executor", "dask")
    assert out.returncode == 2 and "known: local, ray" in out.stderr
    for option in ("--workers", "--threads-per-worker", "--recycle-every"):
        out = run("generate", str(PLANS[0]), "--out", str(tmp_path / "ds"), option, "0")
        assert out.returncode == 2 and out.stderr == f"error: {option}: must be >= 1 (got 0)\n"
    assert not (tmp_path / "ds").exists()
    out = run("dataset", "check", str(tmp_path / "nothing"))
    assert out.returncode == 1 and "not a directory" in out.stdout + out.stderr


def test_workers_split_the_cores_and_ray_tasks_reserve_their_threads(monkeypatch) -> None:
    """One Cycles render uses every core it is given: local workers share the machine's
    cores; a Ray task reserves as many CPUs as it renders with (4 on a cluster)."""
    from twinflash.datasets import executors
    from twinflash.datasets.executors import make_executor

    monkeypatch.setattr(executors, "usable_cores", lambda: 16)
    assert make_executor("local", workers=1).threads_per_worker == 16
    assert make_executor("local", workers=4).threads_per_worker == 4
    assert make_executor("local", workers=32).threads_per_worker == 1
    assert make_executor("local", workers=2, threads_per_worker=3).threads_per_worker == 3
    assert make_executor("ray", workers=2).threads_per_worker == 8
    assert make_executor("ray", workers=2, address="auto").threads_per_worker == 4


def test_local_workers_claim_free_core_slots_and_take_over_dead_ones(monkeypatch) -> None:
    """Each local worker keeps to its own cores; a recycled worker's successor takes its
    slot, waiting for it to exit; with no slot freed in time a worker keeps every core."""
    import multiprocessing
    import subprocess
    import threading

    from twinflash.datasets import executors

    dead = subprocess.Popen(["true"])
    dead.wait()  # a reaped child: its pid is free
    pinned: list[list[int]] = []
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda _: {4, 5, 6, 7, 8, 9})
    monkeypatch.setattr(executors.os, "sched_setaffinity", lambda _, cores: pinned.append(cores))
    owners = multiprocessing.get_context("spawn").Array("i", [os.getpid(), dead.pid, 0])
    executors._pin_worker(owners, 2)
    assert pinned == [[6, 7]] and owners[1] == os.getpid()  # the dead worker's slot
    executors._pin_worker(owners, 2)
    assert pinned[-1] == [8, 9] and owners[2] == os.getpid()
    monkeypatch.setattr(executors, "SLOT_WAIT_S", 0.2)
    executors._pin_worker(owners, 2)  # every slot held by a live process, for too long
    assert len(pinned) == 2
    monkeypatch.setattr(executors, "SLOT_WAIT_S", 5.0)
    exiting = threading.Timer(0.3, owners.__setitem__, (0, dead.pid))
    exiting.start()  # a predecessor exits while its successor waits: the successor's cores
    executors._pin_worker(owners, 2)
    assert pinned[-1] == [4, 5]
    monkeypatch.setattr(executors, "usable_cores", lambda: 6)
    assert executors.LocalExecutor(workers=3, threads_per_worker=2).pinned
    assert not executors.LocalExecutor(workers=4, threads_per_worker=2).pinned  # oversubscribed


def test_ray_refuses_more_threads_per_task_than_any_node_has() -> None:
    """Ray would otherwise queue the tasks forever, waiting for a node big enough."""
    ray = pytest.importorskip("ray")
    from twinflash.datasets.executors import RayExecutor
    from twinflash.errors import InputError

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        with pytest.raises(InputError, match="2, but the largest Ray node has 1 CPUs"):
            list(RayExecutor(workers=1, threads_per_worker=2).run(iter([])))
    finally:
        ray.shutdown()


def test_overrides_are_checked_like_the_plan_naming_file_and_option() -> None:
    plan = parse_plan(tiny_plan_mapping(2), source="p.yaml")
    with pytest.raises(InputError, match=r"^p\.yaml with --count 0: count: .*greater than"):
        plan.with_overrides(count=0, source="p.yaml")
    with pytest.raises(InputError, match=r"^p\.yaml with --samples 0: sample 0: quality\.samples"):
        plan.with_overrides(render_samples=0, source="p.yaml")
    with pytest.raises(InputError, match=r"--resolution 8x8: sample 0: camera\.resolution_wh"):
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


def test_generate_checks_a_plan_built_without_parse_plan_before_creating_out(
    tmp_path: Path,
) -> None:
    """A KeyError after rendering every sample, and no exports, before issue #11."""
    from twinflash.datasets.generate import generate
    from twinflash.datasets.plan import Plan

    mapping = tiny_plan_mapping(2)
    mapping["splits"]["hold_out"] = {"key": "moon_phase", "values": [1]}
    plan = Plan.model_validate(mapping)  # no parse_plan: nothing checked the scene yet
    with pytest.raises(InputError, match="no metadata column 'moon_phase'"):
        generate(plan, tmp_path / "ds", workers=1)
    assert not (tmp_path / "ds").exists()


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
