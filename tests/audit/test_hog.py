"""The HOG audit helper's box arithmetic and matching, against hand-computed values."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from twinflash.audit import hog


def test_box_iou_hand_values() -> None:
    a = np.array([[0, 0, 10, 10]])
    b = np.array([[5, 0, 15, 10], [20, 20, 30, 30], [0, 0, 10, 10]])
    np.testing.assert_allclose(hog.box_iou(a, b), [[50 / 150, 0.0, 1.0]])


def test_matching_is_one_to_one_and_prefers_the_best_overlap() -> None:
    gt = np.array([[0, 0, 10, 20], [8, 0, 18, 20]])
    # one detection overlaps both people; the second gt keeps the better-placed one
    det = np.array([[1, 0, 11, 20], [9, 0, 19, 20]])
    np.testing.assert_array_equal(hog.match_one_to_one(gt, det, 0.4), [0, 1])
    np.testing.assert_array_equal(hog.match_one_to_one(gt, det[:1], 0.4), [0, -1])
    np.testing.assert_array_equal(hog.match_one_to_one(gt, np.zeros((0, 4)), 0.4), [-1, -1])


def test_boxes_from_instance_ids_use_pixel_edges() -> None:
    ids = np.zeros((6, 8), np.uint16)
    ids[1:4, 2:5] = 7
    boxes = hog.boxes_from_instance_ids(ids, [7, 9])
    assert set(boxes) == {7}
    np.testing.assert_array_equal(boxes[7], [2, 1, 5, 4])


def test_recall_counts_only_tall_visible_people(monkeypatch: pytest.MonkeyPatch) -> None:
    gt = np.array(
        [[0, 0, 60, 200], [100, 0, 160, 100], [200, 0, 260, 200], [300, 0, 360, 200], [np.nan] * 4]
    )
    det = np.array([[2, 4, 58, 198], [100, 0, 160, 100], [300, 0, 360, 200]], float)
    monkeypatch.setattr(hog, "detect_people", lambda image: (det, np.ones(3)))
    res = hog.hog_people_recall(
        np.zeros((8, 8, 3), np.uint8), gt, visible_fraction=np.array([1.0, 1.0, 0.9, 0.5, 0.0])
    )
    # person 1 too short, person 3 too occluded, person 4 hidden: 1 of the 2 eligible found
    assert (res.n_found, res.n_eligible) == (1, 2)
    assert res.recall == 0.5


def test_recall_under_noise_is_the_median_over_seeded_noisy_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A detector that finds the person only in some copies: the median decides, and the
    copies differ from the image by about sigma and are the same for the same seed."""
    gt = np.array([[0, 0, 60, 200]], float)
    image = np.full((8, 8, 3), 100, np.uint8)
    seen: list[np.ndarray] = []
    pattern = iter([True, False, True, True, False] * 2)

    def fake(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen.append(img)
        return (gt if next(pattern) else np.zeros((0, 4))), np.ones(1)

    monkeypatch.setattr(hog, "detect_people", fake)
    res = hog.hog_people_recall_under_noise(image, gt, sigma=2.0, draws=5, seed=4)
    assert res.found == (1, 0, 1, 1, 0) and res.n_found == 1 and res.recall == 1.0
    diffs = [np.abs(c.astype(float) - 100).mean() for c in seen]
    assert all(1.0 < d < 2.5 for d in diffs)  # E|N(0, 2)| = 1.6
    first = list(seen)
    hog.hog_people_recall_under_noise(image, gt, sigma=2.0, draws=5, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, seen[5:], strict=True))
    with pytest.raises(ValueError, match="odd"):
        hog.hog_people_recall_under_noise(image, gt, draws=4)


def test_blank_image_has_no_people_and_bad_input_is_refused() -> None:
    boxes, scores = hog.detect_people(np.full((256, 160, 3), 128, np.uint8))
    assert boxes.shape == (0, 4) and scores.shape == (0,)
    with pytest.raises(ValueError, match=r"\(H,W,3\) uint8"):
        hog.detect_people(np.zeros((256, 160), np.uint8))


TINY_SIZES = [(64, 96), (32, 48), (80, 32), (200, 16), (95, 64), (96, 31)]  # (H, W)


def test_images_smaller_than_the_window_have_no_detections() -> None:
    """OpenCV's detectMultiScale segfaults below the 64x128 window (issue #11): the guard
    returns no boxes instead. Checked in a child process first, so that a regression fails
    this test instead of killing pytest."""
    code = (
        "import numpy as np\n"
        "from twinflash.audit.hog import detect_people\n"
        f"for h, w in {TINY_SIZES!r}:\n"
        "    boxes, scores = detect_people(np.full((h, w, 3), 128, np.uint8))\n"
        "    assert boxes.shape == (0, 4) and scores.shape == (0,), (h, w)\n"
        "print('SURVIVED')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "SURVIVED" in proc.stdout, (
        f"detect_people on tiny images: exit {proc.returncode} "
        f"(-11 is a segfault): {proc.stderr[-500:]}"
    )
    for h, w in TINY_SIZES:  # the same, in this process, now known to be safe
        boxes, scores = hog.detect_people(np.full((h, w, 3), 128, np.uint8))
        assert boxes.shape == (0, 4) and scores.shape == (0,)


def test_window_fits_from_the_smallest_padded_image() -> None:
    # default padding 16 px per side: 32 + 32 = 64 wide, 96 + 32 = 128 tall
    assert hog.window_fits((32, 96))
    assert not hog.window_fits((31, 96)) and not hog.window_fits((32, 95))
    assert hog.window_fits((64, 128), padding=(0, 0))
    assert not hog.window_fits((64, 127), padding=(0, 0))
    # OpenCV rounds the padding up to a multiple of gcd(win_stride, block stride) = 8
    assert hog.window_fits((32, 96), padding=(9, 9))
