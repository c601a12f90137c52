"""The demo's report: clones caught, false alarms, results by condition, flagged cases.

One self-contained HTML file (inline SVG charts and base64 pictures, no script, no
external resource), built with the audit report's style and dot charts, and the same
figures as JSON. Rates come with exact (Clopper-Pearson) 95 % intervals: at demo sizes
they are wide, and the report says so rather than hide it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.audit.charts import Dot, dot_chart
from twinflash.audit.report import CSS
from twinflash.clonedemo.photos import Photo
from twinflash.clonedemo.registry import KINDS, Registered
from twinflash.files import atomic_write_text

EXTRA_CSS = (
    ".case{display:inline-block;width:300px;margin:6px;vertical-align:top;font-size:11px}"
    ".case img{border:1px solid #ccc;margin-right:2px;vertical-align:top}.bad{color:#c62828}"
)


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    def interval(self, confidence: float = 0.95) -> tuple[float | None, float | None]:
        """Two-sided exact binomial interval."""
        if not self.n:
            return None, None
        from scipy.stats import beta

        a = (1 - confidence) / 2
        lo = 0.0 if self.k == 0 else float(beta.ppf(a, self.k, self.n - self.k + 1))
        hi = 1.0 if self.k == self.n else float(beta.ppf(1 - a, self.k + 1, self.n - self.k))
        return lo, hi

    def text(self) -> str:
        return f"{self.k} / {self.n}" + (f" ({self.k / self.n:.0%})" if self.n else "")


@dataclass(frozen=True)
class Case:
    """One checked photo with its truth."""

    photo: Photo
    registered: Registered
    row: Mapping[str, Any]  # the check-batch result row

    @property
    def clone(self) -> bool:
        return self.registered.kind != "honest"

    @property
    def flagged(self) -> bool:
        return self.row["status"] == "suspected_clone"

    def groups(self) -> dict[str, str]:
        angle = "head-on (< 6°)" if self.photo.angle_deg < 6 else "angled (6-12°)"
        return {"condition": self.photo.condition, "angle": angle}


def tally(cases: Sequence[Case]) -> dict[str, Any]:
    """Clones flagged and honest photos flagged, overall, by condition, angle and kind."""

    def rates(sel: Sequence[Case]) -> dict[str, Any]:
        clones = [c for c in sel if c.clone]
        honest = [c for c in sel if not c.clone]
        statuses: dict[str, int] = {}
        for c in sel:
            key = f"{'clone' if c.clone else 'honest'} {c.row['status']}"
            statuses[key] = statuses.get(key, 0) + 1
        return {
            "clones_flagged": Rate(sum(c.flagged for c in clones), len(clones)),
            "honest_flagged": Rate(sum(c.flagged for c in honest), len(honest)),
            "statuses": dict(sorted(statuses.items())),
        }

    out: dict[str, Any] = {"all": rates(cases), "by": {}}
    for column in ("condition", "angle"):
        values = sorted({c.groups()[column] for c in cases})
        out["by"][column] = {v: rates([c for c in cases if c.groups()[column] == v])
                             for v in values}  # fmt: skip
    out["by"]["kind"] = {k: rates([c for c in cases if c.registered.kind == k]) for k in KINDS}
    return out


def _chart_rows(groups: Mapping[str, Any], key: str) -> list[Dot]:
    rows = []
    for label, r in groups.items():
        rate: Rate = r[key]
        if not rate.n:
            continue
        lo, hi = rate.interval()
        status = "insufficient support" if rate.n < 5 else "not tested"
        rows.append(Dot(label, rate.value, lo, hi, rate.n, status))
    return rows


def _png(image: np.ndarray, width: int) -> str:
    import cv2

    h, w = image.shape[:2]
    small = cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    _, buf = cv2.imencode(".png", cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    return "data:image/png;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _pictures(case: Case, root: Path, crop_size: int) -> str:
    """The photo with the plate outlined, and the plate-anchored crop the recogniser saw."""
    import cv2

    from twinflash.flash.crops import CropSpec, crop_vehicle
    from twinflash.flash.recogniser.preprocess import read_image

    try:
        rgb = read_image(root / case.photo.path)
    except Exception:  # a report never fails for one picture
        return "<p class='note'>(photo unreadable)</p>"
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    quad = np.array(case.photo.corners_xy, dtype=np.float64)
    crop = crop_vehicle(rgb, plate_corners_xy=quad, spec=CropSpec(size_wh=(crop_size, crop_size)))
    shown = rgb.copy()
    colour = (220, 30, 30) if case.flagged else (40, 170, 60)
    cv2.polylines(shown, [np.round(quad).astype(np.int32)], True, colour, 1, cv2.LINE_AA)
    return (f"<img alt='photo' src='{_png(shown, 190)}'>"
            f"<img alt='crop' src='{_png(crop.image, 96)}'>")  # fmt: skip


def _case_html(case: Case, root: Path, crop_size: int) -> str:
    r, p = case.registered, case.photo
    truth = (
        "<span class='bad'>honest owner flagged: false alarm</span>"
        if case.flagged and not case.clone
        else f"planted clone ({r.kind.replace('_', ' ')})"
        if case.clone
        else "honest"
    )
    verdict = json.loads(case.row["verdict"]) if case.row.get("verdict") else {}
    reasons = "".join(f"<li>{escape(t)}</li>" for t in verdict.get("reasons", []))
    return (
        f"<div class='case'>{_pictures(case, root, crop_size)}<br>"
        f"<b>{escape(case.row['status'].replace('_', ' '))}</b> · {escape(p.name)}<br>"
        f"photo shows {escape(p.make)} {escape(p.model)}; registry: {escape(r.make)} "
        f"{escape(r.model)} — {truth}<br>{escape(p.condition)}, angle {p.angle_deg:.0f}°"
        f"<ul>{reasons}</ul></div>"
    )


def _rate_table(groups: Mapping[str, Any], column: str) -> str:
    head = ("<th>clones flagged</th><th>95% CI</th><th>honest photos flagged (false alarms)"
            "</th><th>statuses</th></tr>")  # fmt: skip
    out = [f"<table class='slices'><tr><th>{escape(column)}</th>{head}"]
    for label, r in groups.items():
        lo, hi = r["clones_flagged"].interval()
        ci = "" if lo is None else f"{lo:.0%}–{hi:.0%}"
        statuses = ", ".join(f"{k} {v}" for k, v in r["statuses"].items())
        out.append(
            f"<tr><td>{escape(label)}</td><td>{r['clones_flagged'].text()}</td><td>{ci}</td>"
            f"<td>{r['honest_flagged'].text()}</td><td>{escape(statuses)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def render_html(
    cases: Sequence[Case], root: Path, facts: Mapping[str, Any], crop_size: int = 96
) -> str:
    t = tally(cases)
    a = t["all"]
    flagged = [c for c in cases if c.flagged]
    missed = [c for c in cases if c.clone and not c.flagged]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>twinflash: cloned plates on speed-camera photos (demo)</title>",
        f"<style>{CSS}{EXTRA_CSS}</style></head><body>",
        "<h1>Cloned plates on speed-camera photos: the loop end to end</h1>",
        f"<p class='note'>{escape(facts['summary'])}</p>",
        "<h2>Headline</h2><ul class='headline'>",
        f"<li><b>Clones caught: {a['clones_flagged'].text()}</b> of the planted clones were "
        "flagged <i>suspected clone</i>.</li>",
        f"<li><b>False alarms: {a['honest_flagged'].text()}</b> honest photos were flagged.</li>",
        f"<li>Statuses: {escape(', '.join(f'{k} {v}' for k, v in a['statuses'].items()))}.</li>",
        *[f"<li>{escape(line)}</li>" for line in facts.get("notes", [])],
        "</ul><h2>By condition</h2>",
        _rate_table(t["by"]["condition"], "condition"),
        "<div class='charts'>",
        dot_chart(
            "clones flagged, by condition",
            _chart_rows(t["by"]["condition"], "clones_flagged"),
            a["clones_flagged"].value,
        ),
        dot_chart(
            "honest photos flagged, by condition",
            _chart_rows(t["by"]["condition"], "honest_flagged"),
            a["honest_flagged"].value,
        ),
        "</div><h2>By angle and by kind of clone</h2>",
        _rate_table(t["by"]["angle"], "angle"),
        _rate_table({k.replace("_", " "): v for k, v in t["by"]["kind"].items()}, "kind"),
        "<h2>Flagged cases</h2>",
        "<p class='note'>Each: the photo with its plate outlined, the plate-anchored crop "
        "the recogniser saw, the verdict's reasons.</p>",
        *([_case_html(c, root, crop_size) for c in flagged] or ["<p class='note'>None.</p>"]),
        "<h2>Clones not caught</h2>",
        *([_case_html(c, root, crop_size) for c in missed] or ["<p class='note'>None.</p>"]),
        "<h2>Recogniser and thresholds</h2><table class='kv'>",
        *[
            f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>"
            for k, v in facts.get("model", {}).items()
        ],
        "</table><h2>Run</h2><table class='kv'>",
        *[
            f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>"
            for k, v in facts.get("run", {}).items()
        ],
        "</table></body></html>",
    ]
    return "\n".join(parts)


def _plain(value: Any) -> Any:
    if isinstance(value, Rate):
        lo, hi = value.interval()
        return {"k": value.k, "n": value.n, "rate": value.value, "lo": lo, "hi": hi}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write_report(
    out_dir: Path, cases: Sequence[Case], root: Path, facts: Mapping[str, Any]
) -> Path:
    """report.html and report.json in `out_dir` (atomic writes); returns the HTML path."""
    doc = {"schema_version": 1, **facts, "tally": _plain(tally(cases)), "cases": [
        {"photo": c.photo.name, "truth": c.registered.kind, "status": c.row["status"],
         "score": c.row["score"], "condition": c.photo.condition} for c in cases]}  # fmt: skip
    atomic_write_text(out_dir / "report.json", json.dumps(doc, indent=1, default=str) + "\n")
    html = out_dir / "report.html"
    atomic_write_text(html, render_html(cases, root, facts))
    return html
