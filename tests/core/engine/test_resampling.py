"""Block bootstrap, block length, percentile intervals and rotations against direct computations."""

import math

import numpy as np
import pytest
from scipy import signal

from pga_core.engine import (
    CI_LEVEL,
    MIN_VALID_RESAMPLE_SHARE,
    TIE_RTOL,
    block_bootstrap_counts,
    block_length,
    bootstrap_starts,
    bootstrap_sums,
    circular_cross_sums,
    percentile_interval,
    rotation_p_from_statistics,
    rotation_shifts,
)


def ar1(phi: float, n: int, seed: int) -> np.ndarray:
    """An AR(1) series x_t = φ x_{t−1} + e_t with standard normal innovations."""
    return signal.lfilter([1.0], [1.0, -phi], np.random.default_rng(seed).normal(size=n))


def politis_white_ar1(phi: float, n: int) -> float:
    """The optimal circular/moving block length of an AR(1) from its true autocovariances.

    With R(k) ∝ φ^|k|: G = Σ|k| R(k) and the long-run variance Σ R(k) give
    G / Σ R(k) = 2φ / (1 − φ²), so b = (2 G² / ((4/3) (Σ R(k))²))^(1/3) n^(1/3)
    = (6 φ² / (1 − φ²)²)^(1/3) n^(1/3).
    """
    return (6 * phi**2 / (1 - phi**2) ** 2) ** (1 / 3) * n ** (1 / 3)


def counts_by_loop(starts: np.ndarray, block: int, n_days: int) -> np.ndarray:
    """Each resample's day counts, one block and one day at a time, wrapping past the end."""
    counts = np.zeros((len(starts), n_days), dtype=int)
    for b, draw in enumerate(starts):
        filled = 0
        for start in draw:
            for offset in range(block):
                if filled == n_days:
                    break
                counts[b, (start + offset) % n_days] += 1
                filled += 1
    return counts


# ------------------------------------------------------------------------------ block length


@pytest.mark.parametrize("phi", [0.3, 0.5, 0.7])
def test_block_length_follows_the_politis_white_rule_on_a_known_ar1(phi: float) -> None:
    n = 20_000
    expected = politis_white_ar1(phi, n)  # 23.5, 37.6 and 60.9 days
    estimates = [block_length(ar1(phi, n, seed)) for seed in range(7)]
    assert np.median(estimates) == pytest.approx(expected, rel=0.15)


def test_block_length_grows_with_the_cube_root_of_the_history() -> None:
    short = np.median([block_length(ar1(0.5, 2_000, seed)) for seed in range(9)])
    long = np.median([block_length(ar1(0.5, 16_000, seed)) for seed in range(9)])
    assert long / short == pytest.approx(2.0, rel=0.25)  # (16000 / 2000)^(1/3) = 2


def test_block_length_is_short_for_independent_days_and_long_for_a_random_walk() -> None:
    white = [block_length(np.random.default_rng(seed).normal(size=2_000)) for seed in range(10)]
    assert max(white) <= 3
    n = 300
    walk = block_length(np.cumsum(np.random.default_rng(1).normal(size=n)))
    assert math.sqrt(n) < walk <= min(3 * math.sqrt(n), n / 3)


def test_block_length_of_too_short_or_constant_series_is_one() -> None:
    assert block_length(np.arange(9.0)) == 1
    assert block_length(np.full(50, 3.0)) == 1


# ------------------------------------------------------------------------- bootstrap blocks


