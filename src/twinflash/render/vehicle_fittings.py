"""A vehicle's identity parts as decals on its shell: grille, intake, lamps and their light
signature, badges, panel gaps, handles, wipers; glow planes round lit lamps.

Each part is a flat outline (`vehicle_outlines`) placed where a ray meets the smoothed shell,
then wrapped onto it (Shrinkwrap, projected along the surface normal) a few millimetres out:
the part follows the curved shell everywhere, never floats and never sinks into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import bmesh
import bpy
import numpy as np
from mathutils import Matrix, Vector

from twinflash.render import vehicle_outlines as ol
from twinflash.render.vehicle_profile import KeyX
from twinflash.scene.catalog import VehicleModel

Materials = dict[str, bpy.types.Material]  # role ("lens", "dark", ...) -> material


@dataclass(frozen=True)
class Anchor:
    """Where a part sits: a point of the shell and a frame (x out of the shell, z up)."""

    location: Vector
    frame: Matrix  # 3x3, columns x (surface normal), y (viewer's right), z (up)

    def to_face(self, points: np.ndarray) -> np.ndarray:
        """(N, 3) vehicle-frame points -> (N, 2) face coordinates (u, v) about the anchor."""
        rel = np.asarray(points, float) - np.array(self.location)
        return rel @ np.array(self.frame)[:, 1:]


def anchor(
    body: bpy.types.Object,
    depsgraph: bpy.types.Depsgraph,
    origin: tuple[float, float, float],
    direction: tuple[float, float, float],
    up: tuple[float, float, float] = (0.0, 0.0, 1.0),
) -> Anchor:
    """The shell point a ray meets (its start, facing back, if it misses) and its frame."""
    d = Vector(direction).normalized()
    hit, location, normal, _ = body.ray_cast(Vector(origin), d, depsgraph=depsgraph)
    if not hit:
        location, normal = Vector(origin), -d
    x = normal.normalized()
    z = Vector(up) - x * x.dot(Vector(up))
    if z.length < 0.2:  # up nearly along the normal: any perpendicular will do
        z = x.orthogonal()
    z.normalize()
    return Anchor(location, Matrix((x, z.cross(x), z)).transposed())


def decal(
    name: str,
    parts: dict[str, list[np.ndarray]],
    materials: Materials,
    body: bpy.types.Object,
    at: Anchor,
    proud_m: float,
) -> bpy.types.Object | None:
    """One object from `parts` (face-coordinate polygons by material role) wrapped onto the
    body at `at`, `proud_m` out of the shell (a surface: a few mm of edge are not seen)."""
    roles = [r for r, polys in parts.items() if polys]
    if not roles:
        return None
    bm = bmesh.new()
    for slot, role in enumerate(roles):
        for poly in parts[role]:
            if ol.signed_area(poly) < 0:
                poly = poly[::-1]
            verts = [bm.verts.new((0.0, u, v)) for u, v in ol.resample(poly)]
            face = bm.faces.new(verts)
            face.material_index = slot
    bmesh.ops.triangulate(bm, faces=bm.faces[:], quad_method="BEAUTY", ngon_method="BEAUTY")
    bmesh.ops.subdivide_edges(bm, edges=bm.edges[:], cuts=1, use_grid_fill=True)
    mesh = bpy.data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    for role in roles:
        mesh.materials.append(materials[role])
    obj = bpy.data.objects.new(name, mesh)
    obj.parent = body.parent
    obj.matrix_basis = Matrix.Translation(at.location) @ at.frame.to_4x4()
    bpy.context.scene.collection.objects.link(obj)
    wrap = obj.modifiers.new("on_shell", "SHRINKWRAP")
    wrap.target = body
    wrap.wrap_method = "PROJECT"
    wrap.use_project_x = True
    wrap.use_negative_direction = wrap.use_positive_direction = True
    wrap.wrap_mode = "OUTSIDE_SURFACE"
    wrap.offset = proud_m
    return obj


def mirrored(parts: dict[str, list[np.ndarray]], sign: float) -> dict[str, list[np.ndarray]]:
    """Outboard coordinates -> face coordinates: u flipped where outboard is the viewer's left."""
    return {role: [p * [sign, 1.0] for p in polys] for role, polys in parts.items()}


