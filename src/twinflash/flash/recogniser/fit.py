"""The training loop: balanced sampling, augmentation, early stopping, checkpoints, resume.

Determinism is what makes resume honest: the order of an epoch comes from
``(seed, epoch)``, each photo's augmentation from ``(seed, epoch, batch, slot)`` and the
dropout from ``(seed, epoch, batch)``. A training killed mid-epoch and resumed from its last
checkpoint therefore ends with the same weights as one never interrupted (tested).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from twinflash.errors import InputError
from twinflash.files import atomic_path
from twinflash.flash.recogniser.augment import AugmentConfig, augment
from twinflash.flash.recogniser.backbone import backbone_parameters, build, head_parameters
from twinflash.flash.recogniser.preprocess import to_input

OnBatch = Callable[[dict[str, Any]], None]


class _State(TypedDict):
    """Where a training is: saved in each checkpoint, all a resume needs besides weights."""

    epoch: int
    batch: int
    best_loss: float
    best_epoch: int
    bad: int  # epochs since the validation loss last improved
    history: list[dict[str, float]]
    best: dict[str, torch.Tensor] | None  # the weights of the best epoch so far
    running: list[float]  # this epoch's summed loss, correct answers, photos


@dataclass(frozen=True)
class FitConfig:
    input_size: int = 128
    epochs: int = 15
    batch_size: int = 16
    lr: float = 1e-3  # head; the backbone gets lr * backbone_lr_factor
    backbone_lr_factor: float = 0.1
    weight_decay: float = 1e-4
    pretrained: bool = True
    train_backbone: bool = True
    patience: int = 4  # epochs without a better validation loss before stopping
    seed: int = 0
    checkpoint_every: int = 10  # batches
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class FitResult:
    model: torch.nn.Module
    history: list[dict[str, float]]
    best_epoch: int
    resumed_from: tuple[int, int] | None


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng(list(key))


def balanced_order(labels: np.ndarray, idx: np.ndarray, seed: int, epoch: int) -> np.ndarray:
    """One epoch of `len(idx)` draws, each class equally likely (weighted, with replacement)."""
    counts = np.bincount(labels[idx], minlength=labels.max() + 1)
    weights = 1.0 / counts[labels[idx]]
    return _rng(seed, epoch, 7).choice(idx, size=len(idx), replace=True, p=weights / weights.sum())


def predict_logits(
    model: torch.nn.Module, crops: list[np.ndarray], size: int, batch: int = 32
) -> np.ndarray:
    """Logits of clean (unaugmented) crops, model in eval mode."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            out.append(model(torch.from_numpy(to_input(crops[i : i + batch], size))).numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def save_atomic(obj: object, path: Path) -> None:
    """`torch.save` that leaves the old file or the new one, never half of one."""
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)


def _set_mode(model: torch.nn.Module, cfg: FitConfig) -> None:
    model.train()
    if not cfg.train_backbone:  # frozen backbone: its batch-norm statistics stay ImageNet's
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()


def fit(
    crops: list[np.ndarray],
    labels: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray,
    n_classes: int,
    cfg: FitConfig,
    *,
    checkpoint: Path | None = None,
    resume: bool = False,
    data_digest: str = "",
    progress: Callable[[dict[str, Any]], None] | None = None,
    on_batch: OnBatch | None = None,
) -> FitResult:
    """Train on `train_idx`, stop early on the loss of `val_idx`, return the best model."""
    torch.manual_seed(cfg.seed)
    model = build(n_classes, cfg.input_size, cfg.pretrained)
    for p in backbone_parameters(model):
        p.requires_grad_(cfg.train_backbone)
    groups = [{"params": head_parameters(model), "lr": cfg.lr}]
    if cfg.train_backbone:
        groups.append({"params": backbone_parameters(model), "lr": cfg.lr * cfg.backbone_lr_factor})
    opt = torch.optim.AdamW(groups, weight_decay=cfg.weight_decay)
    state: _State = {
        "epoch": 0,
        "batch": 0,
        "best_loss": float("inf"),
        "best_epoch": -1,
        "bad": 0,
        "history": [],
        "best": None,
        "running": [0.0, 0, 0],
    }
    resumed_from = None
    if resume and checkpoint is not None and checkpoint.exists():
        ck = torch.load(checkpoint, map_location="cpu", weights_only=False)
        if ck["fingerprint"] != cfg.fingerprint() or ck["data_digest"] != data_digest:
            raise InputError(
                f"{checkpoint}: saved by a training with other data or settings; "
                "rerun with the same ones, or without `resume` to start over"
            )
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        resumed_from = (state["epoch"], state["batch"])

    def save() -> None:
        if checkpoint is not None:
            save_atomic(
                {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "state": state,
                    "fingerprint": cfg.fingerprint(),
                    "data_digest": data_digest,
                },
                checkpoint,
            )

    n_batches = max(1, int(np.ceil(len(train_idx) / cfg.batch_size)))
    val_crops = [crops[i] for i in val_idx]
    while state["epoch"] < cfg.epochs and state["bad"] < cfg.patience:
        epoch = state["epoch"]
        order = balanced_order(labels, train_idx, cfg.seed, epoch)
        _set_mode(model, cfg)
        while state["batch"] < n_batches:
            b = state["batch"]
            idx = order[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            imgs = [
                augment(crops[i], _rng(cfg.seed, epoch, b, j), cfg.augment)
                if cfg.augment
                else crops[i]
                for j, i in enumerate(idx)
            ]
            x = torch.from_numpy(to_input(imgs, cfg.input_size))
            y = torch.from_numpy(labels[idx].astype(np.int64))
            torch.manual_seed((cfg.seed * 1_000_003 + epoch * 10_007 + b) % (2**31))  # dropout
            opt.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            opt.step()
            run = state["running"]
            run[0] += loss.item() * len(idx)
            run[1] += int((logits.argmax(1) == y).sum())
            run[2] += len(idx)
            state["batch"] = b + 1
            if progress:
                progress(
                    {
                        "epoch": epoch,
                        "batch": b + 1,
                        "batches": n_batches,
                        "loss": run[0] / run[2],
                        "acc": run[1] / run[2],
                    }
                )
            if checkpoint is not None and state["batch"] % cfg.checkpoint_every == 0:
                save()
            if on_batch:
                on_batch({"epoch": epoch, "batch": b + 1})
        if len(val_idx):
            val_logits = predict_logits(model, val_crops, cfg.input_size)
            y_val = torch.from_numpy(labels[val_idx].astype(np.int64))
            val_loss = float(F.cross_entropy(torch.from_numpy(val_logits), y_val))
            val_acc = float((val_logits.argmax(1) == labels[val_idx]).mean())
        else:  # no validation (k-fold mining): train the planned epochs, keep the last
            val_loss, val_acc = -float(epoch), float("nan")
        run = state["running"]
        state["history"].append(
            {
                "epoch": epoch,
                "loss": run[0] / max(run[2], 1),
                "acc": run[1] / max(run[2], 1),
                "val_loss": val_loss,
                "val_acc": val_acc,
            }
        )
        if val_loss < state["best_loss"] - 1e-4:
            state["best_loss"], state["best_epoch"], state["bad"] = val_loss, epoch, 0
            state["best"] = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            state["bad"] += 1
        state["epoch"], state["batch"], state["running"] = epoch + 1, 0, [0.0, 0, 0]
        if progress:
            progress({"epoch": epoch, "end": True, **state["history"][-1]})
        save()
    if state["best"] is not None:
        model.load_state_dict(state["best"])
    model.eval()
    return FitResult(model, state["history"], state["best_epoch"], resumed_from)
