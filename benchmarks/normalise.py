"""Accuracy of the make/model normaliser on the labelled file.

    python benchmarks/normalise.py [--file tests/flash/data/normalise_labelled.csv] [-v]

Prints: rows, % correct, % confidently wrong (an accepted answer that is wrong), per-kind
accuracy, normalisations per CPU second; -v lists every miss. The held-out file is
tests/flash/data/normalise_holdout.csv.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from twinflash.flash.evaluation import evaluate, load_labelled
from twinflash.flash.normalise import Normaliser
from twinflash.flash.taxonomy import load_taxonomy

DEFAULT = Path(__file__).resolve().parents[1] / "tests/flash/data/normalise_labelled.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    rows = load_labelled(args.file)
    normaliser = Normaliser(load_taxonomy())  # fresh: no cache from another run
    start = time.process_time()
    report = evaluate(normaliser, rows)
    elapsed = time.process_time() - start
    print(f"rows: {report.total}  (file: {args.file.name})")
    print(f"correct: {report.correct} = {100 * report.accuracy:.1f}%")
    print(f"confidently wrong: {report.confidently_wrong} = {100 * report.wrong_rate:.2f}%")
    print(f"answered unknown where an answer was expected: {report.missed}")
    print(f"speed (uncached, CPU time): {report.total / elapsed:,.0f} rows/s")
    print("per kind:")
    for kind, (ok, n) in sorted(report.by_kind.items()):
        print(f"  {kind:<16} {ok:>4}/{n:<4} {100 * ok / n:5.1f}%")
    if args.verbose:
        for miss in report.misses:
            print("MISS", miss)


if __name__ == "__main__":
    main()
