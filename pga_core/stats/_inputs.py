"""Checks and preparation shared by the effect statistics.

The default resample counts; readable errors for settings, lags, column names and a table
without days; the outcome on the calendar (:meth:`~pga_core.data.DailyData.calendar`),
weekday-adjusted if asked; one random generator per test, derived from the seed and the test's
identity; and circular pairs (one variable computed from the other).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable

__all__ = [
    "EFFECT_N_BOOT",
    "EFFECT_N_PERM",
    "check_column",
    "check_days",
    "check_lag",
    "check_n_perm",
    "check_settings",
    "draw_base_seed",
    "is_circular",
    "outcome_on_calendar",
    "rng_for_test",
    "weekday_adjusted",
]

#: Bootstrap resamples behind every effect's interval unless a caller asks for fewer or more.
EFFECT_N_BOOT = 1000
#: Most rotations (shifts of one series against the other) behind a rotation-test p-value.
EFFECT_N_PERM = 1000


def check_settings(min_days: int, n_boot: int) -> None:
    """Refuse a ``min_days`` or ``n_boot`` that is not a positive whole number.

    Raises
    ------
    ValueError
        Naming the setting, what it must be and the value given.
    """
    if not isinstance(min_days, int | np.integer) or min_days < 1:
        raise ValueError(f"min_days must be a positive whole number of days, got {min_days!r}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive number of resamples, got {n_boot!r}")


def check_n_perm(n_perm: int | None) -> None:
    """Refuse an ``n_perm`` that is neither a positive whole number of rotations nor None.

    Raises
    ------
    ValueError
        Naming the setting, what it must be and the value given.
    """
    if n_perm is not None and (not isinstance(n_perm, int | np.integer) or n_perm < 1):
        raise ValueError(f"n_perm must be a positive number of rotations or None, got {n_perm!r}")


def check_lag(lag: object, n_days: int) -> int:
    """The lag as an int: a whole number of days, at least 0, shorter than the ``n_days``
    of history; ValueError saying which of these it is not."""
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer):
        raise ValueError(f"lag must be a whole number of days, got {lag!r}")
    if lag < 0:
        raise ValueError(f"lag must be 0 or more days (the outcome comes after), got {lag}")
    if lag >= n_days:
        raise ValueError(
            f"lag of {lag} day(s) needs more than {lag} days of data; the table covers {n_days}"
        )
    return int(lag)


def check_column(daily: DailyData, name: str, role: str) -> None:
    """Refuse a column the table lacks: ValueError naming it by ``role`` (``outcome``,
    ``habit``) and listing the columns that exist."""
    if name not in daily.table.columns:
        available = ", ".join(daily.table.columns) or "none"
        raise ValueError(f"{role} {name!r} is not a column of the data; columns: {available}")


def check_days(daily: DailyData) -> None:
    """Refuse a table without days: ValueError saying so."""
    if daily.days == 0:
        raise ValueError("the data has no days")


def weekday_adjusted(series: pd.Series) -> pd.Series:
    """The series with its day-of-week rhythm taken out, as every effect statistic does it.

    Each weekday's mean (over the days with a value) is subtracted and the overall mean added
    back, so weekly rhythms (weekend drinking, Monday recoveries) do not pass for effects and
    the level stays in the variable's unit.

    Parameters
    ----------
    series : values by day, shape (n_days,), indexed by a ``DatetimeIndex``; NaN where not
        logged.

    Returns
    -------
    Series, shape (n_days,)
        Same index; NaN where ``series`` is.
    """
    if not isinstance(series.index, pd.DatetimeIndex):
        raise TypeError("weekday_adjusted needs a series indexed by days (a DatetimeIndex)")
    weekday_means = series.groupby(series.index.day_of_week).transform("mean")
    # the mean of the logged days alone: summing them without the gaps keeps every effect's
    # numbers the same to the last digit
    return series - weekday_means + series.dropna().mean()


def outcome_on_calendar(
    daily: DailyData, calendar: pd.DataFrame, outcome: str, adjust_weekday: bool
) -> np.ndarray:
    """The outcome on every day of ``calendar`` (``daily.calendar()``), shape (n_days,), NaN
    where not logged; with ``adjust_weekday``, :func:`weekday_adjusted`.

    ValueError when the column is missing or has fewer than two different values.
    """
    check_column(daily, outcome, "outcome")
    series = calendar[outcome]
    present = series.dropna()
    if present.size < 2 or present.min() == present.max():
        raise ValueError(
            f"outcome {outcome!r} has {present.size} logged day(s) and no variation; "
            "expected a variable that changes from day to day"
        )
    if adjust_weekday:
        series = weekday_adjusted(series)
    return series.to_numpy(dtype=np.float64)


def draw_base_seed(random_state: int | np.random.Generator | None) -> int:
    """One integer drawn from ``random_state`` (a seed, a generator or None); every test's
    generator is derived from it by :func:`rng_for_test`."""
    return int(np.random.default_rng(random_state).integers(2**63))


def rng_for_test(base_seed: int, first: str, second: str, lag: int) -> np.random.Generator:
    """A generator that depends only on the base seed and the test's identity (its two
    variables and the lag), so a test's draws do not change with what is tested beside it."""
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


def is_circular(registry: Mapping[str, Variable], first: str, second: str) -> bool:
    """Whether the two variables are the same or one is (part of) how the other is computed,
    directly or through others, by the registry's ``components``."""
    return (
        first == second
        or first in _components_closure(registry, second)
        or second in _components_closure(registry, first)
    )
