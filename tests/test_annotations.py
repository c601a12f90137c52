from __future__ import annotations

import numpy as np
import pytest

from twinflash.annotations import Annotations, decode_rle, encode_rle, xywh_to_xyxy, xyxy_to_xywh


def _valid(n: int = 2, wh: tuple[int, int] = (8, 6)) -> dict:
    w, h = wh
    return {
        "image_wh": wh,
        "instance_id": np.arange(1, n + 1),
        "category_id": np.ones(n, dtype=int),
        "xyxy": np.zeros((n, 4)),
        "amodal_xyxy": np.zeros((n, 4)),
        "rle": [encode_rle(np.zeros((h, w), bool)) for _ in range(n)],
        "area": np.zeros(n, dtype=int),
        "amodal_area": np.zeros(n, dtype=int),
        "visibility": np.zeros(n),
        "distance_m": np.zeros(n),
        "head_xy": np.zeros((n, 2)),
        "head_visible": np.zeros(n, dtype=bool),
        "plate_corners_xy": np.zeros((n, 4, 2)),
        "parent_id": np.zeros(n, dtype=int),
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("xyxy", np.zeros((2, 3)), r"Annotations.xyxy must have shape \(2, 4\), got \(2, 3\)"),
        ("area", np.zeros(3), r"Annotations.area must have shape \(2,\), got \(3,\)"),
        ("plate_corners_xy", np.zeros((2, 4)), r"shape \(2, 4, 2\), got \(2, 4\)"),
        ("rle", [], r"Annotations.rle must have 2 items, got 0"),
        ("instance_id", np.array([1, 1]), "duplicates"),
        ("instance_id", np.array([0, 1]), r"must be >= 1 \(0 is background\), got 0"),
        ("category_id", np.array([1, 7]), r"category_id must be in \[1, 2, 3, 4\], got \[7\]"),
        ("visibility", np.array([0.5, 1.5]), r"visibility must lie in \[0, 1\]"),
    ],
)
def test_bad_fields_name_the_field_and_the_shapes(field: str, value: object, message: str) -> None:
    kwargs = _valid() | {field: value}
    with pytest.raises(ValueError, match=message):
        Annotations(**kwargs)


def test_rle_size_must_match_the_image() -> None:
    kwargs = _valid()
    kwargs["rle"][1] = encode_rle(np.zeros((3, 3), bool))
    with pytest.raises(ValueError, match=r"rle\[1\].size must be \[6, 8\], got \[3, 3\]"):
        Annotations(**kwargs)


def test_empty_annotations_are_valid() -> None:
    ann = Annotations(**_valid(0))
    assert len(ann) == 0
    assert ann.xyxy.shape == (0, 4)
    assert ann.plate_corners_xy.shape == (0, 4, 2)


def test_rle_round_trip_and_derived_views() -> None:
    mask = np.zeros((6, 8), bool)
    mask[1:4, 2:7] = True
    rle = encode_rle(mask)
    assert isinstance(rle["counts"], str)
    assert np.array_equal(decode_rle(rle), mask)
    kwargs = _valid()
    kwargs["xyxy"] = np.array([[2, 1, 7, 4], [0, 0, 0, 0]], float)
    kwargs["category_id"] = np.array([1, 3])
    ann = Annotations(**kwargs)
    assert ann.xywh[0].tolist() == [2, 1, 5, 3]
    assert ann.category == ["person", "license_plate"]
    assert ann.index_of(2) == 1
    with pytest.raises(KeyError, match=r"no instance 9; known: \[1, 2\]"):
        ann.index_of(9)


def test_box_helpers_convert_both_ways_and_keep_nan() -> None:
    xyxy = np.array([[10.0, 20.0, 14.0, 30.0], [np.nan] * 4])
    xywh = xyxy_to_xywh(xyxy)
    np.testing.assert_array_equal(xywh[0], [10.0, 20.0, 4.0, 10.0])
    assert np.isnan(xywh[1]).all()
    np.testing.assert_array_equal(xywh_to_xyxy([10, 20, 4, 10]), [10.0, 20.0, 14.0, 30.0])
    np.testing.assert_array_equal(xywh_to_xyxy(xywh[:1]), xyxy[:1])
    assert xyxy[0, 2] == 14.0  # the input is not changed in place
