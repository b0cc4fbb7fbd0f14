"""Numeric habit effects: how much the outcome moves per unit and per SD of each habit.

A straight line fitted by our own gradient ascent (:class:`~pga_core.engine.LinearGoalModel`)
on standardised habits, with moving-block bootstrap intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.engine import (
    CI_LEVEL,
    LinearGoalModel,
    block_bootstrap_counts,
    block_length,
    bootstrap_coefs,
    percentile_interval,
)
from pga_core.stats._inputs import (
    EFFECT_N_BOOT,
    check_column,
    check_days,
    check_lag,
    check_settings,
    draw_base_seed,
    is_circular,
    outcome_on_calendar,
    rng_for_test,
)
from pga_core.words import EFFECT_DIGITS, lag_words, number, signed

__all__ = ["HABIT_COLUMNS", "MIN_DAYS_PER_HABIT_INPUT", "SPARSE_HABIT_SHARE", "habit_effects"]

#: A habit model needs at least this many complete days per input.
MIN_DAYS_PER_HABIT_INPUT = 20
#: A habit known on fewer than this share of the joint fit's days is fitted on its own rather
#: than shrink the joint fit below its minimum.
SPARSE_HABIT_SHARE = 0.5


HABIT_COLUMNS: tuple[str, ...] = (
    "habit",
    "label",
    "unit",
    "outcome",
    "outcome_label",
    "lag",
    "joint",
    "n_days",
    "mean",
    "sd",
    "per_unit",
    "per_unit_ci_low",
    "per_unit_ci_high",
    "per_sd",
    "per_sd_ci_low",
    "per_sd_ci_high",
    "enough_data",
    "circular",
    "block_days",
    "note",
)


def habit_effects(
    daily: DailyData,
    outcome: str,
    *,
    lag: int = 1,
    habits: Sequence[str] | None = None,
    joint: bool = True,
    min_days: int = MIN_DAYS_PER_HABIT_INPUT,
    n_boot: int = EFFECT_N_BOOT,
    adjust_weekday: bool = False,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """How much the outcome ``lag`` days later moves per unit and per SD of each numeric habit.

    A straight line, fitted by :class:`~pga_core.engine.LinearGoalModel` (our own gradient
    ascent) to the outcome on day t + lag against the habits on day t, standardised.

    * ``joint=True`` (default) fits all habits together, on the days where every one of them
      and the outcome are known: each effect is then "holding the other habits fixed", which
      is more honest when habits move together (long workouts on days with more sleep), but
      every day with any habit unlogged is dropped.
    * ``joint=False`` fits one habit at a time, each on its own complete days: more days, but
      an effect may be another habit's in disguise.

    The 95 % intervals come from :func:`~pga_core.engine.bootstrap_coefs`: refits on
    moving-block resamples of calendar days (blocks of the Politis–White length for the
    slowest-decorrelating input, see :func:`~pga_core.stats.behaviour_impact`),
    2.5th–97.5th percentiles.
    They are the block bootstrap alone, which our simulations show can be over-confident when
    both the habit and the outcome drift slowly; and they are not corrected for looking at
    many habits at once. Metrics can be named in ``habits`` (sleep hours, strain) as well.

    Parameters
    ----------
    daily : the day-indexed table.
    outcome : outcome column.
    lag : days from habit to outcome, ``>= 0``.
    habits : numeric columns to use; default every column of kind ``habit`` (except the
        outcome).
    joint : fit all habits together (True) or one at a time (False).
    min_days : fewest complete days per habit in the model (so a joint model of k habits needs
        ``k · min_days`` days).
    n_boot : bootstrap refits.
    adjust_weekday : subtract the outcome's day-of-week means first.
    random_state : seed of the resampling.

    Returns
    -------
    DataFrame, shape (n_habits, len(HABIT_COLUMNS))
        ``per_unit`` (outcome units per habit unit) and ``per_sd`` (outcome units per standard
        deviation of the habit over the days used) with their intervals; ``mean``, ``sd`` of
        the habit; ``n_days`` used; ``circular`` pairs are flagged in ``note``; rows without
        enough data have NaN effects and say why.
    """
    check_settings(min_days, n_boot)
    check_days(daily)
    calendar = daily.calendar()
    outcome_values = outcome_on_calendar(daily, calendar, outcome, adjust_weekday)
    lag = check_lag(lag, len(calendar))
    names = _habit_names(daily, outcome, habits)
    base_seed = draw_base_seed(random_state)
    inputs = calendar[names].to_numpy(dtype=np.float64)
    inputs = inputs[: len(calendar) - lag]
    later = outcome_values[lag:]
    groups = _joint_groups(inputs, later, names, min_days) if joint else [[n] for n in names]
    rows: list[dict[str, object]] = []
    for group in groups:
        columns = [names.index(name) for name in group]
        rng_key = "+".join(group)
        effects = _fit_habits(
            inputs[:, columns],
            later,
            min_days=min_days,
            n_boot=n_boot,
            seed=int(rng_for_test(base_seed, rng_key, outcome, lag).integers(2**31)),
        )
        rows.extend(
            _habit_row(daily, group, position, outcome, lag, joint, effects, joint_group=groups[0])
            for position in range(len(group))
        )
    return pd.DataFrame(rows, columns=list(HABIT_COLUMNS))


def _joint_groups(
    inputs: np.ndarray, later: np.ndarray, names: list[str], min_days: int
) -> list[list[str]]:
    """The joint fit's habits first, then each habit it cannot hold, alone.

    Habits join in order of their days with the outcome known while the days with all of them
    known stay at ``min_days`` per habit; a habit logged only on some days (caffeine, a
    mindful session) would otherwise leave the joint fit too few days for any of them. A
    habit is fitted alone only when it is known on fewer than :data:`SPARSE_HABIT_SHARE` of
    the days the joint fit had before it.
    """
    known = ~np.isnan(inputs) & ~np.isnan(later)[:, None]
    together = ~np.isnan(later)
    joined: list[str] = []
    alone: list[str] = []
    for column in np.argsort(-known.sum(axis=0), kind="stable"):
        both = together & known[:, column]
        enough = int(both.sum()) >= (len(joined) + 1) * min_days
        # A habit with ordinary gaps stays in (a history too short for every habit is the
        # joint fit's to report); only one logged on few of the joint fit's days is set apart.
        if enough or both.sum() >= SPARSE_HABIT_SHARE * together.sum():
            together, joined = both, [*joined, names[column]]
        else:
            alone.append(names[column])
    joined = [name for name in names if name in joined]  # back to the order given
    return (
        [joined, *([name] for name in names if name in alone)] if joined else [[n] for n in names]
    )


def _habit_names(daily: DailyData, outcome: str, requested: Sequence[str] | None) -> list[str]:
    """Numeric inputs: the requested columns (checked) or every habit."""
    if requested is None:
        names = [n for n in daily.names("habit") if n != outcome]
        if not names:
            columns = ", ".join(daily.table.columns) or "none"
            raise ValueError(
                f"no numeric habits (kind 'habit') to relate to {outcome!r}; name columns "
                f"with habits=[...]; columns: {columns}"
            )
        return names
    names = list(dict.fromkeys(requested))
    if not names:
        raise ValueError("habits is empty: name at least one column")
    for name in names:
        check_column(daily, name, "habit")
        if name == outcome:
            raise ValueError(f"habit {name!r} is the outcome itself; choose other columns")
    return names


@dataclass(frozen=True)
class _HabitFit:
    """One linear fit of the outcome on standardised habits, with bootstrap refits."""

    n_days: int
    mean: np.ndarray  # (k,)
    sd: np.ndarray  # (k,)
    per_sd: np.ndarray  # (k,)
    boot_per_sd: np.ndarray  # (n_boot, k)
    block: int
    problem: str  # why there are no effects; "" when there are
    constant: int | None = None  # position of an input with no variation, if any


def _fit_habits(
    inputs: np.ndarray, later: np.ndarray, *, min_days: int, n_boot: int, seed: int
) -> _HabitFit:
    """Fit LinearGoalModel on the complete days and refit it on block-bootstrap resamples."""
    k = inputs.shape[1]
    complete = ~np.isnan(inputs).any(axis=1) & ~np.isnan(later)
    n_days = int(complete.sum())
    empty = np.full(k, np.nan)
    if n_days < k * min_days:
        problem = (
            f"not enough data yet: {n_days} days with "
            f"{'every habit' if k > 1 else 'the habit'} and the outcome known "
            f"(needs at least {k * min_days})"
        )
        return _HabitFit(n_days, empty, empty, empty, np.empty((0, k)), 0, problem)
    X, y = inputs[complete], later[complete]
    mean, sd = X.mean(axis=0), X.std(axis=0)
    if (sd == 0).any():
        constant = int(np.flatnonzero(sd == 0)[0])
        problem = f"not enough data yet: no variation over the {n_days} days used"
        return _HabitFit(n_days, mean, sd, empty, np.empty((0, k)), 0, problem, constant)
    standardised = (X - mean) / sd
    model = LinearGoalModel().fit(standardised, y)
    residual = y - model.predict(standardised)
    positions = np.flatnonzero(complete)
    span = slice(positions[0], positions[-1] + 1)
    influence = np.zeros((positions[-1] - positions[0] + 1, k))
    influence[positions - positions[0]] = np.linalg.solve(
        standardised.T @ standardised / n_days, (standardised * residual[:, None]).T
    ).T
    block = max(block_length(influence[:, j]) for j in range(k))
    span_days = span.stop - span.start
    counts = block_bootstrap_counts(span_days, n_boot, block, seed)[:, positions - positions[0]]
    boot = bootstrap_coefs(model, standardised, y, n_boot=n_boot, counts=counts)
    return _HabitFit(n_days, mean, sd, model.coef_, boot, block, "")


def _habit_row(
    daily: DailyData,
    group: list[str],
    position: int,
    outcome: str,
    lag: int,
    joint: bool,
    fit: _HabitFit,
    *,
    joint_group: list[str],
) -> dict[str, object]:
    """One habit's line of :func:`habit_effects`; a habit outside ``joint_group`` (the joint
    fit's habits) is said to be fitted on its own."""
    name = group[position]
    variable = daily.registry[name]
    outcome_label = daily.registry[outcome].label
    enough = not fit.problem
    sd = float(fit.sd[position])
    per_sd = float(fit.per_sd[position])
    low, high = math.nan, math.nan
    if enough:
        low, high = percentile_interval(fit.boot_per_sd[:, position])
    circular = is_circular(daily.registry, name, outcome)
    if fit.constant is not None:
        still = daily.registry[group[fit.constant]].label
        note = f"not enough data yet: '{still}' has the same value on all {fit.n_days} days used"
    elif not enough:
        note = fit.problem
    else:
        unit = f" {variable.unit}" if variable.unit else ""
        held = ", other habits held fixed" if joint and len(group) > 1 else ""
        if joint and name not in joint_group:
            held = ", on its own: too few of its days have the other habits logged"
        low_text, high_text, per_sd_text = (
            signed(v, digits=EFFECT_DIGITS, trim=True) for v in (low, high, per_sd)
        )
        interval = (
            f"{CI_LEVEL:.0%} CI {low_text} to {high_text}, "
            if np.isfinite(low) and np.isfinite(high)
            else "no interval: too few bootstrap refits succeeded, "
        )
        note = (
            f"per {number(sd, unit, digits=EFFECT_DIGITS, trim=True)} more '{variable.label}' "
            f"(one SD), {outcome_label} {lag_words(lag)} moves {per_sd_text} "
            f"({interval}{fit.n_days} days{held})"
        )
        if circular:
            note = f"built in, not a finding: {note}"
    return {
        "habit": name,
        "label": variable.label,
        "unit": variable.unit,
        "outcome": outcome,
        "outcome_label": outcome_label,
        "lag": lag,
        "joint": joint,
        "n_days": fit.n_days,
        "mean": float(fit.mean[position]),
        "sd": sd,
        "per_unit": per_sd / sd if enough else math.nan,
        "per_unit_ci_low": low / sd if enough else math.nan,
        "per_unit_ci_high": high / sd if enough else math.nan,
        "per_sd": per_sd,
        "per_sd_ci_low": low,
        "per_sd_ci_high": high,
        "enough_data": enough,
        "circular": circular,
        "block_days": fit.block if enough else math.nan,
        "note": note,
    }
