"""Place Blender's camera from the shared CameraModel, so projection math agrees exactly."""

from __future__ import annotations

import math

import bpy
import numpy as np

from twinflash.camera import CameraModel
from twinflash.scene.models import Camera


def camera_model(camera: Camera) -> CameraModel:
    return CameraModel(
        position_m=np.array([camera.x_m, camera.y_m, camera.height_m]),
        yaw_deg=camera.yaw_deg,
        pitch_deg=camera.pitch_deg,
        focal_length_mm=camera.focal_length_mm,
        sensor_width_mm=camera.sensor_width_mm,
        resolution_wh=camera.resolution_wh,
    )


def setup_camera(model: CameraModel) -> bpy.types.Object:
    scene = bpy.context.scene
    data = bpy.data.cameras.new("camera")
    data.sensor_fit = "HORIZONTAL"
    data.sensor_width = model.sensor_width_mm
    data.lens = model.focal_length_mm
    data.clip_start = 0.05
    data.clip_end = 2000.0
    obj = bpy.data.objects.new("camera", data)
    scene.collection.objects.link(obj)
    obj.location = tuple(float(v) for v in model.position_m)
    obj.rotation_euler = tuple(math.radians(a) for a in model.blender_euler_xyz_deg)
    scene.camera = obj
    w, h = model.resolution_wh
    scene.render.resolution_x, scene.render.resolution_y = w, h
    scene.render.resolution_percentage = 100
    scene.render.pixel_aspect_x = scene.render.pixel_aspect_y = 1.0
    return obj
