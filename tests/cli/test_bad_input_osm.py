"""`twinflash render` of an osm scene whose extract is missing, corrupt, empty around
the centre, or does not hold the centre: one `error:` line, exit 2, nothing written.
None of these cases renders (the extract is read while the scene is resolved)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.scene.osm_xml import CENTRE, crossroads, latlon, write_osm


def _scene(tmp_path: Path, extract: str, centre: tuple[float, float], radius: float = 60) -> Path:
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
    scene = _scene(tmp_path, extract, centre, radius)
    out = tmp_path / "out"
    result = cli("render", scene, "--out", out)
    result.assert_one_line_error(2, expected)
    assert str(scene) in result.error_lines[0]
    assert not out.exists()
