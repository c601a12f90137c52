"""The report: one self-contained HTML file and the same figures as JSON.

The HTML has no script and no external resource: charts are inline SVG, crops base64
PNG, styles inline. It opens offline, from a mail attachment or a USB stick.
"""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path
from typing import Any

from twinflash.audit.charts import COLOURS, curve_chart, dot_chart
from twinflash.audit.result import Analysis, AuditReport, FailureExample, SliceRow
from twinflash.files import atomic_write_text

REPORT_SCHEMA_VERSION = 1
CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;
max-width:1150px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
.headline li{margin:6px 0}.kv td{padding:2px 12px 2px 0}
table.slices{border-collapse:collapse;font-size:12px}
table.slices td,table.slices th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.fail{display:inline-block;width:230px;margin:6px;vertical-align:top;font-size:11px}
.fail img{max-width:226px;border:1px solid #ccc}
.legend span{display:inline-block;margin-right:14px}
.note{color:#666;font-size:12px}
"""


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{digits}g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.1e}"
    return escape(str(v))


def _with_ci(value: float | None, lo: float | None, hi: float | None) -> str:
    """`value [lo, hi]`, or the value alone when there is no interval for it."""
    if value is None:
        return ""
    if lo is None:
        return _fmt(value)
    return f"{_fmt(value)} [{_fmt(lo)}, {_fmt(hi)}]"


def _ap_replicates(analysis: Analysis, n_boot: int) -> str:
    """Say so when COCO AP's intervals use fewer replicates than the other metrics."""
    ap = analysis.overall.get("ap")
    k = n_boot if ap is None or ap.replicates is None else ap.replicates
    if k >= n_boot:
        return ""
    if k == 0:
        return "; COCO AP: no interval, too many detections for its bootstrap"
    return f"; COCO AP: the first {k}, as its cost grows with the detections"


def _slice_table(rows: list[SliceRow]) -> str:
    head = (
        "metric",
        "column",
        "slice",
        "value",
        "95% CI",
        "rest",
        "gap",
        "gap 95% CI",
        "p",
        "p adj.",
        "units",
        "images",
        "AP@0.5 [95% CI]",
        "AP@0.5 gap [95% CI]",
        "miss rate",
        "status",
    )
    out = [
        '<table class="slices"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for r in rows:
        colour = COLOURS.get(r.status, "#222")
        ci = f"{_fmt(r.lo)}-{_fmt(r.hi)}" if r.lo is not None else ""
        gci = f"{_fmt(r.gap_lo)}, {_fmt(r.gap_hi)}" if r.gap_lo is not None else ""
        det = r.detection
        ap = det.ap if det else None
        cells = (
            r.metric,
            r.column,
            r.label,
            _fmt(r.value),
            ci,
            _fmt(r.rest),
            _fmt(r.gap),
            gci,
            _fmt(r.p),
            _fmt(r.p_adjusted),
            r.units,
            r.images,
            _with_ci(ap.ap50, ap.ap50_lo, ap.ap50_hi) if ap else "",
            _with_ci(ap.ap50_gap, ap.ap50_gap_lo, ap.ap50_gap_hi) if ap else "",
            _fmt(det.log_average_miss_rate if det else None),
        )
        out.append(
            "<tr>"
            + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
            + f'<td style="color:{colour}">{escape(r.status)}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _order(column: str, rows: list[SliceRow]) -> tuple[int, float]:
    """Charts with findings first, then by the largest gap among tested slices."""
    mine = [r for r in rows if r.column == column]
    found = any(r.significant for r in mine)
    gaps = [abs(r.gap) for r in mine if r.p is not None and r.gap is not None]
    return (0 if found else 1, -max(gaps, default=0.0))


def render_html(report: AuditReport, failures: list[FailureExample]) -> str:
    """The self-contained HTML page of a report and its failures."""
    a, settings = report.analysis, report.settings
    primary = a.primary
    pov = a.overall[primary]
    unit = pov.higher_is_better
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>twinflash audit: {escape(report.model)} on {escape(report.task)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Audit of <code>{escape(report.model)}</code> for {escape(report.task)}</h1>",
        f"<p class='note'>Dataset {escape(report.dataset)} ({report.images} images). "
        f"Intervals: 95% bootstrap over images ({settings.n_boot} replicates, "
        f"seed {settings.seed}{_ap_replicates(a, settings.n_boot)}). "
        "Gaps: slice minus the rest; p-values "
        f"{escape(settings.correction)}-adjusted over "
        f"{a.tested} tested slices; a slice with fewer than "
        f"{settings.min_support} units or {settings.min_images} "
        f"images is shown as insufficient support, never as a finding.</p>",
        "<h2>Headline</h2><ul class='headline'>",
        *[f"<li>{escape(s)}</li>" for s in a.headline],
        "</ul><h2>Overall</h2><table class='kv'>",
        *[
            f"<tr><td>{escape(k)}</td><td>{_fmt(v, 4)}</td></tr>"
            for k, v in report.summary.to_json().items()
            if k not in a.overall  # shown below with its interval
        ],
        *[
            f"<tr><td>{escape(v.title)}</td><td>{_fmt(v.value, 4)} "
            f"[{_fmt(v.lo)}-{_fmt(v.hi)}]</td></tr>"
            for v in a.overall.values()
        ],
        "</table>",
        "<h2>By parameter</h2><p class='legend'>"
        + "".join(
            f"<span style='color:{c}'>&#9679; {escape(s)}</span>"
            for s, c in COLOURS.items()
            if s != "not tested"
        )
        + "</p><div class='charts'>",
    ]
    rows = [r for r in a.slices if r.metric == primary]
    columns = sorted(dict.fromkeys(r.column for r in rows), key=lambda c: _order(c, rows))
    for col in columns:
        col_rows = [r for r in rows if r.column == col]
        parts.append(
            dot_chart(f"{pov.title} by {col}", col_rows, pov.value, unit_range=unit is not None)
        )
    parts.append("</div><h2>Sensitivity curves</h2><div class='charts'>")
    for c in a.curves:
        parts.append(curve_chart(f"{pov.title} vs {c.column}", c.column, pov.title, c.points))
    if not a.curves:
        parts.append("<p class='note'>No continuous parameter with enough distinct values.</p>")
    parts.append("</div>")
    details = report.details
    if details is not None and details.confusions:
        parts.append(
            "<h2>Most frequent confusions</h2><table class='slices'><tr><th>true</th>"
            "<th>predicted</th><th>count</th></tr>"
        )
        parts += [
            f"<tr><td>{escape(c.true)}</td><td>{escape(c.predicted)}</td><td>{c.count}</td></tr>"
            for c in details.confusions
        ]
        parts.append("</table>")
    if details is not None and details.per_class:
        parts.append("<h2>Per-class accuracy (worst first)</h2><table class='slices'>")
        parts += [
            f"<tr><td>{escape(c.label)}</td><td>{c.accuracy:.3f}</td><td>n={c.count}</td></tr>"
            for c in details.per_class[:30]
        ]
        parts.append("</table>")
    parts.append("<h2>Example failures</h2>")
    if failures:
        parts.append(
            "<p class='legend'><span style='color:#dc1e1e'>&#9632; missed</span>"
            "<span style='color:#ff8c00'>&#9632; false detection</span>"
            "<span style='color:#28aa3c'>&#9632; matched</span>"
            "<span style='color:#969696'>&#9632; ignored (tiny or hidden)</span></p>"
        )
        for f in failures:
            b64 = base64.b64encode(f.png).decode("ascii")
            parts.append(
                f"<div class='fail'><img alt='{escape(f.kind)}' "
                f"src='data:image/png;base64,{b64}'><br>{escape(f.caption)}</div>"
            )
    else:
        parts.append("<p class='note'>No example (no failure, or images not readable).</p>")
    parts.append("<h2>All slices</h2>")
    parts.append(_slice_table(a.slices))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    out_dir: Path, report: AuditReport, failures: list[FailureExample]
) -> tuple[Path, Path]:
    """report.html and report.json in `out_dir` (atomic writes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = report.to_json()
    data = {
        "schema_version": REPORT_SCHEMA_VERSION,
        **figures,
        "failures": [f.to_json() for f in failures],
    }
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    atomic_write_text(json_path, json.dumps(data, indent=1, default=_default) + "\n")
    atomic_write_text(html_path, render_html(report, failures))
    return html_path, json_path


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