@pytest.mark.parametrize(("n_days", "block"), [(100, 10), (101, 7), (30, 1), (12, 12), (8, 20)])
def test_counts_are_the_blocks_of_the_drawn_starts_wrapped_round_the_end(
    n_days: int, block: int
) -> None:
    counts = block_bootstrap_counts(n_days, 40, block, random_state=3)
    usable = min(block, n_days)
    starts = bootstrap_starts(n_days, usable, 40, np.random.default_rng(3))
    assert starts.shape == (40, -(-n_days // usable))
    assert starts.min() >= 0
    assert starts.max() < n_days
    np.testing.assert_array_equal(counts, counts_by_loop(starts, usable, n_days))
    assert counts.shape == (40, n_days)
    assert np.all(counts.sum(axis=1) == n_days)


def test_blocks_that_run_past_the_last_day_wrap_round_to_the_first() -> None:
    starts = np.array([[8, 0, 4]])  # 10 days in blocks of 4: 8 9 0 1 | 0 1 2 3 | 4 5
    np.testing.assert_array_equal(counts_by_loop(starts, 4, 10)[0], [2, 2, 1, 1, 1, 1, 0, 0, 1, 1])
    values = np.arange(10.0)[None, :] ** 2
    expected = sum(v**2 for v in (8, 9, 0, 1, 0, 1, 2, 3, 4, 5))
    assert bootstrap_sums(values, starts, 4)[0, 0] == expected


def test_counts_move_neighbouring_days_together_and_are_seeded() -> None:
    counts = block_bootstrap_counts(100, 500, block=10, random_state=3)
    assert counts.mean() == 1.0
    # Blocks make neighbouring days move together: strong lag-1 correlation of counts.
    lagged = np.corrcoef(counts[:, 40], counts[:, 41])[0, 1]
    assert lagged > 0.7
    np.testing.assert_array_equal(counts, block_bootstrap_counts(100, 500, 10, random_state=3))
    assert not np.array_equal(counts, block_bootstrap_counts(100, 500, 10, random_state=4))


def test_first_and_last_days_are_drawn_as_often_as_the_others() -> None:
    # Circular blocks give every day an expected count of exactly 1; blocks kept inside the
    # series would draw day 0 and day n − 1 only block / (n − block + 1) ≈ 0.22 times.
    n_days, block, n_boot = 60, 12, 20_000
    counts = block_bootstrap_counts(n_days, n_boot, block, random_state=5)
    mean = counts.mean(axis=0)
    standard_error = counts.std(axis=0).max() / math.sqrt(n_boot)
    np.testing.assert_allclose(mean, 1.0, atol=5 * standard_error)
    assert mean[0] == pytest.approx(1.0, abs=0.05)
    assert mean[-1] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(("n_days", "block"), [(97, 7), (50, 1), (40, 40), (23, 5)])
def test_bootstrap_sums_equal_the_counts_times_the_values(n_days: int, block: int) -> None:
    rng = np.random.default_rng(6)
    values = rng.normal(size=(3, n_days))
    starts = bootstrap_starts(n_days, block, 200, np.random.default_rng(7))
    counts = block_bootstrap_counts(n_days, 200, block, random_state=7)
    np.testing.assert_allclose(
        bootstrap_sums(values, starts, block), values @ counts.T, rtol=1e-12, atol=1e-12
    )


def test_bootstrap_sums_refuse_starts_drawn_for_another_block() -> None:
    starts = bootstrap_starts(50, 5, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"starts must have shape \(n_boot, 7\)"):
        bootstrap_sums(np.ones((1, 50)), starts, 8)


def test_counts_refuse_empty_requests() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        block_bootstrap_counts(0, 10, 7)
    with pytest.raises(ValueError, match="at least 1"):
        block_bootstrap_counts(10, 0, 7)


# ------------------------------------------------------------------------ percentile interval


def test_percentile_interval_is_numpys_central_percentiles_of_the_finite_draws() -> None:
    draws = np.random.default_rng(8).normal(size=1_000)
    draws[::7] = np.nan
    tail = 100 * (1 - CI_LEVEL) / 2
    expected = np.percentile(draws[np.isfinite(draws)], [tail, 100 - tail])
    np.testing.assert_allclose(percentile_interval(draws), expected, rtol=1e-15)


def test_percentile_interval_needs_enough_finite_draws() -> None:
    draws = np.arange(100.0)
    too_few = int(MIN_VALID_RESAMPLE_SHARE * draws.size) - 1
    draws[: draws.size - too_few] = np.nan
    assert all(math.isnan(bound) for bound in percentile_interval(draws))
    assert all(math.isnan(bound) for bound in percentile_interval(np.full(10, np.nan)))
    enough = np.arange(100.0)
    enough[: int(MIN_VALID_RESAMPLE_SHARE * enough.size)] = np.inf
    assert np.isfinite(percentile_interval(enough)).all()


# ---------------------------------------------------------------------------------- rotation


def test_rotation_shifts_are_every_nonzero_shift_or_a_seeded_sorted_sample() -> None:
    np.testing.assert_array_equal(
        rotation_shifts(6, None, np.random.default_rng(0)), [1, 2, 3, 4, 5]
    )
    np.testing.assert_array_equal(rotation_shifts(6, 5, np.random.default_rng(0)), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(rotation_shifts(6, 50, np.random.default_rng(0)), [1, 2, 3, 4, 5])
    drawn = rotation_shifts(1_000, 100, np.random.default_rng(9))
    assert drawn.size == 100
    assert np.unique(drawn).size == 100
    assert np.all(np.diff(drawn) > 0)
    assert drawn.min() >= 1
    assert drawn.max() <= 999
    np.testing.assert_array_equal(drawn, rotation_shifts(1_000, 100, np.random.default_rng(9)))


def test_circular_cross_sums_match_a_loop_of_rolled_series() -> None:
    rng = np.random.default_rng(10)
    left, right = rng.normal(size=(2, 37)), rng.normal(size=(3, 37))
    pairs = [(0, 0), (1, 2), (0, 1)]
    sums = circular_cross_sums(left, right, pairs)
    expected = np.array([[np.roll(left[i], k) @ right[j] for k in range(37)] for i, j in pairs])
    np.testing.assert_allclose(sums, expected, rtol=1e-10, atol=1e-12)


def test_rotation_p_value_counts_shifts_at_least_as_extreme_ties_included() -> None:
    shifted = np.array([0.5, -2.0, 2.0 * (1 - TIE_RTOL / 2), 1.9, np.nan, -3.0])
    p_value, n_shifts = rotation_p_from_statistics(2.0, shifted)
    # |−2.0|, the near-tie and |−3.0| are at least as extreme as 2.0; NaN is not counted.
    assert (p_value, n_shifts) == (pytest.approx((1 + 3) / (1 + 5)), 5)
    assert rotation_p_from_statistics(np.nan, shifted)[1] == 0
    assert math.isnan(rotation_p_from_statistics(1.0, np.full(4, np.nan))[0])
