"""MediaPipe's BlazePose person detector + pose landmarker: a second, CNN people instrument.

An instrument independent of HOG (a linear SVM on gradients) for the people realism
figures: the two TFLite models that the `mediapipe==0.10.21` wheel ships (Apache-2.0;
the last release that bundles them), run by `tflite-runtime` with no download and
without importing mediapipe itself (its own dependencies clash with ours: protobuf < 5,
the non-headless OpenCV), hence the `--no-deps` install in the Makefile.

The pipeline is MediaPipe's own, re-implemented from its graphs (pose_detection_cpu,
pose_detection_to_roi, pose_landmark_by_roi_cpu):
1. the SSD pose detector (224x224, 2254 anchors) finds a face box and two alignment
   points per person: hip centre and a point on the circle that holds the body;
2. that circle, turned so the body stands upright and grown by 1.25, is cut out and the
   landmark model (256x256) gives 33 body landmarks, a person-segmentation mask and a
   pose-presence score.
The person box is the extent of the segmentation mask (>= 0.5) and of the landmarks,
mapped back into the image, so it is tight like our visible-mask truth. The person
score is the detection score times the pose-presence score. Because the ROI is turned
by the detector's alignment, people who lie or lean are cut out upright: unlike HOG's
fixed 64x128 window, posture is not a blind spot by design.

Departures from MediaPipe, which runs the detector once on the whole image for one or
two people near the camera: street people are small, so the detector runs on
overlapping square tiles of several sizes (`tiles`; it is picky about scale); the
detections of one person are grouped by face box as MediaPipe's suppression does, and
the landmarker tries the best few of their body squares (`TRIES`); the person score
(detection x presence) must reach `MIN_SCORE`. About 15 s of one core for 1280x720.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from twinflash.audit.hog import box_iou

DETECTOR = "modules/pose_detection/pose_detection.tflite"
LANDMARKER = "modules/pose_landmark/pose_landmark_full.tflite"
DETECTOR_SIZE = 224
LANDMARKER_SIZE = 256
MIN_TILE_PX = 150  # smallest tile side: a person >= 128 px long fills most of it
TILE_RATIO = 0.8  # each tile size is this fraction of the one before (the detector is scale-picky)
MIN_DETECTION_SCORE = 0.5  # pose_detection_cpu's min_score_thresh
MIN_PRESENCE = 0.5  # pose_landmark_by_roi_cpu's pose-presence threshold
# Detection score x presence: each alone passes tree crowns and a cat at MediaPipe's 0.5
# (a tracker that expects one person in view); set on the sunny example and on
# scikit-image's and matplotlib's photos, before the held-out crowds were measured.
MIN_SCORE = 0.55
ROI_SCALE = 1.25  # pose_detection_to_roi's RectTransformation
TRIES = 3  # body squares of one person given to the landmarker, best detection first
INSTALL_HINT = (
    "the pose instrument needs tflite-runtime==2.14.0 and mediapipe==0.10.21 "
    "(`make install` installs both; mediapipe with --no-deps)"
)


def model_path(name: str) -> Path:
    """A model file of the installed mediapipe wheel, found without importing mediapipe."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"mediapipe is not installed: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / name
    if not path.is_file():
        raise ImportError(f"{path} is missing: {INSTALL_HINT}")
    return path


@cache
def _interpreter(name: str) -> Any:
    try:
        from tflite_runtime.interpreter import Interpreter
    except ImportError:
        raise ImportError(f"tflite_runtime is not installed: {INSTALL_HINT}") from None
    it = Interpreter(
        model_path=str(model_path(name)), num_threads=1
    )  # 2 threads spin-wait: ~5x the CPU when busy
    it.allocate_tensors()
    return it


def _run(name: str, batch: np.ndarray) -> list[np.ndarray]:
    """Run one model on one (1,S,S,3) float32 input; outputs in the model's order."""
    it = _interpreter(name)
    it.set_tensor(it.get_input_details()[0]["index"], batch)
    it.invoke()
    return [it.get_tensor(o["index"]) for o in it.get_output_details()]


