"""HOG recall on the sunny example, one render against seeded one-grey-level noisy copies.

    PYTHONPATH=src .venv/bin/python benchmarks/sunny_hog.py [--draws 7] [--src OTHER/src ...]

Each `--src` tree (default: this one's `src`) renders `examples/scenes/sunny_street.yaml`
at 1280x720 in a subprocess, with its own renderer; today's
`twinflash.audit.hog` then judges every render the same way: the people found on the render
as it is, and on `--draws` copies with Gaussian noise of one grey level (the median of
which is what `tests/render/test_sunny_example_realism.py` asserts). A tree from before the
leaf-card trees, as a baseline in the same run:
`git worktree add /tmp/before 6eff5e3` then `--src src --src /tmp/before/src`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SUNNY = ROOT / "examples" / "scenes" / "sunny_street.yaml"


def render_to(npz: Path) -> None:
    """Render the sunny example with the twinflash on sys.path; save pixels and people."""
    from twinflash.annotate import annotate_frame
    from twinflash.render import engine
    from twinflash.scene.io import load_scene

    scene = load_scene(SUNNY)
    frame = engine.render_scene(scene)
    ann = annotate_frame(frame, scene)
    rows = [i for i, c in enumerate(ann.category_id) if c == 1]
    poses = np.array([scene.people[ann.attributes[i]["scene_index"]].pose for i in rows])
    upright = np.isin(poses, ["standing", "walking"])
    vis = np.where(upright, ann.visibility[rows], 0.0)
    np.savez_compressed(npz, rgb=frame.rgb, xyxy=ann.xyxy[rows], visibility=vis)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, action="append", help="a tree's src (repeatable)")
    ap.add_argument("--draws", type=int, default=7, help="noisy copies per render (odd)")
    ap.add_argument("--render-to", type=Path, help=argparse.SUPPRESS)  # the subprocess
    args = ap.parse_args()
    if args.render_to:
        render_to(args.render_to)
        return
    from twinflash.audit.hog import hog_people_recall, hog_people_recall_under_noise

    for src in args.src or [ROOT / "src"]:
        with tempfile.TemporaryDirectory() as tmp:
            npz = Path(tmp) / "sunny.npz"
            env = os.environ | {"PYTHONPATH": str(src.resolve())}
            cmd = [sys.executable, __file__, "--render-to", str(npz)]
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            data = np.load(npz)
        rgb, boxes, vis = data["rgb"], data["xyxy"], data["visibility"]
        plain = hog_people_recall(rgb, boxes, vis)
        noisy = hog_people_recall_under_noise(rgb, boxes, vis, draws=args.draws)
        print(
            f"{src}: {plain.n_found}/{plain.n_eligible} on the render; with one grey level of "
            f"noise {noisy.found}, median {noisy.n_found}"
        )


if __name__ == "__main__":
    main()
