"""Feature expressions: a daily variable, shifted or summarised over the days before.

An expression is a column name, optionally followed by one transform:

``name``
    the day's value.
``name@lagK``
    the value K days earlier (``have_any_alcoholic_drinks@lag1``: yesterday's answer).
``name@meanK``
    the mean of the K days ending that day, over the days that have a value (at least one).
``name@sumK``
    the total of the K days ending that day: K × the mean of the days that have a value, when at
    least three quarters of the K days have one; missing otherwise.

Everything is computed on the calendar: the table is first given one row per day from its first
to its last, so "K days earlier" is always K calendar days, whatever days the data lacks.

Why these missing-day rules. A mean stands for a level, and sparse readings are its main use
(a weigh-in every few days, a VO₂ max estimate now and then): any reading in the window
estimates the level. A sum stands for a total over every one of the K days; a device left off
for two days should not erase a month of data, so the missing days are filled at the window's own
mean (which keeps the units of a K-day total), but with more than a quarter of the days missing
the total would be more guess than measurement.

A *sustained* change moves the underlying variable by the same amount on every day; a feature
then moves by :func:`sustained_factor` times that amount (1 for a value, a lag or a mean; K for a
K-day sum). The goal tree's chain rule multiplies these factors along each path.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pga_core.data._daily import DailyData

__all__ = [
    "SUM_MIN_SHARE",
    "TRANSFORMS",
    "Feature",
    "feature_frame",
    "max_lag_window",
    "parse_feature",
    "sustained_factor",
]

#: The transforms an expression may name after ``@``.
TRANSFORMS: tuple[str, ...] = ("lag", "mean", "sum")
#: A K-day sum needs at least this share of its K days to have a value.
SUM_MIN_SHARE = 0.75
#: How many close column names an "unknown column" message suggests, and how close they must be
#: (difflib's similarity ratio): only near-misspellings, not names that merely share letters.
MAX_SUGGESTIONS = 3
CLOSE_MATCH_RATIO = 0.75
#: Largest K accepted (ten years of days); larger is surely a typo.
MAX_K = 3650

_EXPRESSION = re.compile(r"^(?P<name>[^@\s]+)(?:@(?P<transform>[A-Za-z_]*)(?P<k>[-+]?\d*))?$")


@dataclass(frozen=True)
class Feature:
    """A parsed feature expression.

    Attributes
    ----------
    expression : the text as written (``zone5_min@sum28``).
    name : the underlying daily column (``zone5_min``).
    transform : ``""`` (the value itself), ``"lag"``, ``"mean"`` or ``"sum"``.
    k : days of the lag or window (0 for the value itself).
    """

    expression: str
    name: str
    transform: str = ""
    k: int = 0

    @property
    def sustained_factor(self) -> float:
        """How far the feature moves when the variable moves by 1 on every day (K for sums)."""
        return float(self.k) if self.transform == "sum" else 1.0

    @property
    def reach(self) -> int:
        """How many days before the row's day the feature looks (its lag, or window length)."""
        return self.k

    def compute(self, column: pd.Series) -> pd.Series:
        """The feature of one calendar-complete daily column (index: every day, in order)."""
        if self.transform == "lag":
            return column.shift(self.k)
        if self.transform == "mean":
            return column.rolling(self.k, min_periods=1).mean()
        if self.transform == "sum":
            needed = math.ceil(SUM_MIN_SHARE * self.k)
            return column.rolling(self.k, min_periods=needed).mean() * self.k
        return column.copy()


def parse_feature(expression: str, columns: Iterable[str] | None = None) -> Feature:
    """Parse ``name``, ``name@lagK``, ``name@meanK`` or ``name@sumK``.

    Parameters
    ----------
    expression : the text to parse.
    columns : the daily table's column names; if given, ``name`` must be one of them.

    Raises
    ------
    ValueError
        For an unknown column (naming close matches), an unknown transform, or K below 1,
        each message naming the expression.
    """
    if not isinstance(expression, str):
        raise TypeError(f"a feature expression must be text, got {type(expression).__name__}")
    text = expression.strip()
    match = _EXPRESSION.match(text)
    if match is None:
        raise ValueError(
            f"feature {expression!r}: expected a column name, optionally followed by "
            "@lagK, @meanK or @sumK (e.g. zone5_min@sum28)"
        )
    name, transform, k_text = match.group("name", "transform", "k")
    if columns is not None:
        _check_column(expression, name, columns)
    if transform is None:
        return Feature(text, name)
    transform = transform.lower()
    if transform not in TRANSFORMS:
        raise ValueError(
            f"feature {expression!r}: unknown transform {transform!r}; expected lagK, meanK or "
            "sumK with a whole number of days K (e.g. @lag1, @mean7, @sum28)"
        )
    if not k_text or k_text in "+-":
        raise ValueError(
            f"feature {expression!r}: @{transform} needs a number of days, e.g. @{transform}7"
        )
    k = int(k_text)
    if k < 1:
        raise ValueError(f"feature {expression!r}: the number of days must be at least 1, got {k}")
    if k > MAX_K:
        raise ValueError(
            f"feature {expression!r}: {k} days is longer than the {MAX_K} days accepted"
        )
    return Feature(text, name, transform, k)


def _check_column(expression: str, name: str, columns: Iterable[str]) -> None:
    known = list(columns)
    if name in known:
        return
    close = difflib.get_close_matches(name, known, n=MAX_SUGGESTIONS, cutoff=CLOSE_MATCH_RATIO)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ValueError(f"feature {expression!r}: no column named {name!r} in the data{hint}")


def sustained_factor(expression: str) -> float:
    """How far ``expression`` moves when its variable moves by 1 on every day.

    1 for the value itself, a lag or a mean; K for a K-day sum (``zone5_min@sum28`` → 28).
    """
    return parse_feature(expression).sustained_factor


def max_lag_window(expressions: Iterable[str]) -> int:
    """The longest lag or window, in days, among ``expressions`` (0 if none has one)."""
    return max((parse_feature(e).reach for e in expressions), default=0)


def feature_frame(daily: DailyData, expressions: Iterable[str]) -> pd.DataFrame:
    """Compute feature expressions on the calendar.

    Parameters
    ----------
    daily : the day table.
    expressions : feature expressions; their columns must exist in ``daily``.

    Returns
    -------
    DataFrame, shape (n_calendar_days, n_unique_expressions)
        Index: every day from the table's first to its last (days the table lacks are added,
        all missing). One float column per distinct expression, named by the expression as
        written; NaN where the feature is missing.

    Raises
    ------
    ValueError
        As :func:`parse_feature`, for the first bad expression.
    """
    table = daily.calendar()
    columns = {}
    for expression in dict.fromkeys(expressions):
        feature = parse_feature(expression, daily.table.columns)
        columns[expression] = feature.compute(table[feature.name])
    return pd.DataFrame(columns, index=table.index, dtype="float64")
