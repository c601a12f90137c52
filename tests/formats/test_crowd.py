"""Crowd counting: head points of the persons that count, density maps summing to them."""

from __future__ import annotations

import numpy as np

from twinflash.formats.crowd import annotations_to_crowd, density_map, read, write


def test_crowd_points_and_density_sum_to_the_count(annotated) -> None:
    _, _, ann = annotated
    pts = annotations_to_crowd(ann)
    assert pts.shape == (1, 2)  # the hidden person does not count
    np.testing.assert_allclose(pts[0], ann.head_xy[0])
    dens = density_map(np.array([[0.2, 0.3], [30.0, 20.0], [63.9, 47.9]]), (64, 48), 3.0)
    assert dens.shape == (48, 64)
    assert abs(float(dens.sum()) - 3.0) < 1e-4  # corners renormalised inside the image
    assert np.unravel_index(dens.argmax(), dens.shape) in {(20, 30), (0, 0), (47, 63)}


def test_write_then_read_gives_points_and_map(tmp_path, annotated) -> None:
    _, _, ann = annotated
    image = tmp_path / "image.png"
    image.write_bytes(b"png")
    write(tmp_path / "crowd", [("train", "000001", image, ann)], sigma_px=2.0)
    ((name, (points, density)),) = read(tmp_path / "crowd", "train").items()
    assert name == "000001"
    np.testing.assert_allclose(points, annotations_to_crowd(ann), atol=1e-3)  # 3 decimals
    assert density.shape == (48, 64) and abs(float(density.sum()) - 1.0) < 1e-4
