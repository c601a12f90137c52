"""Plate-anchored crops against known truth: a plate drawn at known corners lands where the
crop spec says, whatever its rotation, scale or the photo's border."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from twinflash.errors import InputError
from twinflash.flash.crops import (
    PLATE_ASPECT,
    CropSpec,
    corners_from_xyxy,
    crop_vehicle,
)


def plate_corners(cx: float, cy: float, width_px: float, angle_deg: float, squash: float = 1.0):
    """TL, TR, BR, BL of a 520x110 plate, `squash` foreshortening its width (a yaw)."""
    w, h = width_px * squash, width_px / PLATE_ASPECT
    a = np.deg2rad(angle_deg)
    u, v = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    c = np.array([cx, cy])
    return np.array([c - u * w / 2 - v * h / 2, c + u * w / 2 - v * h / 2,
                     c + u * w / 2 + v * h / 2, c - u * w / 2 + v * h / 2])  # fmt: skip


def photo_with_plate(corners: np.ndarray, wh: tuple[int, int] = (640, 480), gray: bool = False):
    """A dark textured photo with the plate filled white at exactly `corners` (8x supersampled)."""
    w, h = wh
    rng = np.random.default_rng(0)
    img = rng.integers(20, 60, size=(h, w, 3), dtype=np.uint8)
    mask = np.zeros((h * 8, w * 8), np.uint8)
    cv2.fillPoly(mask, [np.round(corners * 8 - 3.5).astype(np.int32)], 255)
    cover = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float64) / 255
    img = (img * (1 - cover[..., None]) + 250 * cover[..., None]).astype(np.uint8)
    return img[..., 0].copy() if gray else img


def white_blob(crop: np.ndarray) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Centroid and extent (x0, y0, x1, y1, pixel edges) of the bright plate in a crop."""
    g = crop if crop.ndim == 2 else crop[..., 0]
    weight = np.clip((g.astype(np.float64) - 60) / (250 - 60), 0, 1)
    ys, xs = np.mgrid[: g.shape[0], : g.shape[1]]
    centroid = np.array([(weight * (xs + 0.5)).sum(), (weight * (ys + 0.5)).sum()]) / weight.sum()
    cols = np.flatnonzero(weight.max(axis=0) > 0.5)
    rows = np.flatnonzero(weight.max(axis=1) > 0.5)
    return centroid, (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1)


def expected_plate(spec: CropSpec) -> tuple[np.ndarray, tuple[float, ...]]:
    q = spec.plate_corners_px
    return q.mean(axis=0), (q[0, 0], q[0, 1], q[2, 0], q[2, 1])


@pytest.mark.parametrize(
    ("cx", "cy", "width_px", "angle_deg", "gray"),
    [
        (320, 240, 100, 0, False),  # level, a 2x blow-up into the 224 crop
        (300, 260, 160, 12, False),  # rotated, roughly 1:1
        (350, 200, 70, -25, True),  # strongly rotated, grayscale infra-red
        (200, 300, 260, 5, False),  # large: a 0.17x shrink (anti-aliased)
    ],
)
def test_plate_lands_at_the_spec_place_and_scale(cx, cy, width_px, angle_deg, gray) -> None:
    corners = plate_corners(cx, cy, width_px, angle_deg)
    spec = CropSpec(size_wh=(224, 224), width_pw=5.0)
    crop = crop_vehicle(photo_with_plate(corners, gray=gray), plate_corners_xy=corners, spec=spec)
    assert crop.image.shape == ((224, 224) if gray else (224, 224, 3))
    np.testing.assert_allclose(crop.to_crop(corners), spec.plate_corners_px, atol=1e-6)
    centre, extent = white_blob(crop.image)
    want_centre, want_extent = expected_plate(spec)
    np.testing.assert_allclose(centre, want_centre, atol=1.0)
    np.testing.assert_allclose(extent, want_extent, atol=2.0)  # 44.8 x 9.5 px plate, level
    assert crop.anchor == "plate"
    assert crop.inside == pytest.approx(share_inside(crop.matrix, spec, (640, 480)), abs=0.01)


def share_inside(matrix: np.ndarray, spec: CropSpec, photo_wh: tuple[int, int]) -> float:
    """Share of crop pixel centres whose source point lies in the photo (computed apart)."""
    ys, xs = np.mgrid[: spec.size_wh[1], : spec.size_wh[0]] + 0.5
    pts = np.linalg.inv(matrix) @ np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)])
    x, y = pts[0] / pts[2], pts[1] / pts[2]
    return float(((x >= 0) & (x < photo_wh[0]) & (y >= 0) & (y < photo_wh[1])).mean())


