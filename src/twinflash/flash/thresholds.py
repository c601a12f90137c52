"""Verdict thresholds chosen on validation photos to bound the false-alarm rate.

The clone score of a photo against a registry vehicle is ``1 - p``, where ``p`` is the
recogniser's calibrated probability that the photo shows that vehicle, at the level it can
judge (model, make or body type). A photo is flagged when its score reaches the level's
threshold. A false alarm is an honest photo (its registry label is right) that is flagged:
the error that sends a fine to an innocent owner's file, so it is the one bounded.

For each level the honest scores of labelled validation photos are sorted and the
threshold is put just above the (k+1)-th highest, for the largest k whose one-sided
Clopper-Pearson upper bound on the false-alarm rate (k alarms in n photos, at
``confidence``) stays within ``target``. With few photos even k = 0 cannot reach the
target (0 alarms in n photos bounds the rate by ``1 - (1 - confidence)^(1/n)``: 2,995
photos are needed for 1 in 1,000 at 95 %); the threshold is then put above every honest
score and the file records ``certified: false`` with the bound actually reached. Such a
level never accuses: the verdict says ``inconclusive`` and why, unless the thresholds were
calibrated with ``allow_uncertified`` (an experiment, recorded in the file and in every
verdict). ``min_score`` is a floor whatever the data says: a photo is never flagged while
the registry vehicle keeps more than ``1 - min_score`` probability.

Levels judged for registry models the recogniser never saw (make, body) are calibrated on
simulated unseen models: each honest photo's own class (for the make level) or own make
(for the body level) is removed from its probabilities, which are renormalised, as if the
network had never been trained on it. Simulated clones (the registry label swapped for
another class, make or body) give the recall figures, by kind of clone.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.errors import InputError
from twinflash.files import atomic_write_text
from twinflash.flash.recogniser.labels import ClassSet

SCHEMA_VERSION = 2  # 2: allow_uncertified (default False) replaced require_certified
THRESHOLDS = "thresholds.json"
LEVELS = ("model", "make", "body")


def clopper_pearson_upper(k: int, n: int, confidence: float = 0.95) -> float:
    """One-sided upper bound on a rate after k events in n trials (exact binomial)."""
    if n <= 0:
        return 1.0
    if k >= n:
        return 1.0
    if k == 0:
        return 1.0 - (1.0 - confidence) ** (1.0 / n)
    from scipy.stats import beta

    return float(beta.ppf(confidence, k + 1, n - k))


def photos_needed(target: float, confidence: float = 0.95) -> int:
    """Honest photos needed, with no false alarm among them, to certify `target`."""
    return math.ceil(math.log(1.0 - confidence) / math.log(1.0 - target))


@dataclass(frozen=True)
class LevelThreshold:
    """The threshold of one level and what the validation data says about it."""

    level: str
    threshold: float | None  # None: no honest photo to calibrate on; never flag
    n_honest: int
    false_alarms: int  # honest validation photos at or above the threshold
    false_alarm_upper: float  # one-sided Clopper-Pearson bound at `confidence`
    certified: bool  # false_alarm_upper <= target
    n_clones: int  # simulated clones
    recall: float | None  # share of simulated clones at or above the threshold
    recall_by_kind: dict[str, list[float]] = field(default_factory=dict)  # kind -> [recall, n]


@dataclass(frozen=True)
class Thresholds:
    """Everything the verdict decides with, saved as ``thresholds.json`` beside the model."""

    levels: dict[str, LevelThreshold]
    target_false_alarm: float = 0.001
    confidence: float = 0.95
    min_score: float = 0.9  # never flag while p(registry vehicle) > 1 - min_score
    consistent_below: float = 0.5  # "consistent" needs a clone score under this
    min_plate_confidence: float = 0.7  # a plate read less surely is "uncertain"
    # a plate read from fewer pixels is "uncertain", whatever the reader's confidence: at
    # 10 px high the reader misreads AB-153-CE as AS-153-CE with confidence 0.85
    min_plate_height_px: float = 14.0
    ambiguity_ratio: float = 0.9  # a 2nd reading this close to the best: "several readings"
    lookalike_ratio: float = 0.6  # readings this close are checked in the registry too
    # flag at a level whose bound misses the target (experiments only): by default such a
    # level gives "inconclusive", so no honest owner is accused beyond what is certified
    allow_uncertified: bool = False
    source: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def for_level(self, level: str) -> LevelThreshold | None:
        return self.levels.get(level)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any], where: str = THRESHOLDS) -> Thresholds:
        if isinstance(doc, dict) and doc.get("schema_version") == 1:
            # version 1 flagged uncertified levels unless `require_certified`; none of its
            # files opted in explicitly, so they are read with the honest default
            doc = {k: v for k, v in doc.items() if k != "require_certified"}
            doc["schema_version"] = SCHEMA_VERSION
        if not isinstance(doc, dict) or doc.get("schema_version") != SCHEMA_VERSION:
            version = doc.get("schema_version") if isinstance(doc, dict) else None
            raise InputError(f"{where}: schema_version {version!r}, expected {SCHEMA_VERSION}")
        try:
            levels = {k: LevelThreshold(**v) for k, v in doc["levels"].items()}
            rest = {k: v for k, v in doc.items() if k != "levels"}
            return cls(levels=levels, **rest)
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{where}: malformed thresholds ({exc})") from None


def save_thresholds(thresholds: Thresholds, model_dir: Path) -> Path:
    """Write ``thresholds.json`` atomically in the model directory."""
    path = Path(model_dir) / THRESHOLDS
    atomic_write_text(path, json.dumps(thresholds.to_json(), indent=2, sort_keys=True) + "\n")
    return path


def load_thresholds(model_dir: Path) -> Thresholds:
    path = Path(model_dir) / THRESHOLDS
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(
            f"{path}: no thresholds; run 'twinflash flash calibrate {model_dir} DATA' first"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    return Thresholds.from_json(doc, str(path))


def choose_threshold(
    honest: np.ndarray, target: float, confidence: float, floor: float
) -> tuple[float, int, float]:
    """(threshold, false alarms among `honest`, their upper bound): the lowest threshold
    (most clones caught) whose bound meets `target`, else one above every honest score."""
    s = np.sort(np.asarray(honest, np.float64))[::-1]
    n = len(s)
    k = 0
    while k + 1 < n and clopper_pearson_upper(k + 1, n, confidence) <= target:
        k += 1
    above = float(s[k]) if n else 0.0  # the (k+1)-th highest honest score stays below
    threshold = max(floor, float(np.nextafter(above, np.inf)))
    alarms = int((s >= threshold).sum())
    return threshold, alarms, clopper_pearson_upper(alarms, n, confidence)


def _renormalised_without(probs: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """`probs` with the classes in the boolean mask `drop` removed, renormalised."""
    p = np.where(drop, 0.0, probs)
    total = p.sum()
    return p / total if total > 0 else p


def level_scores(
    probs: np.ndarray, labels: np.ndarray, classes: ClassSet
) -> dict[str, tuple[np.ndarray, list[tuple[float, str]]]]:
    """Per level: honest clone scores, and simulated clones as (score, kind).

    Kinds: ``other_body``, ``same_body_other_make``, ``same_make_other_model`` (model
    level); ``other_make`` (make level); ``other_body`` (body level).
    """
    makes = np.array([mk for mk, _ in classes.classes])
    bodies = np.array(classes.bodies)
    out: dict[str, tuple[list[float], list[tuple[float, str]]]] = {lv: ([], []) for lv in LEVELS}
    make_labels, make_m = classes.level_matrix("make")
    body_labels, body_m = classes.level_matrix("body")
    for p, c in zip(np.asarray(probs, np.float64), np.asarray(labels, int), strict=True):
        out["model"][0].append(1.0 - p[c])
        for d in range(len(classes.classes)):
            if d == c:
                continue
            if bodies[d] != bodies[c]:
                kind = "other_body"
            elif makes[d] != makes[c]:
                kind = "same_body_other_make"
            else:
                kind = "same_make_other_model"
            out["model"][1].append((1.0 - p[d], kind))
        same_make = makes == makes[c]
        if same_make.sum() > 1:  # the photo's make has other trained models: make level
            q = _renormalised_without(p, np.arange(len(p)) == c)
            out["make"][0].append(1.0 - float(q @ make_m[:, make_labels.index(makes[c])]))
        pm = p @ make_m
        for j, mk in enumerate(make_labels):
            if mk != makes[c]:
                out["make"][1].append((1.0 - float(pm[j]), "other_make"))
        other_makes_same_body = (bodies == bodies[c]) & ~same_make
        if other_makes_same_body.any():  # body level: the whole make unseen
            q = _renormalised_without(p, same_make)
            out["body"][0].append(1.0 - float(q @ body_m[:, body_labels.index(bodies[c])]))
        pb = p @ body_m
        for j, b in enumerate(body_labels):
            if b != bodies[c]:
                out["body"][1].append((1.0 - float(pb[j]), "other_body"))
    return {lv: (np.array(h), cl) for lv, (h, cl) in out.items()}


def calibrate(
    probs: np.ndarray,
    labels: np.ndarray,
    classes: ClassSet,
    *,
    target: float = 0.001,
    confidence: float = 0.95,
    min_score: float = 0.9,
    allow_uncertified: bool = False,
    source: dict[str, Any] | None = None,
) -> Thresholds:
    """Thresholds per level from calibrated probabilities of honest validation photos.
    `allow_uncertified`: let levels that miss `target` flag anyway (experiments only)."""
    if not 0 < target < 1 or not 0 < confidence < 1:
        raise InputError(f"target {target} and confidence {confidence} must be in (0, 1)")
    levels: dict[str, LevelThreshold] = {}
    for level, (honest, clones) in level_scores(probs, labels, classes).items():
        if len(honest) == 0:
            levels[level] = LevelThreshold(level, None, 0, 0, 1.0, False, len(clones), None)
            continue
        t, alarms, upper = choose_threshold(honest, target, confidence, min_score)
        by_kind: dict[str, list[float]] = {}
        for kind in sorted({k for _, k in clones}):
            s = [score for score, k in clones if k == kind]
            by_kind[kind] = [float(np.mean(np.array(s) >= t)), float(len(s))]
        recall = float(np.mean([score >= t for score, _ in clones])) if clones else None
        levels[level] = LevelThreshold(
            level, t, len(honest), alarms, upper, upper <= target, len(clones), recall, by_kind
        )
    return Thresholds(
        levels=levels,
        target_false_alarm=target,
        confidence=confidence,
        min_score=min_score,
        allow_uncertified=allow_uncertified,
        source=dict(source or {}),
    )


def calibrate_model(
    model_dir: Path,
    data: Path,
    *,
    split: str | None = "val",
    target: float = 0.001,
    confidence: float = 0.95,
    min_score: float = 0.9,
    allow_uncertified: bool = False,
) -> Thresholds:
    """Thresholds of a trained model from labelled photos (any layout ``flash train``
    reads), written to ``model_dir/thresholds.json``.

    `split`: the photos of that split only (``None``: all). Use photos the model was not
    trained on; its validation split was used for early stopping and the temperature, so a
    separate labelled set gives a more honest bound.
    """
    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.data import discover, load_crops

    rec = Recogniser(Path(model_dir))
    found = discover(Path(data))
    if split is not None:
        found.samples = [s for s in found.samples if s.split == split]
        if not found.samples:
            raise InputError(
                f"{data}: no labelled photo in split {split!r} (use `split=None` for all)"
            )
    loaded = load_crops(found, rec.spec, min_per_class=1)  # one honest photo is a photo
    known = set(rec.classes.classes)
    keep = [i for i, s in enumerate(loaded.samples) if (s.make, s.model) in known]
    if not keep:
        raise InputError(f"{data}: no photo of a class the model {model_dir} was trained on")
    labels = np.array([rec.classes.index(loaded.samples[i].make, loaded.samples[i].model)
                       for i in keep])  # fmt: skip
    probs = rec.probabilities([loaded.crops[i] for i in keep])
    thresholds = calibrate(
        probs, labels, rec.classes, target=target, confidence=confidence, min_score=min_score,
        allow_uncertified=allow_uncertified,
        source={"data": str(data), "split": split, "photos": len(keep),
                "skipped": len(loaded.skipped) + len(loaded.samples) - len(keep)},
    )  # fmt: skip
    save_thresholds(thresholds, Path(model_dir))
    return thresholds
