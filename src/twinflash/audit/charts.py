"""Inline SVG charts: dots with interval whiskers per slice, and sensitivity curves.

Plain SVG strings (no plotting library, no script, no external resource), so the report
opens offline in any browser and the charts are the same numbers as the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

from twinflash.audit.result import CurvePoint

COLOURS = {
    "significantly worse": "#c62828",
    "significantly better": "#2e7d32",
    "no significant gap": "#1f5fa8",
    "not tested": "#1f5fa8",
    "insufficient support": "#9e9e9e",
}


def _scale(lo: float, hi: float, a: float, b: float):  # -> Callable[[float], float]
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def _range(values: list[float], unit_range: bool) -> tuple[float, float]:
    if unit_range and all(0 <= v <= 1 for v in values):
        return 0.0, 1.0
    lo, hi = min(values, default=0.0), max(values, default=1.0)
    pad = (hi - lo) * 0.08 or 1.0
    return lo - pad, hi + pad


class DotRow(Protocol):
    """What a dot chart shows of a row: an audit's `SliceRow`, or a `Dot`."""

    @property
    def label(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def lo(self) -> float | None: ...
    @property
    def hi(self) -> float | None: ...
    @property
    def units(self) -> int: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class Dot:
    """A dot chart's row for figures that are not an audit's slices (the clone demo)."""

    label: str
    value: float | None
    lo: float | None
    hi: float | None
    units: int
    status: str


def dot_chart(
    title: str, rows: Sequence[DotRow], overall: float | None, unit_range: bool = True
) -> str:
    """One row per slice: label, interval whisker, dot coloured by status, support."""
    label_w, plot_w, right_w, row_h, top = 260, 380, 170, 22, 46
    width = label_w + plot_w + right_w
    height = top + row_h * len(rows) + 30
    vals = [v for r in rows for v in (r.lo, r.hi, r.value) if v is not None]
    if overall is not None:
        vals.append(overall)
    lo, hi = _range(vals, unit_range)
    x = _scale(lo, hi, label_w, label_w + plot_w)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for t in range(5):
        v = lo + (hi - lo) * t / 4
        out.append(
            f'<line x1="{x(v):.1f}" y1="{top - 6}" x2="{x(v):.1f}" '
            f'y2="{height - 24}" stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{x(v):.1f}" y="{height - 8}" font-size="10" '
            f'text-anchor="middle">{v:.3g}</text>'
        )
    if overall is not None:
        out.append(
            f'<line x1="{x(overall):.1f}" y1="{top - 10}" x2="{x(overall):.1f}" '
            f'y2="{height - 24}" stroke="#555" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{x(overall):.1f}" y="{top - 12}" font-size="10" '
            f'text-anchor="middle">all: {overall:.3g}</text>'
        )
    for k, r in enumerate(rows):
        y = top + row_h * k + row_h / 2
        colour = COLOURS.get(r.status, "#1f5fa8")
        out.append(
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{escape(str(r.label))[:44]}</text>'
        )
        if r.lo is not None and r.hi is not None:
            out.append(
                f'<line x1="{x(r.lo):.1f}" y1="{y:.1f}" x2="{x(r.hi):.1f}" '
                f'y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
            )
        if r.value is not None:
            fill = "white" if r.status == "insufficient support" else colour
            out.append(
                f'<circle class="dot" cx="{x(r.value):.1f}" cy="{y:.1f}" r="4.5" '
                f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
            )
        note = r.status if r.status != "not tested" else ""
        out.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 4:.1f}" font-size="10" '
            f'fill="{colour}">n={r.units} {escape(note)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def curve_chart(
    title: str, x_label: str, y_label: str, points: list[CurvePoint], unit_range: bool = True
) -> str:
    """Metric against a continuous parameter: line, interval band, hollow low-support dots."""
    width, height, left, right, top, bottom = 420, 240, 52, 12, 28, 40
    pts = [p for p in points if p.value is not None]
    xs = [p.x for p in pts] or [0.0, 1.0]
    ys = [v for p in pts for v in (p.lo, p.hi, p.value) if v is not None]
    x0, x1 = min(xs), max(xs)
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1 = _range(ys, unit_range)
    sx = _scale(x0, x1, left, width - right)
    sy = _scale(y0, y1, height - bottom, top)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="16" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
        f'y2="{height - bottom}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>',
    ]
    for t in range(5):
        yv = y0 + (y1 - y0) * t / 4
        out.append(
            f'<text x="{left - 4}" y="{sy(yv) + 3:.1f}" font-size="9" '
            f'text-anchor="end">{yv:.3g}</text>'
        )
        xv = x0 + (x1 - x0) * t / 4
        out.append(
            f'<text x="{sx(xv):.1f}" y="{height - bottom + 12}" font-size="9" '
            f'text-anchor="middle">{xv:.3g}</text>'
        )
    out.append(
        f'<text x="{(left + width) / 2:.1f}" y="{height - 6}" font-size="10" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    out.append(
        f'<text x="10" y="{(top + height - bottom) / 2:.1f}" font-size="10" '
        f'transform="rotate(-90 10 {(top + height - bottom) / 2:.1f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    band = [p for p in pts if p.lo is not None and p.hi is not None]
    if len(band) >= 2:
        poly = [f"{sx(p.x):.1f},{sy(p.hi):.1f}" for p in band]
        poly += [f"{sx(p.x):.1f},{sy(p.lo):.1f}" for p in reversed(band)]
        out.append(f'<polygon points="{" ".join(poly)}" fill="#1f5fa8" fill-opacity="0.18"/>')
    if len(pts) >= 2:
        line = " ".join(f"{sx(p.x):.1f},{sy(p.value):.1f}" for p in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    for p in pts:
        fill = "#1f5fa8" if p.enough_support else "white"
        out.append(
            f'<circle class="dot" cx="{sx(p.x):.1f}" cy="{sy(p.value):.1f}" '
            f'r="3.5" fill="{fill}" stroke="#1f5fa8"><title>{escape(p.label)}: '
            f"{p.value:.3g} (n={p.units})</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)
