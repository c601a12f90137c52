"""The COCO file loads and evaluates with pycocotools, carries the extra fields, and comes
back to the same `Annotations`, one image or merged."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from tests.annotate.annotate_synth import blank, facing_quad, make_camera

from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.errors import InputError
from twinflash.files import dumps_json
from twinflash.formats.coco import (
    annotations_to_coco,
    coco_to_annotations,
    merge_coco,
    read,
    read_sample,
    write,
)
from twinflash.frame import Frame, ObjectGeometry


@pytest.fixture
def coco_path(tmp_path, frame, scene):
    out = write_scene_outputs(tmp_path / "scene_0001", frame, scene, annotate_frame(frame, scene))
    return out / "annotations.json"


def _quiet_coco(path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def test_pycocotools_loads_it_with_our_ids_and_categories(coco_path) -> None:
    coco = _quiet_coco(coco_path)
    assert sorted(coco.getAnnIds()) == [1, 3, 4]  # instance ids; id 2 is hidden
    cats = {c["id"]: (c["name"], c["supercategory"]) for c in coco.loadCats(coco.getCatIds())}
    assert cats == {
        1: ("person", "person"),
        2: ("vehicle", "vehicle"),
        3: ("license_plate", "vehicle"),
        4: ("waste", "waste"),
    }
    person = coco.loadAnns(1)[0]
    assert person["bbox"] == [320, 208, 32, 64]
    assert person["area"] == 2048 and person["iscrowd"] == 0
    assert np.array_equal(
        coco.annToMask(person).astype(bool)[208:272, 320:352], np.ones((64, 32), bool)
    )
    assert coco.annToMask(person).sum() == 2048


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_ground_truth_against_itself_scores_ap_1(coco_path, iou_type: str) -> None:
    gt = _quiet_coco(coco_path)
    dets = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "bbox": a["bbox"],
            "segmentation": a["segmentation"],
            "score": 1.0,
        }
        for a in gt.loadAnns(gt.getAnnIds())
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        ev = COCOeval(gt, gt.loadRes(dets), iou_type)
        ev.params.areaRng = [[0, 1e10]]  # one range: our objects are all "small" by COCO's
        ev.params.areaRngLbl = ["all"]
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)


def test_image_entry_carries_camera_scene_derived_and_hidden_objects(
    coco_path, frame, scene
) -> None:
    data = json.loads(coco_path.read_text(encoding="utf-8"))
    (image,) = data["images"]
    assert (image["width"], image["height"], image["file_name"]) == (640, 480, "image.png")
    assert image["camera"]["intrinsics_K"][0][0] == 640.0
    assert image["scene"]["people"][0]["skin_tone"] == 7
    assert image["scene"]["vehicles"][0]["plate_text"] == "AB-123-CD"
    assert image["derived"] == {"night": False, "sun_elevation_deg": 41.5}
    (hidden,) = image["hidden_objects"]
    assert hidden["id"] == 2 and hidden["visibility"] == 0.0 and "bbox" not in hidden
    assert hidden["amodal_bbox"] == [336, 208, 32, 64]


def test_person_and_plate_extras(coco_path) -> None:
    anns = {a["id"]: a for a in json.loads(coco_path.read_text(encoding="utf-8"))["annotations"]}
    person, car, plate = anns[1], anns[3], anns[4]
    assert person["head_point"] == [320.0, 220.8] and person["head_visible"] is True
    assert person["keypoints"] == [320.0, 220.8, 2] and person["num_keypoints"] == 1
    assert person["visibility"] == 0.5 and person["amodal_bbox"] == [288, 208, 64, 64]
    assert person["distance_m"] == 10.0
    assert car["attributes"]["make"] == "Citroën" and car["attributes"]["plate_text"] == "AB-123-CD"
    assert plate["text"] == "AB-123-CD" and plate["vehicle_id"] == 3
    assert plate["corners"] == [[296, 250], [312, 250], [312, 256], [296, 256]]


def test_camera_and_annotations_must_agree_on_size(frame, scene) -> None:
    ann = annotate_frame(frame, scene)
    with pytest.raises(ValueError, match=r"camera resolution \(320, 240\) != annotations image_wh"):
        annotations_to_coco(
            ann, camera=make_camera((320, 240)), scene=scene.model_dump(mode="json")
        )


def test_hidden_objects_say_why(scene) -> None:
    rgb, ids, depth = blank()
    occluded = facing_quad(20.0, -0.5, 0.5, -0.5, 0.5)  # in view, but no pixel of it
    outside = facing_quad(5.0, -6.0, -5.0, -0.5, 0.5)  # u = 960..1088: right of the image
    behind = facing_quad(-5.0, -0.5, 0.5, -0.5, 0.5)
    head = np.array([0.0, 0.0, 0.0])
    objects = [
        ObjectGeometry(k, "person", 0, v, t, head_center_world=head)
        for k, (v, t) in enumerate((occluded, outside, behind), start=1)
    ]
    ann = annotate_frame(Frame(rgb, ids, depth, make_camera(), objects), scene)
    assert ann.in_frame.tolist() == [True, False, False]
    coco = annotations_to_coco(ann, camera=make_camera(), scene=scene.model_dump(mode="json"))
    assert coco["annotations"] == []
    reasons = {h["id"]: h["hidden_reason"] for h in coco["images"][0]["hidden_objects"]}
    assert reasons == {1: "occluded", 2: "out_of_frame", 3: "behind_camera"}


def test_back_from_the_json_file_to_annotations(coco_path, frame, scene) -> None:
    original = annotate_frame(frame, scene)
    back = coco_to_annotations(read(coco_path))
    assert back.instance_id.tolist() == original.instance_id.tolist()  # 1..4, hidden 2 too
    for name in ("category_id", "area", "amodal_area", "head_visible", "parent_id"):
        assert np.array_equal(getattr(back, name), getattr(original, name)), name
    for name in ("xyxy", "amodal_xyxy", "visibility", "distance_m", "head_xy", "plate_corners_xy"):
        assert np.allclose(getattr(back, name), getattr(original, name), atol=1e-6, equal_nan=True)
    for i in range(len(back)):
        assert np.array_equal(back.mask(i), original.mask(i))
        assert np.array_equal(back.amodal_mask(i), original.amodal_mask(i))
    assert back.attributes == original.attributes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("{not json", "broken JSON at line 1"),
        ('{"images": []}', "not a COCO file, missing annotations, categories"),
    ],
)
def test_read_names_the_file(tmp_path, content: str | None, message: str) -> None:
    path = tmp_path / "annotations.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"annotations.json: {message}"):
        read(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"unreadable \(FileNotFoundError: "),
        ("{not json", r"unreadable \(JSONDecodeError: "),
        (b"\xff\xfe{}", r"unreadable \(UnicodeDecodeError: "),
        ("[]", "expected a COCO dict with one image"),
        ('{"images": [{"id": 1}, {"id": 2}]}', "expected a COCO dict with one image"),
    ],
)
def test_read_sample_names_the_file(tmp_path, content: str | bytes | None, message: str) -> None:
    path = tmp_path / "annotations.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=f"annotations.json: {message}") as exc:
        read_sample(path)
    assert not isinstance(exc.value, InputError)  # a problem to list or redo, not a refusal


def test_read_sample_gives_the_one_image_coco_back(tmp_path, annotated) -> None:
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene.model_dump(mode="json"))
    back = read_sample(write(one, tmp_path / "annotations.json"))
    assert len(back["images"]) == 1 and back == json.loads(dumps_json(one))


def test_truth_of_the_synthetic_frame(annotated) -> None:
    _, _, ann = annotated
    assert ann.category == ["person", "vehicle", "license_plate", "person"]
    np.testing.assert_array_equal(ann.xyxy[0], [20, 10, 28, 30])
    np.testing.assert_array_equal(ann.xyxy[1], [36, 30, 60, 46])  # plate pixels belong to it
    assert ann.area[3] == 0


def test_merge_round_trips_to_the_same_annotations(annotated) -> None:
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene.model_dump(mode="json"))
    merged = merge_coco([(7, "samples/000006/image.png", one), (8, "x.png", one)], "t")
    assert [a["id"] for a in merged["annotations"]] == list(range(1, 7))  # unique across images
    back = coco_to_annotations(merged, image_id=8)
    np.testing.assert_array_equal(back.instance_id, ann.instance_id)
    np.testing.assert_array_equal(back.category_id, ann.category_id)
    np.testing.assert_allclose(back.xyxy, ann.xyxy)
    np.testing.assert_array_equal(back.area, ann.area)
    assert back.rle[:3] == ann.rle[:3]  # the hidden one (row 3) has an empty mask
    assert not back.mask(3).any()
    assert back.attributes[0]["skin_tone"] == 3
    np.testing.assert_allclose(back.head_xy, ann.head_xy)


def test_merged_rows_keep_their_instance_ids_and_hidden_amodal_masks(annotated) -> None:
    """Both images of a merged file come back with the instance ids of their own file
    (not the renumbered annotation ids), the hidden object's amodal mask included."""
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene.model_dump(mode="json"))
    merged = merge_coco([(1, "a.png", one), (2, "b.png", one)], "t")
    for image_id in (1, 2):
        back = coco_to_annotations(merged, image_id=image_id)
        assert back.instance_id.tolist() == [1, 2, 3, 4]
        assert back.amodal_rle == ann.amodal_rle
        assert back.in_frame.tolist() == ann.in_frame.tolist()


@pytest.mark.parametrize(
    ("image_id", "message"),
    [
        (None, "image_id needed: the COCO dict holds 2 images"),
        (9, "no image with id 9 in the COCO dict; known: 1, 2"),
    ],
)
def test_which_image_must_be_clear(annotated, image_id: int | None, message: str) -> None:
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene.model_dump(mode="json"))
    merged = merge_coco([(1, "a.png", one), (2, "b.png", one)], "t")
    with pytest.raises(ValueError, match=message):
        coco_to_annotations(merged, image_id=image_id)


def test_write_is_deterministic_json_read_gives_it_back(tmp_path, annotated) -> None:
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene.model_dump(mode="json"))
    path = write(one, tmp_path / "coco" / "instances_test.json")
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n "annotations": [') and text.endswith("}\n")  # sorted keys
    back = read(path)
    assert back["annotations"][0]["amodal_bbox"] == [20.0, 10.0, 8.0, 20.0]  # floats rounded
    assert one["annotations"][0]["amodal_bbox"] != [20.0, 10.0, 8.0, 20.0]  # (were not)
    assert back == json.loads(dumps_json(one))
