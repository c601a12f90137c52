"""`twinflash render` / `demo` and the command line itself under careless or hostile input.

Each case: one `error:` line naming what and where, the exit code, no traceback, and nothing
written or deleted. None of these cases renders: the checks happen before Blender loads.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from tests.scene.osm_xml import CENTRE, crossroads, latlon, write_osm

REPO = Path(__file__).resolve().parents[2]
SPEED = REPO / "examples" / "scenes" / "speed_camera.yaml"

NAN_SCENE = "name: n\npeople:\n- x_m: .nan\n  y_m: -6.1\n"
INF_SCENE = "name: n\nvehicles:\n- model: renault_clio_5\n  x_m: .inf\n  y_m: 2\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    (tmp_path / "nan.yaml").write_text(NAN_SCENE, encoding="utf-8")
    (tmp_path / "inf.yaml").write_text(INF_SCENE, encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


CASES = [
    # (args, exit code, expected in the error line)
    (["frobnicate"], 2, "No such command 'frobnicate'"),
    (["render", "{speed}"], 2, "Missing option '--out'"),
    (["render", "--out", "o"], 2, "Missing argument"),
    (["render", "{speed}", "--out", "o", "--bogus"], 2, "No such option: --bogus"),
    (["render", "{speed}", "--out", "o", "--samples", "many"], 2, "Invalid value for '--samples'"),
    (["render", "{speed}", "--out", "o", "--samples", "-1"], 2, "quality.samples"),
    (["render", "{speed}", "--out", "o", "--samples", "99999999"], 2, "quality.samples"),
    (["render", "{speed}", "--out", "o", "--resolution", "big"], 2, "--resolution"),
    (["render", "{speed}", "--out", "o", "--resolution", "0x0"], 2, "camera.resolution_wh"),
    (["render", "{speed}", "--out", "o", "--quality", "ultra"], 2, "quality.preset"),
    (["render", "{tmp}/missing.yaml", "--out", "o"], 2, "missing.yaml: file not found"),
    (["render", "{tmp}/folder", "--out", "o"], 2, "folder: is a folder"),
    (
        ["render", "{tmp}/broken.yaml", "--out", "o"],
        2,
        "broken.yaml: line 2, column 1: broken YAML",
    ),
    (["render", "{tmp}/list.yaml", "--out", "o"], 2, "expected a mapping"),
    (["render", "{tmp}/latin1.yaml", "--out", "o"], 2, "not a UTF-8 text file"),
    (["render", "{tmp}/nan.yaml", "--out", "o"], 2, "people[0].x_m: Input should be a finite"),
    (["render", "{tmp}/inf.yaml", "--out", "o"], 2, "vehicles[0].x_m: Input should be a finite"),
    (["render", "{speed}", "--out", "{tmp}/a_file"], 2, "a_file: exists and is not a directory"),
    (["render", "{speed}", "--out", "{tmp}/a_file/out"], 2, "a_file: output folder is an"),
    (["demo", "--scenes", "{scenes}", "--out", "{tmp}/a_file"], 2, "a_file: output folder is an"),
    (["demo", "--scenes", "{tmp}/folder", "--out", "{tmp}/d"], 2, "no scene files"),
]


@pytest.mark.parametrize(("args", "code", "expected"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_and_writes_nothing(
    cli, files, monkeypatch, args, code, expected
) -> None:
    before = sorted(p.relative_to(files) for p in files.rglob("*"))
    monkeypatch.chdir(files)
    result = cli(*(a.format(speed=SPEED, tmp=files, scenes=SPEED.parent) for a in args))
    result.assert_one_line_error(code, expected)
    assert sorted(p.relative_to(files) for p in files.rglob("*")) == before


def test_no_arguments_prints_help_and_exits_2(cli) -> None:
    result = cli()
    assert result.code == 2 and "render" in result.stdout and "Traceback" not in result.stderr


def test_a_users_folder_is_refused_and_kept(cli, tmp_path) -> None:
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "thesis.txt").write_text("x", encoding="utf-8")
    result = cli("render", SPEED, "--out", mine)
    result.assert_one_line_error(2, "holds files twinflash did not write (thesis.txt")
    assert [p.name for p in mine.iterdir()] == ["thesis.txt"]


def test_the_current_folder_is_refused(cli, tmp_path, monkeypatch) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli("render", SPEED, "--out", ".").assert_one_line_error(2, "is the current folder")
    cli("render", SPEED, "--out", "..").assert_one_line_error(2, "contains it")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"


def test_a_read_only_disk_is_reported_before_rendering(cli, readonly_dir) -> None:
    for args in (("render", SPEED, "--out", readonly_dir / "out"), ("demo", "--out", readonly_dir)):
        cli(*args).assert_one_line_error(2, "Read-only file system")
    assert list(readonly_dir.iterdir()) == []


def test_render_runs_no_blender_on_bad_output(cli, tmp_path) -> None:
    """The output check comes before the render package is even imported."""
    sys.modules.pop("twinflash.render.engine", None)
    (tmp_path / "f").write_text("x", encoding="utf-8")
    cli("render", SPEED, "--out", tmp_path / "f").assert_one_line_error(2, "not a directory")
    assert "twinflash.render.engine" not in sys.modules


@pytest.mark.blender
def test_render_killed_mid_way_leaves_nothing_a_rerun_does_not_sweep(tmp_path) -> None:
    """kill -9 during the render: the scratch folder it left is swept by the next render."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "twinflash", "render", str(SPEED), "--out", str(out)]
    cmd += ["--resolution", "160x120", "--samples", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".twinflash-render.tmp-*")):
            assert proc.poll() is None, "render ended before it could be killed"
            assert time.monotonic() < deadline, "no scratch folder appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert list(tmp_path.glob(".twinflash-render.tmp-*")), "the kill should have left scratch"
    assert not out.exists()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "image.png").is_file() and (out / ".twinflash").is_file()


