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

    @property
    def plate_read_right(self) -> bool:
        return self.row.get("plate") == self.photo.plate

    def groups(self) -> dict[str, str]:
        angle = "head-on (< 6°)" if self.photo.angle_deg < 6 else "angled (6-12°)"
        far = self.photo.distance_m >= NEAR_M
        distance = f"far (>= {NEAR_M:.0f} m)" if far else f"near (< {NEAR_M:.0f} m)"
        return {"condition": self.photo.condition, "distance": distance, "angle": angle}


NEAR_M = 10.0  # camera-to-plate distance splitting near from far photos
GROUPS = ("condition", "distance", "angle")


def tally(cases: Sequence[Case]) -> dict[str, Any]:
    """Clones flagged, honest photos flagged and plates read right (the plate the check
    looked up is the true one), overall, by condition, distance, angle and kind."""

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
            "plate_right": Rate(sum(c.plate_read_right for c in sel), len(sel)),
            "statuses": dict(sorted(statuses.items())),
        }

    out: dict[str, Any] = {"all": rates(cases), "by": {}}
    for column in GROUPS:
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


def _rate_table(modes: Mapping[str, Mapping[str, Any]], column: str) -> str:
    """One row per group; per mode (plate given, plate read): clones flagged with their
    95 % interval, honest photos flagged, and plates read right where the plate was read."""
    head = [f"<th>{escape(column)}</th>"]
    for mode in modes:
        head += [f"<th>{escape(mode)}: clones flagged</th>", "<th>95% CI</th>",
                 f"<th>{escape(mode)}: honest flagged</th>"]  # fmt: skip
        head += [f"<th>{escape(mode)}: plate right</th>"] if mode != GIVEN else []
    out = [f"<table class='slices'><tr>{''.join(head)}</tr>"]
    labels = next(iter(modes.values())).keys()
    for label in labels:
        cells = [f"<td>{escape(label)}</td>"]
        for mode, groups in modes.items():
            r = groups[label]
            lo, hi = r["clones_flagged"].interval()
            ci = "" if lo is None else f"{lo:.0%}–{hi:.0%}"
            cells += [f"<td>{r['clones_flagged'].text()}</td><td>{ci}</td>",
                      f"<td>{r['honest_flagged'].text()}</td>"]  # fmt: skip
            cells += [f"<td>{r['plate_right'].text()}</td>"] if mode != GIVEN else []
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</table>")
    return "".join(out)


GIVEN, READ = "plate given", "plate read"


def _statuses(rates: Mapping[str, Any]) -> str:
    return escape(", ".join(f"{k} {v}" for k, v in rates["statuses"].items()))


def render_html(
    cases: Sequence[Case],
    root: Path,
    facts: Mapping[str, Any],
    crop_size: int = 96,
    cases_read: Sequence[Case] = (),
) -> str:
    """The report; `cases` checked with the plate given, `cases_read` (if any) with the
    plate read from the photo, side by side."""
    tallies = {GIVEN: tally(cases)} | ({READ: tally(cases_read)} if cases_read else {})
    t = tallies[GIVEN]
    a = t["all"]

    def table(column: str) -> str:
        return _rate_table({m: tl["by"][column] for m, tl in tallies.items()}, column)

    flagged = [c for c in cases if c.flagged]
    missed = [c for c in cases if c.clone and not c.flagged]
    read_flagged = [c for c in cases_read if c.flagged]
    none_read = ["<p class='note'>None.</p>"] if cases_read else []
    kinds = {
        m: {k.replace("_", " "): v for k, v in tl["by"]["kind"].items()}
        for m, tl in tallies.items()
    }
    headline_read = []
    if cases_read:
        r = tallies[READ]["all"]
        headline_read = [
            f"<li><b>Plate read from the photo</b> (no text, no corners given): "
            f"{r['plate_right'].text()} plates read right; clones caught "
            f"{r['clones_flagged'].text()}, false alarms {r['honest_flagged'].text()}. "
            "A misread or uncertain plate gives <i>inconclusive</i>, never a clone. "
            f"Statuses: {_statuses(r)}.</li>"
        ]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>twinflash: cloned plates on speed-camera photos (demo)</title>",
        f"<style>{CSS}{EXTRA_CSS}</style></head><body>",
        "<h1>Cloned plates on speed-camera photos: the loop end to end</h1>",
        f"<p class='note'>{escape(facts['summary'])}</p>",
        "<h2>Headline</h2><ul class='headline'>",
        *([f"<li><b>{escape(facts['promise'])}</b></li>"] if facts.get("promise") else []),
        f"<li><b>Clones caught: {a['clones_flagged'].text()}</b> of the planted clones were "
        "flagged <i>suspected clone</i> (plate text and corners given).</li>",
        f"<li><b>False alarms: {a['honest_flagged'].text()}</b> honest photos were flagged.</li>",
        f"<li>Statuses: {_statuses(a)}.</li>",
        *headline_read,
        *[f"<li>{escape(line)}</li>" for line in facts.get("notes", [])],
        "</ul><h2>Plate given and plate read, overall</h2>",
        _rate_table({m: {"all": tl["all"]} for m, tl in tallies.items()}, "photos"),
        "<h2>By condition</h2>",
        table("condition"),
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
        "</div><h2>By distance, by angle and by kind of clone</h2>",
        table("distance"),
        table("angle"),
        _rate_table(kinds, "kind"),
        "<h2>Flagged cases (plate given)</h2>",
        "<p class='note'>Each: the photo with its plate outlined, the plate-anchored crop "
        "the recogniser saw, the verdict's reasons.</p>",
        *([_case_html(c, root, crop_size) for c in flagged] or ["<p class='note'>None.</p>"]),
        *(["<h2>Flagged cases (plate read)</h2>"] if cases_read else []),
        *([_case_html(c, root, crop_size) for c in read_flagged] or none_read),
        "<h2>Clones not caught (plate given)</h2>",
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
    out_dir: Path,
    cases: Sequence[Case],
    root: Path,
    facts: Mapping[str, Any],
    cases_read: Sequence[Case] = (),
) -> Path:
    """report.html and report.json in `out_dir` (atomic writes); returns the HTML path.
    `cases_read`: the same photos checked with the plate read from the photo."""

    def rows(sel: Sequence[Case]) -> list[dict[str, Any]]:
        return [{"photo": c.photo.name, "truth": c.registered.kind, "status": c.row["status"],
                 "score": c.row["score"], "plate": c.row.get("plate"),
                 **c.groups()} for c in sel]  # fmt: skip

    doc = {"schema_version": 2, **facts, "tally": _plain(tally(cases)), "cases": rows(cases)}
    if cases_read:
        doc |= {"tally_plate_read": _plain(tally(cases_read)), "cases_plate_read": rows(cases_read)}
    atomic_write_text(out_dir / "report.json", json.dumps(doc, indent=1, default=str) + "\n")
    html = out_dir / "report.html"
    atomic_write_text(html, render_html(cases, root, facts, cases_read=cases_read))
    return html
