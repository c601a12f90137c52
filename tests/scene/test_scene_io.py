"""Scene files: valid ones load explicit and stable; bad ones fail in one line naming the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from twinflash.errors import InputError
from twinflash.scene.io import dump_scene, load_scene, parse_scene

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenes"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_load_and_resolve_idempotently(path: Path, tmp_path: Path) -> None:
    scene = load_scene(path)
    again = tmp_path / "resolved.yaml"
    again.write_text(dump_scene(scene))
    assert load_scene(again) == scene
    assert all(v.plate_text for v in scene.vehicles)


def test_crowded_square_has_forty_people_some_lying() -> None:
    scene = load_scene(EXAMPLES / "crowded_square.yaml")
    assert len(scene.people) >= 40
    assert sum(p.pose == "lying" for p in scene.people) >= 2


def test_random_plates_are_seeded() -> None:
    data = {"seed": 9, "vehicles": [{"model": "peugeot_208_2", "x_m": 0, "y_m": -2}]}
    assert parse_scene(data).vehicles[0].plate_text == parse_scene(data).vehicles[0].plate_text
    other = parse_scene({**data, "seed": 10}).vehicles[0].plate_text
    assert other != parse_scene(data).vehicles[0].plate_text


def test_speed_camera_faces_the_target_vehicle_off_axis() -> None:
    scene = load_scene(EXAMPLES / "speed_camera.yaml")
    cam, v = scene.camera, scene.vehicles[0]
    assert 0.5 <= cam.height_m <= 1.5
    # the camera looks back along the vehicle's axis, 10-25 degrees off it
    off = abs(((cam.yaw_deg - (v.heading_deg + 180)) + 180) % 360 - 180)
    assert 5 <= off <= 25
    assert abs(cam.y_m) >= scene.place.half_road_m  # on the roadside, not in the lane


def test_quality_presets_apply() -> None:
    assert parse_scene({"quality": {"preset": "final"}}).quality.samples == 64
    assert parse_scene({"quality": {"preset": "final", "samples": 100}}).quality.samples == 100


BAD = [
    ("people:\n  - {x_m: 0, y_m: 0, height_m: -1.7}\n", "people[0].height_m"),
    ("people:\n  - {x_m: 0, y_m: 20}\n", "people[0]: position (0.0, 20.0) m is inside a building"),
    (
        "vehicles:\n  - {model: renault_clio_5, x_m: 0, y_m: 0, plate_text: 'AB-12-CD'}\n",
        "vehicles[0].plate_text",
    ),
    (
        "vehicles:\n  - {model: batmobile, x_m: 0, y_m: 0}\n",
        "vehicles[0].model: unknown vehicle model 'batmobile'",
    ),
    ("camera: {preset: cctv, height_m: 30}\n", "camera.height_m"),
    ("camera: {resolution_wh: [0, 10]}\n", "camera.resolution_wh"),
    ("colour: red\n", "colour: Extra inputs are not permitted"),
    ("weather: {kind: hail}\n", "weather.kind"),
    ("people: [ {x_m: 0\n", "broken YAML"),
    ("- just\n- a list\n", "expected a mapping"),
    ("camera: {preset: speed_camera}\n", "camera.target_vehicle"),
    ("camera: {x_m: 0, y_m: 12, height_m: 5}\n", "camera: position (0.00, 12.00) m"),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[b[1][:30] for b in BAD])
def test_bad_scene_names_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_scene(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert expected in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_scene(tmp_path / "nope.yaml")


def test_cli_bad_scene_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"people": [{"x_m": 0, "y_m": 0, "height_m": -1}]}))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "twinflash", "render", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "people[0].height_m" in lines[0], proc.stderr
    assert not out.exists()
