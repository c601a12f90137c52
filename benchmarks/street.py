"""Print the cost of the procedural place: build time, size, and render time per view.

    .venv/bin/python benchmarks/street.py [--resolution 640x480] [--samples 16] [--night]
        [--views pedestrian,cctv,birds_eye] [--hide furniture|buildings]

Renders the default street (no people, no vehicles) from the pedestrian, CCTV and
birds-eye presets. Wall-clock and process CPU seconds are both printed: on a shared
machine the CPU time divided by the core count is the better estimate of an idle run.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import bpy

from twinflash.render import engine, sampling
from twinflash.render.camera import camera_model, setup_camera
from twinflash.render.context import BuildContext
from twinflash.scene.io import parse_scene
from twinflash.scene.sun import sun_state

HIDE = {
    "furniture": ("lamp", "tree", "bollard", "bench", "grate"),
    "buildings": ("building", "win"),
}


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", default="640x480")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--night", action="store_true", help="22:30 local time: lamps lit")
    parser.add_argument("--views", default="pedestrian,cctv,birds_eye")
    parser.add_argument("--hide", choices=sorted(HIDE), help="leave a part out to see its cost")
    args = parser.parse_args()
    w, h = (int(v) for v in args.resolution.split("x"))
    print(
        f"cores={os.cpu_count()} load={os.getloadavg()[0]:.1f} {w}x{h} {args.samples} spp "
        f"hidden={args.hide}"
    )
    print("view        build_s  objects  faces   beauty_wall_s  beauty_cpu_s  passes_wall_s")
    for view in args.views.split(","):
        scene = parse_scene(
            {
                "light": {"local_time": "22:30" if args.night else "13:00"},
                "quality": {"preset": "custom", "samples": args.samples, "denoise": True},
                "camera": {"preset": view, "resolution_wh": [w, h]},
            }
        )
        t0 = time.perf_counter()
        engine.reset_blender()
        ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
        engine.build_world(ctx)
        setup_camera(camera_model(scene.camera))
        for obj in bpy.data.objects:
            if args.hide and obj.name.split("_")[0] in HIDE[args.hide]:
                obj.hide_render = True
        bpy.context.view_layer.update()
        build_s = time.perf_counter() - t0
        shown = [o for o in bpy.data.objects if o.type == "MESH" and not o.hide_render]
        faces = sum(len(o.data.polygons) for o in shown)
        with tempfile.TemporaryDirectory() as tmp:
            c0, t1 = _cpu_s(), time.perf_counter()
            engine._render_beauty(sampling.beauty_settings(scene.quality), Path(tmp) / "beauty.png")
            beauty_s, beauty_cpu = time.perf_counter() - t1, _cpu_s() - c0
            t2 = time.perf_counter()
            engine._render_exact_passes(ctx, Path(tmp) / "passes.exr")
            passes_s = time.perf_counter() - t2
        print(
            f"{view:<11} {build_s:7.2f}  {len(shown):7d}  {faces:6d}  {beauty_s:13.1f}  "
            f"{beauty_cpu:12.1f}  {passes_s:13.1f}"
        )


if __name__ == "__main__":
    main()
