"""Beauty-pass cost against quality: seconds, CPU seconds, PSNR and SSIM per Cycles setting.

    .venv/bin/python benchmarks/render_quality.py [--scenes sunny_street rainy_night]
        [--resolution 640x480] [--settings legacy_draft fast4 ...] [--reference-samples 256]
    .venv/bin/python benchmarks/render_quality.py --denoiser-cost --resolution 1280x720

For each example scene a reference is rendered once with Blender's default Cycles
settings (adaptive threshold 0.01, OIDN with albedo and normal, ACCURATE prefilter)
capped at `--reference-samples`, and cached in `--cache` (outside the repository; delete
the folder, or pass `--rebuild-reference`, to render it again). Then each setting is
rendered in a fresh process, interleaved with the baseline (`legacy_draft`, the draft
preset before issue 16): baseline, setting, baseline, setting, ... so that a shared
machine's load falls on both alike; the ratio is against the baseline renders of the
same scene in the same run. CPU seconds are the child processes' user + system time.
The exact annotation pass is compared too: its instance ids and depth must be
byte-identical whatever the beauty setting. Side-by-side PNGs (reference | baseline |
setting) land in the cache folder to look at. `--denoiser-cost` instead times OIDN's
FAST and ACCURATE prefilters in one process on the built scene (1-sample renders,
alternated, no denoiser as the baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

SCENES = Path(__file__).parents[1] / "examples" / "scenes"

CHILD = """
import json, sys
from pathlib import Path
import numpy as np
from PIL import Image
from twinflash.pipeline import load_scene_with_overrides
from twinflash.render import sampling
from twinflash.render.engine import render_scene
scene_path, res, settings_json, out = sys.argv[1:5]
w, h = map(int, res.split("x"))
scene = load_scene_with_overrides(Path(scene_path), (w, h))
settings = sampling.BeautySettings(**json.loads(settings_json))
frame = render_scene(scene, beauty=settings)
out = Path(out)
Image.fromarray(frame.rgb).save(out.with_suffix(".png"))
np.save(out.with_suffix(".ids.npy"), frame.instance_ids)
np.save(out.with_suffix(".depth.npy"), frame.depth_m)
print("RESULT " + json.dumps(frame.timings_s))
"""

DENOISER_CHILD = """
import resource, sys
from pathlib import Path
import bpy
from twinflash.pipeline import load_scene_with_overrides
from twinflash.render import engine, sampling
from twinflash.render.camera import camera_model, setup_camera
from twinflash.render.context import BuildContext
from twinflash.scene.sun import sun_state
w, h = map(int, sys.argv[2].split("x"))
scene = load_scene_with_overrides(Path(sys.argv[1]), (w, h))
engine.reset_blender()
engine.build_world(BuildContext(scene=scene, sun=sun_state(scene.light)))
setup_camera(camera_model(scene.camera))
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
costs = {"none": [], "FAST": [], "ACCURATE": []}
for rep in range(4):  # the first round warms the synced scene up and is dropped
    for name in costs:
        sampling.apply(sampling.PRESETS["draft"].with_overrides(
            samples=1, denoise=name != "none", prefilter="FAST" if name == "none" else name))
        c = cpu()
        bpy.ops.render.render(write_still=False)
        if rep:
            costs[name].append(cpu() - c)
for name, v in costs.items():
    print(f"{name}: median {sorted(v)[1]:.2f} CPU s of {[round(x, 2) for x in v]}")
