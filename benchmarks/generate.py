"""Dataset generation throughput: images per hour with 1 and 2 workers, the scaling ratio,
the time shares of rendering, annotation and writing, and each worker's memory.

    .venv/bin/python benchmarks/generate.py [--plan examples/plans/pedestrians_by_condition.yaml]
        [--count 24] [--resolution 320x180] [--samples 8] [--workers 1,2] [--recycle-every 10]
        [--threads-per-worker N] [--pin on|off|both]

Each worker count renders the same samples into a fresh directory with the local executor
(spawned processes, recycled every K scenes). By default workers split the cores (the
machine's throughput: one worker gets every core); `--threads-per-worker 1` gives every
worker count the same threads per worker (each pinned to its own core), which measures how
the executor scales with workers when each has its own cores (a many-core machine or a
cluster). `--pin both` runs each worker count unpinned too (Blender's other thread pools
then see every core), the baseline for core pinning. Wall time counts from the start of
`generate` to the last sample (process start-up included; the dataset-level exports are
timed separately). Shares come from the per-sample journal: render = build + beauty +
annotation passes + mesh extraction, annotate = `annotate_frame`, write = the atomic
sample write; CPU s/image is the median CPU time of a worker per image (all its threads),
which other jobs on the machine inflate less than wall time. Memory: per worker process,
peak RSS (ru_maxrss) and the RSS after its first and last scene, to see whether it grows.

Baseline in the same run: this machine's own ceiling for N processes, a pure-Python CPU
loop run by 1 and by N processes at once, median of 5 alternating pairs: what N perfectly
independent jobs gain on these cores (below N on a VM whose vCPUs share a host's cores
or caches). Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from twinflash.datasets.executors import LocalExecutor
from twinflash.datasets.exports import build_all
from twinflash.datasets.generate import generate
from twinflash.datasets.plan import load_plan
from twinflash.datasets.store import DatasetDir

REPO = Path(__file__).resolve().parents[1]
PHASES = ("build", "image", "passes", "geometry")


def _spin(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


def cpu_ceiling(processes: int, iterations: int = 30_000_000) -> float:
    """Loops per second of `processes` CPU-bound processes running at once."""
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_spin, [1000] * processes)  # processes started before the clock
        t0 = time.perf_counter()
        pool.map(_spin, [iterations] * processes)
        return processes * iterations / (time.perf_counter() - t0)


class UnpinnedExecutor(LocalExecutor):
    """The local executor without core pinning: the baseline `--pin both` compares with."""

    pinned = False


def _run(plan, out: Path, workers: int, recycle: int, threads: int | None, pin: bool) -> dict:
    kind = LocalExecutor if pin else UnpinnedExecutor
    executor = kind(workers=workers, recycle_every=recycle, threads_per_worker=threads)
    t0 = time.perf_counter()
    report = generate(plan, out, executor=executor, build_exports=False)
    wall = time.perf_counter() - t0
    journal = [r for r in DatasetDir(out).read_jsonl(out / "journal.jsonl") if r["ok"]]
    sums: defaultdict[str, float] = defaultdict(float)
    for r in journal:
        for k, v in r["timings_s"].items():
            sums[k] += v
    per_pid = defaultdict(list)
    for r in journal:
        per_pid[r["pid"]].append(r)
    t1 = time.perf_counter()
    build_all(DatasetDir(out), plan)
    return {
        "workers": workers,
        "pinned": executor.pinned,
        "threads": sorted({r["render_threads"] for r in journal}),
        "images": report.rendered,
        "failed": len(report.failures),
        "wall_s": wall,
        "per_hour": report.rendered / wall * 3600,
        "render_s": sums["render"] / max(1, len(journal)),
        "phases_s": {k: sums[f"render_{k}"] / max(1, len(journal)) for k in PHASES},
        "cpu_s": statistics.median(r["cpu_s"] for r in journal) if journal else float("nan"),
        "annotate_share": sums["annotate"] / sums["render"],
        "write_share": sums["write"] / sums["render"],
        "exports_s": time.perf_counter() - t1,
        "peak_mb": max(r["peak_rss_mb"] for r in journal),
        "processes": len(per_pid),
        "rss_first_last": [(rs[0]["rss_mb"], rs[-1]["rss_mb"], len(rs)) for rs in per_pid.values()],
        # peak RSS of each worker process, in the order the processes finished their first scene
        "peaks_in_order": [max(r["peak_rss_mb"] for r in rs) for rs in per_pid.values()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--plan", type=Path, default=REPO / "examples/plans/pedestrians_by_condition.yaml"
    )
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--resolution", default="320x180")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--recycle-every", type=int, default=10)
    parser.add_argument("--threads-per-worker", type=int, default=None)
    parser.add_argument(
        "--pin",
        choices=("on", "off", "both"),
        default="on",
        help="pin workers to their cores (the default), not, or both side by side",
    )
    parser.add_argument("--out", type=Path, default=None, help="keep the datasets here")
    args = parser.parse_args()
    w, h = (int(v) for v in args.resolution.lower().split("x"))
    plan = load_plan(args.plan).with_overrides((w, h), args.samples, args.count)
    load = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average at start "
        f"{load[0]:.1f}; plan {args.plan.name}, {args.count} images at {args.resolution}, "
        f"{args.samples} samples, workers recycled every {args.recycle_every} scenes"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="twinflash-bench-") as tmp:
        root = args.out or Path(tmp)
        pins = {"on": [True], "off": [False], "both": [False, True]}[args.pin]
        for n in (int(v) for v in args.workers.split(",")):
            for pin in pins:
                out = root / f"workers{n}{'' if pin else '-unpinned'}"
                results.append(_run(plan, out, n, args.recycle_every, args.threads_per_worker, pin))
    print()
    print(
        "| workers | threads each | pinned | images | wall s | images/hour | render s/image "
        "| annotate % of render | write % of render | CPU s/image | exports s "
        "| worker processes | peak RSS MB (max) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        cells = [
            r["workers"],
            ",".join(map(str, r["threads"])),
            "yes" if r["pinned"] else "no",
            r["images"],
            f"{r['wall_s']:.1f}",
            f"{r['per_hour']:.0f}",
            f"{r['render_s']:.2f}",
            f"{100 * r['annotate_share']:.2f}",
            f"{100 * r['write_share']:.2f}",
            f"{r['cpu_s']:.1f}",
            f"{r['exports_s']:.1f}",
            r["processes"],
            f"{r['peak_mb']:.0f}",
        ]
        print("| " + " | ".join(map(str, cells)) + " |")
    by = {(r["workers"], r["pinned"]): r for r in results}
    counts = sorted({r["workers"] for r in results})
    if len(counts) >= 2:
        lo, hi = counts[0], counts[-1]
        ceiling = statistics.median(  # alternating pairs: the VM's speed drifts
            cpu_ceiling(hi) / cpu_ceiling(lo) for _ in range(5)
        )
        print()
        for pin in (False, True):
            if (lo, pin) in by and (hi, pin) in by:
                ratio = by[hi, pin]["per_hour"] / by[lo, pin]["per_hour"]
                kind = "pinned" if pin else "unpinned"
                print(f"scaling ({kind}): {ratio:.2f}x with {hi} workers vs {lo}")
        print(f"this machine's ceiling for {hi // lo}x the processes (CPU loop): {ceiling:.2f}x")
    for n in counts:
        if (n, False) in by and (n, True) in by:
            on, off = by[n, True], by[n, False]
            print(
                f"workers={n}: pinned vs unpinned: {on['per_hour'] / off['per_hour']:.2f}x the "
                f"images per hour, {on['cpu_s'] / off['cpu_s']:.2f}x the CPU s/image"
            )
    for r in results:
        label = f"workers={r['workers']}{'' if r['pinned'] else ' unpinned'}"
        phases = ", ".join(f"{k} {v:.2f}" for k, v in r["phases_s"].items())
        print(f"{label}: render phases, s/image: {phases}")
        growth = [last - first for first, last, n in r["rss_first_last"] if n > 1]
        if growth:
            print(
                f"{label}: RSS change from a process's first to last scene: "
                f"median {statistics.median(growth):+.0f} MB, max {max(growth):+.0f} MB"
            )
        peaks = r["peaks_in_order"]
        if len(peaks) >= 4:  # flat over the run: early processes peak as high as late ones
            k = max(1, len(peaks) // 4)
            print(
                f"{label}: peak RSS per process, first {k} processes "
                f"max {max(peaks[:k]):.0f} MB, last {k} max {max(peaks[-k:]):.0f} MB, "
                f"all {len(peaks)} max {max(peaks):.0f} MB"
            )
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
