"""Adherence and progress, read from the data as it is imported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Workspace
from pga_core.experiments import (
    DAY_STATUSES,
    KEPT_SHARE,
    adherence,
    adherence_days,
    period_table,
    plan_experiment,
)
from pga_core.sample import generate_person, write_sample
from tests.core.experiments.people import (
    BEHAVIOUR,
    OUTCOME,
    START,
    daily_from,
    history,
    plan_for,
    run_trial,
)

ALCOHOL = "have_any_alcoholic_drinks"


@pytest.fixture(scope="module")
def plan():
    return plan_for(history(), pairs=3, period_days=4, seed=5)


def with_behaviour(plan, values: list[float], *, outcome_days: int | None = None) -> DailyData:
    """The plan's first days with these behaviour values and an outcome on every day (up to
    ``outcome_days`` days, default one more than the values)."""
    n = outcome_days if outcome_days is not None else len(values) + 1
    behaviour = np.full(n, np.nan)
    behaviour[: len(values)] = values
    return daily_from({OUTCOME: 50.0 + np.arange(n), BEHAVIOUR: behaviour}, plan.start)


def test_each_day_is_done_missed_not_logged_or_to_come(plan) -> None:
    wanted = (plan.schedule()["condition"] == 0).astype(float).to_numpy()  # A is yes
    values = wanted[:10].copy()
    values[1] = 1 - values[1]  # missed
    values[5] = np.nan  # not logged
    values[6] = 1 - values[6]  # missed
    days = adherence_days(plan, with_behaviour(plan, values.tolist()))
    expected = ["done"] * 10 + ["to come"] * 14
    expected[1] = expected[6] = "missed"
    expected[5] = "not logged"
    expected[10] = "not logged"  # the outcome's day after the last logged one is in the data
    assert days["status"].tolist() == expected
    assert set(days["status"]) <= set(DAY_STATUSES)
    np.testing.assert_array_equal(days["outcome"].to_numpy()[:10], 51.0 + np.arange(10))
    assert days["outcome_due"].tolist() == [True] * 10 + [False] * 14


def test_counts_periods_and_pairs_follow_the_days(plan) -> None:
    wanted = (plan.schedule()["condition"] == 0).astype(float).to_numpy()
    values = wanted[:12].copy()
    values[0] = 1 - values[0]  # period 1: 3 of 4 done, kept (75 %)
    values[4:6] = 1 - values[4:6]  # period 2: 2 of 4, not kept
    values[8] = np.nan  # period 3: 3 of 4, kept
    daily = with_behaviour(plan, values.tolist(), outcome_days=12)
    periods = period_table(plan, daily)
    assert periods["done"].tolist() == [3, 2, 3, 0, 0, 0]
    assert periods["missed"].tolist() == [1, 2, 0, 0, 0, 0]
    assert periods["not_logged"].tolist() == [0, 0, 1, 0, 0, 0]
    assert periods["kept"].tolist() == [True, False, True, False, False, False]
    assert periods["over"].tolist() == [True, True, True, False, False, False]
    # the data ends on day 12, so period 3's last outcome (day 13, lag 1) is not due yet
    assert periods["complete"].tolist() == [True, True, False, False, False, False]
    summary = adherence(plan, daily)
    assert (summary.done, summary.missed, summary.not_logged, summary.to_come) == (8, 3, 1, 12)
    assert (summary.periods_kept, summary.periods_not_kept, summary.periods_to_come) == (2, 1, 3)
    assert (summary.pairs_complete, summary.pairs_kept) == (1, 0)
    assert summary.state == "running"
    assert summary.progress == pytest.approx(0.5)
    assert summary.to_json()["last_day"] == (plan.start + pd.Timedelta(days=11)).strftime("%F")


def test_a_period_is_kept_at_three_quarters_of_its_days() -> None:
    assert KEPT_SHARE == 0.75
    plan = plan_for(history(), pairs=1, period_days=7, seed=0)
    wanted = (plan.schedule()["condition"] == 0).astype(float).to_numpy()
    for done, kept in ((5, False), (6, True)):
        values = wanted.copy()
        values[done:7] = 1 - values[done:7]
        assert period_table(plan, with_behaviour(plan, values.tolist()))["kept"][0] == kept


def test_before_the_start_nothing_has_happened_and_after_it_all_is_in(plan) -> None:
    before = adherence(plan, history())
    assert before.state == "not started"
    assert (before.to_come, before.progress) == (24, 0.0)
    after = adherence(plan, run_trial(plan, kept=1.0))
    assert after.state == "finished"
    assert (after.done, after.pairs_complete, after.pairs_kept) == (24, 3, 3)


def test_without_the_behaviour_or_outcome_every_day_is_not_logged(plan) -> None:
    other = daily_from({"x_other": np.arange(20.0)}, plan.start)
    days = adherence_days(plan, other)
    assert set(days["status"]) == {"not logged", "to come"}
    assert days["outcome"].isna().all()
    empty = adherence(plan, DailyData.empty())
    assert (empty.last_day, empty.state) == (None, "not started")


def test_adherence_is_read_from_imported_whoop_journals(tmp_path) -> None:
    """The sample person's journal, imported: each planned day's status is what a loop over the
    person's own answers says."""
    earlier = generate_person(60, seed=3, start="2024-01-01")
    workspace = Workspace(tmp_path / "workspace.sqlite")
    workspace.import_sources([write_sample(earlier, tmp_path / "before")["whoop_export.zip"]])
    plan = plan_experiment(
        workspace.daily(), name="dry", behaviour=ALCOHOL, outcome="recovery_score",
        pairs=3, period_days=5, seed=2, start="2024-03-01",
    )  # fmt: skip
    later = generate_person(40, seed=4, start="2024-03-01")
    workspace.import_sources([write_sample(later, tmp_path / "after")["whoop_export.zip"]])
    days = adherence_days(plan, workspace.daily())
    answers = later.sources["whoop"].table[ALCOHOL]
    last = workspace.daily().table.index.max()
    for day, row in days.iterrows():
        answer = answers.get(day, np.nan)
        if day > last:
            expected = "to come"
        elif np.isnan(answer):
            expected = "not logged"
        else:
            expected = "done" if answer == (1.0 if row["condition"] == 0 else 0.0) else "missed"
        assert row["status"] == expected, day
    counts = days["status"].value_counts()
    assert counts.get("done", 0) > 0
    assert counts.get("missed", 0) > 0
    assert adherence(plan, workspace.daily()).state == "finished"


def test_days_are_matched_by_date(plan) -> None:
    daily = run_trial(plan, kept=1.0, history_days=30)
    assert adherence(plan, daily).done == 24
    a_day_early = daily_from(
        {c: daily.table[c].to_numpy() for c in daily.table}, START - pd.Timedelta(days=31)
    )
    assert adherence(plan, a_day_early).done < 24
