"""Identity outlines: simple counter-clockwise polygons of the right size, distinct per make
and per catalog setting, panel gaps where the doors are."""

from __future__ import annotations

import itertools
from typing import get_args

import numpy as np
import pytest
from PIL import Image, ImageDraw

from twinflash.render import vehicle_outlines as ol
from twinflash.render.vehicle_profile import key_positions
from twinflash.scene.catalog import BadgeShape, get_vehicle_model


def _raster(polys: list[np.ndarray], size_px: int = 64) -> np.ndarray:
    """The polygons drawn into a square, scaled to fit (shape only, not size)."""
    pts = np.vstack(polys)
    lo, span = pts.min(0), (pts.max(0) - pts.min(0)).max()
    img = Image.new("L", (size_px, size_px), 0)
    draw = ImageDraw.Draw(img)
    for p in polys:
        q = (p - lo) / span * (size_px - 1)
        draw.polygon([(float(u), float(size_px - 1 - v)) for u, v in q], fill=1)
    return np.asarray(img, dtype=bool)


@pytest.mark.parametrize("shape", get_args(BadgeShape))
def test_badges_are_counter_clockwise_and_badge_sized(shape: str) -> None:
    polys = ol.badge(shape)
    assert all(ol.signed_area(p) > 0 for p in polys)
    pts = np.vstack(polys)
    height = pts[:, 1].max() - pts[:, 1].min()
    width = pts[:, 0].max() - pts[:, 0].min()
    assert 0.03 < height <= ol.BADGE_M + 1e-9 and 0.05 < width < 0.15


def test_badges_of_the_makes_differ_in_shape() -> None:
    rasters = {s: _raster(ol.badge(s)) for s in get_args(BadgeShape)}
    for a, b in itertools.combinations(rasters, 2):
        iou = (rasters[a] & rasters[b]).sum() / (rasters[a] | rasters[b]).sum()
        assert iou < 0.85, f"badges {a} and {b} look alike (IoU {iou:.2f})"
    with pytest.raises(ValueError, match="unknown badge shape 'logo'"):
        ol.badge("logo")


def test_a_strip_is_a_polyline_of_the_given_width() -> None:
    poly = ol.strip([(0.0, 0.0), (0.5, 0.0)], 0.02)
    assert ol.signed_area(poly) == pytest.approx(0.5 * 0.02)
    bent = ol.strip([(0.0, 0.0), (0.3, 0.0), (0.3, 0.3)], 0.02)
    assert ol.signed_area(bent) == pytest.approx(0.6 * 0.02, rel=0.05)


def test_resampling_keeps_the_corners_and_bounds_the_edges() -> None:
    square = ol.rect(0.4, 0.1)
    fine = ol.resample(square, 0.03)
    assert ol.signed_area(fine) == pytest.approx(ol.signed_area(square))
    edges = np.linalg.norm(np.roll(fine, -1, axis=0) - fine, axis=1)
    assert edges.max() <= 0.03 + 1e-12
    assert all((np.linalg.norm(fine - c, axis=1) < 1e-12).any() for c in square)


def test_grille_and_lamps_follow_the_catalog() -> None:
    tesla, master, clio = (get_vehicle_model(k) for k in
                           ("tesla_model_3", "renault_master_3", "renault_clio_5"))  # fmt: skip
    assert ol.grille(tesla.shape, tesla.width_m, 0.2) == {"dark": [], "chrome": []}
    twin = ol.grille(master.shape, master.width_m, 0.3)
    assert len(twin["dark"]) == 2 and len(twin["chrome"]) == master.shape.grille_slats == 3
    hexagon = ol.grille(clio.shape, clio.width_m, 0.2)["dark"][0]
    assert len(hexagon) == 6
    assert np.ptp(hexagon[:, 0]) == pytest.approx(clio.shape.grille_width_ratio * clio.width_m)
    lamps = {
        k: ol.headlamp(get_vehicle_model(k).shape, 1.8)
        for k in ("renault_clio_5", "peugeot_208_2", "fiat_500", "renault_master_3")
    }
    rasters = {k: _raster(parts["lens"]) for k, (_, parts) in lamps.items()}
    for a, b in itertools.combinations(rasters, 2):
        iou = (rasters[a] & rasters[b]).sum() / (rasters[a] | rasters[b]).sum()
        assert iou < 0.85, f"headlamps of {a} and {b} alike (IoU {iou:.2f})"
    assert len(lamps["peugeot_208_2"][1]["signature"]) == 2  # two fangs
    assert lamps["fiat_500"][1]["signature"] == []  # no daytime-light signature
    claw = ol.taillamp(get_vehicle_model("peugeot_208_2").shape, 1.745, vans=False)
    assert len(claw["lens"]) == 3 and len(claw["dark"]) == 1


@pytest.mark.parametrize(("model", "gaps"), [("renault_clio_5", 4), ("fiat_500", 3)])
def test_door_gaps_sit_between_the_wheels(model: str, gaps: int) -> None:
    spec = get_vehicle_model(model)
    k = key_positions(spec)
    lines, handles = ol.door_lines(spec, k)
    assert len(lines) == gaps and len(handles) == spec.shape.doors_per_side
    xs = np.concatenate([p[:, 0] for p in lines])
    assert (xs < k.front_axle).all() and (xs > k.rear_axle).all()
    tops = [p[:, 1].max() for p in lines[:-1]]
    assert all(spec.shape.ground_clearance_m < z < spec.shape.cowl_height_m for z in tops)
    van = ol.tailgate_lines(get_vehicle_model("renault_kangoo_3"))
    assert len(van) == 2 and len(ol.tailgate_lines(spec)) == 1  # twin rear doors on vans
