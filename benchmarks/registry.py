"""Registry import speed and lookup latency.

    python benchmarks/registry.py [--rows 1000000] [--lookups 20000] [--db URL] [--keep DIR]

Generates a synthetic registry CSV (seeded), imports it into a fresh store (SQLite file by
default), imports it again (the idempotent no-op path), then times single-plate lookups
through Registry.lookup (plates as typed: lower case, spaces). Prints rows/s by wall clock
and by this process's CPU time (the development machines are shared: CPU time tells the
code's own cost), and lookup latency median / p99.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry.synth import generate, write_registry_csv


def _timed_import(reg: Registry, path: Path, label: str) -> None:
    cpu = time.process_time()
    report = import_csv(reg, path)
    cpu = time.process_time() - cpu
    print(
        f"{label}: {report.rows:,} rows in {report.seconds:.1f} s wall = "
        f"{report.rows_per_second:,.0f} rows/s; CPU {cpu:.1f} s = {report.rows / cpu:,.0f} rows/s "
        f"({report.inserted:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged, "
        f"{report.rejected:,} rejected, {report.distinct_pairs:,} distinct make/model texts)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", help="SQLAlchemy URL of an EMPTY store (default: temp SQLite)")
    parser.add_argument("--keep", type=Path, help="keep the CSV and SQLite file in this folder")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "registry.csv"
        start = time.perf_counter()
        vehicles = list(generate(args.rows, seed=args.seed))
        write_registry_csv(csv_path, vehicles)
        size_mb = csv_path.stat().st_size / 1e6
        took = time.perf_counter() - start
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {took:.1f} s")

        url = args.db or f"sqlite:///{folder / 'registry.db'}"
        with Registry.open(url) as reg:
            if reg.count():
                raise SystemExit(f"{url} is not empty: give an empty store")
            print(f"store: {reg.engine.dialect.name}")
            _timed_import(reg, csv_path, "import (fresh store)")
            _timed_import(reg, csv_path, "re-import (no change)")

            rng = random.Random(args.seed)
            sample = [rng.choice(vehicles).plate for _ in range(args.lookups)]
            typed = [p.lower().replace("-", " ") for p in sample]
            for plate in typed[:200]:  # warm the connection pool and caches
                reg.lookup(plate)
            latencies = []
            cpu = time.process_time()
            for plate in typed:
                t = time.perf_counter()
                record = reg.lookup(plate)
                latencies.append(time.perf_counter() - t)
                if record is None:
                    raise SystemExit(f"lookup of {plate!r} found nothing")
            cpu = time.process_time() - cpu
            latencies.sort()
            p99 = latencies[int(0.99 * (len(latencies) - 1))]
            median = statistics.median(latencies)
            print(
                f"lookup: {len(latencies):,} plates, median {1e6 * median:.0f} µs, "
                f"p99 {1e6 * p99:.0f} µs, max {1e6 * latencies[-1]:.0f} µs; "
                f"CPU {1e6 * cpu / len(latencies):.0f} µs per lookup"
            )


if __name__ == "__main__":
    main()
