"""`run_demo`: the clone loop's stages in order, each reusing what a previous run finished.

Stages and what marks them done: photos (one folder each), the recogniser
(``model/card.json``; a killed training resumes from its checkpoint), thresholds
(``model/thresholds.json``), the plate-as-a-ruler calibration (``model/ruler.json``), the
registry (``registry.db``, renamed into place whole), the
batch checked twice, once with the plate text and corners given (``results.parquet``) and
once with the plate read from the photo (``results_read.parquet``; a killed batch resumes
from its journal), and the report (always rewritten: it is cheap). ``demo.json`` records
the size the folder was made with; another size in the same folder is refused rather than
mixed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.clonedemo.photos import CONDITIONS, CORNER_COLS, DEFAULT_MODELS, Photo
from twinflash.clonedemo.registry import Registered
from twinflash.errors import InputError
from twinflash.files import atomic_text, atomic_write_text

SCHEMA_VERSION = 2  # 2: fixed lens and distance drawn, batch photos larger, plates read


@dataclass(frozen=True)
class DemoSize:
    """How much the demo renders and trains: sized to fit 15 minutes on 2 cores."""

    vehicles: tuple[str, ...] = DEFAULT_MODELS
    conditions: tuple[str, ...] = tuple(CONDITIONS)
    rounds: int = 5  # photos per (vehicle, condition); rounds 0-4 = train, test, cal, train, val
    size_wh: tuple[int, int] = (192, 144)  # 4:3, as speed cameras frame a van at 8 m
    samples: int = 4
    test_size_wh: tuple[int, int] = (800, 600)  # the fresh batch: plates large enough to read
    test_samples: int = 1
    input_size: int = 96
    epochs: int = 12
    clone_share: float = 1 / 3  # of the fresh batch (real traffic: ~0.05 %)
    fleet: int = 2000  # other vehicles in the registry
    seed: int = 0

    def __post_init__(self) -> None:
        if self.rounds < 5:  # rounds 0-4 give each of train, test, cal and val a photo
            raise InputError(f"rounds: {self.rounds}; the demo needs at least 5")
        if len(self.vehicles) < 2:
            raise InputError("vehicles: the demo needs at least 2 models to plant clones")


def _all_vehicles() -> tuple[str, ...]:
    from twinflash.scene.catalog import vehicle_models

    return tuple(vehicle_models())


SIZES: dict[str, Callable[[], DemoSize]] = {
    "demo": DemoSize,
    "full": lambda: DemoSize(vehicles=_all_vehicles(), rounds=8, size_wh=(480, 360), samples=8,
                             test_size_wh=(1280, 960), test_samples=4,
                             input_size=128, epochs=20, clone_share=0.2, fleet=20_000),
    "tiny": lambda: DemoSize(vehicles=("renault_twingo_3", "renault_master_3"),
                             conditions=("day",), size_wh=(128, 96), samples=1,
                             test_size_wh=(128, 96), test_samples=1, input_size=64,
                             epochs=2, clone_share=0.5, fleet=20),
}  # fmt: skip

Say = Callable[[str, int, int, str], None]  # stage, done, total, note


@dataclass
class DemoResult:
    out: Path
    report: Path
    cases: int
    clones_flagged: tuple[int, int]  # plate text and corners given
    honest_flagged: tuple[int, int]
    clones_flagged_read: tuple[int, int]  # plate read from the photo
    honest_flagged_read: tuple[int, int]
    plates_read_right: tuple[int, int]
    promise: str = ""  # what a flag is certified to (the report's first headline)
    stages_s: dict[str, float] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)


def claim_folder(out: Path, size: DemoSize) -> None:
    """Make `out` a demo folder of `size`, or check that it is one; else one InputError."""
    marker = out / "demo.json"
    mine = {"schema_version": SCHEMA_VERSION, "size": asdict(size)}
    mine = json.loads(json.dumps(mine))  # tuples as lists, as read back
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file, expected a demo folder")
    if marker.is_file():
        try:
            found = json.loads(marker.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            found = None
        if found != mine:
            raise InputError(
                f"{out}: made by a demo of another size or version ({marker}); "
                "use another `out`, or delete it to start over"
            )
        return
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out}: exists and is not a demo folder; choose another `out`")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(marker, json.dumps(mine, indent=1) + "\n")


def _train(out: Path, photos: list[Photo], size: DemoSize, say: Say) -> tuple[Path, bool]:
    from twinflash.clonedemo.photos import write_train_manifest

    model_dir = out / "model"
    if (model_dir / "card.json").is_file():
        return model_dir, True
    try:
        from twinflash.flash.recogniser.fit import FitConfig
        from twinflash.flash.recogniser.train import train
    except ImportError as exc:
        raise InputError(
            f"the demo trains a recogniser, which needs PyTorch ({exc.name} missing): "
            "pip install 'twinflash[flash-train]'"
        ) from None
    manifest = out / "trainval.csv"
    write_train_manifest(manifest, [p for p in photos if p.split in ("train", "val")], None)
    cfg = FitConfig(input_size=size.input_size, epochs=size.epochs, batch_size=16, lr=3e-3,
                    patience=4, train_backbone=False, seed=size.seed)  # fmt: skip

    def progress(event: dict[str, Any]) -> None:
        if "batch" in event and not event.get("end"):
            say("training", event["epoch"], cfg.epochs,
                f"epoch {event['epoch'] + 1}, loss {event['loss']:.3f}")  # fmt: skip

    resume = (model_dir / "checkpoint.pt").is_file()
    train(manifest, model_dir, cfg, resume=resume, progress=progress)
    return model_dir, False


def _calibrate(
    out: Path, model_dir: Path, cal_photos: list[Photo], target: float, allow_uncertified: bool
) -> bool:
    """Thresholds on the honest `cal_photos` at `target`; reused while they are the photos
    and the options they were made with (else recalibrated, and the batches redone)."""
    import os

    from twinflash.clonedemo.photos import write_train_manifest
    from twinflash.flash.thresholds import calibrate_model, load_thresholds

    cal, wanted = out / "cal.csv", out / "cal.next.csv"
    write_train_manifest(wanted, cal_photos, "")
    if (
        (model_dir / "thresholds.json").is_file()
        and cal.is_file()
        and (cal.read_bytes() == wanted.read_bytes())
    ):
        t = load_thresholds(model_dir)
        if (t.target_false_alarm, t.allow_uncertified) == (target, allow_uncertified):
            wanted.unlink()
            return True
    os.replace(wanted, cal)
    calibrate_model(model_dir, cal, split=None, target=target, allow_uncertified=allow_uncertified)
    for name in MODES:  # their verdicts used the old thresholds
        (out / name).unlink(missing_ok=True)
    return False


def _calibrate_ruler(model_dir: Path, photos: list[Photo]) -> bool:
    """The plate-as-a-ruler calibration beside the model: bias on the train and val photos,
    tolerance on the cal photos (exact boxes and corners from the renders)."""
    from twinflash.flash.ruler import calibrate_ruler, save_ruler, vehicle_size
    from twinflash.scene.catalog import get_vehicle_model

    if (model_dir / "ruler.json").is_file():
        return True

    def pairs(splits: tuple[str, ...]) -> list:
        out = []
        for p in photos:
            if p.split in splits:
                x, y, w, h = p.box_xywh
                spec = get_vehicle_model(p.vehicle)
                size = vehicle_size(np.array(p.corners_xy), (x, y, x + w, y + h))
                out.append((size, (spec.width_m, spec.height_m)))
        return out

    save_ruler(calibrate_ruler(pairs(("train", "val")), pairs(("cal",))), model_dir)
    return False


def _write_batch_manifest(path: Path, photos: list[Photo], plate_given: bool) -> None:
    """What a speed camera hands over: the photo, the plate it read and the plate's corners
    (`plate_given`; else neither, and the checker reads the plate on the photo), and here
    the vehicle's box (exact from the render, as a vehicle detector would give)."""
    import csv

    plate_cols = ["plate", *CORNER_COLS] if plate_given else []
    with atomic_text(path, "manifest") as fh:
        w = csv.writer(fh)
        w.writerow(["path", *plate_cols, "x", "y", "w", "h"])
        for p in photos:
            plate = [p.plate, *np.ravel(p.corners_xy)] if plate_given else []
            w.writerow([p.path, *plate, *p.box_xywh])


