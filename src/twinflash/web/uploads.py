"""Uploaded photos and manifests: size, type (from the content, not the name) and pixel
count are checked before anything is decoded; each failure is one `UploadError` whose
message says what was wrong and what is accepted.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from twinflash.web.standin import STATUSES, Expected

SIGNATURES = {  # magic bytes -> (type name, file extension)
    b"\xff\xd8\xff": ("JPEG", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("PNG", ".png"),
}
ACCEPTED = "JPEG or PNG"


class UploadError(ValueError):
    """A bad upload; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def sniff(data: bytes, name: str) -> str:
    """The image type from the first bytes; the name's extension is not trusted."""
    for magic, (kind, _) in SIGNATURES.items():
        if data.startswith(magic):
            return kind
    if not data:
        raise UploadError(f"{name}: empty file")
    raise UploadError(f"{name}: not a {ACCEPTED} image (checked from its content)", 415)


def decode_image(data: bytes, name: str, max_pixels: int) -> np.ndarray:
    """RGB uint8 pixels, EXIF orientation applied; pixel count checked from the header."""
    kind = sniff(data, name)
    try:
        with warnings.catch_warnings():  # our own limit below is stricter than Pillow's
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[kind])
            w, h = img.size
            if w * h > max_pixels:
                raise UploadError(
                    f"{name}: {w}x{h} px is more than the {max_pixels / 1e6:g} MP limit", 413
                )
            img.load()
            rgb = ImageOps.exif_transpose(img).convert("RGB")
    except UploadError:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadError(f"{name}: too many pixels ({exc})", 413) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadError(
            f"{name}: corrupt {kind} data ({' '.join(str(exc).split())[:120]})"
        ) from exc
    arr = np.asarray(rgb)
    if min(arr.shape[:2]) < 16:
        raise UploadError(f"{name}: {w}x{h} px is too small (16 px per side at least)")
    return arr


@dataclass(frozen=True)
class ManifestRow:
    photo: str
    plate: str | None
    expected: Expected


PLATE_RE = re.compile(r"^[A-Z0-9 -]{2,16}$")


def parse_manifest(data: bytes, max_bytes: int) -> dict[str, ManifestRow]:
    """CSV with a header: `photo,plate[,expected][,score]` -> rows by photo file name.

    `expected` and `score` feed the stand-in verdict (see docs/serve.md); the real verdict
    ignores them. Plates are normalised to the canonical form when they parse.
    """
    if len(data) > max_bytes:
        raise UploadError(f"manifest: larger than {max_bytes} bytes", 413)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("manifest: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "photo" not in fields or "plate" not in fields:
        raise UploadError("manifest: needs a header with columns photo,plate[,expected,score]")
    reader.fieldnames = fields
    rows: dict[str, ManifestRow] = {}
    try:
        for line, row in enumerate(reader, start=2):
            rows[_photo(row, line)] = _row(row, line)
    except csv.Error as exc:
        raise UploadError(f"manifest: malformed CSV ({exc})") from None
    return rows


def _photo(row: dict[str, str | None], line: int) -> str:
    photo = (row.get("photo") or "").strip()
    if not photo:
        raise UploadError(f"manifest line {line}: photo is empty")
    return photo


def _row(row: dict[str, str | None], line: int) -> ManifestRow:
    from twinflash.flash.plates import normalise_plate

    photo = _photo(row, line)
    raw = (row.get("plate") or "").strip().upper()
    plate: str | None = None
    if raw:
        if not PLATE_RE.match(raw):
            raise UploadError(f"manifest line {line}: plate {raw[:20]!r} is not a plate")
        try:
            plate = normalise_plate(raw).text
        except ValueError:
            plate = raw
    status = (row.get("expected") or "").strip() or None
    if status is not None and status not in STATUSES:
        raise UploadError(f"manifest line {line}: expected must be one of {', '.join(STATUSES)}")
    score_text = (row.get("score") or "").strip()
    score = None
    if score_text:
        try:
            score = float(score_text)
        except ValueError:
            raise UploadError(
                f"manifest line {line}: score {score_text[:20]!r} is not a number"
            ) from None
        if not 0.0 <= score <= 1.0:
            raise UploadError(f"manifest line {line}: score must be in [0, 1]")
    return ManifestRow(photo, plate, Expected(status, score))


def clean_plate(text: str | None) -> str | None:
    """A plate typed in a form: canonical if it parses, else upper-cased as typed, or None."""
    if text is None or not text.strip():
        return None
    raw = text.strip().upper()
    if not PLATE_RE.match(raw):
        raise UploadError(f"plate {raw[:20]!r} is not a plate (letters, digits, '-', space)")
    from twinflash.flash.plates import normalise_plate

    try:
        return normalise_plate(raw).text
    except ValueError:
        return raw
