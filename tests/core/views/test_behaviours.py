"""What the Behaviours page shows, checked against the statistics and direct computations."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pga_core.data import DailyData, Variable
from pga_core.stats import (
    DISCOVERY_Q,
    behaviour_impact,
    habit_effects,
    lag_scan,
    lagged_correlations,
)
from pga_core.views import _behaviours as view
from pga_core.views import load_sample
from pga_core.words import lag_phrase, lag_words

OUTCOME = "recovery_score"
ALCOHOL = "have_any_alcoholic_drinks"
BOOT = 60
TRICKY = "**bold** [x](http://x)"


@pytest.fixture(scope="module")
def person() -> DailyData:
    """The bundled sample person (two years, alcohol −24 % planted), read as an import would."""
    return load_sample()


@pytest.fixture(scope="module")
def impact(person: DailyData) -> pd.DataFrame:
    return behaviour_impact(person, OUTCOME, n_boot=BOOT)


def make_daily(columns: dict[str, list[float]], kinds: dict[str, str], **extra) -> DailyData:
    """Consecutive days from 2024-01-01; ``kinds`` gives each column's kind (default metric)."""
    n_days = len(next(iter(columns.values())))
    index = pd.date_range("2024-01-01", periods=n_days, name="date")
    registry = {
        name: Variable(
            name,
            extra.get("labels", {}).get(name, name.replace("_", " ").capitalize()),
            unit=extra.get("units", {}).get(name, ""),
            kind=kinds.get(name, "metric"),  # type: ignore[arg-type]
            components=extra.get("components", {}).get(name, ()),
        )
        for name in columns
    }
    return DailyData(pd.DataFrame(columns, index=index), registry)


def planted(n_days: int = 120, *, seed: int = 1, negative: bool = False) -> DailyData:
    """An outcome 10 points lower the day after ``drink`` = yes, a null behaviour, a habit."""
    rng = np.random.default_rng(seed)
    drink = (rng.random(n_days) < 0.4).astype(float)
    outcome = 60 + rng.normal(0, 5, n_days)
    outcome[1:] -= 10 * drink[:-1]
    if negative:
        outcome -= 70
    drink[rng.random(n_days) < 0.1] = np.nan
    return make_daily(
        {
            "score": outcome.tolist(),
            "drink": drink.tolist(),
            "coffee": (rng.random(n_days) < 0.5).astype(float).tolist(),
            "water": rng.normal(2, 0.5, n_days).tolist(),
        },
        {"drink": "behaviour", "coffee": "behaviour", "water": "habit"},
        units={"score": "bpm", "water": "L"},
    )


# --- choices --------------------------------------------------------------------------------------
def test_recovery_is_the_default_outcome_and_behaviours_are_never_outcomes(person) -> None:
    choices = view.outcome_choices(person)
    assert choices[0] == OUTCOME == view.default_outcome(person)
    preferred = [name for name in view.PREFERRED_OUTCOMES if name in person.table.columns]
    assert choices[: len(preferred)] == preferred
    assert not set(choices) & set(person.names("behaviour"))
    metrics = set(person.names("metric")) | set(person.names("habit"))
    usable = {n for n in metrics if person.table[n].count() >= 10 and person.table[n].std() > 0}
    assert set(choices) == usable


def test_without_recovery_the_first_metric_logged_often_enough_is_the_default() -> None:
    daily = make_daily(
        {
            "flat": [3.0] * 20,
            "short": [1.0, 2.0] + [math.nan] * 18,
            "steps_walked": list(range(20)),
            "sleep_hours": [7.0, 8.0] * 10,
            "gym": [1.0, 0.0] * 10,
        },
        {"steps_walked": "habit", "gym": "behaviour"},
    )
    assert view.outcome_choices(daily) == ["sleep_hours", "steps_walked"]
    assert view.default_outcome(daily) == "sleep_hours"
    assert view.default_outcome(make_daily({"gym": [1.0, 0.0]}, {"gym": "behaviour"})) is None


