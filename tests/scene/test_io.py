"""Scene files: valid ones load explicit and stable; bad ones fail in one line naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinflash.errors import InputError
from twinflash.scene.io import dump_scene, load_scene

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
