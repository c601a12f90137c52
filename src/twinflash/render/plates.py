"""Licence plates as Blender objects: a thin plate whose front face carries the SIV artwork.

The artwork is drawn in memory (plate_texture) and packed into the .blend, never written
to disk. Corners are returned in the order the annotations expect: TL, TR, BR, BL as seen
by someone facing the plate.
"""

from __future__ import annotations

import bmesh
import bpy
import numpy as np

from twinflash.render.context import BuildContext
from twinflash.render.plate_texture import PLATE_H_MM, PLATE_W_MM, plate_image

PLATE_W_M, PLATE_H_M = PLATE_W_MM / 1000, PLATE_H_MM / 1000
PLATE_THICKNESS_M = 0.006


def plate_material(ctx: BuildContext, text: str, departement: str) -> bpy.types.Material:
    """Image-textured satin white material for one registration (front and rear share it)."""
    key = f"plate|{text}|{departement}"
    if key in ctx.materials:
        return ctx.materials[key]
    art = plate_image(text, departement)
    w, h = art.size
    image = bpy.data.images.new(f"plate_{text}", w, h, alpha=False)
    rgba = (
        np.asarray(art.convert("RGBA"), dtype=np.float32)[::-1] / 255.0
    )  # Blender rows run bottom-up
    image.pixels.foreach_set(rgba.ravel())
    image.pack()
    mat = bpy.data.materials.new(f"plate_{text}")
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes.get("Principled BSDF")
    tex = nodes.new("ShaderNodeTexImage")
    tex.image = image
    tex.interpolation = "Cubic"
    links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.35
    ctx.materials[key] = mat
    return mat


def plate_corners_local(center: tuple[float, float, float], facing: str) -> np.ndarray:
    """(4,3) printed-face corners TL, TR, BR, BL in the vehicle frame; facing 'front'/'rear'.

    Someone facing the front plate has the vehicle's left (+y) on their right.
    """
    x, y, z = center
    right = 1.0 if facing == "front" else -1.0  # +y is the viewer's right at the front
    hw, hh = PLATE_W_M / 2, PLATE_H_M / 2
    return np.array(
        [
            (x, y - right * hw, z + hh),
            (x, y + right * hw, z + hh),
            (x, y + right * hw, z - hh),
            (x, y - right * hw, z - hh),
        ]
    )


def plate_object(
    name: str,
    corners_local: np.ndarray,
    facing: str,
    face_mat: bpy.types.Material,
    edge_mat: bpy.types.Material,
    parent: bpy.types.Object,
) -> bpy.types.Object:
    """A 6 mm plate behind the printed face given by its corners (vehicle frame)."""
    inward = np.array((-PLATE_THICKNESS_M if facing == "front" else PLATE_THICKNESS_M, 0, 0))
    verts = np.vstack([corners_local, corners_local + inward])
    faces = [(0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)]
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts.tolist(), [], faces)
    mesh.materials.append(face_mat)
    mesh.materials.append(edge_mat)
    mesh.polygons.foreach_set("material_index", [0, 1, 1, 1, 1, 1])
    uv = mesh.uv_layers.new(name="UVMap")
    corner_uv = {0: (0, 1), 1: (1, 1), 2: (1, 0), 3: (0, 0)}
    for poly in mesh.polygons:
        for li in poly.loop_indices:
            uv.data[li].uv = (
                corner_uv.get(mesh.loops[li].vertex_index, (0, 0))
                if poly.index == 0
                else (0.01, 0.5)
            )
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    obj.parent = parent
    bpy.context.scene.collection.objects.link(obj)
    return obj
