"""The night infra-red speed-camera look (camera preset ``speed_camera_ir``).

French speed cameras photograph at night with an infra-red flash beside the lens: the
picture is monochrome, the flashed vehicle is lit hard from the front and falls off fast
with distance, the surroundings stay dark, and the retro-reflective plate sends the flash
straight back, so it is the brightest thing in the frame.

Built here (Blender side): a spot light just above the lens aimed along the camera's axis
(inverse-square fall-off does the dark surroundings), and a glow on the plate's white
ground following its printed texture (the characters stay dark, so the plate stays
readable): retro-reflection sends the flash back to its source, which is the camera, so a
view-independent glow is a fair stand-in. After rendering, :func:`to_infrared` turns the
colour image into the sensor's monochrome one (R = G = B). Pixels change, geometry does
not: the annotations are as exact as in colour.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from twinflash.scene.models import Scene

if TYPE_CHECKING:
    from twinflash.render.context import BuildContext

PRESET = "speed_camera_ir"
FLASH_W = 2500.0  # spot power: the flashed vehicle ~9 m away is well exposed
AMBIENT = 0.25  # the flash's short exposure: street lamps and night sky count for less
FLASH_SPOT_DEG = 24.0  # full cone: the flashed vehicle, not the street around it
FLASH_ABOVE_LENS_M = 0.25
PLATE_GLOW = 1.6  # emission strength of the plate's white ground under the flash
# Near infra-red response: car paints and fabrics reflect NIR more evenly than visible
# light (a navy car is mid-gray), so the gray value leans a little on red (closest to NIR)
# and a gamma lifts mid-tones.
NIR_WEIGHTS = (0.45, 0.35, 0.2)
NIR_GAMMA = 0.75


def is_infrared(scene: Scene) -> bool:
    return scene.camera.preset == PRESET


def setup_flash(ctx: BuildContext) -> None:
    """Ambient light (lamps, sky, lit windows) dimmed, the flash spot at the camera, the
    plates' retro-reflective glow."""
    import bpy
    from mathutils import Vector

    for light in bpy.data.lights:  # before the flash exists: every other light
        light.energy *= AMBIENT
    world = bpy.context.scene.world
    if world is not None and world.node_tree is not None:
        background = world.node_tree.nodes.get("Background")
        if background is not None:
            background.inputs["Strength"].default_value *= AMBIENT
    cam = ctx.scene.camera
    yaw, pitch = math.radians(cam.yaw_deg), math.radians(cam.pitch_deg)
    direction = Vector(
        (math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), -math.sin(pitch))
    )
    data = bpy.data.lights.new("ir_flash", "SPOT")
    data.energy = FLASH_W
    data.spot_size = math.radians(FLASH_SPOT_DEG)
    data.spot_blend = 0.6
    data.shadow_soft_size = 0.05
    obj = bpy.data.objects.new("ir_flash", data)
    bpy.context.scene.collection.objects.link(obj)
    obj.location = (cam.x_m, cam.y_m, cam.height_m + FLASH_ABOVE_LENS_M)
    obj.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
    for key, mat in ctx.materials.items():
        if key.startswith("plate|"):
            _glow(mat)
        elif key.startswith("emit|") and "headlight" not in key and "taillight" not in key:
            bsdf = mat.node_tree.nodes.get("Principled BSDF")  # lit windows, shops, lanterns
            bsdf.inputs["Emission Strength"].default_value *= AMBIENT


def _glow(mat) -> None:
    """Emission = the plate's own texture: white ground glows, black characters do not."""
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes.get("Principled BSDF")
    tex = next((n for n in nodes if n.type == "TEX_IMAGE"), None)
    if bsdf is None or tex is None:
        return
    links.new(tex.outputs["Color"], bsdf.inputs["Emission Color"])
    bsdf.inputs["Emission Strength"].default_value = PLATE_GLOW


def to_infrared(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 colour render -> the IR sensor's monochrome image, R = G = B."""
    x = np.asarray(rgb, np.float32) / 255.0
    gray = x @ np.asarray(NIR_WEIGHTS, np.float32)
    gray = np.clip(gray, 0.0, 1.0) ** NIR_GAMMA
    g8 = np.clip(gray * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return np.repeat(g8[:, :, None], 3, axis=2)
