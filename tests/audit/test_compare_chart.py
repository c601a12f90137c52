"""The comparison chart: a PNG that decodes, one row per shared slice (up to a cap, the
slices a gap check is about kept first), labels that say which bins were paired."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from audit.conftest import report_row as _row
from audit.conftest import report_side as side
from twinflash.audit.compare import compare
from twinflash.audit.compare_chart import chart_rows, comparison_png, slice_label


def _comparison(tmp_path: Path, n: int, significant: int = 1):
    rows_a = [
        _row(
            "c",
            f"v{k}",
            0.1 + 0.01 * k,
            -0.2 if k < significant else 0.0,
            "significantly worse" if k < significant else "x",
        )
        for k in range(n)
    ]
    rows_b = [_row("c", f"v{k}", 0.2 + 0.01 * k, -0.1) for k in range(n)]
    return compare(side(tmp_path, "a", rows_a), side(tmp_path, "b", rows_b))


def _decode(png: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def test_the_png_grows_with_the_slices_and_has_both_colours(tmp_path: Path) -> None:
    small = _decode(comparison_png(_comparison(tmp_path, 3)))
    big = _decode(comparison_png(_comparison(tmp_path, 12)))
    assert small.shape[1] == big.shape[1] == 950  # 9.5 in at 100 dpi
    assert big.shape[0] - small.shape[0] == pytest.approx(9 * 30, abs=2)  # 0.3 in per row
    b, g, r = (big[..., k].astype(int) for k in range(3))
    blue = (abs(r - 0x1F) < 30) & (abs(g - 0x5F) < 30) & (abs(b - 0xA8) < 30)
    orange = (abs(r - 0xE0) < 30) & (abs(g - 0x7B) < 30) & (b < 40)
    assert blue.sum() > 100 and orange.sum() > 100


def test_a_capped_chart_keeps_the_checked_slices(tmp_path: Path) -> None:
    c = _comparison(tmp_path, 12, significant=0)
    c.gaps.extend(
        g for g in _comparison(tmp_path, 12, significant=12).gaps if g.label in ("v9", "v11")
    )
    rows = chart_rows(c, max_rows=4)
    assert [s.label for s in rows] == ["v0", "v1", "v9", "v11"]  # checked ones, in order
    assert len(chart_rows(c, max_rows=40)) == 12
    assert _decode(comparison_png(c, max_rows=4)).shape[0] < 400


def test_labels_name_both_bins_when_paired_by_rank(tmp_path: Path) -> None:
    a = side(tmp_path, "a", [_row("distance_m", "[1, 4)", 0.8), _row("distance_m", "[4, 9]", 0.4)])
    b = side(tmp_path, "b", [_row("distance_m", "[2, 5)", 0.7), _row("distance_m", "[5, 8]", 0.5)])
    c = compare(a, b)
    assert [slice_label(s) for s in c.shared] == [
        "distance_m = [1, 4) ~ [2, 5)",
        "distance_m = [4, 9] ~ [5, 8]",
    ]
    assert slice_label(c.shared[0], width=12) == "distance_m …"
    assert len(slice_label(c.shared[0], width=12)) == 12
