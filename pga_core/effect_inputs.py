"""Checks and preparation shared by the effect statistics.

Readable errors for settings, lags and column names; the calendar (every day from the first to
the last, gaps missing) and the outcome on it, weekday-adjusted if asked; one random generator
per test, derived from the seed and the test's identity; and circular pairs (one variable
computed from the other).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pga_core.daily import DailyData, Variable

__all__: list[str] = []


def _check_settings(min_days: int, n_boot: int, n_perm: int | None) -> None:
    """Reject nonsensical statistical settings with a readable message."""
    if not isinstance(min_days, int | np.integer) or min_days < 1:
        raise ValueError(f"min_days must be a positive whole number of days, got {min_days!r}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive number of resamples, got {n_boot!r}")
    if n_perm is not None and (not isinstance(n_perm, int | np.integer) or n_perm < 1):
        raise ValueError(f"n_perm must be a positive number of rotations or None, got {n_perm!r}")


def _check_lag(lag: object, n_days: int) -> int:
    """A lag is a whole number of days, at least 0, shorter than the history."""
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer):
        raise ValueError(f"lag must be a whole number of days, got {lag!r}")
    if lag < 0:
        raise ValueError(f"lag must be 0 or more days (the outcome comes after), got {lag}")
    if lag >= n_days:
        raise ValueError(
            f"lag of {lag} day(s) needs more than {lag} days of data; the table covers {n_days}"
        )
    return int(lag)


def _check_column(daily: DailyData, name: str, role: str) -> None:
    """The column exists; otherwise list the columns that do."""
    if name not in daily.table.columns:
        available = ", ".join(daily.table.columns) or "none"
        raise ValueError(f"{role} {name!r} is not a column of the data; columns: {available}")


def _calendar(daily: DailyData) -> pd.DatetimeIndex:
    """Every calendar day from the first to the last day of the table (gaps become missing)."""
    index = daily.table.index
    if len(index) == 0:
        raise ValueError("the data has no days")
    return pd.date_range(index.min(), index.max(), freq="D", name="date")


def _outcome_values(
    daily: DailyData, calendar: pd.DatetimeIndex, outcome: str, adjust_weekday: bool
) -> np.ndarray:
    """The outcome on every calendar day, weekday-adjusted if asked; checks it varies."""
    _check_column(daily, outcome, "outcome")
    series = daily.table[outcome].reindex(calendar)
    present = series.dropna()
    if present.size < 2 or present.min() == present.max():
        raise ValueError(
            f"outcome {outcome!r} has {present.size} logged day(s) and no variation; "
            "expected a variable that changes from day to day"
        )
    if adjust_weekday:
        weekday_means = series.groupby(series.index.day_of_week).transform("mean")
        series = series - weekday_means + present.mean()
    return series.to_numpy(dtype=np.float64)


def _base_seed(random_state: int | np.random.Generator | None) -> int:
    """One integer drawn from ``random_state``; every test's generator is derived from it."""
    return int(np.random.default_rng(random_state).integers(2**63))


def _test_rng(base_seed: int, first: str, second: str, lag: int) -> np.random.Generator:
    """A generator that depends only on the seed and the test's identity."""
    key = [base_seed, zlib.crc32(first.encode()), zlib.crc32(second.encode()), lag]
    return np.random.default_rng(key)


def _components_closure(registry: Mapping[str, Variable], name: str) -> set[str]:
    """Every variable ``name`` is computed from, directly or through others."""
    found: set[str] = set()
    stack = [name]
    while stack:
        variable = registry.get(stack.pop())
        if variable is None:
            continue
        for part in variable.components:
            if part not in found:
                found.add(part)
                stack.append(part)
    return found


def _is_circular(registry: Mapping[str, Variable], first: str, second: str) -> bool:
    """Whether one variable is (part of) how the other is computed."""
    return (
        first == second
        or first in _components_closure(registry, second)
        or second in _components_closure(registry, first)
    )