def build_fittings(
    name: str, spec: VehicleModel, k: KeyX, body: bpy.types.Object, mats: Materials
) -> list[bpy.types.Object]:
    """Every identity part of the vehicle, wrapped onto `body` (already linked)."""
    dg = bpy.context.evaluated_depsgraph_get()
    s, w = spec.shape, spec.width_m
    vans = spec.body_type in ("van", "large_van")
    out: list[bpy.types.Object | None] = []

    def put(part: str, parts: dict, at: Anchor, proud: float) -> None:
        out.append(decal(f"{name}_{part}", parts, mats, body, at, proud))

    front_at = lambda y, z: anchor(body, dg, (k.front + 1, y, z), (-1, 0, 0))  # noqa: E731
    rear_at = lambda y, z: anchor(body, dg, (k.rear - 1, y, z), (1, 0, 0))  # noqa: E731

    # headlamps with their light signature, on the front corners
    lamp_h, lamp = ol.headlamp(s, w)
    lamp_w = s.headlamp_width_ratio * w
    lamp_z = s.nose_height_m - 0.05 - lamp_h / 2
    tail = ol.taillamp(s, w, vans)
    tail_w = 0.17 * w
    tail_z = s.rear_plate_height_m + 0.3 if vans else s.tail_height_m - 0.13
    for side in (-1, 1):
        y = side * (w / 2 - 0.04 - lamp_w / 2)
        at = anchor(body, dg, (k.front + 1, y + side * 0.35, lamp_z), (-1, -side * 0.35, 0))
        put(f"headlight{side:+d}", _roles(mirrored(lamp, side), "lens", "signature"), at, 0.008)
        yt = side * (w / 2 - 0.03 - tail_w / 2)
        at = anchor(body, dg, (k.rear - 1, yt + side * 0.3, tail_z), (1, -side * 0.3, 0))
        put(f"taillight{side:+d}", _roles(mirrored(tail, -side), "tail", "dark"), at, 0.008)
    if s.daytime_lights == "bar":
        put("light_bar", {"signature": [ol.rect(w - 2 * lamp_w - 0.04, ol.STRIP_M)]},
            front_at(0, lamp_z + lamp_h / 2 - 0.01), 0.006)  # fmt: skip
    band = ol.tail_band(spec, tail_w)
    if band:
        put("tail_band", _roles(band, "tail", "dark"), rear_at(0, tail_z), 0.006)

    # grille, intake, badges
    plate_top = s.front_plate_height_m + 0.075
    gh = max(0.06, s.nose_height_m - 0.1 - plate_top)
    grille_z = plate_top + 0.03 + gh / 2
    g = ol.grille(s, w, gh)
    put("grille", {"dark": g["dark"]}, front_at(0, grille_z), 0.006)
    put("grille_slats", {"chrome": g["chrome"]}, front_at(0, grille_z), 0.009)
    low = s.ground_clearance_m + 0.12
    intake_h = max(0.05, s.front_plate_height_m - 0.075 - low)
    put("intake", {"dark": ol.intake(s, w, intake_h)}, front_at(0, low + intake_h / 2), 0.005)
    put("diffuser", {"dark": [ol.rect(0.8 * w, 0.09)]},
        rear_at(0, s.ground_clearance_m + 0.14), 0.005)  # fmt: skip
    emblem = {"chrome": ol.badge(spec.badge)}
    badge_z = min(s.nose_height_m - 0.06, grille_z + 0.02) if s.grille_shape != "none" else (
        s.nose_height_m - 0.08)  # fmt: skip
    put("badge_front", emblem, front_at(0, badge_z), 0.01)
    put("badge_rear", emblem, rear_at(0, min(s.rear_plate_height_m + 0.2, tail_z + 0.08)), 0.008)

    # panel gaps, handles, wipers
    lines, handles = ol.door_lines(spec, k)
    for side in (-1, 1):
        x_mid = 0.5 * (lines[0][0, 0] + lines[1][0, 0])
        at = anchor(body, dg, (x_mid, side * w, lines[0][0, 1] + 0.2), (0, -side, 0))
        grooves = [ol.strip(_flank(at, p), ol.GROOVE_M) for p in lines]
        grips = [ol.rect(0.16, 0.028) + _flank(at, h[None]) for h in handles]
        put(f"doors{side:+d}", {"groove": grooves, "chrome": grips}, at, 0.002)
    rear = rear_at(0, s.tail_height_m - 0.25)
    gaps = [ol.strip(rear.to_face(np.c_[np.full(len(p), rear.location.x), p]), ol.GROOVE_M)
            for p in ol.tailgate_lines(spec)]  # fmt: skip
    put("tailgate", {"groove": gaps}, rear, 0.002)
    front = front_at(0, s.nose_height_m - 0.05)
    shut = 0.42 * w
    put("bonnet_front", {"groove": [ol.rect(2 * shut, ol.GROOVE_M)]}, front, 0.002)
    hood_x = 0.5 * (k.windscreen_base + k.front)
    top = anchor(body, dg, (hood_x, 0, 4.0), (0, 0, -1), up=(1, 0, 0))
    tz = top.location.z
    hood = [ol.strip(top.to_face(np.array([[k.windscreen_base + 0.06, y, tz],
                                           [k.front - 0.1, y, tz]])), ol.GROOVE_M)
            for y in (-shut, shut)]  # fmt: skip
    put("bonnet_top", {"groove": hood}, top, 0.002)
    if s.wipers:
        a = math.radians(s.windscreen_angle_deg)
        normal = (math.sin(a), 0.0, math.cos(a))
        on = (k.windscreen_base - 0.08 * math.cos(a), 0.0, s.cowl_height_m + 0.08 * math.sin(a))
        at = anchor(body, dg, tuple(np.add(on, normal)), tuple(-np.array(normal)))
        arm = 0.14 * w
        blades = [ol.strip([(u - arm, 0.0), (u + arm, 0.04)], 0.014)
                  for u in (-0.22 * w, 0.26 * w)[: s.wipers]]  # fmt: skip
        put("wipers", {"groove": blades}, at, 0.006)
    return [o for o in out if o is not None]


