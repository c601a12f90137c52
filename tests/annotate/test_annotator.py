"""annotate_frame on the synthetic frame of conftest, whose truth is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from annotate_synth import blank, facing_quad, make_camera, make_scene

from twinflash.annotate import annotate_frame
from twinflash.annotations import CATEGORIES
from twinflash.frame import Frame, ObjectGeometry


def test_boxes_equal_the_mask_extent_and_cover_the_visible_pixels(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    assert ann.instance_id.tolist() == [1, 2, 3, 4]
    assert ann.category == ["person", "person", "vehicle", "license_plate"]
    assert ann.xyxy[0].tolist() == [320, 208, 352, 272]  # right half of the person square
    assert ann.xywh[2].tolist() == [288, 208, 32, 64]  # the car square, plate included
    assert ann.xyxy[3].tolist() == [296, 250, 312, 256]
    assert ann.area.tolist() == [32 * 64, 0, 32 * 64, 16 * 6]


def test_rle_decodes_to_the_instance_pixels(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    assert np.array_equal(ann.mask(0), frame.instance_ids == 1)
    assert np.array_equal(ann.mask(3), frame.instance_ids == 4)
    # the vehicle's mask includes its plate: the plate is part of the vehicle
    assert np.array_equal(ann.mask(2), np.isin(frame.instance_ids, [3, 4]))


def test_half_covered_person_has_visibility_one_half(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    assert ann.amodal_xyxy[0] == pytest.approx([288, 208, 352, 272])
    assert ann.amodal_area[0] == 64 * 64
    assert ann.visibility[0] == pytest.approx(0.5)
    assert ann.visibility[2] == pytest.approx(1.0)  # the car, fully visible
    expected = np.zeros((480, 640), bool)
    expected[208:272, 288:352] = True
    assert np.array_equal(ann.amodal_mask(0), expected)


def test_fully_hidden_object_is_kept_with_zero_visibility(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    i = ann.index_of(2)
    assert ann.hidden.tolist() == [False, True, False, False]
    assert np.isnan(ann.xyxy[i]).all()
    assert ann.visibility[i] == 0.0
    # mesh at 20 m, y in [-1.5, -0.5], z in [-1, 1] -> u 336..368, v 208..272
    assert ann.amodal_xyxy[i] == pytest.approx([336, 208, 368, 272])
    assert ann.distance_m[i] == pytest.approx(20.0)  # fallback: centroid planar depth


def test_distance_is_the_median_depth_of_the_visible_pixels(frame, scene) -> None:
    frame.depth_m[208:240, 320:352] = 9.0  # half the person's pixels at 9 m, half at 10 m
    frame.depth_m[240, 320:330] = 9.0  # tip the median to 9
    ann = annotate_frame(frame, scene)
    assert ann.distance_m[0] == pytest.approx(9.0)
    assert ann.distance_m[2] == pytest.approx(5.0)


def test_head_point_projects_by_hand_and_knows_if_it_is_seen(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    # head (10, 0, 0.3): u = 320, v = 240 - 640*0.3/10 = 220.8 -> pixel (row 220, col 320)
    assert ann.head_xy[0] == pytest.approx([320.0, 220.8])
    assert bool(ann.head_visible[0]) is True
    # person 2 has no pixels: head (20, -1, 0.9) -> (352, 211.2), not visible
    assert ann.head_xy[1] == pytest.approx([352.0, 211.2])
    assert bool(ann.head_visible[1]) is False
    assert np.isnan(ann.head_xy[2]).all() and not ann.head_visible[2]


def test_head_occluded_by_another_object_is_not_visible(frame, scene) -> None:
    frame.instance_ids[218:224, 318:324] = 3  # the car's pixels cover the head point
    ann = annotate_frame(frame, scene)
    assert bool(ann.head_visible[0]) is False


def test_plate_corners_text_and_vehicle_link(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    i = ann.index_of(4)
    assert ann.category_id[i] == CATEGORIES["license_plate"]
    expected = np.array([[296, 250], [312, 250], [312, 256], [296, 256]], float)
    assert ann.plate_corners_xy[i] == pytest.approx(expected)
    assert ann.parent_id[i] == 3
    assert ann.attributes[i]["text"] == "AB-123-CD"
    assert ann.attributes[i]["vehicle_id"] == 3


def test_attributes_come_from_the_scene_and_the_catalog(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    person, car = ann.attributes[0], ann.attributes[2]
    assert (person["pose"], person["skin_tone"], person["height_m"]) == ("walking", 7, 1.8)
    assert person["build"] == "average" and person["age_group"] == "adult"
    assert person["top_color"] == "#3a5f8a"
    assert (car["make"], car["model"], car["body_type"]) == ("Citroën", "C3", "hatchback")
    assert (car["color"], car["plate_text"]) == ("#aa0000", "AB-123-CD")


def test_scene_index_out_of_range_is_a_clear_error() -> None:
    rgb, ids, depth = blank()
    v, t = facing_quad(10.0, -0.5, 0.5, -0.5, 0.5)
    bad = ObjectGeometry(1, "vehicle", 5, v, t)
    frame = Frame(rgb, ids, depth, make_camera(), [bad])
    with pytest.raises(
        ValueError, match=r"object 1 \(vehicle\): scene_index 5 outside scene.vehicles \(0..0\)"
    ):
        annotate_frame(frame, make_scene())


def test_frame_without_objects_gives_empty_annotations() -> None:
    rgb, ids, depth = blank()
    ann = annotate_frame(Frame(rgb, ids, depth, make_camera()), make_scene())
    assert len(ann) == 0 and ann.image_wh == (640, 480)
