"""EEVEE on the CPU (Mesa's EGL, llvmpipe) against the Cycles draft: CPU seconds and PSNR.

    .venv/bin/python benchmarks/eevee_cost.py [--scenes sunny_street rainy_night]
        [--resolution 640x480] [--taa-samples 16] [--rounds 2]

Issue 16 asked whether EEVEE, Blender's rasteriser, could render the beauty image for
less than Cycles. Here each scene is built once in a fresh niced process, then rendered in
that same process: EEVEE (`--taa-samples`), then the Cycles draft beauty settings, for
`--rounds` rounds, so both engines see the same load. The first EEVEE render compiles
every material's shaders (llvmpipe compiles GLSL with LLVM); later rounds show the warm
cost a long-lived worker would pay if nothing else changed. CPU seconds are the process's
user + system time (llvmpipe's threads included). Images are compared with the Cycles
draft of the same run and, when `benchmarks/render_quality.py` has cached it for the same
scene and resolution, with the converged reference; the mean grey level shows a bias.
Side-by-side PNGs (reference if any | Cycles draft | EEVEE) land in `--cache`. The exact
annotation pass is not involved: it stays Cycles whatever the beauty.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

SCENES = Path(__file__).parents[1] / "examples" / "scenes"

CHILD = """
import json, resource, sys, time
from pathlib import Path
import bpy
from twinflash.pipeline import load_scene_with_overrides
from twinflash.render import engine, sampling
from twinflash.render.camera import camera_model, setup_camera
from twinflash.render.context import BuildContext
from twinflash.scene.sun import sun_state
scene_path, res, taa, rounds, out = sys.argv[1:6]
w, h = map(int, res.split("x"))
scene = load_scene_with_overrides(Path(scene_path), (w, h))
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c = cpu()
engine.reset_blender()
engine.build_world(BuildContext(scene=scene, sun=sun_state(scene.light)))
setup_camera(camera_model(scene.camera))
bpy.context.view_layer.update()
print("RESULT " + json.dumps({"build": cpu() - c}), flush=True)
bl = bpy.context.scene
bl.render.image_settings.file_format = "PNG"
bl.render.image_settings.color_mode = "RGB"
bl.render.image_settings.color_depth = "8"
bl.eevee.taa_render_samples = int(taa)
for r in range(int(rounds)):
    for eng in ("BLENDER_EEVEE", "CYCLES"):
        bl.render.engine = eng
        if eng == "CYCLES":
            sampling.apply(sampling.PRESETS["draft"])
        bl.render.filepath = f"{out}-{eng}.png"
        c, t = cpu(), time.perf_counter()
        bpy.ops.render.render(write_still=True)
        rec = {"engine": eng, "round": r, "cpu": cpu() - c, "wall": time.perf_counter() - t}
        print("RESULT " + json.dumps(rec), flush=True)
"""


def compare(ref_png: Path, png: Path) -> tuple[float, float]:
    a = np.asarray(Image.open(ref_png).convert("RGB"))
    b = np.asarray(Image.open(png).convert("RGB"))
    psnr = float(peak_signal_noise_ratio(a, b, data_range=255))
    return psnr, float(structural_similarity(a, b, channel_axis=2, data_range=255))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", nargs="+", default=["sunny_street", "rainy_night"])
    ap.add_argument("--resolution", default="640x480")
    ap.add_argument("--taa-samples", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--reference-samples", type=int, default=256)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/twinflash-render-quality"))
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    res = args.resolution
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {res}, nice 10")
    cols = ["scene", "engine", "round", "CPU s", "wall s", "mean grey"]
    cols += ["PSNR dB vs draft", "SSIM vs draft", "PSNR dB vs reference", "SSIM vs reference"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for name in args.scenes:
        out = args.cache / f"eevee-{name}-{res}-taa{args.taa_samples}"
        cmd = ["nice", "-n", "10", sys.executable, "-c", CHILD, str(SCENES / f"{name}.yaml")]
        cmd += [res, str(args.taa_samples), str(args.rounds), str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        recs = [json.loads(x[7:]) for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if not recs or proc.returncode:
            tail = proc.stderr.strip().splitlines()[-3:]
            sys.exit(f"{name}: child failed (exit {proc.returncode}): {tail}")
        print(f"| {name} | build (Cycles world, once) | – | {recs[0]['build']:.1f} |")
        ref = args.cache / f"ref-{name}-{res}-{args.reference_samples}.png"
        draft = Path(f"{out}-CYCLES.png")
        for rec in recs[1:]:
            png = Path(f"{out}-{rec['engine']}.png")
            grey = float(np.asarray(Image.open(png).convert("RGB")).mean())
            cells = [name, rec["engine"], rec["round"], f"{rec['cpu']:.1f}", f"{rec['wall']:.1f}"]
            cells += [f"{grey:.1f}", *(f"{v:.3f}" for v in compare(draft, png))]
            cells += [f"{v:.3f}" for v in compare(ref, png)] if ref.exists() else ["–", "–"]
            print("| " + " | ".join(map(str, cells)) + " |", flush=True)
        imgs = ([ref] if ref.exists() else []) + [draft, Path(f"{out}-BLENDER_EEVEE.png")]
        arrays = [np.asarray(Image.open(p).convert("RGB")) for p in imgs]
        Image.fromarray(np.concatenate(arrays, axis=1)).save(f"{out}-side.png")
    print(f"load at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
