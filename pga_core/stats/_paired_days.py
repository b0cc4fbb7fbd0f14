"""One behaviour against the outcome ``lag`` days later: the paired days and their resampling.

:class:`PairedDays` lines a yes/no diary up with the outcome; the block bootstrap (circular, as
everywhere in the product) and the rotation test (:mod:`pga_core.stats` explains both) then
give the confidence intervals and the p-value of that one test. Pure NumPy arrays in and out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pga_core.engine import (
    bootstrap_starts,
    bootstrap_sums,
    circular_cross_sums,
    percentile_interval,
    rotation_p_from_statistics,
    rotation_shifts,
)

__all__ = [
    "PairedDays",
    "RotationResult",
    "bootstrap_effects",
    "influence_series",
    "rotation_test",
]


@dataclass(frozen=True)
class PairedDays:
    """A behaviour on day t against the outcome on day t + lag, over the span both are logged.

    All arrays have shape (n_days,). ``yes``/``no`` are 1.0 where the behaviour was logged so
    (whatever the outcome), ``seen`` is 1.0 where the outcome is known, ``value`` is the outcome
    (0.0 where unknown).
    """

    yes: np.ndarray
    no: np.ndarray
    seen: np.ndarray
    value: np.ndarray

    @classmethod
    def from_series(cls, behaviour: np.ndarray, outcome_later: np.ndarray) -> PairedDays:
        """Pair the arrays position by position and trim to the first..last complete pair."""
        complete = np.flatnonzero(~np.isnan(behaviour) & ~np.isnan(outcome_later))
        if complete.size == 0:
            empty = np.zeros(0)
            return cls(empty, empty, empty, empty)
        span = slice(complete[0], complete[-1] + 1)
        b, y = behaviour[span], outcome_later[span]
        seen = ~np.isnan(y)
        return cls(
            yes=(b == 1.0).astype(np.float64),
            no=(b == 0.0).astype(np.float64),
            seen=seen.astype(np.float64),
            value=np.where(seen, y, 0.0),
        )

    def stretches(self) -> tuple[int, int]:
        """How many separate runs of yes days and of no days (unlogged days skipped)."""
        logged = (self.yes + self.no) > 0
        answers = self.yes[logged]
        starts = np.r_[True, answers[1:] != answers[:-1]]
        runs_yes = int(np.count_nonzero(starts & (answers == 1.0)))
        return runs_yes, int(np.count_nonzero(starts)) - runs_yes

    def group_sums(self) -> np.ndarray:
        """Per-day contributions, shape (4, n_days): yes count, yes sum, no count, no sum."""
        yes_seen = self.yes * self.seen
        no_seen = self.no * self.seen
        return np.stack([yes_seen, yes_seen * self.value, no_seen, no_seen * self.value])


def influence_series(days: PairedDays, mean_yes: float, mean_no: float) -> np.ndarray:
    """Each day's first-order contribution to the difference in means, shape (n_days,).

    The variance of the estimate is the long-run variance of this series, so its
    autocorrelation is what the bootstrap blocks must keep (see
    :func:`~pga_core.engine.block_length`).

    Parameters
    ----------
    days : the paired days; ``mean_yes``, ``mean_no`` : the outcome's mean after yes and
        after no days (outcome units).
    """
    share_yes = days.yes @ days.seen / len(days.seen)
    share_no = days.no @ days.seen / len(days.seen)
    centred_yes = days.yes * days.seen * (days.value - mean_yes) / share_yes
    centred_no = days.no * days.seen * (days.value - mean_no) / share_no
    return centred_yes - centred_no


def bootstrap_effects(
    days: PairedDays, block: int, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Difference in means and percent change in each circular block-bootstrap resample.

    Parameters
    ----------
    days : the paired days.
    block : block length in days (cut to the number of days).
    n_boot : number of resamples.
    rng : the generator of the block starts.

    Returns
    -------
    (differences, pct_changes) : arrays, shape (n_boot,)
        In outcome units and in percent; NaN for resamples lacking yes or no days (and, for
        the percentage, where the no-day mean is not positive).
    """
    n_days = days.seen.size
    starts = bootstrap_starts(n_days, block, n_boot, rng)
    n_yes, sum_yes, n_no, sum_no = bootstrap_sums(days.group_sums(), starts, block)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_yes = np.where(n_yes > 0, sum_yes / n_yes, np.nan)
        mean_no = np.where(n_no > 0, sum_no / n_no, np.nan)
        pct = np.where(mean_no > 0, (mean_yes - mean_no) / mean_no * 100.0, np.nan)
    return mean_yes - mean_no, pct


