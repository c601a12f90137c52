"""Regions carried across frames: a face missed for a few frames stays blurred."""

from __future__ import annotations

from twinflash.privacy.regions import Region
from twinflash.privacy.tracking import IouTracker


def _face(x: float) -> Region:
    return Region("face", (x, 10.0, x + 20.0, 40.0), 0.9)


def test_missed_face_is_carried_then_dropped() -> None:
    tracker = IouTracker(persistence=2)
    assert [r.carried for r in tracker.update(0, [_face(100)])] == [False]
    out = tracker.update(1, [])  # missed: still blurred, a little larger
    assert len(out) == 1 and out[0].carried and out[0].frame == 1
    assert out[0].xyxy[0] < 100 and out[0].xyxy[2] > 120
    assert len(tracker.update(2, [])) == 1
    assert tracker.update(3, []) == []  # persistence exhausted


def test_matched_face_follows_and_new_faces_start_tracks() -> None:
    tracker = IouTracker(persistence=3)
    tracker.update(0, [_face(100)])
    out = tracker.update(1, [_face(104), _face(300)])
    assert sorted(r.xyxy[0] for r in out) == [104, 300]
    assert not any(r.carried for r in out)
    out = tracker.update(2, [_face(302)])  # the first one is lost, carried at 104
    assert sorted((round(r.xyxy[0]), r.carried) for r in out) == [(103, True), (302, False)]


def test_kinds_never_match_each_other() -> None:
    tracker = IouTracker(persistence=1)
    tracker.update(0, [_face(100)])
    plate = Region("plate", (100.0, 10.0, 120.0, 40.0), 0.9)
    out = tracker.update(1, [plate])
    assert sorted((r.kind, r.carried) for r in out) == [("face", True), ("plate", False)]
