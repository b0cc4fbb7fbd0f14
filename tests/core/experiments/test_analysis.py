"""The analysis: the effect as planned and as done, against period means computed by hand."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pga_core.data import DailyData
from pga_core.experiments import (
    analyse_experiment,
    estimate_effect,
    order_signs,
    randomisation_interval,
    randomisation_p,
)
from tests.core.experiments.people import BEHAVIOUR, OUTCOME, history, plan_for, run_trial


@pytest.fixture(scope="module")
def plan():
    return plan_for(history(), pairs=8, period_days=4, washout_days=1, seed=21)


def hand_means(plan, daily: DailyData) -> pd.DataFrame:
    """Per pair, the mean outcome (at the lag) over each condition's non-washout days, by a
    loop over the schedule."""
    rows: dict[int, dict[int, list[float]]] = {}
    for day, row in plan.schedule().iterrows():
        if row["washout"]:
            continue
        value = daily.table[OUTCOME].get(day + pd.Timedelta(days=plan.lag), np.nan)
        if np.isfinite(value):
            rows.setdefault(row["pair"], {0: [], 1: []})[row["condition"]].append(value)
    return pd.DataFrame(
        {pair: {"a": np.mean(v[0]), "b": np.mean(v[1])} for pair, v in rows.items()}
    ).T.sort_index()


def test_the_effect_is_the_mean_of_the_pairs_differences_with_both_tests() -> None:
    a = np.array([61.0, 58.0, 64.0, 60.0, 66.0, 59.0, 63.0])
    b = np.array([57.0, 59.0, 60.0, 55.0, 61.0, 60.0, 58.0])
    estimate = estimate_effect(np.arange(1, 8), a, b)
    assert estimate.difference == pytest.approx(np.mean(a - b))
    assert estimate.pct_change == pytest.approx(np.mean(a - b) / np.mean(b) * 100)
    signs = order_signs(7)
    assert estimate.p_value == pytest.approx(randomisation_p(a - b, signs)[0])
    low, high = randomisation_interval(a - b, signs)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low[0], high[0]))
    assert estimate.pct_ci_low == pytest.approx(low[0] / np.mean(b) * 100)
    reference = stats.ttest_rel(a, b)
    interval = reference.confidence_interval(0.95)
    assert estimate.t_p_value == pytest.approx(reference.pvalue)
    assert (estimate.t_ci_low, estimate.t_ci_high) == pytest.approx((interval.low, interval.high))
    assert (estimate.orders, estimate.all_orders, estimate.n_pairs) == (128, True, 7)


def test_too_few_pairs_give_no_interval_and_no_t_test() -> None:
    none = estimate_effect(np.array([], dtype=int), np.array([]), np.array([]))
    assert none.n_pairs == 0
    assert math.isnan(none.difference)
    assert math.isnan(none.p_value)
    one = estimate_effect(np.array([1]), np.array([60.0]), np.array([55.0]))
    assert one.difference == 5.0
    assert one.p_value == 1.0
    assert (one.ci_low, one.ci_high, one.bounded) == (-math.inf, math.inf, False)
    assert math.isnan(one.t_p_value)
    same = estimate_effect(np.arange(1, 4), np.full(3, 60.0), np.full(3, 55.0))
    assert math.isnan(same.t_p_value)  # no spread: the t-test has no answer


def test_as_planned_uses_every_complete_pair_by_its_planned_conditions(plan) -> None:
    daily = run_trial(plan, effect=4.0, kept=0.8, logged=0.9, seed=3)
    result = analyse_experiment(plan, daily)
    means = hand_means(plan, daily)
    planned = result.as_planned
    assert planned.pairs == tuple(range(1, 9))
    np.testing.assert_allclose(planned.differences, (means["a"] - means["b"]).to_numpy())
    assert planned.mean_b == pytest.approx(means["b"].mean())
    assert result.final


def test_as_done_keeps_only_the_pairs_kept_in_both_periods(plan) -> None:
    daily = run_trial(plan, effect=4.0, kept=0.8, seed=3)
    result = analyse_experiment(plan, daily)
    kept = result.periods.groupby("pair")["kept"].all()
    assert 0 < kept.sum() < 8  # some pairs were kept and some were not
    assert result.as_done.pairs == tuple(kept.index[kept])
    planned = dict(zip(result.as_planned.pairs, result.as_planned.differences, strict=True))
    assert result.as_done.differences == tuple(planned[p] for p in result.as_done.pairs)


def test_washout_days_are_left_out(plan) -> None:
    daily = run_trial(plan, seed=4)
    washout = plan.schedule()["washout"]
    outcome_days = washout.index[washout] + pd.Timedelta(days=plan.lag)
    table = daily.table.copy()
    table.loc[outcome_days, OUTCOME] = 1e6  # would dominate any mean it entered
    changed = DailyData(table, daily.registry)
    before = analyse_experiment(plan, daily).as_planned
    after = analyse_experiment(plan, changed).as_planned
    assert after.differences == pytest.approx(before.differences)


def test_only_complete_pairs_count_and_the_result_says_it_is_interim(plan) -> None:
    daily = run_trial(plan, days=30, seed=5)  # 3 pairs of 8 days, and 6 days of the fourth
    result = analyse_experiment(plan, daily)
    assert result.as_planned.pairs == (1, 2, 3)
    assert not result.final
    assert result.adherence.state == "running"


def test_a_planted_effect_is_found_and_its_interval_holds_it(plan) -> None:
    strong = plan_for(history(), pairs=12, period_days=4, seed=8)
    result = analyse_experiment(strong, run_trial(strong, effect=12.0, phi=0.3, seed=6))
    planned = result.as_planned
    assert planned.p_value <= 0.05
    assert planned.ci_low <= 12.0 <= planned.ci_high
    assert planned.pct_change == pytest.approx(planned.difference / planned.mean_b * 100)


def test_without_a_positive_outcome_there_is_no_percentage(plan) -> None:
    daily = run_trial(plan, seed=7)
    table = daily.table.assign(**{OUTCOME: daily.table[OUTCOME] - 60.0})
    result = analyse_experiment(plan, DailyData(table, daily.registry))
    assert math.isnan(result.as_planned.pct_change)
    assert math.isfinite(result.as_planned.difference)


def test_the_result_is_a_json_document_with_nulls_for_what_is_missing(plan) -> None:
    result = analyse_experiment(plan, run_trial(plan, days=9, seed=2))
    document = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert document["name"] == "drinks"
    assert document["behaviour"] == BEHAVIOUR
    assert document["conditions"] == ["yes", "no"]
    assert document["final"] is False
    assert document["as_planned"]["pairs"] == 1
    assert document["as_planned"]["ci_low"] is None
    assert document["as_planned"]["interval_bounded"] is False
    assert document["adherence"]["pairs_complete"] == 1
    assert set(document) >= {"as_planned", "as_done", "adherence", "seed", "lag", "outcome"}


def test_the_same_data_gives_the_same_result_even_with_drawn_orders() -> None:
    long = plan_for(history(), pairs=14, period_days=2, seed=30)
    daily = run_trial(long, effect=3.0, seed=9)
    first = analyse_experiment(long, daily, n_draws=500)
    again = analyse_experiment(long, daily, n_draws=500)
    assert first.as_planned.p_value == again.as_planned.p_value
    assert (first.as_planned.orders, first.as_planned.all_orders) == (501, False)
