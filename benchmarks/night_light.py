"""Night light as a photometer and a camera would see it: road lux and people vs background.

    nice -n 10 .venv/bin/python benchmarks/night_light.py [--scene examples/scenes/rainy_night.yaml]
        [--resolution 320x180] [--samples 16] [--out /tmp/night_light] [--threads 1]

For one scene file, renders it at its own (night) hour and at 13:00 (day), same weather,
people and camera, then prints:

- road illuminance in lux, from Cycles' diffuse light passes: a white Lambertian surface
  under irradiance E reflects E / pi, and DiffDir + DiffInd is exactly that radiance, so
  E = pi (DiffDir + DiffInd) on every road pixel (depth pass -> world point on the
  carriageway, no object in front). Scene units become lux with the camera's exposure
  (`daylight.lux_per_scene_unit`). Road pixels are split into "under a lamp" (within 3 m
  of the foot of a lamp column, horizontally) and "between lamps" (farther than 40 % of
  the spacing from every lamp) and their direct part is checked against the inverse-square
  law of the lamp lights (cos / d^2 from their power);
- image statistics of the final image (after sensor effects), with the exact instance
  masks of the annotation pass: median and 10/90th percentiles of display luma (0-255)
  of person pixels and of background pixels (id 0), a coarse histogram, and the Weber
  contrast |person - background| / background of the medians.

PNGs of both renders are written to --out so they can be looked at.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

import bpy
import numpy as np
from PIL import Image

from twinflash.render import engine
from twinflash.render.camera import camera_model, setup_camera
from twinflash.render.context import BuildContext
from twinflash.render.daylight import light_levels, lux_per_scene_unit
from twinflash.render.exr import read_passes
from twinflash.scene.io import load_scene
from twinflash.scene.models import Scene
from twinflash.scene.sun import sun_state

LUMA = np.array([0.2126, 0.7152, 0.0722])
UNDER_LAMP_M = 3.0
DAY_TIME = "13:00:00"


def _variant(scene: Scene, w: int, h: int, samples: int, local_time: str | None) -> Scene:
    data = scene.model_dump(mode="json")
    data["camera"]["resolution_wh"] = [w, h]
    data["quality"] = {"preset": "custom", "samples": samples}
    if local_time is not None:
        data["light"]["local_time"] = local_time
    return Scene.model_validate(data)


def _irradiance(
    scene: Scene, tmp: Path, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(E total, E direct) per pixel in scene units, world xyz per pixel, lamp lights."""
    engine.reset_blender(threads)
    ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
    built = engine.build_world(ctx)
    for i, item in enumerate(built, start=1):
        for obj in item.objects:
            obj.pass_index = i
    for obj in ctx.media_objects:  # rain streaks and the haze box are not on the road
        obj.hide_render = True
    cam = camera_model(scene.camera)
    setup_camera(cam)
    bl = bpy.context.scene
    bl.cycles.samples = scene.quality.samples or 16
    bl.cycles.use_denoising = False
    layer = bl.view_layers[0]
    for p in ("use_pass_diffuse_direct", "use_pass_diffuse_indirect", "use_pass_z"):
        setattr(layer, p, True)
    layer.use_pass_object_index = True
    bl.render.image_settings.media_type = "MULTI_LAYER_IMAGE"
    bl.render.image_settings.color_depth = "32"
    bpy.ops.render.render(write_still=False)
    exr = tmp / "irr.exr"
    bpy.data.images["Render Result"].save_render(str(exr))
    passes = read_passes(exr, ("Diffuse Direct", "Diffuse Indirect", "Depth", "Object Index"))
    direct = passes["Diffuse Direct"][..., :3] @ LUMA * math.pi
    total = direct + passes["Diffuse Indirect"][..., :3] @ LUMA * math.pi
    depth = passes["Depth"][..., 0]
    h, w = depth.shape
    jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    d_cam = np.stack([jj, ii, np.ones_like(jj)], -1) @ np.linalg.inv(cam.intrinsics).T
    d_world = d_cam @ cam.world_to_camera[:3, :3]
    xyz = np.asarray(cam.position_m) + d_world * depth[..., None]
    xyz[passes["Object Index"][..., 0] > 0.5] = np.nan  # people, vehicles, plates in front
    lamps = [
        (np.array(o.matrix_world.translation), o.data.energy)
        for o in bl.objects
        if o.type == "LIGHT" and o.name.startswith("street_lamp")
    ]
    return total, direct, xyz, lamps


