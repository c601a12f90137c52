"""The comparison's picture: the metric per shared slice, synthetic above real, each with
its 95 % interval (a dumbbell/forest plot), labels coloured by what the real photos say of
a significant synthetic gap. matplotlib is imported only when a chart is drawn."""

from __future__ import annotations

import io

from twinflash.audit.compare import Comparison, SharedSlice

SYNTHETIC_COLOUR = "#1f5fa8"
REAL_COLOUR = "#e07b00"
OUTCOME_COLOURS = {
    "confirmed": "#2e7d32",
    "same sign, not significant": "#2e7d32",
    "same sign, too few to test": "#2e7d32",
    "opposite sign": "#c62828",
    "contradicted": "#c62828",
}


def slice_label(s: SharedSlice, width: int = 60) -> str:
    """`column = label`, both bins when they were paired by quantile rank."""
    label = s.label if s.matched_by == "label" else f"{s.label} ~ {s.real_label}"
    text = f"{s.column} = {label}"
    return text if len(text) <= width else text[: width - 1] + "…"


def chart_rows(c: Comparison, max_rows: int) -> list[SharedSlice]:
    """The slices to draw, in the comparison's order: all of them up to `max_rows`, else
    those a gap check is about first, then the others, as many as fit."""
    if len(c.shared) <= max_rows:
        return list(c.shared)
    checked = {(g.column, g.label) for g in c.gaps} | {(g.column, g.label) for g in c.missed}

    def about(s: SharedSlice) -> bool:
        return (s.column, s.label) in checked or (s.column, s.real_label) in checked

    keep = [s for s in c.shared if about(s)][:max_rows]
    keep += [s for s in c.shared if not about(s)][: max_rows - len(keep)]
    chosen = {id(s) for s in keep}
    return [s for s in c.shared if id(s) in chosen]


def _err(value: float | None, lo: float | None, hi: float | None) -> tuple[float, float]:
    if value is None or lo is None or hi is None:
        return 0.0, 0.0
    return max(value - lo, 0.0), max(hi - value, 0.0)


def comparison_png(c: Comparison, max_rows: int = 40, dpi: int = 100) -> bytes:
    """The chart as PNG bytes (Agg backend, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = chart_rows(c, max_rows)
    outcome = {(g.column, g.label): g.outcome for g in c.gaps}
    n = len(rows)
    fig, ax = plt.subplots(figsize=(9.5, 1.6 + 0.3 * n), dpi=dpi)
    try:
        for k, s in enumerate(rows):
            y = n - 1 - k
            for side, row, dy, marker, colour in (
                ("synthetic", s.synthetic, 0.16, "o", SYNTHETIC_COLOUR),
                ("real", s.real, -0.16, "s", REAL_COLOUR),
            ):
                if row.value is None:
                    continue
                lo, hi = _err(row.value, row.lo, row.hi)
                hollow = not row.enough_support
                ax.errorbar(
                    row.value,
                    y + dy,
                    xerr=[[lo], [hi]],
                    fmt=marker,
                    color=colour,
                    markerfacecolor="white" if hollow else colour,
                    markersize=5,
                    capsize=2,
                    lw=1.4,
                    label=side if k == 0 else None,
                )
        for k in range(1, n):  # a thin rule between parameters
            if rows[k].column != rows[k - 1].column:
                ax.axhline(n - k - 0.5, color="#bbbbbb", lw=0.6)
        for value, colour in (
            (c.synthetic.overall, SYNTHETIC_COLOUR),
            (c.real.overall, REAL_COLOUR),
        ):
            if value is not None:
                ax.axvline(value, color=colour, ls="--", lw=0.9, alpha=0.8)
        ax.set_yticks(range(n - 1, -1, -1))
        ax.set_yticklabels([slice_label(s) for s in rows], fontsize=8)
        for tick, s in zip(ax.get_yticklabels(), rows, strict=True):
            tick.set_color(OUTCOME_COLOURS.get(outcome.get((s.column, s.label), ""), "#222222"))
        ax.set_ylim(-0.7, n - 0.3)
        values = [
            v
            for s in rows
            for r in (s.synthetic, s.real)
            for v in (r.value, r.lo, r.hi)
            if v is not None
        ]
        if values and min(values) >= 0 and max(values) <= 1:
            ax.set_xlim(-0.02, 1.02)
        ax.grid(axis="x", color="#e3e3e3")
        ax.set_axisbelow(True)
        shown = "" if n == len(c.shared) else f" ({n} of {len(c.shared)} shared slices)"
        ax.set_title(
            f"{c.metric_title}: synthetic vs real, 95% intervals{shown}", fontsize=10, loc="left"
        )
        ax.set_xlabel(
            f"{c.metric_title} (dashed: overall; hollow: too few to test)\nlabel green / red: "
            "a significant synthetic gap with the same / opposite sign on the real photos",
            fontsize=8,
        )
        ax.legend(loc="best", fontsize=8, framealpha=0.9)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return buf.getvalue()
