"""Does the twin predict reality? Two audits of one model, side by side.

The inputs are two `report.json` files of `twinflash audit` (synthetic data, real photos):
the contract is the report, so the real audit may come from any COCO file with whatever
columns it has. A slice is shared when both reports hold it under the same column and
label; named bins (box height, visibility, skin tone, sun elevation) match by construction.
Quantile bins follow each dataset's values, so their labels differ: when both sides cut a
column into the same number of quantile bins, the bins are paired by rank and marked so.

Only the primary metric is compared (the one each audit tests slice by slice). Each side
keeps its own significance (its own correction over its own family): the comparison asks
whether a significant synthetic gap shows the same sign on the real photos, and whether
the real audit finds it significant too.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from twinflash.audit.compare_side import Side, SideRow, load_side
from twinflash.errors import InputError

COMPARE_SCHEMA_VERSION = 1
MIN_RANK_SLICES = 5  # fewer slices make a rank correlation meaningless
_QUANTILE = re.compile(r"^\[(-?[0-9.e+-]+|-?inf), (-?[0-9.e+-]+|-?inf)[)\]]$")


@dataclass(frozen=True)
class SharedSlice:
    """A slice both audits hold, with each side's figures."""

    column: str
    label: str  # the synthetic side's label
    real_label: str  # equal to `label` unless matched by quantile rank
    matched_by: str  # "label" or "quantile rank"
    compared_with: str
    synthetic: SideRow
    real: SideRow


@dataclass(frozen=True)
class GapCheck:
    """A significant gap of one side, and what the other side says of the same slice."""

    column: str
    label: str
    gap: float | None  # of the side that found it
    other_gap: float | None
    other_gap_lo: float | None
    other_gap_hi: float | None
    other_status: str
    same_sign: bool | None  # None: the other side has no gap
    outcome: str


@dataclass(frozen=True)
class RankAgreement:
    """Spearman and Kendall correlation of the metric across shared slices."""

    slices: int
    spearman: float | None
    spearman_p: float | None
    kendall: float | None
    kendall_p: float | None
    note: str


@dataclass
class Comparison:
    """Everything compare.json and compare.html show."""

    synthetic: Side
    real: Side
    shared: list[SharedSlice]
    only_synthetic: list[tuple[str, str]]
    only_real: list[tuple[str, str]]
    rank: RankAgreement
    gaps: list[GapCheck]  # each significant synthetic gap, checked on the real photos
    missed: list[GapCheck]  # significant real gaps that the twin did not find
    caveats: list[str]
    verdict_level: str  # "good", "mixed", "poor" or "undetermined"
    verdict: str

    # `compare` refuses two sides of another task or metric: the synthetic side speaks for both
    @property
    def task(self) -> str:
        return self.synthetic.task

    @property
    def metric(self) -> str:
        return self.synthetic.metric

    @property
    def metric_title(self) -> str:
        return self.synthetic.metric_title

    @property
    def higher_is_better(self) -> bool:
        return self.synthetic.higher_is_better

    def to_json(self) -> dict[str, Any]:
        def row(r: SideRow) -> dict[str, Any]:
            return asdict(r)

        return {
            "schema_version": COMPARE_SCHEMA_VERSION,
            "task": self.task,
            "metric": self.metric,
            "metric_title": self.metric_title,
            "higher_is_better": self.higher_is_better,
            "verdict_level": self.verdict_level,
            "verdict": self.verdict,
            "caveats": list(self.caveats),
            "synthetic": self.synthetic.info(),
            "real": self.real.info(),
            "rank_agreement": asdict(self.rank),
            "gaps": [asdict(g) for g in self.gaps],
            "missed_by_twin": [asdict(g) for g in self.missed],
            "shared": [
                {
                    "column": s.column,
                    "label": s.label,
                    "real_label": s.real_label,
                    "matched_by": s.matched_by,
                    "compared_with": s.compared_with,
                    "synthetic": row(s.synthetic),
                    "real": row(s.real),
                }
                for s in self.shared
            ],
            "only_synthetic": [{"column": c, "label": lb} for c, lb in self.only_synthetic],
            "only_real": [{"column": c, "label": lb} for c, lb in self.only_real],
        }