def test_pickers_describe_variables_and_keep_a_choice_only_while_it_exists(person) -> None:
    assert view.describe_variable(person, OUTCOME) == "Recovery score (%)"
    assert view.describe_variable(person, ALCOHOL) == "Have any alcoholic drinks?"
    twins = make_daily({"a": [1.0, 2.0], "b": [2.0, 3.0]}, {}, labels={"a": "HR", "b": "HR"})
    assert view.describe_variable(twins, "a") == "HR · a"
    assert view.kept_choice("b", ["a", "b"], "a") == "b"
    assert view.kept_choice("gone", ["a", "b"], "a") == "a"
    assert view.kept_selection(None, ["a", "b", "c"], ["a"]) == ["a"]
    assert view.kept_selection(["c", "gone"], ["a", "b", "c"], ["a"]) == ["c"]
    assert view.kept_selection([], ["a", "b"], ["a"]) == []
    assert [lag_phrase(k) for k in (0, 1, 3)] == [
        "the same day",
        "1 day later (the next morning)",
        "3 days later",
    ]
    assert [lag_words(k) for k in (0, 1, 3)] == [
        "the same day",
        "the next day",
        "3 days later",
    ]


# --- the impact table -----------------------------------------------------------------------------
def test_chart_rows_are_the_estimated_behaviours_sorted_by_their_change(person, impact) -> None:
    iv = view.impact_view(impact, person)
    enough = impact[impact["enough_data"]]
    assert iv.percent
    assert iv.unit == "%"
    assert sorted(iv.chart["behaviour"]) == sorted(enough["behaviour"])
    assert iv.chart["effect"].is_monotonic_increasing
    by_name = enough.set_index("behaviour")
    for row in iv.chart.itertuples():
        assert row.effect == by_name.loc[row.behaviour, "pct_change"]
        assert (row.effect_low, row.effect_high) == (
            by_name.loc[row.behaviour, "ci_low"],
            by_name.loc[row.behaviour, "ci_high"],
        )
        assert row.row == person.registry[row.behaviour].label
    assert iv.chart["behaviour"].iloc[0] == ALCOHOL
    assert iv.n_tests == int(impact["tested"].sum())
    assert list(iv.table.columns) == [
        "Behaviour", "Verdict", "Change", "Interval low", "Interval high", "Days with",
        "Days without", "Mean after yes", "Mean after no", "p", "q", "In plain words",
    ]  # fmt: skip
    assert len(iv.table) == len(impact)


def test_findings_follow_q_and_the_sign_and_the_likely_ones_are_said_first(person, impact):
    iv = view.impact_view(impact, person)
    by_name = impact.set_index("behaviour")
    for row in iv.chart.itertuples():
        q = by_name.loc[row.behaviour, "q_value"]
        if q <= DISCOVERY_Q:
            expected = view.LIKELY_LOWER if row.effect < 0 else view.LIKELY_HIGHER
        else:
            expected = view.NOT_CLEAR
        assert row.finding == expected
    alcohol = iv.chart.set_index("behaviour").loc[ALCOHOL]
    assert alcohol["finding"] == view.LIKELY_LOWER
    assert iv.likely[0] == alcohol["explanation"]
    assert view.default_behaviour(iv) == ALCOHOL


def test_each_row_is_explained_with_its_own_numbers(person, impact) -> None:
    iv = view.impact_view(impact, person)
    row = impact.set_index("behaviour").loc[ALCOHOL]
    text = iv.explanation(ALCOHOL)
    low, high = row["ci_low"], row["ci_high"]
    assert text.startswith(
        f"Based on {row['n_yes']} days with 'Have any alcoholic drinks?' and {row['n_no']} "
        "without, each followed by Recovery score the next day."
    )
    assert f"after no {row['mean_no']:.3g} %: {abs(row['pct_change']):.0f} % lower" in text
    assert f"between −{abs(low):.0f} % and −{abs(high):.0f} % (95 % interval)." in text
    shifts = int(row["n_rotations"])
    as_clear = round(row["p_value"] * (shifts + 1)) - 1
    assert (
        f"none of {shifts:,} shifts" if as_clear == 0 else f"{as_clear:,} of {shifts:,}"
    ) in text
    assert f"q = {row['q_value']:.2g}: counting all {iv.n_tests} tests" in text
    unclear = iv.chart[iv.chart["finding"] == view.NOT_CLEAR].iloc[0]
    assert "which includes no change at all" in unclear["explanation"]


