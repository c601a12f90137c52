"""A bounded fuzz pass over every reader of user input: only clear errors, never a crash.

Structure-aware where it pays: scene and plan files are the examples with one value swapped
for a random one (random documents would only exercise the first check), images and videos
are real files with bytes flipped or cut. Each reader may accept the input or raise
`InputError` (plates: `ValueError`, their documented error); anything else is a bug that
would reach the user as a traceback. Example counts keep the whole file under a minute.
"""

from __future__ import annotations

import copy
import io
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from twinflash.errors import InputError

REPO = Path(__file__).resolve().parents[1]
SCENES = sorted((REPO / "examples" / "scenes").glob("*.yaml"))
PLANS = sorted((REPO / "examples" / "plans").glob("*.yaml"))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "#zzzzzz", "#ffffff", "-1", "1e309", ".nan", "draft", "walking"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a nested document of dicts and lists."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _mutated(doc: dict, data: st.DataObject) -> dict:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) or not isinstance(parent, dict):
            parent[path[-1]] = data.draw(values)
        else:
            del parent[path[-1]]
    return doc


@pytest.mark.parametrize("scene_file", SCENES, ids=lambda p: p.stem)
@FUZZ
@given(data=st.data())
def test_scene_loader_gives_a_scene_or_one_clear_error(scene_file: Path, data) -> None:
    from twinflash.scene.io import parse_scene

    base = yaml.safe_load(scene_file.read_text(encoding="utf-8"))
    try:
        scene = parse_scene(_mutated(base, data), source="fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)
        return
    for person in scene.people:  # what was accepted is finite: the renderer can trust it
        assert math.isfinite(person.x_m) and math.isfinite(person.y_m)


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_plan_loader_gives_a_plan_or_one_clear_error(plan_file: Path, data) -> None:
    from twinflash.datasets.plan import parse_plan

    base = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    try:
        parse_plan(_mutated(base, data), source="fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)


@FUZZ
@given(text=st.text(max_size=200))
def test_yaml_reader_on_any_text(text: str) -> None:
    from twinflash.scene.io import read_yaml_mapping

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            assert isinstance(read_yaml_mapping(path), dict)
        except InputError as exc:
            assert "\n" not in str(exc)


@settings(FUZZ, max_examples=300)
@given(text=st.text(max_size=24) | st.from_regex(r"[A-Z0-9 \-.]{0,14}", fullmatch=True))
def test_plate_parser_never_crashes(text: str) -> None:
    from twinflash.flash.plates import canonical_plate, normalise_plate, plate_candidates

    try:
        plate = normalise_plate(text)
    except ValueError:
        plate = None
    else:  # a valid plate is its own canonical form and its own first candidate
        assert canonical_plate(plate.text) == (plate.text, plate.format)
        assert normalise_plate(plate.text) == plate
    candidates = plate_candidates(text)
    assert all(normalise_plate(c.text) == c for c in candidates)
    if plate is not None:
        assert candidates and candidates[0] == plate


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    from twinflash.flash.registry import Registry

    db = tmp_path_factory.mktemp("fuzz-registry") / "r.db"
    with Registry.open(f"sqlite:///{db}") as reg:
        yield reg


HEADER = "plate,make,model,first_registration\n"
csv_cells = st.text(max_size=12) | st.sampled_from(["AB-123-CD", "RENAULT", "CLIO", "2019-05-04"])


@settings(FUZZ, max_examples=40)
@given(
    rows=st.lists(st.lists(csv_cells, min_size=0, max_size=6), max_size=8),
    junk=st.binary(max_size=40),
    header=st.booleans(),
)
def test_csv_importer_imports_or_rejects_rows(registry, rows, junk, header) -> None:
    import csv

    from twinflash.flash.registry.importer import import_csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    body = (HEADER if header else "") + buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "siv.csv"
        path.write_bytes(body.encode("utf-8", "surrogatepass") + junk)
        try:
            report = import_csv(registry, path, rejects_path=Path(tmp) / "rejects.csv")
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert report.rows == report.accepted + report.rejected


def _png_bytes() -> bytes:
    rgb = np.random.default_rng(0).integers(0, 255, (24, 32, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def _jpeg_bytes() -> bytes:
    rgb = np.random.default_rng(1).integers(0, 255, (24, 32, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG")
    return buf.getvalue()


@st.composite
def damaged(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


@settings(FUZZ, max_examples=150)
@given(
    blob=damaged(_png_bytes()) | damaged(_jpeg_bytes()) | st.binary(max_size=64),
    suffix=st.sampled_from([".png", ".jpg"]),
)
def test_image_reader_decodes_or_refuses(blob: bytes, suffix: str) -> None:
    from twinflash.privacy.media import load_image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"photo{suffix}"
        path.write_bytes(blob)
        try:
            rgb = load_image(path)
        except InputError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        else:
            assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3


@pytest.fixture(scope="module")
def tiny_video(tmp_path_factory) -> bytes:
    import imageio.v2 as imageio

    path = tmp_path_factory.mktemp("fuzz-video") / "v.mp4"
    frames = [np.full((32, 48, 3), 20 * i, np.uint8) for i in range(6)]
    imageio.mimwrite(path, frames, fps=5, macro_block_size=16)
    return path.read_bytes()


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_video_reader_probes_or_refuses(tiny_video: bytes, data) -> None:
    from twinflash.privacy.video import probe

    blob = data.draw(damaged(tiny_video) | st.binary(max_size=64))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        path.write_bytes(blob)
        try:
            info = probe(path)
        except InputError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        else:
            assert info.size_wh[0] > 0 and info.size_wh[1] > 0
