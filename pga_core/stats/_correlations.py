"""Lagged correlations: each variable on day t against each on day t + lag, rotation-tested.

The p-values come from the same rotation test as behaviour impact (:mod:`pga_core.stats`),
so slowly drifting series are not mistaken for related ones, and the q-values are
Benjamini–Hochberg over the tested pairs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.engine import circular_cross_sums, rotation_p_from_statistics, rotation_shifts
from pga_core.stats._inputs import (
    EFFECT_N_PERM,
    check_column,
    check_days,
    check_lag,
    check_n_perm,
    draw_base_seed,
    is_circular,
    rng_for_test,
)
from pga_core.stats._verdicts import bh_q_values

__all__ = ["MIN_PAIRS_FOR_CORRELATION", "LaggedCorrelations", "lagged_correlations"]

#: Fewer paired days than this and a correlation is not tested.
MIN_PAIRS_FOR_CORRELATION = 10


@dataclass(frozen=True)
class LaggedCorrelations:
    """Correlations between variables on day t (rows) and day t + lag (columns).

    Attributes
    ----------
    lag : days between the row variable and the column variable.
    method : ``pearson`` or ``spearman``.
    r : DataFrame, shape (n_columns, n_columns); NaN on the diagonal and where untested.
    p_value : rotation-test p-values, same shape; NaN where not tested.
    q_value : Benjamini–Hochberg q-values over all tested cells, same shape.
    n_pairs : days with both values, same shape.
    table : long form, one row per cell with a correlation (``x``, ``y``, ``lag``, ``method``,
        ``r``, ``n_pairs``, ``p_value``, ``q_value``, ``circular``, ``tested``); at lag 0 each
        pair appears once. Pass it to :func:`~pga_core.stats.adjust_together` to correct
        with other tests.
    """

    lag: int
    method: str
    r: pd.DataFrame
    p_value: pd.DataFrame
    q_value: pd.DataFrame
    n_pairs: pd.DataFrame
    table: pd.DataFrame


def lagged_correlations(
    daily: DailyData,
    columns: Sequence[str],
    *,
    lag: int = 0,
    method: str = "pearson",
    min_pairs: int = MIN_PAIRS_FOR_CORRELATION,
    n_perm: int | None = EFFECT_N_PERM,
    random_state: int | np.random.Generator | None = 0,
) -> LaggedCorrelations:
    """Correlation of each column on day t with each column on day t + lag, honest p-values.

    Each p-value is a rotation test (see :mod:`pga_core.stats`): the day-t series is shifted
    circularly against the other and the correlation recomputed for every shift, which keeps
    both series' autocorrelation. Two slowly drifting series correlate strongly by chance;
    rotation knows that, a textbook correlation test does not. At lag 0 the matrix is symmetric
    and each pair is tested once; the diagonal is never tested. Circular pairs (one computed
    from the other) are flagged and left out of the q-value family. A pair where one side has
    the same value on every day both are known has no correlation: its r, p and q are NaN.

    Parameters
    ----------
    daily : the day-indexed table.
    columns : at least two column names.
    lag : days from the row variable to the column variable, ``>= 0``.
    method : ``pearson``, or ``spearman`` — Pearson correlation of each column's ranks, ranked
        over all of that column's logged days (equal to Spearman's rho when both columns are
        logged on the same days).
    min_pairs : fewest days with both values for a test.
    n_perm : most rotations per test; None or more than the history uses all shifts.
    random_state : seed for choosing rotations when not all are used.

    Returns
    -------
    LaggedCorrelations
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method must be 'pearson' or 'spearman', got {method!r}")
    names = list(dict.fromkeys(columns))
    if len(names) < 2:
        raise ValueError("lagged_correlations needs at least two different columns")
    for name in names:
        check_column(daily, name, "column")
    if not isinstance(min_pairs, int | np.integer) or min_pairs < 3:
        raise ValueError(f"min_pairs must be an integer of at least 3, got {min_pairs!r}")
    check_n_perm(n_perm)
    check_days(daily)
    frame = daily.calendar()[names]
    n_days = len(frame)
    lag = check_lag(lag, n_days)
    if method == "spearman":
        frame = frame.rank()
    base_seed = draw_base_seed(random_state)
    rows = []
    for i, x_name in enumerate(names):
        for j, y_name in enumerate(names):
            if i == j or (lag == 0 and j < i):
                continue
            x = frame[x_name].to_numpy()[: n_days - lag]
            y = frame[y_name].to_numpy()[lag:]
            rng = rng_for_test(base_seed, x_name, y_name, lag)
            r, n_pairs, p_value = _rotation_correlation(x, y, min_pairs, n_perm, rng)
            circular = is_circular(daily.registry, x_name, y_name)
            rows.append(
                {
                    "x": x_name,
                    "y": y_name,
                    "lag": lag,
                    "method": method,
                    "r": r,
                    "n_pairs": n_pairs,
                    "p_value": p_value,
                    "circular": circular,
                    "tested": bool(np.isfinite(p_value)) and not circular,
                }
            )
    table = pd.DataFrame(rows)
    table["q_value"] = bh_q_values(table["p_value"], table["tested"])
    table = table[
        ["x", "y", "lag", "method", "r", "n_pairs", "p_value", "q_value", "circular", "tested"]
    ]
    return LaggedCorrelations(
        lag=lag,
        method=method,
        r=_matrix(table, names, "r", symmetric=lag == 0),
        p_value=_matrix(table, names, "p_value", symmetric=lag == 0),
        q_value=_matrix(table, names, "q_value", symmetric=lag == 0),
        n_pairs=_matrix(table, names, "n_pairs", symmetric=lag == 0),
        table=table,
    )