MODES = {"results.parquet": True, "results_read.parquet": False}  # file -> plate given
# False-alarm targets the demo picks from: the lowest its calibration photos certify with
# none flagged. Its 15 bound false alarms by 18.1 % at best: 20 %; --full's 96, 3.1 %: 5 %;
# 2,995 extra: 0.1 %, production's default.
DEMO_TARGETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def demo_target(n_cal: int, confidence: float = 0.95) -> float:
    """The lowest of :data:`DEMO_TARGETS` that `n_cal` honest photos, none flagged, certify
    (the highest when none is: the demo then never flags, and says why)."""
    from twinflash.flash.thresholds import clopper_pearson_upper

    bound = clopper_pearson_upper(0, n_cal, confidence)
    return next((t for t in DEMO_TARGETS if bound <= t), DEMO_TARGETS[-1])


def run_demo(
    out: Path,
    size: DemoSize | None = None,
    *,
    workers: int = 1,
    say: Say | None = None,
    calibration_photos: int = 0,
    target_false_alarm: float | None = None,
    allow_uncertified: bool = False,
) -> DemoResult:
    """Run (or finish) the demo in `out`; see the module docstring. `calibration_photos`:
    that many extra honest photos rendered under `out/cal/` (kept) and added to the cal
    split for the thresholds: 2,995 with no false alarm certify 1 in 1,000 at 95 %.
    `target_false_alarm`: what the thresholds must certify for a flag; None: the lowest
    the calibration photos can (:func:`demo_target`: 20 % for the demo's 15, not
    production's 0.1 %); `allow_uncertified`: flag anyway (an experiment)."""
    from twinflash.clonedemo.photos import render_photos
    from twinflash.clonedemo.registry import build_registry, plant
    from twinflash.clonedemo.report import Case, tally, write_report
    from twinflash.flash.batch import CheckerSpec, run_batch

    size = size or DemoSize()
    say = say or (lambda *_: None)
    out = Path(out)
    claim_folder(out, size)
    stages = out / "stages.json"  # seconds of each stage when it last ran (not reused)
    timings: dict[str, float] = json.loads(stages.read_text()) if stages.is_file() else {}
    reused: list[str] = []
    t0 = time.perf_counter()
    before = len(list(out.glob("photos/*/annotations.json")))

    photos = render_photos(
        out, size.vehicles, size.conditions, size.rounds, size.size_wh, size.samples,
        lambda i, n, name: say("rendering", i, n, name), (size.test_size_wh, size.test_samples),
    )  # fmt: skip
    if len(photos) > before:
        timings["photos"] = time.perf_counter() - t0
    t = time.perf_counter()
    say("training", 0, size.epochs, "recogniser (EfficientNet-Lite0, head only)")
    model_dir, done = _train(out, photos, size, say)
    reused += ["recogniser"] if done else []
    cal_photos = [p for p in photos if p.split == "cal"]
    if calibration_photos > 0:
        from twinflash.clonedemo.photos import render_calibration

        cal_photos += render_calibration(
            out, size.vehicles, size.conditions, calibration_photos, size.size_wh,
            size.samples, lambda i, n, name: say("calibration photos", i, n, name),
        )  # fmt: skip
    target = target_false_alarm or demo_target(len(cal_photos))
    calibrated = _calibrate(out, model_dir, cal_photos, target, allow_uncertified)
    reused += ["thresholds"] if calibrated else []
    reused += ["ruler"] if _calibrate_ruler(model_dir, photos) else []
    if "recogniser" not in reused:
        timings["train+calibrate"] = time.perf_counter() - t

    batch = [p for p in photos if p.split == "test"]
    db, planted = out / "registry.db", out / "planted.csv"
    url = f"sqlite:///{db.resolve()}"  # worker processes may run elsewhere
    if db.is_file():  # the registry is the commit point: its planted clones are on file
        truth = _read_truth(planted)
        reused.append("registry")
    else:
        t = time.perf_counter()
        truth = plant(batch, size.clone_share, size.seed)
        _write_truth(planted, batch, truth)
        say("registry", 0, 1, f"{len(batch)} photographed plates among {size.fleet} vehicles")
        build_registry(db, list(truth.values()), size.fleet, size.seed)
        timings["registry"] = time.perf_counter() - t
    spec = CheckerSpec(str(model_dir.resolve()), url)
    cases: dict[bool, list[Case]] = {}
    for name, given in MODES.items():
        results = out / name
        stage = "batch" if given else "batch (plate read)"
        if results.is_file():
            reused.append(stage)
        else:
            t = time.perf_counter()
            manifest = out / ("batch.csv" if given else "batch_read.csv")
            _write_batch_manifest(manifest, batch, given)
            note = "plate given" if given else "plate read from the photo"

            def progress(d: int, n: int, _c: Any, note: str = note) -> None:
                say("checking", d, n, note)

            run_batch(manifest, results, spec, fingerprint=spec.fingerprint(), workers=workers,
                      progress=progress)  # fmt: skip
            timings[stage] = time.perf_counter() - t
        cases[given] = _cases(out, results, batch, truth)
    timings["this run"] = time.perf_counter() - t0
    atomic_write_text(stages, json.dumps(timings, indent=1) + "\n")
    facts = _facts(size, photos, model_dir, timings, reused, len(cal_photos))
    report = write_report(out, cases[True], out, facts, cases_read=cases[False])
    a, r = tally(cases[True])["all"], tally(cases[False])["all"]
    right = sum(c.row["plate"] == c.photo.plate for c in cases[False])

    def kn(rate: Any) -> tuple[int, int]:
        return rate.k, rate.n

    return DemoResult(out, report, len(batch), kn(a["clones_flagged"]), kn(a["honest_flagged"]),
                      kn(r["clones_flagged"]), kn(r["honest_flagged"]), (right, len(batch)),
                      facts["promise"], timings, reused)  # fmt: skip