def test_rows_without_enough_days_wait_apart_with_their_counts(person) -> None:
    table = behaviour_impact(person, OUTCOME, n_boot=BOOT, min_days=60)
    iv = view.impact_view(table, person, min_days=60)
    short = table[~table["enough_data"]]
    assert len(short) > 0
    assert sorted(iv.waiting["behaviour"]) == sorted(short["behaviour"])
    assert not set(iv.waiting["behaviour"]) & set(iv.chart["behaviour"])
    first = iv.waiting.iloc[0]
    counts = short.set_index("behaviour").loc[first["behaviour"]]
    assert (first["n_yes"], first["n_no"], first["needed"]) == (
        counts["n_yes"],
        counts["n_no"],
        60,
    )
    assert first["explanation"].startswith(
        f"Not enough data yet: {counts['n_yes']} day{'s' if counts['n_yes'] != 1 else ''} with"
    )
    assert "needs at least 60" in first["explanation"]
    assert view.behaviour_choices(iv)[-len(iv.waiting) :] == iv.waiting["behaviour"].tolist()


def test_an_outcome_below_zero_is_shown_as_a_difference_in_its_units() -> None:
    daily = planted(negative=True)
    table = behaviour_impact(daily, "score", n_boot=BOOT)
    iv = view.impact_view(table, daily)
    assert not iv.percent
    assert iv.unit == "bpm"
    drink = iv.chart.set_index("behaviour").loc["drink"]
    pairs = pd.DataFrame({"b": daily.table["drink"], "y": daily.table["score"].shift(-1)}).dropna()
    direct = pairs.loc[pairs.b == 1, "y"].mean() - pairs.loc[pairs.b == 0, "y"].mean()
    assert drink["effect"] == pytest.approx(direct)
    assert drink["effect"] == pytest.approx(-10, abs=3)
    assert f"{abs(direct):.3g} bpm lower" in drink["explanation"]


def test_built_in_behaviours_are_marked_and_explained() -> None:
    daily = planted()
    daily = DailyData(
        daily.table,
        {**daily.registry, "score": Variable("score", "Score", components=("coffee",))},
    )
    iv = view.impact_view(behaviour_impact(daily, "score", n_boot=BOOT), daily)
    coffee = iv.chart.set_index("behaviour").loc["coffee"]
    assert coffee["finding"] == view.BUILT_IN
    assert "built in and not a finding" in coffee["explanation"]
    assert iv.n_tests == 1


# --- yes vs no ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("lag", "weekday"), [(1, False), (0, False), (2, True)])
def test_yes_no_days_are_the_days_behind_the_impact_means(person, lag, weekday) -> None:
    row = behaviour_impact(
        person, OUTCOME, lag=lag, adjust_weekday=weekday, behaviours=[ALCOHOL], n_boot=BOOT
    ).iloc[0]
    values = view.yes_no_values(person, ALCOHOL, OUTCOME, lag=lag, adjust_weekday=weekday)
    yes = values.loc[values["answer"] == "after yes", "value"]
    no = values.loc[values["answer"] == "after no", "value"]
    assert (len(yes), len(no)) == (row["n_yes"], row["n_no"])
    assert yes.mean() == pytest.approx(row["mean_yes"])
    assert no.mean() == pytest.approx(row["mean_no"])
    assert ((values["outcome_date"] - values["date"]).dt.days == lag).all()


