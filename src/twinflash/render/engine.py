"""Scene in, Frame out: build the Blender world, render the image, then the exact passes.

Two renders per scene: the beauty image with every effect, then a 1-sample pass with
participating media (fog, rain, snowflakes) hidden and a pixel-centre filter, whose
Object Index and Depth passes give exact instance masks and planar depth.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import bpy
import numpy as np
from PIL import Image

from twinflash.frame import Frame, ObjectGeometry
from twinflash.render import (
    infrared,
    lighting,
    people,
    sampling,
    street,
    vehicles,
    waste,
    weather,
)
from twinflash.render.camera import camera_model, setup_camera
from twinflash.render.context import BuildContext, Built
from twinflash.render.exr import read_passes
from twinflash.render.sensor import apply_sensor_effects
from twinflash.scene.layout import ground_height_m
from twinflash.scene.models import Scene
from twinflash.scene.sun import sun_state

log = logging.getLogger(__name__)

FAR_DEPTH_M = 1e9  # Cycles writes 1e10 where a ray escapes; we store inf


def reset_blender(threads: int | None = None) -> None:
    """Start from an empty file: results never depend on what was rendered before.

    `threads` caps Cycles' CPU threads (parallel workers share the cores); None = all.
    """
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.render.threads_mode = "AUTO" if threads is None else "FIXED"
    if threads is not None:
        scene.render.threads = max(1, threads)
    scene.render.use_persistent_data = False
    scene.view_settings.view_transform = "AgX"
    scene.view_settings.look = "AgX - Medium High Contrast"


def _stand_on_ground(item: Built, ground_z_m: float) -> Built:
    """Lift an instance built on z = 0 onto the local ground (sidewalks sit on curbs)."""
    if ground_z_m == 0.0:
        return item
    members = set(item.objects)
    for obj in item.objects:
        if obj.parent not in members:  # children follow their parent
            obj.location.z += ground_z_m
    lift = np.array([0.0, 0.0, ground_z_m])
    if item.head_center_world is not None:
        item.head_center_world = np.asarray(item.head_center_world, dtype=float) + lift
    if item.plate_corners_world is not None:
        item.plate_corners_world = np.asarray(item.plate_corners_world, dtype=float) + lift
    return item


def build_world(ctx: BuildContext) -> list[Built]:
    """Every builder runs once, in a fixed order; returns the annotated instances.

    Builders model people and vehicles standing on z = 0; the engine then lifts each onto
    the ground under it, so no builder needs to know the street's relief.
    """
    place = ctx.scene.place
    street.build_place(ctx)
    built: list[Built] = [
        _stand_on_ground(people.build_person(ctx, p, i), ground_height_m(place, p.x_m, p.y_m))
        for i, p in enumerate(ctx.scene.people)
    ]
    for i, v in enumerate(ctx.scene.vehicles):
        ground_z = ground_height_m(place, v.x_m, v.y_m)
        built.extend(_stand_on_ground(b, ground_z) for b in vehicles.build_vehicle(ctx, v, i))
    for i, w in enumerate(ctx.scene.waste):
        ground_z = ground_height_m(place, w.x_m, w.y_m)
        built.append(_stand_on_ground(waste.build_waste(ctx, w, i), ground_z))
    lighting.setup_lighting(ctx)
    weather.setup_weather(ctx)
    if infrared.is_infrared(ctx.scene):
        infrared.setup_flash(ctx)
    return built


def _render_beauty(settings: sampling.BeautySettings, out_png: Path) -> np.ndarray:
    bl = bpy.context.scene
    sampling.apply(settings)
    bl.render.image_settings.media_type = "IMAGE"
    bl.render.image_settings.file_format = "PNG"
    bl.render.image_settings.color_mode = "RGB"
    bl.render.image_settings.color_depth = "8"
    bl.render.filepath = str(out_png)
    bpy.ops.render.render(write_still=True)
    with Image.open(out_png) as img:
        return np.asarray(img.convert("RGB")).copy()


def _render_exact_passes(ctx: BuildContext, out_exr: Path) -> tuple[np.ndarray, np.ndarray]:
    bl = bpy.context.scene
    hidden = [o for o in ctx.media_objects if not o.hide_render]
    for obj in hidden:
        obj.hide_render = True
    world = bl.world
    saved_volume = None
    if world is not None and world.node_tree is not None:
        out_node = world.node_tree.nodes.get("World Output")
        if out_node is not None and out_node.inputs["Volume"].is_linked:
            saved_volume = out_node.inputs["Volume"].links[0].from_socket
            world.node_tree.links.remove(out_node.inputs["Volume"].links[0])
    # Fixed light paths whatever the beauty used: the ids and depth of a ray's first hit
    # (through transparent surfaces) depend on nothing the beauty settings trade.
    sampling.apply(
        sampling.STREET_PATHS.with_overrides(
            samples=1,
            denoise=False,
            adaptive=False,
            max_bounces=0,
            persistent_data=bl.render.use_persistent_data,
        )
    )
    bl.cycles.filter_width = 0.01  # sample pixel centres: ids and depth are not blended
    bl.render.use_motion_blur = False
    layer = bl.view_layers[0]
    layer.use_pass_object_index = True
    layer.use_pass_z = True
    bl.render.image_settings.media_type = "MULTI_LAYER_IMAGE"
    bl.render.image_settings.color_depth = "32"
    bpy.ops.render.render(write_still=False)
    bpy.data.images["Render Result"].save_render(str(out_exr))
    passes = read_passes(out_exr, ("Object Index", "Depth"))
    for obj in hidden:
        obj.hide_render = False
    if saved_volume is not None:
        world.node_tree.links.new(
            saved_volume, world.node_tree.nodes["World Output"].inputs["Volume"]
        )
    ids = np.rint(passes["Object Index"][..., 0]).astype(np.uint16)
    depth = passes["Depth"][..., 0].astype(np.float32)
    depth[depth >= FAR_DEPTH_M] = np.inf
    return ids, depth


def _mesh_geometry(objects: list[bpy.types.Object]) -> tuple[np.ndarray, np.ndarray]:
    """World-space vertices and triangles of the evaluated meshes (modifiers applied)."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    verts, tris, offset = [], [], 0
    for obj in objects:
        if obj.type != "MESH":
            continue
        ev = obj.evaluated_get(depsgraph)
        mesh = ev.to_mesh()
        mesh.calc_loop_triangles()
        co = np.empty(len(mesh.vertices) * 3, np.float64)
        mesh.vertices.foreach_get("co", co)
        co = co.reshape(-1, 3)
        mw = np.array(ev.matrix_world)
        co = co @ mw[:3, :3].T + mw[:3, 3]
        tri = np.empty(len(mesh.loop_triangles) * 3, np.int64)
        mesh.loop_triangles.foreach_get("vertices", tri)
        verts.append(co)
        tris.append(tri.reshape(-1, 3) + offset)
        offset += len(co)
        ev.to_mesh_clear()
    if not verts:
        return np.zeros((0, 3)), np.zeros((0, 3), np.int64)
    return np.concatenate(verts), np.concatenate(tris)


