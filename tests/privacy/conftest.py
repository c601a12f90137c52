"""Shared models (loaded once: loading costs more than one image); the astronaut photos
the command-line tests share too are in the root conftest."""

from __future__ import annotations

import pytest

from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.plates import PlateReader

# Where the astronaut's face is in skimage.data.astronaut() (512x512), checked by eye.
ASTRONAUT_FACE_XYXY = (180, 50, 275, 180)


@pytest.fixture(scope="session")
def faces() -> FaceDetector:
    return FaceDetector(scales=(1.0, 2.0))  # the photo defaults


@pytest.fixture(scope="session")
def plates() -> PlateReader:
    return PlateReader()
