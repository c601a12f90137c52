"""Fixtures for the annotate tests; the synthetic frames and their truth are in annotate_synth."""

from __future__ import annotations

import pytest
from annotate_synth import make_camera, make_frame, make_scene

from twinflash.camera import CameraModel
from twinflash.frame import Frame
from twinflash.scene.models import Scene


@pytest.fixture
def camera() -> CameraModel:
    return make_camera()


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def frame() -> Frame:
    return make_frame()
