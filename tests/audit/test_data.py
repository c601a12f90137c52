"""Loading what is audited: a twinflash dataset directory (per-sample COCO merged by the
datasets code, metadata.parquet) and a plain COCO file with a metadata CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from twinflash.annotations import Annotations, encode_rle
from twinflash.audit.data import load_dataset
from twinflash.audit.slices import colour_name, plan_slices
from twinflash.camera import CameraModel
from twinflash.errors import InputError
from twinflash.formats import coco as coco_format
from twinflash.formats import metadata
from twinflash.formats.coco import annotations_to_coco, merge_coco
from twinflash.formats.metadata import image_row, object_rows
from twinflash.scene.models import Person, Scene

W, H = 64, 48


def _sample(k: int, night: bool) -> dict:
    """One sample's COCO: two people (boxes of known size), person 2 lying, dark skin."""
    scene = Scene(
        name=f"s{k}",
        seed=k,
        people=[
            Person(x_m=10, y_m=0, skin_tone=2, top_color="#d01010"),
            Person(x_m=12, y_m=1, skin_tone=9, pose="lying", top_color="#1030c0"),
        ],
    )
    masks = [np.zeros((H, W), bool), np.zeros((H, W), bool)]
    masks[0][10:30, 20:28] = True
    masks[1][30:36, 30:50] = True
    ann = Annotations(
        image_wh=(W, H),
        instance_id=[1, 2],
        category_id=[1, 1],
        xyxy=[[20, 10, 28, 30], [30, 30, 50, 36]],
        amodal_xyxy=[[20, 10, 28, 30], [30, 30, 50, 36]],
        rle=[encode_rle(m) for m in masks],
        area=[160, 120],
        amodal_area=[160, 200],
        visibility=[1.0, 0.6],
        distance_m=[10.0, 12.0],
        head_xy=[[24, 12], [32, 33]],
        head_visible=[True, True],
        plate_corners_xy=np.full((2, 4, 2), np.nan),
        parent_id=[0, 0],
        amodal_rle=[encode_rle(m) for m in masks],
        attributes=[
            {"scene_index": i, **p.model_dump(mode="json")} for i, p in enumerate(scene.people)
        ],
    )
    cam = CameraModel(np.zeros(3), 0.0, 0.0, 36.0, 36.0, (W, H))
    return annotations_to_coco(
        ann,
        camera=cam,
        scene=scene.model_dump(mode="json"),
        derived={"is_night": night, "sun_elevation_deg": -10.0 if night else 30.0},
    )


def _twinflash_dir(root: Path, with_parquet: bool) -> Path:
    samples = [_sample(k, k % 2 == 1) for k in range(4)]
    splits = {"train": [0, 1], "test": [2, 3]}
    rows = []
    for split, idx in splits.items():
        items = [(k + 1, f"samples/{k:06d}/image.png", samples[k]) for k in idx]
        coco_format.write(merge_coco(items, split), root / "coco" / f"instances_{split}.json")
        for k in idx:
            row = image_row(k, f"{k:06d}", split, samples[k])
            rows += [row, *object_rows(row, samples[k])]
    if with_parquet:
        metadata.write(rows, root / "metadata.parquet")
    return root


@pytest.mark.parametrize("with_parquet", [True, False])
def test_twinflash_dataset_columns(tmp_path: Path, with_parquet: bool) -> None:
    ds = load_dataset(_twinflash_dir(tmp_path / "d", with_parquet))
    assert ds.source == "twinflash" and ds.n_images == 4
    # annotation ids renumbered across the merged splits, image columns per image
    assert len(set(ds.truth.annotation_id.tolist())) == 8
    np.testing.assert_array_equal(ds.images["is_night"].astype(bool), [False, True, False, True])
    assert "weather_kind" in ds.images and "camera_height_m" in ds.images
    np.testing.assert_array_equal(ds.objects["box_height_px"], [20, 6] * 4)
    assert list(ds.objects["pose"][:2]) == ["standing", "lying"]
    np.testing.assert_array_equal(ds.objects["skin_tone"], [2, 9] * 4)
    assert "x_m" not in ds.objects  # positions are not conditions
    test_only = load_dataset(tmp_path / "d", split="test")
    assert test_only.n_images == 2
    with pytest.raises(InputError, match="no split 'val'; known: "):
        load_dataset(tmp_path / "d", split="val")


