"""Bootstrap statistics: hand-computed corrections and gaps, and the calibration of the
slice test against planted nulls (the false-flag rate must stay near its nominal level)."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.audit.stats import (
    benjamini_hochberg,
    bootstrap_weights,
    holm,
    slice_stats,
)


def test_holm_and_bh_hand_values() -> None:
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.005])
    # Holm, m=4: sorted 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> running max
    np.testing.assert_allclose(holm(p), [0.03, 0.06, 0.06, np.nan, 0.02])
    # BH, m=4: 0.005*4/1=0.02, 0.01*4/2=0.02, 0.03*4/3=0.04, 0.04*4/4=0.04 -> running min
    np.testing.assert_allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, np.nan, 0.02])
    assert np.isnan(holm(np.array([np.nan]))).all()


def test_bootstrap_weights_draw_n_images_per_replicate() -> None:
    w = bootstrap_weights(50, 40, seed=3)
    assert w.shape == (40, 50)
    np.testing.assert_array_equal(w.sum(1), 50)
    np.testing.assert_array_equal(w, bootstrap_weights(50, 40, seed=3))  # seeded
    assert not np.array_equal(w, bootstrap_weights(50, 40, seed=4))


def test_slice_value_gap_and_custom_reference() -> None:
    # 4 images, 2 units each; slice = units of images 0-1 (values 1,1,1,0) vs rest (0,0,1,0)
    unit_image = np.repeat(np.arange(4), 2)
    values = np.array([1, 1, 1, 0, 0, 0, 1, 0], float)
    in_slice = unit_image < 2
    ref = unit_image == 3  # compare with image 3 only (values 1, 0)
    st = slice_stats(
        unit_image,
        values,
        np.c_[in_slice, in_slice],
        bootstrap_weights(4, 200, 0),
        rest_masks=np.c_[~in_slice, ref],
    )
    np.testing.assert_allclose(st.value, [0.75, 0.75])
    np.testing.assert_allclose(st.rest, [0.25, 0.5])
    np.testing.assert_allclose(st.gap, [0.5, 0.25])
    np.testing.assert_array_equal(st.n_units, [4, 4])
    np.testing.assert_array_equal(st.n_rest, [4, 2])
    assert (st.lo <= st.value).all() and (st.value <= st.hi).all()


def test_rmse_transform() -> None:
    unit_image = np.arange(4)
    sq = np.array([1.0, 9.0, 4.0, 16.0])  # squared errors
    st = slice_stats(
        unit_image,
        sq,
        np.c_[[True, True, False, False]],
        bootstrap_weights(4, 50, 0),
        transform="sqrt",
    )
    np.testing.assert_allclose(st.value, [np.sqrt(5.0)])
    np.testing.assert_allclose(st.rest, [np.sqrt(10.0)])


def _null_problem(
    rng: np.random.Generator, n_images: int, per_image: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detections that depend on the image (clustered) but not on the placebo columns."""
    p_img = rng.beta(4, 2, n_images)  # some images are harder: people in them fail together
    unit_image = np.repeat(np.arange(n_images), per_image)
    hit = (rng.random(len(unit_image)) < p_img[unit_image]).astype(float)
    img_placebo = rng.integers(0, 3, n_images)[unit_image]
    obj_placebo = rng.integers(0, 3, len(unit_image))
    masks = np.column_stack(
        [img_placebo == k for k in range(3)] + [obj_placebo == k for k in range(3)]
    )
    return unit_image, hit, masks


def test_false_flag_rate_stays_near_nominal_over_200_seeds() -> None:
    """200 planted nulls: the raw test rejects about 5% of null slices at alpha 0.05, and
    Holm flags some slice of the family in about 5% of audits at most."""
    alpha, raw, family = 0.05, [], []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        unit_image, hit, masks = _null_problem(rng, 80, 6)
        st = slice_stats(unit_image, hit, masks, bootstrap_weights(80, 300, seed))
        raw.extend(st.p < alpha)
        family.append(bool((holm(st.p) < alpha).any()))
    raw_rate, family_rate = float(np.mean(raw)), float(np.mean(family))
    assert 0.02 <= raw_rate <= 0.085, raw_rate
    assert family_rate <= 0.09, family_rate


def test_a_real_gap_is_found_in_most_seeds() -> None:
    found = 0
    for seed in range(50):
        rng = np.random.default_rng(1000 + seed)
        unit_image, hit, masks = _null_problem(rng, 80, 6)
        night = masks[:, 0]  # image-level slice: half of its detections dropped
        hit = np.where(night & (rng.random(len(hit)) < 0.5), 0.0, hit)
        st = slice_stats(unit_image, hit, masks, bootstrap_weights(80, 300, seed))
        found += bool(holm(st.p)[0] < 0.05 and st.gap[0] < 0)
    assert found >= 45


@pytest.mark.parametrize("p", [np.array([]), np.array([np.nan, np.nan])])
def test_corrections_of_an_empty_family(p: np.ndarray) -> None:
    assert holm(p).shape == p.shape and benjamini_hochberg(p).shape == p.shape
