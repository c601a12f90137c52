"""`compare`: two audits with planted effects. The twin and a "reality" that share the
night drop and the small-people drop agree; a reality where the night helps is flagged;
a reality with a drop the twin lacks shows it as missed. Bad reports: one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.conftest import report_dict as report
from audit.conftest import report_row as _row
from audit.conftest import report_side as side
from audit.conftest import write_json as write
from audit.conftest import write_planted_audit
from twinflash.audit.compare import (
    MIN_RANK_SLICES,
    compare,
    compare_reports,
    match_slices,
)
from twinflash.errors import InputError

BOTH = {"night_factor": 0.5, "small_factor": 0.6}


@pytest.fixture(scope="module")
def audits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The twin (night and small people drop), a reality with the same drops, one where
    the night helps (opposite sign), and a twin that plants the night drop only."""
    root = tmp_path_factory.mktemp("audits")
    return {
        "twin": write_planted_audit(root / "twin", 150, seed=1, **BOTH),
        "same": write_planted_audit(root / "same", 100, seed=2, **BOTH),
        "opposite": write_planted_audit(
            root / "opposite", 100, seed=2, p_detect=0.5, night_factor=1.6, small_factor=0.6
        ),
        "night_only": write_planted_audit(root / "night_only", 150, seed=4, night_factor=0.5),
    }


def _check(c: Any, column: str, label: str) -> Any:
    return next(g for g in c.gaps if (g.column, g.label) == (column, label))


def test_the_same_planted_drops_agree(audits: dict[str, Path]) -> None:
    c = compare_reports(audits["twin"], audits["same"])
    assert _check(c, "is_night", "True").outcome == "confirmed"
    assert _check(c, "box_height_px", "medium (30-80 px)").outcome == "confirmed"
    assert all(g.same_sign for g in c.gaps)
    assert {g.column for g in c.gaps} >= {"is_night", "box_height_px"}
    assert not {"placebo", "skin_tone", "weather_kind"} & {g.column for g in c.gaps}
    assert c.rank.slices >= 20 and c.rank.spearman is not None and c.rank.spearman > 0.7
    assert c.rank.spearman_p is not None and c.rank.spearman_p < 0.001
    assert c.rank.kendall is not None and c.rank.kendall > 0.5
    assert c.verdict_level == "good"
    assert c.verdict.startswith("The twin predicts the real photos well")
    assert c.missed == [] and c.only_synthetic == [] and c.only_real == []


def test_an_opposite_night_effect_is_flagged(audits: dict[str, Path]) -> None:
    c = compare_reports(audits["twin"], audits["opposite"])
    night = _check(c, "is_night", "True")
    assert night.outcome == "contradicted" and night.same_sign is False
    assert night.gap is not None and night.gap < 0
    assert night.other_gap is not None and night.other_gap_lo is not None
    assert night.other_gap_lo > 0  # the real photos: better at night
    assert _check(c, "box_height_px", "medium (30-80 px)").outcome == "confirmed"
    assert c.verdict_level == "poor"
    assert "significantly opposite" in c.verdict
    assert c.rank.spearman is not None and c.rank.spearman < 0.5


def test_a_real_drop_the_twin_lacks_is_missed(audits: dict[str, Path]) -> None:
    c = compare_reports(audits["night_only"], audits["same"])
    assert _check(c, "is_night", "True").outcome == "confirmed"
    missed = {(g.column, g.label) for g in c.missed}
    assert ("box_height_px", "medium (30-80 px)") in missed
    assert "box_height_px" not in {g.column for g in c.gaps}


def test_the_json_holds_both_sides_of_every_shared_slice(audits: dict[str, Path]) -> None:
    c = compare_reports(audits["twin"] / "report.json", audits["same"])
    data = json.loads(json.dumps(c.to_json()))
    row = next(s for s in data["shared"] if (s["column"], s["label"]) == ("is_night", "True"))
    real = json.loads((audits["same"] / "report.json").read_text())
    truth = next(
        r
        for r in real["analysis"]["slices"]
        if (r["metric"], r["column"], r["label"]) == ("recall", "is_night", "True")
    )
    assert row["real"]["value"] == truth["value"] and row["real"]["lo"] == truth["lo"]
    assert row["real"]["status"] == truth["status"] == "significantly worse"
    assert data["synthetic"]["images"] == 150 and data["real"]["images"] == 100
    assert data["metric"] == "recall" and data["verdict_level"] == "good"


# Hand-made reports: the matching, the rank agreement and the refusals.


