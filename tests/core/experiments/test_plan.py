"""Plans: a randomised block design in pairs, reproducible from its seed, checked on the data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.experiments import (
    PLAN_VERSION,
    Condition,
    Design,
    ExperimentPlan,
    Rule,
    draw_orders,
    plan_experiment,
)
from tests.core.experiments.people import BEHAVIOUR, HABIT, OUTCOME, START, history, plan_for


@pytest.fixture(scope="module")
def daily() -> DailyData:
    return history()


def test_the_same_seed_gives_the_same_plan_and_another_seed_another(daily) -> None:
    first = plan_for(daily, pairs=16, seed=123)
    again = plan_for(daily, pairs=16, seed=123)
    other = plan_for(daily, pairs=16, seed=124)
    assert first == again
    pd.testing.assert_frame_equal(first.schedule(), again.schedule())
    assert first.orders != other.orders  # 16 coin tosses agree by chance once in 65,536
    # the orders are the seed's coin tosses, written out independently
    tosses = np.random.default_rng(123).integers(0, 2, size=16)
    assert first.orders == tuple("AB" if t == 0 else "BA" for t in tosses)
    assert draw_orders(123, 16) == first.orders


def test_each_order_is_a_fair_coin_toss() -> None:
    a_first = [draw_orders(seed, 1)[0] == "AB" for seed in range(2000)]
    assert np.mean(a_first) == pytest.approx(0.5, abs=0.035)  # ±3 standard errors


def test_the_schedule_has_pairs_of_periods_each_kept_to_one_condition(daily) -> None:
    plan = plan_for(daily, pairs=5, period_days=3, washout_days=1, lag=2, seed=3)
    days = plan.schedule()
    assert len(days) == 30 == plan.design.days
    assert days.index[0] == START
    assert days.index[-1] == plan.end == START + pd.Timedelta(days=29)
    assert (days.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    for pair, rows in days.groupby("pair"):
        order = plan.orders[pair - 1]
        periods = rows.groupby("period")["condition"]
        assert periods.nunique().tolist() == [1, 1]
        assert periods.size().tolist() == [3, 3]
        assert "".join("AB"[c] for c in periods.first()) == order
    assert days["washout"].tolist() == [d == 1 for d in days["day_in_period"]]
    assert (days["outcome_day"] == days.index + pd.Timedelta(days=2)).all()
    assert set(days["condition_name"]) == {"yes", "no"}
    assert days["period"].tolist() == [1 + i // 3 for i in range(30)]


def test_a_plan_starts_the_day_after_the_data_and_tests_yes_against_no(daily) -> None:
    plan = plan_experiment(daily, name="x", behaviour=BEHAVIOUR, outcome=OUTCOME, seed=1)
    assert plan.start == daily.table.index.max() + pd.Timedelta(days=1)
    assert [c.name for c in plan.conditions] == ["yes", "no"]
    assert (plan.design, plan.lag) == (Design(8, 4, 0), 1)
    assert (plan.behaviour_label, plan.outcome_label, plan.outcome_unit) == (
        "b_drink label", "recovery_score label", "%",
    )  # fmt: skip


def test_without_a_seed_a_fresh_one_is_drawn_and_kept(daily) -> None:
    plan = plan_for(daily, seed=None)
    assert isinstance(plan.seed, int)
    assert plan.orders == draw_orders(plan.seed, plan.design.pairs)


def test_a_habit_needs_its_conditions_and_takes_a_dose(daily) -> None:
    with pytest.raises(ValueError, match=r"'h_drinks' is a habit .* say what A and B are"):
        plan_for(daily, behaviour=HABIT)
    dose = (Condition("≤ 1 drink", Rule("<=", 1.0)), Condition("none", Rule("==", 0.0)))
    plan = plan_for(daily, behaviour=HABIT, conditions=dose)
    assert [c.name for c in plan.conditions] == ["≤ 1 drink", "none"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"behaviour": "nope"}, r"behaviour 'nope': no such column; yes/no behaviours and "
                                r"habits: b_drink, h_drinks"),
        ({"behaviour": OUTCOME}, r"a measurement, not something you do"),
        ({"outcome": "nope"}, r"outcome 'nope': no such column"),
        ({"outcome": BEHAVIOUR}, r"outcome 'b_drink': the behaviour itself"),
        ({"washout_days": 4}, r"washout_days: expected fewer than the period's 4 days"),
        ({"pairs": 0}, r"pairs: expected 1 to"),
        ({"period_days": 29}, r"period_days: expected 1 to 28"),
        ({"lag": 8}, r"lag: expected 0 to 7 days"),
        ({"seed": -1}, r"seed: expected a whole number, 0 or more"),
        ({"start": "someday"}, r"start: expected a date"),
        ({"conditions": (Condition("two", Rule(">=", 2)), Condition("no", Rule("==", 0)))},
         r"condition A \('two'\): 'b_drink' is yes or no \(1 or 0\), which never meets the "
         r"rule ≥ 2"),
        ({"conditions": (Condition("a", Rule("==", 0)), Condition("b", Rule("==", 0)))},
         r"both conditions have the rule = 0"),
    ],
)  # fmt: skip
def test_a_plan_that_cannot_work_says_why(daily, settings, message) -> None:
    with pytest.raises(ValueError, match=message):
        plan_for(daily, **settings)


def test_an_outcome_that_never_changes_is_refused() -> None:
    flat = history()
    table = flat.table.assign(**{OUTCOME: 50.0})
    flat = DailyData(table, flat.registry)
    with pytest.raises(ValueError, match=r"no variation; expected a column that changes"):
        plan_for(flat)


def test_a_plan_round_trips_through_json_and_refuses_a_newer_version(daily) -> None:
    plan = plan_for(daily, washout_days=1, lag=0)
    document = json.loads(json.dumps(plan.to_json()))
    assert document["version"] == PLAN_VERSION
    assert document["orders"] == list(plan.orders)
    assert document["start"] == "2024-03-04"
    again = ExperimentPlan.from_json(document)
    assert again == plan
    pd.testing.assert_frame_equal(again.schedule(), plan.schedule())
    with pytest.raises(ValueError, match=r"version 2 is newer than this program reads"):
        ExperimentPlan.from_json(document | {"version": 2})
    with pytest.raises(ValueError, match=r"the field 'outcome' is missing"):
        ExperimentPlan.from_json({k: v for k, v in document.items() if k != "outcome"})
    with pytest.raises(ValueError, match=r"one order \(AB or BA\) per pair"):
        ExperimentPlan.from_json(document | {"orders": ["AB"]})


def test_a_stored_plan_keeps_its_orders_whatever_the_seed_would_draw(daily) -> None:
    plan = plan_for(daily, pairs=2)
    flipped = ["BA" if o == "AB" else "AB" for o in plan.orders]
    again = ExperimentPlan.from_json(plan.to_json() | {"orders": flipped})
    assert list(again.orders) == flipped


def test_a_restarted_plan_starts_later_with_new_orders(daily) -> None:
    plan = plan_for(daily, pairs=16)
    later = plan.restarted("2024-06-03", seed=99)
    assert later.start == pd.Timestamp("2024-06-03")
    assert (later.design, later.conditions, later.name) == (plan.design, plan.conditions, plan.name)
    assert later.orders == draw_orders(99, 16) != plan.orders
    fresh = plan.restarted("2024-06-03")
    assert fresh.orders == draw_orders(fresh.seed, 16)


def test_a_plan_needs_a_name() -> None:
    with pytest.raises(ValueError, match="experiment name: expected a non-empty text"):
        plan_for(history(), name=" ")


def test_a_metric_cannot_be_changed_even_with_a_registry_of_its_own() -> None:
    daily = DailyData(
        pd.DataFrame({"steps": [1.0, 2.0]}, index=pd.date_range("2024-01-01", periods=2)),
        {"steps": Variable("steps", "Steps")},
    )
    with pytest.raises(ValueError, match=r"none in the data"):
        plan_experiment(daily, name="x", behaviour="steps", outcome="steps")