def render_scene(
    scene: Scene,
    work_dir: Path | None = None,
    threads: int | None = None,
    beauty: sampling.BeautySettings | None = None,
) -> Frame:
    """Render a resolved Scene into a Frame (image, instance ids, depth, geometry).

    `beauty` replaces the Cycles settings the scene's quality preset names (benchmarks).
    """
    t0 = time.perf_counter()
    reset_blender(threads)
    ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
    built = build_world(ctx)
    if len(built) >= 2**16:
        raise ValueError(f"{len(built)} instances exceed the 16-bit instance id range")
    for instance_id, item in enumerate(built, start=1):
        for obj in item.objects:
            obj.pass_index = instance_id
    cam = camera_model(scene.camera)
    setup_camera(cam)
    bpy.context.view_layer.update()

    with tempfile.TemporaryDirectory(prefix="twinflash-render-", dir=work_dir) as tmp:
        t1 = time.perf_counter()
        settings = beauty if beauty is not None else sampling.beauty_settings(scene.quality)
        rgb = _render_beauty(settings, Path(tmp) / "beauty.png")
        t2 = time.perf_counter()
        ids, depth = _render_exact_passes(ctx, Path(tmp) / "passes.exr")
        t3 = time.perf_counter()

    objects = []
    for instance_id, item in enumerate(built, start=1):
        vertices, triangles = _mesh_geometry(item.objects)
        objects.append(
            ObjectGeometry(
                instance_id=instance_id,
                kind=item.kind,
                scene_index=item.scene_index,
                vertices_world=vertices,
                triangles=triangles,
                head_center_world=item.head_center_world,
                plate_corners_world=item.plate_corners_world,
                plate_text=item.plate_text,
            )
        )
    if infrared.is_infrared(scene):
        rgb = infrared.to_infrared(rgb)  # before noise and JPEG, as in the camera
    rgb = apply_sensor_effects(rgb, scene.camera.effects, ctx.np_rng("sensor"))
    derived: dict[str, object] = {
        "sun_elevation_deg": round(ctx.sun.elevation_deg, 4),
        "sun_azimuth_deg": round(ctx.sun.azimuth_deg, 4),
        "is_night": ctx.sun.is_night,
        "is_twilight": ctx.sun.is_twilight,
    }
    timings = {
        "build": t1 - t0,
        "image": t2 - t1,
        "passes": t3 - t2,
        "geometry": time.perf_counter() - t3,
    }
    return Frame(
        rgb=rgb,
        instance_ids=ids,
        depth_m=depth,
        camera=cam,
        objects=objects,
        scene_values=derived,
        timings_s=timings,
    )
