"""Materials: sRGB hex to linear colour, one datablock per distinct surface."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.materials import emission, hex_to_linear_rgba, principled  # noqa: E402

pytestmark = pytest.mark.blender


def test_hex_is_converted_to_linear_light() -> None:
    assert hex_to_linear_rgba("#000000") == (0.0, 0.0, 0.0, 1.0)
    assert hex_to_linear_rgba("#ffffff") == (1.0, 1.0, 1.0, 1.0)
    r, g, b, _ = hex_to_linear_rgba("#808080")
    assert r == g == b == pytest.approx(0.2159, abs=1e-4)  # sRGB 128 is 21.6% of the light
    assert hex_to_linear_rgba("#0a0000")[0] == pytest.approx(10 / 255 / 12.92)  # linear toe


def test_identical_surfaces_share_one_material() -> None:
    ctx = fresh()
    a = principled(ctx, "paint", "#aa0000", roughness=0.3, Coat_Weight=1.0)
    assert principled(ctx, "paint", "#aa0000", roughness=0.3, Coat_Weight=1.0) is a
    assert principled(ctx, "paint", "#aa0000", roughness=0.4) is not a
    bsdf = a.node_tree.nodes["Principled BSDF"]
    assert bsdf.inputs["Coat Weight"].default_value == 1.0
    assert tuple(bsdf.inputs["Base Color"].default_value) == pytest.approx(
        hex_to_linear_rgba("#aa0000")
    )
    lamp = emission(ctx, "globe", "#ffd9a0", 12.0)
    assert emission(ctx, "globe", "#ffd9a0", 12.0) is lamp
    assert lamp.node_tree.nodes["Principled BSDF"].inputs["Emission Strength"].default_value == 12
    assert len(bpy.data.materials) == 3