@cache
def ssd_anchors() -> np.ndarray:
    """(2254,2) anchor centres in [0,1] (x, y), as MediaPipe's SsdAnchorsCalculator makes them.

    5 layers, strides 8,16,32,32,32 on a 224 input, fixed unit size, 2 anchors per cell
    (aspect 1 and the interpolated scale); layers of equal stride share their grid.
    """
    strides = [8, 16, 32, 32, 32]
    out: list[np.ndarray] = []
    layer = 0
    while layer < len(strides):
        n_per_cell = 0
        last = layer
        while last < len(strides) and strides[last] == strides[layer]:
            n_per_cell += 2
            last += 1
        cells = math.ceil(DETECTOR_SIZE / strides[layer])
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        centres = np.c_[(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells]
        out.append(np.repeat(centres, n_per_cell, axis=0))
        layer = last
    return np.concatenate(out)


@dataclass(frozen=True)
class Roi:
    """A square region turned by `rotation_rad` (0 = upright body), in image pixels."""

    cx: float
    cy: float
    size: float
    rotation_rad: float
    score: float

    def corners(self) -> np.ndarray:
        """(3,2) top-left, top-right, bottom-left corners of the turned square."""
        c, s = math.cos(self.rotation_rad), math.sin(self.rotation_rad)
        half = self.size / 2
        local = np.array([[-half, -half], [half, -half], [-half, half]])
        rot = np.array([[c, -s], [s, c]])
        return local @ rot.T + [self.cx, self.cy]

    def xyxy(self) -> np.ndarray:
        half = self.size / 2
        return np.array([self.cx - half, self.cy - half, self.cx + half, self.cy + half])


def decode_detections(raw_boxes: np.ndarray, raw_scores: np.ndarray) -> list[tuple]:
    """(score, face_xyxy, hip_xy, circle_xy) in [0,1] tile coordinates, score >= threshold."""
    scores = 1 / (1 + np.exp(-np.clip(raw_scores.reshape(-1).astype(float), -100, 100)))
    keep = np.nonzero(scores >= MIN_DETECTION_SCORE)[0]
    anchors = ssd_anchors()[keep]
    raw = raw_boxes.reshape(-1, 12)[keep]
    centre = raw[:, 0:2] / DETECTOR_SIZE + anchors
    half = raw[:, 2:4] / DETECTOR_SIZE / 2
    face = np.c_[centre - half, centre + half]
    hip = raw[:, 4:6] / DETECTOR_SIZE + anchors
    circle = raw[:, 6:8] / DETECTOR_SIZE + anchors
    return [(float(scores[k]), face[i], hip[i], circle[i]) for i, k in enumerate(keep)]


def tiles(w: int, h: int) -> list[tuple[int, int, int]]:
    """(x0, y0, side) of square tiles overlapping by half, inside the image.

    Sides from the image's short side down by `TILE_RATIO` to `MIN_TILE_PX`; an image
    smaller than that is one tile.
    """
    out = []
    side = min(w, h)
    while True:
        step = max(side // 2, 1)
        xs = sorted({*range(0, w - side + 1, step), w - side})
        ys = sorted({*range(0, h - side + 1, step), h - side})
        out += [(x, y, side) for y in ys for x in xs]
        side = int(side * TILE_RATIO)
        if side < MIN_TILE_PX:
            return out


def detect_rois(image_rgb: np.ndarray) -> list[list[Roi]]:
    """Body ROIs from the pose detector on every tile: per person, the best `TRIES`.

    Detections of one person are grouped as MediaPipe does, by their face boxes
    (IoU >= 0.3): the body squares of neighbours overlap far more than their faces.
    The alignment points of one person vary from tile to tile and an averaged square
    can be worse than any of them, so the landmarker tries the best few in turn.
    """
    h, w = image_rgb.shape[:2]
    found: list[tuple[float, np.ndarray, np.ndarray, np.ndarray]] = []
    for x0, y0, side in tiles(w, h):
        tile = cv2.resize(
            image_rgb[y0 : y0 + side, x0 : x0 + side],
            (DETECTOR_SIZE, DETECTOR_SIZE),
            interpolation=cv2.INTER_AREA,
        )
        batch = (tile.astype(np.float32) / 127.5 - 1.0)[None]
        raw_boxes, raw_scores = _run(DETECTOR, batch)
        offset = np.array([x0, y0])
        for score, face, hip, circle in decode_detections(raw_boxes, raw_scores):
            face_px = face * side + np.r_[offset, offset]
            found.append((score, face_px, hip * side + offset, circle * side + offset))
    return [[_roi([c]) for c in cluster[:TRIES]] for cluster in _weighted_clusters(found)]


def _weighted_clusters(found: list[tuple]) -> list[list[tuple]]:
    """Groups of detections whose face boxes overlap the group's best at IoU >= 0.3."""
    if not found:
        return []
    scores = np.array([f[0] for f in found])
    iou = box_iou(np.array([f[1] for f in found]), np.array([f[1] for f in found]))
    left = list(np.argsort(-scores, kind="stable"))
    clusters = []
    while left:
        top = left[0]
        members = [i for i in left if iou[top, i] >= 0.3]
        clusters.append([found[i] for i in members])
        left = [i for i in left if iou[top, i] < 0.3]
    return clusters


def _roi(cluster: list[tuple]) -> Roi:
    """The body square of detections: their alignment points averaged by score."""
    weights = np.array([c[0] for c in cluster])
    hip = np.average([c[2] for c in cluster], axis=0, weights=weights)
    circle = np.average([c[3] for c in cluster], axis=0, weights=weights)
    size = 2 * float(np.hypot(*(circle - hip))) * ROI_SCALE
    rotation = math.pi / 2 - math.atan2(-(circle[1] - hip[1]), circle[0] - hip[0])
    return Roi(float(hip[0]), float(hip[1]), size, rotation, float(weights.max()))


def _nms(items: list, boxes: list, scores: list, iou_max: float) -> list:
    if not items:
        return []
    iou = box_iou(np.array(boxes), np.array(boxes))
    kept: list[int] = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if all(iou[i, j] < iou_max for j in kept):
            kept.append(int(i))
    return [items[i] for i in kept]


def landmark_person(image_rgb: np.ndarray, roi: Roi) -> tuple[np.ndarray, float, np.ndarray]:
    """(xyxy box of the person's mask, pose-presence score, (33,2) landmarks) in image pixels."""
    n = LANDMARKER_SIZE
    to_crop = cv2.getAffineTransform(
        roi.corners().astype(np.float32), np.array([[0, 0], [n, 0], [0, n]], np.float32)
    )
    crop = cv2.warpAffine(image_rgb, to_crop, (n, n), flags=cv2.INTER_LINEAR)
    outs = _run(LANDMARKER, (crop.astype(np.float32) / 255.0)[None])
    landmarks, flag, mask = outs[0], outs[1], outs[2]
    presence = float(flag.reshape(-1)[0])
    back = cv2.invertAffineTransform(to_crop)
    pts = landmarks.reshape(-1, 5)[:33, :2]
    pts = pts @ back[:, :2].T + back[:, 2]
    h, w = image_rgb.shape[:2]
    logits = cv2.warpAffine(mask.reshape(n, n), back, (w, h), flags=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(logits > 0)  # sigmoid > 0.5
    # The mask alone sometimes stops at the waist; the landmarks reach the feet.
    xs = np.r_[xs, xs + 1, pts[:, 0]] if len(xs) else pts[:, 0]
    ys = np.r_[ys, ys + 1, pts[:, 1]] if len(ys) else pts[:, 1]
    box = np.clip([xs.min(), ys.min(), xs.max(), ys.max()], 0, [w, h, w, h]).astype(float)
    return box, presence, pts


def detect_people(image_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Person detections: (N,4) xyxy pixel boxes and scores (detection x presence)."""
    image = np.asarray(image_rgb)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image_rgb must be (H,W,3) uint8, got {image.shape} {image.dtype}")
    boxes, scores = [], []
    for candidates in detect_rois(image):
        for roi in candidates:
            box, presence, _ = landmark_person(image, roi)
            if presence >= MIN_PRESENCE and roi.score * presence >= MIN_SCORE:
                boxes.append(box)
                scores.append(roi.score * presence)
                break
    kept = _nms(list(range(len(boxes))), boxes, scores, 0.5)
    if not kept:
        return np.zeros((0, 4)), np.zeros(0)
    return np.array([boxes[i] for i in kept]), np.array([scores[i] for i in kept])