"""


def denoiser_cost(scene: Path, res: str) -> None:
    """CPU seconds of a 1-sample render without denoiser and with each OIDN prefilter."""
    cmd = ["nice", "-n", "10", sys.executable, "-c", DENOISER_CHILD, str(scene), res]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    print(f"{scene.stem} {res}, 1 sample, persistent data:")
    print("\n".join(x for x in proc.stdout.splitlines() if "CPU s of" in x) or proc.stderr)


def candidate_settings() -> dict[str, dict[str, object]]:
    """Named settings as field dicts of `twinflash.render.sampling.BeautySettings`."""
    from twinflash.render import sampling  # imports bpy: only in the parent, once

    fast = sampling.FAST_PATHS.as_dict()
    named = {
        "blender_default": sampling.BLENDER_DEFAULT.as_dict(),
        "legacy_draft": sampling.LEGACY_DRAFT.as_dict(),
        "legacy_final": sampling.LEGACY_FINAL.as_dict(),
        "draft": sampling.PRESETS["draft"].as_dict(),
        "final": sampling.PRESETS["final"].as_dict(),
    }
    for spp in (2, 4, 8, 16):
        named[f"fast{spp}"] = {**fast, "samples": spp}
    named["legacy16_accurate"] = {**sampling.LEGACY_DRAFT.as_dict(), "prefilter": "ACCURATE"}
    named["fast4_balanced"] = {**fast, "samples": 4, "denoise_quality": "BALANCED"}
    named["fast4_noclamp"] = {**fast, "samples": 4, "clamp_indirect": 10.0}
    named["fast4_notree"] = {**fast, "samples": 4, "light_tree": False}
    named["fast8_adaptive05"] = {**fast, "samples": 8, "adaptive_threshold": 0.05}
    named["fast4_not_persistent"] = {**fast, "samples": 4, "persistent_data": False}
    keep = sampling.KEEP_PATHS.as_dict()
    for spp in (4, 6, 8, 12, 16):
        named[f"keep{spp}"] = {**keep, "samples": spp}
    named["keep16_adapt"] = {**keep, "samples": 16, "adaptive_threshold": 0.05}
    named["keep16_adapt"] |= {"adaptive_min_samples": 4}
    named["keep12_adapt"] = {**named["keep16_adapt"], "samples": 12}
    named["keep8_balanced"] = {**keep, "samples": 8, "denoise_quality": "BALANCED"}
    named["keep8_notree"] = {**keep, "samples": 8, "light_tree": False}
    named["keep16_fast"] = {**keep, "samples": 16, "prefilter": "FAST"}
    street = {**sampling.STREET_PATHS.as_dict(), "persistent_data": True}  # ACCURATE
    for spp in (4, 8, 12, 16):
        named[f"street{spp}"] = {**street, "samples": spp}
        named[f"street{spp}_adapt"] = {**street, "samples": spp, "adaptive_threshold": 0.05}
        named[f"street{spp}_adapt"] |= {"adaptive_min_samples": 4}
    named["legacy16_persistent"] = {**sampling.LEGACY_DRAFT.as_dict(), "persistent_data": True}
    named["street12_balanced"] = {**street, "samples": 12, "denoise_quality": "BALANCED"}
    return named


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def render(scene: Path, res: str, settings: dict[str, object], out: Path) -> dict[str, float]:
    """Render in a fresh niced process; returns its timings plus wall and CPU seconds."""
    args = [json.dumps(settings), str(out)]
    wall, cpu = time.perf_counter(), _cpu_children()
    proc = subprocess.run(
        ["nice", "-n", "10", sys.executable, "-c", CHILD, str(scene), res, *args],
        capture_output=True,
        text=True,
    )
    wall, cpu = time.perf_counter() - wall, _cpu_children() - cpu
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{scene.stem} {settings}: {proc.stderr.strip().splitlines()[-3:]}")
    return {**json.loads(line.removeprefix("RESULT ")), "wall": wall, "cpu": cpu}


def compare(ref: Path, out: Path) -> tuple[float, float, bool]:
    """PSNR (dB), SSIM against the reference, and whether the annotation pass is identical."""
    a = np.asarray(Image.open(ref.with_suffix(".png")).convert("RGB"))
    b = np.asarray(Image.open(out.with_suffix(".png")).convert("RGB"))
    psnr = float(peak_signal_noise_ratio(a, b, data_range=255))
    ssim = float(structural_similarity(a, b, channel_axis=2, data_range=255))
    same = all(
        np.load(ref.with_suffix(s)).tobytes() == np.load(out.with_suffix(s)).tobytes()
        for s in (".ids.npy", ".depth.npy")
    )
    return psnr, ssim, same


def side_by_side(paths: list[Path], dest: Path) -> None:
    imgs = [np.asarray(Image.open(p.with_suffix(".png")).convert("RGB")) for p in paths]
    Image.fromarray(np.concatenate(imgs, axis=1)).save(dest)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", nargs="+", default=["sunny_street", "rainy_night"])
    ap.add_argument("--resolution", default="640x480")
    ap.add_argument("--settings", nargs="*", default=["legacy_final", "draft", "final"])
    ap.add_argument("--baseline", default="legacy_draft")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--reference-samples", type=int, default=256)
    ap.add_argument("--rebuild-reference", action="store_true")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/twinflash-render-quality"))
    ap.add_argument("--denoiser-cost", action="store_true", help="only time the prefilters")
    args = ap.parse_args()
    if args.denoiser_cost:
        for name in args.scenes:
            denoiser_cost(SCENES / f"{name}.yaml", args.resolution)
        return
    named = candidate_settings()
    unknown = [s for s in [args.baseline, *args.settings] if s not in named]
    if unknown:
        sys.exit(f"--settings: unknown {unknown}; known: {sorted(named)}")
    args.cache.mkdir(parents=True, exist_ok=True)
    res = args.resolution
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {res}, nice 10")
    cols = ["scene", "setting", "samples", "wall s", "CPU s", "wall ratio", "CPU ratio"]
    cols += ["build s", "image s", "passes s", "PSNR dB", "SSIM", "annotations identical"]
    rows: list[list[str]] = []
    for name in args.scenes:
        scene = SCENES / f"{name}.yaml"
        ref = args.cache / f"ref-{name}-{res}-{args.reference_samples}"
        ref_settings = {**named["blender_default"], "samples": args.reference_samples}
        if args.rebuild_reference or not ref.with_suffix(".json").exists():
            t = render(scene, res, ref_settings, ref)
            ref.with_suffix(".json").write_text(json.dumps(t))
        t = json.loads(ref.with_suffix(".json").read_text())
        rows.append([name, f"reference (Blender default, cap {args.reference_samples})"])
        rows[-1] += [str(args.reference_samples), f"{t['wall']:.1f}", f"{t['cpu']:.1f}"]
        rows[-1] += ["", "", f"{t['build']:.2f}", f"{t['image']:.2f}", f"{t['passes']:.2f}"]
        rows[-1] += ["inf", "1.000", "yes"]
        for setting in args.settings:
            base_t, cand_t = [], []
            for _ in range(args.repeats):
                b_out = args.cache / f"{name}-{res}-{args.baseline}"
                c_out = args.cache / f"{name}-{res}-{setting}"
                base_t.append(render(scene, res, named[args.baseline], b_out))
                cand_t.append(render(scene, res, named[setting], c_out))
            for label, out, ts in (
                (args.baseline, b_out, base_t),
                (setting, c_out, cand_t),
            ):
                psnr, ssim, same = compare(ref, out)
                wall = float(np.mean([x["wall"] for x in ts]))
                cpu = float(np.mean([x["cpu"] for x in ts]))
                bwall = float(np.mean([x["wall"] for x in base_t]))
                bcpu = float(np.mean([x["cpu"] for x in base_t]))
                phases = [float(np.mean([x[k] for x in ts])) for k in ("build", "image", "passes")]
                row = [name, label, str(named[label]["samples"]), f"{wall:.1f}", f"{cpu:.1f}"]
                row += [f"{wall / bwall:.2f}", f"{cpu / bcpu:.2f}"]
                row += [f"{p:.2f}" for p in phases]
                row += [f"{psnr:.2f}", f"{ssim:.3f}", "yes" if same else "NO"]
                rows.append(row)
                print("| " + " | ".join(row) + " |", flush=True)
            side_by_side([ref, b_out, c_out], args.cache / f"side-{name}-{res}-{setting}.png")
    print()
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
