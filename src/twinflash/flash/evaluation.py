"""Accuracy of the make/model normaliser on a labelled file (benchmarks/normalise.py and
the tests)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twinflash.flash.normalise import Normaliser


@dataclass(frozen=True, slots=True)
class LabelledRow:
    d1: str
    d3: str
    expected: tuple[str, str]  # (make, model), "unknown" where no answer is right
    kind: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    total: int
    correct: int
    confidently_wrong: int
    missed: int
    by_kind: dict[str, tuple[int, int]]
    misses: list[str]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def wrong_rate(self) -> float:
        return self.confidently_wrong / self.total


def load_labelled(path: str | Path) -> list[LabelledRow]:
    """Read a CSV with columns d1, d3, expected_make, expected_model, kind."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [
            LabelledRow(r["d1"], r["d3"], (r["expected_make"], r["expected_model"]), r["kind"])
            for r in csv.DictReader(fh)
        ]


def evaluate(normaliser: Normaliser, rows: list[LabelledRow]) -> Evaluation:
    """Correct: the answer (with "unknown" parts) equals the label. Confidently wrong: an
    accepted answer (a make, or a make and model) that differs from the label."""
    correct = wrong = missed = 0
    by_kind: dict[str, list[int]] = {}
    misses: list[str] = []
    for row in rows:
        got = normaliser.normalise(row.d1, row.d3)
        kind = row.kind.split()[0]
        tally = by_kind.setdefault(kind, [0, 0])
        tally[1] += 1
        if got.key == row.expected:
            correct += 1
            tally[0] += 1
            continue
        exp_make, exp_model = row.expected
        confidently = (got.make is not None and got.make != exp_make) or (
            got.model is not None and got.model != exp_model
        )
        wrong += confidently
        missed += not confidently
        tag = "WRONG" if confidently else "unknown"
        misses.append(
            f"{tag}: {row.d1!r} / {row.d3!r} -> {got.key} {got.score} "
            f"({got.method}); expected {row.expected}"
        )
    return Evaluation(
        total=len(rows),
        correct=correct,
        confidently_wrong=wrong,
        missed=missed,
        by_kind={k: (v[0], v[1]) for k, v in by_kind.items()},
        misses=misses,
    )
