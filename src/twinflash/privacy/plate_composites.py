"""Known-truth plate photos in 2-D, thousands a minute: to measure and calibrate reading.

A plate face from `twinflash.scene.plate_art` (the plate font, bands, screws, dirt, wear,
glare) is seen in perspective (yaw, pitch, roll) on a painted car body, at any height in
pixels, then degraded as speed cameras degrade it: motion blur, the night infra-red look
(grey, the retro-reflective plate overexposed by the flash), partial occlusion by a tow bar
or a bike rack, sensor noise and JPEG. Every sample keeps its true text, its corners and its
conditions, so that a benchmark can slice the reading rate by each of them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from twinflash.flash.plates import FNI_LETTERS, random_siv
from twinflash.privacy.synthetic import add_noise, motion_blur
from twinflash.scene.plate_art import PLATE_H_MM, PLATE_W_MM, PlateStyle, plate_face

OCCLUSIONS = ("none", "tow_bar", "bike_rack")


@dataclass(frozen=True)
class Conditions:
    """What a sample shows: plate height in pixels, angles in degrees, blur length in pixels,
    night infra-red with the flash's `overexposure` gain, dirt in [0, 1], an occluder."""

    height_px: float = 40.0
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    blur_px: int = 0
    night: bool = False
    overexposure: float = 1.0
    dirt: float = 0.0
    wear: float = 0.0
    glare: float = 0.0
    occlusion: str = "none"
    noise: float = 2.0
    jpeg_quality: int = 90

    def __post_init__(self) -> None:
        if not 4.0 <= self.height_px <= 400.0:
            raise ValueError(f"`height_px`: must be in [4, 400] (got {self.height_px})")
        if self.occlusion not in OCCLUSIONS:
            raise ValueError(f"`occlusion`: {self.occlusion!r} is none of {OCCLUSIONS}")


@dataclass(frozen=True)
class Composite:
    """An RGB photo of one plate with its truth: text, corners TL, TR, BR, BL, conditions."""

    rgb: np.ndarray
    text: str
    corners: np.ndarray
    conditions: Conditions

    @property
    def box_xywh(self) -> tuple[float, float, float, float]:
        (x1, y1), (x2, y2) = self.corners.min(axis=0), self.corners.max(axis=0)
        return float(x1), float(y1), float(x2 - x1), float(y2 - y1)

    def slices(self) -> dict[str, object]:
        return asdict(self.conditions)


def random_text(rng: random.Random, fni_share: float = 0.25) -> str:
    """A valid plate: ordinary SIV, or (`fni_share` of the time) an FNI with a département."""
    if rng.random() >= fni_share:
        return random_siv(rng)
    letters = "".join(rng.choice(FNI_LETTERS) for _ in range(rng.choice((1, 2, 2, 3))))
    while "SS" in letters:
        letters = letters.replace("SS", "SA")
    dept = rng.choice([f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "974"])
    return f"{rng.randint(1, 9999)} {letters} {dept}"


def random_conditions(rng: random.Random) -> Conditions:
    """Conditions drawn over the range a speed camera sees, hard cases included."""
    night = rng.random() < 0.3
    return Conditions(
        height_px=float(np.exp(rng.uniform(np.log(12), np.log(90)))),
        yaw_deg=rng.uniform(-45, 45) if rng.random() < 0.6 else 0.0,
        pitch_deg=rng.uniform(-25, 25) if rng.random() < 0.5 else 0.0,
        roll_deg=rng.gauss(0, 4),
        blur_px=rng.choice((0, 0, 0, 3, 5, 8)),
        night=night,
        overexposure=rng.uniform(1.0, 2.6) if night else 1.0,
        dirt=rng.choice((0.0, 0.0, 0.3, 0.6)),
        wear=rng.choice((0.0, 0.0, 0.3)),
        glare=rng.choice((0.0, 0.0, 0.4)),
        occlusion=rng.choices(OCCLUSIONS, weights=(0.8, 0.1, 0.1))[0],
        noise=rng.uniform(1, 6),
        jpeg_quality=rng.randint(45, 95),
    )


def _corners(cond: Conditions, w: float, h: float) -> np.ndarray:
    """Plate corners after yaw, pitch and roll, seen by a pinhole 4 plate widths away."""
    a, b, c = (np.radians(v) for v in (cond.yaw_deg, cond.pitch_deg, cond.roll_deg))
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    pts = pts @ (rz @ rx @ ry).T
    dist = 4 * w
    return pts[:, :2] * dist / (dist + pts[:, 2:3])


