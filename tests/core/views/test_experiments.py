"""The Experiments view: plans, power, progress and results in words, tables and charts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from pga_core import views
from pga_core.data import DailyData, Variable
from pga_core.experiments import (
    Condition,
    Rule,
    adherence,
    adherence_days,
    analyse_experiment,
    outcome_history,
    plan_power,
)
from pga_core.goals import GoalNode, GoalTree, fit_tree, leverage
from pga_core.stats import behaviour_impact
from tests.core.experiments.people import (
    BEHAVIOUR,
    HABIT,
    OUTCOME,
    history,
    plan_for,
    run_trial,
)


@pytest.fixture(scope="module")
def plan():
    return plan_for(history(), name="dry *week*", pairs=8, period_days=4, seed=3)


@pytest.fixture(scope="module")
def result(plan):
    return analyse_experiment(plan, run_trial(plan, effect=6.0, kept=0.85, seed=2))


@pytest.fixture(scope="module")
def report(plan):
    daily = history(200)
    return plan_power(outcome_history(daily, OUTCOME, plan.start), plan.design)


# --- choosing -------------------------------------------------------------------------------------
def test_behaviours_come_before_habits_and_their_rules_are_offered() -> None:
    daily = history()
    assert views.lever_choices(daily) == [BEHAVIOUR, HABIT]
    assert views.default_rules(daily, BEHAVIOUR) == ("yes", "no")
    median = daily.table[HABIT].median()
    assert views.default_rules(daily, HABIT) == (f">= {median:g}", f"< {median:g}")


def test_conditions_are_read_from_what_people_type() -> None:
    a, b = views.conditions_from_text("<= 1", "0", on_name="≤ 1 drink")
    assert a == Condition("≤ 1 drink", Rule("<=", 1.0))
    assert b == Condition("0", Rule("==", 0.0))
    with pytest.raises(ValueError, match=r"condition B: rule 'lots'"):
        views.conditions_from_text("yes", "lots")


def test_weeks_become_pairs_of_periods() -> None:
    assert views.pairs_for_weeks(8, 4) == 7
    assert views.pairs_for_weeks(8, 7) == 4
    assert views.pairs_for_weeks(1, 7) == 1


# --- the plan -------------------------------------------------------------------------------------
def test_the_plan_in_words(plan) -> None:
    lines = views.plan_lines(plan)
    assert lines[0] == (
        "Experiment 'dry *week*': b_drink label, A: yes (= 1) against B: no (= 0); its effect "
        "on recovery_score label the next day."
    )
    assert lines[1] == (
        "8 pairs of 4-day periods: 64 days, Mon 4 Mar 2024 to Mon 6 May 2024. In each pair a "
        f"coin decided whether A or B comes first (seed 3; orders {' '.join(plan.orders)})."
    )
    assert len(lines) == 2
    washout = views.plan_lines(plan_for(history(), washout_days=1))
    assert washout[2].startswith("The first 1 day of each period is a washout")
    short = views.plan_lines(plan_for(history(), pairs=4))
    assert short[-1] == (
        "With fewer than 6 pairs no result can be significant: the smallest p-value 4 pairs "
        "allow is 0.12."
    )


def test_the_day_table_follows_the_schedule_and_then_the_data(plan) -> None:
    table = views.plan_day_table(plan)
    schedule = plan.schedule()
    assert list(table.columns) == [
        "Date", "Day", "Pair", "Period", "Condition", "Do", "Outcome counted",
    ]  # fmt: skip
    assert table["Condition"].tolist() == ["AB"[c] for c in schedule["condition"]]
    assert table["Do"].tolist() == schedule["condition_name"].tolist()
    daily = run_trial(plan, days=20)
    followed = views.plan_day_table(plan, daily)
    days = adherence_days(plan, daily)
    assert followed["What happened"].tolist() == days["status"].tolist()
    np.testing.assert_array_equal(followed["Outcome"], days["outcome"])


def test_the_calendar_chart_has_a_cell_per_day_coloured_by_condition(plan) -> None:
    spec = views.plan_calendar_chart(views.plan_day_table(plan)).to_dict()
    (data,) = spec["datasets"].values()
    assert len(data) == 64
    cells = spec["layer"][0]
    assert cells["encoding"]["color"]["field"] == "Condition"
    assert cells["encoding"]["x"]["sort"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(spec["layer"]) == 1
    followed = views.plan_calendar_chart(views.plan_day_table(plan, run_trial(plan)))
    assert followed.to_dict()["layer"][1]["encoding"]["shape"]["field"] == "What happened"


# --- power ----------------------------------------------------------------------------------------
def test_power_in_words_says_what_the_simulated_trials_found(plan, report) -> None:
    lines = views.power_lines(report, plan)
    model = report.model
    assert lines[0].startswith(f"Learnt from {model.days} days of your recovery_score label")
    assert f"(φ = {model.phi:.2f})" in lines[0]
    assert lines[1].endswith(f"was found in {report.power * 100:.0f} % of them.")
    assert "400 simulated trials" in lines[1]
    assert lines[2].startswith("With 80 % power this length finds a change of ")
    if report.pairs_needed is not None and report.pairs_needed > plan.design.pairs:
        assert lines[3].startswith("To find 10 % (")
        assert f"it needs {report.pairs_needed} pairs ({report.days_needed} days)" in lines[3]
    assert lines[-1].startswith("The power assumes you keep to every period")


def test_power_options_list_the_shorter_designs_and_the_one_needed(plan, report) -> None:
    options = views.power_options(report)
    expected = list(range(6, plan.design.pairs + 1))
    if report.pairs_needed is not None and report.pairs_needed > plan.design.pairs:
        expected.append(report.pairs_needed)
    assert options["Pairs"].tolist() == expected
    assert options["This plan"].sum() == 1
    chosen = options[options["This plan"]].iloc[0]
    assert chosen["Power"] == round(report.power * 100)
    assert chosen["Days"] == 64


def test_a_design_that_cannot_be_significant_says_so() -> None:
    short = plan_for(history(), pairs=4)
    tiny = plan_power(outcome_history(history(200), OUTCOME, short.start), short.design,
                      max_pairs=6)  # fmt: skip
    lines = views.power_lines(tiny, short)
    assert "No change is found with 80 % power by 4 pairs: with fewer than 6 pairs" in lines[2]
    assert views.power_options(tiny)["Pairs"].tolist() == ([6] if tiny.pairs_needed else [])


def test_the_power_report_as_json(report) -> None:
    document = json.loads(json.dumps(views.power_json(report), allow_nan=False))
    assert document["power"] == report.power
    assert document["pairs_needed"] == report.pairs_needed
    assert [o["pairs"] for o in document["options"]] == report.options["pairs"].tolist()
    assert document["options"][0]["detectable"] is None or document["options"][0]["pairs"] >= 6
    spec = views.power_chart(report).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["field"] == "days"


# --- progress -------------------------------------------------------------------------------------
def test_progress_in_words(plan) -> None:
    waiting = views.progress_lines(adherence(plan, history()), plan)
    assert waiting == [
        "It starts on Mon 4 Mar 2024; your data runs to Sun 3 Mar 2024. Import your exports as "
        "you go: what you did each day is read from 'b_drink label', with nothing else to log."
    ]
    daily = run_trial(plan, days=24, kept=0.8, logged=0.9, seed=4)
    progress = adherence(plan, daily)
    lines = views.progress_lines(progress, plan)
    assert lines[0].startswith(f"Day {progress.days - progress.to_come} of 64 (")
    assert f"{progress.done} days done as planned, {progress.missed} missed" in lines[0]
    assert f"{progress.periods_kept} of 16 periods kept (at least 3 of its 4 days" in lines[1]
    assert ("Days not logged count as not done" in lines[-1]) == (progress.not_logged > 0)


def test_the_list_of_experiments_says_how_far_each_is(plan) -> None:
    daily = run_trial(plan, days=24)
    records = [
        {"plan": plan.to_json(), "status": "active"},
        {"plan": plan.restarted("2030-01-07", seed=1).to_json(), "status": "abandoned"},
    ]
    table = views.experiments_table(records, daily)
    assert table["State"].tolist() == ["running", "abandoned"]
    assert table["Days done"].iloc[0] == f"{adherence(plan, daily).done} of 64"
    assert table["Experiment"].tolist() == ["dry *week*"] * 2


# --- the result -----------------------------------------------------------------------------------
def test_the_result_in_words_has_both_analyses_and_both_tests(result) -> None:
    lines = views.result_lines(result)
    planned = result.as_planned
    size = f"{abs(planned.difference):.3g}"
    direction = "higher" if planned.difference > 0 else "lower"
    assert lines[0].startswith(
        f"As planned (intention to treat), 8 pairs: recovery_score label the next day was "
        f"{size} points {direction} with A (yes) than with B (no)"
    )
    assert f"randomisation test p = {planned.p_value:.2g} (all 256 orders" in lines[0]
    assert lines[1].startswith("The paired t-test on the period means")
    assert f"p = {planned.t_p_value:.2g}" in lines[1]
    assert any(line.startswith("As done (only the pairs you kept to)") for line in lines)
    dropped = planned.n_pairs - result.as_done.n_pairs
    assert lines[-1].startswith(
        f"As done leaves out {dropped} pair" if dropped else "You kept to every analysed pair"
    )


def test_an_interim_result_says_so_and_few_pairs_have_no_interval(plan) -> None:
    interim = analyse_experiment(plan, run_trial(plan, days=24, seed=5))
    lines = views.result_lines(interim)
    assert lines[0].startswith("Interim look: 3 of 8 pairs complete.")
    assert "no 95 % interval yet: 3 pairs cannot bound it (it takes at least 6)" in lines[1]


def test_the_result_table_and_chart(result) -> None:
    table = views.result_table(result)
    assert table["Analysis"].tolist() == [
        "As planned (intention to treat)", "As done (only the pairs you kept to)",
    ]  # fmt: skip
    assert table["Effect"].iloc[0] == result.as_planned.difference
    assert table["p (randomisation)"].iloc[0] == result.as_planned.p_value
    spec = views.result_chart(result).to_dict()
    datasets = list(spec["datasets"].values())
    assert any(len(d) == 8 and "pair" in d[0] for d in datasets)


# --- beside the history and the goal tree ---------------------------------------------------------
def test_the_history_row_is_the_behaviour_statistics_of_days_like_a_against_b(result) -> None:
    plan = result.plan
    daily = run_trial(plan, effect=6.0, history_days=120, seed=2)
    table = views.comparison_table(result, daily)
    before = daily.table[daily.table.index < plan.start]
    columns = {n: daily.registry[n] for n in (OUTCOME, BEHAVIOUR)}
    reference = behaviour_impact(
        DailyData(before[list(columns)], columns), OUTCOME, behaviours=[BEHAVIOUR]
    ).iloc[0]
    row = table.iloc[0]
    assert row["Source"] == "Your history before Mon 4 Mar 2024 (behaviour statistics)"
    assert row["Effect"] == pytest.approx(reference["difference"])
    assert row["Effect low"] == pytest.approx(reference["diff_ci_low"])
    assert row["p"] == pytest.approx(reference["p_value"])
    assert table["Source"].tolist()[1:] == [
        "This experiment, as planned", "This experiment, as done",
    ]  # fmt: skip
    assert table["Effect"].iloc[1] == result.as_planned.difference


def test_a_history_too_short_says_how_many_days_it_had(result) -> None:
    daily = run_trial(result.plan, history_days=4, seed=2)
    row = views.comparison_table(result, daily).iloc[0]
    assert math.isnan(row["Effect"])
    assert "not enough (at least 5 of each)" in row["Based on"]


def test_the_goal_trees_lever_is_the_change_from_b_to_a(result) -> None:
    plan = result.plan
    daily = run_trial(plan, effect=6.0, history_days=120, seed=2)
    tree = GoalTree(GoalNode("top", OUTCOME, (f"{BEHAVIOUR}@lag1",)))
    fit = fit_tree(tree, daily, n_boot=20)
    lever = leverage(fit).set_index("input").loc[BEHAVIOUR]
    row = views.comparison_table(result, daily, fit=fit, tree_name="t").iloc[1]
    assert row["Source"] == "Goal tree 't' (leverage: the change kept up every day)"
    assert row["Effect"] == pytest.approx(lever["per_unit"])  # A (yes) − B (no) is +1 unit
    assert (row["Effect low"], row["Effect high"]) == pytest.approx(
        (lever["unit_ci_low"], lever["unit_ci_high"])
    )
    other = GoalTree(GoalNode("top", BEHAVIOUR, (f"{OUTCOME}@lag1",)))
    note = views.comparison_table(result, daily, fit=fit_tree(other, daily, n_boot=0),
                                  tree_name="o").iloc[1]  # fmt: skip
    assert note["Based on"] == f"its top goal predicts {BEHAVIOUR}, not {OUTCOME}"


def test_a_range_of_doses_has_no_lever_to_compare(plan) -> None:
    daily = run_trial(plan, history_days=120, seed=3)
    table = daily.table.assign(**{HABIT: daily.table[BEHAVIOUR] * 2})
    registry = daily.registry | {HABIT: Variable(HABIT, "drinks", kind="habit")}
    doses = DailyData(table, registry)
    dose_plan = plan_for(doses, behaviour=HABIT, conditions=(
        Condition("some", Rule(">=", 1.0)), Condition("none", Rule("==", 0.0))))  # fmt: skip
    dosed = analyse_experiment(dose_plan, doses)
    fit = fit_tree(GoalTree(GoalNode("top", OUTCOME, (f"{HABIT}@lag1",))), doses, n_boot=0)
    row = views.comparison_table(dosed, doses, fit=fit, tree_name="t").iloc[1]
    assert row["Based on"] == "its effect is per unit; the conditions are ranges"
    history_row = views.comparison_table(dosed, doses).iloc[0]
    assert math.isfinite(history_row["Effect"])
