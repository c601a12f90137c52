"""Annotations with known truth for the format tests: the annotate tests' 640x480 frame
(`frame`, `scene`) and the datasets tests' 64x48 frame (`annotated`)."""

from __future__ import annotations

import pytest
from tests.annotate.annotate_synth import make_frame, make_scene
from tests.datasets.conftest import synthetic_frame

from twinflash.annotate import annotate_frame
from twinflash.annotations import Annotations
from twinflash.frame import Frame
from twinflash.scene.models import Scene


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def frame() -> Frame:
    return make_frame()


@pytest.fixture
def annotated() -> tuple[Frame, Scene, Annotations]:
    frame, scene = synthetic_frame()
    return frame, scene, annotate_frame(frame, scene)
