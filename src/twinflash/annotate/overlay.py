"""A human check of the annotations: masks, boxes, head points, plates and labels on the image.

Shapes are drawn with OpenCV; labels with Pillow's bundled FreeType font, because
OpenCV's Hershey fonts cannot draw "Citroën" or "Mégane".

Legend: tinted fill and solid box = visible mask and box; dashed box = amodal box (drawn
when it differs from the visible one, e.g. occluded or cut by the frame); head dot with a
white centre = head visible, coloured centre = head hidden; yellow quadrilateral = corners
of a plate with visible pixels. Labels end with the visibility when it is below 100%;
hidden objects get no label.
"""

from __future__ import annotations

import colorsys
import unicodedata

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from twinflash.annotations import CATEGORY_NAMES, Annotations


def instance_color(instance_id: int) -> tuple[int, int, int]:
    """A stable, well-spread RGB colour per instance id (golden-ratio hues)."""
    hue = (instance_id * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.8, 1.0)
    return int(r * 255), int(g * 255), int(b * 255)


def label_for(ann: Annotations, i: int) -> str:
    """Short label: 'person 3 skin5 walking', 'Renault Clio AB-123-CD', 'waste mattress',
    '' for plates."""
    a = ann.attributes[i]
    name = CATEGORY_NAMES[int(ann.category_id[i])]
    if name == "person":
        skin, pose = a.get("skin_tone", "?"), a.get("pose", "")
        text = f"person {int(ann.instance_id[i])} skin{skin} {pose}".strip()
    elif name == "vehicle":
        text = " ".join(str(p) for p in (a.get("make"), a.get("model"), a.get("plate_text")) if p)
        # Pillow's built-in font has no accented glyphs: "Citroën" is drawn "Citroen"
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    elif name == "waste":
        text = f"waste {a.get('kind', '')}".replace("_", " ").strip()
    else:
        return ""
    if ann.area[i] == 0:
        return f"{text} (hidden)"
    vis = float(ann.visibility[i])
    return text if vis >= 0.995 else f"{text} {vis:.0%}"


def _dashed_rect(img: np.ndarray, xyxy: np.ndarray, color: tuple[int, int, int], dash: int) -> None:
    x0, y0, x1, y1 = (round(float(v)) for v in xyxy)
    h, w = img.shape[:2]
    x0, x1 = max(x0, -1), min(x1, w)
    y0, y1 = max(y0, -1), min(y1, h)
    for (ax, ay), (bx, by) in (
        ((x0, y0), (x1, y0)),
        ((x1, y0), (x1, y1)),
        ((x1, y1), (x0, y1)),
        ((x0, y1), (x0, y0)),
    ):
        length = max(abs(bx - ax), abs(by - ay))
        for s in range(0, length, 2 * dash):
            e = min(s + dash, length)
            p = (ax + (bx - ax) * s // max(length, 1), ay + (by - ay) * s // max(length, 1))
            q = (ax + (bx - ax) * e // max(length, 1), ay + (by - ay) * e // max(length, 1))
            cv2.line(img, p, q, color, 1, cv2.LINE_AA)


Rect = tuple[float, float, float, float]


def _overlap_area(box: Rect, placed: list[Rect]) -> float:
    total: float = 0
    for p in placed:
        dx = min(box[2], p[2]) - max(box[0], p[0])
        dy = min(box[3], p[3]) - max(box[1], p[1])
        total += max(dx, 0) * max(dy, 0)
    return total


def draw_overlay(rgb: np.ndarray, ann: Annotations, alpha: float = 0.45) -> np.ndarray:
    """(H,W,3) uint8 RGB image with the annotations drawn on a copy of `rgb`."""
    h = rgb.shape[0]
    thick = 2 if h >= 600 else 1
    out = rgb.astype(np.float32)
    order = np.argsort(-np.nan_to_num(ann.distance_m, nan=np.inf), kind="stable")  # far first
    masks = {int(i): ann.mask(int(i)) for i in order if ann.area[i] > 0}
    in_frame = ann.in_frame
    for i, m in masks.items():
        out[m] = out[m] * (1 - alpha) + np.array(instance_color(int(ann.instance_id[i]))) * alpha
    img = np.ascontiguousarray(out.round().astype(np.uint8))
    for i in order:
        i = int(i)
        color = instance_color(int(ann.instance_id[i]))
        if i in masks:
            contours, _ = cv2.findContours(
                masks[i].astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            cv2.drawContours(img, contours, -1, color, 1, cv2.LINE_AA)
            x0, y0, x1, y1 = (int(v) for v in ann.xyxy[i])
            cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), color, thick, cv2.LINE_AA)
        amodal = ann.amodal_xyxy[i]
        differs = i not in masks or np.abs(amodal - ann.xyxy[i]).max() > 1.5
        hidden_plate = ann.area[i] == 0 and ann.parent_id[i] > 0  # clutter on its vehicle
        if in_frame[i] and differs and not hidden_plate:
            _dashed_rect(img, amodal, color, dash=4 + 2 * thick)
        if np.isfinite(ann.head_xy[i]).all():
            c = (round(float(ann.head_xy[i, 0]) - 0.5), round(float(ann.head_xy[i, 1]) - 0.5))
            cv2.circle(img, c, 2 + thick, (0, 0, 0), -1, cv2.LINE_AA)
            cv2.circle(
                img,
                c,
                1 + thick,
                (255, 255, 255) if ann.head_visible[i] else color,
                -1,
                cv2.LINE_AA,
            )
        corners = ann.plate_corners_xy[i]
        if ann.area[i] > 0 and np.isfinite(corners).all():  # a hidden plate would confuse
            pts = np.round((corners - 0.5) * 16).astype(np.int32).reshape(-1, 1, 2)
            cv2.polylines(img, [pts], True, (255, 230, 0), thick, cv2.LINE_AA, shift=4)
    return _draw_labels(img, ann, order)


def _draw_labels(img: np.ndarray, ann: Annotations, order: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    size = max(12, round(h / 48))
    font = ImageFont.load_default(size=size)
    if 8 * size > h:  # a thumbnail-sized frame: labels would hide the picture
        return img
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    placed: list[Rect] = []
    for i in order[::-1]:  # nearest first: they get the best spots
        i = int(i)
        text = label_for(ann, i)
        if not text:
            continue
        if ann.area[i] == 0:
            continue  # hidden objects: dashed amodal box only, no label
        x0, y0, x1, y1 = (int(v) for v in ann.xyxy[i])
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        tw, th = right - left + 6, bottom - top + 4
        # above the box, below it, inside its top, then further out, left- then
        # right-aligned; the first candidate with the least overlap wins
        ys = [y0 - th, y1, y0, y0 - 2 * th, y1 + th, y0 - 3 * th, y1 + 2 * th]
        rects = [
            (x, y, x + tw, y + th)
            for x in (min(max(x0, 0), max(w - tw, 0)), min(max(x1 - tw, 0), max(w - tw, 0)))
            for y in (min(max(c, 0), h - th) for c in ys)
        ]
        rect = min(rects, key=lambda r: _overlap_area(r, placed))  # first of the best
        placed.append(rect)
        color = instance_color(int(ann.instance_id[i]))
        dark = tuple(int(c * 0.35) for c in color)
        draw.rectangle(rect, fill=dark, outline=color)
        draw.text((rect[0] + 3 - left, rect[1] + 2 - top), text, font=font, fill=(255, 255, 255))
    return np.asarray(pil)
