"""Simulated people for the experiment tests: an AR(1) outcome, a behaviour that follows a plan."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import signal

from pga_core.data import DailyData, Variable
from pga_core.experiments import ExperimentPlan, plan_experiment

OUTCOME = "recovery_score"
BEHAVIOUR = "b_drink"
HABIT = "h_drinks"
MEAN, SD = 60.0, 10.0
START = pd.Timestamp("2024-03-04")


def ar1(rng: np.random.Generator, n_days: int, phi: float, sd: float = SD) -> np.ndarray:
    """A stationary AR(1) series of mean 0 and standard deviation ``sd``."""
    shocks = rng.normal(0.0, sd * math.sqrt(1 - phi**2), n_days)
    shocks[0] = rng.normal(0.0, sd)
    return signal.lfilter([1.0], [1.0, -phi], shocks)


def daily_from(columns: dict[str, np.ndarray], start: pd.Timestamp) -> DailyData:
    """A DailyData over consecutive days: ``b_`` columns are behaviours, ``h_`` habits."""
    n_days = len(next(iter(columns.values())))
    index = pd.date_range(start, periods=n_days, name="date")
    kinds = {"b": "behaviour", "h": "habit"}
    registry = {
        name: Variable(name, f"{name} label", unit="%" if name == OUTCOME else "",
                       kind=kinds.get(name[0], "metric") if name[1] == "_" else "metric")
        for name in columns
    }  # fmt: skip
    return DailyData(pd.DataFrame(columns, index=index), registry)


def history(n_days: int = 120, *, phi: float = 0.5, seed: int = 0) -> DailyData:
    """``n_days`` before :data:`START`: the outcome, a behaviour and a habit, nothing planned."""
    rng = np.random.default_rng(seed)
    drinks = rng.poisson(0.8, n_days).astype(float)
    return daily_from(
        {
            OUTCOME: MEAN + ar1(rng, n_days, phi),
            BEHAVIOUR: (drinks > 0).astype(float),
            HABIT: drinks,
        },
        START - pd.Timedelta(days=n_days),
    )


def plan_for(daily: DailyData, **settings: object) -> ExperimentPlan:
    """A plan of ``b_drink`` (yes = A) against the outcome, starting at :data:`START`."""
    defaults: dict[str, object] = {
        "name": "drinks", "behaviour": BEHAVIOUR, "outcome": OUTCOME, "pairs": 8,
        "period_days": 4, "start": START, "seed": 7,
    }  # fmt: skip
    return plan_experiment(daily, **(defaults | settings))  # type: ignore[arg-type]


def run_trial(
    plan: ExperimentPlan,
    *,
    effect: float = 0.0,
    phi: float = 0.5,
    kept: float = 1.0,
    logged: float = 1.0,
    days: int | None = None,
    seed: int = 1,
    history_days: int = 60,
) -> DailyData:
    """History, then the plan's days: the behaviour kept with probability ``kept`` (else the
    other condition), logged with probability ``logged``; the outcome ``lag`` days after a
    yes is higher by ``effect`` (units). ``days`` cuts the data off after that many plan days.
    """
    rng = np.random.default_rng(seed)
    schedule = plan.schedule()
    n_plan = len(schedule) if days is None else days
    wanted = (schedule["condition"].to_numpy() == 0).astype(float)[:n_plan]  # A = yes
    done = np.where(rng.random(n_plan) < kept, wanted, 1.0 - wanted)
    before = (rng.random(history_days) < 0.4).astype(float)
    behaviour = np.concatenate([before, done, np.full(plan.lag, np.nan)])
    outcome = MEAN + ar1(rng, behaviour.size, phi)
    outcome[plan.lag :] += effect * np.nan_to_num(behaviour[: behaviour.size - plan.lag])
    shown = behaviour.copy()
    shown[rng.random(behaviour.size) >= logged] = np.nan
    first = plan.start - pd.Timedelta(days=history_days)
    return daily_from({OUTCOME: outcome, BEHAVIOUR: shown}, first)
