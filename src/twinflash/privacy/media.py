"""Files in and out: which inputs to process, safe image decoding, atomic metadata-free writes."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from twinflash.errors import InputError
from twinflash.files import atomic_write_bytes, atomic_write_text, sweep_stale_tree

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


@dataclass(frozen=True)
class Item:
    """One input file and where its copy goes, relative to the output folder.

    `error` (one line naming the path) is set for what cannot be processed at all, e.g. a
    folder without any image or video; such an item is reported, not processed.
    """

    source: Path
    relative: Path
    error: str = ""


def collect(inputs: Iterable[Path], out_dir: Path | None = None) -> Iterator[Item]:
    """Files under `inputs` (folders walked recursively) with their output paths.

    Output paths keep the inputs' tree: they are relative to the deepest folder holding all
    inputs, so `x/Images` gives `Images/...`, a file `x/a.jpg` gives `a.jpg`, and `a/Images`
    with `b/Images` give `a/Images/...` and `b/Images/...`. Missing inputs do not move that
    folder (a typo must not change where the others go). A file named explicitly is yielded
    even when unsupported, so that it is reported rather than silently skipped; files inside
    `out_dir` are skipped when walking a folder (`blur . --out out` run twice must not blur
    its own outputs).
    """
    items = list(inputs)
    absolute = [Path(os.path.abspath(item)) for item in items]
    anchors = [str(a.parent) for a, item in zip(absolute, items, strict=True) if item.exists()]
    root = Path(os.path.commonpath(anchors)) if anchors else None
    out = Path(os.path.abspath(out_dir)) if out_dir is not None else None
    for item, path in zip(items, absolute, strict=True):
        skip = out if out is not None and not path.is_relative_to(out) else None
        base = path.relative_to(root) if root is not None and item.exists() else Path(path.name)
        if not item.is_dir():
            yield Item(item, base)
            continue
        found = sorted(
            p
            for p in item.rglob("*")
            if p.suffix.lower() in IMAGE_EXTS | VIDEO_EXTS
            and p.is_file()
            and (skip is None or not Path(os.path.abspath(p)).is_relative_to(skip))
        )
        if not found:
            known = ", ".join(sorted(IMAGE_EXTS | VIDEO_EXTS))
            yield Item(item, base, f"{item}: folder holds no image or video ({known})")
        for file in found:
            yield Item(file, base / file.relative_to(item))


def output_path(source: Path, relative: Path, out_dir: Path) -> Path:
    """Where the blurred copy goes; videos always become .mp4 (H.264)."""
    target = out_dir / relative
    if media_kind(source) == "video":
        target = target.with_suffix(".mp4")
    if target.resolve() == source.resolve():
        raise InputError(f"{source}: output would overwrite the original; choose another `out_dir`")
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


def check_out_dir(out_dir: Path) -> None:
    """InputError unless `out_dir` is a writable folder or can be created as one.

    Checked before any model is loaded or file read: a bad folder fails at once, in one line.
    Nothing is created: the deepest existing folder on the way is probed with a hidden file
    that is removed at once.
    """
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # a dangling link: mkdir would fail on it
            raise InputError(f"{out_dir}: `out_dir`: {existing} is a broken symbolic link")
        existing = existing.parent
    if not existing.is_dir():
        what = "exists and is not a folder" if existing == out_dir else f"{existing} is a file"
        raise InputError(f"{out_dir}: `out_dir` {what}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".twinflash-probe-", dir=existing)
    except OSError as exc:
        where = "" if existing == out_dir else f" ({existing} cannot be written to)"
        raise InputError(f"{out_dir}: `out_dir` is not writable{where}: {exc.strerror}") from exc
    os.close(fd)
    os.unlink(probe)


def sweep_temps(out_dir: Path) -> list[Path]:
    """Remove the hidden temporary files an earlier killed run left under `out_dir`.

    Only names of twinflash's own pattern (`files.temp_sibling`, e.g.
    `.a.mp4.tmp-1234-0123abcd.mp4`) whose writing process is gone are removed, in `out_dir`
    and every folder below it; a run still writing to the same folder keeps its files.
    Returns what was removed.
    """
    return sweep_stale_tree(out_dir)


def save_image(rgb: np.ndarray, target: Path) -> None:
    """Write pixels only (no EXIF, GPS, ICC or text chunks), atomically."""
    fmt = "PNG" if target.suffix.lower() == ".png" else "JPEG"
    extra = {"quality": 92} if fmt == "JPEG" else {}
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format=fmt, **extra)
    atomic_write_bytes(target, buffer.getvalue())


def save_json(doc: object, target: Path) -> None:
    atomic_write_text(target, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
