"""Light and weather in real renders, against known truth.

The street is swapped for a grey ground and a few boxes so the checks are about light and
media, not about the street's art. Renders are small (<= 160x120, 4-8 samples).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.frame import Frame
from twinflash.render import engine, furniture
from twinflash.render.context import BuildContext, Built
from twinflash.render.materials import principled
from twinflash.render.mesh import box
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Person
from twinflash.scene.sun import sun_state

pytestmark = pytest.mark.blender

PILLAR_XY = (0.0, 0.0)
PILLAR_HEIGHT_M = 6.0


def _ground_and_pillar(ctx: BuildContext) -> None:
    box("ground", (400.0, 400.0, 0.1), (0.0, 0.0, -0.05), principled(ctx, "g", "#808080", 1.0))
    box(
        "pillar",
        (0.8, 0.8, PILLAR_HEIGHT_M),
        (*PILLAR_XY, PILLAR_HEIGHT_M / 2),
        principled(ctx, "dark", "#151515", 1.0),
    )


def _box_person(ctx: BuildContext, person: Person, index: int) -> Built:
    obj = box(
        f"p{index}",
        (0.5, 0.5, 1.8),
        (person.x_m, person.y_m, 0.9),
        principled(ctx, "coat", "#303848", 0.8),
    )
    return Built("person", index, [obj])


@pytest.fixture(scope="module")
def plain_world() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.street, "build_place", _ground_and_pillar)
        mp.setattr(engine.people, "build_person", _box_person)
        yield


def _render(
    light: dict | None = None,
    weather: dict | None = None,
    camera: dict | None = None,
    people: list[dict] | None = None,
    samples: int = 4,
    denoise: bool = False,
):
    cam = {"x_m": -15.0, "y_m": 0.0, "height_m": 1.6, "resolution_wh": [160, 120]}
    cam.update(camera or {})
    scene = parse_scene(
        {
            "seed": 3,
            "light": light or {"local_time": "13:00"},
            "weather": weather or {"kind": "clear"},
            "camera": cam,
            "people": people or [],
            "quality": {"preset": "custom", "samples": samples, "denoise": denoise},
        }
    )
    return scene, engine.render_scene(scene)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb.astype(float) @ np.array([0.2126, 0.7152, 0.0722])


PEOPLE = [{"x_m": 0.0, "y_m": 2.5}, {"x_m": 6.0, "y_m": -2.5}, {"x_m": -10.0, "y_m": -1.0}]


@pytest.fixture(scope="module")
def clear_with_people(plain_world: None) -> Frame:
    return _render(people=PEOPLE)[1]


@pytest.mark.parametrize(
    "weather",
    [
        {"kind": "fog", "fog_visibility_m": 25.0},
        {"kind": "rain", "rain_intensity": 1.0},
        {"kind": "snow"},
    ],
)
def test_media_leave_exact_passes_identical(clear_with_people: Frame, weather: dict) -> None:
    clear = clear_with_people
    _, wet = _render(weather=weather, people=PEOPLE)
    assert not np.array_equal(clear.rgb, wet.rgb)  # the medium is really there
    assert set(np.unique(clear.instance_ids)) == {0, 1, 2, 3}
    np.testing.assert_array_equal(clear.instance_ids, wet.instance_ids)
    np.testing.assert_array_equal(clear.depth_m, wet.depth_m)


def _pillar_contrast(visibility_m: float | None) -> float:
    weather = (
        {"kind": "clear"}
        if visibility_m is None
        else {"kind": "fog", "fog_visibility_m": visibility_m}
    )
    # Camera 20 m from the dark pillar, looking slightly up so the pillar's top is on the sky.
    _, frame = _render(weather=weather, camera={"x_m": -20.0, "pitch_deg": -8.0})
    luma = _luma(frame.rgb)
    top = frame.camera.project(np.array([[*PILLAR_XY, PILLAR_HEIGHT_M - 0.6]]))[0][0]
    u, v = int(top[0]), int(top[1])
    pillar = luma[v - 1 : v + 2, u - 1 : u + 2].mean()
    sky = luma[v - 1 : v + 2, u + 20 : u + 26].mean()  # beside the pillar, same height
    assert frame.depth_m[v, u + 23] == np.inf  # really sky
    return (sky - pillar) / sky


def test_fog_lowers_contrast_as_visibility_drops(plain_world: None) -> None:
    clear, thin, thick = (_pillar_contrast(v) for v in (None, 500.0, 20.0))
    assert clear > thin > thick
    assert clear > 0.6  # a dark pillar on the sky
    # Koschmieder at 20 m with a 20 m visibility leaves 2 % contrast; allow for tone mapping.
    assert thick < 0.1
    assert thin > 0.4  # 500 m visibility keeps 85 % of the contrast at 20 m


def test_night_is_much_darker_than_noon(plain_world: None) -> None:
    _, noon = _render(light={"local_time": "13:00"})
    _, night = _render(light={"local_time": "01:00"})
    assert _luma(night.rgb).mean() < 0.2 * _luma(noon.rgb).mean()


def test_shadow_falls_opposite_the_sun(plain_world: None) -> None:
    light = {"local_time": "18:00", "street_azimuth_deg": 30.0, "cloud_cover": 0.0}
    scene, frame = _render(
        light=light,
        camera={
            "x_m": 0.0,
            "y_m": 0.0,
            "height_m": 40.0,
            "pitch_deg": 90.0,
            "focal_length_mm": 24.0,
        },
    )
    sun = sun_state(scene.light)
    assert 15.0 < sun.elevation_deg < 45.0
    dx, dy, _ = sun.direction_world
    horiz = np.array([dx, dy]) / math.hypot(dx, dy)
    # Shadow length at this elevation is > 6 m: sample the ground 3 m from the pillar's foot.
    luma = _luma(frame.rgb)

    def ground(sign: float) -> float:
        x, y = np.array(PILLAR_XY) + sign * 3.0 * horiz
        ((u, v),) = frame.camera.project(np.array([[x, y, 0.0]]))[0]
        return luma[int(v) - 1 : int(v) + 2, int(u) - 1 : int(u) + 2].mean()

    towards_sun, away = ground(+1.0), ground(-1.0)
    assert away < 0.6 * towards_sun


def test_sky_is_brightest_towards_the_low_sun(plain_world: None) -> None:
    """Checks the sky texture's rotation convention: its glow must sit where the lamp is."""
    light = {"local_time": "20:30", "street_azimuth_deg": 90.0, "cloud_cover": 0.0}
    scene = parse_scene({"light": light})
    dx, dy, _ = sun_state(scene.light).direction_world
    yaw = math.degrees(math.atan2(dy, dx))
    skies = []
    for turn in (0.0, 90.0, 180.0, 270.0):
        _, frame = _render(
            light=light,
            camera={
                "x_m": -30.0,
                "y_m": 0.0,
                "height_m": 1.6,
                "yaw_deg": yaw + turn,
                "pitch_deg": -15.0,
                "resolution_wh": [64, 48],
            },
        )
        skies.append(_luma(frame.rgb)[:16].mean())
    assert skies[0] > 1.08 * max(skies[1:])


