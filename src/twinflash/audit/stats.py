"""Bootstrap intervals by resampling images, slice-vs-rest gaps, multiple-testing correction.

Every metric is a ratio of sums over units (objects or images): recall = matched / people,
MAE = sum |error| / images, accuracy = correct / vehicles... so one bootstrap replicate is
a vector of image weights (how often each image was drawn) and every slice's numerator
and denominator are one matrix product away. Resampling images, not objects, keeps the
people of one picture together: they share its light, weather and camera, and treating
them as independent would make intervals too narrow.

The gap of a slice is its metric minus the metric of all other units, both from the same
replicate. Its p-value is two-sided, from the gap over its bootstrap standard error
against Student's t with (images - 1) degrees of freedom, the smaller side's (its
calibration is checked against planted nulls in the tests). The family of slices is
corrected by Holm (family-wise error) or Benjamini-Hochberg (false discovery rate).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np


@dataclass
class SliceStats:
    """Arrays over slices (S,); NaN where a slice (or its rest) has no unit."""

    value: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    rest: np.ndarray
    gap: np.ndarray
    gap_lo: np.ndarray
    gap_hi: np.ndarray
    p: np.ndarray
    n_units: np.ndarray
    n_images: np.ndarray
    n_rest: np.ndarray  # units in the rest


def bootstrap_weights(n_images: int, n_boot: int, seed: int) -> np.ndarray:
    """(B, n) float32 counts: how many times each image is drawn in each replicate."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_images, size=(n_boot, n_images))
    flat = (draws + (np.arange(n_boot) * n_images)[:, None]).ravel()
    counts = np.bincount(flat, minlength=n_boot * n_images)
    return counts.reshape(n_boot, n_images).astype(np.float32)


def per_image_sums(
    unit_image: np.ndarray, values: np.ndarray, masks: np.ndarray, n_images: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n_images, S) sums of `values` and counts of units in each slice, per image.

    `masks`: (n_units, S) bool, unit u in slice s.
    """
    masks = np.asarray(masks, dtype=bool).reshape(len(unit_image), -1)
    n_slices = masks.shape[1]
    num = np.zeros((n_images, n_slices))
    den = np.zeros((n_images, n_slices))
    for s in range(n_slices):
        m = masks[:, s]
        num[:, s] = np.bincount(unit_image[m], weights=values[m], minlength=n_images)
        den[:, s] = np.bincount(unit_image[m], minlength=n_images)
    return num, den


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def slice_stats(
    unit_image: np.ndarray,
    values: np.ndarray,
    masks: np.ndarray,
    weights: np.ndarray,
    transform: str = "identity",
    confidence: float = 0.95,
    rest_masks: np.ndarray | None = None,
) -> SliceStats:
    """Metric, interval, gap to the rest, gap interval and p-value of every slice.

    The rest of slice s is every other unit, or the units of `rest_masks[:, s]` when
    given (a crossing is compared within its first factor: night & dark skin against
    night & other skin tones). `transform="sqrt"` turns a mean of squares into an RMSE.
    """
    unit_image = np.asarray(unit_image, dtype=int)
    values = np.asarray(values, dtype=float)
    n_images = weights.shape[1]
    num, den = per_image_sums(unit_image, values, masks, n_images)
    if rest_masks is None:
        tot_num = np.bincount(unit_image, weights=values, minlength=n_images)
        tot_den = np.bincount(unit_image, minlength=n_images).astype(float)
        r_num, r_den = tot_num[:, None] - num, tot_den[:, None] - den
    else:
        r_num, r_den = per_image_sums(unit_image, values, rest_masks, n_images)
    f = np.sqrt if transform == "sqrt" else (lambda x: x)

    value = f(_ratio(num.sum(0), den.sum(0)))
    rest = f(_ratio(r_num.sum(0), r_den.sum(0)))
    w = weights.astype(np.float64)
    b_in = f(_ratio(w @ num, w @ den))
    b_rest = f(_ratio(w @ r_num, w @ r_den))
    b_gap = b_in - b_rest
    a = (1 - confidence) / 2 * 100
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an empty slice is reported as such
        lo, hi = np.nanpercentile(b_in, [a, 100 - a], axis=0)
        gap_lo, gap_hi = np.nanpercentile(b_gap, [a, 100 - a], axis=0)
        se = np.nanstd(b_gap, axis=0, ddof=1)
    gap = value - rest
    df = np.minimum((den > 0).sum(0), (r_den > 0).sum(0)) - 1
    p = two_sided_p(gap, se, df)
    return SliceStats(
        value=value,
        lo=lo,
        hi=hi,
        rest=rest,
        gap=gap,
        gap_lo=gap_lo,
        gap_hi=gap_hi,
        p=p,
        n_units=den.sum(0).astype(int),
        n_images=(den > 0).sum(0).astype(int),
        n_rest=r_den.sum(0).astype(int),
    )


def two_sided_p(gap: np.ndarray, se: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p of gap/se against Student's t with `df` degrees of freedom: the images
    (not the objects) are the independent draws, and with few images in a slice the
    normal approximation flags too often (checked in the tests)."""
    from scipy.stats import t as student_t

    gap, se = np.asarray(gap, float), np.asarray(se, float)
    df = np.maximum(np.asarray(df, float), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.abs(gap) / se
    p = 2 * student_t.sf(z, df)
    p = np.where(se == 0, np.where(gap == 0, 1.0, 0.0), p)
    return np.where(np.isfinite(gap) & np.isfinite(se), p, np.nan)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (NaN entries are not in the family)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if not m:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out[order] = adj
    return out


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values; NaN entries are not in the family)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if not m:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out[order] = np.minimum(adj, 1.0)
    return out


CORRECTIONS = {"holm": holm, "bh": benjamini_hochberg}
