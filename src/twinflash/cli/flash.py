"""`twinflash flash ...`: train and run the make/model recogniser, calibrate the verdict,
check photos against the registry. Parse, call, print.

torch is imported only inside `train` (through twinflash.flash.recogniser.train);
`recognise`, `calibrate`, `check` and `check-batch` run on onnxruntime.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from twinflash.cli.output import STDERR, echo
from twinflash.errors import InputError

flash_app = typer.Typer(
    help="Plate/vehicle consistency: the make/model recogniser and the clone verdict.",
    no_args_is_help=True,
)
app = typer.Typer()
app.add_typer(flash_app, name="flash")


@flash_app.command("train")
def train_cmd(
    data: Annotated[
        Path,
        typer.Argument(help="Make/Model/*.jpg folders, a CSV manifest, or a twinflash dataset."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    epochs: Annotated[int, typer.Option(min=1, help="At most this many epochs.")] = 15,
    input_size: Annotated[int, typer.Option(min=32, max=512, help="Crop side in px.")] = 128,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    lr: Annotated[float, typer.Option(min=0.0, help="Head learning rate.")] = 1e-3,
    patience: Annotated[int, typer.Option(min=1, help="Early stopping patience (epochs).")] = 4,
    no_pretrained: Annotated[
        bool, typer.Option("--no-pretrained", help="Random init instead of ImageNet.")
    ] = False,
    head_only: Annotated[
        bool, typer.Option("--head-only", help="Freeze the backbone; train the last layer.")
    ] = False,
    no_augment: Annotated[bool, typer.Option("--no-augment")] = False,
    mine_clones: Annotated[
        bool, typer.Option("--mine-clones", help="List photos whose label the model rejects.")
    ] = False,
    folds: Annotated[int, typer.Option(min=2, help="Folds for --mine-clones.")] = 5,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from checkpoint.pt.")] = False,
    seed: Annotated[int, typer.Option()] = 0,
    threads: Annotated[int, typer.Option(min=0, help="torch threads (0: torch's default).")] = 0,
) -> None:
    """Train, calibrate and export a recogniser; writes OUT/card.json, model.onnx, ..."""
    try:
        import torch

        from twinflash.flash.recogniser.fit import FitConfig
        from twinflash.flash.recogniser.train import train
    except ImportError as exc:
        raise InputError(
            f"training needs PyTorch ({exc.name} missing): pip install 'twinflash[flash-train]'"
        ) from None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if threads:
        torch.set_num_threads(threads)
    cfg = FitConfig(
        input_size=input_size,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        patience=patience,
        pretrained=not no_pretrained,
        train_backbone=not head_only,
        seed=seed,
        augment=None if no_augment else FitConfig().augment,
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
    )
    with Progress(*columns, console=STDERR, transient=True) as bar:
        tasks: list[Any] = []  # the bar appears with the first batch, not before the data check

        def progress(event: dict[str, Any]) -> None:
            if event.get("stage") == "data":
                echo(
                    f"{event['photos']} photos, {event['classes']} classes "
                    f"(train {event['train']}, val {event['val']}, test {event['test']}), "
                    f"{event['skipped']} skipped",
                    err=True,
                )
            elif event.get("end"):
                fold = f"fold {event['fold']}/{event['folds']} " if "fold" in event else ""
                val = (
                    ""
                    if "fold" in event
                    else (f" val loss {event['val_loss']:.3f} val acc {event['val_acc']:.2f}")
                )
                echo(
                    f"{fold}epoch {event['epoch'] + 1}: loss {event['loss']:.3f} "
                    f"acc {event['acc']:.2f}{val}",
                    err=True,
                )
            elif "batch" in event:
                if not tasks:
                    tasks.append(bar.add_task("", total=event["batches"], stats=""))
                task = tasks[0]
                bar.update(
                    task,
                    description=f"epoch {event['epoch'] + 1}",
                    completed=event["batch"],
                    total=event["batches"],
                    stats=f"loss {event['loss']:.3f} acc {event['acc']:.2f}",
                )

        card = train(
            data, out, cfg, resume=resume, mine_clones=mine_clones, folds=folds, progress=progress
        )
    m = card.metrics
    acc = m["val_accuracy"]
    echo(
        f"{out}: {len(card.classes)} classes, val top-1 model {acc['model']:.3f} "
        f"make {acc['make']:.3f} body {acc['body']:.3f}; temperature {card.temperature:.2f}, "
        f"ECE {m['val_ece_before']:.3f} -> {m['val_ece_after']:.3f}"
    )
    if "test_accuracy" in m:
        echo(f"test top-1 model {m['test_accuracy']['model']:.3f} on {m['test_photos']} photos")
    if mine_clones:
        echo(f"{m['clone_suspects']} clone suspect(s) in {out / 'clone_suspects.csv'}")
    if card.training_data["skipped"]:
        echo(f"{card.training_data['skipped']} item(s) skipped: see {out / 'skipped.csv'}")


def _corners(text: str, option: str = "--plate") -> Any:
    import numpy as np

    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 8:
        raise InputError(f"{option} {text!r}: expected 8 numbers x1,y1,...,x4,y4 (TL, TR, BR, BL)")
    return np.array(values).reshape(4, 2)


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        x, y, w, h = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"--box {text!r}: expected 4 numbers x,y,w,h") from None
    return (x, y, x + w, y + h)


@flash_app.command("recognise")
def recognise_cmd(
    model_dir: Annotated[Path, typer.Argument(help="A directory written by `flash train`.")],
    photos: Annotated[list[Path], typer.Argument(help="Vehicle crops, or photos with --plate.")],
    top_k: Annotated[int, typer.Option("--top-k", min=1)] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line.")] = False,
    plate: Annotated[
        str | None,
        typer.Option(help="Plate corners x1,y1,...,x4,y4 (TL, TR, BR, BL) for every photo."),
    ] = None,
) -> None:
    """Make, model and body type of each photo, with calibrated probabilities."""
    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.preprocess import read_image

    corners = _corners(plate) if plate else None
    rec = Recogniser(model_dir)
    images = [read_image(p) for p in photos]
    answers = rec.recognise(images, plate_corners=[corners] * len(images), top_k=top_k)
    for path, ans in zip(photos, answers, strict=True):
        if as_json:
            echo(json.dumps({"photo": str(path), **ans.to_json()}))
            continue
        best = ", ".join(f"{r.label} {r.p:.2f}" for r in ans.models)
        echo(
            f"{path}: {best} | make {ans.makes[0].label} {ans.makes[0].p:.2f} "
            f"| body {ans.bodies[0].label} {ans.bodies[0].p:.2f}"
        )


MODEL_ENV = "TWINFLASH_MODEL"
ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", help=f"Model directory (flash train + calibrate); else ${MODEL_ENV}."),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Registry URL; else $TWINFLASH_REGISTRY_URL or ./twinflash-registry.db"
    ),
]


def _model_dir(model: Path | None) -> Path:
    import os

    chosen = model or (Path(os.environ[MODEL_ENV]) if os.environ.get(MODEL_ENV) else None)
    if chosen is None:
        raise InputError(f"no model: give --model DIR or set ${MODEL_ENV}")
    if not chosen.is_dir():
        raise InputError(f"model {chosen}: no such directory")
    return chosen


@flash_app.command("calibrate")
def calibrate_cmd(
    model_dir: Annotated[Path, typer.Argument(help="A directory written by `flash train`.")],
    data: Annotated[Path, typer.Argument(help="Labelled honest photos, any `train` layout.")],
    split: Annotated[str, typer.Option(help="Photos of this split only, or 'all'.")] = "val",
    target: Annotated[
        float, typer.Option(min=1e-6, max=0.5, help="False alarms allowed (honest photos flagged).")
    ] = 0.001,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.9999)] = 0.95,
    min_score: Annotated[
        float, typer.Option(min=0.5, max=1.0, help="Never flag below this clone score.")
    ] = 0.9,
    allow_uncertified: Annotated[
        bool,
        typer.Option(
            "--allow-uncertified",
            help="Experiments only: let a level whose bound misses the target flag clones "
            "(by default it says inconclusive). Recorded in thresholds.json and every verdict.",
        ),
    ] = False,
) -> None:
    """Choose the verdict's thresholds on labelled photos; writes MODEL_DIR/thresholds.json."""
    from twinflash.flash.thresholds import calibrate_model, photos_needed

    t = calibrate_model(
        model_dir, data, split=None if split == "all" else split, target=target,
        confidence=confidence, min_score=min_score, allow_uncertified=allow_uncertified,
    )  # fmt: skip
    echo(f"{model_dir / 'thresholds.json'}: {t.source['photos']} honest photos")
    for lv in t.levels.values():
        if lv.threshold is None:
            echo(f"  {lv.level}: no photo to calibrate on; never flags at this level")
            continue
        ok = "meets" if lv.certified else "does NOT certify"
        recall = "" if lv.recall is None else f", simulated clones flagged {lv.recall:.1%}"
        echo(
            f"  {lv.level}: threshold {lv.threshold:.4f}; {lv.false_alarms}/{lv.n_honest} honest "
            f"flagged, false alarms <= {lv.false_alarm_upper:.2%} at {confidence:.0%} "
            f"({ok} the {target:.2%} target){recall}"
        )
    if not all(lv.certified for lv in t.levels.values() if lv.threshold is not None):
        never = ("flag anyway (--allow-uncertified)" if allow_uncertified
                 else "never flag (inconclusive)")  # fmt: skip
        echo(
            f"  levels short of the target {never}; certifying {target:.2%} needs >= "
            f"{photos_needed(target, confidence)} honest photos per level with no false alarm"
        )


