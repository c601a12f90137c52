"""The confident threshold: as low as the target error allows, on readings of known truth."""

from __future__ import annotations

from dataclasses import astuple, replace
from pathlib import Path

import numpy as np
import pytest

from twinflash.privacy.plate_calibration import (
    BOX_GAP_GATES,
    BOX_WIDTH_GATE,
    GAP_GATE,
    NEVER,
    NO_FIT_GATE,
    NO_GAP_GATE,
    WIDTH_GATE,
    Calibration,
    Evidence,
    calibrate,
    choose_threshold,
    error_upper_bound,
    fit_threshold,
    load_calibrations,
    save_calibrations,
)
from twinflash.privacy.plate_layout import NO_LAYOUT
from twinflash.privacy.plate_ocr import calibrations


def test_threshold_sits_above_the_surest_wrong_reading_when_none_may_pass() -> None:
    probs = [0.99, 0.98, 0.97, 0.9, 0.8, 0.5]
    right = [True, True, True, False, True, False]
    cal = choose_threshold(probs, right, target_error=0.1)
    assert cal.threshold == 0.97 and cal.n_confident == 3 and cal.n_wrong_confident == 0


def test_a_target_allowing_one_error_in_ten_lets_it_in_with_enough_right_ones() -> None:
    probs = [1.0 - i / 100 for i in range(20)]
    right = [True] * 20
    right[3] = False  # one wrong among the 20 surest: 1/20 <= 0.1
    cal = choose_threshold(probs, right, target_error=0.1)
    assert cal.n_confident == 20 and cal.n_wrong_confident == 1


def test_ties_are_all_in_or_all_out() -> None:
    cal = choose_threshold([0.9, 0.9, 0.5], [True, False, True], target_error=0.1)
    assert cal.threshold == NEVER and cal.n_confident == 0


def test_bad_inputs_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="`probabilities`"):
        choose_threshold([0.5], [True, False])
    with pytest.raises(ValueError, match="`target_error`"):
        choose_threshold([0.5], [True], target_error=0)


def test_upper_bound_of_no_error_is_the_rule_of_three() -> None:
    assert error_upper_bound(0, 3000) == pytest.approx(3 / 3000, rel=0.01)
    assert error_upper_bound(5, 5) == 1.0


def test_the_fitted_threshold_is_above_the_empirical_one_when_errors_thin_out() -> None:
    """Wrong readings whose chance falls smoothly with the probability: counting the few
    wrongest cuts too low, the fit sees the tail and cuts higher."""
    rng = np.random.default_rng(0)
    logit = rng.normal(2.5, 2.0, 3000)
    probs = 1 / (1 + np.exp(-logit))
    wrong = rng.random(3000) < 1 / (1 + np.exp(1.2 * logit))  # P(wrong) = sigmoid(-1.2 x)
    empirical = choose_threshold(probs, ~wrong)
    fitted = fit_threshold(probs, ~wrong)
    assert fitted.threshold >= empirical.threshold
    # by the true model, the readings above the fitted cut are wrong < 0.15% of the time
    above = logit[probs >= fitted.threshold]
    assert len(above) > 100
    assert (1 / (1 + np.exp(1.2 * above))).mean() < 1.5e-3


def test_no_threshold_without_any_wrong_reading_to_learn_from() -> None:
    assert fit_threshold([0.9, 0.95], [True, True]).threshold == NEVER


def _readings(n_right: int, n_sure_wrong: int) -> tuple[list[Evidence], list[bool]]:
    """Right readings spread over probabilities, with path agreement; wrong ones mostly
    unsure, plus `n_sure_wrong` at probability 0.999 whose crops' best paths mostly agree
    (0.8, above the always-on agreement gate) but fit the frames badly."""
    rng = np.random.default_rng(1)
    ev, ok = [], []
    for p in 1 - rng.beta(1, 30, n_right):
        ev.append(Evidence(float(p), 1.0, -0.1, 0.0))
        ok.append(True)
    for p in rng.uniform(0.2, 0.9, 200):
        ev.append(Evidence(float(p), float(rng.choice([0.0, 0.6, 1.0])), -2.0, 0.0))
        ok.append(False)
    ev += [Evidence(0.999, 0.8, -4.0, 0.0)] * n_sure_wrong  # past the always-on gates
    ok += [False] * n_sure_wrong
    return ev, ok


def test_gates_keep_out_sure_readings_the_crops_disagree_on() -> None:
    ev, ok = _readings(2000, 5)
    plain = fit_threshold([e.probability for e in ev], ok)
    gated = calibrate(ev, ok)
    assert gated.min_agreement > 0.8 or gated.min_fit > -4.0  # a gate the search chose
    assert gated.n_confident > plain.n_confident
    confident = [o for e, o in zip(ev, ok, strict=True) if gated.passes(*astuple(e))]
    assert len(confident) == gated.n_confident
    assert confident.count(False) <= 1e-3 * len(confident)
    assert not gated.passes(*astuple(ev[-1]))  # the sure readings the crops disagree on


