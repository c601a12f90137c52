"""Night as a CCTV camera sees a lit Paris street: people stand out about as well as by day.

Guards issue #17: night renders were far darker than real night footage (the lantern glass
hid 85 % of each lamp's light), so a night effect measured on them overstated what a model
loses at night. Figures and the full-size instrument: benchmarks/night_light.py.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.render import engine
from twinflash.scene.io import parse_scene

pytestmark = pytest.mark.blender

LUMA = np.array([0.2126, 0.7152, 0.0722])


def _person_and_background_luma(local_time: str) -> tuple[float, float]:
    scene = parse_scene(
        {
            "seed": 3,
            "place": {
                "length_m": 20,
                "storeys_max": 5,
                "trees": False,
                "benches": False,
                "bollards": False,
                "zebra_crossing_x_m": None,
            },
            "people": [
                {
                    "x_m": 0.0,
                    "y_m": 3.2,
                    "heading_deg": -90,
                    "pose": "standing",
                    "top_color": "#3a5f8a",
                    "bottom_color": "#3b3b3b",
                }
            ],
            "light": {"date": "2026-11-23", "local_time": local_time, "cloud_cover": 1.0},
            "weather": {"kind": "overcast"},
            "camera": {
                "x_m": 0.0,
                "y_m": -3.0,
                "height_m": 3.0,
                "pitch_deg": 15,
                "yaw_deg": 90,
                "focal_length_mm": 24,
                "resolution_wh": [80, 54],
            },
            "quality": {"preset": "custom", "samples": 4},
        }
    )
    frame = engine.render_scene(scene)
    luma = frame.rgb.astype(float) @ LUMA
    ids = [o.instance_id for o in frame.objects if o.kind == "person"]
    person = np.isin(frame.instance_ids, ids)
    assert person.sum() >= 20, "the person should cover some pixels"
    return float(np.median(luma[person])), float(np.median(luma[frame.instance_ids == 0]))


def test_a_person_on_a_lit_street_at_night_is_about_as_visible_as_by_day() -> None:
    night_person, night_background = _person_and_background_luma("23:30:00")
    day_person, _ = _person_and_background_luma("13:00:00")
    # the auto-exposed camera and 6000 lm lanterns keep people within a factor 2 of day
    # (before the calibration the night person was ~20x darker than by day)
    assert night_person > 0.5 * day_person
    assert night_person > 15 and night_background > 15  # not a black frame
