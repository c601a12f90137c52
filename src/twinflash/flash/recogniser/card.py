"""The model card: everything inference and the verdict need, beside ``model.onnx``.

``card.json`` carries ``schema_version``; a card from a newer schema, or one missing a
field, is refused with one line naming the file and field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinflash.errors import InputError
from twinflash.files import atomic_write_text

SCHEMA_VERSION = 1
CARD = "card.json"


class ClassEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    make: str
    model: str
    body: str


class ModelCard(BaseModel):
    """What the recogniser is, was trained on, and how well it did on held-out photos."""

    model_config = ConfigDict(extra="forbid")
    schema_version: int = SCHEMA_VERSION
    kind: str = "twinflash-recogniser"
    backbone: str = "efficientnet-lite0"
    pretrained: bool
    classes: list[ClassEntry]
    levels: list[str] = Field(default_factory=lambda: ["model", "make", "body"])
    temperature: float
    input_size: int
    normalisation: dict[str, float] = Field(default_factory=lambda: {"mean": 127.0, "std": 128.0})
    crop: dict[str, Any]
    training_data: dict[str, Any]  # layout, source, digest, counts, skipped
    training: dict[str, Any]  # epochs, batch size, lr, seed, early stopping
    metrics: dict[str, Any]
    files: dict[str, str] = Field(default_factory=dict)


def write_card(card: ModelCard, model_dir: Path) -> Path:
    """Write ``card.json`` atomically (temp file + rename)."""
    path = Path(model_dir) / CARD
    atomic_write_text(path, json.dumps(card.model_dump(), indent=2, sort_keys=True) + "\n")
    return path


def read_card(model_dir: Path) -> ModelCard:
    path = Path(model_dir) / CARD
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(
            f"{path}: no model card (is {model_dir} a trained model directory?)"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if version != SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema_version {version!r}, this twinflash reads {SCHEMA_VERSION}"
        )
    try:
        return ModelCard.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{path}: {field}: {err['msg']}") from None