def test_foreshortened_plate_scaled_by_its_height() -> None:
    """A plate seen at a 50 degree yaw is narrower but as high: the scale follows the height."""
    corners = plate_corners(320, 240, 150, 0, squash=np.cos(np.deg2rad(50)))
    spec = CropSpec()
    crop = crop_vehicle(photo_with_plate(corners), plate_corners_xy=corners, spec=spec)
    _, (x0, y0, x1, y1) = white_blob(crop.image)
    assert y1 - y0 == pytest.approx(spec.plate_width_px / PLATE_ASPECT, abs=2.0)
    assert x1 - x0 == pytest.approx(spec.plate_width_px * np.cos(np.deg2rad(50)), abs=2.0)


def test_perspective_mode_rectifies_a_trapezoid_plate() -> None:
    corners = np.array([[300.0, 200], [420, 210], [418, 238], [302, 236]])
    spec = CropSpec(size_wh=(160, 128), width_pw=4.0, plate_center_xy=(0.5, 0.7))
    crop = crop_vehicle(photo_with_plate(corners), plate_corners_xy=corners, spec=spec,
                        mode="perspective")  # fmt: skip
    np.testing.assert_allclose(crop.to_crop(corners), spec.plate_corners_px, atol=1e-6)
    _, extent = white_blob(crop.image)
    np.testing.assert_allclose(extent, expected_plate(spec)[1], atol=2.0)


def test_plate_at_the_border_is_padded_not_refused() -> None:
    corners = plate_corners(45, 465, 80, 0)  # bottom-left corner, most of the crop outside
    img = photo_with_plate(corners)
    crop = crop_vehicle(img, plate_corners_xy=corners, pad_value=0)
    assert crop.image.shape == (224, 224, 3)
    assert 0.05 < crop.inside < 0.6
    assert (crop.image[-5:, :] == 0).all()  # below the photo: padding
    assert (crop.image[:, :5] == 0).all()  # left of the photo: padding
    centre, _ = white_blob(crop.image)
    np.testing.assert_allclose(centre, expected_plate(CropSpec())[0], atol=1.0)


@pytest.mark.parametrize("mode", ["similarity", "perspective"])
def test_padding_is_pad_value_in_every_channel(mode: str) -> None:
    """OpenCV reads a lone border number as (value, 0, 0, 0): a grey pad came out red."""
    corners = plate_corners(45, 465, 80, 0)
    crop = crop_vehicle(photo_with_plate(corners), plate_corners_xy=corners, pad_value=128,
                        mode=mode)  # fmt: skip
    assert (crop.image[-5:, :] == 128).all()  # below the photo, all three channels
    assert (crop.image[:, :5] == 128).all()


def test_box_is_used_when_given_and_centred() -> None:
    img = np.zeros((300, 400, 3), np.uint8)
    img[100:200, 50:250] = 200  # a 200x100 "vehicle"
    crop = crop_vehicle(img, box_xyxy=(50, 100, 250, 200),
                        plate_corners_xy=plate_corners(10, 10, 50, 0),
                        spec=CropSpec(size_wh=(96, 96)))  # fmt: skip
    assert crop.anchor == "box"
    _, (x0, y0, x1, y1) = white_blob(np.where(crop.image > 100, 250, 0).astype(np.uint8))
    # box + 10% of 200 px per side = 240 px wide -> 96 px; the box is 80 x 40 px, centred
    assert (x0, y0, x1, y1) == pytest.approx((8, 28, 88, 68), abs=1)


def test_corners_from_plate_box() -> None:
    np.testing.assert_array_equal(
        corners_from_xyxy((1, 2, 53, 13)), [[1, 2], [53, 2], [53, 13], [1, 13]]
    )


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ([[0, 0], [10, 0], [10, 2]], "expected 4"),
        ([[0, 0], [np.nan, 0], [10, 2], [0, 2]], "non-finite"),
        ([[0, 0], [50, 0], [100, 0], [150, 0]], "not a convex"),  # collinear
        ([[0, 0], [52, 11], [52, 0], [0, 11]], "not a convex"),  # crossed (bow tie)
        ([[0, 11], [52, 11], [52, 0], [0, 0]], "not a convex"),  # upside down order
        ([[0, 0], [3, 0], [3, 1], [0, 1]], "too small"),
        ("plate", "not numbers"),
    ],
)
def test_degenerate_corners_give_one_clear_error(corners, message) -> None:
    with pytest.raises(InputError, match=message):
        crop_vehicle(np.zeros((50, 50, 3), np.uint8), plate_corners_xy=corners)


def test_nothing_to_anchor_on_is_an_error() -> None:
    with pytest.raises(InputError, match="plate_corners_xy or box_xyxy"):
        crop_vehicle(np.zeros((50, 50, 3), np.uint8))
