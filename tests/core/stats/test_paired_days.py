"""Paired days, their moving-block bootstrap and rotation test, against loops written out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from pga_core.engine import bootstrap_starts
from pga_core.stats import PairedDays, bootstrap_effects, influence_series, rotation_test
from tests.core.stats.synthetic_days import OUTCOME, planted_person


def paired_arrays(seed: int, n_days: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """``b_drink`` on day t and the outcome on day t + 1 of a planted person, with gaps."""
    daily = planted_person(n_days, -0.2, phi=0.6, seed=seed)
    b = daily.table["b_drink"].to_numpy()[:-1]
    y = daily.table[OUTCOME].to_numpy()[1:].copy()
    y[::17] = np.nan  # outcome not logged on some days
    return b, y


def means(b: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The outcome's mean after yes and after no, straight from the arrays."""
    known = ~np.isnan(y)
    return float(y[(b == 1) & known].mean()), float(y[(b == 0) & known].mean())


# --- the paired days ------------------------------------------------------------------------------
def test_pairs_are_trimmed_to_the_first_and_last_complete_day() -> None:
    b = np.array([np.nan, 1.0, 0.0, np.nan, 1.0, 0.0, np.nan])
    y = np.array([5.0, np.nan, 7.0, 8.0, 9.0, np.nan, 11.0])
    days = PairedDays.from_series(b, y)
    # complete pairs on days 2 and 4: the span is days 2..4
    np.testing.assert_array_equal(days.yes, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(days.no, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(days.seen, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(days.value, [7.0, 8.0, 9.0])
    empty = PairedDays.from_series(np.array([1.0, np.nan]), np.array([np.nan, 2.0]))
    assert empty.seen.size == 0


def test_group_sums_and_stretches_match_the_arrays() -> None:
    b, y = paired_arrays(seed=1)
    days = PairedDays.from_series(b, y)
    n_yes, sum_yes, n_no, sum_no = days.group_sums().sum(axis=1)
    known = ~np.isnan(y)
    assert n_yes == np.sum((b == 1) & known)
    assert n_no == np.sum((b == 0) & known)
    assert sum_yes == pytest.approx(np.nansum(np.where(b == 1, y, np.nan)))
    assert sum_no == pytest.approx(np.nansum(np.where(b == 0, y, np.nan)))
    # runs of logged answers over the paired span, unlogged days skipped, counted by a loop
    complete = np.flatnonzero(~np.isnan(b) & ~np.isnan(y))
    span = b[complete[0] : complete[-1] + 1]
    answers = span[~np.isnan(span)].tolist()
    runs = [answers[0]] + [a for before, a in itertools.pairwise(answers) if a != before]
    assert days.stretches() == (runs.count(1.0), runs.count(0.0))


def test_the_influence_series_sums_to_zero_and_gives_the_difference_variance() -> None:
    b, y = paired_arrays(seed=2)
    days = PairedDays.from_series(b, y)
    mean_yes, mean_no = means(b, y)
    influence = influence_series(days, mean_yes, mean_no)
    assert influence.shape == days.seen.shape
    assert influence.sum() == pytest.approx(0.0, abs=1e-8)
    # independent days: Var(mean_yes − mean_no) ≈ Σ influence² / n², the textbook
    # s²_yes / n_yes + s²_no / n_no (population variances)
    known = days.seen > 0
    yes, no = days.value[(days.yes > 0) & known], days.value[(days.no > 0) & known]
    textbook = yes.var() / yes.size + no.var() / no.size
    assert (influence**2).sum() / influence.size**2 == pytest.approx(textbook, rel=1e-9)


# --- the moving-block bootstrap -------------------------------------------------------------------
def test_bootstrap_effects_are_the_means_of_resamples_built_block_by_block() -> None:
    b, y = paired_arrays(seed=3)
    days = PairedDays.from_series(b, y)
    n_days, block, n_boot = days.seen.size, 7, 40
    differences, pcts = bootstrap_effects(days, block, n_boot, np.random.default_rng(11))
    starts = bootstrap_starts(n_days, block, n_boot, np.random.default_rng(11))
    for k in range(n_boot):
        blocks = [np.arange(s, s + block) % n_days for s in starts[k]]  # blocks wrap round the end
        picked = np.concatenate(blocks)[:n_days]
        yes = days.value[picked][(days.yes[picked] > 0) & (days.seen[picked] > 0)]
        no = days.value[picked][(days.no[picked] > 0) & (days.seen[picked] > 0)]
        assert differences[k] == pytest.approx(yes.mean() - no.mean(), rel=1e-9)
        assert pcts[k] == pytest.approx((yes.mean() / no.mean() - 1) * 100, rel=1e-9)


def test_a_resample_without_no_days_has_no_effect() -> None:
    days = PairedDays.from_series(np.r_[np.ones(10), 0.0], np.arange(11.0) + 50)
    differences, pcts = bootstrap_effects(days, 3, 200, np.random.default_rng(0))
    assert np.isnan(differences).any()
    assert np.isnan(pcts[np.isnan(differences)]).all()


# --- the rotation test ----------------------------------------------------------------------------
def test_rotation_p_value_is_welchs_t_over_every_shift() -> None:
    b, y = paired_arrays(seed=4)
    days = PairedDays.from_series(b, y)
    mean_yes, mean_no = means(b, y)
    result = rotation_test(days, mean_yes, mean_no, None, np.random.default_rng(0))
    yes_no, value, seen = days.yes - days.no, days.value, days.seen > 0

    def welch(answers: np.ndarray) -> float:
        return abs(
            stats.ttest_ind(
                value[(answers == 1) & seen], value[(answers == -1) & seen], equal_var=False
            ).statistic
        )

    observed = welch(yes_no)
    shifted = np.array([welch(np.roll(yes_no, k)) for k in range(1, yes_no.size)])
    expected = (1 + np.sum(shifted >= observed * (1 - 1e-9))) / (1 + shifted.size)
    assert result.p_value == pytest.approx(expected, rel=1e-12)
    assert result.n_rotations == yes_no.size - 1


def test_rotation_intervals_match_a_loop_over_every_shift() -> None:
    b, y = paired_arrays(seed=19)
    mean_yes, mean_no = means(b, y)
    complete = np.flatnonzero(~np.isnan(b) & ~np.isnan(y))
    b, y = b[complete[0] : complete[-1] + 1], y[complete[0] : complete[-1] + 1]
    ratio = mean_yes / mean_no
    difference = mean_yes - mean_no
    without_ratio = np.where(b == 1, y / ratio, y)
    without_difference = np.where(b == 1, y - difference, y)
    log_ratios, differences = [], []
    for k in range(1, len(b)):
        rolled = np.roll(b, k)
        yes, no = rolled == 1, rolled == 0
        log_ratios.append(np.log(np.nanmean(without_ratio[yes]) / np.nanmean(without_ratio[no])))
        differences.append(np.nanmean(without_difference[yes]) - np.nanmean(without_difference[no]))
    rotation = rotation_test(
        PairedDays.from_series(b, y), mean_yes, mean_no, None, np.random.default_rng(0)
    )
    low, high = np.percentile(log_ratios, [2.5, 97.5])
    expected = (100 * (ratio * np.exp(-high) - 1), 100 * (ratio * np.exp(-low) - 1))
    np.testing.assert_allclose(rotation.pct_interval, expected, rtol=1e-9)
    low, high = np.percentile(differences, [2.5, 97.5])
    np.testing.assert_allclose(
        rotation.diff_interval, (difference - high, difference - low), rtol=1e-9
    )


def test_at_most_n_perm_shifts_are_drawn() -> None:
    b, y = paired_arrays(seed=5, n_days=400)
    days = PairedDays.from_series(b, y)
    mean_yes, mean_no = means(b, y)
    few = rotation_test(days, mean_yes, mean_no, 50, np.random.default_rng(1))
    again = rotation_test(days, mean_yes, mean_no, 50, np.random.default_rng(1))
    assert few.n_rotations == 50
    assert few == again
    assert 1 / 51 <= few.p_value <= 1
