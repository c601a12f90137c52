"""``twinflash flash train``: data in any layout -> a calibrated, exported model directory.

Steps: discover and crop the photos (:mod:`.data`), split (the dataset's own splits, else
a stratified validation share), fit with checkpoints (:mod:`.fit`), fit a temperature on
the validation split and draw its reliability diagram (:mod:`.calibrate`), export to ONNX
and check it against PyTorch (:mod:`.export`), optionally mine clone suspects
(:mod:`.mine`), and write the model card last: a directory with a card is complete.

Model directory: ``card.json``, ``model.onnx``, ``model.pt`` (state dict), ``reliability.png``,
``skipped.csv``, ``history.csv``, ``clone_suspects.csv`` (with ``--mine-clones``), and while
training ``checkpoint.pt`` (what ``--resume`` reads; removed when the model is complete).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from twinflash.errors import InputError
from twinflash.files import atomic_write_text
from twinflash.flash.crops import CropSpec
from twinflash.flash.recogniser.calibrate import ece, fit_temperature, reliability_diagram, softmax
from twinflash.flash.recogniser.card import ClassEntry, ModelCard, write_card
from twinflash.flash.recogniser.data import Loaded, Sample, discover, load_crops
from twinflash.flash.recogniser.export import ONNX_FILE, export_onnx, onnx_logits
from twinflash.flash.recogniser.fit import FitConfig, fit, predict_logits, save_atomic
from twinflash.flash.recogniser.labels import ClassSet
from twinflash.flash.recogniser.mine import out_of_fold_probs, suspects
from twinflash.flash.recogniser.preprocess import to_input

Progress = Callable[[dict[str, Any]], None]


def split_indices(samples: list[Sample], labels: np.ndarray, val_fraction: float, seed: int):
    """(train, val, test) indices: the data's own splits if it has a val split, else a
    stratified `val_fraction` per class (at least one photo each side)."""
    splits = [s.split for s in samples]
    if "val" in splits:
        pick = [np.flatnonzero(np.array([sp == name for sp in splits])) for name in ("val", "test")]
        val, test = pick
        train = np.flatnonzero(np.array([sp not in ("val", "test") for sp in splits]))
        return train, val, test
    rng = np.random.default_rng([seed, 5])
    test = np.flatnonzero(np.array([sp == "test" for sp in splits]))
    pool = np.setdiff1d(np.arange(len(samples)), test)
    val_rows: list[int] = []
    for c in np.unique(labels[pool]):
        idx = rng.permutation(pool[labels[pool] == c])
        n_val = min(len(idx) - 1, max(1, round(val_fraction * len(idx))))
        val_rows.extend(idx[:n_val].tolist())
    val_arr = np.array(sorted(val_rows), int)
    return np.setdiff1d(pool, val_arr), val_arr, test


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def level_accuracy(probs: np.ndarray, labels: np.ndarray, classes: ClassSet) -> dict[str, float]:
    """Top-1 accuracy at each level (model, make, body)."""
    out = {}
    for level in ("model", "make", "body"):
        _, m = classes.level_matrix(level)
        out[level] = (
            float(((probs @ m).argmax(1) == m[labels].argmax(1)).mean())
            if len(labels)
            else float("nan")
        )
    return out


def train(
    data: Path,
    out_dir: Path,
    cfg: FitConfig,
    *,
    resume: bool = False,
    mine_clones: bool = False,
    folds: int = 5,
    val_fraction: float = 0.2,
    progress: Progress | None = None,
    on_batch: Callable[[dict[str, Any]], None] | None = None,
) -> ModelCard:
    out_dir = Path(out_dir)
    if (out_dir / "card.json").exists() and not resume:
        raise InputError(
            f"{out_dir}: already holds a trained model (card.json); choose another `out_dir`"
        )
    found = discover(data)
    spec = CropSpec(size_wh=(cfg.input_size, cfg.input_size))
    loaded: Loaded = load_crops(found, spec)
    classes = ClassSet.of([(s.make, s.model) for s in loaded.samples])
    if len(classes.classes) < 2:
        raise InputError(
            f"{data}: {len(classes.classes)} usable class(es); training needs at least 2"
        )
    labels = np.array([classes.index(s.make, s.model) for s in loaded.samples])
    train_idx, val_idx, test_idx = split_indices(loaded.samples, labels, val_fraction, cfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(
        out_dir / "skipped.csv", ["where", "reason"], [[s.where, s.reason] for s in loaded.skipped]
    )
    if progress:
        progress(
            {
                "stage": "data",
                "photos": len(labels),
                "classes": len(classes.classes),
                "skipped": len(loaded.skipped),
                "train": len(train_idx),
                "val": len(val_idx),
                "test": len(test_idx),
            }
        )
    checkpoint = out_dir / "checkpoint.pt"
    result = fit(
        loaded.crops,
        labels,
        train_idx,
        val_idx,
        len(classes.classes),
        cfg,
        checkpoint=checkpoint,
        resume=resume,
        data_digest=loaded.digest,
        progress=progress,
        on_batch=on_batch,
    )
    model = result.model
    val_logits = predict_logits(model, [loaded.crops[i] for i in val_idx], cfg.input_size)
    y_val = labels[val_idx]
    temperature = fit_temperature(val_logits, y_val)
    before, after = softmax(val_logits), softmax(val_logits, temperature)
    reliability_diagram(before, after, y_val, out_dir / "reliability.png", temperature)
    metrics: dict[str, Any] = {
        "val_photos": len(val_idx),
        "val_accuracy": level_accuracy(after, y_val, classes),
        "val_ece_before": ece(before, y_val),
        "val_ece_after": ece(after, y_val),
        "val_nll_before": float(
            -np.log(np.clip(before[np.arange(len(y_val)), y_val], 1e-12, 1)).mean()
        ),
        "val_nll_after": float(
            -np.log(np.clip(after[np.arange(len(y_val)), y_val], 1e-12, 1)).mean()
        ),
        "best_epoch": result.best_epoch,
        "epochs_run": len(result.history),
    }
    check_idx = test_idx if len(test_idx) else val_idx
    x_check = to_input([loaded.crops[i] for i in check_idx], cfg.input_size)
    if len(test_idx):
        test_logits = predict_logits(model, [loaded.crops[i] for i in test_idx], cfg.input_size)
        metrics["test_photos"] = len(test_idx)
        metrics["test_accuracy"] = level_accuracy(
            softmax(test_logits, temperature), labels[test_idx], classes
        )
    save_atomic(model.state_dict(), out_dir / "model.pt")
    export_onnx(model, cfg.input_size, out_dir / ONNX_FILE)
    with torch.no_grad():
        torch_top1 = model(torch.from_numpy(x_check)).numpy().argmax(1)
    onnx_top1 = onnx_logits(out_dir / ONNX_FILE, x_check).argmax(1)
    metrics["onnx_torch_top1_agreement"] = (
        float((torch_top1 == onnx_top1).mean()) if len(check_idx) else float("nan")
    )
    _write_csv(
        out_dir / "history.csv",
        ["epoch", "loss", "acc", "val_loss", "val_acc"],
        [[h[k] for k in ("epoch", "loss", "acc", "val_loss", "val_acc")] for h in result.history],
    )
    files = {
        "onnx": ONNX_FILE,
        "torch": "model.pt",
        "reliability": "reliability.png",
        "skipped": "skipped.csv",
        "history": "history.csv",
    }
    if mine_clones:
        probs = out_of_fold_probs(loaded.crops, labels, len(classes.classes), cfg, folds, progress)
        rows = []
        for i in suspects(probs, labels):
            s, top = loaded.samples[i], int(probs[i].argmax())
            rows.append(
                [
                    s.where,
                    str(s.path),
                    classes.names[labels[i]],
                    f"{probs[i, labels[i]]:.4f}",
                    classes.names[top],
                    f"{probs[i, top]:.4f}",
                ]
            )
        _write_csv(
            out_dir / "clone_suspects.csv",
            ["where", "path", "label", "p_label", "predicted", "p_predicted"],
            rows,
        )
        files["clone_suspects"] = "clone_suspects.csv"
        metrics["clone_suspects"] = len(rows)
        metrics["mining_folds"] = folds
    card = ModelCard(
        pretrained=cfg.pretrained,
        classes=[
            ClassEntry(make=mk, model=md, body=b)
            for (mk, md), b in zip(classes.classes, classes.bodies, strict=True)
        ],
        temperature=temperature,
        input_size=cfg.input_size,
        crop={**spec.to_json(), "anchor": "plate corners, else vehicle box, else whole photo"},
        training_data={
            "source": str(data),
            "layout": found.layout,
            "digest": loaded.digest,
            "photos": len(labels),
            "train": len(train_idx),
            "val": len(val_idx),
            "test": len(test_idx),
            "skipped": len(loaded.skipped),
            "per_class": {n: int((labels == i).sum()) for i, n in enumerate(classes.names)},
        },
        training={
            "epochs": cfg.epochs,
            "batch_size": cfg.batch_size,
            "lr": cfg.lr,
            "backbone_lr_factor": cfg.backbone_lr_factor,
            "patience": cfg.patience,
            "seed": cfg.seed,
            "train_backbone": cfg.train_backbone,
            "augment": cfg.augment is not None,
            "resumed_from": result.resumed_from,
            "sampler": "class-balanced (weighted, with replacement)",
        },
        metrics=metrics,
        files=files,
    )
    write_card(card, out_dir)
    checkpoint.unlink(missing_ok=True)
    return card
