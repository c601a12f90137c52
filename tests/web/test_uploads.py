"""Uploads: the type from the content, limits before decoding, manifests line by line."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from tests.web.conftest import png_bytes

from twinflash.web.standin import Expected
from twinflash.web.uploads import UploadError, clean_plate, decode_image, parse_manifest, sniff


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    assert sniff(png_bytes(), "photo.jpg") == "PNG"
    assert sniff(png_bytes(fmt="JPEG"), "photo.png") == "JPEG"
    with pytest.raises(UploadError, match=r"x\.png: not a JPEG or PNG image") as bad:
        sniff(b"GIF89a....", "x.png")
    assert bad.value.status == 415
    with pytest.raises(UploadError, match=r"x\.png: empty file"):
        sniff(b"", "x.png")


def test_decode_gives_rgb_and_applies_the_exif_rotation() -> None:
    img = Image.fromarray(np.zeros((20, 40, 3), np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    assert decode_image(buf.getvalue(), "p.jpg", 10_000).shape == (40, 20, 3)


@pytest.mark.parametrize(
    ("data", "limit", "message", "status"),
    [
        (png_bytes(200, 100), 10_000, r"200x100 px is more than the 0\.01 MP limit", 413),
        (png_bytes(64, 10), 10_000, "64x10 px is too small", 400),
        (png_bytes()[:60], 10_000, "corrupt PNG data", 400),
    ],
)
def test_bad_images_are_refused_with_a_status(
    data: bytes, limit: int, message: str, status: int
) -> None:
    with pytest.raises(UploadError, match=message) as caught:
        decode_image(data, "p.png", limit)
    assert caught.value.status == status


def test_manifest_rows_by_photo_with_canonical_plates_and_expectations() -> None:
    text = "\ufeffPhoto,Plate,expected,score\na.jpg,ab123cd,suspected_clone,0.9\nb.jpg,,,\n"
    rows = parse_manifest(text.encode(), 1000)
    assert rows["a.jpg"].plate == "AB-123-CD"
    assert rows["a.jpg"].expected == Expected("suspected_clone", 0.9)
    assert rows["b.jpg"].plate is None and rows["b.jpg"].expected == Expected()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("photo,number\na.jpg,1\n", "needs a header with columns photo,plate"),
        ("photo,plate\n,AB123CD\n", "manifest line 2: photo is empty"),
        ("photo,plate\na.jpg,AB123CD\nb.jpg,<script>\n", "manifest line 3: plate '<SCRIPT>'"),
        ("photo,plate,expected\na.jpg,AB123CD,fine\n", "line 2: expected must be one of"),
        ("photo,plate,score\na.jpg,AB123CD,high\n", "line 2: score 'high' is not a number"),
        ("photo,plate,score\na.jpg,AB123CD,1.5\n", r"line 2: score must be in \[0, 1\]"),
    ],
)
def test_manifest_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        parse_manifest(text.encode(), 1000)


def test_manifest_size_and_encoding() -> None:
    with pytest.raises(UploadError, match="larger than 10 bytes") as big:
        parse_manifest(b"photo,plate\n", 10)
    assert big.value.status == 413
    with pytest.raises(UploadError, match="not UTF-8"):
        parse_manifest("photo,plate\né,x\n".encode("latin-1"), 1000)


def test_a_typed_plate_is_canonical_when_it_parses() -> None:
    assert clean_plate(" ab 123 cd ") == "AB-123-CD"
    assert clean_plate("  ") is None and clean_plate(None) is None
    assert clean_plate("XYZ") == "XYZ"  # not a French plate: kept as typed, upper-cased
    with pytest.raises(UploadError, match="is not a plate"):
        clean_plate("AB_123")