def _inverse_square(points: np.ndarray, lamps: list) -> np.ndarray:
    """Horizontal irradiance (scene units) of isotropic point lights: P/(4 pi) cos / d^2."""
    e = np.zeros(len(points))
    for pos, watts in lamps:
        d = pos - points
        r2 = (d**2).sum(1)
        e += watts / (4 * math.pi) * np.clip(d[:, 2], 0, None) / r2**1.5
    return e


def road_report(scene: Scene, tmp: Path, threads: int | None = None) -> dict[str, float]:
    total, direct, xyz, lamps = _irradiance(scene, tmp, threads)
    levels = light_levels(sun_state(scene.light), scene.light, scene.weather)
    lux = lux_per_scene_unit(levels)
    half = scene.place.half_road_m
    flat = xyz.reshape(-1, 3)
    road = (
        np.isfinite(flat).all(1)
        & (np.abs(flat[:, 1]) < half - 0.3)
        & (np.abs(flat[:, 2]) < 0.05)
        & (np.abs(flat[:, 0]) < 40)
    )
    pts = flat[road]
    e_tot = total.reshape(-1)[road] * lux
    e_dir = direct.reshape(-1)[road] * lux
    out: dict[str, float] = {"road_px": float(road.sum()), "lamps": float(len(lamps))}
    if not len(pts):
        return out
    out |= {"road_mean_lux": float(e_tot.mean()), "road_min_lux": float(np.percentile(e_tot, 2))}
    out["uniformity_U0"] = out["road_min_lux"] / max(out["road_mean_lux"], 1e-9)
    if lamps:
        feet = np.array([p[:2] for p, _ in lamps])
        dist = np.linalg.norm(pts[:, None, :2] - feet[None], axis=2).min(1)
        under = dist < UNDER_LAMP_M
        between = dist > 0.4 * scene.place.lamp_spacing_m
        for name, sel in (("under_lamp", under), ("between_lamps", between)):
            if sel.any():
                out[f"{name}_lux"] = float(np.median(e_tot[sel]))
                out[f"{name}_px"] = float(sel.sum())
        model = _inverse_square(pts, lamps) * lux
        ok = model > 0.5
        if ok.any():
            out["direct_measured_over_inverse_square"] = float(np.median(e_dir[ok] / model[ok]))
    return out


def image_report(rgb: np.ndarray, ids: np.ndarray, person_ids: set[int]) -> dict[str, object]:
    luma = rgb.astype(float) @ LUMA
    person = np.isin(ids, list(person_ids))
    background = ids == 0
    out: dict[str, object] = {"person_px": int(person.sum())}
    for name, sel in (("person", person), ("background", background), ("image", ids >= 0)):
        v = luma[sel]
        if not len(v):
            continue
        out[f"{name}_p10"], out[f"{name}_median"], out[f"{name}_p90"] = (
            float(x) for x in np.percentile(v, (10, 50, 90))
        )
        out[f"{name}_hist"] = np.histogram(v, bins=8, range=(0, 256))[0] / len(v)
    if person.any():
        pm, bm = float(np.median(luma[person])), float(np.median(luma[background]))
        out["weber_contrast"] = abs(pm - bm) / max(bm, 1.0)
    return out


def _person_ids(frame: object) -> set[int]:
    return {o.instance_id for o in frame.objects if o.kind == "person"}  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="examples/scenes/rainy_night.yaml")
    parser.add_argument("--resolution", default="320x180")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--out", default="/tmp/night_light")
    parser.add_argument("--tag", default="", help="suffix of the PNG names (before/after)")
    parser.add_argument("--cases", nargs="+", default=["night", "day"], choices=["night", "day"])
    parser.add_argument("--threads", type=int, default=None, help="Cycles threads (default all)")
    args = parser.parse_args()
    w, h = (int(v) for v in args.resolution.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = load_scene(Path(args.scene))
    print(f"{args.scene}: {w}x{h}, {args.samples} samples")
    for name, hour in (("night", None), ("day", DAY_TIME)):
        if name not in args.cases:
            continue
        scene = _variant(base, w, h, args.samples, hour)
        with tempfile.TemporaryDirectory(prefix="night-light-") as tmp:
            road = road_report(scene, Path(tmp), args.threads)
        frame = engine.render_scene(scene, threads=args.threads)
        Image.fromarray(frame.rgb).save(out / f"{base.name}_{name}{args.tag}.png")
        img = image_report(frame.rgb, frame.instance_ids, _person_ids(frame))
        print(f"[{name}] {scene.light.local_time}")
        for k, v in {**road, **img}.items():
            if isinstance(v, np.ndarray):
                print(f"  {k:38s} " + " ".join(f"{x:4.2f}" for x in v))
            else:
                print(f"  {k:38s} {v:10.3f}")


if __name__ == "__main__":
    main()
