"""Accumulate boxes and polygons into one mesh with several materials.

The place is made of thousands of small parts (window frames, cornices, railings);
one object per building keeps the Blender scene small and the build fast, while
repeated props (lamps, trees, bollards) are linked duplicates of one mesh.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bpy

from twinflash.render.context import BuildContext

Vec3 = tuple[float, float, float]


class MeshKit:
    """Polygons in a local frame (u along a façade, v out of it, z up), mapped to world.

    `origin` and `heading_rad` place the local frame: world = origin + R(heading) @ (u, v),
    so a façade built facing +v can stand on any side of the street. Objects keep an
    identity transform, hence Object texture coordinates are world coordinates.
    """

    def __init__(self, origin: tuple[float, float] = (0.0, 0.0), heading_rad: float = 0.0) -> None:
        self.verts: list[Vec3] = []
        self.faces: list[tuple[int, ...]] = []
        self.mat_index: list[int] = []
        self.materials: list[bpy.types.Material] = []
        self._ox, self._oy = origin
        self._c, self._s = math.cos(heading_rad), math.sin(heading_rad)

    def _slot(self, material: bpy.types.Material) -> int:
        for i, m in enumerate(self.materials):
            if m == material:
                return i
        self.materials.append(material)
        return len(self.materials) - 1

    def world(self, p: Vec3) -> Vec3:
        u, v, z = p
        return (self._ox + self._c * u - self._s * v, self._oy + self._s * u + self._c * v, z)

    def poly(self, points: Sequence[Vec3], material: bpy.types.Material) -> None:
        """One polygon, points in local coordinates, counter-clockwise seen from outside."""
        start = len(self.verts)
        self.verts.extend(self.world(p) for p in points)
        self.faces.append(tuple(range(start, start + len(points))))
        self.mat_index.append(self._slot(material))

    def box(self, lo: Vec3, hi: Vec3, material: bpy.types.Material, skip: str = "") -> None:
        """Axis-aligned (in the local frame) box; `skip` names faces to omit ('b' = bottom,
        't' top, 'f' front +v, 'k' back -v, 'l' -u side, 'r' +u side)."""
        (u0, v0, z0), (u1, v1, z1) = lo, hi
        quads = {
            "b": [(u0, v0, z0), (u0, v1, z0), (u1, v1, z0), (u1, v0, z0)],
            "t": [(u0, v0, z1), (u1, v0, z1), (u1, v1, z1), (u0, v1, z1)],
            "f": [(u0, v1, z0), (u0, v1, z1), (u1, v1, z1), (u1, v1, z0)],
            "k": [(u0, v0, z0), (u1, v0, z0), (u1, v0, z1), (u0, v0, z1)],
            "l": [(u0, v0, z0), (u0, v0, z1), (u0, v1, z1), (u0, v1, z0)],
            "r": [(u1, v0, z0), (u1, v1, z0), (u1, v1, z1), (u1, v0, z1)],
        }
        for key, quad in quads.items():
            if key not in skip:
                self.poly(quad, material)

    def cylinder(
        self,
        center: Vec3,
        radius_bottom: float,
        radius_top: float,
        height: float,
        material: bpy.types.Material,
        sides: int = 8,
        cap: bool = True,
    ) -> None:
        """Vertical (tapered) cylinder standing on `center`."""
        cu, cv, cz = center
        ring = [
            (math.cos(2 * math.pi * i / sides), math.sin(2 * math.pi * i / sides))
            for i in range(sides)
        ]
        for i in range(sides):
            (a, b), (c, d) = ring[i], ring[(i + 1) % sides]
            self.poly(
                [
                    (cu + radius_bottom * a, cv + radius_bottom * b, cz),
                    (cu + radius_bottom * c, cv + radius_bottom * d, cz),
                    (cu + radius_top * c, cv + radius_top * d, cz + height),
                    (cu + radius_top * a, cv + radius_top * b, cz + height),
                ],
                material,
            )
        if cap:
            self.poly(
                [(cu + radius_top * a, cv + radius_top * b, cz + height) for a, b in ring], material
            )

    def to_object(
        self, name: str, collection: bpy.types.Collection | None = None
    ) -> bpy.types.Object:
        """Create the mesh object (identity transform) and link it."""
        mesh = bpy.data.meshes.new(name)
        mesh.from_pydata(self.verts, [], self.faces)
        for m in self.materials:
            mesh.materials.append(m)
        mesh.polygons.foreach_set("material_index", self.mat_index)
        mesh.update()
        obj = bpy.data.objects.new(name, mesh)
        (collection or bpy.context.scene.collection).objects.link(obj)
        return obj


def lights_on(ctx: BuildContext) -> bool:
    """Street lamps, shops and flats light up from sunset (twilight), not only at night."""
    return ctx.is_night or ctx.sun.is_twilight


def instance(
    source: bpy.types.Object, name: str, location: Vec3, rotation_z: float = 0.0, scale: float = 1.0
) -> bpy.types.Object:
    """A linked duplicate of `source` (shares its mesh) at a new place."""
    obj = bpy.data.objects.new(name, source.data)
    obj.location = location
    obj.rotation_euler = (0.0, 0.0, rotation_z)
    obj.scale = (scale, scale, scale)
    bpy.context.scene.collection.objects.link(obj)
    return obj
