"""The body loft as numbers: it fills the catalog's box, clears the wheels, has glass."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.vehicle_profile import GLASS, PAINT, RING, body_rings, face_materials
from twinflash.scene.catalog import vehicle_models

MODELS = sorted(vehicle_models())


@pytest.mark.parametrize("key", MODELS)
def test_loft_fills_the_catalog_box(key: str) -> None:
    spec = vehicle_models()[key]
    x, rings, k = body_rings(spec)
    assert rings.shape == (len(x), RING, 3)
    assert np.all(np.diff(x) < 0), "stations run front to rear"
    assert x[0] == pytest.approx(spec.length_m / 2, abs=0.02)
    assert x[-1] == pytest.approx(-spec.length_m / 2, abs=0.02)
    assert rings[..., 2].max() == pytest.approx(spec.height_m, abs=0.005)
    assert np.abs(rings[..., 1]).max() == pytest.approx(spec.width_m / 2, abs=1e-6)
    assert k.front_axle - k.rear_axle == pytest.approx(spec.wheelbase_m)
    assert rings[..., 2].min() >= spec.shape.ground_clearance_m - 1e-9


@pytest.mark.parametrize("key", MODELS)
def test_arches_clear_the_wheels(key: str) -> None:
    spec = vehicle_models()[key]
    x, rings, k = body_rings(spec)
    r = spec.wheel_diameter_m / 2
    for axle in (k.front_axle, k.rear_axle):
        over = np.abs(x - axle) < 0.8 * r
        assert over.any()
        # the underside above a wheel sits higher than the tyre top there
        tyre_top = r + np.sqrt(np.clip(r**2 - (x[over] - axle) ** 2, 0, None))
        assert np.all(rings[over, 0, 2] > tyre_top)


def test_greenhouse_is_glass_and_vans_panel_sides_differ() -> None:
    models = vehicle_models()
    for key in ("renault_clio_5", "renault_master_3"):
        spec = models[key]
        x, _, k = body_rings(spec)
        mats = face_materials(spec, x, k)
        mid = 0.5 * (x[:-1] + x[1:])
        windscreen = (mid < k.windscreen_base) & (mid > k.roof_front)
        assert (mats[windscreen, 6] == GLASS).all()
        roof = (mid < k.roof_front) & (mid > k.roof_rear)
        assert (mats[roof, 6] == PAINT).all()
        rear_side = (mid < k.b_pillar - 0.1) & (mid > k.side_glass_end + 0.05)
        expected = GLASS if key == "renault_clio_5" else PAINT
        assert (mats[rear_side, 3] == expected).all()