@flash_app.command("check")
def check_cmd(
    photo: Annotated[Path, typer.Argument(help="A speed-camera photo.")],
    plate: Annotated[
        str | None, typer.Option(help="Plate text, e.g. AB-123-CD (else read on the photo).")
    ] = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The verdict as JSON.")] = False,
    corners: Annotated[
        str | None,
        typer.Option(help="Plate corners x1,y1,...,x4,y4 (TL, TR, BR, BL) if known exactly."),
    ] = None,
    box: Annotated[
        str | None,
        typer.Option(help="The vehicle's box x,y,w,h (px), for the plate-as-a-ruler check."),
    ] = None,
) -> None:
    """Does the vehicle match the registry record of its plate? The verdict and its reasons."""
    from twinflash.flash.recogniser.preprocess import read_image
    from twinflash.flash.registry import Registry
    from twinflash.flash.verdict import CloneChecker

    image = read_image(photo)
    with Registry.open(db, create=False) as registry:
        checker = CloneChecker(_model_dir(model), registry)
        quad = _corners(corners, "--corners") if corners else None
        verdict = checker.check(image, plate, plate_corners_xy=quad, vehicle_box_xyxy=_box(box))
    if as_json:
        echo(json.dumps({"photo": str(photo), **verdict.to_json()}, ensure_ascii=False))
        return
    echo(f"{photo}: {verdict.status.replace('_', ' ').upper()} (clone score {verdict.score:.3f})")
    for reason in verdict.reasons:
        echo(f"  {reason}")


