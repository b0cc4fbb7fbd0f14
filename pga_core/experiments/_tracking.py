"""Tracking a running experiment from the data as it is imported: adherence and progress.

No logging step of its own: the behaviour's or habit's own column (a journal question, a habit
sheet) says what was done each day, and the plan's rules say whether that was the plan. A day is
*done as planned* when its value meets the rule of the day's condition, *missed* when it has a
value that does not, *not logged* when it has none, and *to come* when it lies after the data's
last day. A period is *kept* when at least :data:`KEPT_SHARE` of its days were done as planned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.experiments._plan import ExperimentPlan

__all__ = [
    "DAY_STATUSES",
    "KEPT_SHARE",
    "Adherence",
    "adherence",
    "adherence_days",
    "period_table",
]

#: A period is kept when at least this share of its days (washout included) went as planned.
KEPT_SHARE = 0.75
#: What a planned day can be, in the order they are counted.
DAY_STATUSES = ("done", "missed", "not logged", "to come")
_DAY_FORMAT = "%Y-%m-%d"


def _last_day(daily: DailyData) -> pd.Timestamp | None:
    return daily.table.index.max() if daily.days else None


def adherence_days(plan: ExperimentPlan, daily: DailyData) -> pd.DataFrame:
    """The plan's days with what the data says happened.

    Parameters
    ----------
    plan : the experiment.
    daily : the person's data as imported so far (the behaviour and outcome columns may be
        missing: their days are then not logged).

    Returns
    -------
    DataFrame, shape (plan.design.days, 11)
        :meth:`ExperimentPlan.schedule`'s columns, plus ``value`` (the behaviour's value that
        day, NaN if not logged), ``status`` (one of :data:`DAY_STATUSES`), ``outcome`` (the
        outcome on ``outcome_day``, NaN if unknown) and ``outcome_due`` (True once
        ``outcome_day`` is on or before the data's last day).
    """
    days = plan.schedule()
    table = daily.table
    values = (
        table[plan.behaviour].reindex(days.index).to_numpy(dtype=np.float64)
        if plan.behaviour in table
        else np.full(len(days), np.nan)
    )
    outcome = (
        table[plan.outcome].reindex(pd.DatetimeIndex(days["outcome_day"])).to_numpy(np.float64)
        if plan.outcome in table
        else np.full(len(days), np.nan)
    )
    last = _last_day(daily)
    past = (days.index <= last) if last is not None else np.zeros(len(days), dtype=bool)
    due = (days["outcome_day"] <= last).to_numpy() if last is not None else np.zeros_like(past)
    rules = [c.rule for c in plan.conditions]
    planned = np.where(
        days["condition"].to_numpy() == 0, rules[0].holds(values), rules[1].holds(values)
    )
    status = np.select(
        [~past, np.isnan(values), planned],
        ["to come", "not logged", "done"],
        default="missed",
    )
    return days.assign(value=values, status=status, outcome=outcome, outcome_due=due)


def period_table(plan: ExperimentPlan, daily: DailyData) -> pd.DataFrame:
    """One row per period: what was planned, how it went, and its outcome.

    Returns
    -------
    DataFrame, shape (2 × pairs, 14)
        ``pair, period, condition`` (0 = A, 1 = B), ``first_day, last_day``; day counts
        ``done, missed, not_logged, to_come``; ``over`` (every day is past), ``kept`` (over and
        at least :data:`KEPT_SHARE` of its days done), ``outcome_days`` (analysed days, washout
        excluded, whose outcome is known), ``outcome_mean`` (their mean, NaN without any) and
        ``complete`` (every analysed day's outcome is due).
    """
    days = adherence_days(plan, daily)
    analysed = ~days["washout"] & days["outcome"].notna()
    counted = days.assign(
        done=days["status"] == "done",
        missed=days["status"] == "missed",
        not_logged=days["status"] == "not logged",
        to_come=days["status"] == "to come",
        analysed=analysed,
        analysed_outcome=days["outcome"].where(analysed),
        due=days["outcome_due"] | days["washout"],
        first_day=days.index,
        last_day=days.index,
    )
    grouped = counted.groupby("period", sort=True)
    periods = pd.DataFrame(
        {
            "pair": grouped["pair"].first(),
            "condition": grouped["condition"].first(),
            "first_day": grouped["first_day"].min(),
            "last_day": grouped["last_day"].max(),
            "done": grouped["done"].sum(),
            "missed": grouped["missed"].sum(),
            "not_logged": grouped["not_logged"].sum(),
            "to_come": grouped["to_come"].sum(),
            "outcome_days": grouped["analysed"].sum(),
            "outcome_mean": grouped["analysed_outcome"].mean(),
            "complete": grouped["due"].all(),
        }
    ).reset_index()
    periods["over"] = periods["to_come"] == 0
    needed = math.ceil(KEPT_SHARE * plan.design.period_days - 1e-9)
    periods["kept"] = periods["over"] & (periods["done"] >= needed)
    columns = [
        "pair", "period", "condition", "first_day", "last_day", "done", "missed", "not_logged",
        "to_come", "over", "kept", "outcome_days", "outcome_mean", "complete",
    ]  # fmt: skip
    return periods[columns]


@dataclass(frozen=True)
class Adherence:
    """How an experiment is going: its days, periods and pairs so far.

    Attributes
    ----------
    days : days planned; ``done, missed, not_logged, to_come`` count them by status.
    periods : periods planned; ``periods_kept`` of them over and kept, ``periods_not_kept``
        over and not kept, ``periods_to_come`` not over yet.
    pairs : pairs planned; ``pairs_complete`` with every outcome due, ``pairs_kept`` of those
        with both periods kept.
    last_day : the data's last day (None without data).
    start, end : the plan's first and last day.
    """

    days: int
    done: int
    missed: int
    not_logged: int
    to_come: int
    periods: int
    periods_kept: int
    periods_not_kept: int
    periods_to_come: int
    pairs: int
    pairs_complete: int
    pairs_kept: int
    last_day: pd.Timestamp | None
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def state(self) -> str:
        """``not started`` (no planned day is past), ``running`` or ``finished`` (every
        pair's outcomes are in)."""
        if self.to_come == self.days:
            return "not started"
        return "finished" if self.pairs_complete == self.pairs else "running"

    @property
    def progress(self) -> float:
        """Share of the planned days that are past, 0 to 1."""
        return (self.days - self.to_come) / self.days

    def to_json(self) -> dict[str, Any]:
        """The counts, the state, the progress and the days as ISO dates."""
        return {
            "state": self.state,
            "progress": self.progress,
            "days": self.days,
            "done": self.done,
            "missed": self.missed,
            "not_logged": self.not_logged,
            "to_come": self.to_come,
            "periods": self.periods,
            "periods_kept": self.periods_kept,
            "periods_not_kept": self.periods_not_kept,
            "periods_to_come": self.periods_to_come,
            "pairs": self.pairs,
            "pairs_complete": self.pairs_complete,
            "pairs_kept": self.pairs_kept,
            "last_day": None if self.last_day is None else self.last_day.strftime(_DAY_FORMAT),
            "start": self.start.strftime(_DAY_FORMAT),
            "end": self.end.strftime(_DAY_FORMAT),
        }


def adherence(plan: ExperimentPlan, daily: DailyData) -> Adherence:
    """Count the experiment's days, periods and pairs by how they went (see the module)."""
    periods = period_table(plan, daily)
    by_pair = periods.groupby("pair")
    complete = by_pair["complete"].all()
    kept = by_pair["kept"].all() & complete
    counts = {status: int(periods[status.replace(" ", "_")].sum()) for status in DAY_STATUSES}
    return Adherence(
        days=plan.design.days,
        done=counts["done"],
        missed=counts["missed"],
        not_logged=counts["not logged"],
        to_come=counts["to come"],
        periods=len(periods),
        periods_kept=int(periods["kept"].sum()),
        periods_not_kept=int((periods["over"] & ~periods["kept"]).sum()),
        periods_to_come=int((~periods["over"]).sum()),
        pairs=plan.design.pairs,
        pairs_complete=int(complete.sum()),
        pairs_kept=int(kept.sum()),
        last_day=_last_day(daily),
        start=plan.start,
        end=plan.end,
    )