def test_quantile_bins_pair_by_rank_and_the_rest_is_listed(tmp_path: Path) -> None:
    a = side(
        tmp_path,
        "a",
        [
            _row("distance_m", "[7, 9]", 0.2),
            _row("distance_m", "[1, 4)", 0.8),
            _row("distance_m", "[4, 7)", 0.5),
            _row("is_night", "True", 0.4),
            _row("age", "[1, 2)", 0.4),
            _row("age", "[2, 3]", 0.4),
        ],
    )
    b = side(
        tmp_path,
        "b",
        [
            _row("distance_m", "[1.5, 3)", 0.7),
            _row("distance_m", "[3, 8)", 0.6),
            _row("distance_m", "[8, 12]", 0.3),
            _row("box_height_px", "near (>=80 px)", 0.7),
            _row("age", "[1, 3]", 0.4),
        ],
    )
    shared, left, right = match_slices(a.rows, b.rows)
    pairs = [(s.label, r.label, how) for _, s, r, how in shared]
    assert pairs == [
        ("[1, 4)", "[1.5, 3)", "quantile rank"),
        ("[4, 7)", "[3, 8)", "quantile rank"),
        ("[7, 9]", "[8, 12]", "quantile rank"),
    ]
    assert left == [("is_night", "True"), ("age", "[1, 2)"), ("age", "[2, 3]")]
    assert right == [("box_height_px", "near (>=80 px)"), ("age", "[1, 3]")]
    c = compare(a, b)
    assert [s.matched_by for s in c.shared] == ["quantile rank"] * 3
    assert c.rank.spearman is None and f"needs at least {MIN_RANK_SLICES}" in c.rank.note
    assert c.verdict_level == "undetermined"


def test_rank_agreement_on_known_orders(tmp_path: Path) -> None:
    labels = [f"v{k}" for k in range(6)]
    a = side(tmp_path, "a", [_row("c", lb, 0.1 * k) for k, lb in enumerate(labels)])
    up = side(tmp_path, "up", [_row("c", lb, 0.3 + 0.05 * k) for k, lb in enumerate(labels)])
    down = side(tmp_path, "down", [_row("c", lb, 0.9 - 0.1 * k) for k, lb in enumerate(labels)])
    flat = side(tmp_path, "flat", [_row("c", lb, 0.5) for lb in labels])
    same = compare(a, up).rank
    assert same.spearman == pytest.approx(1.0) and same.kendall == pytest.approx(1.0)
    assert same.slices == 6 and same.spearman_p is not None and same.spearman_p < 0.01
    reverse = compare(a, down)
    assert reverse.rank.spearman == pytest.approx(-1.0)
    assert reverse.verdict_level == "poor"  # no gap to check, but the order is reversed
    assert compare(a, flat).rank.spearman is None
    assert "same on every slice" in compare(a, flat).rank.note


def test_unsupported_slices_stay_out_of_the_rank(tmp_path: Path) -> None:
    labels = [f"v{k}" for k in range(6)]
    rows = [_row("c", lb, 0.1 * k) for k, lb in enumerate(labels)]
    thin = [_row("c", lb, 0.1 * k, status="insufficient support") for k, lb in enumerate(labels)]
    rank = compare(side(tmp_path, "a", rows), side(tmp_path, "b", thin[:2] + rows[2:])).rank
    assert rank.slices == 4 and rank.spearman is None


@pytest.mark.parametrize(
    ("real_gap", "real_status", "outcome", "same"),
    [
        (-0.2, "significantly worse", "confirmed", True),
        (-0.1, "no significant gap", "same sign, not significant", True),
        (-0.1, "insufficient support", "same sign, too few to test", True),
        (0.1, "no significant gap", "opposite sign", False),
        (0.2, "significantly better", "contradicted", False),
        (0.0, "no significant gap", "no gap on the other side", None),
        (None, "insufficient support", "no estimate on the other side", None),
    ],
)
def test_gap_outcomes(
    tmp_path: Path, real_gap: float | None, real_status: str, outcome: str, same: bool | None
) -> None:
    a = side(tmp_path, "a", [_row("is_night", "True", 0.3, -0.3, "significantly worse")])
    real = _row("is_night", "True", 0.5, 0.0, real_status)
    real["gap"] = real_gap
    c = compare(a, side(tmp_path, "b", [real]))
    assert [(g.outcome, g.same_sign) for g in c.gaps] == [(outcome, same)]


