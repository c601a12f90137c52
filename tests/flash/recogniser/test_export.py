"""ONNX export: the file answers as PyTorch does, for any batch size, written whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from twinflash.flash.recogniser.export import export_onnx, onnx_logits  # noqa: E402


def test_onnx_gives_pytorchs_logits_for_any_batch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(), torch.nn.Linear(4, 3),
    )  # fmt: skip
    path = export_onnx(model, 16, tmp_path / "model.onnx")
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]  # no temporary left
    x = np.random.default_rng(0).normal(0, 1, (5, 3, 16, 16)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    assert np.allclose(onnx_logits(path, x), expected, atol=1e-5)
    assert onnx_logits(path, x[:1]).shape == (1, 3)
