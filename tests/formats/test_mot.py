"""MOTChallenge ground truth: amodal boxes clipped to the image, stable track ids, conf 0
for hidden objects, plates left out; and back to tracks."""

from __future__ import annotations

import dataclasses

import numpy as np

from twinflash.annotations import CATEGORIES
from twinflash.formats.mot import annotations_to_mot, read, write


def test_gt_lines_of_one_frame(annotated) -> None:
    _, _, ann = annotated
    assert annotations_to_mot(ann, 3) == [
        "3,1,20.00,10.00,8.00,20.00,1,1,1.0000",  # person 0: track 1, pedestrian
        "3,1001,36.00,30.00,24.00,16.00,1,3,1.0000",  # vehicle 0: track 1001, car
        "3,2,38.08,23.36,0.64,0.64,0,1,0.0000",  # person 1, hidden: not evaluated
    ]  # the plate (row 2) is not tracked


def test_waste_is_a_static_occluder_never_evaluated(annotated) -> None:
    """Dumped waste: MOT17 class 10, its own track ids, conf 0 even when fully visible."""
    _, _, ann = annotated
    category = ann.category_id.copy()
    category[1] = CATEGORIES["waste"]  # the vehicle row (visible, scene index 0) as waste
    waste = dataclasses.replace(ann, category_id=category)
    assert annotations_to_mot(waste, 3)[1] == "3,2001,36.00,30.00,24.00,16.00,0,10,1.0000"


def test_write_then_read_gives_the_tracks(tmp_path, annotated) -> None:
    _, _, ann = annotated
    image = tmp_path / "image.png"
    image.write_bytes(b"png")
    seq = write(tmp_path / "mot", "train", "clip-00001", [(image, ann), (image, ann)], fps=5.0)
    assert (seq / "seqinfo.ini").read_text(encoding="utf-8").splitlines()[3:6] == [
        "frameRate=5",
        "seqLength=2",
        "imWidth=64",
    ]
    tracks = read(seq)
    assert sorted(tracks) == [1, 2, 1001]
    assert [f for f, _, _ in tracks[1001]] == [1, 2]
    np.testing.assert_allclose(tracks[1001][0][1], [36, 30, 60, 46])
    assert tracks[2][1][2] == 0.0  # the hidden person's visibility
