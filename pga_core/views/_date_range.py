"""Which days the pages and the report work on: a date range chosen in words, and its statement.

Journal questions change over the years, habits come and go: a person may want only the last
year, or the days since they started a new routine. The range itself is cut out of the data by
:meth:`pga_core.data.DailyData.between`; here are the choices a person picks from, the dates each
choice stands for, and the sentence every result carries ("from 2023-01-12 to 2024-12-28, 482
days").
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from pga_core.data import DailyData
from pga_core.words import plural

__all__ = [
    "ALL_DAYS",
    "CUSTOM_RANGE",
    "LAST_12_MONTHS",
    "RANGE_CHOICES",
    "SINCE_A_DATE",
    "chosen_range",
    "days_in_use",
    "parse_day",
    "range_words",
]

ALL_DAYS = "All days"
LAST_12_MONTHS = "The last 12 months"
SINCE_A_DATE = "Since a date"
CUSTOM_RANGE = "From one date to another"
#: The choices, the default first.
RANGE_CHOICES: tuple[str, ...] = (ALL_DAYS, LAST_12_MONTHS, SINCE_A_DATE, CUSTOM_RANGE)
#: "The last 12 months" ends on the data's last day, not today: an export of last year's data
#: would otherwise have no days in it.
MONTHS_BACK = 12
DAY_FORMAT = "%Y-%m-%d"


def chosen_range(
    choice: str,
    last_day: date,
    *,
    since: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[date | None, date | None]:
    """The first and last day a choice of :data:`RANGE_CHOICES` stands for.

    Parameters
    ----------
    choice : one of :data:`RANGE_CHOICES`.
    last_day : the data's last day (where "the last 12 months" end).
    since : the first day of :data:`SINCE_A_DATE`.
    start, end : the days of :data:`CUSTOM_RANGE`.

    Returns
    -------
    (first, last)
        For :meth:`DailyData.between`; None is an open end (all days are ``(None, None)``).

    Raises
    ------
    ValueError
        An unknown choice, a choice without its dates, or a range ending before it starts.
    """
    if choice == ALL_DAYS:
        return None, None
    if choice == LAST_12_MONTHS:
        first = pd.Timestamp(last_day) - pd.DateOffset(months=MONTHS_BACK) + pd.Timedelta(days=1)
        return first.date(), last_day
    if choice == SINCE_A_DATE:
        if since is None:
            raise ValueError("choose the first day to use")
        return since, None
    if choice == CUSTOM_RANGE:
        if start is None or end is None:
            raise ValueError("choose both the first and the last day to use")
        if start > end:
            raise ValueError(
                f"the range starts on {start:{DAY_FORMAT}}, after its end on {end:{DAY_FORMAT}}; "
                "give the earlier date first"
            )
        return start, end
    raise ValueError(f"unknown date range {choice!r}; expected one of {', '.join(RANGE_CHOICES)}")


def range_words(daily: DailyData) -> str:
    """The days a result is made of, inside a sentence: ``from 2023-01-12 to 2024-12-28, 482
    days`` (days with any value; ``no days`` when there are none)."""
    index = daily.table.index
    if not len(index):
        return "no days"
    return f"from {index[0]:{DAY_FORMAT}} to {index[-1]:{DAY_FORMAT}}, {plural(len(index), 'day')}"


def days_in_use(daily: DailyData, choice: str = ALL_DAYS) -> str:
    """The statement under every page's title: ``Days used: all days, from 2023-01-02 to
    2024-12-31, 730 days.`` or ``Days used: the last 12 months, from …``."""
    return f"Days used: {choice[0].lower()}{choice[1:]}, {range_words(daily)}."


def parse_day(text: str) -> date:
    """An ISO date (``2024-01-31``) as a day.

    Raises
    ------
    ValueError
        The text is not a date written as YYYY-MM-DD (it is quoted in the message).
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date written as YYYY-MM-DD, got {text!r}") from None