def _quantile_range(label: str) -> float | None:
    """The lower edge of a quantile bin's label `[a, b)`, None for any other label."""
    m = _QUANTILE.match(label)
    return float(m.group(1)) if m else None


def match_slices(
    synthetic: dict[tuple[str, str], SideRow], real: dict[tuple[str, str], SideRow]
) -> tuple[list[tuple[str, SideRow, SideRow, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(column, synthetic row, real row, how matched) of shared slices, then the keys of
    each side's slices that have no partner. Same label first; then quantile bins of one
    column, when both sides have the same number of them, paired in order."""
    shared = [
        (c, synthetic[(c, lb)], real[(c, lb)], "label") for c, lb in synthetic if (c, lb) in real
    ]
    left = [k for k in synthetic if k not in real]
    right = [k for k in real if k not in synthetic]
    for column in dict.fromkeys(c for c, _ in left):
        if " x " in column:
            continue  # a crossing's quantile bins are not paired
        a = [k for k in left if k[0] == column]
        b = [k for k in right if k[0] == column]
        edges_a = [_quantile_range(lb) for _, lb in a]
        edges_b = [_quantile_range(lb) for _, lb in b]
        if len(a) != len(b) or len(a) < 2 or None in edges_a or None in edges_b:
            continue
        a = [k for _, k in sorted(zip(edges_a, a, strict=True))]
        b = [k for _, k in sorted(zip(edges_b, b, strict=True))]
        for ka, kb in zip(a, b, strict=True):
            shared.append((column, synthetic[ka], real[kb], "quantile rank"))
            left.remove(ka)
            right.remove(kb)
    return shared, left, right


def rank_agreement(shared: list[SharedSlice]) -> RankAgreement:
    """Spearman's rho and Kendall's tau of the metric across the shared slices that have
    enough support on both sides (an unsupported slice's value is mostly noise)."""
    from scipy import stats

    pairs = [
        (s.synthetic.value, s.real.value)
        for s in shared
        if s.synthetic.enough_support
        and s.real.enough_support
        and s.synthetic.value is not None
        and s.real.value is not None
    ]
    n = len(pairs)
    if n < MIN_RANK_SLICES:
        return RankAgreement(
            n,
            None,
            None,
            None,
            None,
            f"too few slices with enough support on both sides ({n}; a rank correlation "
            f"needs at least {MIN_RANK_SLICES})",
        )
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    if len(set(x)) < 2 or len(set(y)) < 2:
        return RankAgreement(
            n, None, None, None, None, "the metric is the same on every slice of one side"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rho = stats.spearmanr(x, y)
        tau = stats.kendalltau(x, y)
    return RankAgreement(
        n,
        _finite(rho.statistic),
        _finite(rho.pvalue),
        _finite(tau.statistic),
        _finite(tau.pvalue),
        f"across {n} slices with enough support on both sides",
    )


def _finite(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def check_gap(column: str, found: SideRow, other: SideRow) -> GapCheck:
    """What the other side says of one side's significant gap."""
    same: bool | None = None
    if found.gap is None or other.gap is None:
        outcome = "no estimate on the other side"
    elif other.gap == 0 or found.gap == 0:
        outcome = "no gap on the other side"
    else:
        same = (found.gap > 0) == (other.gap > 0)
        if same and other.significant:
            outcome = "confirmed"
        elif same and other.enough_support:
            outcome = "same sign, not significant"
        elif same:
            outcome = "same sign, too few to test"
        elif other.significant:
            outcome = "contradicted"
        else:
            outcome = "opposite sign"
    return GapCheck(
        column,
        found.label,
        found.gap,
        other.gap,
        other.gap_lo,
        other.gap_hi,
        other.status,
        same,
        outcome,
    )


def _caveats(syn: Side, real: Side) -> list[str]:
    """Settings that differ between the audits and change what the metric means."""
    out = []
    for key in ("score_threshold", "min_height_px", "min_visibility", "alpha", "correction"):
        a, b = syn.settings.get(key), real.settings.get(key)
        if a != b:
            out.append(f"{key} differs: {a} (synthetic) vs {b} (real)")
    return out


def _verdict(
    gaps: list[GapCheck], rank: RankAgreement, alpha: float, title: str
) -> tuple[str, str]:
    """(level, one line) of how well the twin predicts reality."""
    n = len(gaps)
    same = sum(g.same_sign is True for g in gaps)
    confirmed = sum(g.outcome == "confirmed" for g in gaps)
    contradicted = sum(g.outcome == "contradicted" for g in gaps)
    opposite = sum(g.same_sign is False for g in gaps)
    rho, p = rank.spearman, rank.spearman_p
    rank_sure = rho is not None and p is not None and p < alpha
    rank_ok = rank_sure and rho is not None and rho >= 0.5
    rank_bad = rank_sure and rho is not None and rho < 0
    if contradicted or rank_bad or (n and opposite * 2 > n):
        level = "poor"
    elif n == 0 and rank.spearman is None:
        level = "undetermined"
    elif opposite == 0 and (rank_ok if rho is not None else confirmed * 2 >= n):
        level = "good"  # no sign against, and the ranks agree (or, unranked, most confirmed)
    else:
        level = "mixed"
    words = {
        "good": "The twin predicts the real photos well",
        "mixed": "The twin predicts the real photos in part",
        "poor": "The twin does not predict the real photos",
        "undetermined": "Nothing to judge the twin by",
    }[level]
    columns = len({g.column for g in gaps})
    parameters = f"{columns} parameter" + ("s" if columns > 1 else "")
    gap_text = (
        f"{same} of {n} significant synthetic gaps in {title} (on {parameters}) "
        f"have the same sign on real photos ({confirmed} significant there too, "
        f"{contradicted} significantly opposite)"
        if n
        else f"no significant synthetic gap in {title} on a shared slice"
    )
    if rank.spearman is None:
        rank_text = f"rank agreement: {rank.note}"
    else:
        p_text = "p n/a" if p is None else "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        rank_text = f"Spearman rank agreement {rank.spearman:+.2f} ({p_text}, {rank.slices} slices)"
    return level, f"{words}: {gap_text}; {rank_text}."


def compare(synthetic: Side, real: Side) -> Comparison:
    """The comparison of two audits of the same task and metric; InputError otherwise."""
    if synthetic.task != real.task:
        raise InputError(
            f"{real.path}: task {real.task!r}, but {synthetic.path} audits {synthetic.task!r}: "
            "compare audits of the same task"
        )
    if synthetic.category != real.category:
        raise InputError(
            f"{real.path}: settings.category {real.category!r}, but {synthetic.path} audits "
            f"{synthetic.category!r}"
        )
    if synthetic.metric != real.metric:
        raise InputError(
            f"{real.path}: primary metric {real.metric!r}, but {synthetic.path} tests "
            f"{synthetic.metric!r}"
        )
    pairs, only_syn, only_real = match_slices(synthetic.rows, real.rows)
    if not pairs:
        raise InputError(
            f"{real.path}: no slice in common with {synthetic.path} "
            f"({len(synthetic.rows)} and {len(real.rows)} slices): audit both on shared "
            "columns (box_height_px is in every COCO file; others need `metadata`)"
        )
    shared = [
        SharedSlice(column, s.label, r.label, how, s.compared_with, s, r)
        for column, s, r, how in pairs
    ]
    rank = rank_agreement(shared)
    gaps = [check_gap(x.column, x.synthetic, x.real) for x in shared if x.synthetic.significant]
    missed = [
        check_gap(x.column, x.real, x.synthetic)
        for x in shared
        if x.real.significant and not x.synthetic.significant
    ]
    level, line = _verdict(gaps, rank, synthetic.alpha, synthetic.metric_title)
    return Comparison(
        synthetic=synthetic,
        real=real,
        shared=shared,
        only_synthetic=only_syn,
        only_real=only_real,
        rank=rank,
        gaps=gaps,
        missed=missed,
        caveats=_caveats(synthetic, real),
        verdict_level=level,
        verdict=line,
    )


def compare_reports(synthetic: str | Path, real: str | Path) -> Comparison:
    """Load both reports and compare them."""
    return compare(load_side(synthetic), load_side(real))
