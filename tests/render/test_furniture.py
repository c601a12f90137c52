"""Street furniture keeps clear of people, vehicles, waste and the lens, and lines the street."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.furniture import (  # noqa: E402
    CLEARANCE_M,
    _along,
    _rect_distance,
    build_furniture,
    is_clear,
)
from twinflash.scene.io import parse_scene  # noqa: E402

pytestmark = pytest.mark.blender

FAR_CAMERA = {"x_m": -30, "y_m": 0, "height_m": 20}


def test_distance_to_an_oriented_rectangle() -> None:
    assert _rect_distance(0, 0, 0, 0, 0, 2, 1) == 0.0  # inside
    assert _rect_distance(3, 0, 0, 0, 0, 2, 1) == pytest.approx(1.0)
    assert _rect_distance(0, 3, 0, 0, 90, 2, 1) == pytest.approx(1.0)  # turned a quarter
    assert _rect_distance(3, 2, 0, 0, 0, 2, 1) == pytest.approx(2**0.5)  # past a corner


def test_props_keep_clear_of_everything_placed() -> None:
    scene = parse_scene({
        "camera": {"x_m": -20, "y_m": 0, "height_m": 1.6},
        "people": [{"x_m": 0, "y_m": 6}, {"x_m": 10, "y_m": 6, "pose": "lying"}],
        "vehicles": [{"model": "renault_clio_5", "x_m": 20, "y_m": 2}],
        "waste": [{"kind": "mattress", "x_m": 30, "y_m": 6}],
    })  # fmt: skip
    assert not is_clear(scene, 0, 6 + 0.3 + CLEARANCE_M + 0.1 - 0.05, 0.1)
    assert is_clear(scene, 0, 6 + 0.3 + CLEARANCE_M + 0.1 + 0.05, 0.1)
    assert not is_clear(scene, 11.5, 6, 0.1)  # a lying body reaches a full height out
    assert not is_clear(scene, 20, 3.5, 0.1) and is_clear(scene, 20, 5.0, 0.1)
    assert not is_clear(scene, 30.5, 6.3, 0.1)
    assert not is_clear(scene, -19, 0, 0.3)  # in front of the low camera's lens
    assert _along(0, 10, 4, 1) == [1, 5, 9]


def test_furniture_lines_the_street_away_from_a_person() -> None:
    ctx = fresh({"camera": FAR_CAMERA, "people": [{"x_m": 0, "y_m": 5.0}],
                 "place": {"zebra_crossing_x_m": None, "trees": False}})  # fmt: skip
    counts = build_furniture(ctx)
    assert counts["lamp"] >= 6 and counts.get("tree", 0) == 0
    half_road = ctx.scene.place.half_road_m
    lamps = [o for o in bpy.data.objects if o.name.startswith("lamp_") and o.name != "lamp_src"]
    assert all(abs(abs(o.location.y) - (half_road + 0.55)) < 1e-6 for o in lamps)
    for o in bpy.data.objects:
        if o.name.split("_")[0] in ("lamp", "bench", "bollard") and not o.name.endswith("src"):
            assert is_clear(ctx.scene, o.location.x, o.location.y, 0.0)
    assert not any(o.type == "LIGHT" for o in bpy.data.objects)  # daytime: lamps unlit


@pytest.mark.parametrize(
    ("place", "mast"),
    [
        ({}, False),  # a 9 m street: ~5 m candelabra
        ({"road_width_m": 16.0}, True),  # a boulevard: 9 m masts over the road
        ({"road_width_m": 16.0, "lamps": "candelabra"}, False),
        ({"lamps": "mast"}, True),
    ],
)
def test_wide_streets_get_tall_masts_with_their_lamps_over_the_road(
    place: dict, mast: bool
) -> None:
    """Paris: historic candelabra (~5 m) on narrow streets, 8-10 m masts on boulevards."""
    from twinflash.render import props

    ctx = fresh({"camera": FAR_CAMERA, "light": {"local_time": "23:30:00"},
                 "place": {"zebra_crossing_x_m": None, "trees": False, **place}})  # fmt: skip
    assert build_furniture(ctx)["lamp"] >= 6
    half_road = ctx.scene.place.half_road_m
    tops = []
    for o in bpy.data.objects:
        if o.name.startswith("lamp_") and o.name != "lamp_src":
            top = max((o.matrix_world @ v.co).z for v in o.data.vertices)
            tops.append(top)
            assert abs(o.location.y) > half_road  # the column stands on the sidewalk
    assert all((8.5 < t < 10.0) if mast else (5.0 < t < 5.6) for t in tops)
    lights = [o for o in bpy.data.objects if o.type == "LIGHT"]
    assert len(lights) == len(tops)
    for light in lights:
        if mast:  # out over the carriageway, 8.8 m up
            assert abs(light.location.y) < half_road
            assert light.location.z == pytest.approx(0.15 + props.MAST_LIGHT_Z_M, abs=0.1)
        else:
            assert abs(light.location.y) > half_road and light.location.z < 5.0


@pytest.mark.parametrize("kind", ["candelabra", "mast"])
def test_a_lit_lamp_puts_the_lux_of_its_flux_on_the_road(kind: str) -> None:
    """Rendered irradiance (pi x Cycles' diffuse light pass) under one lamp, in lux through
    the frame's exposure: the inverse-square law of its flux, not hidden by the lantern or
    the mast's luminaire, and in the 10-30 lux of a lit street (EN 13201 C2-C3) under it."""
    import math
    import tempfile
    from pathlib import Path

    import numpy as np

    from twinflash.render import props
    from twinflash.render.exr import read_passes
    from twinflash.render.furniture import lamp_light
    from twinflash.render.meshkit import instance
    from twinflash.render.photometry import LAMP_FLUX_LM, MAST_FLUX_LM
    from twinflash.scene.layout import CURB_HEIGHT_M

    ctx = fresh({"light": {"local_time": "23:30:00"}})
    if kind == "mast":  # the luminaire at the end of its arm, over (0, 0)
        instance(props.mast(ctx), "lamp_1", (0.0, -props.MAST_ARM_M, CURB_HEIGHT_M))
        z_m, flux = props.MAST_LIGHT_Z_M + 0.03, MAST_FLUX_LM
        lamp_light(ctx, 0.0, 0.0, z_m, flux)
    else:
        instance(props.lamp(ctx), "lamp_1", (0.0, 0.0, CURB_HEIGHT_M))
        z_m, flux = props.LAMP_LIGHT_Z_M + 0.05, LAMP_FLUX_LM
        lamp_light(ctx, 0.0, 0.0)
    bpy.ops.mesh.primitive_plane_add(size=40)  # the road, z = 0
    scene = bpy.context.scene
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    cam.data.type, cam.data.ortho_scale = "ORTHO", 20.0
    cam.location = (0.0, 0.0, 3.0)  # under the lantern, looking down at the road
    scene.collection.objects.link(cam)
    scene.camera = cam
    scene.render.resolution_x = scene.render.resolution_y = 20  # 1 m pixels
    scene.cycles.samples = 16
    scene.view_layers[0].use_pass_diffuse_direct = True
    scene.render.image_settings.media_type = "MULTI_LAYER_IMAGE"
    scene.render.image_settings.color_depth = "32"
    bpy.ops.render.render(write_still=False)
    with tempfile.TemporaryDirectory() as tmp:
        exr = Path(tmp) / "irr.exr"
        bpy.data.images["Render Result"].save_render(str(exr))
        rgb = read_passes(exr, ("Diffuse Direct",))["Diffuse Direct"][..., :3]
    direct = rgb @ np.array([0.2126, 0.7152, 0.0722])  # luminance, as lumens are
    lux = math.pi * direct * ctx.lux_per_unit
    centres = np.arange(20) - 9.5  # pixel centres, metres; image rows run from +y down
    x, y = np.meshgrid(centres, -centres)
    r = np.hypot(x, y)
    h = CURB_HEIGHT_M + z_m
    law = flux / (4 * math.pi) * h / (r**2 + h**2) ** 1.5
    near = (r > 3.0) & (r < 5.0)  # clear of the shadow of the lantern's base
    far = (r > 6.0) & (r < 9.0)
    assert np.median(lux[near] / law[near]) == pytest.approx(1.0, abs=0.12)
    assert np.median(lux[far] / law[far]) == pytest.approx(1.0, abs=0.12)
    assert 10.0 < lux[r < 5.0].max() < 30.0
