"""HOG people-detector recall on rendered street crowds (the people realism figure).

    .venv/bin/python benchmarks/people_hog.py [--seeds 6 7] [--samples 8] [--pillars]
        [--beauty draft|final|legacy_draft|legacy_final] [--clothing]

Each seed is one sunny 1280x720 street frame of standing and walking people 6-15 m from
a 1.6 m camera, laid out without occlusion (`twinflash.render.people_crowd`). Recall
counts people >= 128 px tall and >= 80% visible, as tests/render/test_people.py does.
`--pillars` renders plain boxes of the same sizes at the same places instead (negative
control). `--beauty` renders with a quality preset's full Cycles settings instead of
`--samples` (legacy_* are the presets before issue 16), to check a preset keeps the recall.
`--clothing` dresses the same crowds in clothing drawn as the dataset sampler draws it
(jackets, coats, skirts, hats, bags...; no pushchair: the crowd's layout keeps only
0.45 m around each person). Wall-clock and process CPU seconds are printed: on a shared machine CPU
seconds / core count estimates an idle run.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from twinflash.annotate.annotator import annotate_frame
from twinflash.audit.hog import hog_people_recall
from twinflash.datasets.sampler import draw_clothing
from twinflash.render import engine, people, sampling
from twinflash.render.camera import camera_model
from twinflash.render.people_crowd import PLACE, STREET_CAMERA, street_crowd
from twinflash.scene.io import parse_scene


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[6, 7])
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--pillars", action="store_true")
    ap.add_argument("--beauty", choices=["draft", "final", "legacy_draft", "legacy_final"])
    ap.add_argument("--clothing", action="store_true", help="sampler-drawn clothing")
    args = ap.parse_args()
    beauty = None
    if args.beauty is not None:
        legacy = {"legacy_draft": sampling.LEGACY_DRAFT, "legacy_final": sampling.LEGACY_FINAL}
        beauty = legacy.get(args.beauty) or sampling.PRESETS[args.beauty]
    if args.pillars:
        people.build_person = people.build_pillar
    cam = camera_model(parse_scene({"place": PLACE, "camera": STREET_CAMERA}).camera)
    total_found = total_eligible = 0
    for seed in args.seeds:
        crowd = street_crowd(seed, cam)
        if args.clothing:
            rng = np.random.default_rng([seed, 17])
            crowd = [p | draw_clothing(rng, {}, p) | {"pushchair": False} for p in crowd]
        scene = parse_scene(
            {
                "place": PLACE,
                "people": crowd,
                "camera": STREET_CAMERA,
                "quality": {"preset": "custom", "samples": args.samples},
            }
        )
        wall, cpu = time.perf_counter(), _cpu_s()
        frame = engine.render_scene(scene, beauty=beauty)
        wall, cpu = time.perf_counter() - wall, _cpu_s() - cpu
        ann = annotate_frame(frame, scene)
        res = hog_people_recall(frame.rgb, ann.xyxy, ann.visibility)
        total_found += res.n_found
        total_eligible += res.n_eligible
        print(
            f"seed {seed}: {len(crowd)} people, found {res.n_found}/{res.n_eligible} "
            f"eligible; render {wall:.1f} s wall, {cpu:.1f} s CPU"
        )
    kind = "pillars" if args.pillars else "clothed people" if args.clothing else "people"
    print(
        f"{kind}: recall {total_found}/{total_eligible} = {total_found / total_eligible:.3f} "
        f"({args.beauty or f'{args.samples} samples'})"
    )


if __name__ == "__main__":
    main()
