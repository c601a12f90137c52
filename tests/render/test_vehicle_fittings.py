"""Identity parts on the shell: each part exists, lies a few millimetres out of the smoothed
body, differs between models as the catalog says; lit lamps get glow discs that are no
part of the vehicle."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render import vehicles  # noqa: E402
from twinflash.scene.models import Vehicle  # noqa: E402

pytestmark = pytest.mark.blender

# part -> how far (m) its face stands out of the shell
PROUD_M = {"headlight+1": 0.008, "taillight-1": 0.008, "grille": 0.006, "badge_front": 0.01,
           "badge_rear": 0.008, "doors+1": 0.002, "tailgate": 0.002, "wipers": 0.006}  # fmt: skip


def _build(model: str, night: bool = False) -> tuple[dict[str, bpy.types.Object], object]:
    ctx = fresh({"light": {"local_time": "23:30:00" if night else "14:00:00"}})
    built = vehicles.build_vehicle(ctx, Vehicle(model=model, x_m=0.0, y_m=0.0), 0)
    bpy.context.view_layer.update()
    parts = {o.name.removeprefix("vehicle_0_"): o for o in built[0].objects}
    return parts, ctx


def _face_points(obj: bpy.types.Object) -> np.ndarray:
    """Vertices of the part as rendered (wrapped), in the vehicle frame."""
    dg = bpy.context.evaluated_depsgraph_get()
    ev = obj.evaluated_get(dg)
    mesh = ev.to_mesh()
    m = ev.matrix_basis
    pts = np.array([tuple(m @ v.co) for v in mesh.vertices])
    ev.to_mesh_clear()
    return pts


def _signed_distance(body: bpy.types.Object, pts: np.ndarray) -> np.ndarray:
    from mathutils import Vector

    dg = bpy.context.evaluated_depsgraph_get()
    out = []
    for p in pts:
        _, q, normal, _ = body.closest_point_on_mesh(Vector(p), depsgraph=dg)
        out.append((Vector(p) - q).dot(normal))
    return np.array(out)


@pytest.mark.parametrize("model", ["renault_clio_5", "renault_master_3"])
def test_parts_sit_on_the_shell(model: str) -> None:
    parts, _ = _build(model)
    for name, proud in PROUD_M.items():
        d = _signed_distance(parts["body"], _face_points(parts[name]))
        # out of the shell (never sunk), at most a few mm further than meant (never floating);
        # on the lamps' wrapped corners the projection lands nearer than the nominal offset
        assert d.min() > 0.0 and d.max() < proud + 0.003, f"{name}: {d.min():.4f}..{d.max():.4f}"


def test_two_models_differ_in_their_parts() -> None:
    clio, _ = _build("renault_clio_5")
    clio_pts = {n: _face_points(clio[n]) for n in ("badge_front", "grille", "headlight+1")}
    clio_names = set(clio)
    p208, _ = _build("peugeot_208_2")
    for name, pts in clio_pts.items():
        other = _face_points(p208[name])
        same = len(pts) == len(other) and np.allclose(pts, other, atol=0.005)
        assert not same, f"{name} is the same on a Clio and a 208"
    assert "grille_slats" in clio_names and "grille_slats" not in p208  # 208: no slats
    tesla, _ = _build("tesla_model_3")
    assert "grille" not in tesla and "badge_front" in tesla  # an EV: no grille


def test_lamps_carry_the_signature_in_its_own_material() -> None:
    parts, _ = _build("peugeot_208_2")
    lamp = parts["headlight+1"]
    # by day a running car's signature is its lit daytime running light, the lamp unlit
    names = [m.name.split(".")[0] for m in lamp.data.materials]
    assert names == ["headlight", "daytime_running_light"]
    used = {p.material_index for p in lamp.data.polygons}
    assert used == {0, 1}


def test_spokes_as_the_catalog_says() -> None:
    def rim_faces(model: str) -> int:
        parts, _ = _build(model)
        mesh = parts["wheel_f+1"].data
        return sum(p.material_index == 1 for p in mesh.polygons)

    # a 10-spoke Clio has 10 more boxes (6 faces each) than a hubcapped Master, whose hubcap
    # disc (24 sides + 2 caps) is the Clio's dark wheel well
    assert rim_faces("renault_clio_5") - rim_faces("renault_master_3") == 10 * 6 - 26


def test_lit_lamps_glow_outside_the_vehicle() -> None:
    parts, ctx = _build("renault_clio_5", night=True)
    glows = [o for o in ctx.media_objects if o.name.endswith("_glow")]
    assert len(glows) == 4  # two head lamps, two tail lamps
    assert not set(glows) & set(parts.values())  # not in the vehicle's instance
    for glow in glows:
        assert glow.visible_camera and not glow.visible_shadow and not glow.visible_diffuse
    _, day_ctx = _build("renault_clio_5")
    assert not day_ctx.media_objects
