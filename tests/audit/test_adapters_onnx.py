"""ONNX adapters: YOLO layouts and an image classifier (tiny graphs built here, no
download), and the files they need."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from twinflash.audit.models import AdapterOptions, build_model
from twinflash.errors import InputError


def _const_model(path: Path, outputs: dict[str, np.ndarray], input_hw: int = 64) -> Path:
    """A graph whose outputs are constants plus 0 * mean(input) (so the input is used)."""
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, input_hw, input_hw])
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0),
        helper.make_node("Mul", ["m", "zero"], ["z"]),
    ]
    inits = [helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])]
    outs = []
    for name, value in outputs.items():
        inits.append(
            helper.make_tensor(
                f"{name}_c",
                TensorProto.FLOAT,
                value.shape,
                value.astype(np.float32).ravel().tolist(),
            )
        )
        nodes.append(helper.make_node("Add", [f"{name}_c", "z"], [name]))
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(value.shape)))
    graph = helper.make_graph(nodes, "g", [inp], outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def test_onnx_yolo_three_outputs_undo_the_letterbox(tmp_path: Path) -> None:
    # 64x64 input; a 128x64 (w x h) image is scaled by 0.5 and padded 16 px top and bottom
    model = _const_model(
        tmp_path / "y.onnx",
        {
            "boxes": np.array([[[10, 20, 30, 40], [0, 16, 8, 24]]]),
            "scores": np.array([[0.9, 0.4]]),
            "classes": np.array([[0, 1]]),
        },
    )
    names = tmp_path / "names.txt"
    names.write_text("person\ncar\n")
    m = build_model(f"onnx-yolo:{model}", AdapterOptions(class_map=names))
    det = m.detect(np.zeros((64, 128, 3), np.uint8))
    np.testing.assert_allclose(det.xyxy, [[20, 8, 60, 48], [0, 0, 16, 16]])
    assert det.labels == ["person", "car"]
    people = det.of_class("person")
    np.testing.assert_allclose(people.scores, [0.9])


def test_onnx_yolo_raw_head_is_decoded_with_nms(tmp_path: Path) -> None:
    # (1, 4+2, 3): two overlapping person anchors and one car anchor, cx cy w h
    head = np.array(
        [[[20, 21, 50], [20, 20, 50], [10, 10, 10], [20, 20, 10], [0.8, 0.7, 0.1], [0.1, 0.0, 0.6]]]
    )
    model = _const_model(tmp_path / "raw.onnx", {"output0": head})
    names = tmp_path / "names.json"
    names.write_text(json.dumps({"0": "person", "1": "car"}))
    det = build_model(f"onnx-yolo:{model}", AdapterOptions(class_map=names)).detect(
        np.zeros((64, 64, 3), np.uint8)
    )
    order = np.argsort(-det.scores)
    np.testing.assert_allclose(det.scores[order], [0.8, 0.6], atol=1e-6)
    assert [det.labels[k] for k in order] == ["person", "car"]
    np.testing.assert_allclose(det.xyxy[order[0]], [15, 10, 25, 30], atol=1e-4)


def test_onnx_classifier_softmax_and_labels(tmp_path: Path) -> None:
    inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])
    nodes = [
        helper.make_node("ReduceMean", ["x", "axes"], ["m"], keepdims=0),
        helper.make_node("MatMul", ["m", "w"], ["logits"]),
    ]
    inits = [
        helper.make_tensor("axes", TensorProto.INT64, [2], [2, 3]),
        helper.make_tensor("w", TensorProto.FLOAT, [3, 3], np.eye(3).ravel().tolist()),
    ]
    graph = helper.make_graph(nodes, "c", [inp], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "c.onnx")
    labels = tmp_path / "labels.txt"
    labels.write_text("Renault/Clio\nPeugeot/208\nTesla/Model 3\n")
    clf = build_model(f"onnx-classifier:{tmp_path / 'c.onnx'}", AdapterOptions(labels=labels))
    crop = np.zeros((30, 40, 3), np.uint8)
    crop[..., 1] = 255  # green: the second channel wins after ImageNet normalisation
    names, probs = clf.classify_labels(crop)
    assert names[0] == "Peugeot/208"
    assert abs(probs.sum() - 1) < 1e-6 and probs[0] == probs.max()
    bad = tmp_path / "two.txt"
    bad.write_text("a\nb\n")
    with pytest.raises(InputError, match="model gives 3 classes, label file 2"):
        build_model(
            f"onnx-classifier:{tmp_path / 'c.onnx'}", AdapterOptions(labels=bad)
        ).classify_labels(crop)


def test_onnx_adapters_need_their_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="`class_map`: required"):
        build_model(f"onnx-yolo:{_const_model(tmp_path / 'y.onnx', {'o': np.zeros((1, 6, 1))})}")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not onnx")
    with pytest.raises(InputError, match=r"junk\.onnx: not a loadable ONNX model"):
        build_model(f"onnx-yolo:{junk}", AdapterOptions(class_map=tmp_path / "n.txt"))
