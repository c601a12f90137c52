"""The COCO file loads and evaluates with pycocotools, and carries the extra fields."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from annotate_synth import blank, facing_quad, make_camera
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.annotate.coco import annotations_to_coco, coco_to_annotations, load_coco
from twinflash.errors import InputError
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
        annotations_to_coco(ann, camera=make_camera((320, 240)), scene=scene)


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
    coco = annotations_to_coco(ann, camera=make_camera(), scene=scene)
    assert coco["annotations"] == []
    reasons = {h["id"]: h["hidden_reason"] for h in coco["images"][0]["hidden_objects"]}
    assert reasons == {1: "occluded", 2: "out_of_frame", 3: "behind_camera"}


def test_back_from_the_json_file_to_annotations(coco_path, frame, scene) -> None:
    original = annotate_frame(frame, scene)
    back = coco_to_annotations(load_coco(coco_path))
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
def test_load_coco_names_the_file(tmp_path, content: str | None, message: str) -> None:
    path = tmp_path / "annotations.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"annotations.json: {message}"):
        load_coco(path)