def test_slices_of_a_twinflash_dataset(tmp_path: Path) -> None:
    ds = load_dataset(_twinflash_dir(tmp_path / "d", True))
    slices, _ = plan_slices(ds, np.arange(8), crossings=[])
    labels = {(s.column, s.label) for s in slices}
    assert ("is_night", "True") in labels and ("pose", "lying") in labels
    assert ("box_height_px", "far (<30 px)") in labels
    assert ("skin_tone", "MST 1-3") in labels and ("skin_tone", "MST 7-10") in labels
    assert ("top_color", "red") in labels and ("top_color", "blue") in labels
    far = next(s for s in slices if s.label == "far (<30 px)")
    assert far.level == "object" and far.mask.sum() == 8


def test_plain_coco_with_metadata_csv(tmp_path: Path) -> None:
    coco = {
        "images": [
            {"id": 7, "file_name": "a/x.png", "width": 10, "height": 10},
            {"id": 9, "file_name": "a/y.png", "width": 10, "height": 10},
        ],
        "annotations": [
            {
                "id": 1,
                "image_id": 9,
                "category_id": 1,
                "bbox": [0, 0, 2, 5],
                "area": 10,
                "iscrowd": 0,
            }
        ],
        "categories": [{"id": 1, "name": "person"}],
    }
    (tmp_path / "gt.json").write_text(json.dumps(coco))
    (tmp_path / "m.csv").write_text("file_name,fog,hour\nx.png,true,3.5\ny.png,false,\n")
    ds = load_dataset(tmp_path / "gt.json", metadata=tmp_path / "m.csv")
    assert list(ds.images["fog"]) == [True, False]  # matched by base name
    assert ds.images["hour"][0] == 3.5 and np.isnan(ds.images["hour"][1])
    assert ds.object_image.tolist() == [1] and ds.objects["box_height_px"].tolist() == [5.0]
    (tmp_path / "bad.csv").write_text("name,fog\nx.png,1\n")
    with pytest.raises(InputError, match=r"bad\.csv: field file_name: missing"):
        load_dataset(tmp_path / "gt.json", metadata=tmp_path / "bad.csv")
    (tmp_path / "other.csv").write_text("file_name,fog\nz.png,1\n")
    with pytest.raises(InputError, match=r"other\.csv: field file_name: no value matches"):
        load_dataset(tmp_path / "gt.json", metadata=tmp_path / "other.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "broken JSON at line 1"), ('{"images": []}', "not a COCO file, missing annotations")],
)
def test_bad_coco_is_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "gt.json").write_text(content)
    with pytest.raises(InputError, match=rf"gt\.json: {message}"):
        load_dataset(tmp_path / "gt.json")


def test_colour_names() -> None:
    assert colour_name("#d01010") == "red" and colour_name("#f5f5f5") == "white"
    assert colour_name("#1a1a1a") == "black"


def test_fog_visibility_is_sliced_among_fog_images_only(tmp_path: Path) -> None:
    from twinflash.audit.data import from_coco

    coco = {
        "images": [
            {"id": i + 1, "file_name": f"{i}.png", "width": 10, "height": 10} for i in range(16)
        ],
        "annotations": [],
        "categories": [{"id": 1, "name": "person"}],
    }
    kinds = ["fog", "clear"] * 8
    rows = [
        {"weather_kind": k, "weather_fog_visibility_m": float(20 + 40 * i)}
        for i, k in enumerate(kinds)
    ]
    ds = from_coco(coco, rows, tmp_path, "coco")
    slices, curves = plan_slices(ds, None, columns=["weather_fog_visibility_m"], crossings=[])
    covered = np.zeros(16, bool)
    for s in slices:
        covered |= s.mask
    np.testing.assert_array_equal(covered, [k == "fog" for k in kinds])
    assert [c.column for c in curves] == ["weather_fog_visibility_m"]
    assert curves[0].x.max() <= 20 + 40 * 14  # fog images only (even indices)
