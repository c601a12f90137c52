"""The demo's photos: seeded scenes, the rendering order, the truth read back from a render,
and the training manifest (renders replaced by a synthetic frame of known truth)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.annotate.annotate_synth import make_frame, make_scene

from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.clonedemo.photos import (
    CORNER_COLS,
    MAX_ANGLE_DEG,
    cells,
    photo_from_render,
    rendered_photos,
    scene_dict,
    write_train_manifest,
)
from twinflash.errors import InputError
from twinflash.flash.plates import canonical_siv
from twinflash.scene.io import parse_scene


def test_a_photo_scene_is_seeded_valid_and_within_its_ranges() -> None:
    a = scene_dict("renault_clio_5", "night_ir", 3, (320, 240), 4)
    assert a == scene_dict("renault_clio_5", "night_ir", 3, (320, 240), 4)
    assert a != scene_dict("renault_clio_5", "night_ir", 4, (320, 240), 4)
    scene = parse_scene(a)
    car = scene.vehicles[0]
    assert abs(car.heading_deg - 180) <= MAX_ANGLE_DEG and canonical_siv(car.plate_text or "")
    assert scene.camera.preset == "speed_camera_ir" and 0.8 <= scene.camera.height_m <= 1.4


def test_cells_go_round_by_round_and_refuse_unknown_conditions() -> None:
    assert cells(["a", "b"], ["day"], 2) == [(0, "a", "day"), (0, "b", "day"),
                                            (1, "a", "day"), (1, "b", "day")]  # fmt: skip
    with pytest.raises(InputError, match=r"conditions \['dusk'\]: unknown; known: day"):
        cells(["a"], ["day", "dusk"], 1)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A demo folder with one rendered photo (round 1: the test split) and a stray folder."""
    frame, scene = make_frame(), make_scene()
    write_scene_outputs(tmp_path / "photos" / "citroen_c3_3_day_1", frame, scene,
                        annotate_frame(frame, scene))  # fmt: skip
    (tmp_path / "photos" / "notes").mkdir()
    return tmp_path


def test_the_truth_is_read_back_from_the_render(demo: Path) -> None:
    (photo,) = rendered_photos(demo)
    assert (photo.vehicle, photo.make, photo.model) == ("citroen_c3_3", "Citroën", "C3")
    assert (photo.condition, photo.split, photo.plate) == ("day", "test", "AB-123-CD")
    assert photo.path == "photos/citroen_c3_3_day_1/image.png"
    assert photo.corners_xy == ((296.0, 250.0), (312.0, 250.0), (312.0, 256.0), (296.0, 256.0))
    assert photo.distance_m == 5.0 and photo.angle_deg == 180.0  # heading 0: seen from behind


def test_a_render_without_its_plate_is_named(demo: Path, tmp_path: Path) -> None:
    frame, scene = make_frame(), make_scene()
    frame.objects = [o for o in frame.objects if o.kind != "license_plate"]
    folder = tmp_path / "photos" / "x_day_0"
    write_scene_outputs(folder, frame, scene, annotate_frame(frame, scene))
    with pytest.raises(InputError, match="x_day_0: the flashed vehicle or its plate"):
        photo_from_render(folder, tmp_path, "train", "day")


def test_train_manifest_has_exact_corners_and_the_split_asked(demo: Path) -> None:
    photos = rendered_photos(demo)
    write_train_manifest(demo / "m.csv", photos, None)
    rows = list(csv.DictReader((demo / "m.csv").open()))
    assert rows[0]["split"] == "test" and rows[0]["make"] == "Citroën"
    assert [float(rows[0][c]) for c in CORNER_COLS] == [296, 250, 312, 250, 312, 256, 296, 256]
    write_train_manifest(demo / "cal.csv", photos, "")
    assert "split" not in next(csv.DictReader((demo / "cal.csv").open()))
