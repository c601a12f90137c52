"""People: articulated procedural bodies built from skinned vertex chains.

Each material role (skin, top, bottom, shoes, hair, and outer, hat, scarf, bag when worn)
becomes one mesh object whose chains get volume from a Skin modifier and a level-1
Subdivision Surface; the head, hair caps, hats (and eyes) are low-poly ellipsoids, a
suitcase or a pushchair's seat a box. A person in the default outfit is 8 objects, ~3,000
triangles once subdivided, so 40+ people per scene stay cheap. Geometry comes from
`people_body` and `people_wear` (numpy only).
"""

from __future__ import annotations

import math

import bpy
import numpy as np
from mathutils import Matrix

from twinflash.render.context import BuildContext, Built
from twinflash.render.materials import principled
from twinflash.render.mesh import box
from twinflash.render.people_body import MST_HEX, build_body, keep_face, lying_matrix
from twinflash.render.people_parts import BodyGeometry, Box, Chain, Ellipsoid, Parts
from twinflash.render.people_seats import CURB_AHEAD_M, SeatSpec, seat_spec
from twinflash.render.seats import build_seat
from twinflash.scene.layout import CURB_HEIGHT_M, ground_height_m
from twinflash.scene.models import Person

DANGLE_M = 0.05  # soles this far above their rest are left dangling (a child on a bench)
_SEAT_COLOR = "#8a8580"  # a plain stone block, bench height
_EYE_COLOR = "#1c1612"
_FRAME_COLOR = "#202124"  # pushchair tubes and wheels
_SHELL_SEGMENTS = {"skin": (16, 10), "hair": (16, 10), "eye": (8, 6), "hat": (16, 10)}
# (around, rings); pieces on the ground use coarser shells
# Faces of a box whose 8 corners run x-major, then y, then z (low, high).
_BOX_FACES = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]


def skin_hex(tone: int) -> str:
    """Monk Skin Tone swatch for tone 1..10."""
    return MST_HEX[tone - 1]


def _materials(ctx: BuildContext, person: Person) -> dict[str, bpy.types.Material]:
    return {
        "skin": principled(ctx, "skin", skin_hex(person.skin_tone), roughness=0.5),
        "top": principled(ctx, "cloth_top", person.top_color, roughness=0.85),
        "bottom": principled(ctx, "cloth_bottom", person.bottom_color, roughness=0.85),
        "shoe": principled(ctx, "shoe", person.shoe_color, roughness=0.45),
        "hair": principled(ctx, "hair", person.hair_color, roughness=0.55),
        "eye": principled(ctx, "eye", _EYE_COLOR, roughness=0.25),
        "outer": principled(ctx, "cloth_outer", person.outerwear_color, roughness=0.8),
        "hat": principled(ctx, "hat", person.headwear_color, roughness=0.8),
        "scarf": principled(ctx, "scarf", person.scarf_color, roughness=0.9),
        "bag": principled(ctx, "bag", person.bag_color, roughness=0.6),
        "pushchair": principled(ctx, "pushchair_frame", _FRAME_COLOR, roughness=0.4),
        "pushchair_fabric": principled(
            ctx, "pushchair_fabric", person.pushchair_color, roughness=0.85
        ),
    }


def _link(name: str, mesh: bpy.types.Mesh, material: bpy.types.Material) -> bpy.types.Object:
    mesh.materials.append(material)
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _chains_object(
    name: str, chains: list[Chain], material: bpy.types.Material
) -> bpy.types.Object:
    """All chains of one material in one mesh: Skin modifier (one root per chain) + subsurf."""
    verts = np.concatenate([c.points for c in chains])
    radii = np.concatenate([c.radii for c in chains])
    edges: list[tuple[int, int]] = []
    roots: list[int] = []
    start = 0
    for c in chains:
        n = len(c.points)
        edges.extend((start + i, start + i + 1) for i in range(n - 1))
        roots.append(start)
        start += n
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts.tolist(), edges, [])
    obj = _link(name, mesh, material)
    skin = obj.modifiers.new("skin", "SKIN")
    skin.use_smooth_shade = True
    data = mesh.skin_vertices[0].data
    data.foreach_set("radius", radii.astype(np.float32).ravel())
    root_flags = np.zeros(len(verts), dtype=bool)
    root_flags[roots] = True
    data.foreach_set("use_root", root_flags)
    sub = obj.modifiers.new("subsurf", "SUBSURF")
    sub.levels = sub.render_levels = 1
    return obj


