"""The inline SVG charts: well-formed, offline, and drawing the numbers they are given."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from twinflash.audit.charts import COLOURS, Dot, curve_chart, dot_chart
from twinflash.audit.result import CurvePoint

SVG = "{http://www.w3.org/2000/svg}"


def _circles(svg: str) -> list[dict[str, str]]:
    return [c.attrib for c in ET.fromstring(svg).iter(f"{SVG}circle")]


def test_dot_chart_places_values_on_a_unit_axis_and_colours_them_by_status() -> None:
    rows = [
        Dot("night <b>", 0.25, 0.2, 0.3, 120, "significantly worse"),
        Dot("day", 0.75, 0.7, 0.8, 300, "no significant gap"),
        Dot("fog", 0.5, None, None, 3, "insufficient support"),
    ]
    svg = dot_chart("recall by is_night", rows, overall=0.6)
    root = ET.fromstring(svg)  # well-formed: the label's markup was escaped
    assert (
        "night &lt;b&gt;" in svg
        and "<script" not in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    dots = _circles(svg)
    # the plot spans x = 260..640 for values 0..1
    assert [float(d["cx"]) for d in dots] == [260 + 0.25 * 380, 260 + 0.75 * 380, 260 + 0.5 * 380]
    assert dots[0]["fill"] == COLOURS["significantly worse"]
    assert dots[2]["fill"] == "white"  # too little support: a hollow dot
    assert "all: 0.6" in svg and "n=120 significantly worse" in svg
    assert root.get("aria-label") == "recall by is_night"


def test_dot_chart_widens_its_axis_beyond_the_unit_range_when_needed() -> None:
    svg = dot_chart("error", [Dot("a", 2.0, 1.0, 3.0, 10, "not tested")], None, unit_range=False)
    ticks = [float(t) for t in re.findall(r'text-anchor="middle">([-\d.e]+)<', svg)]
    assert min(ticks) < 1.0 and max(ticks) > 3.0


def test_curve_chart_draws_a_line_a_band_and_hollow_low_support_points() -> None:
    points = [
        CurvePoint(0.0, "0", 0.9, 0.85, 0.95, 50, True),
        CurvePoint(10.0, "10", 0.6, 0.5, 0.7, 40, True),
        CurvePoint(20.0, "20", 0.3, 0.1, 0.5, 4, False),
        CurvePoint(30.0, "30", None, None, None, 0, False),  # no value: not drawn
    ]
    svg = curve_chart("recall vs distance", "distance_m", "recall", points)
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert len(list(root.iter(f"{SVG}polygon"))) == 1
    dots = _circles(svg)
    assert [d["fill"] for d in dots] == ["#1f5fa8", "#1f5fa8", "white"]
    xs = [float(d["cx"]) for d in dots]
    assert xs[0] == 52 and xs[-1] == 420 - 12  # the x axis spans the points with a value
    ys = [float(d["cy"]) for d in dots]
    assert ys[0] < ys[1] < ys[2]  # higher recall is drawn higher
