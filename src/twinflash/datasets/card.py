"""The dataset card: `README.md` with the plan, counts, histograms and a contact sheet.

Histograms (matplotlib, Agg backend) cover the scene conditions, the population and the
object geometry; the contact sheet shows evenly spaced samples as image | overlay pairs.
"""

from __future__ import annotations

import collections
import io
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageDraw

from twinflash.files import atomic_write_bytes, atomic_write_text

# (column, rows it is read from, title); the plan's varied paths are added to these.
HISTOGRAMS = [
    ("weather_kind", "image", "weather"),
    ("hour", "image", "local hour"),
    ("sun_elevation_deg", "image", "sun elevation (deg)"),
    ("is_night", "image", "night"),
    ("n_people_visible", "image", "visible people per image"),
    ("n_vehicles_visible", "image", "visible vehicles per image"),
    ("pose", "person", "pose"),
    ("skin_tone", "person", "skin tone (Monk 1-10)"),
    ("build", "person", "build"),
    ("age_group", "person", "age group"),
    ("outerwear", "person", "outerwear"),
    ("bottom", "person", "bottom (trousers, shorts, skirt, dress)"),
    ("bag", "person", "bag"),
    ("box_height_px", "person", "person box height (px)"),
    ("visibility", "person", "person visibility"),
    ("distance_m", "person", "person distance (m)"),
    ("make", "vehicle", "vehicle make"),
    ("color", "vehicle", "vehicle colour"),
    ("box_height_px", "vehicle", "vehicle box height (px)"),
]
THUMB_W = 240


def _values(rows: list[dict[str, Any]], column: str, which: str) -> list[Any]:
    if which == "image":
        chosen = [r for r in rows if r["row"] == "image"]
    else:
        chosen = [r for r in rows if r["row"] == "object" and r["category"] == which]
    return [r.get(column) for r in chosen if r.get(column) is not None]


def histograms_png(rows: list[dict[str, Any]], extra: list[str]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    extra = [c for c in extra if c != "light.local_time"]  # shown as "local hour"
    specs = [(c.replace(".", "_"), "image", c) for c in extra] + HISTOGRAMS
    seen, panels = set(), []
    for col, which, title in specs:
        vals = _values(rows, col, which)
        if (col, which) in seen or not vals:
            continue
        seen.add((col, which))
        panels.append((title, vals))
    ncols = 4
    nrows = max(1, -(-len(panels) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 2.8 * nrows), squeeze=False)
    for ax, (title, vals) in zip(axes.flat, panels, strict=False):
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals)
        fractional = numeric and any(isinstance(v, float) and not v.is_integer() for v in vals)
        if fractional or (numeric and len(set(vals)) > 12):
            ax.hist(np.asarray(vals, float), bins=20, color="#3a5f8a")
        else:
            counts = collections.Counter(vals)
            keys = sorted(counts, key=lambda k: (str(type(k)), k))
            ax.bar([str(k) for k in keys], [counts[k] for k in keys], color="#3a5f8a")
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.set_title(title, fontsize=9)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return buf.getvalue()


def contact_sheet_png(sample_dirs: list[Path], n: int) -> bytes | None:
    """Evenly spaced samples, image | overlay, captioned with the sample name."""
    if not sample_dirs or n == 0:
        return None
    picks = [
        sample_dirs[int(i)] for i in np.linspace(0, len(sample_dirs) - 1, min(n, len(sample_dirs)))
    ]
    tiles = []
    for d in picks:
        pair = [Image.open(d / f).convert("RGB") for f in ("image.png", "overlay.png")]
        scale = THUMB_W / pair[0].width
        size = (THUMB_W, max(1, round(pair[0].height * scale)))
        tile = Image.new("RGB", (2 * THUMB_W + 4, size[1] + 14), "white")
        for k, im in enumerate(pair):
            tile.paste(im.resize(size, Image.Resampling.LANCZOS), (k * (THUMB_W + 4), 14))
        ImageDraw.Draw(tile).text((2, 1), d.name, fill="black")
        tiles.append(tile)
    cols = 2
    tw, th = tiles[0].width, max(t.height for t in tiles)
    rows = -(-len(tiles) // cols)
    sheet = Image.new("RGB", (cols * (tw + 8), rows * (th + 8)), "white")
    for k, tile in enumerate(tiles):
        sheet.paste(tile, ((k % cols) * (tw + 8), (k // cols) * (th + 8)))
    buf = io.BytesIO()
    sheet.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _table(counter: dict[str, int], header: tuple[str, str]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in counter.items()]
    return "\n".join(lines)


def write_card(
    root: Path,
    plan_dict: dict[str, Any],
    rows: list[dict[str, Any]],
    sample_dirs: list[Path],
    failures: list[dict[str, Any]],
    contact: int,
) -> Path:
    """Write README.md and card/ (histograms.png, contact_sheet.png) atomically."""
    images = [r for r in rows if r["row"] == "image"]
    objects = [r for r in rows if r["row"] == "object"]
    splits = collections.Counter(r["split"] for r in images)
    cats = collections.Counter(r["category"] for r in objects if r["visible"])
    extra = sorted(plan_dict.get("vary", {}))
    if plan_dict.get("sweep"):
        extra.append(plan_dict["sweep"]["path"])
    atomic_write_bytes(root / "card" / "histograms.png", histograms_png(rows, extra))
    sheet = contact_sheet_png(sample_dirs, contact)
    if sheet is not None:
        atomic_write_bytes(root / "card" / "contact_sheet.png", sheet)
    parts = [
        f"# {plan_dict['name']}",
        plan_dict.get("description") or "A synthetic dataset rendered by twinflash.",
        "## Counts",
        f"{plan_dict['count']} samples planned, {len(images)} present, {len(failures)} failed.",
        _table(dict(sorted(splits.items())), ("split", "images")),
        _table(dict(sorted(cats.items())), ("category", "visible objects")),
        "## Layout",
        "`samples/<n>/` (image, annotations.json, depth, instance ids, overlay, scene.yaml), "
        "`coco/instances_<split>.json`, `yolo/`, `crowd/`, `vehicles/`, `metadata.parquet`, "
        "`splits/<split>.txt`; see docs/datasets.md in twinflash.",
        "## Histograms",
        "![histograms](card/histograms.png)",
        "## Contact sheet (image | annotations overlay)",
        "![contact sheet](card/contact_sheet.png)" if sheet else "(no samples)",
    ]
    if failures:
        parts += [
            "## Failed samples",
            _table(
                {str(f["index"]): f["error"].replace("|", "\\|") for f in failures},
                ("sample", "error"),
            ),
        ]
    parts += ["## Plan", "```yaml", yaml.safe_dump(plan_dict, sort_keys=False).rstrip(), "```"]
    readme = root / "README.md"
    atomic_write_text(readme, "\n\n".join(parts) + "\n")
    return readme
