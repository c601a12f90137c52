"""The confident threshold: as low as the target error allows, on readings of known truth."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.plate_calibration import (
    NEVER,
    choose_threshold,
    error_upper_bound,
    fit_threshold,
)


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
