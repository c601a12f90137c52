"""`audit()` end to end: the report of each task written as HTML and JSON with the same
figures."""

from __future__ import annotations

import json
from html import escape as html_escape
from pathlib import Path

import numpy as np

from twinflash.audit.analysis import AnalysisSettings
from twinflash.audit.run import audit


def test_counting_report(planted_files: dict[str, Path], tmp_path: Path) -> None:
    gt = json.loads(planted_files["gt"].read_text())
    truth = np.bincount([a["image_id"] for a in gt["annotations"]], minlength=len(gt["images"]) + 1)
    meta = planted_files["meta"].read_text().splitlines()[1:]
    night = {k + 1: row.split(",")[1] == "True" for k, row in enumerate(meta)}
    # the counter misses two people in every night image
    counts = [
        {"image_id": img["id"], "count": int(truth[img["id"]]) - 2 * night[img["id"]]}
        for img in gt["images"]
    ]
    preds = tmp_path / "counts.json"
    preds.write_text(json.dumps(counts))
    report = audit(
        planted_files["gt"],
        f"predictions:{preds}",
        "crowd-counting",
        tmp_path / "rep",
        metadata=planted_files["meta"],
        analysis=AnalysisSettings(n_boot=200, min_support=10),
    )  # units are images
    assert report.summary.mae == np.mean([2 * v for v in night.values()])
    assert (
        "Mean absolute count error is higher (worse) for is_night = True"
        in report.analysis.headline[0]
    )
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "mean absolute count error by is_night" in html


def test_classification_report(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images, anns, preds = [], [], []
    for i in range(60):
        night = i % 2 == 1
        images.append({"id": i + 1, "file_name": f"{i}.png", "width": 300, "height": 200})
        for k in range(3):
            aid = len(anns) + 1
            true = ["Renault", "Clio"] if k % 2 else ["Peugeot", "208"]
            anns.append(
                {
                    "id": aid,
                    "image_id": i + 1,
                    "category_id": 2,
                    "iscrowd": 0,
                    "bbox": [k * 90.0, 50, 80, 60],
                    "area": 4800.0,
                    "attributes": {"make": true[0], "model": true[1], "color": "#c0c0c0"},
                }
            )
            right = rng.random() < (0.5 if night else 0.95)
            label = "/".join(true) if right else "Tesla/Model 3"
            preds.append({"annotation_id": aid, "labels": [label], "scores": [0.9]})
    coco = {
        "images": images,
        "annotations": anns,
        "categories": [{"id": 1, "name": "person"}, {"id": 2, "name": "vehicle"}],
    }
    (tmp_path / "gt.json").write_text(json.dumps(coco))
    (tmp_path / "m.csv").write_text(
        "file_name,is_night\n" + "".join(f"{i}.png,{i % 2 == 1}\n" for i in range(60))
    )
    (tmp_path / "p.json").write_text(json.dumps(preds))
    report = audit(
        tmp_path / "gt.json",
        f"predictions:{tmp_path / 'p.json'}",
        "vehicle-classification",
        tmp_path / "rep",
        metadata=tmp_path / "m.csv",
        analysis=AnalysisSettings(n_boot=200),
    )
    assert "Top-1 accuracy is lower (worse) for is_night = True" in report.analysis.headline[0]
    data = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert data["details"]["confusions"][0]["predicted"] == "Tesla/Model 3"
    assert 0 < data["summary"]["ece"] < 1


def test_audit_writes_html_and_json_with_the_same_figures(
    planted_files: dict[str, Path], tmp_path: Path
) -> None:
    report = audit(
        planted_files["gt"],
        f"predictions:{planted_files['preds']}",
        "person-detection",
        tmp_path / "rep",
        metadata=planted_files["meta"],
        analysis=AnalysisSettings(n_boot=200),
    )
    data = json.loads((tmp_path / "rep" / "report.json").read_text())
    html = (tmp_path / "rep" / "report.html").read_text()
    assert data["analysis"]["headline"] == report.analysis.headline
    assert data["schema_version"] == 1 and data["failures"]
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<script" not in html
    assert html.count("data:image/png;base64,") == len(data["failures"])
    for line in data["analysis"]["headline"]:
        assert html_escape(line) in html
