"""The public demo's renders: a small form -> a dataset plan of one scene -> Blender.

The form is validated here (pydantic, one message per bad field) and the scene is sampled
at once, without Blender, so an impossible request (twelve people lying on a narrow
pavement) is refused before it waits in the queue. The render itself runs in a child
process: Blender's memory and any crash stay out of the web server and the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twinflash.web import jobstore
from twinflash.web.settings import Settings
from twinflash.web.store import Store

log = logging.getLogger(__name__)
RENDER_TIMEOUT_S = 600
PEOPLE_X_RANGE_M = {
    "pedestrian": [-19.0, -6.0],
    "cctv": [-19.0, -6.0],
    "birds_eye": [-6.0, 6.0],
    "speed_camera": [-15.0, 10.0],
}
PUBLIC_FILES = {
    "image.png": "image/png",
    "overlay.png": "image/png",
    "annotations.json": "application/json",
}


class DemoRequest(BaseModel):
    """What a visitor may choose. Bounds keep one render small and quick."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    place: Literal["street", "square"] = "street"
    date: dt.date = Field(dt.date(2026, 6, 21), ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))
    time: dt.time = dt.time(14, 0)
    weather: Literal["clear", "overcast", "rain", "fog", "snow"] = "clear"
    fog_visibility_m: float = Field(200.0, ge=10.0, le=5000.0)
    rain_intensity: float = Field(0.6, ge=0.0, le=1.0)
    snow_cover: float = Field(0.7, ge=0.0, le=1.0)
    people: int = Field(4, ge=0, le=40)
    lying: int = Field(0, ge=0, le=40)
    vehicles: int = Field(2, ge=0, le=20)
    camera: Literal["pedestrian", "cctv", "speed_camera", "birds_eye"] = "pedestrian"
    seed: int = Field(0, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _consistent(self) -> DemoRequest:
        if self.lying > self.people:
            raise ValueError(f"lying ({self.lying}) cannot exceed people ({self.people})")
        if self.camera == "speed_camera" and self.vehicles < 1:
            raise ValueError("the speed_camera preset needs at least one vehicle to flash")
        return self


def plan_mapping(req: DemoRequest, settings: Settings) -> dict[str, Any]:
    """A one-scene dataset plan (see docs/datasets.md) for the request."""
    weather: dict[str, Any] = {"kind": req.weather}
    if req.weather == "fog":
        weather["fog_visibility_m"] = req.fog_visibility_m
    elif req.weather == "rain":
        weather["rain_intensity"] = req.rain_intensity
    elif req.weather == "snow":
        weather["snow_cover"] = req.snow_cover
    camera: dict[str, Any] = {
        "preset": req.camera,
        "resolution_wh": list(settings.demo_resolution_wh),
    }
    people: dict[str, Any] = {"count": req.people, "lying": req.lying}
    if req.place == "square":
        people["zone"] = "plaza"
    else:  # where each preset's camera looks (they stand near x = -24 m, birds_eye above 0)
        people["x_range_m"] = PEOPLE_X_RANGE_M[req.camera]
    return {
        "name": "demo",
        "seed": req.seed,
        "count": 1,
        "base": {
            "place": {"kind": req.place},
            "light": {"date": req.date.isoformat(), "local_time": req.time.isoformat()},
            "weather": weather,
            "camera": camera,
            "quality": {"preset": "custom", "samples": settings.demo_samples},
        },
        "people": people,
        "vehicles": {"count": req.vehicles, "first_in_lane": req.camera == "speed_camera"},
    }


def sample(req: DemoRequest, settings: Settings):  # -> twinflash.scene.models.Scene
    """The scene the request renders; InputError/ValueError if it cannot be built."""
    from twinflash.datasets.plan import Plan
    from twinflash.datasets.sampler import sample_scene

    plan = Plan.model_validate(plan_mapping(req, settings))
    return sample_scene(plan, 0, source="demo")


def run_render(settings: Settings, store: Store, job_id: str) -> None:
    """Render a claimed demo job into renders/<job id>/ through `twinflash render`."""
    from twinflash.scene.io import dump_scene

    job = jobstore.get_job(store.engine, job_id)
    if job is None:
        return
    req = DemoRequest.model_validate(job.params)
    scene = sample(req, settings)
    out = settings.renders_dir / job_id
    scene_file = settings.renders_dir / f".{job_id}.scene.yaml"
    scene_file.write_text(dump_scene(scene), encoding="utf-8")
    jobstore.set_progress(store.engine, job_id, 0, "rendering")
    cmd = [sys.executable, "-m", "twinflash", "render", str(scene_file), "--out", str(out)]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        jobstore.finish(store.engine, job_id, False, f"render took over {RENDER_TIMEOUT_S} s")
        return
    finally:
        scene_file.unlink(missing_ok=True)
    if proc.returncode != 0 or not (out / "image.png").is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        log.error("render %s failed: %s", job_id, proc.stderr[-2000:])
        jobstore.finish(store.engine, job_id, False, f"render failed: {last[:300]}")
        return
    jobstore.set_progress(store.engine, job_id, 1, "")
    jobstore.finish(store.engine, job_id, True, f"rendered in {time.monotonic() - start:.0f} s")


def render_file(settings: Settings, job_id: str, name: str) -> Path | None:
    """A public output file of a finished render, or None (unknown name or job)."""
    if name not in PUBLIC_FILES:
        return None
    path = settings.renders_dir / job_id / name
    return path if path.is_file() else None
