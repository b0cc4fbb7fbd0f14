"""Numeric habit effects against scikit-learn's Ridge and planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import signal
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from pga_core.data import DailyData, Variable
from pga_core.stats import HABIT_COLUMNS, MIN_DAYS_PER_HABIT_INPUT, habit_effects

OUTCOME = "recovery_score"


def habit_person(n_days: int, *, seed: int = 21) -> DailyData:
    """Sleep hours raise and strain lowers next-day recovery (+5 per hour, −1 per point)."""
    rng = np.random.default_rng(seed)
    sleep = 7 + 0.8 * signal.lfilter([1.0], [1.0, -0.5], rng.normal(0, 1, n_days))
    strain = (
        10 + 0.5 * (sleep - 7) + 3 * signal.lfilter([1.0], [1.0, -0.3], rng.normal(size=n_days))
    )
    outcome = 60 + signal.lfilter([1.0], [1.0, -0.5], rng.normal(0, 8, n_days))
    outcome[1:] += 5 * (sleep[:-1] - 7) - 1.0 * (strain[:-1] - 10)
    sleep[rng.random(n_days) < 0.1] = np.nan
    table = pd.DataFrame(
        {OUTCOME: outcome, "sleep_hours": sleep, "day_strain": strain},
        index=pd.date_range("2023-01-01", periods=n_days, name="date"),
    )
    registry = {
        OUTCOME: Variable(OUTCOME, "Recovery", "%", components=("sleep_performance",)),
        "sleep_hours": Variable("sleep_hours", "Sleep", "h", kind="habit"),
        "day_strain": Variable("day_strain", "Strain", kind="habit"),
    }
    return DailyData(table, registry)


def test_habit_effects_match_scikit_learn_ridge() -> None:
    daily = habit_person(400)
    joint = habit_effects(daily, OUTCOME, n_boot=50).set_index("habit")
    X = daily.table[["sleep_hours", "day_strain"]].iloc[:-1].to_numpy()
    y = daily.table[OUTCOME].iloc[1:].to_numpy()
    complete = ~np.isnan(X).any(axis=1)
    X, y = X[complete], y[complete]
    standardised = StandardScaler().fit(X)
    # LinearGoalModel(l2) has the optimum of Ridge(alpha = n · l2) on the same rows.
    ridge = Ridge(alpha=len(y) * 1e-3).fit(standardised.transform(X), y)
    np.testing.assert_allclose(joint["per_sd"], ridge.coef_, rtol=1e-5)
    np.testing.assert_allclose(joint["per_unit"], ridge.coef_ / standardised.scale_, rtol=1e-5)
    np.testing.assert_allclose(joint["sd"], standardised.scale_)
    assert (joint["n_days"] == len(y)).all()
    separate = habit_effects(daily, OUTCOME, joint=False, n_boot=50).set_index("habit")
    strain_days = daily.table["day_strain"].iloc[:-1].to_numpy()[:, None]
    alone = Ridge(alpha=len(strain_days) * 1e-3).fit(
        StandardScaler().fit_transform(strain_days), daily.table[OUTCOME].iloc[1:]
    )
    assert separate.loc["day_strain", "per_sd"] == pytest.approx(alone.coef_[0], rel=1e-5)
    assert separate.loc["day_strain", "n_days"] == len(strain_days)
    assert list(joint.reset_index().columns) == list(HABIT_COLUMNS)


def test_a_joint_model_needs_enough_complete_days_per_habit() -> None:
    daily = habit_person(200)
    # two habits jointly need 2 · MIN_DAYS_PER_HABIT_INPUT complete days: keep one fewer
    needed = 2 * MIN_DAYS_PER_HABIT_INPUT
    complete = daily.table[["sleep_hours", "day_strain"]].iloc[:-1].notna().all(axis=1)
    later = daily.table[OUTCOME].shift(-1).notna().iloc[:-1]
    keep = (complete & later).cumsum() <= needed - 1
    short = DailyData(daily.table.iloc[: int(keep.sum()) + 1], daily.registry)
    rows = habit_effects(short, OUTCOME, n_boot=20)
    assert not rows["enough_data"].any()
    assert (rows["n_days"] == needed - 1).all()
    assert rows["note"].iloc[0].endswith(f"(needs at least {needed})")
    one_more = DailyData(daily.table.iloc[: int(keep.sum()) + 2], daily.registry)
    assert habit_effects(one_more, OUTCOME, n_boot=20)["enough_data"].all()


def test_a_habit_logged_on_few_days_is_fitted_alone_and_the_others_jointly() -> None:
    daily = habit_person(400)
    rng = np.random.default_rng(5)
    caffeine = np.where(rng.random(400) < 0.15, rng.normal(200, 50, 400), np.nan)
    table = daily.table.assign(caffeine_mg=caffeine)
    registry = {
        **daily.registry,
        "caffeine_mg": Variable("caffeine_mg", "Caffeine", "mg", kind="habit"),
    }
    rows = habit_effects(DailyData(table, registry), OUTCOME, n_boot=20).set_index("habit")
    assert rows["enough_data"].all()
    both = habit_effects(daily, OUTCOME, n_boot=20).set_index("habit")
    for name in ("sleep_hours", "day_strain"):  # the joint fit is the one without caffeine
        assert rows.loc[name, "per_sd"] == pytest.approx(both.loc[name, "per_sd"])
        assert rows.loc[name, "note"].endswith("other habits held fixed)")
    alone = habit_effects(DailyData(table, registry), OUTCOME, habits=["caffeine_mg"], n_boot=20)
    assert rows.loc["caffeine_mg", "per_sd"] == pytest.approx(alone["per_sd"].iloc[0])
    assert rows.loc["caffeine_mg", "n_days"] == alone["n_days"].iloc[0]
    assert (
        "on its own: too few of its days have the other habits logged"
        in (rows.loc["caffeine_mg", "note"])
    )


def test_habit_intervals_hold_the_planted_effects() -> None:
    table = habit_effects(habit_person(1200), OUTCOME, n_boot=300).set_index("habit")
    assert (
        table.loc["sleep_hours", "per_unit_ci_low"]
        < 5
        < table.loc["sleep_hours", "per_unit_ci_high"]
    )
    assert (
        table.loc["day_strain", "per_unit_ci_low"]
        < -1
        < table.loc["day_strain", "per_unit_ci_high"]
    )
    assert table.loc["day_strain", "per_unit_ci_high"] < 0
    assert "other habits held fixed" in table.loc["sleep_hours", "note"]


def test_habit_effects_say_when_data_are_short_or_flat() -> None:
    daily = habit_person(30)
    short = habit_effects(daily, OUTCOME, n_boot=20)
    assert not short["enough_data"].any()
    assert short["per_unit"].isna().all()
    assert short["note"].iloc[0].startswith("not enough data yet:")
    flat = daily.table.assign(day_strain=10.0)
    row = habit_effects(DailyData(flat, daily.registry), OUTCOME, min_days=5, n_boot=20).set_index(
        "habit"
    )
    assert "'Strain' has the same value on all" in row.loc["sleep_hours", "note"]


def test_habit_effects_flag_circular_inputs_and_refuse_bad_names() -> None:
    daily = habit_person(200)
    registry = dict(daily.registry)
    table = daily.table.assign(sleep_performance=daily.table["sleep_hours"] * 10)
    registry["sleep_performance"] = Variable("sleep_performance", "Sleep performance", "%")
    with_metric = DailyData(table, registry)
    row = habit_effects(with_metric, OUTCOME, habits=["sleep_performance"], lag=0, n_boot=20).iloc[
        0
    ]
    assert row["circular"]
    assert row["note"].startswith("built in, not a finding")
    with pytest.raises(ValueError, match=r"habit 'naps' is not a column.*columns: recovery_score"):
        habit_effects(daily, OUTCOME, habits=["naps"])
    with pytest.raises(ValueError, match="is the outcome itself"):
        habit_effects(daily, OUTCOME, habits=[OUTCOME])
    no_habits = DailyData(daily.table[[OUTCOME]], {OUTCOME: daily.registry[OUTCOME]})
    with pytest.raises(ValueError, match="no numeric habits"):
        habit_effects(no_habits, OUTCOME)


def test_a_habit_without_an_interval_says_so_in_words(monkeypatch) -> None:
    from pga_core.stats import _habits as habits

    monkeypatch.setattr(habits, "percentile_interval", lambda draws: (np.nan, np.nan))
    notes = habit_effects(habit_person(300), OUTCOME, n_boot=20)["note"]
    assert notes.str.contains("no interval: too few bootstrap refits succeeded").all()
    assert not notes.str.contains("nan").any()