def _rotation_correlation(
    x: np.ndarray, y: np.ndarray, min_pairs: int, n_perm: int | None, rng: np.random.Generator
) -> tuple[float, int, float]:
    """Pearson r of the complete pairs, their number, and the rotation-test p-value."""
    complete = np.flatnonzero(~np.isnan(x) & ~np.isnan(y))
    if complete.size < min_pairs:
        return math.nan, int(complete.size), math.nan
    span = slice(complete[0], complete[-1] + 1)
    x, y = x[span], y[span]
    x_seen, y_seen = ~np.isnan(x), ~np.isnan(y)
    both = x_seen & y_seen
    if np.ptp(x[both]) == 0 or np.ptp(y[both]) == 0:
        # One side never changes on the days both are known: there is no correlation to test.
        return math.nan, int(complete.size), math.nan
    xc = np.where(x_seen, x - np.nanmean(x), 0.0)
    yc = np.where(y_seen, y - np.nanmean(y), 0.0)
    n, sx, sxx, sy, syy, sxy = circular_cross_sums(
        np.stack([x_seen.astype(np.float64), xc, xc**2]),
        np.stack([y_seen.astype(np.float64), yc, yc**2]),
        [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (1, 1)],
    )
    n = np.rint(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sxy - sx * sy / n
        var_x = sxx - sx**2 / n
        var_y = syy - sy**2 / n
        r = cov / np.sqrt(var_x * var_y)
    r = np.where((n >= 3) & (var_x > 0) & (var_y > 0), r, np.nan)
    pairs = complete.size
    observed = float(np.corrcoef(x[both], y[both])[0, 1])
    if not np.isfinite(observed):
        return math.nan, pairs, math.nan
    p_value, _ = rotation_p_from_statistics(r[0], r[rotation_shifts(x.size, n_perm, rng)])
    return observed, pairs, p_value


def _matrix(table: pd.DataFrame, names: list[str], column: str, symmetric: bool) -> pd.DataFrame:
    """One column of the long correlation table as a square matrix (rows: day t)."""
    position = {name: i for i, name in enumerate(names)}
    rows = table["x"].map(position).to_numpy(dtype=np.intp)
    cols = table["y"].map(position).to_numpy(dtype=np.intp)
    values = np.full((len(names), len(names)), np.nan)
    values[rows, cols] = table[column].to_numpy(dtype=np.float64)
    if symmetric:
        values[cols, rows] = values[rows, cols]
    return pd.DataFrame(values, index=pd.Index(names), columns=pd.Index(names))