def _cases(
    out: Path, results: Path, batch: list[Photo], truth: dict[str, Registered]
) -> list[Any]:  # list[Case]
    import pyarrow.parquet as pq

    from twinflash.clonedemo.report import Case

    rows = {r["path"]: r for r in pq.read_table(results).to_pylist()}
    missing = [p.name for p in batch if p.name not in truth or p.path not in rows]
    if missing:
        raise InputError(f"{out}: {missing[:3]} not in planted.csv or {results.name}: "
                         f"delete registry.db and {results.name} to redo the batch")  # fmt: skip
    return [Case(p, truth[p.name], rows[p.path]) for p in batch]


TRUTH_HEADER = ["photo", "path", "plate", "photo_make", "photo_model", "registry_make",
                "registry_model", "kind"]  # fmt: skip


def _write_truth(path: Path, batch: list[Photo], truth: dict[str, Registered]) -> None:
    import csv

    with atomic_text(path, "planted clones") as fh:
        w = csv.writer(fh)
        w.writerow(TRUTH_HEADER)
        for p in batch:
            r = truth[p.name]
            w.writerow([p.name, p.path, p.plate, p.make, p.model, r.make, r.model, r.kind])


def _read_truth(path: Path) -> dict[str, Registered]:
    import csv

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InputError(
            f"{path}: missing beside registry.db; delete registry.db to redo"
        ) from None
    try:
        return {r["photo"]: Registered(r["plate"], r["registry_make"], r["registry_model"],
                                       r["kind"]) for r in rows}  # fmt: skip
    except KeyError as exc:
        raise InputError(f"{path}: no column {exc}; delete registry.db to redo") from None


