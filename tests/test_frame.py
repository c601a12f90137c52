"""Frame and ObjectGeometry refuse arrays of the wrong shape before the annotator sees them."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.camera import CameraModel
from twinflash.frame import Frame, ObjectGeometry

TRIANGLE = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])


def _camera(w: int = 8, h: int = 6) -> CameraModel:
    return CameraModel(np.zeros(3), 0.0, 0.0, 35.0, 36.0, (w, h))


def _geometry(instance_id: int) -> ObjectGeometry:
    return ObjectGeometry(instance_id, "person", 0, TRIANGLE, [[0, 1, 2]])


def _frame(**over: object) -> Frame:
    parts: dict[str, object] = {
        "rgb": np.zeros((6, 8, 3), np.uint8),
        "instance_ids": np.zeros((6, 8), np.uint16),
        "depth_m": np.full((6, 8), np.inf, np.float32),
        "camera": _camera(),
    }
    return Frame(**(parts | over))  # type: ignore[arg-type]


def test_geometry_is_stored_as_float_and_int_arrays() -> None:
    g = ObjectGeometry(1, "vehicle", 2, [[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]])
    assert g.vertices_world.dtype == float and g.triangles.dtype == np.int64
    assert g.vertices_world.shape == (3, 3) and g.triangles.shape == (1, 3)


@pytest.mark.parametrize(
    ("vertices", "triangles", "error"),
    [
        (np.zeros((3, 2)), [[0, 1, 2]], r"vertices_world must be \(N,3\)"),
        (TRIANGLE, [[0, 1]], r"triangles must be \(M,3\)"),
        (TRIANGLE, [[0, 1, 3]], r"triangles index outside 0\.\.2"),
        (TRIANGLE, [[-1, 1, 2]], r"triangles index outside 0\.\.2"),
    ],
)
def test_geometry_refuses_bad_meshes(vertices: object, triangles: object, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        ObjectGeometry(1, "person", 0, vertices, triangles)  # type: ignore[arg-type]


def test_frame_accepts_passes_of_the_camera_resolution() -> None:
    frame = _frame(objects=[_geometry(1), _geometry(2)])
    assert [o.instance_id for o in frame.objects] == [1, 2]


@pytest.mark.parametrize(
    ("name", "array"),
    [
        ("rgb", np.zeros((8, 6, 3), np.uint8)),  # width and height swapped
        ("instance_ids", np.zeros((6, 8, 1), np.uint16)),
        ("depth_m", np.zeros((6, 7), np.float32)),
    ],
)
def test_frame_refuses_a_pass_of_another_shape(name: str, array: np.ndarray) -> None:
    with pytest.raises(ValueError, match=rf"Frame\.{name} must have shape"):
        _frame(**{name: array})


def test_frame_refuses_duplicate_instance_ids() -> None:
    with pytest.raises(ValueError, match="duplicate instance ids"):
        _frame(objects=[_geometry(3), _geometry(3)])