def _ellipsoids_object(
    name: str,
    shells: list[Ellipsoid],
    material: bpy.types.Material,
    segments: int = 16,
    rings: int = 10,
) -> bpy.types.Object:
    """Low-poly UV ellipsoids (smooth shaded), optionally trimmed to a hair cap."""
    verts: list[tuple[float, float, float]] = []
    faces: list[tuple[int, ...]] = []
    for s in shells:
        base = len(verts)
        unit = [(0.0, 0.0, 1.0)]
        for i in range(1, rings):
            th = math.pi * i / rings
            unit += [
                (
                    math.sin(th) * math.cos(2 * math.pi * j / segments),
                    math.sin(th) * math.sin(2 * math.pi * j / segments),
                    math.cos(th),
                )
                for j in range(segments)
            ]
        unit.append((0.0, 0.0, -1.0))
        for u in unit:
            x, y, z = (float(v) for v in s.center + s.radii * np.array(u))
            verts.append((x, y, z))
        last = len(unit) - 1

        def ring(i: int, j: int, base: int = base) -> int:
            return base + 1 + (i - 1) * segments + j % segments

        cand: list[tuple[int, ...]] = []
        for j in range(segments):
            cand.append((base, ring(1, j), ring(1, j + 1)))
            cand.append((base + last, ring(rings - 1, j + 1), ring(rings - 1, j)))
            for i in range(1, rings - 1):
                cand.append((ring(i, j), ring(i + 1, j), ring(i + 1, j + 1), ring(i, j + 1)))
        for f in cand:
            centre = np.mean([unit[k - base] for k in f], axis=0)
            if keep_face(s.cut, centre[0], centre[2]):
                faces.append(f)
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts, [], faces)
    mesh.shade_smooth()
    return _link(name, mesh, material)


def _seat_object(
    name: str, seat: tuple[float, float, float], bottom_z: float, ctx: BuildContext
) -> bpy.types.Object:
    """A plain stone block under a sitting person (not part of the person's annotation)."""
    x, top, half = seat
    verts = [
        (x + sx * half, sy * half, z) for sx in (-1, 1) for sy in (-1, 1) for z in (bottom_z, top)
    ]
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts, [], _BOX_FACES)
    return _link(name, mesh, principled(ctx, "seat_stone", _SEAT_COLOR, roughness=0.9))


def _local_vertices(objects: list[bpy.types.Object]) -> np.ndarray:
    """Evaluated (modifiers applied) vertices in each object's local frame."""
    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    out = []
    for obj in objects:
        ev = obj.evaluated_get(depsgraph)
        mesh = ev.to_mesh()
        co = np.empty(len(mesh.vertices) * 3)
        mesh.vertices.foreach_get("co", co)
        out.append(co.reshape(-1, 3))
        ev.to_mesh_clear()
    return np.concatenate(out)


def _seat(ctx: BuildContext, person: Person) -> SeatSpec | None:
    """What a sitting person sits on (None: the builder's block, or not sitting). A curb
    is the sidewalk's own edge when the ground ahead of the hips is a curb lower."""
    if person.pose != "sitting":
        return None
    at_curb = False
    if person.seat == "curb":
        a = math.radians(person.heading_deg)
        ahead = CURB_AHEAD_M + 0.3  # where the feet rest, past the curb's face
        feet = (person.x_m + ahead * math.cos(a), person.y_m + ahead * math.sin(a))
        here = ground_height_m(ctx.scene.place, person.x_m, person.y_m)
        drop = here - ground_height_m(ctx.scene.place, *feet)
        at_curb = drop > 0.5 * CURB_HEIGHT_M
    return seat_spec(person.seat, at_curb)


def body_matrix(person: Person) -> np.ndarray:
    """3x3 rotation from the body frame to the world (heading, and laid down and rolled onto
    the back, a side or the front if lying)."""
    a = math.radians(person.heading_deg)
    rz = np.array([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0, 0, 1.0]])
    return rz @ lying_matrix(person.lying_pose) if person.pose == "lying" else rz


def _boxes_object(name: str, boxes: list[Box], material: bpy.types.Material) -> bpy.types.Object:
    verts = [
        (float(x), float(y), float(z))
        for b in boxes
        for x in (b.lo[0], b.hi[0])
        for y in (b.lo[1], b.hi[1])
        for z in (b.lo[2], b.hi[2])
    ]
    faces = [tuple(8 * n + k for k in f) for n in range(len(boxes)) for f in _BOX_FACES]
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts, [], faces)
    return _link(name, mesh, material)


