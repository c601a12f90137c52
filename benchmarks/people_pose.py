"""Recall of a second person detector (MediaPipe's BlazePose) by posture, beside HOG's.

    .venv/bin/python benchmarks/people_pose.py [--examples [NAMES]] [--crowds 1 2 3 4 5]
        [--variants upright sitting lying pillars] [--samples 8] [--cache DIR]

Two instruments measure the same renders: OpenCV's HOG people detector
(`twinflash.audit.hog`) and MediaPipe's pose detector + pose landmarker
(`twinflash.audit.pose`), both matched one-to-one to the exact person boxes at IoU >= 0.4.
A person counts when >= 80% visible and its box's long side is >= 128 px, for both
instruments (for upright people, HOG's own 128 px tall rule). Recall is printed per
posture, upright (standing, walking), sitting, lying, and by facing; the pose detector
also at score >= 0.7, a point no person-free photo reached (docs/people.md).

Cases:
- `--examples`: the shipped example scenes that hold people (examples/scenes), at their
  own quality preset; plus the sunny street with every person replaced by a plain pillar.
- `--crowds SEEDS`: the held-out street crowds of benchmarks/people_hog.py
  (`twinflash.render.people_crowd`, 1280x720, 6-15 m from a 1.6 m camera), in each of
  `--variants`: as sampled (upright), everyone sitting, every other person lying across
  the view, and the upright crowd as pillars (negative control).
`--cache DIR` keeps each render's image and person truth as an .npz and reuses it (delete
the folder after changing the renderer). Rendering needs bpy; the detectors need the
`instruments` install (see the Makefile).
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("sunny_street", "foggy_morning", "rainy_night", "crowded_square", "osm_crossroads")
POSTURE = {"standing": "upright", "walking": "upright", "sitting": "sitting", "lying": "lying"}
POSTURES = ("upright", "sitting", "lying")
VARIANTS = (*POSTURES, "pillars")


@dataclass
class Case:
    """One rendered image and its people: exact visible boxes, visibility, posture."""

    label: str
    rgb: np.ndarray
    xyxy: np.ndarray  # (N,4) visible boxes, NaN when hidden
    visibility: np.ndarray  # (N,)
    posture: np.ndarray  # (N,) str: upright | sitting | lying
    facing_deg: np.ndarray  # (N,) angle between where the body faces and the camera
    pillars: bool


def facing_deg(scene, index: int) -> float:
    """0 when person `index` faces the camera, 180 when it turns its back (body +x forward)."""
    from twinflash.render.camera import camera_model

    person = scene.people[index]
    to_cam = camera_model(scene.camera).position_m[:2] - [person.x_m, person.y_m]
    a = np.radians(person.heading_deg)
    cos = (np.cos(a) * to_cam[0] + np.sin(a) * to_cam[1]) / np.linalg.norm(to_cam)
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def _render(scene, pillars: bool) -> dict[str, np.ndarray]:
    from twinflash.annotate.annotator import annotate_frame
    from twinflash.render import engine, people

    build = people.build_person
    if pillars:
        people.build_person = people.build_pillar
    try:
        frame = engine.render_scene(scene)
    finally:
        people.build_person = build
    ann = annotate_frame(frame, scene)
    rows = [i for i, c in enumerate(ann.category_id) if c == 1]
    index = [ann.attributes[i]["scene_index"] for i in rows]
    return {
        "rgb": frame.rgb,
        "xyxy": ann.xyxy[rows].reshape(-1, 4),
        "visibility": ann.visibility[rows],
        "posture": np.array([POSTURE[scene.people[i].pose] for i in index], dtype=str),
        "facing_deg": np.array([facing_deg(scene, i) for i in index]),
    }


def _case(label: str, make_scene, pillars: bool, cache: Path | None) -> Case:
    path = cache / f"{label}.npz" if cache else None
    if path is not None and path.exists():
        z = dict(np.load(path))
    else:
        z = _render(make_scene(), pillars)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez_compressed(tmp, **z)
            tmp.replace(path)
    return Case(label, pillars=pillars, **z)


def example_cases(names: list[str], pillars: bool, cache: Path | None) -> list[Case]:
    """The example scenes; with `pillars`, the sunny street's people as pillars too."""
    from twinflash.scene.io import load_scene

    def loader(name: str):
        return lambda: load_scene(ROOT / "examples" / "scenes" / f"{name}.yaml")

    cases = [_case(f"example-{n}", loader(n), False, cache) for n in names]
    if pillars and "sunny_street" in names:
        cases.append(_case("example-sunny_street-pillars", loader("sunny_street"), True, cache))
    return cases


