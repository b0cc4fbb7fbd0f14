"""Simulated people for the effects benchmarks: persistent habits, autocorrelated outcomes.

Habits come in runs (a week of drinking, a month of meditating), so each behaviour is a
two-state Markov chain; the outcome is an AR(1) series, optionally multiplied by ``1 + effect``
on the days after a "yes" of one behaviour. Some days of every series are left unlogged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import signal

from pga_core.data import DailyData, Variable

OUTCOME = "recovery_score"
OUTCOME_MEAN = 60.0
OUTCOME_SD = 12.0
#: Behaviours: share of yes days and mean length of a run of yes days are drawn from these.
SHARE_YES_RANGE = (0.1, 0.6)
MEAN_YES_RUN_RANGE = (2.0, 30.0)
#: Share of days on which a behaviour, or the outcome, was not logged.
BEHAVIOUR_MISSING = 0.10
OUTCOME_MISSING = 0.05
START_DAY = "2021-01-01"


@dataclass(frozen=True)
class SimulatedPerson:
    """A simulated history and what is true about it."""

    daily: DailyData
    planted: str | None
    true_pct_change: float
    true_difference: float


def markov_behaviour(
    n_days: int, share_yes: np.ndarray, mean_yes_run: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Yes/no series of stationary two-state Markov chains, shape (n_days, n_behaviours).

    ``share_yes`` is each chain's long-run share of yes days and ``mean_yes_run`` the mean
    length of a run of yes days (so no-runs last ``mean_yes_run·(1 − share)/share`` days).
    """
    stop = 1.0 / np.maximum(mean_yes_run, 1.0)
    start = np.minimum(share_yes * stop / (1.0 - share_yes), 1.0)
    state = rng.random(share_yes.size) < share_yes
    draws = rng.random((n_days, share_yes.size))
    out = np.empty((n_days, share_yes.size))
    for day in range(n_days):
        out[day] = state
        state = np.where(state, draws[day] >= stop, draws[day] < start)
    return out


def ar1(n_days: int, phi: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) series with mean 0, standard deviation ``sd`` and coefficient phi."""
    innovations = rng.normal(0.0, sd * np.sqrt(1.0 - phi**2), n_days)
    innovations[0] = rng.normal(0.0, sd)
    return signal.lfilter([1.0], [1.0, -phi], innovations)


def simulate_person(
    n_days: int,
    *,
    phi: float,
    n_behaviours: int,
    effect: float = 0.0,
    lag: int = 1,
    planted_share: float | None = None,
    planted_run: float | None = None,
    rng: np.random.Generator,
) -> SimulatedPerson:
    """One person: ``n_behaviours`` yes/no habits and an outcome, the first habit planted.

    Parameters
    ----------
    n_days : length of the history.
    phi : AR(1) coefficient of the outcome's day-to-day noise.
    n_behaviours : how many habits (``b01``, ``b02``, …).
    effect : multiplicative effect of ``b01`` on the outcome ``lag`` days later
        (−0.24 = 24 % lower); 0 makes every habit null.
    planted_share, planted_run : share of yes days and mean yes-run of ``b01`` (random if None).
    rng : the random generator.
    """
    share = rng.uniform(*SHARE_YES_RANGE, n_behaviours)
    run = rng.uniform(*MEAN_YES_RUN_RANGE, n_behaviours)
    if planted_share is not None:
        share[0] = planted_share
    if planted_run is not None:
        run[0] = planted_run
    habits = markov_behaviour(n_days, share, run, rng)
    outcome = OUTCOME_MEAN + ar1(n_days, phi, OUTCOME_SD, rng)
    if effect:
        outcome[lag:] *= 1.0 + effect * habits[: n_days - lag, 0]
    habits[rng.random(habits.shape) < BEHAVIOUR_MISSING] = np.nan
    outcome[rng.random(n_days) < OUTCOME_MISSING] = np.nan
    names = [f"b{i + 1:02d}" for i in range(n_behaviours)]
    table = pd.DataFrame(
        habits, columns=names, index=pd.date_range(START_DAY, periods=n_days, name="date")
    )
    table[OUTCOME] = outcome
    registry = {
        name: Variable(name, f"habit {name}?", kind="behaviour", source="csv") for name in names
    }
    registry[OUTCOME] = Variable(OUTCOME, "Recovery", unit="%", source="whoop")
    return SimulatedPerson(
        daily=DailyData(table, registry),
        planted="b01" if effect else None,
        true_pct_change=100.0 * effect,
        true_difference=OUTCOME_MEAN * effect,
    )


#: Habits study: next-day outcome points per hour of sleep and per strain point.
SLEEP_EFFECT = 5.0
STRAIN_EFFECT = -1.0


def simulate_habits(n_days: int, *, phi: float, rng: np.random.Generator) -> DailyData:
    """Sleep hours and strain (both AR(1) with coefficient ``phi``, strain rising with sleep)
    moving next-day recovery by :data:`SLEEP_EFFECT` and :data:`STRAIN_EFFECT` per unit."""
    sleep = 7.0 + 0.8 * ar1(n_days, phi, 1.0, rng)
    strain = 10.0 + 0.5 * (sleep - 7.0) + 3.0 * ar1(n_days, phi, 1.0, rng)
    outcome = OUTCOME_MEAN + ar1(n_days, phi, OUTCOME_SD, rng)
    outcome[1:] += SLEEP_EFFECT * (sleep[:-1] - 7.0) + STRAIN_EFFECT * (strain[:-1] - 10.0)
    sleep[rng.random(n_days) < BEHAVIOUR_MISSING] = np.nan
    outcome[rng.random(n_days) < OUTCOME_MISSING] = np.nan
    table = pd.DataFrame(
        {OUTCOME: outcome, "sleep_hours": sleep, "day_strain": strain},
        index=pd.date_range(START_DAY, periods=n_days, name="date"),
    )
    registry = {
        OUTCOME: Variable(OUTCOME, "Recovery", unit="%", source="whoop"),
        "sleep_hours": Variable("sleep_hours", "Sleep", unit="h", kind="habit", source="csv"),
        "day_strain": Variable("day_strain", "Strain", kind="habit", source="csv"),
    }
    return DailyData(table, registry)
