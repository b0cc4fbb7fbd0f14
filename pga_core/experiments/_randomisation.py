"""The randomisation test of a paired design, and the interval that inverts it.

In each pair a coin chose the order of the two periods. If the change does nothing at all (the
sharp null), every day's outcome would have been the same under the other order, and only the
labels A and B would swap within the pair: the pair's difference, A − B, changes sign. The test
re-draws the design's own coin tosses — every one of the 2^pairs orders when there are few pairs,
a large sample otherwise — and asks how often the mean difference is at least as far from zero
as the one observed. Because that is exactly how the orders were drawn, the p-value is valid
whatever the outcome's autocorrelation, trend or distribution (valid by design).

The 95 % interval is the set of constant effects δ the same test does not reject: subtracting δ
from every pair difference and re-drawing the orders leaves a p-value above 5 %. For each
re-drawn order the condition "at least as extreme" is a quadratic inequality in δ that holds on
one interval around the estimate, so the whole interval follows from sorting the ends of those
intervals (exact, no grid search). With five pairs or fewer no order can reach p ≤ 5 % (the
smallest p-value is 2 / 2^pairs), and the interval is unbounded.
"""

from __future__ import annotations

import math

import numpy as np

from pga_core.engine import CI_LEVEL, TIE_RTOL

__all__ = [
    "MAX_EXHAUSTIVE_PAIRS",
    "N_ORDERS_DRAWN",
    "SIGNIFICANCE",
    "order_signs",
    "randomisation_interval",
    "randomisation_p",
]

#: Up to this many pairs the test uses every order (2^12 = 4,096); above, a random sample.
MAX_EXHAUSTIVE_PAIRS = 12
#: Orders drawn when there are more pairs than :data:`MAX_EXHAUSTIVE_PAIRS`.
N_ORDERS_DRAWN = 10_000
#: A p-value at or below this is significant; the intervals are at 1 − this.
SIGNIFICANCE = 1.0 - CI_LEVEL
#: Orders that flip every pair or none have a constant ratio to the observed statistic.
_WHOLE_FLIP_TOL = 1e-12


def order_signs(
    pairs: int,
    *,
    n_draws: int = N_ORDERS_DRAWN,
    max_exhaustive: int = MAX_EXHAUSTIVE_PAIRS,
    random_state: int | None = 0,
) -> np.ndarray:
    """The orders the test re-draws, as signs of the pair differences.

    Parameters
    ----------
    pairs : number of pairs K.
    n_draws : orders drawn when K > ``max_exhaustive``.
    max_exhaustive : up to this many pairs every order is used.
    random_state : seed of the draws.

    Returns
    -------
    array of ±1.0, shape (M, K)
        Row 0 is the observed order (all +1: no pair swapped). With K ≤ ``max_exhaustive``,
        M = 2^K and the rows are every order once; otherwise M = 1 + ``n_draws`` and rows 1…
        are drawn independently (each pair swapped with probability ½), so that the p-value
        ``(1 + #as extreme) / (1 + n_draws)`` is valid.
    """
    if pairs < 1:
        raise ValueError(f"pairs: expected 1 or more, got {pairs}")
    if pairs <= max_exhaustive:
        codes = np.arange(2**pairs)[:, None] >> np.arange(pairs)[None, :]
        return 1.0 - 2.0 * (codes & 1)
    rng = np.random.default_rng(random_state)
    drawn = 1.0 - 2.0 * rng.integers(0, 2, size=(n_draws, pairs))
    return np.vstack([np.ones((1, pairs)), drawn])


def _as_rows(differences: np.ndarray) -> np.ndarray:
    rows = np.atleast_2d(np.asarray(differences, dtype=np.float64))
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError("pair differences: expected shape (K,) or (n, K) with K ≥ 1")
    return rows


def randomisation_p(differences: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Two-sided randomisation p-value of the mean pair difference.

    Parameters
    ----------
    differences : array, shape (K,) or (n, K) — per pair, mean outcome in A minus in B (each
        row one experiment).
    signs : array, shape (M, K), from :func:`order_signs`.

    Returns
    -------
    array, shape (n,)
        ``#{orders with |mean| ≥ |observed mean|} / M`` (within :data:`TIE_RTOL` counts as
        equal; the observed order counts itself).
    """
    rows = _as_rows(differences)
    pairs = rows.shape[1]
    observed = np.abs(rows.mean(axis=1))
    shifted = np.abs(rows @ signs.T) / pairs
    extreme = shifted >= observed[:, None] * (1 - TIE_RTOL)
    return extreme.mean(axis=1)


def randomisation_interval(
    differences: np.ndarray, signs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The :data:`CI_LEVEL` interval of a constant effect, by inverting :func:`randomisation_p`.

    Parameters
    ----------
    differences : array, shape (K,) or (n, K) — pair differences, A − B.
    signs : array, shape (M, K), from :func:`order_signs` (row 0 the observed order).

    Returns
    -------
    (low, high) : arrays, shape (n,)
        Every δ in [low, high] leaves a p-value above :data:`SIGNIFICANCE` when δ is taken off
        each pair difference, and no δ outside does; ``−inf`` and ``+inf`` when no δ can be
        rejected (too few orders).

    Notes
    -----
    For an order with signs s, write u = mean(s·d) and v = mean(s). It is at least as extreme
    as the observed order at δ when ``(u − δv)² ≥ (m − δ)²``, m = mean(d). With |v| < 1 this
    quadratic opens downwards and holds on one interval [lo, hi], which contains m; orders with
    |v| = 1 (none or all pairs swapped) always count. So the number of orders counted falls
    step by step away from m, and the interval ends are order statistics of lo and hi.
    """
    rows = _as_rows(differences)
    n, pairs = rows.shape
    total = signs.shape[0]
    v = signs.mean(axis=1)
    partial = np.abs(np.abs(v) - 1.0) > _WHOLE_FLIP_TOL
    always = total - int(np.count_nonzero(partial))
    needed = math.floor(SIGNIFICANCE * total - always) + 1
    if needed <= 0:
        return np.full(n, -np.inf), np.full(n, np.inf)
    v = v[partial]
    u = rows @ signs[partial].T / pairs
    m = rows.mean(axis=1, keepdims=True)
    a = v**2 - 1.0  # < 0
    b = 2.0 * (m - u * v)
    c = u**2 - m**2
    root = np.sqrt(np.maximum(b**2 - 4.0 * a * c, 0.0))
    low_ends = (-b + root) / (2.0 * a)
    high_ends = (-b - root) / (2.0 * a)
    count = low_ends.shape[1]
    low = np.partition(low_ends, needed - 1, axis=1)[:, needed - 1]
    high = np.partition(high_ends, count - needed, axis=1)[:, count - needed]
    return low, high