def test_settings_that_change_the_metric_are_caveats(tmp_path: Path) -> None:
    rows = [_row("is_night", "True", 0.4)]
    a = side(tmp_path, "a", rows)
    b = side(tmp_path, "b", rows, min_height_px=50.0)
    assert compare(a, b).caveats == ["min_height_px differs: 20.0 (synthetic) vs 50.0 (real)"]
    assert compare(a, a).caveats == []


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (report([_row("c", "a", 0.5)], task="crowd-counting"), "compare audits of the same task"),
        (report([_row("c", "a", 0.5)], category="waste"), "settings.category 'waste'"),
        (report([_row("d", "a", 0.5)]), "no slice in common"),
    ],
)
def test_reports_that_cannot_be_compared(tmp_path: Path, other: dict, message: str) -> None:
    a = write(tmp_path / "a.json", report([_row("c", "a", 0.5)]))
    b = write(tmp_path / "b.json", other)
    with pytest.raises(InputError, match=message):
        compare_reports(a, b)


def test_different_primary_metrics_are_refused(tmp_path: Path) -> None:
    other = report([_row("c", "a", 0.5)])
    other["analysis"]["overall"] = {"mae": {**other["analysis"]["overall"]["recall"]}}
    a = write(tmp_path / "a.json", report([_row("c", "a", 0.5)]))
    with pytest.raises(InputError, match="primary metric 'mae'"):
        compare_reports(a, write(tmp_path / "b.json", other))


@pytest.mark.parametrize(
    ("real", "level"),
    [
        ([(-0.2, "significantly worse"), (-0.2, "significantly worse")], "good"),
        ([(-0.2, "significantly worse"), (-0.1, "no significant gap")], "good"),
        ([(-0.1, "no significant gap"), (-0.1, "no significant gap")], "mixed"),
        ([(-0.2, "significantly worse"), (0.1, "no significant gap")], "mixed"),
        ([(0.1, "no significant gap"), (0.1, "no significant gap")], "poor"),
        ([(-0.2, "significantly worse"), (0.2, "significantly better")], "poor"),
    ],
)
def test_verdict_levels_without_enough_slices_to_rank(
    tmp_path: Path, real: list[tuple[float, str]], level: str
) -> None:
    """Two significant synthetic drops; the real photos' gaps decide the verdict."""
    labels = ("night", "fog")
    a = side(tmp_path, "a", [_row("c", lb, 0.3, -0.3, "significantly worse") for lb in labels])
    b = side(
        tmp_path,
        "b",
        [_row("c", lb, 0.5, gap, status) for lb, (gap, status) in zip(labels, real, strict=True)],
    )
    c = compare(a, b)
    assert c.rank.spearman is None
    assert c.verdict_level == level
    if level == "good":
        assert "2 of 2 significant synthetic gaps" in c.verdict


def _counting_audit(root: Path, seed: int, missed_at_night: int) -> Path:
    """A counter that misses `missed_at_night` people in every night image (exact day)."""
    from audit.conftest import write_planted
    from twinflash.audit.analysis import AnalysisSettings
    from twinflash.audit.run import audit

    files = write_planted(root, 80, seed)
    gt = json.loads(files["gt"].read_text())
    night = {
        k + 1: line.split(",")[1] == "True"
        for k, line in enumerate(files["meta"].read_text().splitlines()[1:])
    }
    people = {img["id"]: 0 for img in gt["images"]}
    for ann in gt["annotations"]:
        people[ann["image_id"]] += 1
    counts = [{"image_id": i, "count": n - missed_at_night * night[i]} for i, n in people.items()]
    write(root / "counts.json", counts)
    audit(
        files["gt"],
        f"predictions:{root / 'counts.json'}",
        "crowd-counting",
        root / "report",
        metadata=files["meta"],
        analysis=AnalysisSettings(n_boot=200, min_support=10),
    )
    return root / "report"


def test_counting_audits_compare_on_their_error(tmp_path: Path) -> None:
    """Lower is better for MAE: the same night error on both sides is still confirmed."""
    twin = _counting_audit(tmp_path / "twin", 5, missed_at_night=2)
    c = compare_reports(twin, _counting_audit(tmp_path / "real", 6, missed_at_night=3))
    assert (c.task, c.metric, c.higher_is_better) == ("crowd-counting", "mae", False)
    night = _check(c, "is_night", "True")
    assert night.outcome == "confirmed" and night.gap is not None and night.gap > 0
    assert c.verdict_level == "good"
    honest = compare_reports(twin, _counting_audit(tmp_path / "honest", 6, missed_at_night=0))
    assert _check(honest, "is_night", "True").outcome == "no gap on the other side"
