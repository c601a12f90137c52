"""Sun and sky from the computed sun position. (First version.)"""

from __future__ import annotations

import math

import bpy

from twinflash.render.context import BuildContext


def setup_lighting(ctx: BuildContext) -> None:
    scene = bpy.context.scene
    world = bpy.data.worlds.new("world")
    scene.world = world
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.5, 0.6, 0.8, 1)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 1.0
    sun = bpy.data.lights.new("sun", "SUN")
    sun.energy = 3.0
    obj = bpy.data.objects.new("sun", sun)
    scene.collection.objects.link(obj)
    d = ctx.sun.direction_world
    obj.rotation_euler = (math.acos(max(-1, min(1, d[2]))), 0, math.atan2(d[1], d[0]) + math.pi / 2)
