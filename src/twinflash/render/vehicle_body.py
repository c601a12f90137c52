"""Blender meshes of a vehicle: lofted body, wheels, lamps, grille, mirrors.

Everything is built in the vehicle's local frame (x forward, y left, z up, origin at the
footprint centre on the ground) and parented to one root empty that carries the
vehicle's position and heading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import bmesh
import bpy
from mathutils import Matrix

from twinflash.render.vehicle_profile import RING, body_rings, face_materials, key_positions
from twinflash.scene.catalog import VehicleModel

SUBDIVISION_LEVELS = 2  # render levels of the body's subdivision surface


@dataclass
class Palette:
    """Materials of one vehicle, in the body mesh's slot order (paint, glass, trim)."""

    paint: bpy.types.Material
    glass: bpy.types.Material
    trim: bpy.types.Material
    tyre: bpy.types.Material
    rim: bpy.types.Material
    headlight: bpy.types.Material
    taillight: bpy.types.Material


def _link(
    name: str,
    mesh: bpy.types.Mesh,
    parent: bpy.types.Object,
    location: tuple[float, float, float] = (0, 0, 0),
    rotation: tuple[float, float, float] = (0, 0, 0),
) -> bpy.types.Object:
    obj = bpy.data.objects.new(name, mesh)
    obj.parent = parent
    obj.location = location
    obj.rotation_euler = rotation
    bpy.context.scene.collection.objects.link(obj)
    return obj


def body_mesh(name: str, spec: VehicleModel, pal: Palette) -> bpy.types.Mesh:
    """The lofted shell: rings joined by quads, flat end caps, glass and trim faces."""
    x, rings, k = body_rings(spec)
    mats = face_materials(spec, x, k)
    n = len(x)
    verts = rings.reshape(-1, 3)
    faces, slots = [], []
    for i in range(n - 1):
        for j in range(RING):
            a, b = i * RING + j, i * RING + (j + 1) % RING
            faces.append((a, b, b + RING, a + RING))
            slots.append(int(mats[i, j]))
    faces.append(tuple(range(RING))[::-1])
    slots.append(0)
    faces.append(tuple(range((n - 1) * RING, n * RING)))
    slots.append(0)
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts.tolist(), [], faces)
    for m in (pal.paint, pal.glass, pal.trim):
        mesh.materials.append(m)
    mesh.polygons.foreach_set("material_index", slots)
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(mesh)
    bm.free()
    mesh.shade_smooth()
    return mesh


def rounded_box_mesh(
    name: str, size: tuple[float, float, float], material: bpy.types.Material, bevel_m: float = 0.01
) -> bpy.types.Mesh:
    """A box centred on the origin with bevelled edges (lamps, grilles, mirrors)."""
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=1.0)
    bmesh.ops.scale(bm, vec=size, verts=bm.verts)
    bevel = min(bevel_m, 0.45 * min(size))
    bmesh.ops.bevel(
        bm, geom=bm.edges[:] + bm.verts[:], offset=bevel, segments=2, affect="EDGES", profile=0.5
    )
    mesh = bpy.data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(material)
    mesh.shade_smooth()
    return mesh


def wheel_mesh(spec: VehicleModel, pal: Palette) -> bpy.types.Mesh:
    """Tyre and rim, axis along y; one mesh shared by the four wheels of a model."""
    name = f"wheel_{spec.key}_{pal.rim.name}"
    if name in bpy.data.meshes:
        return bpy.data.meshes[name]
    r = spec.wheel_diameter_m / 2
    width = 0.19 + 0.1 * (spec.width_m - 1.6)
    bm = bmesh.new()
    rot = Matrix.Rotation(math.pi / 2, 4, "X")  # cone axis z -> y
    parts = ((r, width, 0), (0.62 * r, width + 0.012, 1), (0.22 * r, width + 0.02, 0))
    for radius, depth, slot in parts:
        made = bmesh.ops.create_cone(
            bm, cap_ends=True, segments=24, radius1=radius, radius2=radius, depth=depth, matrix=rot
        )
        for face in {f for v in made["verts"] for f in v.link_faces}:
            face.material_index = slot
            face.smooth = slot == 0 and abs(face.normal.y) < 0.5
    mesh = bpy.data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(pal.tyre)
    mesh.materials.append(pal.rim)
    return mesh


