"""The plan of a self-experiment: a randomised block design in pairs of periods.

As in the n-of-1 literature (AHRQ, *Design and Implementation of N-of-1 Trials: A User's
Guide*, 2014): the experiment is cut into periods of a few days, periods come in pairs, and
within each pair a coin decides the order — condition A then B ("AB") or B then A ("BA"). The
person keeps to the period's condition on every one of its days. When an effect lingers, the
first days of each period are a washout: the condition is kept, but the outcome on those days
is not analysed. The seed makes the coin tosses reproducible; the plan stores the orders it
drew as well, so that a stored plan never depends on how a random generator is implemented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.experiments._conditions import Condition, yes_no_conditions

__all__ = [
    "ABANDONED",
    "ACTIVE",
    "COMPLETE",
    "CONDITION_LETTERS",
    "MAX_LAG",
    "MAX_PERIOD_DAYS",
    "PLAN_VERSION",
    "Design",
    "ExperimentPlan",
    "draw_orders",
    "new_seed",
    "plan_experiment",
]

#: Version of the plan's JSON document.
PLAN_VERSION = 1
#: The letters of the two conditions in an order (``AB`` or ``BA``): A is the first condition.
CONDITION_LETTERS = ("A", "B")
#: Longest period a plan may have (days): four weeks of one condition is already long to keep up.
MAX_PERIOD_DAYS = 28
#: Most pairs in one plan (two years of one-week periods).
MAX_PAIRS = 104
#: Longest lag from the behaviour to the outcome (days), as in the behaviour statistics' scan.
MAX_LAG = 7
#: Seeds are drawn from [0, 2³²) when the person gives none.
SEED_RANGE = 2**32
#: A stored experiment's status: running (or still to start), given up, or analysed at its end.
ACTIVE = "active"
ABANDONED = "abandoned"
COMPLETE = "complete"
_DAY_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Design:
    """The shape of a randomised block design: how many pairs of periods, how long each is.

    Attributes
    ----------
    pairs : number of pairs of periods (each pair is one A period and one B period).
    period_days : days in each period, washout included.
    washout_days : first days of each period whose outcome is not analysed (the condition is
        kept on them all the same); fewer than ``period_days``.
    """

    pairs: int
    period_days: int
    washout_days: int = 0

    def __post_init__(self) -> None:
        for what, value, least, most in (
            ("pairs", self.pairs, 1, MAX_PAIRS),
            ("period_days", self.period_days, 1, MAX_PERIOD_DAYS),
            ("washout_days", self.washout_days, 0, MAX_PERIOD_DAYS - 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise TypeError(f"{what}: expected a whole number, got {value!r}")
            if not least <= value <= most:
                raise ValueError(f"{what}: expected {least} to {most}, got {value}")
        if self.washout_days >= self.period_days:
            raise ValueError(
                f"washout_days: expected fewer than the period's {self.period_days} days, so "
                f"that some of each period is analysed; got {self.washout_days}"
            )

    @property
    def days(self) -> int:
        """Days from the first day to the last: 2 × pairs × period_days."""
        return 2 * self.pairs * self.period_days

    @property
    def analysed_days(self) -> int:
        """Days of each period whose outcome is analysed."""
        return self.period_days - self.washout_days

    def with_pairs(self, pairs: int) -> Design:
        """The same periods, more or fewer pairs."""
        return Design(pairs, self.period_days, self.washout_days)


def draw_orders(seed: int, pairs: int) -> tuple[str, ...]:
    """The order within each pair, ``AB`` or ``BA``, each a fair coin toss from ``seed``."""
    a_first = np.random.default_rng(seed).integers(0, 2, size=pairs) == 0
    return tuple("AB" if first else "BA" for first in a_first)


@dataclass(frozen=True)
class ExperimentPlan:
    """A planned self-experiment.

    Attributes
    ----------
    name : what the person calls it; the key it is stored under.
    behaviour : the yes/no behaviour or habit column the conditions are about.
    outcome : the outcome column.
    conditions : (A, B): the change tried and what it is compared with. Effects are A − B.
    design : pairs, period length and washout.
    start : the first day (midnight).
    lag : days from a day's behaviour to the outcome it is paired with (1: the next morning).
    seed : the seed the orders were drawn from.
    orders : per pair, ``AB`` or ``BA``.
    behaviour_label, outcome_label, outcome_unit : how the columns read to people.
    """

    name: str
    behaviour: str
    outcome: str
    conditions: tuple[Condition, Condition]
    design: Design
    start: pd.Timestamp
    lag: int
    seed: int
    orders: tuple[str, ...]
    behaviour_label: str = ""
    outcome_label: str = ""
    outcome_unit: str = ""
    _schedule: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"experiment name: expected a non-empty text, got {self.name!r}")
        if len(self.conditions) != len(CONDITION_LETTERS):
            raise ValueError(f"experiment {self.name!r}: expected two conditions, A and B")
        if self.conditions[0].rule == self.conditions[1].rule:
            raise ValueError(
                f"experiment {self.name!r}: both conditions have the rule "
                f"{self.conditions[0].rule.text()}; expected two different ones"
            )
        if not 0 <= int(self.lag) <= MAX_LAG:
            raise ValueError(f"lag: expected 0 to {MAX_LAG} days, got {self.lag}")
        if len(self.orders) != self.design.pairs or set(self.orders) - {"AB", "BA"}:
            raise ValueError(
                f"experiment {self.name!r}: expected one order (AB or BA) per pair, "
                f"{self.design.pairs} in all; got {list(self.orders)}"
            )
        object.__setattr__(self, "start", pd.Timestamp(self.start).normalize())
        object.__setattr__(self, "_schedule", _schedule(self))

    @property
    def end(self) -> pd.Timestamp:
        """The last day of the plan."""
        return self.start + pd.Timedelta(days=self.design.days - 1)

    @property
    def behaviour_name(self) -> str:
        """The behaviour as people read it (its label, else its column)."""
        return self.behaviour_label or self.behaviour

    @property
    def outcome_name(self) -> str:
        """The outcome as people read it (its label, else its column)."""
        return self.outcome_label or self.outcome

    def schedule(self) -> pd.DataFrame:
        """What to do on each day of the plan.

        Returns
        -------
        DataFrame, shape (design.days, 7)
            Index: the plan's days (``DatetimeIndex`` named ``date``). Columns: ``pair`` and
            ``period`` (1-based; periods counted over the whole plan), ``day_in_period``
            (1-based), ``condition`` (0 for A, 1 for B), ``condition_name``, ``washout``
            (True where the outcome is not analysed) and ``outcome_day`` (the day whose outcome
            the day is paired with: the day + lag).
        """
        return self._schedule.copy()

    def to_json(self) -> dict[str, Any]:
        """The plan as a JSON document (plain types only)."""
        return {
            "version": PLAN_VERSION,
            "name": self.name,
            "behaviour": self.behaviour,
            "behaviour_label": self.behaviour_label,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "outcome_unit": self.outcome_unit,
            "lag": int(self.lag),
            "conditions": [c.to_json() for c in self.conditions],
            "start": self.start.strftime(_DAY_FORMAT),
            "pairs": int(self.design.pairs),
            "period_days": int(self.design.period_days),
            "washout_days": int(self.design.washout_days),
            "seed": int(self.seed),
            "orders": list(self.orders),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ExperimentPlan:
        """The plan :meth:`to_json` wrote.

        Raises
        ------
        ValueError
            A field is missing or wrong, or the document is of a newer version.
        """
        if not isinstance(document, dict):
            raise ValueError(f"experiment plan: expected a JSON object, got {document!r}")
        version = document.get("version", PLAN_VERSION)
        if not isinstance(version, int) or version > PLAN_VERSION:
            raise ValueError(
                f"experiment plan: version {version!r} is newer than this program reads "
                f"({PLAN_VERSION}); please upgrade"
            )
        try:
            return cls(
                name=str(document["name"]),
                behaviour=str(document["behaviour"]),
                outcome=str(document["outcome"]),
                conditions=_two_conditions(document["conditions"]),
                design=Design(
                    int(document["pairs"]),
                    int(document["period_days"]),
                    int(document.get("washout_days", 0)),
                ),
                start=pd.Timestamp(document["start"]),
                lag=int(document["lag"]),
                seed=int(document["seed"]),
                orders=tuple(str(o) for o in document["orders"]),
                behaviour_label=str(document.get("behaviour_label", "")),
                outcome_label=str(document.get("outcome_label", "")),
                outcome_unit=str(document.get("outcome_unit", "")),
            )
        except KeyError as error:
            raise ValueError(f"experiment plan: the field {error.args[0]!r} is missing") from error
        except TypeError as error:
            raise ValueError(f"experiment plan: a field has the wrong type ({error})") from error

    def restarted(self, start: pd.Timestamp | str, seed: int | None = None) -> ExperimentPlan:
        """The same experiment from a new first day, with new orders (from ``seed``, or a
        freshly drawn one)."""
        chosen = new_seed() if seed is None else _check_seed(seed)
        return ExperimentPlan(
            name=self.name,
            behaviour=self.behaviour,
            outcome=self.outcome,
            conditions=self.conditions,
            design=self.design,
            start=pd.Timestamp(start),
            lag=self.lag,
            seed=chosen,
            orders=draw_orders(chosen, self.design.pairs),
            behaviour_label=self.behaviour_label,
            outcome_label=self.outcome_label,
            outcome_unit=self.outcome_unit,
        )


def _two_conditions(documents: object) -> tuple[Condition, Condition]:
    """Conditions A and B from their JSON documents; ValueError unless there are two."""
    if not isinstance(documents, list) or len(documents) != len(CONDITION_LETTERS):
        raise ValueError(f"experiment plan: expected two conditions, A and B, got {documents!r}")
    return Condition.from_json(documents[0]), Condition.from_json(documents[1])


def _schedule(plan: ExperimentPlan) -> pd.DataFrame:
    """Day-by-day table of :meth:`ExperimentPlan.schedule`."""
    design = plan.design
    days = pd.date_range(plan.start, periods=design.days, freq="D", name="date")
    index = np.arange(design.days)
    span = 2 * design.period_days
    pair, within = np.divmod(index, span)
    half, day_in_period = np.divmod(within, design.period_days)
    a_first = np.array([order == "AB" for order in plan.orders])[pair]
    condition = np.where(a_first, half, 1 - half)
    names = np.array([c.name for c in plan.conditions], dtype=object)
    return pd.DataFrame(
        {
            "pair": pair + 1,
            "period": 2 * pair + half + 1,
            "day_in_period": day_in_period + 1,
            "condition": condition,
            "condition_name": names[condition],
            "washout": day_in_period < design.washout_days,
            "outcome_day": days + pd.Timedelta(days=int(plan.lag)),
        },
        index=days,
    )


def new_seed() -> int:
    """A fresh seed for a plan, drawn from [0, 2³²), to be stored with it."""
    return int(np.random.default_rng().integers(SEED_RANGE))


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not seed >= 0:
        raise ValueError(f"seed: expected a whole number, 0 or more, got {seed!r}")
    return int(seed)


def plan_experiment(
    daily: DailyData,
    *,
    name: str,
    behaviour: str,
    outcome: str,
    conditions: tuple[Condition, Condition] | None = None,
    pairs: int = 8,
    period_days: int = 4,
    washout_days: int = 0,
    lag: int = 1,
    start: pd.Timestamp | str | None = None,
    seed: int | None = None,
) -> ExperimentPlan:
    """Plan a randomised on/off trial of a behaviour or habit against an outcome.

    Parameters
    ----------
    daily : the person's data (the columns are checked against it and their labels kept).
    name : what to call the experiment.
    behaviour : a yes/no behaviour or habit column (kind ``behaviour`` or ``habit``).
    outcome : the outcome column: any other numeric column that varies from day to day.
    conditions : (A, B), the change tried and what it is compared with; default for a yes/no
        behaviour ``yes`` against ``no``. A habit needs them given (``≤ 1`` against ``= 0``).
    pairs, period_days, washout_days : the :class:`Design`.
    lag : days from a day's behaviour to its outcome, 0 to :data:`MAX_LAG` (1: next morning).
    start : the first day; default the day after the data's last day.
    seed : the seed of the orders; default a fresh one (stored with the plan).

    Returns
    -------
    ExperimentPlan

    Raises
    ------
    ValueError
        An unknown column (the message lists the choices), a behaviour that is not something
        the person controls, an outcome without variation, conditions a yes/no behaviour can
        never meet, or a design out of range.
    """
    _check_behaviour(daily, behaviour)
    _check_outcome(daily, outcome, behaviour)
    variable = daily.registry[behaviour]
    if conditions is None:
        if variable.kind != "behaviour":
            raise ValueError(
                f"conditions: {behaviour!r} is a habit (a number a day); say what A and B are, "
                "e.g. '<= 1' against '0'"
            )
        conditions = yes_no_conditions()
    if variable.kind == "behaviour":
        for letter, condition in zip(CONDITION_LETTERS, conditions, strict=True):
            if not condition.rule.holds(np.array([0.0, 1.0])).any():
                raise ValueError(
                    f"condition {letter} ({condition.name!r}): {behaviour!r} is yes or no "
                    f"(1 or 0), which never meets the rule {condition.rule.text()}"
                )
    if start is None:
        if daily.days == 0:
            raise ValueError("start: the data has no days; give the first day of the experiment")
        start = daily.table.index.max() + pd.Timedelta(days=1)
    try:
        first_day = pd.Timestamp(start)
    except ValueError as error:
        raise ValueError(f"start: expected a date such as 2024-05-01, got {start!r}") from error
    design = Design(pairs, period_days, washout_days)
    chosen_seed = new_seed() if seed is None else _check_seed(seed)
    outcome_variable = daily.registry[outcome]
    return ExperimentPlan(
        name=name,
        behaviour=behaviour,
        outcome=outcome,
        conditions=conditions,
        design=design,
        start=first_day,
        lag=lag,
        seed=chosen_seed,
        orders=draw_orders(chosen_seed, design.pairs),
        behaviour_label=variable.label,
        outcome_label=outcome_variable.label,
        outcome_unit=outcome_variable.unit,
    )


def _check_behaviour(daily: DailyData, behaviour: str) -> None:
    choices = [n for n, v in daily.registry.items() if v.kind in ("behaviour", "habit")]
    if behaviour not in daily.registry:
        listed = ", ".join(choices) or "none"
        raise ValueError(
            f"behaviour {behaviour!r}: no such column; yes/no behaviours and habits: {listed}"
        )
    if daily.registry[behaviour].kind not in ("behaviour", "habit"):
        raise ValueError(
            f"behaviour {behaviour!r}: a measurement, not something you do; an experiment "
            f"changes a yes/no behaviour or habit: {', '.join(choices) or 'none in the data'}"
        )


def _check_outcome(daily: DailyData, outcome: str, behaviour: str) -> None:
    if outcome not in daily.registry:
        raise ValueError(
            f"outcome {outcome!r}: no such column; columns: {', '.join(daily.registry)}"
        )
    if outcome == behaviour:
        raise ValueError(f"outcome {outcome!r}: the behaviour itself; choose another column")
    present = daily.table[outcome].dropna()
    if present.size < 2 or present.min() == present.max():
        raise ValueError(
            f"outcome {outcome!r}: {present.size} logged day(s) and no variation; expected a "
            "column that changes from day to day"
        )