def _occlude(face: np.ndarray, kind: str, rng: random.Random) -> np.ndarray:
    """A tow bar's neck and ball, or a bike rack's bars, painted in front of the face."""
    if kind == "none":
        return face
    out = face.copy()
    h, w = out.shape[:2]
    dark = (28, 28, 30)
    if kind == "tow_bar":
        x = int(rng.uniform(0.3, 0.7) * w)
        bw = int(0.07 * w)
        top = int(rng.uniform(0.35, 0.7) * h)
        cv2.rectangle(out, (x - bw // 2, top), (x + bw // 2, h), dark, -1)
        cv2.circle(out, (x, top), int(0.16 * h), dark, -1)
    else:
        for _ in range(rng.randint(1, 3)):
            x0 = int(rng.uniform(0.1, 0.9) * w)
            lean = int(rng.uniform(-0.3, 0.3) * h)
            cv2.line(out, (x0, 0), (x0 + lean, h), dark, max(2, int(0.09 * h)))
    return out


def composite(text: str, cond: Conditions, departement: str = "75", seed: int = 0) -> Composite:
    """One photo of the plate `text` under `cond` (same seed, same pixels)."""
    rng = random.Random(seed)
    style = PlateStyle(
        dirt=cond.dirt,
        wear=cond.wear,
        glare=cond.glare,
        screws=rng.random() < 0.5,
        yellow=" " in text and rng.random() < 0.4,
        eu_band=" " not in text or rng.random() < 0.6,
        seed=seed,
    )
    px_per_mm = max(0.15, 1.6 * cond.height_px / PLATE_H_MM)  # drawn sharper than shown
    face = np.asarray(plate_face(text, departement, px_per_mm, style))
    face = _occlude(face, cond.occlusion, rng)
    scale = cond.height_px / PLATE_H_MM
    quad = _corners(cond, PLATE_W_MM * scale, PLATE_H_MM * scale)
    span = quad.max(axis=0) - quad.min(axis=0)
    margin = np.array([0.35 * span[0], 1.0 * span[1]]) + 8
    size = np.ceil(span + 2 * margin).astype(int)
    quad = quad - quad.min(axis=0) + margin + rng.uniform(-0.3, 0.3) * margin
    body = np.array([rng.randint(10, 240) for _ in range(3)], np.float32)
    yy = np.linspace(0.75, 1.15, size[1], dtype=np.float32)[:, None, None]
    canvas = np.broadcast_to(body * yy, (size[1], size[0], 3)).copy()
    fh, fw = face.shape[:2]
    src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    warped = cv2.warpPerspective(face, m, (int(size[0]), int(size[1])), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((fh, fw), np.float32), m, (int(size[0]), int(size[1])))
    img = canvas * (1 - mask[..., None]) + warped.astype(np.float32) * mask[..., None]
    if cond.night:  # infra-red: grey; the plate reflects the flash far more than the car
        grey = img.mean(axis=2, keepdims=True) * (0.35 + 0.65 * mask[..., None])
        img = np.repeat(np.clip(grey * cond.overexposure, 0, 255), 3, axis=2)
    rgb = np.clip(img, 0, 255).astype(np.uint8)
    if cond.blur_px > 1:
        rgb = motion_blur(rgb, cond.blur_px, rng.uniform(-10, 10))
    rgb = add_noise(rgb, cond.noise, seed)
    ok, jpg = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, cond.jpeg_quality])
    if ok:
        rgb = np.ascontiguousarray(cv2.imdecode(jpg, cv2.IMREAD_COLOR)[..., ::-1])
    return Composite(rgb, text, quad.astype(np.float32), cond)


@dataclass(frozen=True)
class Plan:
    """What `composite` is given to draw one photo of `composites`: drawing is the costly
    part, so a benchmark can pick photos by index without drawing the ones before."""

    text: str
    conditions: Conditions
    departement: str
    seed: int

    def draw(self) -> Composite:
        return composite(self.text, self.conditions, self.departement, self.seed)


def plans(n: int, seed: int = 0) -> Iterator[Plan]:
    """The plans of `composites(n, seed)`, in order, none drawn."""
    if n < 0:
        raise ValueError(f"`n`: must be >= 0 (got {n})")
    rng = random.Random(seed)
    for i in range(n):
        text = random_text(rng)
        dept = text.split(" ")[-1] if " " in text else rng.choice(["75", "69", "13", "33"])
        yield Plan(text, random_conditions(rng), dept, seed * 1_000_003 + i)


def composites(n: int, seed: int = 0) -> Iterator[Composite]:
    """`n` random plates under random conditions, reproducible from `seed`."""
    for plan in plans(n, seed):
        yield plan.draw()
