"""Geometry and build cost of each catalog vehicle: evaluated triangles and build time.

Run: .venv/bin/python benchmarks/vehicles.py
"""

from __future__ import annotations

import time

import bpy

from twinflash.render import engine, vehicles
from twinflash.render.context import BuildContext
from twinflash.scene.catalog import vehicle_models
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Vehicle
from twinflash.scene.sun import sun_state


def main() -> None:
    head = ("model", "body_type", "objects", "tris_near", "tris_far", "build_ms")
    print(f"{head[0]:20s} {head[1]:10s} " + " ".join(f"{h:>9s}" for h in head[2:]))
    totals: dict[str, float] = {"near": 0, "far": 0}
    for key, spec in vehicle_models().items():
        row = {}
        for where, camera_x in (("near", -8.0), ("far", -30.0)):
            engine.reset_blender()
            scene = parse_scene({"camera": {"x_m": camera_x}})
            ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
            start = time.perf_counter()
            built = vehicles.build_vehicle(ctx, Vehicle(model=key, x_m=0.0, y_m=0.0), 0)
            bpy.context.view_layer.update()
            row[f"{where}_ms"] = (time.perf_counter() - start) * 1000
            objects = [o for b in built for o in b.objects]
            row[where] = len(engine._mesh_geometry(objects)[1])
            totals[where] += row[where]
        print(
            f"{key:20s} {spec.body_type:10s} {len(objects):9d} {row['near']:9d} {row['far']:9d}"
            f" {row['near_ms']:9.0f}"
        )
    n = len(vehicle_models())
    print(f"mean triangles per vehicle: near {totals['near'] / n:.0f}, far {totals['far'] / n:.0f}")


if __name__ == "__main__":
    main()
