"""Failure crops: the tallest missed person first, then false detections, one per image,
boxes drawn in their colours."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from tests.audit.conftest import coco_of

from twinflash.audit.data import from_coco
from twinflash.audit.failures import ORANGE, RED, detection_failures
from twinflash.audit.models import Detections
from twinflash.audit.tasks import AuditSettings, detection_task


def test_missed_people_then_false_detections_with_their_boxes_drawn(tmp_path: Path) -> None:
    objects = [
        (0, "person", [10, 10, 20, 60], {}),  # found
        (1, "person", [100, 20, 30, 90], {}),  # missed, 90 px tall
        (2, "person", [20, 30, 20, 40], {}),  # missed, 40 px tall
    ]
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((200, 200, 3), 90, np.uint8))
    ds = from_coco(coco_of(objects, 3), [{"is_night": i == 1} for i in range(3)], tmp_path, "coco")
    dets = [
        Detections([[10, 10, 30, 70], [150, 150, 190, 190]], [0.9, 0.8]),  # a hit, a false one
        Detections(np.zeros((0, 4)), []),
        Detections(np.zeros((0, 4)), []),
    ]
    out = detection_task(ds, dets, "person-detection", AuditSettings(), 0.5)
    examples = detection_failures(ds, out, limit=3)
    assert [(e.kind, e.file_name) for e in examples] == [
        ("missed", "1.png"),  # the taller miss first
        ("missed", "2.png"),
        ("false detection", "0.png"),
    ]
    assert examples[0].box_xyxy == [100.0, 20.0, 130.0, 110.0]
    assert examples[0].caption.startswith("missed, 90 px tall; 1.png; is_night=True")
    colours = []
    for e in examples:
        crop = cv2.imdecode(np.frombuffer(e.png, np.uint8), cv2.IMREAD_COLOR)[..., ::-1]
        c0, r0, c1, r1 = e.crop_xyxy
        assert crop.shape[:2] == (r1 - r0, c1 - c0)
        colours.append({tuple(int(v) for v in px) for px in crop.reshape(-1, 3)})
    assert examples[2].crop_xyxy == [90, 90, 200, 200]  # 160 px around the false box
    assert RED in colours[0] and RED in colours[1] and ORANGE not in colours[0]
    assert colours[2] == {(90, 90, 90), ORANGE}  # the hit (green) lies outside this crop