def promise(th: Any, ruler: Any) -> str:  # Thresholds, RulerCalibration | None
    """The headline's promise: what a flag in this demo is certified to, in one sentence."""
    from twinflash.flash.thresholds import clopper_pearson_upper

    def said(what: str, upper: float, n: int) -> str:
        short = "" if upper <= th.target_false_alarm else " (short of it: "
        short += "" if not short else "flags anyway)" if th.allow_uncertified else "never flags)"
        return f"{what} {upper:.1%} on {n} photos{short}"

    parts = [said(f"{lv.level} level", lv.false_alarm_upper, lv.n_honest)
             for lv in th.levels.values() if lv.threshold is not None]  # fmt: skip
    if ruler is not None:
        n = ruler.n_tolerance
        parts.append(said("size check", clopper_pearson_upper(0, n, th.confidence), n))
    if th.allow_uncertified:
        head = ("Uncertified flags ALLOWED (--allow-uncertified, an experiment): a flag may "
                f"exceed {th.target_false_alarm * 100:g}% false alarms")  # fmt: skip
    else:
        head = (f"Flags are certified to at most {th.target_false_alarm * 100:g}% false alarms "
                f"(honest photos flagged, {th.confidence:.0%} confidence)")  # fmt: skip
    return f"{head}. Bounds reached: {'; '.join(parts)}."


