"""Resampling that keeps day-to-day autocorrelation: moving blocks and rotations.

The array-level pieces every interval and p-value of the product shares (see
:mod:`pga_core.stats` for what they are for): the Politis–White block length, the one block
bootstrap (its block starts, each day's count in a resample, and sums over a resample's days),
percentile intervals of resampled effects, and the circular shifts of a rotation test with their
cross sums (by FFT) and p-value. Pure NumPy; nothing here knows about behaviours, outcomes,
columns or models.

**The block bootstrap is circular** (Politis & Romano's circular block bootstrap), for behaviour
statistics and goal models alike: a resample strings together blocks of ``block`` consecutive
days whose starts are drawn uniformly from *all* days, and a block that runs past the last day
wraps round to the first. Every day then appears in a resample once on average, the first and
last days as often as the others, so the resampled mean is centred on the observed one. Without
wrapping (blocks kept inside the series), a day within ``block − 1`` days of either end is drawn
less often — the first and last days ``block`` times less often than a day in the middle — which
biases the resamples towards the middle of the history and shrinks their spread there. The price
of wrapping is one artificial seam per resample-block that crosses the end, joining the last days
to the first; for the block lengths used (a week, or the Politis–White length, at most
``n/3``) that is a small share of the days. The Politis–White rule's constant
(``D = (4/3)·g²``) is the same for the circular and the moving block bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import fft

__all__ = [
    "CI_LEVEL",
    "MIN_VALID_RESAMPLE_SHARE",
    "TIE_RTOL",
    "block_bootstrap_counts",
    "block_length",
    "bootstrap_starts",
    "bootstrap_sums",
    "circular_cross_sums",
    "percentile_interval",
    "rotation_p_from_statistics",
    "rotation_shifts",
]

#: Two-sided confidence level of every interval.
CI_LEVEL = 0.95
#: A bootstrap interval needs at least this share of resamples with both yes and no days.
MIN_VALID_RESAMPLE_SHARE = 0.5
#: Shifted statistics within this relative distance of the observed one count as ties (as
#: extreme), so floating-point noise from the FFT never makes a p-value smaller.
TIE_RTOL = 1e-9
#: Significance constant and window of the Politis–White block-length rule.
_PW_CRITICAL = 2.0
_PW_MIN_RUN = 5


def block_length(series: np.ndarray) -> int:
    """Politis–White automatic block length for a moving-block bootstrap of ``series``.

    Parameters
    ----------
    series : array, shape (n,)

    Returns
    -------
    int
        ``ceil(b_opt)`` clipped to ``[1, min(3·√n, n/3)]``, where
        ``b_opt = (2·G² / D)^(1/3) · n^(1/3)``, ``G = Σ λ(k/M)·|k|·R(k)``,
        ``D = (4/3)·(Σ λ(k/M)·R(k))²`` (the moving/circular block constant), ``R`` the sample
        autocovariance, ``λ`` the flat-top window and ``M`` twice the first lag after which
        ``K`` consecutive autocorrelations are insignificant.
    """
    n = series.size
    longest = max(1, math.floor(min(3 * math.sqrt(n), n / 3)))
    if n < 2 * _PW_MIN_RUN:
        return 1
    x = series - series.mean()
    run = max(_PW_MIN_RUN, math.ceil(math.sqrt(math.log10(n))))
    max_lag = min(n - 1, math.ceil(math.sqrt(n)) + run)
    spectrum = fft.rfft(x, n=fft.next_fast_len(2 * n))
    autocov = fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1] / n
    if autocov[0] <= 0:
        return 1
    autocorr = autocov / autocov[0]
    critical = _PW_CRITICAL * math.sqrt(math.log10(n) / n)
    small = np.abs(autocorr[1:]) < critical  # small[k-1] is about lag k
    first_quiet = max_lag - run
    for m in range(max_lag - run + 1):
        if small[m : m + run].all():
            first_quiet = m
            break
    window = min(2 * max(first_quiet, 1), max_lag)
    lags = np.arange(1, window + 1)
    ratio = lags / window
    flat_top = np.where(ratio <= 0.5, 1.0, 2.0 * (1.0 - ratio))
    big_g = 2.0 * np.sum(flat_top * lags * autocov[1 : window + 1])
    long_run = autocov[0] + 2.0 * np.sum(flat_top * autocov[1 : window + 1])
    if long_run <= 0 or big_g == 0:
        return 1
    optimum = (2.0 * big_g**2 / ((4.0 / 3.0) * long_run**2)) ** (1 / 3) * n ** (1 / 3)
    return int(min(max(math.ceil(optimum), 1), longest))


def _usable_block(block: int, n_days: int) -> int:
    """``block`` cut to the series: at least 1 day and at most ``n_days``."""
    return int(min(max(block, 1), n_days))


def bootstrap_starts(n_days: int, block: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Block start days of each circular block-bootstrap resample.

    Parameters
    ----------
    n_days : length of the series (days); block : block length in days (cut to
        ``[1, n_days]``); n_boot : number of resamples; rng : the generator of the starts.

    Returns
    -------
    array of int, shape (n_boot, ceil(n_days / block))
        Starts drawn uniformly from all ``n_days`` days. A block covers its start and the
        following ``block − 1`` days, wrapping past the last day to the first; the last block
        of a resample is cut so that the resample has exactly ``n_days`` days.
    """
    block = _usable_block(block, n_days)
    n_blocks = -(-n_days // block)
    return rng.integers(0, n_days, size=(n_boot, n_blocks))


def _resample_days(starts: np.ndarray, block: int, n_days: int) -> np.ndarray:
    """The days of each resample in order, shape (n_boot, n_days)."""
    n_boot = len(starts)
    runs = starts[:, :, None] + np.arange(block)
    return runs.reshape(n_boot, -1)[:, :n_days] % n_days


def block_bootstrap_counts(
    n_samples: int, n_boot: int, block: int, random_state: int | None = 0
) -> NDArray[np.int64]:
    """How often each day appears in each circular block-bootstrap resample.

    The resamples of :func:`bootstrap_starts` (drawn with
    ``np.random.default_rng(random_state)``) as integer weights, the form in which models refit
    on them: a weight of 2 counts a row twice.

    Parameters
    ----------
    n_samples : number of consecutive days (rows); n_boot : number of resamples;
    block : block length in days (cut to ``[1, n_samples]``); random_state : seed.

    Returns
    -------
    array of int, shape (n_boot, n_samples) — each row sums to ``n_samples``.
    """
    if n_samples < 1 or n_boot < 1:
        raise ValueError("n_samples and n_boot must be at least 1")
    block = _usable_block(block, n_samples)
    starts = bootstrap_starts(n_samples, block, n_boot, np.random.default_rng(random_state))
    days = _resample_days(starts, block, n_samples)
    flat = (days + n_samples * np.arange(n_boot)[:, None]).ravel()
    return np.bincount(flat, minlength=n_boot * n_samples).reshape(n_boot, n_samples)


def bootstrap_sums(values: np.ndarray, starts: np.ndarray, block: int) -> np.ndarray:
    """Sums of per-day values over the days of each resample of :func:`bootstrap_starts`.

    The same numbers as ``values @ counts.T`` with the resamples' day counts, but every block's
    sum is read from prefix sums: a resample costs one look-up per block, not one per day.

    Parameters
    ----------
    values : array, shape (k, n_days) — k per-day series.
    starts : array of int, shape (n_boot, ceil(n_days / block)) — from :func:`bootstrap_starts`
        with the same ``n_days`` and ``block``.
    block : block length in days (cut to ``[1, n_days]``).

    Returns
    -------
    array, shape (k, n_boot)
    """
    values = np.atleast_2d(values)
    k, n_days = values.shape
    block = _usable_block(block, n_days)
    if starts.ndim != 2 or starts.shape[1] != -(-n_days // block):
        raise ValueError(
            f"starts must have shape (n_boot, {-(-n_days // block)}) for {n_days} days in blocks "
            f"of {block}, got {starts.shape}"
        )
    last_length = n_days - (starts.shape[1] - 1) * block
    # Prefix sums over the series followed by its first block − 1 days: a block starting at s
    # sums prefix[s + length] − prefix[s] whether or not it wraps past the last day.
    wrapped = np.concatenate([values, values[:, : block - 1]], axis=1)
    prefix = np.zeros((k, wrapped.shape[1] + 1))
    np.cumsum(wrapped, axis=1, out=prefix[:, 1:])
    block_sums = prefix[:, block : block + n_days] - prefix[:, :n_days]
    full, last = starts[:, :-1], starts[:, -1]
    totals = np.empty((k, len(starts)))
    for row in range(k):
        totals[row] = block_sums[row][full].sum(axis=1)
    totals += prefix[:, last + last_length] - prefix[:, last]
    return totals


def percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The central :data:`CI_LEVEL` percentile interval of the finite values of ``draws``.

    Parameters
    ----------
    draws : array, shape (n_boot,) — resampled effects; NaN where a resample gave none.

    Returns
    -------
    (low, high) : floats; NaN when fewer than :data:`MIN_VALID_RESAMPLE_SHARE` of the draws
        are finite.
    """
    finite = draws[np.isfinite(draws)]
    if finite.size < MIN_VALID_RESAMPLE_SHARE * draws.size or finite.size == 0:
        return math.nan, math.nan
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def rotation_shifts(n_days: int, n_perm: int | None, rng: np.random.Generator) -> np.ndarray:
    """Shifts (in days) a rotation test compares with the observed alignment (shift 0).

    Returns
    -------
    array of int, shape (min(n_days − 1, n_perm),)
        All ``n_days − 1`` nonzero shifts in order, or ``n_perm`` of them drawn without
        replacement (sorted) when that is fewer; None means all.
    """
    shifts = np.arange(1, n_days)
    if n_perm is not None and n_perm < shifts.size:
        shifts = np.sort(rng.choice(shifts, size=n_perm, replace=False))
    return shifts


def circular_cross_sums(
    left: np.ndarray, right: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> np.ndarray:
    """``out[p, k] = Σ_t left[i, (t − k) mod n] · right[j, t]`` for each pair p = (i, j).

    The sums a rotation test needs, for every shift k of ``left[i]`` at once, by FFT.
    Column 0 is the observed alignment.

    Parameters
    ----------
    left : array, shape (a, n); right : array, shape (b, n)
    pairs : the (row of left, row of right) combinations wanted.

    Returns
    -------
    array, shape (len(pairs), n)
    """
    n = left.shape[-1]
    first, second = np.array(pairs).T
    left_f = np.conj(fft.rfft(left, axis=-1))[first]
    right_f = fft.rfft(right, axis=-1)[second]
    return fft.irfft(left_f * right_f, n=n, axis=-1)


def rotation_p_from_statistics(observed: float, shifted: np.ndarray) -> tuple[float, int]:
    """The rotation-test p-value of a statistic and how many shifts it counted.

    Parameters
    ----------
    observed : the statistic at the observed alignment.
    shifted : array, shape (n_shifts,) — the statistic after each shift; NaN where undefined.

    Returns
    -------
    (p_value, n_shifts)
        ``(1 + #{|shifted| ≥ |observed|}) / (1 + #shifted)`` over the finite shifted values
        (within :data:`TIE_RTOL` counts as equal), and that number of values; ``(nan, 0)``
        when the observed statistic or every shifted one is undefined.
    """
    shifted = shifted[np.isfinite(shifted)]
    if not np.isfinite(observed) or shifted.size == 0:
        return math.nan, 0
    threshold = abs(observed) * (1 - TIE_RTOL)
    extreme = np.count_nonzero(np.abs(shifted) >= threshold)
    return (1 + extreme) / (1 + shifted.size), int(shifted.size)
