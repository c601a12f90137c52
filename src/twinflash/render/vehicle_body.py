"""Blender meshes of a vehicle: lofted body, spoked wheels, mirrors, identity parts.

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

from twinflash.render.vehicle_fittings import build_fittings
from twinflash.render.vehicle_profile import RING, body_rings, face_materials, key_positions
from twinflash.scene.catalog import VehicleModel


@dataclass
class Palette:
    """Materials of one vehicle; the first three in the body mesh's slot order."""

    paint: bpy.types.Material
    glass: bpy.types.Material
    trim: bpy.types.Material
    tyre: bpy.types.Material
    rim: bpy.types.Material
    headlight: bpy.types.Material
    taillight: bpy.types.Material
    signature: bpy.types.Material  # daytime-running-light strips
    chrome: bpy.types.Material  # badges, slats, handles
    groove: bpy.types.Material  # panel gaps, wipers

    def roles(self) -> dict[str, bpy.types.Material]:
        """Materials by the role names of the identity parts (`vehicle_fittings`)."""
        return {"lens": self.headlight, "tail": self.taillight, "signature": self.signature,
                "dark": self.glass, "chrome": self.chrome, "groove": self.groove}  # fmt: skip


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


def _annulus(bm: bmesh.types.BMesh, r_out: float, r_in: float, half_w: float, slot: int) -> None:
    """A tube (rim lip) of axis y: outer and inner walls, flat rings at both faces."""
    n = 32
    ring = [
        [bm.verts.new((r * math.cos(2 * math.pi * i / n), y, r * math.sin(2 * math.pi * i / n)))
         for i in range(n)]
        for r, y in ((r_out, half_w), (r_in, half_w), (r_in, -half_w), (r_out, -half_w))
    ]  # fmt: skip
    for a in range(4):
        b = (a + 1) % 4
        for i in range(n):
            j = (i + 1) % n
            bm.faces.new((ring[a][i], ring[a][j], ring[b][j], ring[b][i])).material_index = slot


def wheel_mesh(spec: VehicleModel, pal: Palette) -> bpy.types.Mesh:
    """Tyre, dark wheel well, rim lip, spokes and hub (axis along y); one mesh shared by the
    four wheels of a model. `wheel_spokes: 0` is a full hubcap."""
    name = f"wheel_{spec.key}_{pal.rim.name}"
    if name in bpy.data.meshes:
        return bpy.data.meshes[name]
    r = spec.wheel_diameter_m / 2
    rim_r = 0.64 * r
    width = 0.19 + 0.1 * (spec.width_m - 1.6)
    spokes = spec.shape.wheel_spokes
    bm = bmesh.new()
    rot = Matrix.Rotation(math.pi / 2, 4, "X")  # cone axis z -> y
    # (radius, depth, material slot: 0 tyre, 1 rim, 2 dark)
    parts = [(r, width, 0), (rim_r - 0.015, width + 0.004, 2 if spokes else 1),
             (0.2 * rim_r, width + 0.03, 1)]  # fmt: skip
    for radius, depth, slot in parts:
        made = bmesh.ops.create_cone(
            bm, cap_ends=True, segments=24, radius1=radius, radius2=radius, depth=depth, matrix=rot
        )
        for face in {f for v in made["verts"] for f in v.link_faces}:
            face.material_index = slot
            face.smooth = slot == 0 and abs(face.normal.y) < 0.5
    _annulus(bm, rim_r, rim_r - 0.03, width / 2 + 0.008, 1)
    for i in range(spokes):
        made = bmesh.ops.create_cube(bm, size=1.0)
        bmesh.ops.scale(bm, vec=(0.12 * rim_r, width + 0.024, rim_r * 0.85), verts=made["verts"])
        bmesh.ops.translate(bm, vec=(0, 0, rim_r * 0.5), verts=made["verts"])
        bmesh.ops.rotate(
            bm, matrix=Matrix.Rotation(2 * math.pi * i / spokes, 3, "Y"), verts=made["verts"]
        )
        for face in {f for v in made["verts"] for f in v.link_faces}:
            face.material_index = 1
    mesh = bpy.data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    for m in (pal.tyre, pal.rim, pal.groove):
        mesh.materials.append(m)
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

    parts += build_fittings(name, spec, k, body, pal.roles())
    w = spec.width_m
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
