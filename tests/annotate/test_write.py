"""The scene directory: contents read back exactly, writes are atomic and reproducible."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import yaml
from annotate_synth import blank, facing_quad, make_camera, make_scene

import twinflash.annotate.write as write_mod
from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.annotate.overlay import draw_overlay, label_for
from twinflash.annotate.write import SCENE_FILES
from twinflash.errors import InputError
from twinflash.files import MARKER, dumps_json
from twinflash.frame import Frame, ObjectGeometry


def test_writes_every_file_and_they_read_back(tmp_path, frame, scene) -> None:
    out = write_scene_outputs(tmp_path / "s", frame, scene, annotate_frame(frame, scene))
    assert sorted(p.name for p in out.iterdir()) == sorted([*SCENE_FILES, MARKER])
    rgb = cv2.cvtColor(cv2.imread(str(out / "image.png")), cv2.COLOR_BGR2RGB)
    assert np.array_equal(rgb, frame.rgb)
    depth = np.load(out / "depth.npy")
    assert depth.dtype == np.float32 and np.array_equal(depth, frame.depth_m)
    assert yaml.safe_load((out / "scene.yaml").read_text(encoding="utf-8"))["name"] == "synthetic"
    overlay = cv2.imread(str(out / "overlay.png"))
    assert overlay.shape == (480, 640, 3)


def test_instances_png_keeps_16_bit_ids_exactly(tmp_path, scene) -> None:
    rgb, ids, depth = blank()
    ids[10:20, 10:20] = 300
    ids[30:40, 10:20] = 65535
    ids[50:60, 10:20] = 1
    frame = Frame(rgb, ids, depth, make_camera())
    out = write_scene_outputs(tmp_path / "s", frame, scene, annotate_frame(frame, scene))
    back = cv2.imread(str(out / "instances.png"), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16 and np.array_equal(back, ids)


def test_two_writes_are_byte_identical(tmp_path, frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    a = write_scene_outputs(tmp_path / "a", frame, scene, ann)
    b = write_scene_outputs(tmp_path / "b", frame, scene, annotate_frame(frame, scene))
    for name in SCENE_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_json_is_sorted_and_rounded() -> None:
    text = dumps_json({"b": 1 / 3, "a": [np.float32(2.5), np.int64(3), float("nan"), -0.0]})
    assert text == '{\n "a": [\n  2.5,\n  3,\n  null,\n  0.0\n ],\n "b": 0.333333\n}\n'
    with pytest.raises(TypeError, match="cannot write object to JSON"):
        dumps_json({"x": object()})


def test_failure_mid_write_leaves_no_directory(tmp_path, frame, scene, monkeypatch) -> None:
    ann = annotate_frame(frame, scene)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(write_mod, "draw_overlay", boom)  # after image, json, depth, instances
    with pytest.raises(RuntimeError, match="disk full"):
        write_scene_outputs(tmp_path / "s", frame, scene, ann)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_directory_intact(tmp_path, frame, scene, monkeypatch) -> None:
    ann = annotate_frame(frame, scene)
    out = write_scene_outputs(tmp_path / "s", frame, scene, ann)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(write_mod, "dump_scene", lambda scene: 1 / 0)  # the last file
    with pytest.raises(ZeroDivisionError):
        write_scene_outputs(tmp_path / "s", frame, scene, ann)
    assert [p.name for p in tmp_path.iterdir()] == ["s"]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_rewrite_replaces_the_old_directory(tmp_path, frame, scene) -> None:
    write_scene_outputs(tmp_path / "s", frame, scene, annotate_frame(frame, scene))
    (tmp_path / "s" / "stale.txt").write_text("old", encoding="utf-8")  # in a render of ours
    write_scene_outputs(tmp_path / "s", frame, scene, annotate_frame(frame, scene))
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted([*SCENE_FILES, MARKER])
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_a_render_of_an_older_version_without_marker_is_replaced(tmp_path, frame, scene) -> None:
    old = tmp_path / "s"
    old.mkdir()
    for name in SCENE_FILES[:3]:
        (old / name).write_text("old", encoding="utf-8")
    write_scene_outputs(old, frame, scene, annotate_frame(frame, scene))
    assert (old / MARKER).is_file() and (old / "annotations.json").read_text() != "old"


def test_a_users_folder_is_never_replaced(tmp_path, frame, scene) -> None:
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "thesis.txt").write_text("four years of work", encoding="utf-8")
    with pytest.raises(InputError, match=r"mydocs: folder holds files twinflash did not write"):
        write_scene_outputs(mine, frame, scene, annotate_frame(frame, scene))
    assert [p.name for p in mine.iterdir()] == ["thesis.txt"]
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "four years of work"
    assert [p.name for p in tmp_path.iterdir()] == ["mydocs"]


def test_instance_ids_beyond_uint16_are_refused(tmp_path, scene) -> None:
    rgb, ids, depth = blank()
    frame = Frame(rgb, ids.astype(np.int32), depth, make_camera())
    frame.instance_ids[0, 0] = 70000
    ann = annotate_frame(Frame(rgb, ids, depth, make_camera()), scene)
    with pytest.raises(ValueError, match="must fit in uint16"):
        write_scene_outputs(tmp_path / "s", frame, scene, ann)
    assert not (tmp_path / "s").exists()


def test_overlay_tints_masks_and_labels_objects(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    over = draw_overlay(frame.rgb, ann)
    assert over.shape == frame.rgb.shape and over.dtype == np.uint8
    inside = (slice(230, 245), slice(325, 350))  # person's visible pixels, away from edges
    assert not np.array_equal(over[inside], frame.rgb[inside])
    assert np.array_equal(over[400:, :100], frame.rgb[400:, :100])  # nothing drawn there
    assert label_for(ann, 0) == "person 1 skin7 walking 50%"
    assert label_for(ann, 2) == "Citroen C3 AB-123-CD"  # ASCII: the overlay font has no ë
    assert label_for(ann, 1) == "person 2 skin2 standing (hidden)"
    assert label_for(ann, 3) == ""


def test_overlay_handles_off_image_and_behind_camera_objects(scene) -> None:
    rgb, ids, depth = blank()
    v, t = facing_quad(5.0, -2.75, -2.25, -0.25, 0.25)  # half beyond the right border
    ids[208:272, 608:640] = 1
    head = np.array([-3.0, 0.0, 0.0])  # behind the camera
    frame = Frame(rgb, ids, depth, make_camera(), [ObjectGeometry(1, "person", 0, v, t, head)])
    ann = annotate_frame(frame, make_scene())
    assert np.isnan(ann.head_xy[0]).all()
    assert ann.visibility[0] == pytest.approx(0.5)
    assert draw_overlay(rgb, ann).shape == rgb.shape


def test_overlay_of_a_thumbnail_draws_masks_and_boxes_but_no_labels(scene) -> None:
    """Labels have a legible minimum size: on a 64x48 frame they would cover the picture."""
    rgb, ids, depth = blank((64, 48))
    v, t = facing_quad(5.0, -0.25, 0.25, -0.25, 0.25)
    ids[20:30, 28:36] = 1
    head = np.array([5.0, 0.0, 0.2])
    frame = Frame(
        rgb, ids, depth, make_camera((64, 48)), [ObjectGeometry(1, "person", 0, v, t, head)]
    )
    ann = annotate_frame(frame, make_scene())
    over = draw_overlay(rgb, ann)
    assert not np.array_equal(over[22:28, 30:34], rgb[22:28, 30:34])  # the mask is tinted
    changed = (over != rgb).any(axis=2)
    assert changed.mean() < 0.2, changed.mean()  # a label alone is ~100x16 px


def test_a_file_in_the_way_is_not_replaced(tmp_path, frame, scene) -> None:
    target = tmp_path / "s"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(InputError, match="exists and is not a directory"):
        write_scene_outputs(target, frame, scene, annotate_frame(frame, scene))
    assert target.read_text(encoding="utf-8") == "precious"
