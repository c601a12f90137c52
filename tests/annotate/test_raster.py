"""Amodal rasterisation against projections computed by hand (see conftest)."""

from __future__ import annotations

import numpy as np
import pytest
from annotate_synth import facing_quad, make_camera

from twinflash.annotate.annotator import mask_xyxy
from twinflash.annotate.raster import fill_triangles, rasterise_amodal


def test_mask_extent_uses_pixel_edges() -> None:
    mask = np.zeros((30, 40), bool)
    mask[5:8, 10:20] = True  # columns 10..19, rows 5..7
    assert mask_xyxy(mask).tolist() == [10, 5, 20, 8]
    assert np.isnan(mask_xyxy(np.zeros((3, 3), bool))).all()


def test_square_at_10m_covers_exactly_64_by_64_pixels() -> None:
    r = rasterise_amodal(make_camera(), [facing_quad(10.0, -0.5, 0.5, -0.5, 0.5)])
    assert r.xyxy == pytest.approx([288, 208, 352, 272])
    assert r.area_px == 64 * 64
    expected = np.zeros((480, 640), bool)
    expected[208:272, 288:352] = True
    assert np.array_equal(r.mask, expected)


def test_fractional_edges_follow_the_pixel_centre_rule() -> None:
    # 0.3 m x 0.2 m at 7 m: u in [302.63, 330.06], v in [220.53, 238.81]; pixel centres
    # (c + 0.5, r + 0.5) inside -> columns 303..329, rows 221..238
    r = rasterise_amodal(make_camera(), [facing_quad(7.0, -0.11, 0.19, 0.013, 0.213)])
    expected = np.zeros((480, 640), bool)
    expected[221:239, 303:330] = True
    assert np.array_equal(r.mask, expected)
    assert r.area_px == 27 * 18


def test_slanted_triangles_match_a_brute_force_point_in_triangle_test() -> None:
    rng = np.random.default_rng(7)
    tris = rng.uniform([-20, -20], [120, 90], size=(40, 3, 2))
    got = fill_triangles(tris, (80, 100))
    cy, cx = np.mgrid[0:80, 0:100] + 0.5
    expected = np.zeros((80, 100), bool)
    for a, b, c in tris:

        def side(p, q, x=cx, y=cy):
            return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

        s1, s2, s3 = side(a, b), side(b, c), side(c, a)
        expected |= ((s1 >= 0) & (s2 >= 0) & (s3 >= 0)) | ((s1 <= 0) & (s2 <= 0) & (s3 <= 0))
    assert np.array_equal(got, expected)


def test_overlapping_triangles_do_not_cancel() -> None:
    # the square split along both diagonals: 4 triangles overlapping pairwise
    v, _ = facing_quad(10.0, -0.5, 0.5, -0.5, 0.5)
    tris = np.array([[0, 1, 2], [0, 2, 3], [0, 1, 3], [1, 2, 3]])
    assert rasterise_amodal(make_camera(), [(v, tris)]).area_px == 64 * 64


def test_off_screen_part_counts_in_area_not_in_mask() -> None:
    # 0.5 m square at 5 m, y in [-2.75, -2.25] -> columns 608..672, half beyond x=640
    r = rasterise_amodal(make_camera(), [facing_quad(5.0, -2.75, -2.25, -0.25, 0.25)])
    assert r.xyxy == pytest.approx([608, 208, 672, 272])
    assert r.area_px == 64 * 64
    assert r.mask.sum() == 32 * 64


def test_triangles_crossing_the_near_plane_are_clipped() -> None:
    # floor strip 1.6 m below the camera from x=-5 (behind) to x=20; clipped at x=0.05:
    # v = 240 + 640*1.6/x, u = 320 -+ 640*1/x
    v = np.array([[-5, -1, -1.6], [20, -1, -1.6], [20, 1, -1.6], [-5, 1, -1.6]], float)
    r = rasterise_amodal(make_camera(), [(v, np.array([[0, 1, 2], [0, 2, 3]]))])
    assert r.xyxy == pytest.approx([320 - 12800, 240 + 51.2, 320 + 12800, 240 + 20480])
    # in the image: rows from 291.2 down, a trapezoid widening as x shrinks
    rows = np.flatnonzero(r.mask.any(axis=1))
    assert rows[0] == 291 and rows[-1] == 479
    row = 400  # pixel centre v=400.5 -> x = 1024/160.5, half-width 640/x px
    half = 640 / (1024 / 160.5)
    assert r.mask[row].sum() == pytest.approx(2 * half, abs=2)


def test_nothing_in_front_gives_nan_box_and_zero_area() -> None:
    r = rasterise_amodal(make_camera(), [facing_quad(-3.0, -0.5, 0.5, -0.5, 0.5)])
    assert np.isnan(r.xyxy).all() and r.area_px == 0 and not r.mask.any()
