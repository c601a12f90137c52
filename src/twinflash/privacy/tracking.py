"""Carry detections across video frames so a face missed in one frame does not flash through.

Greedy matching by overlap (IoU) of same-kind boxes; a track not matched is still blurred, at
its last box grown a little, for `persistence` frames before it is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from twinflash.privacy.regions import Region, iou


@dataclass
class _Track:
    region: Region
    missed: int = 0


class IouTracker:
    """Per-frame update: `update(frame, detections)` returns the regions to blur."""

    def __init__(self, persistence: int = 5, iou_threshold: float = 0.2, grow: float = 0.05):
        if persistence < 0:
            raise ValueError(f"persistence must be >= 0 frames (got {persistence})")
        self.persistence = persistence
        self.iou_threshold = iou_threshold
        self.grow = grow
        self.tracks: list[_Track] = []

    def update(self, frame: int, detections: list[Region]) -> list[Region]:
        pairs = sorted(
            (
                (iou(t.region.xyxy, d.xyxy), ti, di)
                for ti, t in enumerate(self.tracks)
                for di, d in enumerate(detections)
                if t.region.kind == d.kind
            ),
            reverse=True,
        )
        used_t: set[int] = set()
        used_d: set[int] = set()
        for overlap, ti, di in pairs:
            if overlap < self.iou_threshold or ti in used_t or di in used_d:
                continue
            used_t.add(ti)
            used_d.add(di)
            self.tracks[ti] = _Track(detections[di])
        out = [d.with_frame(frame) for d in detections]
        kept: list[_Track] = []
        for ti, track in enumerate(self.tracks):
            if ti in used_t:
                kept.append(track)
                continue
            if track.missed >= self.persistence:
                continue
            x1, y1, x2, y2 = track.region.xyxy
            gx, gy = (x2 - x1) * self.grow, (y2 - y1) * self.grow
            grown = replace(track.region, xyxy=(x1 - gx, y1 - gy, x2 + gx, y2 + gy))
            kept.append(_Track(grown, track.missed + 1))
            out.append(grown.with_frame(frame, carried=True))
        kept += [_Track(d) for di, d in enumerate(detections) if di not in used_d]
        self.tracks = kept
        return out