def _absolute_sqlite(db: str | None) -> str:
    """The registry URL with a relative SQLite path made absolute: worker processes (Ray's
    especially) may not run in this folder."""
    from twinflash.flash.registry import registry_url

    url = registry_url(db)
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(Path(url[len(prefix) :]).resolve())
    return url


@flash_app.command("check-batch")
def check_batch_cmd(
    manifest: Annotated[Path, typer.Argument(help="CSV: path[,plate][,tl_x,...,bl_y][,x,y,w,h].")],
    out: Annotated[Path, typer.Option("--out", help="Results (Parquet).")],
    model: ModelOpt = None,
    db: DbOpt = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Processes (or Ray actors).")] = 1,
    threads: Annotated[int, typer.Option(min=0, help="Threads per process (0: default).")] = 0,
    executor: Annotated[str, typer.Option(help="local or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (with --executor ray).")
    ] = None,
) -> None:
    """Verdicts for every photo of MANIFEST; resumable (rerun the same command after a kill)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from twinflash.flash.batch import CheckerSpec, check_executor, check_inputs, run_batch

    if out.suffix.lower() != ".parquet":
        raise InputError(f"--out {out}: expected a .parquet file")
    spec = CheckerSpec(str(_model_dir(model).resolve()), _absolute_sqlite(db), threads)
    check_inputs(manifest, out)  # bad inputs: one line, before the progress bar
    check_executor(executor, address)
    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[counts]}"))  # fmt: skip
    with Progress(*columns, console=STDERR, transient=True) as bar:
        task = bar.add_task("", total=None, counts="")

        def progress(done: int, total: int, counts: Any) -> None:
            shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            bar.update(task, completed=done, total=total, counts=shown)

        report = run_batch(
            manifest, out, spec, fingerprint=spec.fingerprint(), workers=workers,
            executor=executor, address=address, progress=progress,
        )  # fmt: skip
    resumed = f" ({report.resumed} from a previous run)" if report.resumed else ""
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
    echo(f"{out}: {report.rows} photos{resumed}: {counts}")
    if report.errors:
        echo("  " + ", ".join(f"{k} {v}" for k, v in sorted(report.errors.items())))


@flash_app.command("demo")
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Demo folder (rerun to resume).")] = Path(
        "out/flash"
    ),
    full: Annotated[
        bool, typer.Option("--full", help="All catalogue models, more and larger photos.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="check-batch processes.")] = 1,
    calibration_photos: Annotated[
        int,
        typer.Option(
            min=0,
            max=100_000,
            help="Extra honest photos to calibrate the thresholds on, rendered under OUT/cal/ "
            "(2,995 with no false alarm certify 1 in 1,000 at 95%; hours on 2 cores).",
        ),
    ] = 0,
    target_false_alarm: Annotated[
        float | None,
        typer.Option(
            min=1e-6,
            max=0.5,
            help="False alarms a flag must be certified to (default: the lowest of 0.001, "
            "0.002, 0.005, ... 0.5 that the calibration photos certify: 0.2 for the demo's 15; "
            "0.001 needs --calibration-photos 2995).",
        ),
    ] = None,
    allow_uncertified: Annotated[
        bool,
        typer.Option("--allow-uncertified", help="Experiments: flag beyond what is certified."),
    ] = False,
) -> None:
    """The clone loop end to end: render, train, export, registry, check-batch, report."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from twinflash.clonedemo.run import SIZES, claim_folder, run_demo

    size = SIZES["full" if full else "demo"]()
    claim_folder(out, size)  # a folder of another size or not a demo: one line, before the bar
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[note]}"))  # fmt: skip
    with Progress(*columns, console=STDERR, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def say(stage: str, done: int, total: int, note: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, note="")
            bar.update(tasks[stage], completed=done, total=total, note=note)

        result = run_demo(
            out, size, workers=workers, say=say, calibration_photos=calibration_photos,
            target_false_alarm=target_false_alarm, allow_uncertified=allow_uncertified,
        )  # fmt: skip
    c, h = result.clones_flagged, result.honest_flagged
    cr, hr, pr = result.clones_flagged_read, result.honest_flagged_read, result.plates_read_right
    echo(f"{result.report}: {result.cases} fresh photos checked; plate given: clones flagged "
         f"{c[0]}/{c[1]}, honest photos flagged {h[0]}/{h[1]}; plate read from the photo "
         f"({pr[0]}/{pr[1]} read right): clones flagged {cr[0]}/{cr[1]}, honest photos flagged "
         f"{hr[0]}/{hr[1]} ({result.stages_s['this run']:.0f} s"
         + (f"; reused {', '.join(result.reused)})" if result.reused else ")"))  # fmt: skip
    echo(f"  {result.promise}")