def test_cli_bad_scene_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"people": [{"x_m": 0, "y_m": 0, "height_m": -1}]}))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "twinflash", "render", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "people[0].height_m" in lines[0], proc.stderr
    assert not out.exists()


# An osm scene whose extract is missing, corrupt, empty around the centre, or does not hold
# the centre: read while the scene is resolved, so refused before anything renders.
def _osm_scene(
    tmp_path: Path, extract: str, centre: tuple[float, float], radius: float = 60
) -> Path:
    path = tmp_path / "scene.yaml"
    place = {"kind": "osm", "extract": extract, "centre": list(centre), "radius_m": radius}
    camera = {"lat_lon": list(latlon(-6.5, -7.5)), "height_m": 6.0, "heading_deg": 50}
    path.write_text(yaml.safe_dump({"place": place, "camera": camera}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extract", "centre", "radius", "expected"),
    [
        ("missing.osm", CENTRE, 60, "place.extract: "),
        ("corrupt.osm", CENTRE, 60, "is not a readable OSM file"),
        ("x.osm", latlon(80.0, 80.0), 10, "no building and no road"),
        ("x.osm", (48.9, 2.4), 60, "place.centre: (48.9, 2.4) is outside the extract"),
    ],
)
def test_bad_extract_is_one_line(
    cli, tmp_path: Path, extract: str, centre: tuple[float, float], radius: float, expected: str
) -> None:
    write_osm(tmp_path / "x.osm", crossroads())
    (tmp_path / "corrupt.osm").write_text("<osm version='0.6'><node id='1' lat=", "utf-8")
    scene = _osm_scene(tmp_path, extract, centre, radius)
    out = tmp_path / "out"
    result = cli("render", scene, "--out", out)
    result.assert_one_line_error(2, expected)
    assert str(scene) in result.error_lines[0]
    assert not out.exists()