def build_body(
    name: str, spec: VehicleModel, pal: Palette, root: bpy.types.Object
) -> list[bpy.types.Object]:
    """Every mesh part of the vehicle (not the plates), parented to `root`."""
    k = key_positions(spec)
    s = spec.shape
    body = _link(f"{name}_body", body_mesh(f"{name}_body", spec, pal), root)
    mod = body.modifiers.new("smooth", "SUBSURF")
    mod.levels = 1
    mod.render_levels = SUBDIVISION_LEVELS
    parts = [body]

    wheel = wheel_mesh(spec, pal)
    r = spec.wheel_diameter_m / 2
    track_half = spec.width_m / 2 - 0.09 - 0.05 * (spec.width_m - 1.6)
    for ax_name, ax in (("f", k.front_axle), ("r", k.rear_axle)):
        for side in (-1, 1):
            parts.append(
                _link(f"{name}_wheel_{ax_name}{side:+d}", wheel, root, (ax, side * track_half, r))
            )

    w = spec.width_m
    lamp_w, lamp_h = 0.2 * w, 0.095 + 0.03 * (spec.height_m > 1.7)
    nose = s.nose_height_m
    head = rounded_box_mesh(f"{name}_headlight", (0.16, lamp_w, lamp_h), pal.headlight, 0.02)
    tail = rounded_box_mesh(
        f"{name}_taillight",
        (0.16, 0.15 * w, 0.11 + 0.2 * (spec.body_type in ("van", "large_van"))),
        pal.taillight,
        0.02,
    )
    tail_z = (
        s.tail_height_m - 0.15
        if spec.body_type not in ("van", "large_van")
        else s.rear_plate_height_m + 0.35
    )
    for side in (-1, 1):
        y = side * (w / 2 - 0.05 - lamp_w / 2 - s.corner_roundness * 0.3)
        parts.append(
            _link(
                f"{name}_headlight{side:+d}",
                head,
                root,
                (k.front - 0.075, y, nose - 0.09),
                (0, 0, side * math.radians(12)),
            )
        )
        yt = side * (w / 2 - 0.06 - 0.055 * w - s.corner_roundness * 0.25)
        parts.append(
            _link(
                f"{name}_taillight{side:+d}",
                tail,
                root,
                (k.rear + 0.075, yt, tail_z),
                (0, 0, -side * math.radians(12)),
            )
        )

    plate_top = s.front_plate_height_m + 0.075
    if s.grille_width_ratio > 0:
        gh = max(0.06, nose - 0.14 - plate_top)
        grille = rounded_box_mesh(
            f"{name}_grille", (0.1, s.grille_width_ratio * w, gh), pal.trim, 0.02
        )
        parts.append(
            _link(f"{name}_grille", grille, root, (k.front - 0.045, 0, plate_top + 0.02 + gh / 2))
        )
    intake_h = max(0.05, s.front_plate_height_m - 0.075 - s.ground_clearance_m - 0.1)
    intake = rounded_box_mesh(f"{name}_intake", (0.1, 0.6 * w, intake_h), pal.trim, 0.02)
    parts.append(
        _link(
            f"{name}_intake",
            intake,
            root,
            (k.front - 0.045, 0, s.ground_clearance_m + 0.1 + intake_h / 2),
        )
    )

    mirror = rounded_box_mesh(f"{name}_mirror", (0.1, 0.2, 0.11), pal.paint, 0.03)
    mirror_x = k.windscreen_base - 0.15
    half_w = 0.9 * spec.width_m / 2  # overlaps the door top so the mirror never floats
    for side in (-1, 1):
        parts.append(
            _link(
                f"{name}_mirror{side:+d}",
                mirror,
                root,
                (mirror_x, side * (half_w + 0.08), s.cowl_height_m + 0.02),
            )
        )
    return parts


def headlight_spots(
    name: str, spec: VehicleModel, root: bpy.types.Object, energy_w: float
) -> list[bpy.types.Object]:
    """Two forward spot lights at the headlamps, dipped 2° as low beams are."""
    k = key_positions(spec)
    out = []
    for side in (-1, 1):
        light = bpy.data.lights.new(f"{name}_beam{side:+d}", "SPOT")
        light.energy = energy_w
        light.spot_size = math.radians(60)
        light.spot_blend = 0.6
        light.shadow_soft_size = 0.05
        light.color = (1.0, 0.95, 0.85)
        obj = bpy.data.objects.new(f"{name}_beam{side:+d}", light)
        obj.parent = root
        obj.location = (
            k.front + 0.05,
            side * (spec.width_m / 2 - 0.3),
            spec.shape.nose_height_m - 0.09,
        )
        obj.rotation_euler = (0, math.radians(-90 + 2), 0)
        bpy.context.scene.collection.objects.link(obj)
        out.append(obj)
    return out
