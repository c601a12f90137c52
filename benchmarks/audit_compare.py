"""How often `twinflash audit compare` tells a faithful twin from an unfaithful one.

    .venv/bin/python benchmarks/audit_compare.py [--seeds 20] [--bootstrap 400]
    .venv/bin/python benchmarks/audit_compare.py --picture docs/img/audit-compare.png

The twin: the planted problem of `twinflash.audit.synthetic` (150 images x 6 people),
the detector missing half of the people at night and 40 % of those under 80 px. Three
"realities" of 100 images each, from other seeds: the same two drops (a faithful twin);
the night *helping* instead (p 0.5 by day, 0.8 at night; the small-people drop kept);
no effect at all. Each side is audited from files as a user would (COCO, saved
predictions, metadata CSV, `twinflash.audit.run.audit`), then compared from the two
report.json files. Prints a Markdown table: per reality, how often the night and the
box-height gaps are confirmed or contradicted, the verdicts, the median Spearman rho.

`--picture PATH` writes the chart of one comparison (the night-helps reality, four
columns, no crossings), small enough for the docs.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from twinflash.audit.analysis import AnalysisSettings
from twinflash.audit.compare import Comparison, compare_reports
from twinflash.audit.compare_chart import comparison_png
from twinflash.audit.data import from_coco
from twinflash.audit.run import audit, predictions_to_json
from twinflash.audit.synthetic import planted_coco

TWIN = {"night_factor": 0.5, "small_factor": 0.6}
REALITIES: dict[str, dict[str, float]] = {
    "same drops": TWIN,
    "night helps": {"p_detect": 0.5, "night_factor": 1.6, "small_factor": 0.6},
    "no effect": {"night_factor": 1.0, "small_factor": 1.0},
}
NIGHT = ("is_night", "True")
SMALL = ("box_height_px", "medium (30-80 px)")


def audit_planted(
    root: Path, n_images: int, seed: int, analysis: AnalysisSettings, **planted: Any
) -> Path:
    """Write a planted problem as files, audit it, return the report folder."""
    coco, rows, dets = planted_coco(n_images, 6, seed=seed, **planted)
    ds = from_coco(coco, rows, root, "coco")
    root.mkdir(parents=True, exist_ok=True)
    (root / "gt.json").write_text(json.dumps(coco))
    (root / "preds.json").write_text(json.dumps(predictions_to_json(dets, ds, 1)))
    with open(root / "meta.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file_name", *rows[0]])
        for name, row in zip(ds.file_names, rows, strict=True):
            writer.writerow([name, *row.values()])
    audit(
        root / "gt.json",
        f"predictions:{root / 'preds.json'}",
        "person-detection",
        root / "report",
        metadata=root / "meta.csv",
        analysis=analysis,
        n_failures=0,
    )
    return root / "report"


def outcome(c: Comparison, key: tuple[str, str]) -> str:
    """What the real photos say of the twin's gap on `key` ("-": not significant there)."""
    return next((g.outcome for g in c.gaps if (g.column, g.label) == key), "-")


def picture(path: Path, bootstrap: int) -> None:
    settings = AnalysisSettings(
        n_boot=bootstrap,
        columns=["is_night", "box_height_px", "visibility", "weather_kind"],
        crossings=[],
    )
    with tempfile.TemporaryDirectory() as tmp:
        twin = audit_planted(Path(tmp, "twin"), 150, 0, settings, **TWIN)
        real = audit_planted(Path(tmp, "real"), 100, 100, settings, **REALITIES["night helps"])
        c = compare_reports(twin, real)
    path.write_bytes(comparison_png(c, dpi=80))
    print(f"{path}: {path.stat().st_size / 1000:.0f} kB; {c.verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--bootstrap", type=int, default=400)
    ap.add_argument("--picture", type=Path, help="write the docs chart here and stop")
    args = ap.parse_args()
    if args.picture:
        picture(args.picture, args.bootstrap)
        return
    settings = AnalysisSettings(n_boot=args.bootstrap)
    results: dict[str, list[Comparison]] = {name: [] for name in REALITIES}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            twin = audit_planted(Path(tmp, f"twin{seed}"), 150, seed, settings, **TWIN)
            for k, (name, planted) in enumerate(REALITIES.items()):
                real_seed = 1000 + 10 * seed + k
                real = audit_planted(Path(tmp, f"r{seed}-{k}"), 100, real_seed, settings, **planted)
                results[name].append(compare_reports(twin, real))
    print(
        "| reality | seeds | night gap: confirmed / same sign / contradicted | "
        "small-people gap: confirmed / same sign / contradicted | verdict good / mixed / "
        "poor | median Spearman rho (slices) |"
    )
    print("|---|---:|---|---|---|---|")
    for name, cs in results.items():
        cells = []
        for key in (NIGHT, SMALL):
            got = [outcome(c, key) for c in cs]
            same = sum(o in ("confirmed", "same sign, not significant") for o in got)
            cells.append(f"{got.count('confirmed')} / {same} / {got.count('contradicted')}")
        levels = Counter(c.verdict_level for c in cs)
        rhos = [c.rank.spearman for c in cs if c.rank.spearman is not None]
        slices = statistics.median(c.rank.slices for c in cs)
        rho = f"{statistics.median(rhos):+.2f} ({slices:g})" if rhos else "n/a"
        print(
            f"| {name} | {len(cs)} | {cells[0]} | {cells[1]} | {levels['good']} / "
            f"{levels['mixed']} / {levels['poor']} | {rho} |"
        )


if __name__ == "__main__":
    main()
