"""Vehicles as rendered: plates where the annotations say, true dimensions, distinct models,
plates readable by an OCR in a speed-camera close-up, headlights that follow the night.

The street is swapped for nothing so that every pixel tested is the vehicle builder's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw

pytest.importorskip("bpy")

import bpy

from twinflash.flash.plates import canonical_siv
from twinflash.frame import Frame, ObjectGeometry
from twinflash.render import engine, vehicles
from twinflash.render.context import BuildContext
from twinflash.render.daylight import luminance
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Vehicle
from twinflash.scene.sun import sun_state

pytestmark = pytest.mark.blender

PLATE = "FG-482-HK"
BROADSIDE_MODELS = (
    "renault_clio_5",
    "peugeot_3008_2",
    "renault_kangoo_3",
    "renault_master_3",
    "tesla_model_3",
)
BROADSIDE_DISTANCE_M = 60.0


@pytest.fixture(scope="module")
def no_street() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.street, "build_place", lambda ctx: None)
        yield


def _render(
    vehicle: dict, camera: dict, samples: int = 1, denoise: bool = False, place: dict | None = None
) -> Frame:
    scene = parse_scene(
        {
            "place": place or {},
            "vehicles": [vehicle],
            "camera": camera,
            "quality": {"preset": "custom", "samples": samples, "denoise": denoise},
        }
    )
    return engine.render_scene(scene)


def _polygon_mask(shape_hw: tuple[int, int], polygons: list[np.ndarray]) -> np.ndarray:
    """Pixels whose centres fall inside any polygon (pixel (0,0) spans [0,1]x[0,1])."""
    img = Image.new("L", (shape_hw[1], shape_hw[0]), 0)
    draw = ImageDraw.Draw(img)
    for poly in polygons:
        draw.polygon([(float(x) - 0.5, float(y) - 0.5) for x, y in poly], fill=1)
    return np.asarray(img, dtype=bool)


def _amodal_mask(frame: Frame, obj: ObjectGeometry) -> np.ndarray:
    uv, _ = frame.camera.project(obj.vertices_world)
    return _polygon_mask(frame.instance_ids.shape, [uv[t] for t in obj.triangles])


@pytest.fixture(scope="module")
def speed_frame(no_street: None) -> Frame:
    vehicle = {
        "model": "renault_clio_5",
        "x_m": 0.0,
        "y_m": -2.0,
        "color": "#a01818",
        "plate_text": PLATE,
    }
    camera = {"preset": "speed_camera", "resolution_wh": [1280, 720], "target_vehicle": 0}
    return _render(vehicle, camera, samples=8, denoise=True)


def test_plates_lie_on_the_vehicle_and_their_masks_match_the_corners(speed_frame: Frame) -> None:
    body = next(o for o in speed_frame.objects if o.kind == "vehicle")
    plates = [o for o in speed_frame.objects if o.kind == "license_plate"]
    assert [p.plate_text for p in plates] == [PLATE, PLATE]
    outline = _amodal_mask(speed_frame, body)
    for plate in plates:
        uv, depth = speed_frame.camera.project(plate.plate_corners_world)
        assert (depth > 0).all()
        px = np.floor(uv).astype(int)
        assert outline[px[:, 1], px[:, 0]].all(), "plate corners outside the vehicle outline"
    front = plates[0]
    uv, _ = speed_frame.camera.project(front.plate_corners_world)
    quad = _polygon_mask(speed_frame.instance_ids.shape, [uv])
    mask = speed_frame.instance_ids == front.instance_id
    iou = (quad & mask).sum() / (quad | mask).sum()
    assert quad.sum() > 2000  # a close-up: the plate is large
    assert iou > 0.9, f"front plate mask vs projected corners IoU {iou:.3f}"


def ocr_plate(rgb: np.ndarray, corners_uv: np.ndarray) -> list[str]:
    """Texts the OCR reads in a crop around the projected plate, padded as readers need."""
    from rapidocr import RapidOCR

    (x0, y0), (x1, y1) = corners_uv.min(0), corners_uv.max(0)
    mx, my = 0.25 * (x1 - x0), 0.6 * (y1 - y0)
    h, w = rgb.shape[:2]
    crop = rgb[
        int(max(0, y0 - my)) : int(min(h, y1 + my)), int(max(0, x0 - mx)) : int(min(w, x1 + mx))
    ]
    result = RapidOCR()(np.ascontiguousarray(crop))
    return list(result.txts or ())


def _canonical_or_none(text: str) -> str | None:
    try:
        return canonical_siv(text)
    except ValueError:
        return None


def test_plate_is_readable_in_a_speed_camera_close_up(speed_frame: Frame) -> None:
    front = next(o for o in speed_frame.objects if o.kind == "license_plate")
    uv, _ = speed_frame.camera.project(front.plate_corners_world)
    texts = ocr_plate(speed_frame.rgb, uv)
    print(f"OCR read {texts!r} on plate {PLATE}")
    assert PLATE in [_canonical_or_none(t) for t in texts], texts


@pytest.fixture(scope="module")
def broadside(no_street: None) -> dict[str, Frame]:
    """Each model across the road, seen side-on from far down the street with a long lens."""
    camera = {
        "x_m": -BROADSIDE_DISTANCE_M,
        "y_m": 0.0,
        "height_m": 1.0,
        "yaw_deg": 0.0,
        "pitch_deg": 0.0,
        "focal_length_mm": 200.0,
        "resolution_wh": [640, 240],
    }
    place = {"length_m": 400.0}
    return {
        m: _render(
            {"model": m, "x_m": 0.0, "y_m": 0.0, "heading_deg": 90.0, "color": "#40464c"},
            camera,
            place=place,
        )
        for m in BROADSIDE_MODELS
    }


def _vehicle_mask(frame: Frame) -> np.ndarray:
    body = next(o for o in frame.objects if o.kind == "vehicle")
    ids = [o.instance_id for o in frame.objects]  # body and its plates
    assert body.instance_id in ids
    return np.isin(frame.instance_ids, ids)


@pytest.mark.parametrize("model", BROADSIDE_MODELS)
def test_broadside_mask_matches_catalog_length_and_height(
    broadside: dict[str, Frame], model: str
) -> None:
    frame, spec = broadside[model], get_vehicle_model(model)
    mask = _vehicle_mask(frame)
    rows, cols = np.nonzero(mask)
    width_px, height_px = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    half = spec.length_m / 2
    box = np.array([[0.0, -half, 0.0], [0.0, half, 0.0], [0.0, half, spec.height_m]])
    uv, _ = frame.camera.project(box)
    want_w, want_h = abs(uv[1, 0] - uv[0, 0]), abs(uv[2, 1] - uv[1, 1])
    assert width_px == pytest.approx(want_w, rel=0.03), (width_px, want_w)
    assert height_px == pytest.approx(want_h, rel=0.03), (height_px, want_h)


def _normalised_silhouette(mask: np.ndarray, size_wh: tuple[int, int] = (128, 48)) -> np.ndarray:
    rows, cols = np.nonzero(mask)
    crop = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    return np.asarray(Image.fromarray(crop).resize(size_wh, Image.Resampling.NEAREST), dtype=bool)


def test_models_differ_in_silhouette_not_only_in_size(broadside: dict[str, Frame]) -> None:
    shapes = {m: _normalised_silhouette(_vehicle_mask(f)) for m, f in broadside.items()}
    masks = {m: _vehicle_mask(f) for m, f in broadside.items()}
    for a, b in itertools.combinations(shapes, 2):
        raw = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        assert raw < 0.85, f"{a} and {b} overlap like one model (mask IoU {raw:.3f})"
        iou = (shapes[a] & shapes[b]).sum() / (shapes[a] | shapes[b]).sum()
        assert iou < 0.93, f"{a} and {b} have the same silhouette once scaled (IoU {iou:.3f})"


def _build(light: dict, headlights: str) -> BuildContext:
    engine.reset_blender()
    scene = parse_scene({"light": light})
    ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
    vehicles.build_vehicle(
        ctx, Vehicle(model="renault_clio_5", x_m=0, y_m=0, headlights=headlights), 0
    )
    return ctx


def _emits(mat: bpy.types.Material) -> bool:
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    strength = bsdf.inputs["Emission Strength"].default_value
    return strength > 0 and any(bsdf.inputs["Emission Color"].default_value[:3])


@pytest.mark.parametrize(
    ("local_time", "headlights", "lit", "drl"),
    [
        ("23:30:00", "auto", True, True),
        ("14:00:00", "auto", False, True),
        ("14:00:00", "on", True, True),
        ("14:00:00", "off", False, False),
        ("23:30:00", "off", False, False),
    ],
)
def test_headlights_follow_the_night(
    local_time: str, headlights: str, lit: bool, drl: bool
) -> None:
    """Head and tail lamps light at night (or forced on); by day a running car shows its
    daytime running lights only; a car with its lights off (parked) shows nothing."""
    ctx = _build({"local_time": local_time}, headlights)
    assert ctx.is_night == (local_time == "23:30:00")
    spots = [o for o in bpy.data.objects if o.type == "LIGHT" and o.data.type == "SPOT"]
    assert len(spots) == (2 if lit else 0)
    head = bpy.data.objects["vehicle_0_headlight+1"]
    assert _emits(head.active_material) == lit
    assert _emits(bpy.data.objects["vehicle_0_taillight+1"].active_material) == lit
    (signature,) = [m for m in head.data.materials if m.name.startswith("daytime")]
    assert _emits(signature) == drl
    if drl and not lit:  # R87: ~800 cd over ~100 cm^2, under this frame's exposure
        bsdf = signature.node_tree.nodes["Principled BSDF"]
        colour = luminance(tuple(bsdf.inputs["Emission Color"].default_value[:3]))
        cd_m2 = bsdf.inputs["Emission Strength"].default_value * colour * ctx.lux_per_unit
        assert 20_000 < cd_m2 < 200_000


def test_plate_drawn_when_absent_and_corners_ordered_as_seen_facing_the_plate() -> None:
    engine.reset_blender()
    scene = parse_scene({})
    ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
    built = vehicles.build_vehicle(
        ctx, Vehicle(model="peugeot_3008_2", x_m=3.0, y_m=1.0, heading_deg=90.0), 0
    )
    assert [b.kind for b in built] == ["vehicle", "license_plate", "license_plate"]
    front, rear = built[1], built[2]
    assert front.plate_text == rear.plate_text == canonical_siv(front.plate_text)
    assert front.objects[0] is not rear.objects[0] and front.objects[0] not in built[0].objects
    spec = get_vehicle_model("peugeot_3008_2")
    for plate, sign in ((front, 1), (rear, -1)):
        tl, tr, br, bl = plate.plate_corners_world
        assert tl[2] > bl[2] and tr[2] > br[2]  # top above bottom
        assert tl[0] == pytest.approx(3.0, abs=0.3)  # heading 90°: the vehicle points to +y
        assert tl[1] == pytest.approx(1.0 + sign * spec.length_m / 2, abs=0.01)
        # facing the front plate (looking toward -y) the viewer's right is -x; at the rear, +x
        assert np.sign(tr[0] - tl[0]) == -sign
        assert np.linalg.norm(tr - tl) == pytest.approx(0.52)
        assert np.linalg.norm(tl - bl) == pytest.approx(0.11)
