"""Photo bytes to network input, the same in training and inference."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from twinflash.errors import InputError
from twinflash.flash.recogniser.preprocess import decode_image, read_image, to_input, to_rgb


def _encoded(img: np.ndarray, ext: str = ".png") -> bytes:
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def test_colour_photos_come_back_rgb_and_gray_stays_gray() -> None:
    bgr = np.zeros((4, 5, 3), np.uint8)
    bgr[..., 0] = 200  # blue in OpenCV's order
    assert tuple(decode_image(_encoded(bgr), "p")[0, 0]) == (0, 0, 200)
    gray = np.full((4, 5), 77, np.uint8)
    assert decode_image(_encoded(gray), "g").shape == (4, 5)
    bgra = np.dstack([bgr, np.full((4, 5), 255, np.uint8)])
    assert decode_image(_encoded(bgra), "a").shape == (4, 5, 3)


def test_sixteen_bit_photos_are_scaled_to_eight() -> None:
    deep = np.full((4, 4), 1000, np.uint16)
    deep[0, 0] = 4000
    out = decode_image(_encoded(deep), "d")
    assert out.dtype == np.uint8 and out[0, 0] == 255 and out[1, 1] == round(1000 * 255 / 4000)


def test_unreadable_photos_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"x\.jpg: not a readable image"):
        decode_image(b"nope", "x.jpg")
    with pytest.raises(InputError, match=r"missing\.png: cannot read"):
        read_image(tmp_path / "missing.png")


def test_network_input_is_normalised_chw_of_the_asked_size() -> None:
    gray = np.full((10, 20), 255, np.uint8)
    assert to_rgb(gray).shape == (10, 20, 3)
    x = to_input([gray, np.zeros((32, 32, 3), np.uint8)], 32)
    assert x.shape == (2, 3, 32, 32) and x.dtype == np.float32
    assert np.allclose(x[0], (255 - 127) / 128) and np.allclose(x[1], -127 / 128)
