"""Seconds to evaluate and slice an audit of 10,000 images x 20 people (inference excluded).

    .venv/bin/python benchmarks/audit.py [--images 10000] [--people 20] [--bootstrap 1000]

The planted problem of `twinflash.audit.synthetic` (night halves recall; placebo,
weather, pitch, skin tone, visibility, box height columns) with its fake detections: the
timed part is what `twinflash audit` does after the model has run: columns from the COCO
dict, COCO AP and IoU-0.5 matching (faster-coco-eval), per-person recall, false alarms per
image, every slice and crossing, `--bootstrap` image resamples, corrections, curves (the
report's HTML is not written). COCO AP per image-level slice, with intervals, runs up to
`AnalysisSettings.slice_ap_max_images` images, on as many replicates as `ap_boot_budget`
(detections x replicates) allows, none under 100. Prints a Markdown table row.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from twinflash.audit.analysis import AnalysisSettings, analyse
from twinflash.audit.data import from_coco
from twinflash.audit.synthetic import planted_coco
from twinflash.audit.tasks import AuditSettings, detection_task


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--people", type=int, default=20)
    ap.add_argument("--bootstrap", type=int, default=1000)
    args = ap.parse_args()
    coco, rows, dets = planted_coco(args.images, args.people, seed=0)
    n_dets = sum(len(d.scores) for d in dets)
    t0 = time.perf_counter()
    ds = from_coco(coco, rows, Path("."), "coco")  # columns from the COCO dict, as a load does
    out = detection_task(ds, dets, "person-detection", AuditSettings(), 0.5)
    t1 = time.perf_counter()
    res = analyse(ds, out, AnalysisSettings(n_boot=args.bootstrap, seed=0))
    t2 = time.perf_counter()
    n_slices = sum(r.metric == "recall" for r in res.slices)
    ap = res.overall.get("ap")  # none above slice_ap_max_images
    ap_reps = "none" if ap is None else ap.replicates
    print(
        "| images | people | detections | slices | bootstrap | AP replicates | columns + "
        "evaluate (s) | slice + bootstrap (s) | total (s) | CPUs |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.images:,} | {len(ds.object_image):,} | {n_dets:,} | {n_slices} | "
        f"{args.bootstrap} | {ap_reps} | {t1 - t0:.1f} | "
        f"{t2 - t1:.1f} | {t2 - t0:.1f} | {os.cpu_count()} |"
    )
    print(f"headline: {res['headline'][0]}")


if __name__ == "__main__":
    main()
