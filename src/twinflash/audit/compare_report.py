"""compare.json, compare.html and compare.png of a comparison, written all or nothing.

The HTML, like the audit report, has no script and no external resource: the chart is
the same PNG, inlined as base64, so the page opens offline.
"""

from __future__ import annotations

import base64
import contextlib
from html import escape
from pathlib import Path

from twinflash.audit.compare import Comparison, GapCheck
from twinflash.audit.compare_chart import OUTCOME_COLOURS, comparison_png
from twinflash.audit.compare_side import SideRow
from twinflash.files import atomic_path, check_writable_dir, dumps_json

FILES = ("compare.json", "compare.html", "compare.png")
LEVEL_COLOURS = {"good": "#2e7d32", "mixed": "#b26a00", "poor": "#c62828", "undetermined": "#555"}
CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;
max-width:1150px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
.verdict{font-size:16px;padding:10px 14px;border-left:6px solid;background:#fafafa}
table.t{border-collapse:collapse;font-size:12px}
table.t td,table.t th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}
.note{color:#666;font-size:12px}img.chart{max-width:100%;border:1px solid #eee}
"""


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.3f}"


def _ci(value: float | None, lo: float | None, hi: float | None) -> str:
    if value is None:
        return ""
    if lo is None or hi is None:
        return _num(value)
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


def _gap(r: SideRow) -> str:
    return _ci(r.gap, r.gap_lo, r.gap_hi)


def _gap_table(title: str, checks: list[GapCheck], found_by: str, other: str) -> str:
    if not checks:
        return ""
    head = ("slice", f"gap ({found_by})", f"gap ({other}) [95% CI]", f"{other} status", "outcome")
    out = [f"<h3>{escape(title)}</h3><table class='t'><tr>"]
    out += [f"<th>{escape(h)}</th>" for h in head]
    out.append("</tr>")
    for g in checks:
        colour = OUTCOME_COLOURS.get(g.outcome, "#222")
        cells = (
            f"{g.column} = {g.label}",
            _num(g.gap),
            _ci(g.other_gap, g.other_gap_lo, g.other_gap_hi),
            g.other_status,
        )
        out.append(
            "<tr>"
            + "".join(f"<td>{escape(c)}</td>" for c in cells)
            + f"<td style='color:{colour}'><b>{escape(g.outcome)}</b></td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _sides(c: Comparison) -> str:
    out = ["<table class='t'><tr><th></th><th>synthetic</th><th>real</th></tr>"]
    a, b = c.synthetic, c.real
    for name, x, y in (
        ("report", a.path, b.path),
        ("dataset", a.dataset, b.dataset),
        ("model", a.model, b.model),
        ("images", str(a.images), str(b.images)),
        (
            f"{c.metric_title} overall",
            _ci(a.overall, a.overall_lo, a.overall_hi),
            _ci(b.overall, b.overall_lo, b.overall_hi),
        ),
        ("slices", str(len(a.rows)), str(len(b.rows))),
        ("correction", f"{a.correction}, alpha {a.alpha:g}", f"{b.correction}, alpha {b.alpha:g}"),
    ):
        out.append(f"<tr><td>{escape(name)}</td><td>{escape(x)}</td><td>{escape(y)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _shared_table(c: Comparison) -> str:
    head = (
        "column",
        "slice (synthetic)",
        "slice (real)",
        "synthetic [95% CI]",
        "real [95% CI]",
        "gap synthetic",
        "status synthetic",
        "gap real",
        "status real",
        "units syn / real",
    )
    out = ["<table class='t'><tr>", *[f"<th>{escape(h)}</th>" for h in head], "</tr>"]
    for s in c.shared:
        real_label = s.real_label if s.matched_by == "label" else f"{s.real_label} (by rank)"
        cells = (
            s.column,
            s.label,
            real_label,
            _ci(s.synthetic.value, s.synthetic.lo, s.synthetic.hi),
            _ci(s.real.value, s.real.lo, s.real.hi),
            _gap(s.synthetic),
            s.synthetic.status,
            _gap(s.real),
            s.real.status,
            f"{s.synthetic.units} / {s.real.units}",
        )
        out.append("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _one_side(title: str, keys: list[tuple[str, str]]) -> str:
    if not keys:
        return f"<p class='note'>{escape(title)}: none.</p>"
    by_column: dict[str, list[str]] = {}
    for column, label in keys:
        by_column.setdefault(column, []).append(label)
    items = "".join(
        f"<li><b>{escape(col)}</b>: {escape(', '.join(labels))}</li>"
        for col, labels in by_column.items()
    )
    return f"<p>{escape(title)}:</p><ul class='note'>{items}</ul>"


def _rank(c: Comparison) -> str:
    r = c.rank
    if r.spearman is None:
        return f"<p>{escape(r.note.capitalize())}.</p>"
    return (
        f"<table class='t'><tr><th></th><th>coefficient</th><th>p-value</th></tr>"
        f"<tr><td>Spearman rho</td><td>{r.spearman:+.3f}</td><td>{r.spearman_p:.2g}</td></tr>"
        f"<tr><td>Kendall tau</td><td>{(r.kendall or 0):+.3f}</td>"
        f"<td>{(r.kendall_p if r.kendall_p is not None else float('nan')):.2g}</td></tr>"
        f"</table><p class='note'>{escape(r.note.capitalize())}; p-values test no association "
        "(scipy.stats).</p>"
    )


def render_html(c: Comparison, png: bytes) -> str:
    """The self-contained page of a comparison, its chart inlined."""
    colour = LEVEL_COLOURS[c.verdict_level]
    b64 = base64.b64encode(png).decode("ascii")
    caveats = "".join(f"<li>{escape(x)}</li>" for x in c.caveats)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>twinflash audit compare: {escape(c.task)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Does the twin predict reality? {escape(c.task)}, {escape(c.metric_title)}</h1>",
        f"<p class='verdict' style='border-color:{colour}'>{escape(c.verdict)}</p>",
        f"<ul class='note'>{caveats}</ul>" if caveats else "",
        "<h2>The two audits</h2>",
        _sides(c),
        "<h2>Metric per shared slice</h2>",
        f"<img class='chart' alt='{escape(c.metric_title)} per slice, synthetic vs real' "
        f"src='data:image/png;base64,{b64}'>",
        "<p class='note'>Each side's significance is its own audit's (its correction over "
        "its own slices). A gap is a slice minus what it is compared with (the rest, or "
        "within the first factor for a crossing).</p>",
        "<h2>Significant gaps: does the other side agree?</h2>",
        _gap_table(
            "Significant on synthetic data, checked on the real photos", c.gaps, "synthetic", "real"
        )
        or "<p>No significant synthetic gap on a shared slice.</p>",
        _gap_table(
            "Significant on the real photos only (missed by the twin)",
            c.missed,
            "real",
            "synthetic",
        ),
        "<h2>Rank agreement across slices</h2>",
        _rank(c),
        "<h2>All shared slices</h2>",
        _shared_table(c),
        "<h2>Slices on one side only</h2>",
        _one_side("Only in the synthetic audit", c.only_synthetic),
        _one_side("Only in the real audit", c.only_real),
        "<p class='note'>A column needs its values on both sides: from a plain COCO file "
        "the audit reads box_height_px, and visibility or distance_m when the annotations "
        "carry them; image conditions (is_night, weather_kind...) come from --metadata.</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def write_comparison(c: Comparison, out_dir: Path) -> dict[str, Path]:
    """compare.json, .html and .png in `out_dir`: each rendered first, then all renamed
    into place together, so a failure leaves none of them half-written."""
    out_dir = Path(out_dir)
    check_writable_dir(out_dir, "comparison")
    png = comparison_png(c)
    contents = {
        "compare.json": dumps_json(c.to_json()).encode("utf-8"),
        "compare.html": render_html(c, png).encode("utf-8"),
        "compare.png": png,
    }
    paths = {name: out_dir / name for name in FILES}
    with contextlib.ExitStack() as stack:
        for name, data in contents.items():
            stack.enter_context(atomic_path(paths[name])).write_bytes(data)
    return paths