def test_yes_no_pairs_by_hand_and_their_summary() -> None:
    daily = make_daily(
        {"score": [50.0, 40.0, math.nan, 70.0, 60.0], "gym": [1.0, math.nan, 0.0, 1.0, 0.0]},
        {"gym": "behaviour"},
    )
    values = view.yes_no_values(daily, "gym", "score", lag=1)
    assert values["date"].dt.day.tolist() == [1, 3, 4]
    assert values["answer"].tolist() == ["after yes", "after no", "after yes"]
    assert values["value"].tolist() == [40.0, 70.0, 60.0]
    same_day = view.yes_no_values(daily, "gym", "score", lag=0)
    assert same_day["value"].tolist() == [50.0, 70.0, 60.0]
    summary = view.yes_no_summary(same_day).set_index("")
    assert summary.loc["after yes", "Days"] == 2
    assert summary.loc["after yes", "Mean"] == 60.0
    assert summary.loc["after yes", "25th percentile"] == pytest.approx(55.0)
    assert summary.loc["after no", "Median"] == 60.0
    with pytest.raises(ValueError, match="'nope' is not a column of the data"):
        view.yes_no_values(daily, "nope", "score")


# --- the lag scan ---------------------------------------------------------------------------------
def test_the_scan_joins_the_tables_family_and_leaves_the_estimates_alone(person, impact) -> None:
    result = view.impact_with_lag_scan(person, OUTCOME, ALCOHOL, lag=1, n_boot=BOOT)
    estimates = ["behaviour", "n_yes", "n_no", "pct_change", "ci_low", "ci_high", "p_value"]
    pd.testing.assert_frame_equal(result.main[estimates], impact[estimates])
    alone = lag_scan(person, OUTCOME, ALCOHOL, n_boot=BOOT)
    pd.testing.assert_frame_equal(result.scan[estimates], alone[estimates])
    # one family: the table's tests plus the scan's other lags, each test once
    other_lags = alone[(alone["lag"] != 1) & alone["tested"]]
    family = pd.concat([impact.loc[impact["tested"], "p_value"], other_lags["p_value"]])
    assert result.n_tests == len(family)
    q = stats.false_discovery_control(family.to_numpy())
    tested = result.main["tested"].to_numpy()
    np.testing.assert_allclose(result.main.loc[tested, "q_value"], q[: tested.sum()])
    scan_row = result.scan.set_index("lag").loc[1]
    main_row = result.main.set_index("behaviour").loc[ALCOHOL]
    assert scan_row["q_value"] == main_row["q_value"]


def test_scan_rows_for_the_chart_and_table(person) -> None:
    result = view.impact_with_lag_scan(person, OUTCOME, ALCOHOL, lag=1, n_boot=BOOT)
    rows = view.lag_scan_view(result.scan, person, n_tests=result.n_tests)
    assert rows["lag"].tolist() == list(range(8))
    assert rows["effect"].tolist() == result.scan["pct_change"].tolist()
    assert rows.loc[1, "finding"] == view.LIKELY_LOWER
    assert f"counting all {result.n_tests} tests" in rows.loc[1, "explanation"]
    table = view.lag_scan_table(rows)
    assert table["When"].iloc[1] == "1 day later (the next morning)"
    assert table["q"].tolist() == rows["q_value"].tolist()


# --- habits ---------------------------------------------------------------------------------------
def test_habit_rows_follow_habit_effects_sorted_with_where_the_interval_lies(person) -> None:
    habits = habit_effects(person, OUTCOME, n_boot=BOOT)
    rows = view.habit_view(habits, person)
    assert sorted(rows["habit"]) == sorted(habits["habit"])
    estimated = rows[rows["enough_data"].astype(bool)]
    assert estimated["per_sd"].is_monotonic_increasing
    by_name = habits.set_index("habit")
    for row in estimated.itertuples():
        source = by_name.loc[row.habit]
        assert row.per_sd == source["per_sd"]
        assert row.per_unit == pytest.approx(source["per_sd"] / source["sd"])
        if source["circular"]:
            assert row.finding == view.BUILT_IN
        elif source["per_sd_ci_high"] < 0:
            assert row.finding == view.HABIT_CLEAR_LOWER
        elif source["per_sd_ci_low"] > 0:
            assert row.finding == view.HABIT_CLEAR_HIGHER
        else:
            assert row.finding == view.HABIT_UNCLEAR
    zone5 = rows.set_index("habit").loc["zone5_min"]
    assert zone5["row"] == "Time in HR zone 5 (min)"
    assert zone5["explanation"].startswith(f"On days with {zone5['sd']:.3g} min more")
    assert list(view.habit_table(rows).columns)[:2] == ["Habit", "Per SD"]