def _parts_objects(
    prefix: str, parts: Parts, mats: dict[str, bpy.types.Material]
) -> list[bpy.types.Object]:
    """One object per material role and kind of primitive (chains, shells, boxes)."""
    objects: list[bpy.types.Object] = []
    roles = dict.fromkeys([c.role for c in parts.chains] + [s.role for s in parts.shells])
    roles.update(dict.fromkeys(b.role for b in parts.boxes))
    for role in roles:
        chains = [c for c in parts.chains if c.role == role]
        if chains:
            objects.append(_chains_object(f"{prefix}_{role}", chains, mats[role]))
        shells = [s for s in parts.shells if s.role == role]
        if shells:
            segments, rings = _SHELL_SEGMENTS.get(role, (12, 8))
            objects.append(
                _ellipsoids_object(f"{prefix}_{role}_shell", shells, mats[role], segments, rings)
            )
        boxes = [b for b in parts.boxes if b.role == role]
        if boxes:
            objects.append(_boxes_object(f"{prefix}_{role}_box", boxes, mats[role]))
    return objects


def _lifted(parts: Parts, dz: float) -> Parts:
    """Parts built on z = 0, moved onto the ground the soles touch (body frame)."""
    up = np.array([0.0, 0.0, dz])
    return Parts(
        chains=[Chain(c.role, c.points + up, c.radii) for c in parts.chains],
        shells=[Ellipsoid(s.role, s.center + up, s.radii, s.cut) for s in parts.shells],
        boxes=[Box(b.role, b.lo + up, b.hi + up) for b in parts.boxes],
    )


def build_person(ctx: BuildContext, person: Person, index: int) -> Built:
    """Build one person; soles (or the lowest point when lying) touch z = 0.

    The annotated objects are the body, its garments and what it carries (a suitcase
    too); a seat (`seats`, or the plain block) and a pushchair are built beside it but are
    not the person. They are parented to the person so that the engine's lift onto the
    ground moves them too. A real seat stands on the ground and the body is placed on it:
    soles on the seat's foot rest (a step, the gutter), or dangling if they cannot reach.
    """
    rng = ctx.rng(f"person{index}")
    jitter = np.array([rng.uniform(-1.0, 1.0) for _ in range(8)])
    long_sleeves = rng.random() < 0.6  # drawn even when `sleeves` is set: same later draws
    spec = _seat(ctx, person)
    body: BodyGeometry = build_body(person, jitter, long_sleeves=long_sleeves, seat=spec)
    mats = _materials(ctx, person)
    own = Parts(chains=body.chains, shells=body.shells)
    objects = _parts_objects(f"person_{index}", own, mats)
    rot = body_matrix(person)
    # Ground contact from the evaluated surface, not the radii: subdivision moves the hull.
    lowest = float((_local_vertices(objects) @ rot.T)[:, 2].min())
    objects += _parts_objects(f"person_{index}_carried", _lifted(body.carried, lowest), mats)
    others = _parts_objects(f"person_{index}_pushed", _lifted(body.pushed, lowest), mats)
    if body.seat is not None:
        lowest = min(lowest, 0.0)  # the seat carries the body: a child's feet may dangle
        others.append(_seat_object(f"person_{index}_seat", body.seat, lowest, ctx))
    z = -lowest
    if spec is not None:  # a real seat stands on the ground; the soles go on its foot rest
        z = spec.foot_z - lowest  # a few mm: the analytic sole against the evaluated one
        if z < -DANGLE_M:  # feet that cannot reach their rest dangle: the hips stay put
            z = 0.0
        seat = build_seat(ctx, spec, f"person_{index}_seat")
        _place(seat, rot, np.array([person.x_m, person.y_m, 0.0]))
    offset = np.array([person.x_m, person.y_m, z])
    for obj in objects + others:
        _place(obj, rot, offset)
    if spec is not None:
        others.append(seat)
    for obj in others:
        obj.parent = objects[0]
        obj.matrix_parent_inverse = objects[0].matrix_world.inverted()
    head = rot @ body.head_center + offset
    return Built(kind="person", scene_index=index, objects=objects, head_center_world=head)


def _place(obj: bpy.types.Object, rot: np.ndarray, offset: np.ndarray) -> None:
    m = np.eye(4)
    m[:3, :3] = rot
    m[:3, 3] = offset
    obj.matrix_world = Matrix(m.tolist())  # rows in, rows out


def build_pillar(ctx: BuildContext, person: Person, index: int) -> Built:
    """Negative control for realism checks: a box of the person's height and shoulder width,
    in their top colour, where the person would stand (a detector must not call it a person).
    """
    obj = box(
        f"pillar_{index}",
        (0.3, 0.45, person.height_m),
        (person.x_m, person.y_m, person.height_m / 2),
        principled(ctx, "pillar", person.top_color),
        math.radians(person.heading_deg),
    )
    head = np.array([person.x_m, person.y_m, person.height_m - 0.1])
    return Built(kind="person", scene_index=index, objects=[obj], head_center_world=head)