def test_the_height_gate_keeps_out_small_plates_misread_with_one_voice() -> None:
    """Small plates (text line 6-9 px) wrong at 0.999 with every crop agreeing and a good
    fit: only their height tells them apart, so the rule gates on height above 9 px and
    with it calls more readings confident than any rule without it could."""
    ev, ok = _readings(3000, 0)
    ev = [Evidence(e.probability, e.agreement, e.fit, e.hidden, 30.0) for e in ev]
    small = [Evidence(0.999, 1.0, -0.1, 0.0, h) for h in np.linspace(6, 9, 12)]
    gated = calibrate(ev + small, ok + [False] * len(small))
    assert 9.0 < gated.min_height_px <= 30.0
    assert not any(gated.passes(*astuple(e)) for e in small)
    assert gated.n_confident > 1000 and gated.n_wrong_confident <= 1e-3 * gated.n_confident
    assert gated.passes(0.9999, 1.0, -0.1, 0.0, 30.0, 0.1, 200.0, False)


def test_calibrations_round_trip_and_bad_files_are_named(tmp_path: Path) -> None:
    rules = {"SIV": Calibration(0.97, 1e-3, 10, 5, 0, 0.6, -1.5, 0.03, 11.0)}
    path = tmp_path / "c.json"
    save_calibrations(path, rules)
    assert load_calibrations(path.read_text(), "c.json") == rules
    with pytest.raises(ValueError, match=r"c\.json: not a plate calibration: schema_version"):
        load_calibrations('{"schema_version": 1, "by_format": {}}', "c.json")
    with pytest.raises(ValueError, match=r"c\.json: not a plate calibration"):
        load_calibrations('{"schema_version": 4, "by_format": {"SIV": {"x": 1}}}', "c.json")
    old = '{"schema_version": 4, "by_format": {"SIV": {"threshold": 0.9}}}'  # no box vetoes
    with pytest.raises(ValueError, match=r"^c\.json: not a plate calibration: schema_version 4"):
        load_calibrations(old, "c.json")


def test_the_gap_and_width_gates_hold_out_what_they_should() -> None:
    """Hand-built readings past every other gate: an FNI plate whose characters stray 0.64
    character heights from the layout (two digits washed out), a text line 41 px wide (a
    small plate turned 40°) are not confident; the same reading laid out right and wide
    enough is."""
    rule = Calibration(0.95, 1e-3, 10, 5, 0, 0.6, NO_FIT_GATE, 0.03, 8.0, 0.3, 55.0)
    normal = Evidence(0.999, 1.0, -0.1, 0.0, 20.0, 0.15, 120.0)
    assert rule.passes(*astuple(normal))
    assert not rule.passes(*astuple(replace(normal, gap=0.64)))
    assert not rule.passes(*astuple(replace(normal, width_px=41.0)))
    assert not rule.passes(*astuple(replace(normal, gap=NO_LAYOUT)))  # no crop placed them


def test_box_readings_have_their_own_gap_veto() -> None:
    """From a box the crops are placed on the plate by the box, without perspective, so
    right readings of turned plates stray more than from corners: a box reading has its own
    veto. An FNI plate that lost digits (development photo 878 of seed 4, 98 E 29 for
    9819 E 29: 0.70 from its box) fails it; a right reading of a plate turned 30° straying
    0.40 passes it but would fail the corners veto."""
    rule = Calibration(
        0.95, 1e-3, 10, 5, 0, 0.6, NO_FIT_GATE, 0.03, 8.0, GAP_GATE, 55.0, 0.45, 55.0
    )
    turned = Evidence(0.999, 1.0, -0.1, 0.0, 20.0, 0.40, 120.0, boxed=True)
    assert rule.passes(*astuple(turned))
    assert not rule.passes(*astuple(replace(turned, boxed=False)))  # corners: 0.32
    assert not rule.passes(*astuple(replace(turned, gap=0.70)))  # lost digits
    assert not rule.passes(*astuple(replace(turned, width_px=41.0)))


def test_the_vetoes_come_after_the_fit_and_only_remove() -> None:
    """The gap and width vetoes do not move the fitted gates and threshold; they hold out
    the sure readings that stray from their layout, and the counts say so."""
    ev, ok = _readings(2000, 5)
    plain = calibrate(ev, ok, max_gap=NO_GAP_GATE, min_width_px=0.0)
    stray = [replace(e, gap=0.64) if i % 10 == 0 else e for i, e in enumerate(ev)]
    vetoed = calibrate(stray, ok)
    assert (vetoed.threshold, vetoed.min_agreement) == (plain.threshold, plain.min_agreement)
    assert (vetoed.max_gap, vetoed.min_width_px) == (GAP_GATE, WIDTH_GATE)
    held_out = sum(e.gap > GAP_GATE and plain.passes(*astuple(e)) for e in stray)
    assert held_out > 0 and vetoed.n_confident == plain.n_confident - held_out


def test_the_shipped_rules_were_calibrated_for_both_formats() -> None:
    """SIV and FNI both have a rule that some readings pass, fitted at the 1/1,000 target,
    with the gap and width vetoes on."""
    rules = calibrations()
    assert set(rules) == {"SIV", "FNI"}
    for rule in rules.values():
        assert rule.target_error == 1e-3 and rule.threshold < NEVER and rule.n_confident > 0
        assert (rule.max_gap, rule.min_width_px) == (GAP_GATE, WIDTH_GATE)
        assert rule.box_min_width_px == BOX_WIDTH_GATE
    for group, rule in rules.items():
        assert rule.box_max_gap == BOX_GAP_GATES[group]
    assert rules["FNI"].box_max_gap < 0.47  # the development set's lost digits from a box
