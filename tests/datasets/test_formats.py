"""Format converters against hand-computed truth (no Blender)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from twinflash.annotate.coco import annotations_to_coco
from twinflash.datasets.formats.coco import coco_to_annotations, merge_coco
from twinflash.datasets.formats.crowd import annotations_to_crowd, density_map
from twinflash.datasets.formats.vehicles import annotations_to_crops, folder_name
from twinflash.datasets.formats.yolo import annotations_to_yolo, yolo_to_boxes
from twinflash.datasets.metadata import rows_to_table


def test_truth_of_the_synthetic_frame(annotated) -> None:
    _, _, ann = annotated
    assert ann.category == ["person", "vehicle", "license_plate", "person"]
    np.testing.assert_array_equal(ann.xyxy[0], [20, 10, 28, 30])
    np.testing.assert_array_equal(ann.xyxy[1], [36, 30, 60, 46])  # plate pixels belong to it
    assert ann.area[3] == 0


def test_yolo_lines_are_the_visible_boxes_normalised(annotated) -> None:
    _, _, ann = annotated
    text = annotations_to_yolo(ann)
    assert text.splitlines()[0] == "0 0.375000 0.416667 0.125000 0.416667"  # (24/64, 20/48, ...)
    cats, boxes = yolo_to_boxes(text, ann.image_wh)
    visible = ann.area > 0
    np.testing.assert_array_equal(cats, ann.category_id[visible])
    np.testing.assert_allclose(boxes, ann.xyxy[visible], atol=1e-4)


def test_coco_merge_round_trips_to_the_same_annotations(annotated) -> None:
    frame, scene, ann = annotated
    one = annotations_to_coco(ann, camera=frame.camera, scene=scene)
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


def test_crowd_points_and_density_sum_to_the_count(annotated) -> None:
    _, _, ann = annotated
    pts = annotations_to_crowd(ann)
    assert pts.shape == (1, 2)  # the hidden person does not count
    np.testing.assert_allclose(pts[0], ann.head_xy[0])
    dens = density_map(np.array([[0.2, 0.3], [30.0, 20.0], [63.9, 47.9]]), (64, 48), 3.0)
    assert dens.shape == (48, 64)
    assert abs(float(dens.sum()) - 3.0) < 1e-4  # corners renormalised inside the image
    assert np.unravel_index(dens.argmax(), dens.shape) in {(20, 30), (0, 0), (47, 63)}


def test_vehicle_crops_go_to_ascii_make_model_folders(annotated) -> None:
    frame, _, ann = annotated
    crops = annotations_to_crops(frame.rgb, ann, min_box_px=8, min_visibility=0.5)
    assert [(c[0], c[1], c[2]) for c in crops] == [(2, "Citroën", "C3")]
    assert crops[0][3].shape == (20, 30, 3)  # box 36:60 x 30:46 grown 10%: cols 33:63, rows 28:48
    assert folder_name("Citroën") == "Citroen" and folder_name("Model 3") == "Model_3"
    assert annotations_to_crops(frame.rgb, ann, min_box_px=17) == []


def test_metadata_columns_unify_mixed_numbers() -> None:
    table = rows_to_table([{"a": 1, "b": "x"}, {"a": 2.5, "c": True}])
    assert table.schema.field("a").type == pa.float64()
    assert table.column("b").to_pylist() == ["x", None]
