"""Shared models (loaded once: loading costs more than one image) and known-truth images."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.synthetic import paste_plate

# Where the astronaut's face is in skimage.data.astronaut() (512x512), checked by eye.
ASTRONAUT_FACE_XYXY = (180, 50, 275, 180)


@pytest.fixture(scope="session")
def faces() -> FaceDetector:
    return FaceDetector(scales=(1.0, 2.0))  # the photo defaults


@pytest.fixture(scope="session")
def plates() -> PlateReader:
    return PlateReader()


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return data.astronaut()


@pytest.fixture(scope="session")
def astronaut_with_plate(astronaut: np.ndarray) -> np.ndarray:
    """The astronaut photo with a 26 px high SIV plate on the suit (bottom right)."""
    img, _ = paste_plate(astronaut, "AB-123-CD", 26, (360, 440))
    return img
