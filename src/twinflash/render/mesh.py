"""Small mesh helpers shared by builders."""

from __future__ import annotations

import bpy


def box(
    name: str,
    size_xyz: tuple[float, float, float],
    location: tuple[float, float, float],
    material: bpy.types.Material | None = None,
    rotation_z: float = 0.0,
) -> bpy.types.Object:
    """An axis-aligned box (centre at location) linked to the scene collection."""
    sx, sy, sz = (s / 2 for s in size_xyz)
    verts = [(x * sx, y * sy, z * sz) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)]
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts, [], faces)
    mesh.update()
    obj = bpy.data.objects.new(name, mesh)
    obj.location = location
    obj.rotation_euler = (0.0, 0.0, rotation_z)
    if material is not None:
        mesh.materials.append(material)
    bpy.context.scene.collection.objects.link(obj)
    return obj
