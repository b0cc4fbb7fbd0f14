"""The randomisation test of the coin tosses and its interval, against loops written out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pga_core.experiments import (
    MAX_EXHAUSTIVE_PAIRS,
    SIGNIFICANCE,
    order_signs,
    randomisation_interval,
    randomisation_p,
)
from tests.core.experiments.people import ar1


def loop_p(differences: np.ndarray) -> float:
    """Every order written out: the share at least as far from zero as the observed mean."""
    observed = abs(np.mean(differences))
    flips = list(itertools.product([1.0, -1.0], repeat=differences.size))
    extreme = [abs(np.mean(np.array(s) * differences)) >= observed * (1 - 1e-9) for s in flips]
    return sum(extreme) / len(flips)


def test_every_order_is_used_once_when_there_are_few_pairs() -> None:
    signs = order_signs(5)
    assert signs.shape == (32, 5)
    assert len({tuple(r) for r in signs}) == 32
    assert signs[0].tolist() == [1.0] * 5
    assert set(np.unique(signs)) == {-1.0, 1.0}


def test_with_many_pairs_orders_are_drawn_after_the_observed_one() -> None:
    pairs = MAX_EXHAUSTIVE_PAIRS + 1
    signs = order_signs(pairs, n_draws=500, random_state=4)
    assert signs.shape == (501, pairs)
    assert signs[0].tolist() == [1.0] * pairs
    np.testing.assert_array_equal(signs, order_signs(pairs, n_draws=500, random_state=4))
    assert abs(signs[1:].mean()) < 0.05  # each pair swapped half the time
    assert order_signs(6, max_exhaustive=5, n_draws=10).shape == (11, 6)


@pytest.mark.parametrize("pairs", [1, 3, 6, 9])
def test_the_p_value_is_the_share_of_orders_at_least_as_extreme(pairs: int) -> None:
    rng = np.random.default_rng(pairs)
    for _ in range(5):
        differences = rng.normal(0.5, 1.0, pairs)
        p = randomisation_p(differences, order_signs(pairs))
        assert p == pytest.approx([loop_p(differences)], abs=1e-12)


def test_the_smallest_p_value_is_two_orders_in_all_of_them() -> None:
    for pairs in (4, 5, 6, 8):
        p = randomisation_p(np.arange(1.0, pairs + 1), order_signs(pairs))[0]
        assert p == pytest.approx(2 / 2**pairs)


def test_drawn_orders_give_a_valid_monte_carlo_p_value() -> None:
    differences = np.full(20, 3.0)  # nothing drawn can beat all-positive
    signs = order_signs(20, n_draws=999, random_state=0)
    assert randomisation_p(differences, signs)[0] == pytest.approx(1 / 1000, abs=1e-3)


def kept_effects(differences: np.ndarray, signs: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The effects on ``grid`` that the test does not reject."""
    p = randomisation_p(differences[None, :] - grid[:, None], signs)
    return grid[p > SIGNIFICANCE]


def grid_interval(differences: np.ndarray, signs: np.ndarray) -> tuple[float, float]:
    """The interval by brute force: a grid of effects in steps of 0.01, then of 1e-5 near
    each end."""
    centre = differences.mean()
    coarse = kept_effects(differences, signs, np.arange(centre - 8, centre + 8, 0.01))
    ends = []
    for edge, side in ((coarse.min(), min), (coarse.max(), max)):
        fine = kept_effects(differences, signs, np.arange(edge - 0.011, edge + 0.011, 1e-5))
        ends.append(float(side(fine)))
    return ends[0], ends[1]


@pytest.mark.parametrize("pairs", [6, 8, 10, 14])
def test_the_interval_is_every_effect_the_test_does_not_reject(pairs: int) -> None:
    rng = np.random.default_rng(10 + pairs)
    signs = order_signs(pairs, n_draws=1000, random_state=1)
    for _ in range(3):
        differences = rng.normal(1.0, 2.0, pairs)
        low, high = randomisation_interval(differences, signs)
        grid_low, grid_high = grid_interval(differences, signs)
        assert low[0] == pytest.approx(grid_low, abs=2e-5)
        assert high[0] == pytest.approx(grid_high, abs=2e-5)


def test_the_interval_holds_zero_exactly_when_the_test_does_not_reject() -> None:
    rng = np.random.default_rng(3)
    differences = rng.normal(0.8, 1.0, size=(2000, 7))
    signs = order_signs(7)
    low, high = randomisation_interval(differences, signs)
    p = randomisation_p(differences, signs)
    inside = (low <= 0) & (high >= 0)
    assert 0.2 < (p <= SIGNIFICANCE).mean() < 0.8  # both cases are met
    np.testing.assert_array_equal(inside, p > SIGNIFICANCE)


def test_the_interval_moves_with_a_constant_effect() -> None:
    rng = np.random.default_rng(5)
    differences = rng.normal(size=(50, 9))
    signs = order_signs(9)
    low, high = randomisation_interval(differences, signs)
    low_shifted, high_shifted = randomisation_interval(differences + 2.5, signs)
    np.testing.assert_allclose(low_shifted, low + 2.5, atol=1e-9)
    np.testing.assert_allclose(high_shifted, high + 2.5, atol=1e-9)


def test_five_pairs_or_fewer_cannot_bound_the_interval() -> None:
    for pairs in (1, 3, 5):
        low, high = randomisation_interval(np.ones(pairs), order_signs(pairs))
        assert (low[0], high[0]) == (-np.inf, np.inf)
    low, high = randomisation_interval(np.ones(6) + np.arange(6) / 10, order_signs(6))
    assert np.isfinite([low[0], high[0]]).all()


def test_the_test_is_valid_by_design_under_strong_autocorrelation() -> None:
    """Null trials of an AR(1) outcome (φ = 0.8), 8 pairs of 4-day periods, random orders:
    p ≤ 0.05 happens as often as the design allows, 6 orders in 128 (4.7 %)."""
    rng = np.random.default_rng(11)
    n_trials, pairs, period = 4000, 8, 4
    outcome = np.stack([ar1(rng, 2 * pairs * period, 0.8) for _ in range(n_trials)])
    means = outcome.reshape(n_trials, pairs, 2, period).mean(axis=-1)
    a_first = rng.random((n_trials, pairs)) < 0.5
    differences = np.where(a_first, 1.0, -1.0) * (means[..., 0] - means[..., 1])
    rate = (randomisation_p(differences, order_signs(pairs)) <= SIGNIFICANCE).mean()
    assert rate == pytest.approx(6 / 128, abs=3 * np.sqrt(0.047 * 0.953 / n_trials))
