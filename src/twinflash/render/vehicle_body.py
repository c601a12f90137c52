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
from mathutils import Matrix, Vector

from twinflash.render.vehicle_profile import RING, body_rings, face_materials, key_positions
from twinflash.scene.catalog import VehicleModel


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
    faces: list[tuple[int, ...]] = []
    slots: list[int] = []
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


def _on_surface(
    name: str,
    mesh: bpy.types.Mesh,
    body: bpy.types.Object,
    depsgraph: bpy.types.Depsgraph,
    origin: tuple[float, float, float],
    direction: tuple[float, float, float],
    proud_m: float,
) -> bpy.types.Object:
    """Link `mesh` where a ray from `origin` meets the smoothed body, its x axis along the
    surface normal and standing `proud_m` out of it, so lamps never float or sink."""
    hit, location, normal, _ = body.ray_cast(
        Vector(origin), Vector(direction).normalized(), depsgraph=depsgraph
    )
    if not hit:  # the ray missed the shell: keep the part at the ray's start, facing it
        location, normal = Vector(origin), -Vector(direction).normalized()
    depth = max(v.co.x for v in mesh.vertices) - min(v.co.x for v in mesh.vertices)
    rotation = normal.to_track_quat("X", "Z").to_euler()
    return _link(
        name, mesh, body.parent, tuple(location + normal * (proud_m - depth / 2)), tuple(rotation)
    )


def build_body(
    name: str, spec: VehicleModel, pal: Palette, root: bpy.types.Object, subdivision: int = 2
) -> list[bpy.types.Object]:
    """Every mesh part of the vehicle (not the plates), parented to `root`.

    `subdivision` levels smooth the body shell (2 for close-ups, 1 in the distance).
    """
    k = key_positions(spec)
    s = spec.shape
    body = _link(f"{name}_body", body_mesh(f"{name}_body", spec, pal), root)
    mod = body.modifiers.new("smooth", "SUBSURF")
    mod.levels = mod.render_levels = subdivision  # annotations use the rendered shape
    parts = [body]
    dg = bpy.context.evaluated_depsgraph_get()

    wheel = wheel_mesh(spec, pal)
    r = spec.wheel_diameter_m / 2
    track_half = spec.width_m / 2 - 0.09 - 0.05 * (spec.width_m - 1.6)
    for ax_name, ax in (("f", k.front_axle), ("r", k.rear_axle)):
        for side in (-1, 1):
            loc = (ax, side * track_half, r)
            parts.append(_link(f"{name}_wheel_{ax_name}{side:+d}", wheel, root, loc))

    w, nose = spec.width_m, s.nose_height_m
    vans = spec.body_type in ("van", "large_van")
    lamp_w, lamp_h = 0.21 * w, 0.1 + 0.04 * vans
    head = rounded_box_mesh(f"{name}_headlight", (0.06, lamp_w, lamp_h), pal.headlight, 0.025)
    tail_w, tail_h = 0.17 * w, 0.14 + 0.22 * vans
    tail = rounded_box_mesh(f"{name}_taillight", (0.06, tail_w, tail_h), pal.taillight, 0.03)
    tail_z = s.rear_plate_height_m + 0.3 if vans else s.tail_height_m - 0.13
    # (name, mesh, ray origin, ray direction, how far it stands proud of the body)
    fittings: list[tuple[str, bpy.types.Mesh, tuple, tuple, float]] = []
    for side in (-1, 1):
        y, yt = side * (w / 2 - 0.04 - lamp_w / 2), side * (w / 2 - 0.03 - tail_w / 2)
        fittings += [
            (
                f"headlight{side:+d}",
                head,
                (k.front + 1, y + side * 0.35, nose - 0.1),
                (-1, -side * 0.35, 0),
                0.01,
            ),
            (
                f"taillight{side:+d}",
                tail,
                (k.rear - 1, yt + side * 0.3, tail_z),
                (1, -side * 0.3, 0),
                0.01,
            ),
        ]
    plate_top = s.front_plate_height_m + 0.075
    if s.grille_width_ratio > 0:
        gh = max(0.06, nose - 0.1 - plate_top)
        grille = rounded_box_mesh(
            f"{name}_grille", (0.04, s.grille_width_ratio * w, gh), pal.trim, 0.02
        )
        fittings.append(
            ("grille", grille, (k.front + 1, 0, plate_top + 0.03 + gh / 2), (-1, 0, 0), 0.008)
        )
    low = s.ground_clearance_m + 0.12
    intake_h = max(0.05, s.front_plate_height_m - 0.075 - low)
    intake = rounded_box_mesh(f"{name}_intake", (0.04, 0.6 * w, intake_h), pal.trim, 0.02)
    fittings.append(("intake", intake, (k.front + 1, 0, low + intake_h / 2), (-1, 0, 0), 0.006))
    diffuser = rounded_box_mesh(f"{name}_diffuser", (0.04, 0.8 * w, 0.09), pal.trim, 0.02)
    fittings.append(
        ("diffuser", diffuser, (k.rear - 1, 0, s.ground_clearance_m + 0.14), (1, 0, 0), 0.006)
    )
    for part, mesh, origin, direction, proud in fittings:
        parts.append(_on_surface(f"{name}_{part}", mesh, body, dg, origin, direction, proud))

    mirror = rounded_box_mesh(f"{name}_mirror", (0.1, 0.2, 0.11), pal.paint, 0.03)
    for side in (-1, 1):
        origin = (k.windscreen_base - 0.2, side * w, s.cowl_height_m - 0.01)
        obj = _on_surface(f"{name}_mirror{side:+d}", mirror, body, dg, origin, (0, -side, 0), 0.0)
        obj.rotation_euler = (0.0, 0.0, 0.0)  # mirrors stand square to the car, not to the door
        obj.location.y += side * 0.1
        parts.append(obj)
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
