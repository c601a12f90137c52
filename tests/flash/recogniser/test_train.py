"""Training a recogniser on synthetic vehicles: it learns shapes, mines a planted clone,
calibrates, exports an ONNX model that agrees with PyTorch, and resumes after a kill."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("efficientnet_lite_pytorch")

from tests.flash.synthetic_vehicles import write_manifest  # noqa: E402

from twinflash.errors import InputError  # noqa: E402
from twinflash.flash.recognise import Recogniser  # noqa: E402
from twinflash.flash.recogniser.backbone import build  # noqa: E402
from twinflash.flash.recogniser.card import read_card  # noqa: E402
from twinflash.flash.recogniser.fit import FitConfig  # noqa: E402
from twinflash.flash.recogniser.preprocess import read_image, to_input  # noqa: E402
from twinflash.flash.recogniser.train import train  # noqa: E402

CFG = FitConfig(input_size=64, epochs=4, batch_size=12, lr=3e-3, patience=3,
                train_backbone=False, checkpoint_every=3)  # fmt: skip


def held_out_rows(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.csv").open() as fh:
        return [r for r in csv.DictReader(fh) if r["split"] == "test"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("synthetic")
    write_manifest(root, {"twingo": 14, "3008": 14, "master": 14}, seed=0,
                   planted=[("master", "twingo")])  # fmt: skip
    write_manifest(root, {"twingo": 8, "3008": 8, "master": 8}, seed=1, split="test")
    out = root / "model"
    train(root / "manifest.csv", out, CFG, mine_clones=True, folds=3)
    return root, out


def test_learns_shapes_well_above_chance_on_held_out_photos(trained) -> None:
    root, out = trained
    rec = Recogniser(out)
    rows = held_out_rows(root)
    images = [read_image(root / r["path"]) for r in rows]
    corners = [np.array([float(r[k]) for k in list(r)[3:11]]).reshape(4, 2) for r in rows]
    answers = rec.recognise(images, plate_corners=corners, top_k=2)
    right = [
        a.models[0].label == f"{r['make']} | {r['model']}"
        for a, r in zip(answers, rows, strict=True)
    ]
    assert np.mean(right) >= 0.7  # chance: 1/3
    assert read_card(out).metrics["test_accuracy"]["model"] == pytest.approx(np.mean(right))
    assert all(a.anchor == "plate" and len(a.models) == 2 for a in answers)
    assert all(abs(sum(a.probs) - 1) < 1e-5 for a in answers)


def test_planted_mislabel_is_the_first_clone_suspect(trained) -> None:
    _, out = trained
    with (out / "clone_suspects.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows and Path(rows[0]["path"]).name.startswith("planted_")
    assert rows[0]["label"] == "Renault | Twingo" and rows[0]["predicted"] == "Renault | Master"
    assert len(rows) <= 4  # a handful to check by hand, not the training set


def test_card_and_model_directory(trained) -> None:
    _, out = trained
    card = read_card(out)
    assert card.schema_version == 1 and card.pretrained and card.input_size == 64
    assert [(c.make, c.model, c.body) for c in card.classes] == [
        ("Peugeot", "3008", "suv"), ("Renault", "Master", "large_van"),
        ("Renault", "Twingo", "city_car"),
    ]  # fmt: skip
    assert card.levels == ["model", "make", "body"]
    assert 0.05 <= card.temperature <= 20
    assert len(card.training_data["digest"]) == 64 and card.training_data["test"] == 24
    assert card.metrics["onnx_torch_top1_agreement"] == 1.0
    assert 0 <= card.metrics["val_ece_after"] <= 1
    for name in ("model.onnx", "model.pt", "reliability.png", "skipped.csv", "history.csv"):
        assert (out / name).is_file(), name
    assert cv2.imread(str(out / "reliability.png")) is not None
    assert not (out / "checkpoint.pt").exists()
    with pytest.raises(InputError, match="already holds a trained model"):
        train(out.parent / "manifest.csv", out, CFG)


def test_onnx_and_pytorch_give_the_same_top1(trained) -> None:
    root, out = trained
    rec = Recogniser(out)
    model = build(3, 64, pretrained=False)
    model.load_state_dict(torch.load(out / "model.pt", weights_only=True))
    model.eval()
    images = [read_image(root / r["path"]) for r in held_out_rows(root)]
    crops = [rec.crop(img)[0] for img in images]
    with torch.no_grad():
        torch_top1 = model(torch.from_numpy(to_input(crops, 64))).numpy().argmax(1)
    np.testing.assert_array_equal(rec.probabilities(crops).argmax(1), torch_top1)


def test_unseen_registry_models_judged_at_make_or_body_level(trained) -> None:
    _, out = trained
    rec = Recogniser(out)
    [answer] = rec.recognise([np.zeros((64, 64, 3), np.uint8)])
    twingo = rec.judge(answer, "RENAULT", "TWINGO")
    clio = rec.judge(answer, "RENAULT", "CLIO IV")
    c5 = rec.judge(answer, "CITROEN", "C5 AIRCROSS")
    c3 = rec.judge(answer, "CITROEN", "C3")
    assert (twingo.level, twingo.label) == ("model", "Renault | Twingo")
    assert (clio.level, clio.label) == ("make", "Renault")
    assert clio.p == pytest.approx(answer.probs[1] + answer.probs[2])  # Master + Twingo
    assert (c5.level, c5.label) == ("body", "suv")
    assert c3.level is None and c3.p is None


def test_killed_training_resumes_to_the_same_weights(tmp_path: Path) -> None:
    """From scratch (--no-pretrained), whole network: kill mid-epoch, resume, compare."""
    torch.set_num_threads(1)
    write_manifest(tmp_path, {"twingo": 5, "3008": 5, "master": 5}, seed=2)
    cfg = FitConfig(input_size=48, epochs=2, batch_size=4, pretrained=False, train_backbone=True,
                    checkpoint_every=1, patience=5)  # fmt: skip
    train(tmp_path / "manifest.csv", tmp_path / "straight", cfg)

    def kill(at: dict) -> None:
        if at == {"epoch": 1, "batch": 2}:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(tmp_path / "manifest.csv", tmp_path / "killed", cfg, on_batch=kill)
    assert (tmp_path / "killed" / "checkpoint.pt").exists()
    assert not (tmp_path / "killed" / "card.json").exists()
    with pytest.raises(InputError, match="other data or settings"):
        train(tmp_path / "manifest.csv", tmp_path / "killed", replace(cfg, lr=0.1), resume=True)
    card = train(tmp_path / "manifest.csv", tmp_path / "killed", cfg, resume=True)
    assert card.training["resumed_from"] == (1, 2) and not card.pretrained
    a = torch.load(tmp_path / "straight" / "model.pt", weights_only=True)
    b = torch.load(tmp_path / "killed" / "model.pt", weights_only=True)
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=1e-6, msg=k)


def test_a_larger_input_size_reaches_the_crop_the_network_and_the_onnx_model(
    tmp_path: Path,
) -> None:
    """The recipes at the checked photos' size (benchmarks/recogniser_accuracy.py: 160, 224
    px) rely on `input_size` setting the training crops, the network, the exported model
    and the crops at inference alike (issue #17)."""
    import onnxruntime as ort

    torch.set_num_threads(1)
    write_manifest(tmp_path, {"twingo": 3, "master": 3}, seed=2)
    cfg = replace(CFG, input_size=160, epochs=1, augment=None)
    card = train(tmp_path / "manifest.csv", tmp_path / "model", cfg)
    assert card.input_size == 160 and card.crop["size_wh"] == [160, 160]
    session = ort.InferenceSession(str(tmp_path / "model" / "model.onnx"))
    assert session.get_inputs()[0].shape[2:] == [160, 160]
    rec = Recogniser(tmp_path / "model")
    assert rec.spec.size_wh == (160, 160)
    rows = list(csv.DictReader((tmp_path / "manifest.csv").open()))
    image = read_image(tmp_path / rows[0]["path"])
    corners = np.array([float(rows[0][k]) for k in list(rows[0])[3:11]]).reshape(4, 2)
    (answer,) = rec.recognise([image], plate_corners=[corners], top_k=2)
    assert sum(m.p for m in answer.models) == pytest.approx(1.0, abs=1e-4)