@pytest.mark.parametrize(
    ("light", "weather"),
    [
        ({"local_time": "13:00", "cloud_cover": 0.0}, "clear"),
        ({"local_time": "20:45", "cloud_cover": 0.0}, "clear"),
        ({"local_time": "13:00"}, "overcast"),
        ({"date": "2026-12-21", "local_time": "12:30"}, "clear"),
    ],
)
def test_daylight_is_neither_blown_out_nor_murky(
    plain_world: None, light: dict, weather: str
) -> None:
    _, frame = _render(light=light, weather={"kind": weather}, camera={"pitch_deg": 10.0})
    luma = _luma(frame.rgb)  # mostly a mid-grey floor (sRGB #808080) and some sky
    assert 70.0 < luma.mean() < 190.0
    assert (luma >= 250).mean() < 0.02
    assert (luma <= 5).mean() < 0.02


def _high_pass(luma: np.ndarray) -> np.ndarray:
    """|pixel - mean of its 4 neighbours|: thin streaks stand out, smooth shading does not."""
    c = luma[1:-1, 1:-1]
    return np.abs(c - 0.25 * (luma[:-2, 1:-1] + luma[2:, 1:-1] + luma[1:-1, :-2] + luma[1:-1, 2:]))


def _pillar_texture(weather: dict, local_time: str) -> float:
    """Mean high-pass over the dark pillar seen from 5 m (it fills the middle of the view)."""
    _, frame = _render(
        light={"local_time": local_time, "cloud_cover": 1.0},
        weather=weather,
        camera={"x_m": -5.0, "pitch_deg": -10.0},
        samples=8,
        denoise=True,  # the dry wall's noise would hide the streaks' texture
    )
    hp = _high_pass(_luma(frame.rgb))
    cam = frame.camera
    w, h = cam.resolution_wh
    jj, ii = np.meshgrid(np.arange(1, w - 1) + 0.5, np.arange(1, h - 1) + 0.5)
    d = cam.pixel_ray(np.c_[jj.ravel(), ii.ravel()])
    hit = cam.position_m + d * ((-0.4 - cam.position_m[0]) / d[:, 0])[:, None]  # front face
    on_pillar = ((np.abs(hit[:, 1]) < 0.3) & (hit[:, 2] > 0.5) & (hit[:, 2] < 5.5)).reshape(
        h - 2, w - 2
    )
    assert on_pillar.sum() > 400
    return float(hp[on_pillar].mean())


def test_rain_streaks_show_by_day_against_a_dark_wall(plain_world: None) -> None:
    """Same seed and sky, with and without rain: the streaks add fine bright lines."""
    dry = _pillar_texture({"kind": "overcast"}, "13:30")
    rain = _pillar_texture({"kind": "rain", "rain_intensity": 0.7, "wetness": 0.0}, "13:30")
    assert rain > 3.0 * dry


def _ground_pillar_and_lamp(ctx: BuildContext) -> None:
    _ground_and_pillar(ctx)
    if ctx.is_night:  # a street lamp between the camera and the dark pillar
        furniture.lamp_light(ctx, -2.5, 1.8)


def test_rain_streaks_shine_near_a_lamp_at_night() -> None:
    """At night the airlight alone left streaks faint (2.1x the dry wall's texture); near
    a lamp they show as by day (4.9x): drops catch its light (7.4x measured)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.street, "build_place", _ground_pillar_and_lamp)
        dry = _pillar_texture({"kind": "overcast"}, "23:30")
        rain = _pillar_texture({"kind": "rain", "rain_intensity": 0.7, "wetness": 0.0}, "23:30")
    assert rain > 3.0 * dry
