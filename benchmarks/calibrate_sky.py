"""Measure the horizontal irradiance of Blender's MULTIPLE_SCATTERING sky, per sun elevation.

Prints the table `SKY_TABLE` used by `twinflash.render.daylight`: for each sun elevation,
the irradiance (linear RGB, Blender units) that the sky dome alone (sun disc off) and the
sun disc alone put on a white horizontal Lambertian plane (irradiance = pi * radiance).
Re-run it if the sky parameters in daylight.py change:

    .venv/bin/python benchmarks/calibrate_sky.py
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import bpy
import numpy as np

from twinflash.render.daylight import SKY_AEROSOL_DENSITY, SKY_AIR_DENSITY, SKY_TYPE
from twinflash.render.exr import _oiio

ELEVATIONS_DEG = (-12, -10, -8, -6, -4, -2, 0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 75, 90)


def _mean_radiance(path: Path) -> np.ndarray:
    bpy.context.scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)
    oiio = _oiio()
    pixels = np.asarray(oiio.ImageBuf(str(path)).get_pixels(oiio.FLOAT))
    return pixels[..., :3].reshape(-1, 3).mean(0)


def main() -> None:
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 256
    scene.cycles.use_denoising = False
    scene.cycles.max_bounces = 1
    scene.view_settings.view_transform = "Standard"
    scene.render.image_settings.file_format = "OPEN_EXR"
    scene.render.image_settings.color_depth = "32"
    scene.render.resolution_x = scene.render.resolution_y = 8
    world = bpy.data.worlds.new("world")
    scene.world = world
    sky = world.node_tree.nodes.new("ShaderNodeTexSky")
    sky.sky_type = SKY_TYPE
    sky.air_density = SKY_AIR_DENSITY
    sky.aerosol_density = SKY_AEROSOL_DENSITY
    world.node_tree.links.new(sky.outputs[0], world.node_tree.nodes["Background"].inputs["Color"])
    bpy.ops.mesh.primitive_plane_add(size=1000)
    mat = bpy.data.materials.new("white")
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (1, 1, 1, 1)
    bsdf.inputs["Roughness"].default_value = 1.0
    bsdf.inputs["Specular IOR Level"].default_value = 0.0
    bpy.context.object.data.materials.append(mat)
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    cam.data.type = "ORTHO"
    cam.data.ortho_scale = 1.0
    cam.location = (0, 0, 1)
    scene.collection.objects.link(cam)
    scene.camera = cam
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        exr = Path(tmp) / "plane.exr"
        for elev in ELEVATIONS_DEG:
            sky.sun_elevation = math.radians(elev)
            sky.sun_disc = False
            sky_e = _mean_radiance(exr) * math.pi
            sky.sun_disc = True
            sun_e = np.maximum(_mean_radiance(exr) * math.pi - sky_e, 0.0)
            rows.append((elev, sky_e, sun_e))
    print("SKY_TABLE = (  # elevation_deg, sky irradiance RGB, sun irradiance RGB (horizontal)")
    for elev, sky_e, sun_e in rows:
        s = ", ".join(f"{v:.4g}" for v in sky_e)
        u = ", ".join(f"{v:.4g}" for v in sun_e)
        print(f"    ({elev}, ({s}), ({u})),")
    print(")")


if __name__ == "__main__":
    main()
