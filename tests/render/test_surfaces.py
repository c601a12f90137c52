"""Procedural surfaces: cached per build, wet and snowy only when the weather says so."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.surfaces import ground, snowy, stone  # noqa: E402

pytestmark = pytest.mark.blender


def _kinds(mat) -> set[str]:  # type: ignore[no-untyped-def]
    return {n.type for n in mat.node_tree.nodes}


def _roughness_is_wired(mat) -> bool:  # type: ignore[no-untyped-def]
    return mat.node_tree.nodes["Principled BSDF"].inputs["Roughness"].is_linked


def test_a_dry_ground_has_a_constant_roughness_and_is_cached() -> None:
    ctx = fresh({"weather": {"kind": "clear"}})
    asphalt = ground(ctx, "asphalt", "#2f2f31", "#3d3c3c", 0.88)
    assert ground(ctx, "asphalt", "#2f2f31", "#3d3c3c", 0.88) is asphalt
    bsdf = asphalt.node_tree.nodes["Principled BSDF"]
    assert not _roughness_is_wired(asphalt) and bsdf.inputs["Roughness"].default_value == (
        pytest.approx(0.88)
    )
    assert bsdf.inputs["Base Color"].is_linked and "TEX_NOISE" in _kinds(asphalt)


def test_wet_ground_gets_puddles_and_snow_settles_on_upward_faces() -> None:
    wet = ground(
        fresh({"weather": {"kind": "rain", "wetness": 0.8}}), "a", "#2f2f31", "#3d3c3c", 0.9
    )
    assert _roughness_is_wired(wet)  # puddles are glossier than the dry patches
    ctx = fresh({"weather": {"kind": "snow", "snow_cover": 0.7}})
    roof = snowy(ctx, "zinc", "#7a8289", 0.4)
    assert "NEW_GEOMETRY" in _kinds(roof)  # the face normal decides where snow lies
    wall = stone(ctx, "limestone", "#dccfb3", "#c9b999", 0.5, 1.2)
    assert "TEX_BRICK" in _kinds(wall)
    dry = fresh({"weather": {"kind": "clear"}})
    assert "NEW_GEOMETRY" not in _kinds(snowy(dry, "zinc", "#7a8289", 0.4))


def test_a_wet_ground_wears_a_water_coat_and_a_dry_one_none() -> None:
    def coat(weather: dict) -> bpy.types.NodeSocket:  # type: ignore[name-defined]
        mat = ground(fresh({"weather": weather}), "a", "#2f2f31", "#3d3c3c", 0.9)
        return mat.node_tree.nodes["Principled BSDF"].inputs["Coat Weight"]

    wet = coat({"kind": "rain", "wetness": 0.8})
    assert wet.is_linked  # puddles full water, the film between them thinner
    dry = coat({"kind": "clear"})
    assert not dry.is_linked and dry.default_value == 0.0


def test_snow_lying_on_wet_ground_takes_the_water_coat_off() -> None:
    mat = ground(
        fresh({"weather": {"kind": "snow", "wetness": 0.6, "snow_cover": 0.7}}),
        "a",
        "#2f2f31",
        "#3d3c3c",
        0.9,
    )
    weight = mat.node_tree.nodes["Principled BSDF"].inputs["Coat Weight"]
    scaled = weight.links[0].from_node  # mix(snow mask, the wet coat, 0)
    assert scaled.type == "MIX" and scaled.inputs["B"].default_value == 0.0
    assert scaled.inputs["Factor"].links[0].from_node.operation == "MULTIPLY"  # the snow mask
    assert scaled.inputs["A"].links[0].from_node.type == "MIX"  # the puddle/film coat
