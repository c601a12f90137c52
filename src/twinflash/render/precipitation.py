"""Falling rain streaks and snowflakes scattered in the camera's view volume.

Each is one mesh object of camera-facing quads/hexagons (thousands of faces, built with
numpy in milliseconds), visible to camera rays only, so it neither shadows nor lights the
street and costs little to render. Streaks are what a drop draws during the exposure
(~8 m/s over ~1/40 s), slanted by one wind per scene. Brightness comes from the airlight,
so precipitation reads bright against dark façades and fades against the bright sky, as
in photographs; at night rain streaks also shine near lamps and in headlight beams
(`local_light`). Positions are drawn from `ctx.np_rng("rain" | "snow")`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bpy
import numpy as np

from twinflash.camera import CameraModel
from twinflash.render.camera import camera_model
from twinflash.render.context import BuildContext

RAIN_MAX_STREAKS = 5000  # at rain_intensity 1
RAIN_NEAR_M, RAIN_FAR_M = 1.0, 25.0
SNOW_FLAKES = 3500
SNOW_NEAR_M, SNOW_FAR_M = 0.5, 20.0
FLAKE_OVER_AIRLIGHT = 1.4  # a white flake (albedo 0.85) vs the fog's 0.6 of the light
MIN_WIDTH_PX = 0.7  # thinner faces alias into sparkles at draft samples


def _positions_in_view(
    cam: CameraModel, rng: np.random.Generator, count: int, near_m: float, far_m: float
) -> np.ndarray:
    """(count,3) world points seen by the camera, density falling as 1/distance."""
    w, h = cam.resolution_wh
    margin = 0.05
    xy = np.c_[
        rng.uniform(-margin * w, (1 + margin) * w, count),
        rng.uniform(-margin * h, (1 + margin) * h, count),
    ]
    rays = cam.pixel_ray(xy)
    u = rng.uniform(0.0, 1.0, count)
    dist = np.sqrt(u * (far_m**2 - near_m**2) + near_m**2)  # pdf proportional to distance
    return np.asarray(cam.position_m, float) + rays * dist[:, None]


def _fall_direction(rng: np.random.Generator, max_slant_deg: float) -> np.ndarray:
    wind = rng.uniform(0.0, 2.0 * math.pi)
    slant = math.radians(rng.uniform(0.3, 1.0) * max_slant_deg)
    s = math.sin(slant)
    return np.array([s * math.cos(wind), s * math.sin(wind), -math.cos(slant)])


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def _mesh_object(
    name: str,
    verts: np.ndarray,
    faces: Sequence[tuple[int, ...]],
    opacity: np.ndarray,
    material: bpy.types.Material,
) -> bpy.types.Object:
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts.tolist(), [], faces)
    attr = mesh.attributes.new("opacity", "FLOAT", "FACE")
    attr.data.foreach_set("value", opacity.astype(np.float32))
    mesh.materials.append(material)
    mesh.update()
    obj = bpy.data.objects.new(name, mesh)
    for flag in (
        "visible_diffuse",
        "visible_glossy",
        "visible_transmission",
        "visible_volume_scatter",
        "visible_shadow",
    ):
        setattr(obj, flag, False)
    obj.visible_camera = True
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _see_through_material(
    name: str, front: bpy.types.NodeSocket | None = None
) -> tuple[bpy.types.Material, bpy.types.NodeTree, bpy.types.Node]:
    """Material = mix(transparent, <shader>, fac = face attribute 'opacity'); returns the mix."""
    mat = bpy.data.materials.new(name)
    nt = mat.node_tree
    out = next(n for n in nt.nodes if n.type == "OUTPUT_MATERIAL")
    attr = nt.nodes.new("ShaderNodeAttribute")
    attr.attribute_type = "GEOMETRY"
    attr.attribute_name = "opacity"
    mix = nt.nodes.new("ShaderNodeMixShader")
    clear = nt.nodes.new("ShaderNodeBsdfTransparent")
    nt.links.new(attr.outputs["Fac"], mix.inputs["Fac"])
    nt.links.new(clear.outputs[0], mix.inputs[1])
    nt.links.new(mix.outputs[0], out.inputs["Surface"])
    return mat, nt, mix


def add_rain(
    ctx: BuildContext, intensity: float, airlight: tuple[float, float, float]
) -> bpy.types.Object:
    """Thin slanted streaks, denser and longer with intensity."""
    rng = ctx.np_rng("rain")
    cam = camera_model(ctx.scene.camera)
    n = max(1, int(RAIN_MAX_STREAKS * intensity))
    centres = _positions_in_view(cam, rng, n, RAIN_NEAR_M, RAIN_FAR_M)
    fall = _fall_direction(rng, 15.0)
    dirs = _unit(fall + rng.normal(0.0, 0.03, (n, 3)))
    length = rng.uniform(0.15, 0.35, n) * (0.7 + 0.6 * intensity)
    f_px = cam.intrinsics[0, 0]
    dist = np.linalg.norm(centres - cam.position_m, axis=1)
    drop_m = rng.uniform(0.001, 0.003, n)
    width = np.maximum(drop_m, MIN_WIDTH_PX * dist / f_px)
    side = _unit(np.cross(dirs, centres - cam.position_m))
    half_l, half_w = dirs * (length / 2)[:, None], side * (width / 2)[:, None]
    verts = np.stack(
        [
            centres - half_l - half_w,
            centres - half_l + half_w,
            centres + half_l + half_w,
            centres + half_l - half_w,
        ],
        axis=1,
    ).reshape(-1, 3)
    faces = [(4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3) for i in range(n)]
    # A streak wider than its drop (far, thin) is spread over more pixels: dimmer per pixel.
    # Near drops are out of focus (fainter); far, sub-pixel ones are spread over more pixels.
    defocus = np.clip(dist / 4.0, 0.35, 1.0)
    opacity = np.clip(rng.uniform(0.15, 0.45, n) * defocus * drop_m / width * 1.5, 0.04, 0.45)

    # each streak glows with the airlight plus what the lamps near it scatter toward us
    glow_rgb = 1.3 * np.asarray(airlight, float) + local_light(centres, cam.position_m)
    mat, nt, mix = _see_through_material("rain")
    # the streaks light nothing: no light sampling of thousands of glowing faces (the lit
    # ones near lamps would otherwise draw light samples from every surface, for nothing)
    mat.cycles.emission_sampling = "NONE"
    glow = nt.nodes.new("ShaderNodeEmission")
    lit = nt.nodes.new("ShaderNodeAttribute")
    lit.attribute_type = "GEOMETRY"
    lit.attribute_name = "glow"
    nt.links.new(lit.outputs["Color"], glow.inputs["Color"])
    glow.inputs["Strength"].default_value = 1.0
    nt.links.new(glow.outputs[0], mix.inputs[2])
    obj = _mesh_object("rain", verts, faces, opacity, mat)
    attr = obj.data.attributes.new("glow", "FLOAT_COLOR", "FACE")
    attr.data.foreach_set("color", np.c_[glow_rgb, np.ones(n)].astype(np.float32).ravel())
    return obj


def local_light(points: np.ndarray, camera_m: np.ndarray) -> np.ndarray:
    """(n, 3) radiance that the point and spot lights of the scene (street lamps,
    headlights) give drops at `points`, seen from the camera.

    Why: at night the airlight alone leaves rain streaks faint everywhere, while in
    footage they flash where they pass near a lamp or through a headlight beam. A drop
    is treated as a white scatterer, L = E / pi, with a forward lobe (a drop refracts most
    light on through: streaks against a lamp shine brightest). Computed once per streak
    at build time, so it costs no ray."""
    bpy.context.view_layer.update()  # parented headlight spots: fresh world matrices
    out = np.zeros((len(points), 3))
    cam = np.asarray(camera_m, float)
    for obj in bpy.data.objects:
        if obj.type != "LIGHT" or obj.data.type not in ("POINT", "SPOT") or obj.hide_render:
            continue
        m = obj.matrix_world
        pos = np.array(m.translation)
        d = points - pos
        dist = np.maximum(np.linalg.norm(d, axis=1), 0.3)
        to_drop = d / dist[:, None]
        seen = 1.0
        if obj.data.type == "SPOT":
            axis = -np.array(m.to_3x3().col[2])
            axis /= np.linalg.norm(axis)
            seen = (to_drop @ axis > math.cos(obj.data.spot_size / 2)).astype(float)
        to_cam = _unit(cam - points)
        forward = np.clip(np.sum(to_drop * to_cam, axis=1), 0.0, 1.0) ** 2
        e = obj.data.energy / (4 * math.pi) / dist**2 * seen * (1.0 + 3.0 * forward)
        out += (e / math.pi)[:, None] * np.array(obj.data.color)[None, :]
    return out


def add_snow(ctx: BuildContext, airlight: tuple[float, float, float]) -> bpy.types.Object:
    """Small white camera-facing hexagons, slightly drawn out by their slow fall."""
    rng = ctx.np_rng("snow")
    cam = camera_model(ctx.scene.camera)
    n = SNOW_FLAKES
    centres = _positions_in_view(cam, rng, n, SNOW_NEAR_M, SNOW_FAR_M)
    fall = _fall_direction(rng, 25.0)
    view = _unit(centres - cam.position_m)
    right = _unit(np.cross(view, fall))
    along = _unit(np.cross(right, view))  # the fall direction, projected on the flake's plane
    dist = np.linalg.norm(centres - cam.position_m, axis=1)
    f_px = cam.intrinsics[0, 0]
    radius = np.maximum(rng.uniform(0.003, 0.009, n), MIN_WIDTH_PX * dist / f_px)
    stretch = rng.uniform(1.0, 1.8, n)
    angles = np.arange(6) * math.pi / 3
    offs = (
        np.cos(angles)[None, :, None] * right[:, None, :]
        + (np.sin(angles)[None, :, None] * stretch[:, None, None]) * along[:, None, :]
    )
    verts = (centres[:, None, :] + offs * radius[:, None, None]).reshape(-1, 3)
    faces = [tuple(range(6 * i, 6 * i + 6)) for i in range(n)]
    opacity = np.clip(rng.uniform(0.7, 1.0, n) * (0.006 / radius) ** 0.5, 0.2, 1.0)

    # Emission only: under the grey sky that comes with snow, flakes are lit from all sides,
    # and thousands of transparent faces need no light sampling.
    mat, nt, mix = _see_through_material("snow")
    flake = nt.nodes.new("ShaderNodeEmission")
    flake.inputs["Color"].default_value = (*(FLAKE_OVER_AIRLIGHT * v for v in airlight), 1.0)
    flake.inputs["Strength"].default_value = 1.0
    nt.links.new(flake.outputs[0], mix.inputs[2])
    return _mesh_object("snow", verts, faces, opacity, mat)