def _facts(size: DemoSize, photos: list[Photo], model_dir: Path, timings: dict[str, float],
           reused: list[str], n_cal: int) -> dict[str, Any]:  # fmt: skip
    from twinflash.flash.ruler import load_ruler
    from twinflash.flash.thresholds import clopper_pearson_upper, load_thresholds, photos_needed

    card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
    acc = card["metrics"]["val_accuracy"]
    th = load_thresholds(model_dir)
    ruler = load_ruler(model_dir)
    splits = {s: sum(p.split == s for p in photos) for s in ("train", "val", "cal", "test")}
    model: dict[str, Any] = {
        "backbone": "EfficientNet-Lite0, ImageNet weights, last layer trained "
                    f"({size.input_size} px crops, best epoch "
                    f"{card['metrics'].get('best_epoch', '?')})",
        "validation top-1": f"model {acc['model']:.2f}, make {acc['make']:.2f}, "
                            f"body {acc['body']:.2f} (chance {1 / len(size.vehicles):.2f})",
        "exported": "model.onnx (checks run on onnxruntime)",
    }  # fmt: skip
    for lv in th.levels.values():
        if lv.threshold is None:
            model[f"{lv.level} threshold"] = "none (nothing to calibrate on): never flags"
            continue
        status = "certifies" if lv.certified else "does NOT certify"
        model[f"{lv.level} threshold"] = (
            f"{lv.threshold:.3f}; false alarms <= {lv.false_alarm_upper:.1%} at 95% "
            f"(n={lv.n_honest}; {status} the {th.target_false_alarm:.1%} target)"
        )
    if ruler is not None:
        model["plate as a ruler"] = (
            f"size bias x{ruler.bias_wh[0]:.3f} (width), x{ruler.bias_wh[1]:.3f} (height) from "
            f"{ruler.n_fit} photos; a clone when width or height departs from the registered "
            f"model's by more than {ruler.tolerance_wh[0]:.0%} / {ruler.tolerance_wh[1]:.0%} "
            f"(largest honest deviation on {ruler.n_tolerance} cal photos)"
        )
    w, h = size.size_wh
    tw, th_ = size.test_size_wh
    needed = photos_needed(0.001, th.confidence)
    bound = clopper_pearson_upper(0, n_cal, th.confidence)
    return {
        "promise": promise(th, ruler),
        "summary": (
            f"{len(photos)} speed-camera renders ({w}x{h}, {size.samples} samples; the fresh "
            f"batch {tw}x{th_}, {size.test_samples} sample) of {len(size.vehicles)} catalogue "
            f"models under {', '.join(size.conditions)}, heading 0-12° off head-on, camera "
            "0.8-1.4 m high and 8-12 m away through a fixed lens. Splits: "
            + ", ".join(f"{k} {v}" for k, v in splits.items())
            + (
                f" (+ {n_cal - splits['cal']} extra calibration photos)"
                if n_cal > splits["cal"]
                else ""
            )
            + ". The fresh batch (test) is checked against a synthetic registry in which "
            f"{size.clone_share:.0%} of its plates are planted clones (registered to another "
            "model), twice: with the plate text and corners given, as a speed camera's "
            "reader would hand them over, and with the plate read from the photo by "
            "the verdict's own plate reader (nothing given). The vehicle's box (exact here, as a "
            "detector would give it) feeds the plate-as-a-ruler size check. Small samples: "
            "read the n and the intervals."
        ),
        "notes": [
            f"Why {th.target_false_alarm * 100:g}%: {n_cal} honest calibration photos certify at "
            f"best {bound:.1%} false alarms at {th.confidence:.0%} confidence (none flagged "
            f"among them). Production's default is 0.1%, which needs {needed:,} honest photos "
            "with none flagged; a level short of its target answers inconclusive, never "
            f"suspected clone. Rerun with --calibration-photos {needed} (hours of rendering "
            "on 2 cores) for 0.1%.",
            "The recogniser learned shape and size from procedural cars (no badge, no "
            "grille): it tells a van from a city car, not a Clio from a 208 on a real photo.",
        ],
        "model": model,
        "run": {
            **{f"{k} (s, when it ran)": f"{v:.0f}" for k, v in timings.items()},
            "reused from a previous run": ", ".join(reused) or "nothing",
            "size": json.dumps(asdict(size)),
        },
    }