def _flank(at: Anchor, xz: np.ndarray) -> np.ndarray:
    """(x, z) points on a flank -> face coordinates of the flank anchor `at`."""
    return at.to_face(np.c_[xz[:, 0], np.full(len(xz), at.location.y), xz[:, 1]])


def _roles(parts: dict, lens_role: str, dark_role: str) -> dict[str, list[np.ndarray]]:
    """Rename the outline roles to the palette's: the lamp lens, its dark surround."""
    renamed = {"lens": lens_role, "dark": dark_role, "signature": "signature"}
    return {renamed[r]: polys for r, polys in parts.items()}


def glow_material(
    name: str, color: tuple[float, float, float], strength: float
) -> bpy.types.Material:
    """Emission fading to transparency away from the centre: a lamp's glow on a plane."""
    mat = bpy.data.materials.new(name)
    nt = mat.node_tree
    nt.nodes.clear()
    coord = nt.nodes.new("ShaderNodeTexCoord")
    grad = nt.nodes.new("ShaderNodeTexGradient")
    grad.gradient_type = "SPHERICAL"
    power = nt.nodes.new("ShaderNodeMath")
    power.operation = "POWER"
    power.inputs[1].default_value = 4.0
    emit = nt.nodes.new("ShaderNodeEmission")
    emit.inputs["Color"].default_value = (*color, 1.0)
    emit.inputs["Strength"].default_value = strength
    clear = nt.nodes.new("ShaderNodeBsdfTransparent")
    mix = nt.nodes.new("ShaderNodeMixShader")
    out = nt.nodes.new("ShaderNodeOutputMaterial")
    nt.links.new(coord.outputs["Object"], grad.inputs["Vector"])
    nt.links.new(grad.outputs["Fac"], power.inputs[0])
    nt.links.new(power.outputs["Value"], mix.inputs["Fac"])
    nt.links.new(clear.outputs["BSDF"], mix.inputs[1])
    nt.links.new(emit.outputs["Emission"], mix.inputs[2])
    nt.links.new(mix.outputs["Shader"], out.inputs["Surface"])
    return mat


def lamp_glows(
    lamps: list[bpy.types.Object], radius_m: float, material: bpy.types.Material
) -> list[bpy.types.Object]:
    """A camera-only glow disc in front of each lamp (not part of the vehicle: callers keep
    it out of the annotation pass)."""
    out = []
    for lamp in lamps:
        mesh = bpy.data.meshes.new(f"{lamp.name}_glow")
        bm = bmesh.new()
        bmesh.ops.create_circle(bm, cap_ends=True, segments=24, radius=1.0,
                                matrix=Matrix.Rotation(math.pi / 2, 4, "Y"))  # fmt: skip
        bm.to_mesh(mesh)
        bm.free()
        mesh.materials.append(material)
        obj = bpy.data.objects.new(mesh.name, mesh)
        obj.parent = lamp.parent
        obj.matrix_basis = lamp.matrix_basis @ Matrix.Translation((0.04, 0, 0))
        obj.scale = (radius_m, radius_m, radius_m)
        for ray in ("shadow", "diffuse", "glossy", "transmission", "volume_scatter"):
            setattr(obj, f"visible_{ray}", False)
        bpy.context.scene.collection.objects.link(obj)
        out.append(obj)
    return out
