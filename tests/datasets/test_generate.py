"""Generation end to end with tiny renders: exports agree, runs are reproducible, a killed
run resumes to the same dataset, failures and corrupt samples are reported and skipped,
and the Ray executor gives the same dataset as the local one."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from twinflash.datasets.check import check_dataset
from twinflash.datasets.executors import usable_cores
from twinflash.datasets.exports import build_all
from twinflash.datasets.generate import generate
from twinflash.datasets.plan import parse_plan
from twinflash.datasets.store import DatasetDir
from twinflash.errors import InputError
from twinflash.formats import coco as coco_format
from twinflash.formats import crowd as crowd_format
from twinflash.formats import yolo as yolo_format

from .conftest import tiny_plan_mapping

pytestmark = pytest.mark.blender
COUNT = 3


def _annotations(root: Path) -> dict[str, str]:
    return {
        d.name: (d / "annotations.json").read_text() for d in sorted((root / "samples").iterdir())
    }


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".tmp-" in p.name or p.name == ".scratch"]


@pytest.fixture(scope="module")
def plan():
    return parse_plan(tiny_plan_mapping(COUNT), source="tiny.yaml")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, plan) -> Path:
    out = tmp_path_factory.mktemp("ds") / "local"
    report = generate(plan, out, workers=2, recycle_every=1)
    assert report.rendered == COUNT and not report.failures
    return out


def test_dataset_checks_clean_and_holds_every_export(dataset: Path) -> None:
    report = check_dataset(dataset)
    assert report.problems == [] and report.samples == COUNT
    for path in ("coco", "yolo/data.yaml", "crowd", "metadata.parquet", "README.md"):
        assert (dataset / path).exists(), path
    assert (dataset / "card" / "contact_sheet.png").exists()
    assert _leftovers(dataset) == []
    journal = DatasetDir(dataset).read_jsonl(dataset / "journal.jsonl")
    assert len({r["pid"] for r in journal}) == COUNT  # recycle_every=1: a fresh worker each
    # two workers share the cores: each Cycles render got half of them
    threads = max(1, usable_cores() // 2)
    assert {r["render_threads"] for r in journal} == {threads}
    if usable_cores() >= 2:  # and each worker was pinned to its own half of them
        assert {len(r["cpus"]) for r in journal} == {threads}
        assert len({c for r in journal for c in r["cpus"]}) == 2 * threads


def test_coco_export_loads_and_matches_the_sample_files(dataset: Path) -> None:
    from pycocotools.coco import COCO

    seen = 0
    for path in sorted((dataset / "coco").glob("instances_*.json")):
        with contextlib.redirect_stdout(io.StringIO()):
            api = COCO(str(path))
        for img in api.dataset["images"]:
            sample = json.loads(
                (dataset / Path(img["file_name"]).parent / "annotations.json").read_text()
            )
            got = sorted((a["instance_id"], a["bbox"]) for a in api.imgToAnns[img["id"]])
            want = sorted((a["id"], a["bbox"]) for a in sample["annotations"])
            assert got == want
            for a in api.imgToAnns[img["id"]]:
                assert int(api.annToMask(a).sum()) == a["area"]
            seen += 1
    assert seen == COUNT


def test_yolo_and_crowd_exports_agree_with_coco(dataset: Path) -> None:
    yolo = yolo_format.read(dataset / "yolo")
    assert yolo["data"]["names"] == {0: "person", 1: "vehicle", 2: "license_plate", 3: "waste"}
    n_people = 0
    for path in sorted((dataset / "coco").glob("instances_*.json")):
        split = path.stem.removeprefix("instances_")
        coco = coco_format.read(path)
        crowd = crowd_format.read(dataset / "crowd", split)
        for img in coco["images"]:
            name = Path(img["file_name"]).parent.name
            ann = coco_format.coco_to_annotations(coco, img["id"])
            cats, boxes = yolo_format.yolo_to_boxes(yolo["labels"][split][name], ann.image_wh)
            visible = ann.area > 0
            np.testing.assert_array_equal(cats, ann.category_id[visible])
            np.testing.assert_allclose(boxes, ann.xyxy[visible], atol=1e-4)
            points, density = crowd[name]
            people = (ann.category_id == 1) & visible
            n_people += int(people.sum())
            assert len(points) == people.sum()  # tiny scenes: every head falls inside
            assert abs(float(density.sum()) - len(points)) < 1e-3
    assert n_people > 0


def test_metadata_has_a_row_per_image_and_per_object(dataset: Path, plan) -> None:
    table = pq.read_table(dataset / "metadata.parquet").to_pylist()
    images = [r for r in table if r["row"] == "image"]
    objects = [r for r in table if r["row"] == "object"]
    assert [r["index"] for r in images] == list(range(COUNT))
    for r in images:
        scene = yaml.safe_load((dataset / "samples" / r["sample"] / "scene.yaml").read_text())
        assert r["weather_kind"] == scene["weather"]["kind"]
        assert r["light_local_time"] == scene["light"]["local_time"]
        assert r["n_people"] == len(scene["people"])
        assert isinstance(r["sun_elevation_deg"], float) and r["is_night"] is False
    people = [r for r in objects if r["category"] == "person"]
    assert len(people) == sum(r["n_people"] for r in images)
    assert all(1 <= r["skin_tone"] <= 10 and r["pose"] for r in people)
    assert all(r["box_height_px"] > 0 for r in objects if r["visible"])


def _run_cli(args: list[str], log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "twinflash", *args]
    with open(log, "w") as fh:  # a file, not a pipe nobody reads: the child never blocks
        return subprocess.Popen(cmd, stdout=fh, stderr=fh, start_new_session=True)


def test_same_plan_again_after_a_kill_gives_the_same_dataset(tmp_path, dataset, plan) -> None:
    plan_file = tmp_path / "tiny.yaml"
    plan_file.write_text(yaml.safe_dump(tiny_plan_mapping(COUNT)))
    out = tmp_path / "killed"
    store = DatasetDir(out)
    log = tmp_path / "generate.log"
    proc = _run_cli(["generate", str(plan_file), "--out", str(out), "--workers", "2"], log)
    deadline = time.monotonic() + 600

    # kill after the first sample is journaled (a sample lands before its journal line, so
    # waiting for the directory alone raced the line): with 2 workers the last one could
    # finish within a poll
    def journaled() -> int:
        return sum(r["ok"] for r in store.read_jsonl(store.journal))

    while journaled() < 1:
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "no sample done in 10 minutes"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its workers, mid-render
    proc.wait()
    done_before = sum(store.is_done(i, COUNT) for i in range(COUNT))
    assert done_before < COUNT
    # the command line's two workers shared the cores, as the Python API's do
    before = [r for r in store.read_jsonl(store.journal) if r["ok"]]
    assert {r["render_threads"] for r in before} == {max(1, usable_cores() // 2)}
    report = generate(parse_plan(tiny_plan_mapping(COUNT)), out, workers=1)
    assert report.rendered == COUNT - done_before and report.skipped == done_before
    assert _annotations(out) == _annotations(dataset)  # also 1 worker vs 2: same annotations
    assert _leftovers(out) == []
    ok = [r["index"] for r in store.read_jsonl(store.journal) if r["ok"]]
    assert len(ok) == len(set(ok))  # nothing rendered twice
    assert check_dataset(out).problems == []


def test_failed_sample_is_recorded_and_the_rest_carry_on(tmp_path) -> None:
    sweep = {"path": "camera.pitch_deg", "values": [2.0, 95.0]}  # 95 deg is out of range
    plan = parse_plan(tiny_plan_mapping(2) | {"sweep": sweep}, source="sweep.yaml")
    report = generate(plan, tmp_path / "ds", workers=1)
    assert report.rendered == 1
    assert [f["index"] for f in report.failures] == [1]
    assert "camera.pitch_deg" in report.failures[0]["error"]
    check = check_dataset(tmp_path / "ds")
    assert check.problems == [] and check.failed == 1 and check.samples == 1
    assert "sample 1" in (tmp_path / "ds" / "README.md").read_text()


def test_corrupt_sample_is_reported_skipped_and_rerendered(tmp_path, dataset, plan) -> None:
    out = tmp_path / "copy"
    shutil.copytree(dataset, out)
    bad = out / "samples" / "000001" / "annotations.json"
    bad.write_text(bad.read_text()[:100])
    (out / "samples" / ".000003.tmp-123-abc").mkdir()  # a leftover of a killed write
    problems = check_dataset(out).problems
    assert any(str(bad) in p for p in problems)
    assert any(".000003.tmp-123-abc" in p for p in problems)
    exports = build_all(DatasetDir(out), plan)
    assert exports["samples"] == COUNT - 1 and [c["index"] for c in exports["corrupt"]] == [1]
    assert (
        "000001"
        not in (out / "splits" / "train.txt").read_text()
        + (out / "splits" / "test.txt").read_text()
    )
    report = generate(plan, out, workers=1)
    assert report.rendered == 1 and report.failures == []
    assert _annotations(out) == _annotations(dataset)
    assert check_dataset(out).problems == []


def test_another_plan_is_refused_in_the_same_directory(dataset) -> None:
    from twinflash.errors import InputError

    with pytest.raises(InputError, match="another plan"):
        generate(parse_plan(tiny_plan_mapping(COUNT + 1)), dataset, workers=1)


def test_ray_executor_gives_the_same_dataset(tmp_path, dataset, plan) -> None:
    pytest.importorskip("ray")
    out = tmp_path / "ray"
    report = generate(plan, out, executor="ray", workers=2, recycle_every=2)
    assert report.rendered == COUNT and not report.failures
    assert _annotations(out) == _annotations(dataset)
    assert check_dataset(out).problems == []


def test_sequence_clip_exports_mot_tracks_with_stable_ids(tmp_path) -> None:
    from twinflash.formats import mot as mot_format

    mapping = tiny_plan_mapping(2) | {"sequence": {"frames": 2, "fps": 1.0, "walk_speed_mps": 1.5}}
    mapping["people"] = {
        "count": 1,
        "zone": "sidewalk",
        "x_range_m": [0, 3],
        "mix": {"pose": {"choice": {"walking": 1}}, "heading_deg": 0.0},
    }
    mapping["vehicles"] = {"count": 0}
    mapping["exports"] = {"formats": ["coco", "mot"]}
    plan = parse_plan(mapping, source="clip.yaml")
    out = tmp_path / "clip"
    assert generate(plan, out, workers=1).rendered == 2
    (seq,) = list((out / "mot").glob("*/*"))
    assert sorted(p.name for p in (seq / "img1").iterdir()) == ["000001.png", "000002.png"]
    assert "seqLength=2" in (seq / "seqinfo.ini").read_text()
    tracks = mot_format.read(seq)
    assert list(tracks) == [1]  # person 0 of the scene, in both frames
    assert [f for f, _, _ in tracks[1]] == [1, 2]
    x_centres = [(box[0] + box[2]) / 2 for _, box, _ in tracks[1]]
    assert x_centres[0] != x_centres[1]  # walking along +x moves the box
    scenes = [
        yaml.safe_load((out / "samples" / f"00000{k}" / "scene.yaml").read_text()) for k in (0, 1)
    ]
    assert scenes[1]["people"][0]["x_m"] - scenes[0]["people"][0]["x_m"] == pytest.approx(1.5)
    assert check_dataset(out).problems == []


def test_check_reports_boxes_masks_and_orphans(tmp_path, dataset) -> None:
    out = tmp_path / "edited"
    shutil.copytree(dataset, out)
    path = out / "samples" / "000000" / "annotations.json"
    coco = json.loads(path.read_text())
    ann = coco["annotations"][0]
    x, y, w, h = ann["bbox"]
    ann["bbox"] = [x + 1, y, w + 200, h]  # shifted and wider than the image
    path.write_text(json.dumps(coco))
    (out / "stray.txt").write_text("?")
    problems = check_dataset(out).problems
    where = f"{path}: annotation {ann['id']}"
    assert any(p.startswith(where) and "outside the 64x48 image" in p for p in problems)
    assert any(p.startswith(where) and "mask extent" in p for p in problems)
    assert any(p.endswith("stray.txt: orphan (temporary leftover or stray file)") for p in problems)


def test_workers_render_when_the_parent_already_loaded_blender(tmp_path: Path) -> None:
    """A session that rendered before (a notebook, this test run) still spawns working
    workers: they must not inherit Blender's script folders ahead of the bpy module."""
    mapping = tiny_plan_mapping(1)
    code = (
        "import bpy, json, sys\n"
        "from twinflash.datasets.generate import generate\n"
        "from twinflash.datasets.plan import parse_plan\n"
        "plan = parse_plan(json.loads(sys.argv[1]), source='tiny.yaml')\n"
        "report = generate(plan, sys.argv[2], workers=1)\n"
        "print('RENDERED', report.rendered, len(report.failures))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(mapping), str(tmp_path / "ds")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "RENDERED 1 0" in proc.stdout, proc.stderr[-2000:]


def test_metadata_columns_known_before_rendering_are_the_rendered_ones(dataset, plan) -> None:
    """`image_columns` (what `splits.hold_out.key` is checked against before rendering)
    lists exactly the image-row columns of a rendered sample, derived values included."""
    from twinflash.datasets.plan import image_columns
    from twinflash.datasets.sampler import sample_scene
    from twinflash.formats.metadata import image_row

    for i in range(COUNT):
        name = f"{i:06d}"
        coco = json.loads((dataset / "samples" / name / "annotations.json").read_text())
        rendered = image_row(i, name, "", coco)
        assert sorted(image_columns(sample_scene(plan, i))) == sorted(rendered)


def _session(sid: int) -> dict[int, str]:
    """Live (not zombie) processes of session `sid`: pid -> command line (from /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # exited meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, session...
        if int(fields[3]) == sid and fields[0] != "Z":
            out[int(entry.name)] = cmdline
    return out


def _wait_for_render(proc: subprocess.Popen, out: Path, log: Path) -> None:
    """Until a worker is inside render_scene (its temporary directory exists)."""
    deadline = time.monotonic() + 600
    while not list((out / ".scratch").glob("twinflash-render-*")):
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "no render started in 10 minutes"
        time.sleep(0.1)


def _survivors(sid: int, timeout_s: float) -> dict[int, str]:
    """The session's processes still alive after up to `timeout_s` (bounded wait)."""
    deadline = time.monotonic() + timeout_s
    while (alive := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def _done(store: DatasetDir) -> list[int]:
    return [i for i in range(COUNT) if store.is_done(i, COUNT)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_killing_the_coordinator_kills_its_workers_and_the_rerun_completes(
    tmp_path, dataset
) -> None:
    """kill -9 of `generate` alone (not its process group): its workers used to be
    orphaned, render on, write samples no journal recorded, then block on a pipe forever."""
    plan_file = tmp_path / "tiny.yaml"
    plan_file.write_text(yaml.safe_dump(tiny_plan_mapping(COUNT)))
    out, log = tmp_path / "killed", tmp_path / "generate.log"
    store = DatasetDir(out)
    args = ["generate", str(plan_file), "--out", str(out), "--workers", "2"]
    proc = _run_cli([*args, "--threads-per-worker", "1"], log)  # its own session
    try:
        _wait_for_render(proc, out, log)
        workers = {p for p, cmd in _session(proc.pid).items() if "spawn_main" in cmd}
        assert workers, _session(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the coordinator only
        proc.wait()
        done_at_kill = _done(store)
        left = _survivors(proc.pid, timeout_s=30)
        assert not left, f"still running 30 s after the coordinator died: {left}"
    finally:
        for pid in _session(proc.pid):  # a failed run leaves nothing behind either
            os.kill(pid, signal.SIGKILL)
    assert _done(store) == done_at_kill  # no sample written after the coordinator died
    assert len(done_at_kill) < COUNT
    report = generate(parse_plan(tiny_plan_mapping(COUNT)), out, workers=1)
    assert report.rendered == COUNT - len(done_at_kill) and not report.failures
    ok = [r["index"] for r in store.read_jsonl(store.journal) if r["ok"]]
    assert sorted(ok) == list(range(COUNT))  # each sample rendered and journaled once
    assert _annotations(out) == _annotations(dataset)
    assert check_dataset(out).problems == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_killing_a_ray_driver_stops_its_render_tasks(tmp_path) -> None:
    """With `--executor ray` and a local Ray instance, the driver owns Ray's processes: kill
    -9 of the driver ends the raylet, which ends its workers mid-render, and no sample
    lands afterwards. (Ray's own DashboardAgent/RuntimeEnvAgent may outlive it, a known
    Ray issue, ray-project/ray#52385; they render nothing and are ended here.)"""
    pytest.importorskip("ray")
    plan_file = tmp_path / "tiny.yaml"
    plan_file.write_text(yaml.safe_dump(tiny_plan_mapping(COUNT)))
    out, log = tmp_path / "ray", tmp_path / "generate.log"
    args = ["generate", str(plan_file), "--out", str(out), "--executor", "ray"]
    proc = _run_cli([*args, "--workers", "2", "--threads-per-worker", "1"], log)
    try:
        _wait_for_render(proc, out, log)
        tasks = {p for p, cmd in _session(proc.pid).items() if cmd.startswith("ray::run_task")}
        assert tasks, _session(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        done_at_kill = _done(DatasetDir(out))
        deadline = time.monotonic() + 60
        while (left := tasks & set(_session(proc.pid))) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"Ray render tasks still running 60 s after the driver died: {left}"
        workers = [c for c in _session(proc.pid).values() if c.startswith("ray::run_task")]
        assert workers == []
    finally:
        for pid in _session(proc.pid):
            os.kill(pid, signal.SIGKILL)
    assert _done(DatasetDir(out)) == done_at_kill


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
