"""Slices: subsets of images or objects defined by one metadata column (or two crossed).

A column becomes slices by its kind: booleans and short categoricals one slice per
value; known quantities named bins (box height near/medium/far as in the Caltech
benchmark, Monk skin-tone bands, occlusion levels, sun elevation); other numbers
quantile bins. Numbers also give a sensitivity curve (metric per finer bin).

Some scene values are sampled for every image but only act under one condition (fog
visibility only in fog): they are sliced among those images only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from twinflash.audit.data import AuditDataset
from twinflash.errors import InputError

INF = math.inf
NAMED_BINS: dict[str, list[tuple[float, float, str]]] = {
    "box_height_px": [
        (0, 30, "far (<30 px)"),
        (30, 80, "medium (30-80 px)"),
        (80, INF, "near (>=80 px)"),
    ],
    # unoccluded rendered people measure 1.0 (exact pass vs exact amodal raster); 0.9
    # keeps the bin meaningful for datasets annotated by other tools
    "visibility": [
        (0, 0.65, "heavy occlusion (<0.65)"),
        (0.65, 0.9, "partial (0.65-0.9)"),
        (0.9, INF, "not occluded (>=0.9)"),
    ],
    "skin_tone": [(0, 3.5, "MST 1-3"), (3.5, 6.5, "MST 4-6"), (6.5, INF, "MST 7-10")],
    "sun_elevation_deg": [
        (-INF, -6, "night (sun < -6 deg)"),
        (-6, 6, "twilight/low (-6..6 deg)"),
        (6, 30, "low sun (6-30 deg)"),
        (30, INF, "high sun (>30 deg)"),
    ],
}
CONDITIONAL: dict[str, tuple[str, str]] = {
    "weather_fog_visibility_m": ("weather_kind", "fog"),
    "weather_rain_intensity": ("weather_kind", "rain"),
    "weather_snow_cover": ("weather_kind", "snow"),
}
SKIP = {
    "index",
    "sample",
    "file_name",
    "image_id",
    "split",
    "scene_seed",
    "width",
    "height",
    "camera_width",
    "camera_height",
    "row",
    "instance_id",
    "box_x0",
    "box_y0",
    "box_x1",
    "box_y1",
    "category",
    "light_timezone",
    "light_latitude_deg",
    "light_longitude_deg",
    "area_px",
    "box_width_px",
    "amodal_box_height_px",
    "visible",
    "light_local_time",
}
DEFAULT_CROSSINGS = [("is_night", "skin_tone"), ("weather_kind", "box_height_px")]
BASIC_COLOURS = {
    "black": (20, 20, 20),
    "grey": (128, 128, 128),
    "white": (235, 235, 235),
    "red": (190, 30, 30),
    "orange": (230, 130, 30),
    "yellow": (225, 205, 40),
    "green": (40, 140, 60),
    "blue": (40, 80, 180),
    "purple": (120, 50, 140),
    "brown": (110, 70, 40),
    "beige": (205, 185, 150),
}


@dataclass
class Slice:
    column: str  # "is_night", or "is_night x skin_tone" for a crossing
    label: str
    level: str  # "image" or "object": what `mask` runs over
    mask: np.ndarray
    reference: np.ndarray | None = None  # what it is compared with; None: everything else
    compared_with: str = "the rest"


@dataclass
class Curve:
    column: str
    level: str
    x: np.ndarray  # median of the column in each bin
    labels: list[str]
    masks: list[np.ndarray]


def colour_name(hex_text: str) -> str:
    """The nearest basic colour name of '#rrggbb' (clothing and car colours are sampled
    as hex values; nobody slices on 600 shades)."""
    h = hex_text.lstrip("#")
    rgb = np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], float)
    names = list(BASIC_COLOURS)
    ref = np.array([BASIC_COLOURS[n] for n in names], float)
    return names[int(np.argmin(((ref - rgb) ** 2).sum(1)))]


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _as_labels(values: np.ndarray) -> np.ndarray:
    """Object array of category labels (None where missing)."""
    out = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out[k] = None
        elif isinstance(v, str) and len(v) == 7 and v.startswith("#"):
            try:
                out[k] = colour_name(v)
            except ValueError:
                out[k] = v
        elif isinstance(v, float) and v.is_integer():
            out[k] = str(int(v))
        else:
            out[k] = str(v)
    return out


def _bins(
    values: np.ndarray, edges: list[tuple[float, float, str]]
) -> list[tuple[str, np.ndarray]]:
    return [(label, (values >= lo) & (values < hi)) for lo, hi, label in edges]


def quantile_bins(values: np.ndarray, n_bins: int) -> list[tuple[str, np.ndarray, float]]:
    """(label, mask, median) of up to n_bins bins of equal count; NaN in none."""
    finite = values[np.isfinite(values)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, n_bins + 1)))
    out = []
    for k in range(len(edges) - 1):
        lo, hi = edges[k], edges[k + 1]
        last = k == len(edges) - 2
        mask = (values >= lo) & ((values <= hi) if last else (values < hi))
        label = f"[{_fmt(lo)}, {_fmt(hi)}" + ("]" if last else ")")
        if mask.any():
            out.append((label, mask, float(np.median(values[mask]))))
    return out


def column_values(ds: AuditDataset, column: str) -> tuple[str, np.ndarray]:
    """(level, values) of a column; image columns win a name clash."""
    for level, cols in (("image", ds.images), ("object", ds.objects)):
        if column in cols:
            values = cols[column]
            cond = CONDITIONAL.get(column)
            if cond and cond[0] in ds.images and level == "image":
                values = np.where(ds.images[cond[0]] == cond[1], values, np.nan)
            return level, values
    known = sorted(set(ds.images) | set(ds.objects))
    raise InputError(f"`columns` {column}: no such metadata column; known: {', '.join(known)}")


def column_slices(
    column: str,
    level: str,
    values: np.ndarray,
    relevant: np.ndarray,
    n_bins: int,
    max_levels: int,
) -> list[Slice]:
    """Slices of one column; `relevant` marks the rows that matter (the task's objects)."""
    if values.dtype != object and column in NAMED_BINS:
        parts = _bins(values, NAMED_BINS[column])
        return [Slice(column, lb, level, m) for lb, m in parts if (m & relevant).any()]
    if values.dtype != object:
        finite = values[relevant & np.isfinite(values)]
        distinct = np.unique(finite)
        if len(distinct) < 2:
            return []
        if len(distinct) > 6 or not np.all(distinct == np.round(distinct)):
            return [
                Slice(column, lb, level, m)
                for lb, m, _ in quantile_bins(np.where(relevant, values, np.nan), n_bins)
            ]
    labels = _as_labels(values)
    present = [lb for lb in labels[relevant] if lb is not None]
    levels, counts = np.unique(np.array(present, dtype=object).astype(str), return_counts=True)
    if len(levels) < 2:
        return []
    keep = levels[np.argsort(-counts, kind="stable")[:max_levels]]
    return [Slice(column, str(lb), level, labels == lb) for lb in sorted(keep)]


def column_curve(
    column: str, level: str, values: np.ndarray, relevant: np.ndarray, n_points: int = 8
) -> Curve | None:
    """Metric-vs-value curve for numeric columns with enough distinct values."""
    if values.dtype == object:
        return None
    vals = np.where(relevant, values, np.nan)
    distinct = np.unique(vals[np.isfinite(vals)])
    if len(distinct) < 3 or (len(distinct) <= 6 and column not in NAMED_BINS):
        return None
    if len(distinct) <= 12 and np.all(distinct == np.round(distinct)):
        parts = [(_fmt(v), vals == v, float(v)) for v in distinct]
    else:
        parts = quantile_bins(vals, n_points)
    return Curve(
        column, level, np.array([p[2] for p in parts]), [p[0] for p in parts], [p[1] for p in parts]
    )


def auto_columns(ds: AuditDataset, object_rows: np.ndarray | None) -> list[str]:
    """Every column worth slicing: not an identifier, not constant among relevant rows."""
    cols = [
        c for c in ds.images if c not in SKIP and "seed" not in c and not c.startswith("quality_")
    ]
    if object_rows is not None:
        cols += [c for c in ds.objects if c not in SKIP and c not in ds.images]
    return cols


def cross(a: Slice, b: Slice, object_image: np.ndarray) -> Slice:
    """The intersection of two slices, at the finer level, compared within `a`: the
    rest of (night & dark skin) is night & other skin tones, so a crossing shows how
    the second factor acts under the first, not the first factor's effect again."""
    if a.level == b.level:
        ma, mb, level = a.mask, b.mask, a.level
    elif a.level == "image":
        ma, mb, level = a.mask[object_image], b.mask, "object"
    else:
        ma, mb, level = a.mask, b.mask[object_image], "object"
    return Slice(
        f"{a.column} x {b.column}",
        f"{a.label} & {b.label}",
        level,
        ma & mb,
        reference=ma & ~mb,
        compared_with=f"{a.column} = {a.label} with another {b.column}",
    )


def plan_slices(
    ds: AuditDataset,
    object_rows: np.ndarray | None,
    columns: list[str] | None = None,
    crossings: list[tuple[str, str]] | None = None,
    n_bins: int = 3,
    max_levels: int = 12,
) -> tuple[list[Slice], list[Curve]]:
    """Slices and curves for a task whose units are `object_rows` (None: images only)."""
    relevant_obj = np.zeros(len(ds.object_image), bool)
    if object_rows is not None:
        relevant_obj[object_rows] = True
    relevant_img = np.ones(ds.n_images, bool)
    by_column: dict[str, list[Slice]] = {}
    curves: list[Curve] = []
    for column in columns if columns is not None else auto_columns(ds, object_rows):
        level, values = column_values(ds, column)
        if level == "object" and object_rows is None:
            continue
        relevant = relevant_img if level == "image" else relevant_obj
        by_column[column] = column_slices(column, level, values, relevant, n_bins, max_levels)
        curve = column_curve(column, level, values, relevant)
        if curve is not None:
            curves.append(curve)
    slices = [s for col in by_column.values() for s in col]
    pairs = DEFAULT_CROSSINGS if crossings is None else crossings
    for a, b in pairs:
        for c in (a, b):
            if c in by_column or (crossings is None and c not in ds.images | ds.objects):
                continue
            level, values = column_values(ds, c)  # raises naming a column that does not exist
            if level == "object" and object_rows is None:
                by_column[c] = []
                continue
            relevant = relevant_img if level == "image" else relevant_obj
            by_column[c] = column_slices(c, level, values, relevant, n_bins, max_levels)
        for sa in by_column.get(a, []):
            for sb in by_column.get(b, []):
                slices.append(cross(sa, sb, ds.object_image))
    return slices, curves
