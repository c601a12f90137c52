"""Files in and out: which inputs to process, safe image decoding, atomic metadata-free writes."""

from __future__ import annotations

import json
import os
import re
import uuid
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from twinflash.errors import InputError

MediaKind = Literal["image", "video"]
IMAGE_EXTS = frozenset({".jpg", ".jpeg", ".png"})
VIDEO_EXTS = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"})
DEFAULT_MAX_PIXELS = 100_000_000  # 100 MP: larger photos are refused before decoding


def media_kind(path: Path) -> MediaKind:
    """'image' or 'video' from the extension; InputError naming the file otherwise."""
    ext = path.suffix.lower()
    if ext in IMAGE_EXTS:
        return "image"
    if ext in VIDEO_EXTS:
        return "video"
    known = ", ".join(sorted(IMAGE_EXTS | VIDEO_EXTS))
    raise InputError(f"{path}: unsupported format {ext or '(no extension)'!r} (known: {known})")


def collect(inputs: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, output path relative to the output dir) for files and folders (recursive).

    A folder contributes its supported files under its own name; a file named explicitly is
    yielded even when unsupported, so that it is reported rather than silently skipped.
    """
    for item in inputs:
        if item.is_dir():
            for path in sorted(p for p in item.rglob("*") if p.is_file()):
                if path.suffix.lower() in IMAGE_EXTS | VIDEO_EXTS:
                    yield path, Path(item.resolve().name) / path.relative_to(item)
        else:
            yield item, Path(item.name)


def output_path(source: Path, relative: Path, out_dir: Path) -> Path:
    """Where the blurred copy goes; videos always become .mp4 (H.264)."""
    target = out_dir / relative
    if media_kind(source) == "video":
        target = target.with_suffix(".mp4")
    if target.resolve() == source.resolve():
        raise InputError(f"{source}: output would overwrite the original; choose another --out")
    return target


def load_image(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """RGB uint8 pixels, EXIF orientation applied; size checked from the header first."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file (0 bytes)")
    try:
        with warnings.catch_warnings():  # our own limit below replaces Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
    except Image.DecompressionBombError as exc:  # Pillow's own header check, beyond ours
        size = re.search(r"\((\d+) pixels\)", str(exc))
        mp = f"{int(size.group(1)) / 1e6:.0f} MP" if size else "too many pixels"
        raise InputError(
            f"{path}: image of {mp} refused before decoding: limit is {max_pixels / 1e6:.0f} MP"
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"{path}: not a readable image ({exc})") from exc
    with img:
        w, h = img.size
        if w * h > max_pixels:
            raise InputError(
                f"{path}: image of {w}x{h} px ({w * h / 1e6:.0f} MP) refused before decoding: "
                f"limit is {max_pixels / 1e6:.0f} MP"
            )
        try:
            img.load()
            rgb = ImageOps.exif_transpose(img).convert("RGB")
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"{path}: corrupt image data ({exc})") from exc
    return np.asarray(rgb)


def _atomic(target: Path, suffix: str) -> Path:
    """Hidden temporary name beside `target`, created with the user's usual permissions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{suffix}")


def save_image(rgb: np.ndarray, target: Path) -> None:
    """Write pixels only (no EXIF, GPS, ICC or text chunks), atomically."""
    tmp = _atomic(target, target.suffix)
    try:
        fmt = "PNG" if target.suffix.lower() == ".png" else "JPEG"
        extra = {"quality": 92} if fmt == "JPEG" else {}
        Image.fromarray(rgb).save(tmp, format=fmt, **extra)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def save_json(doc: object, target: Path) -> None:
    tmp = _atomic(target, ".json")
    try:
        tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def new_temp(target: Path) -> Path:
    """A temporary path beside `target` (same file system, so the final rename is atomic)."""
    return _atomic(target, target.suffix)
