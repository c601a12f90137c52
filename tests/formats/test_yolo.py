"""YOLO labels: the visible boxes, normalised; and back to pixel boxes."""

from __future__ import annotations

import numpy as np

from twinflash.formats.yolo import annotations_to_yolo, read, write, yolo_to_boxes


def test_yolo_lines_are_the_visible_boxes_normalised(annotated) -> None:
    _, _, ann = annotated
    text = annotations_to_yolo(ann)
    assert text.splitlines()[0] == "0 0.375000 0.416667 0.125000 0.416667"  # (24/64, 20/48, ...)
    cats, boxes = yolo_to_boxes(text, ann.image_wh)
    visible = ann.area > 0
    np.testing.assert_array_equal(cats, ann.category_id[visible])
    np.testing.assert_allclose(boxes, ann.xyxy[visible], atol=1e-4)


def test_write_then_read_gives_the_labels_and_data_yaml(tmp_path, annotated) -> None:
    _, _, ann = annotated
    image = tmp_path / "image.png"
    image.write_bytes(b"png")
    write(tmp_path / "yolo", [("val", "000001", image, ann)])
    back = read(tmp_path / "yolo")
    assert back["data"] == {
        "path": ".",
        "names": {0: "person", 1: "vehicle", 2: "license_plate", 3: "waste"},
        "val": "images/val",
    }
    assert back["labels"] == {"val": {"000001": annotations_to_yolo(ann)}}
    assert (tmp_path / "yolo" / "images" / "val" / "000001.png").read_bytes() == b"png"