def _welch_t(
    n1: np.ndarray, s1: np.ndarray, q1: np.ndarray, n0: np.ndarray, s0: np.ndarray, q0: np.ndarray
) -> np.ndarray:
    """Welch's t from group counts, sums and sums of squares; NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean1, mean0 = s1 / n1, s0 / n0
        var1 = np.maximum(q1 - n1 * mean1**2, 0.0) / (n1 - 1)
        var0 = np.maximum(q0 - n0 * mean0**2, 0.0) / (n0 - 1)
        se = np.sqrt(var1 / n1 + var0 / n0)
        t = (mean1 - mean0) / se
    return np.where((n1 >= 2) & (n0 >= 2) & (se > 0), t, np.nan)


@dataclass(frozen=True)
class RotationResult:
    """What the rotations of one behaviour against the outcome tell.

    Attributes
    ----------
    p_value : rotation-test p-value of Welch's t (NaN when undefined).
    n_rotations : shifts the p-value counted.
    diff_interval : 95 % rotation interval of the difference in means (outcome units).
    pct_interval : 95 % rotation interval of the percent change.
    """

    p_value: float
    n_rotations: int
    diff_interval: tuple[float, float]
    pct_interval: tuple[float, float]


def rotation_test(
    days: PairedDays,
    mean_yes: float,
    mean_no: float,
    n_perm: int | None,
    rng: np.random.Generator,
) -> RotationResult:
    """Rotation-test p-value of Welch's t, and rotation intervals for the effect.

    Parameters
    ----------
    days : the paired days.
    mean_yes, mean_no : the outcome's mean after yes and after no days (outcome units).
    n_perm : most shifts (None: all ``n_days − 1``).
    rng : the generator choosing the shifts when not all are used.

    The p-value compares the observed |t| with |t| after each shift. The intervals rotate
    the behaviour against the outcome with the estimated effect taken out (subtracted for the
    difference, divided out for the ratio): the spread of the effects those rotations show is
    the spread chance alone gives this very pattern of yes days against this outcome's
    autocorrelation, so ``estimate − (97.5th, 2.5th percentile)`` is a 95 % interval.
    """
    n_days = days.seen.size
    seen_values = days.value[days.seen > 0]
    centred = (days.value - seen_values.mean()) * days.seen
    difference = mean_yes - mean_no
    minus_effect = (days.value - difference * days.yes) * days.seen
    ratio = mean_yes / mean_no if mean_no > 0 and mean_yes > 0 else math.nan
    over_effect = np.where(days.yes > 0, days.value / ratio, days.value) * days.seen
    sums = circular_cross_sums(
        np.stack([days.yes, days.no]),
        np.stack([days.seen, centred, centred**2, minus_effect, over_effect]),
        [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4)],
    )
    n_yes, sum_yes, sq_yes, n_no, sum_no, sq_no = sums[:6]
    n_yes, n_no = np.rint(n_yes), np.rint(n_no)
    t = _welch_t(n_yes, sum_yes, sq_yes, n_no, sum_no, sq_no)
    shifts = rotation_shifts(n_days, n_perm, rng)
    p_value, n_rotations = rotation_p_from_statistics(t[0], t[shifts])
    with np.errstate(divide="ignore", invalid="ignore"):
        chance_diff = (sums[6] / n_yes - sums[7] / n_no)[shifts]
        chance_log_ratio = np.log((sums[8] / n_yes) / (sums[9] / n_no))[shifts]
    low, high = percentile_interval(chance_diff)
    diff_interval = (difference - high, difference - low)
    low, high = percentile_interval(chance_log_ratio)
    pct_interval = (
        100.0 * (ratio * math.exp(-high) - 1.0),
        100.0 * (ratio * math.exp(-low) - 1.0),
    )
    return RotationResult(p_value, n_rotations, diff_interval, pct_interval)
