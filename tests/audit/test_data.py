"""Loading what is audited: a twinflash dataset directory (per-sample COCO merged by the
formats code, metadata.parquet) and a plain COCO file with a metadata CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.audit.conftest import twinflash_dataset_dir

from twinflash.audit.data import load_dataset
from twinflash.errors import InputError


@pytest.mark.parametrize("with_parquet", [True, False])
def test_twinflash_dataset_columns(tmp_path: Path, with_parquet: bool) -> None:
    ds = load_dataset(twinflash_dataset_dir(tmp_path / "d", with_parquet))
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
