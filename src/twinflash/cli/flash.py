"""`twinflash flash ...`: train and run the make/model recogniser. Parse, call, print.

torch is imported only inside `train` (through twinflash.flash.recogniser.train);
`recognise` runs on onnxruntime.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from twinflash.errors import InputError

flash_app = typer.Typer(
    help="Plate/vehicle consistency: the make/model recogniser.", no_args_is_help=True
)


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
    from rich.console import Console
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
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: list[Any] = []  # the bar appears with the first batch, not before the data check

        def progress(event: dict[str, Any]) -> None:
            if event.get("stage") == "data":
                console.print(
                    f"{event['photos']} photos, {event['classes']} classes "
                    f"(train {event['train']}, val {event['val']}, test {event['test']}), "
                    f"{event['skipped']} skipped"
                )
            elif event.get("end"):
                fold = f"fold {event['fold']}/{event['folds']} " if "fold" in event else ""
                val = (
                    ""
                    if "fold" in event
                    else (f" val loss {event['val_loss']:.3f} val acc {event['val_acc']:.2f}")
                )
                console.print(
                    f"{fold}epoch {event['epoch'] + 1}: loss {event['loss']:.3f} "
                    f"acc {event['acc']:.2f}{val}"
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
    print(
        f"{out}: {len(card.classes)} classes, val top-1 model {acc['model']:.3f} "
        f"make {acc['make']:.3f} body {acc['body']:.3f}; temperature {card.temperature:.2f}, "
        f"ECE {m['val_ece_before']:.3f} -> {m['val_ece_after']:.3f}"
    )
    if "test_accuracy" in m:
        print(f"test top-1 model {m['test_accuracy']['model']:.3f} on {m['test_photos']} photos")
    if mine_clones:
        print(f"{m['clone_suspects']} clone suspect(s) in {out / 'clone_suspects.csv'}")
    if card.training_data["skipped"]:
        print(f"{card.training_data['skipped']} item(s) skipped: see {out / 'skipped.csv'}")


def _corners(text: str) -> Any:
    import numpy as np

    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 8:
        raise InputError(f"--plate {text!r}: expected 8 numbers x1,y1,...,x4,y4 (TL, TR, BR, BL)")
    return np.array(values).reshape(4, 2)


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
            print(json.dumps({"photo": str(path), **ans.to_json()}))
            continue
        best = ", ".join(f"{r.label} {r.p:.2f}" for r in ans.models)
        print(
            f"{path}: {best} | make {ans.makes[0].label} {ans.makes[0].p:.2f} "
            f"| body {ans.bodies[0].label} {ans.bodies[0].p:.2f}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(flash_app, name="flash")