# --- correlations ---------------------------------------------------------------------------------
def test_heatmap_columns_start_with_the_outcome_and_mix_habits_and_behaviours(person) -> None:
    columns = view.default_correlation_columns(person, OUTCOME)
    assert columns[0] == OUTCOME
    assert len(columns) == view.DEFAULT_HEATMAP_COLUMNS
    kinds = [person.registry[c].kind for c in columns]
    assert "habit" in kinds
    assert "behaviour" in kinds
    assert set(columns) <= set(view.correlation_choices(person))


@pytest.mark.parametrize("lag", [0, 1])
def test_heatmap_cells_are_the_correlations_and_mark_the_likely_ones(person, lag) -> None:
    columns = [OUTCOME, "hrv_rmssd", "zone5_min", ALCOHOL]
    result = view.correlations(person, columns, lag=lag)
    reference = lagged_correlations(person, columns, lag=lag)
    pd.testing.assert_frame_equal(result.table, reference.table)
    cells = view.correlation_cells(result, person)
    assert len(cells) == len(columns) * (len(columns) - 1)
    for cell in cells.itertuples():
        assert cell.r == pytest.approx(reference.r.loc[cell.x, cell.y], nan_ok=True)
        assert cell.likely == (cell.q_value <= DISCOVERY_Q)
        assert cell.x_position == columns.index(cell.x)
    direct = person.table[OUTCOME].corr(person.table["zone5_min"].shift(-lag))
    cell = cells[(cells["x"] == OUTCOME) & (cells["y"] == "zone5_min")].iloc[0]
    assert cell.r == pytest.approx(direct)
    assert cell.text == (f"−{abs(direct):.2f}" if direct < 0 else f"{direct:.2f}")


def test_a_pair_without_variation_on_its_shared_days_is_blank_not_a_warning() -> None:
    rng = np.random.default_rng(0)
    rare = np.full(60, np.nan)
    rare[::5] = 20 + rng.normal(0, 1, 12)
    test = np.zeros(60)
    test[1::5] = 1.0  # yes only on days the rare metric is missing
    daily = make_daily({"rare": rare.tolist(), "test": test.tolist()}, {"test": "behaviour"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = view.correlations(daily, ["rare", "test"])
    assert math.isnan(result.r.loc["rare", "test"])


def test_findings_put_the_clearest_links_into_words(person) -> None:
    columns = [OUTCOME, "hrv_rmssd", "resting_hr", "zone5_min", "workout_min", ALCOHOL]
    result = view.correlations(person, columns, lag=1)
    findings = view.correlation_findings(result, person)
    tested = result.table[result.table["tested"]]
    assert len(findings) == min(view.FINDINGS_LISTED, len(tested))
    assert findings["q"].is_monotonic_increasing
    first = findings.iloc[0]
    assert first["Day t"] == "Have any alcoholic drinks?"
    assert first["Later"] == "Recovery score"
    r = result.r.loc[ALCOHOL, OUTCOME]
    assert first["In plain words"] == (
        "Days with 'Have any alcoholic drinks?' = yes went with lower 'Recovery score' the next "
        f"day: a moderate link (r = −{abs(r):.2f} over {first['Days']} days; q = {first['q']:.2g} "
        f"over {len(tested)} tested pairs, likely not chance). A link is not a cause."
    )
    habit = findings[findings["Day t"] == "Time in HR zone 5"].iloc[0]
    assert habit["In plain words"].startswith("Days with more 'Time in HR zone 5' went with")


# --- names people chose ---------------------------------------------------------------------------
def test_labels_people_chose_stay_as_they_are(person) -> None:
    registry = dict(person.registry)
    registry[ALCOHOL] = Variable(ALCOHOL, TRICKY, kind="behaviour", source="csv")
    daily = DailyData(person.table, registry)
    iv = view.impact_view(behaviour_impact(daily, OUTCOME, n_boot=BOOT), daily)
    assert iv.labels()[ALCOHOL] == TRICKY
    assert TRICKY in iv.table["Behaviour"].tolist()
    assert f"'{TRICKY}'" in iv.explanation(ALCOHOL)
