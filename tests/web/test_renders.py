"""A visitor's render request: bounded, consistent, turned into a one-scene plan."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from twinflash.web.renders import DemoRequest, plan_mapping, render_file, sample
from twinflash.web.settings import Settings


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"people": 2, "lying": 3}, r"lying \(3\) cannot exceed people \(2\)"),
        ({"camera": "speed_camera", "vehicles": 0}, "needs at least one vehicle"),
        ({"people": 41}, "less than or equal to 40"),
        ({"date": "1900-01-01"}, "greater than or equal to 1990-01-01"),
        ({"weather": "hail"}, "clear"),
    ],
)
def test_requests_out_of_bounds_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DemoRequest.model_validate(fields)


def test_the_plan_carries_only_the_chosen_weather_and_the_settings(settings: Settings) -> None:
    req = DemoRequest(weather="fog", fog_visibility_m=80.0, people=3, lying=1, seed=7)
    plan = plan_mapping(req, settings)
    assert plan["base"]["weather"] == {"kind": "fog", "fog_visibility_m": 80.0}
    assert plan["base"]["camera"]["resolution_wh"] == list(settings.demo_resolution_wh)
    assert plan["base"]["quality"]["samples"] == settings.demo_samples
    assert plan["people"]["count"] == 3 and plan["people"]["lying"] == 1
    assert plan["seed"] == 7 and plan["count"] == 1
    square = plan_mapping(DemoRequest(place="square"), settings)
    assert square["people"]["zone"] == "plaza" and "x_range_m" not in square["people"]


def test_the_scene_holds_what_was_asked(settings: Settings) -> None:
    scene = sample(DemoRequest(people=5, lying=2, vehicles=1, weather="rain"), settings)
    assert len(scene.people) == 5 and sum(p.pose == "lying" for p in scene.people) == 2
    assert len(scene.vehicles) == 1 and scene.weather.kind == "rain"
    assert scene.camera.resolution_wh == settings.demo_resolution_wh
    assert scene == sample(DemoRequest(people=5, lying=2, vehicles=1, weather="rain"), settings)


def test_only_public_files_of_a_render_are_served(settings: Settings) -> None:
    out = settings.renders_dir / "job1"
    out.mkdir()
    for name in ("image.png", "depth.npy"):
        (out / name).write_bytes(b"x")
    assert render_file(settings, "job1", "image.png") == out / "image.png"
    assert render_file(settings, "job1", "depth.npy") is None  # not public
    assert render_file(settings, "job1", "overlay.png") is None  # not there
