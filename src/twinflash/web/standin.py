"""A stand-in for `twinflash.flash.verdict` while it is being built: same shapes, no models.

The real clone verdict (registry record vs recognised make/model) is another engineer's
work in progress. The review flow is coded against the interface below; `checking.py`
chooses the implementation in one line. The stand-in is deterministic: a manifest may say
what to expect for a plate (status, score, plate box), and anything it does not say is
derived from a hash of the plate, so the same upload always gives the same queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from twinflash.flash import verdict

Status = Literal["consistent", "suspected_clone", "inconclusive"]
STATUSES: tuple[Status, ...] = ("consistent", "suspected_clone", "inconclusive")
MODELS = ("RENAULT CLIO", "PEUGEOT 208", "CITROEN C3", "DACIA SANDERO", "TOYOTA YARIS")


@dataclass(frozen=True)
class Verdict:
    """Exactly the shape of `twinflash.flash.verdict.Verdict` (agreed interface)."""

    status: Status
    score: float  # clone score in [0, 1]; orders the review queue
    plate: str | None
    plate_readings: list[tuple[str, float]]
    registry: dict[str, str] | None  # {"make", "model", "body"}
    recognised: list[tuple[str, float]]  # "MAKE MODEL", probability
    reasons: list[str]
    plate_xyxy: tuple[float, float, float, float] | None

    def to_json(self) -> dict:
        out = asdict(self)
        out["plate_readings"] = [list(r) for r in self.plate_readings]
        out["recognised"] = [list(r) for r in self.recognised]
        out["plate_xyxy"] = list(self.plate_xyxy) if self.plate_xyxy else None
        return out


class Checker(Protocol):
    """The stand-in or the real `CloneChecker`: the review flow reads either verdict."""

    def check(self, rgb: np.ndarray, plate: str | None = None) -> Verdict | verdict.Verdict: ...


@dataclass(frozen=True)
class Expected:
    """What a manifest row says the stand-in should answer for a plate."""

    status: Status | None = None
    score: float | None = None
    plate_xyxy: tuple[float, float, float, float] | None = None


def _unit(text: str, salt: str) -> float:
    """A number in [0, 1) fixed by `text`: deterministic across runs and machines."""
    digest = hashlib.sha256(f"{salt}:{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class StandinChecker:
    """Deterministic verdicts driven by `expected` (keyed by plate) and an optional registry
    lookup (plate -> {"make", "model", "body"} or None)."""

    expected: Mapping[str, Expected] = field(default_factory=dict)
    lookup: Callable[[str], dict[str, str] | None] | None = None

    def check(self, rgb: np.ndarray, plate: str | None = None) -> Verdict:
        h, w = rgb.shape[:2]
        if not plate:
            return Verdict(
                "inconclusive",
                0.0,
                None,
                [],
                None,
                [],
                ["no plate given: nothing to compare"],
                None,
            )
        exp = self.expected.get(plate, Expected())
        status: Status = exp.status or STATUSES[int(_unit(plate, "status") * 3)]
        u = _unit(plate, "score")
        default_score = {"suspected_clone": 0.6 + 0.4 * u, "inconclusive": 0.3 + 0.3 * u}
        score = exp.score if exp.score is not None else default_score.get(status, 0.3 * u)
        record = self.lookup(plate) if self.lookup else None
        if record is None:
            make, model = MODELS[int(_unit(plate, "model") * len(MODELS))].split(" ", 1)
            record = {"make": make, "model": model, "body": "CI"}
        registered = f"{record['make']} {record['model']}"
        others = [m for m in MODELS if m != registered]
        top = (
            others[int(_unit(plate, "top") * len(others))]
            if status == "suspected_clone"
            else registered
        )
        second = next(m for m in MODELS if m != top)
        recognised = [(top, round(0.55 + 0.4 * u, 3)), (second, round(0.3 * (1 - u), 3))]
        reasons = {
            "suspected_clone": f"recognised {top}, registry says {registered}",
            "consistent": f"recognised {top} matches the registry",
            "inconclusive": "recogniser unsure between its top answers",
        }[status]
        box = exp.plate_xyxy or (0.4 * w, 0.72 * h, 0.6 * w, 0.8 * h)
        return Verdict(
            status=status,
            score=round(float(min(max(score, 0.0), 1.0)), 4),
            plate=plate,
            plate_readings=[(plate, 0.93)],
            registry=record,
            recognised=recognised,
            reasons=[reasons, "stand-in verdict: no recogniser model (serve --model DIR)"],
            plate_xyxy=box,
        )
