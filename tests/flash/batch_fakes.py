"""A stand-in checker for batch tests (module-level, so worker processes can import it)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twinflash.flash.verdict import Verdict


@dataclass(frozen=True)
class SlowChecker:
    """Judges by brightness, `delay_s` per photo; logs every call to `calls` (one line per
    check, with its pid) so a test can count what was redone."""

    calls: str
    delay_s: float = 0.0

    def __call__(self) -> SlowChecker:
        return self

    def check(self, rgb: np.ndarray, plate: str | None = None, **_: object) -> Verdict:
        time.sleep(self.delay_s)
        with Path(self.calls).open("a") as fh:
            fh.write(f"{os.getpid()} {plate}\n")
        score = float(np.asarray(rgb).mean() / 255)
        status = "suspected_clone" if score > 0.5 else "consistent"
        return Verdict(status, score, plate, [(plate or "", 1.0)],
                       {"make": "Renault", "model": "Twingo", "body": "city_car"},
                       [("RENAULT TWINGO", 1 - score)], ["fake"], None)  # fmt: skip


@dataclass(frozen=True)
class BoxChecker:
    """Says which vehicle box it was given, in its reasons."""

    def __call__(self) -> BoxChecker:
        return self

    def check(self, rgb: np.ndarray, plate: str | None = None, **kw: object) -> Verdict:
        box = kw.get("vehicle_box_xyxy")
        return Verdict("consistent", 0.0, plate, [], None, [], [f"box {box}"], None)
