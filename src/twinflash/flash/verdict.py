"""The verdict: does the vehicle on a speed-camera photo match the registry record of its plate?

Flow of :class:`CloneChecker`: plate (given by the caller, else read on the photo with
:class:`~twinflash.privacy.plates.PlateReader`) -> registry record (its make/model/body,
normalised at import) -> the recogniser on the plate-anchored crop -> calibrated
probability of the registered vehicle at the finest level the recogniser can judge
(model, make or body type) -> clone score ``1 - p`` against the level's threshold
(:mod:`twinflash.flash.thresholds`, chosen on validation photos to bound false alarms).

A misread plate is the commonest way to accuse an innocent owner, so the verdict is never
``suspected_clone`` when the plate is in doubt: read with low confidence, several readings
about as likely, a look-alike reading also registered, or a given plate that the photo's
plate reads otherwise. Nor does it accuse beyond what is certified: evidence (a level's
threshold, the size check's tolerance) whose false-alarm bound misses the target gives
``inconclusive``, saying how many honest photos would certify it, unless the thresholds
were calibrated with ``allow_uncertified`` (experiments). Those cases, unregistered
plates, registry models the recogniser cannot judge at any level, and photos that neither
match nor clearly contradict the record are ``inconclusive``, with reasons a person can
check.

Imports stay light: onnxruntime is loaded by the recogniser, rapidocr by the plate reader,
each only when a checker is built; torch never.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from twinflash.errors import InputError
from twinflash.flash.crops import PLATE_ASPECT, check_corners
from twinflash.flash.plates import normalise_plate, plate_candidates
from twinflash.flash.ruler import RulerCalibration, catalogue_size, load_ruler, vehicle_size
from twinflash.flash.thresholds import LevelThreshold, Thresholds, load_thresholds

if TYPE_CHECKING:
    from twinflash.flash.recognise import Recogniser, Recognition
    from twinflash.flash.registry.store import VehicleRecord

Status = Literal["consistent", "suspected_clone", "inconclusive"]
XYXY = tuple[float, float, float, float]


@dataclass(frozen=True)
class Verdict:
    """What a person reviewing the photo needs: the decision, its score and its reasons."""

    status: Status
    score: float  # clone score in [0, 1]; orders the review queue
    plate: str | None  # canonical plate looked up (None if none read)
    plate_readings: list[tuple[str, float]]  # alternatives with confidence
    registry: dict[str, str] | None  # {"make","model","body"} of the SIV record
    recognised: list[tuple[str, float]]  # top answers "MAKE MODEL", calibrated
    reasons: list[str]
    plate_xyxy: XYXY | None
    false_alarm: FalseAlarmPromise | None = None  # None: no threshold was used

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["plate_readings"] = [[t, round(c, 4)] for t, c in self.plate_readings]
        doc["recognised"] = [[t, round(p, 4)] for t, p in self.recognised]
        doc["score"] = round(self.score, 4)
        doc["plate_xyxy"] = (
            None if self.plate_xyxy is None else [round(v, 1) for v in self.plate_xyxy]
        )
        return doc


class Checker(Protocol):
    def check(self, rgb: np.ndarray, plate: str | None = None) -> Verdict: ...


class Reading(Protocol):  # read-only: a frozen dataclass (PlateReading) is one
    @property
    def text(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def xyxy(self) -> XYXY: ...
    @property
    def confident(self) -> bool: ...  # False: below the reader's calibrated threshold


class Reader(Protocol):
    def read(self, rgb: np.ndarray) -> Sequence[Reading]: ...


class RegistryLike(Protocol):
    def lookup_many(self, plates: Iterable[str]) -> dict[str, VehicleRecord]: ...


# Plate width / the width of the verdict's reader's box (`AccusingReader`). Not the 1.25 a
# box tight on the text would need (the characters span ~80 % of a plate): measured on the
# demo's 800x600 renders, the box is 1.035 +- 0.053 plate widths wide (n = 30, day,
# infra-red night, rain, 8-12 m; benchmarks/plate_box.py), so 1.25 made the plate ~30 %
# too wide and the vehicle in the crop ~23 % too small. Fitted on 15 photos, the factor
# estimates the other 15 plates' widths to +1 % +- 6 % (max 10 %).
PLATE_WIDTHS_PER_TEXT_BOX = 0.97


def plate_corners_from_text_box(xyxy: XYXY) -> np.ndarray:
    """Plate corners estimated from the box of its text line (what the reader returns):
    `PLATE_WIDTHS_PER_TEXT_BOX` box widths wide, level, centred on the box."""
    x0, y0, x1, y1 = (float(v) for v in xyxy)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = PLATE_WIDTHS_PER_TEXT_BOX * (x1 - x0)
    h = w / PLATE_ASPECT
    return np.array(
        [[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2], [cx + w / 2, cy + h / 2],
         [cx - w / 2, cy + h / 2]]
    )  # fmt: skip


def _plate_height_px(text_xyxy: XYXY) -> float:
    """Height of the reader's box around the plate's text: a steadier measure of the pixels
    read than its width (measured against exact plate corners, the box is 1.0-1.25 plate
    heights high, but 0.85-1.4 plate widths wide, depending on the photo)."""
    return float(text_xyxy[3]) - float(text_xyxy[1])


def _name(make: str, model: str | None = None) -> str:
    return f"{make} {model}".upper() if model else make.upper()


def _check_image(rgb: np.ndarray) -> np.ndarray:
    arr = np.asarray(rgb)
    ok = arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (1, 3))
    if not ok or arr.shape[0] < 8 or arr.shape[1] < 8 or arr.dtype != np.uint8:
        raise InputError(
            f"photo: expected an (h, w) or (h, w, 3) uint8 array of at least 8x8, "
            f"got {arr.dtype} {arr.shape}"
        )
    return arr[:, :, 0] if arr.ndim == 3 and arr.shape[2] == 1 else arr


@dataclass
class _Plate:
    """The plate as far as the checker could tell: text, readings, doubts, location."""

    text: str | None
    readings: list[tuple[str, float]]
    corners: np.ndarray | None
    doubts: list[str]
    lookalikes: list[str]
    notes: list[str]


class CloneChecker:
    """Plate -> registry -> recogniser -> :class:`Verdict` (see the module docstring)."""

    def __init__(
        self,
        model_dir: Path | str,
        registry: RegistryLike,
        reader: Reader | None = None,
        thresholds: Thresholds | None = None,
        *,
        recogniser: Recogniser | None = None,
        threads: int = 0,
        ruler: RulerCalibration | None = None,
    ) -> None:
        from twinflash.flash.recognise import Recogniser

        self.model_dir = Path(model_dir)
        self.thresholds = thresholds or load_thresholds(self.model_dir)
        self.ruler = ruler or load_ruler(self.model_dir)  # None: vehicle boxes are not used
        self.recogniser = recogniser or Recogniser(self.model_dir, threads=threads)
        self.registry = registry
        self._reader = reader
        self._threads = threads

    @property
    def reader(self) -> Reader:
        """The plate reader, built on first need (rapidocr loads in ~1 s): readings with
        probabilities and a calibrated `confident` flag (`privacy.plate_reading`)."""
        if self._reader is None:
            from twinflash.privacy.plate_reading import AccusingReader

            self._reader = AccusingReader(threads=self._threads)
        return self._reader

    # --- the plate ------------------------------------------------------------------------

    def _locate(self, image: np.ndarray, plate: str | None, corners_xy: Any) -> _Plate:
        t = self.thresholds
        corners = check_corners(corners_xy) if corners_xy is not None else None
        rgb = np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image
        if plate is not None:
            try:
                given = normalise_plate(plate).text
            except ValueError as exc:
                raise InputError(f"malformed plate: {exc}") from None
            notes, doubts = [f"plate {given} given by the caller"], []
            if corners is None:
                found = list(self.reader.read(rgb))
                match = [r for r in found if r.text == given]
                if match or found:
                    corners = plate_corners_from_text_box((match or found)[0].xyxy)
                if found and not match and found[0].confidence >= t.min_plate_confidence:
                    doubts.append(
                        f"the photo's plate reads {found[0].text} "
                        f"({found[0].confidence:.2f}), not {given}"
                    )
            alike = [p.text for p in plate_candidates(given, max_substitutions=1)[1:]]
            return _Plate(given, [(given, 1.0)], corners, doubts, alike, notes)
        found = sorted(self.reader.read(rgb), key=lambda r: -r.confidence)
        readings = [(r.text, float(r.confidence)) for r in found]
        if not found:
            return _Plate(None, [], corners, [], [], ["no plate found on the photo"])
        best = found[0]
        if corners is None:
            corners = plate_corners_from_text_box(best.xyxy)
        doubts = []
        height_px = _plate_height_px(best.xyxy)
        if height_px < t.min_plate_height_px:
            doubts.append(
                f"plate read {best.text} from a box {height_px:.0f} px high "
                f"< {t.min_plate_height_px:.0f}: too few pixels to trust the reading"
            )
        if best.confidence < t.min_plate_confidence:
            doubts.append(
                f"plate read {best.text} with confidence {best.confidence:.2f} "
                f"< {t.min_plate_confidence:.2f}"
            )
        elif not best.confident:
            doubts.append(f"plate read {best.text} ({best.confidence:.2f}) below the reader's "
                          "calibrated threshold")  # fmt: skip
        rivals = [r for r in found[1:] if r.confidence >= t.ambiguity_ratio * best.confidence]
        if rivals:
            doubts.append(
                "several readings: " + ", ".join(f"{r.text} {r.confidence:.2f}" for r in found[:3])
            )
        alike = [r.text for r in found[1:] if r.confidence >= t.lookalike_ratio * best.confidence]
        alike += [p.text for p in plate_candidates(best.text, max_substitutions=1)[1:]]
        notes = [f"plate read {best.text} ({best.confidence:.2f})"]
        return _Plate(best.text, readings, corners, doubts, list(dict.fromkeys(alike)), notes)

    # --- the verdict ----------------------------------------------------------------------

    def _size(
        self, box: Any, corners: np.ndarray, reg: dict[str, str], exact: bool
    ) -> tuple[list[str], bool]:
        """The plate-as-a-ruler check: (reason, contradicts). Needs a vehicle box, a ruler
        calibration beside the model, the registered model's catalogue dimensions, and the
        plate's corners from the caller (`exact`): corners estimated from the reader's box
        are off by up to 10 % in width (6 % sd; 7 of 15 photos beyond 5 %), beyond the
        ruler's 5 % tolerance (benchmarks/plate_box.py on the demo's renders)."""
        if box is None or self.ruler is None:
            return [], False
        if not exact:
            return ["no size check: the plate's corners are estimated from the reader's box, "
                    "the ruler needs exact corners"], False  # fmt: skip
        truth = catalogue_size(reg["make"], reg["model"])
        if truth is None:
            return [], False
        try:
            size = vehicle_size(corners, tuple(float(v) for v in box))  # type: ignore[arg-type]
        except ValueError as exc:
            raise InputError(f"bad vehicle box: {exc}") from None
        dev = self.ruler.deviation(size, truth)
        bias = np.array(self.ruler.bias_wh)
        w, h = np.array([size.width_m, size.height_m]) * bias
        bad = self.ruler.contradicts(size, truth)
        tol = self.ruler.tolerance_wh
        return [
            f"size from the plate: {w:.2f} m wide, {h:.2f} m high; registry "
            f"{_name(reg['make'], reg['model'])}: {truth[0]:.2f} x {truth[1]:.2f} m "
            f"({dev[0]:+.0%}, {dev[1]:+.0%}; tolerance {tol[0]:.0%}, {tol[1]:.0%}, "
            f"n={self.ruler.n_tolerance}): {'size differs' if bad else 'size fits'}"
        ], bad

    def check(
        self,
        rgb: np.ndarray,
        plate: str | None = None,
        *,
        plate_corners_xy: Any = None,
        vehicle_box_xyxy: Any = None,
    ) -> Verdict:
        """The verdict on one photo. `plate`: the plate text when the caller has it (else
        read on the photo); `plate_corners_xy`: TL, TR, BR, BL when known exactly (else
        estimated from the reader's text box); `vehicle_box_xyxy`: the vehicle's box, when
        a detector or a person gave it (the plate-as-a-ruler size check, if the model has
        a ``ruler.json``). A malformed plate, box or image: InputError."""
        image = _check_image(rgb)
        pl = self._locate(image, plate, plate_corners_xy)
        xyxy = None
        if pl.corners is not None:
            lo, hi = pl.corners.min(axis=0), pl.corners.max(axis=0)
            xyxy = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

        def verdict(status: Status, reasons: list[str], **kw: Any) -> Verdict:
            fields: dict[str, Any] = {
                "score": 0.0, "registry": None, "recognised": [],
            } | kw  # fmt: skip
            return Verdict(
                status, plate=pl.text, plate_readings=pl.readings, reasons=pl.notes + reasons,
                plate_xyxy=xyxy, **fields,
            )  # fmt: skip

        if pl.text is None:
            return verdict("inconclusive", [])
        records = self.registry.lookup_many([pl.text, *pl.lookalikes])
        others = [
            f"{p} ({_name(r.make or r.make_raw, r.model or r.model_raw)})"
            for p, r in records.items()
            if p != pl.text
        ]
        record = records.get(pl.text)
        if record is None:
            why = [f"plate {pl.text} is not registered"]
            if others:
                why.append("look-alike readings registered: " + ", ".join(others))
            return verdict("inconclusive", why + pl.doubts)
        reg = self._registry_view(record)
        if pl.corners is None:
            why = [f"plate {pl.text} not found on the photo: the vehicle cannot be framed"]
            return verdict("inconclusive", why, registry=reg)
        rec = self.recogniser
        answer = rec.recognise([image], plate_corners=[pl.corners], top_k=3)[0]
        recognised = [(_name(*r.label.split(" | ")), r.p) for r in answer.models]
        judged = rec.judge(answer, record.make_raw, record.model_raw)
        summary = self._summary(reg, answer)
        exact = plate_corners_xy is not None
        size_why, size_differs = self._size(vehicle_box_xyxy, pl.corners, reg, exact)
        kw: dict[str, Any] = {"registry": reg, "recognised": recognised}

        def flag(evidence: list[str], fired: list[tuple[bool, str | None]]) -> Verdict:
            """A clone if the plate is sure and one source of evidence that `fired` (the
            recogniser's threshold, the ruler) is certified at the target, or allowed to
            flag uncertified; else inconclusive, saying what is missing."""
            usable = any(ok for ok, _ in fired)
            gates = [m for _, m in fired if m]
            blockers = list(pl.doubts) + ([] if usable else gates)
            if others:
                blockers.append("look-alike readings also registered: " + ", ".join(others))
            if blockers:
                return verdict("inconclusive", [summary, *evidence, *blockers, "never a clone "
                               "while the plate or the threshold is in doubt"], **kw)  # fmt: skip
            return verdict("suspected_clone", [summary, *evidence, *gates], **kw)

        size_gate = [self._ruler_gate()] if size_differs else []
        if judged.level is None or judged.p is None:
            why = [f"the recogniser knows neither the model, the make nor the body type "
                   f"{reg['body']} of {_name(reg['make'], reg['model'])}"]  # fmt: skip
            if size_differs:
                kw["score"] = 1.0
                return flag(why + size_why, size_gate)
            return verdict("inconclusive", [summary, *why, *size_why], **kw)
        lt = self.thresholds.for_level(judged.level)
        score = float(np.clip(1.0 - judged.p, 0.0, 1.0))
        kw["score"] = max(score, 1.0 if size_differs else 0.0)
        shown = judged.label.replace(" | ", " ").upper() if judged.label else "?"
        measure = f"{judged.level} level: p({shown}) = {judged.p:.3f}, clone score {score:.3f}"
        if lt is not None and lt.threshold is not None:
            kw["false_alarm"] = false_alarm_promise(lt, self.thresholds)
        if lt is None or lt.threshold is None:
            why = [measure, f"no calibrated threshold at the {judged.level} level"]
            if size_differs:
                return flag(why + size_why, size_gate)
            return verdict("inconclusive", [summary, *why, *size_why], **kw)
        if score >= lt.threshold or size_differs:
            if score < lt.threshold:
                return flag([f"{measure} < {lt.threshold:.3f}", *size_why], size_gate)
            evidence = [f"{measure} >= {_rule(lt, self.thresholds)}", *size_why]
            return flag(evidence, [self._threshold_gate(lt, score), *size_gate])
        if score < self.thresholds.consistent_below and not pl.doubts:
            return verdict(
                "consistent", [summary, f"{measure} < {lt.threshold:.3f}", *size_why], **kw
            )
        why = pl.doubts or [
            f"the photo neither matches (score < {self.thresholds.consistent_below:.2f}) nor "
            "clearly contradicts the record"
        ]
        return verdict("inconclusive", [summary, measure, *size_why, *why], **kw)

    # --- what may accuse ------------------------------------------------------------------

    def _gate(self, what: str, why: str, certified: bool, upper: float, n: int
              ) -> tuple[bool, str | None]:  # fmt: skip
        """(may flag, what to say) for evidence (`what`, differing by `why`) certified to
        `upper` false alarms on `n` honest photos: certified at the target, nothing to say;
        short of it, no flag, and the reason says how many photos the target needs, unless
        the thresholds allow uncertified flags (an experiment: said in the reasons)."""
        from twinflash.flash.thresholds import photos_needed

        t = self.thresholds
        if certified:
            return True, None
        short = (f"{what} is certified only to {upper:.1%} false alarms (n={n} honest "
                 f"calibration photos), not the {t.target_false_alarm:.1%} target, which needs "
                 f"{photos_needed(t.target_false_alarm, t.confidence):,} honest photos with "
                 "none flagged")  # fmt: skip
        if t.allow_uncertified:
            return True, f"flagged beyond what is certified (allow_uncertified): {short}"
        return False, f"the photo differs from the registry ({why}), but {short}"

    def _threshold_gate(self, lt: LevelThreshold, score: float) -> tuple[bool, str | None]:
        return self._gate(f"the {lt.level}-level threshold", f"clone score {score:.3f}",
                          lt.certified, lt.false_alarm_upper, lt.n_honest)  # fmt: skip

    def _ruler_gate(self) -> tuple[bool, str | None]:
        """The size check's tolerance is the largest deviation among its n honest photos:
        none of them is a false alarm, so it certifies what a threshold with none would."""
        from twinflash.flash.thresholds import clopper_pearson_upper

        assert self.ruler is not None  # a size that differs needs a ruler
        t, n = self.thresholds, self.ruler.n_tolerance
        upper = clopper_pearson_upper(0, n, t.confidence)
        return self._gate("the size check's tolerance", "size", upper <= t.target_false_alarm,
                          upper, n)  # fmt: skip

    def _registry_view(self, record: VehicleRecord) -> dict[str, str]:
        from twinflash.flash.recogniser.labels import body_of

        if record.make and record.model:
            try:
                body = body_of(record.make, record.model)
            except KeyError:
                body = "unknown"
            return {"make": record.make, "model": record.model, "body": body}
        return {
            "make": record.make or record.make_raw,
            "model": record.model_raw,
            "body": "unknown",
        }

    def _summary(self, reg: dict[str, str], answer: Recognition) -> str:
        """'registry: RENAULT CLIO (hatchback); photo: PEUGEOT 3008 0.97, suv 0.99; body
        differs' — what a reviewer compares first."""
        top, body = answer.models[0], answer.bodies[0]
        make, model = top.label.split(" | ")
        if body.label != reg["body"] and reg["body"] != "unknown":
            diff = "body differs"
        elif make != reg["make"]:
            diff = "same body, make differs"
        elif model != reg["model"]:
            diff = "same make, model differs"
        else:
            diff = "same model"
        return (
            f"registry: {_name(reg['make'], reg['model'])} ({reg['body']}); photo: "
            f"{_name(make, model)} {top.p:.2f}, {body.label} {body.p:.2f}; {diff}"
        )


@dataclass(frozen=True)
class FalseAlarmPromise:
    """What the threshold that judged certifies: the one-sided Clopper-Pearson bound on the
    false-alarm rate given its n honest calibration photos, and how many photos with no
    false alarm the target needs (2,995 for 1 in 1,000 at 95 %). An uncertified threshold
    never accuses unless `allow_uncertified` (calibrated so, for experiments)."""

    level: str
    threshold: float
    n_honest: int
    false_alarms: int
    false_alarm_upper: float
    confidence: float
    target: float
    certified: bool
    honest_photos_needed: int
    allow_uncertified: bool = False  # True: an uncertified threshold may flag (experiment)


def false_alarm_promise(lt: LevelThreshold, t: Thresholds) -> FalseAlarmPromise:
    """The promise of level threshold `lt` (which must have a threshold)."""
    from twinflash.flash.thresholds import photos_needed

    assert lt.threshold is not None
    return FalseAlarmPromise(
        level=lt.level, threshold=lt.threshold, n_honest=lt.n_honest,
        false_alarms=lt.false_alarms, false_alarm_upper=round(lt.false_alarm_upper, 6),
        confidence=t.confidence, target=t.target_false_alarm, certified=lt.certified,
        honest_photos_needed=photos_needed(t.target_false_alarm, t.confidence),
        allow_uncertified=t.allow_uncertified,
    )  # fmt: skip


def _rule(lt: LevelThreshold, t: Thresholds) -> str:
    """The threshold with what it promises, e.g. '0.971 (false alarms <= 0.1% at 95%, n=4000)'."""
    status = "" if lt.certified else f"; target {t.target_false_alarm:.1%} not certified"
    return (
        f"{lt.threshold:.3f} (false alarms <= {lt.false_alarm_upper:.2%} at "
        f"{t.confidence:.0%} confidence, n={lt.n_honest}{status})"
    )