def posed_crowd(crowd: list[dict], posture: str, seed: int) -> list[dict]:
    """The crowd as sampled, everyone sitting, or every other person lying across the view.

    Lying people keep every other place (a body is ~2 person-widths long) and lie within
    30 degrees of the image rows, so that none covers a neighbour.
    """
    if posture == "upright":
        return crowd
    if posture == "sitting":
        return [{**p, "pose": "sitting"} for p in crowd]
    rng = random.Random(seed)
    return [
        {**p, "pose": "lying", "heading_deg": rng.choice([0.0, 180.0]) + rng.uniform(-30, 30)}
        for p in crowd[::2]
    ]


def crowd_cases(
    seeds: list[int], variants: list[str], samples: int, cache: Path | None
) -> list[Case]:
    from twinflash.render.camera import camera_model
    from twinflash.render.people_crowd import PLACE, STREET_CAMERA, street_crowd
    from twinflash.scene.io import parse_scene

    cam = camera_model(parse_scene({"place": PLACE, "camera": STREET_CAMERA}).camera)

    def scene_of(people: list[dict]):
        quality = {"preset": "custom", "samples": samples}
        return lambda: parse_scene(
            {"place": PLACE, "people": people, "camera": STREET_CAMERA, "quality": quality}
        )

    cases = []
    for seed in seeds:
        crowd = street_crowd(seed, cam)
        for variant in variants:
            pillars = variant == "pillars"
            people = crowd if pillars else posed_crowd(crowd, variant, seed)
            label = f"crowd-{seed}-{variant}-s{samples}"
            cases.append(_case(label, scene_of(people), pillars, cache))
    return cases


MIN_LONG_SIDE_PX = 128.0
MIN_VISIBLE = 0.8
IOU = 0.4


STRICT = 0.7  # a pose score no photo without a person reached (docs/people.md)


def detections(rgb: np.ndarray) -> dict[str, np.ndarray]:
    """Boxes by instrument: HOG, the pose detector, and the pose detector at STRICT."""
    from twinflash.audit import hog, pose

    boxes, scores = pose.detect_people(rgb)
    return {
        "hog": hog.detect_people(rgb)[0],
        "pose": boxes,
        f"pose>={STRICT}": boxes[scores >= STRICT],
    }


def eligible(case: Case) -> np.ndarray:
    """>= 80% visible and a box whose long side is >= 128 px (a lying person's is its width)."""
    box = np.nan_to_num(case.xyxy, nan=0.0)
    long_side = np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1])
    return (long_side >= MIN_LONG_SIDE_PX) & (case.visibility >= MIN_VISIBLE)


def found(case: Case, det: np.ndarray) -> np.ndarray:
    """(N,) bool: matched one-to-one at IoU >= 0.4 by a detection (all boxes take part)."""
    from twinflash.audit.hog import match_one_to_one

    return match_one_to_one(np.nan_to_num(case.xyxy, nan=0.0), det, IOU) >= 0


def group_of(case: Case) -> str:
    kind = "examples" if case.label.startswith("example-") else "crowds"
    return f"{kind}, pillars" if case.pillars else kind


def facing_bin(deg: float) -> str:
    return "front" if deg < 60 else "side" if deg <= 120 else "back"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", nargs="*", choices=EXAMPLES, help="none given: all")
    ap.add_argument("--crowds", type=int, nargs="*", default=[])
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--render-only", action="store_true", help="fill the cache, measure nothing")
    args = ap.parse_args()
    cases = []
    if args.examples is not None:
        names = args.examples or list(EXAMPLES)
        cases += example_cases(names, "pillars" in args.variants, args.cache)
    cases += crowd_cases(args.crowds, args.variants, args.samples, args.cache)
    if args.render_only:
        return
    # (instrument, group, posture or facing) -> [found, eligible]
    table: dict[tuple[str, str, str], list[int]] = {}
    for case in cases:
        ok = eligible(case)
        line = [f"{case.label}: {int(ok.sum())} eligible"]
        for name, det in detections(case.rgb).items():
            hit = found(case, det) & ok
            line.append(f"{name} {int(hit.sum())}")
            keys = [
                (p, f"{p} {facing_bin(f)}" if p != "lying" else p)
                for p, f in zip(case.posture, case.facing_deg, strict=True)
            ]
            for k, (posture, facing) in enumerate(keys):
                if not ok[k]:
                    continue
                for key in {posture, facing}:
                    cell = table.setdefault((name, group_of(case), key), [0, 0])
                    cell[0] += int(hit[k])
                    cell[1] += 1
        print(", ".join(line), flush=True)
    print("\n| instrument | cases | people | found / eligible | recall |\n|---|---|---|---|---|")
    for (name, group, key), (n_found, n_ok) in sorted(table.items()):
        print(f"| {name} | {group} | {key} | {n_found} / {n_ok} | {n_found / n_ok:.2f} |")


if __name__ == "__main__":
    main()
