"""Behaviour impact and lag scans against direct computations."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import signal, stats

from pga_core.data import DailyData
from pga_core.stats import (
    DEFAULT_LAGS,
    IMPACT_COLUMNS,
    ImpactRequest,
    PairedDays,
    adjust_together,
    behaviour_impact,
    impact_records,
    impact_tests,
    lag_scan,
    rotation_test,
)
from tests.core.stats.synthetic_days import OUTCOME, make_daily, planted_person


def direct_pairs(daily: DailyData, behaviour: str, lag: int) -> pd.DataFrame:
    """Behaviour on day t and outcome on calendar day t + lag, complete pairs only."""
    table = daily.table.asfreq("D")
    later = table[OUTCOME].shift(-lag)
    return pd.DataFrame({"b": table[behaviour], "y": later}).dropna()


# ------------------------------------------------------------------------------ hand-checked


def test_means_counts_and_pct_change_match_a_direct_pandas_computation() -> None:
    daily = planted_person(200, -0.2, seed=3)
    table = behaviour_impact(daily, OUTCOME, n_boot=200, n_perm=200).set_index("behaviour")
    for behaviour in ("b_drink", "b_null"):
        pairs = direct_pairs(daily, behaviour, lag=1)
        yes, no = pairs.loc[pairs.b == 1, "y"], pairs.loc[pairs.b == 0, "y"]
        row = table.loc[behaviour]
        assert row["n_yes"] == len(yes)
        assert row["n_no"] == len(no)
        assert row["mean_yes"] == pytest.approx(yes.mean(), rel=1e-12)
        assert row["mean_no"] == pytest.approx(no.mean(), rel=1e-12)
        assert row["difference"] == pytest.approx(yes.mean() - no.mean(), rel=1e-9)
        assert row["pct_change"] == pytest.approx((yes.mean() / no.mean() - 1) * 100, rel=1e-9)
    assert list(table.reset_index().columns) == list(IMPACT_COLUMNS)


def test_a_tiny_table_by_hand() -> None:
    # behaviour on days 0..9; outcome on the next day.
    behaviour = np.array([1, 0, 1, np.nan, 0, 1, 0, 0, 1, 0], dtype=float)
    outcome = np.array([50, 40, 60, 42, 70, 44, 48, 62, 64, 38], dtype=float)
    daily = make_daily({OUTCOME: outcome, "b_x": behaviour})
    row = behaviour_impact(daily, OUTCOME, min_days=2, n_boot=50).iloc[0]
    # yes on days 0, 2, 5, 8 → outcome on 1, 3, 6, 9 = 40, 42, 48, 38 (mean 42)
    # no on days 1, 4, 6, 7 → outcome on 2, 5, 7, 8 = 60, 44, 62, 64 (mean 57.5); day 3 unlogged
    # and day 9 has no next day.
    assert (row["n_yes"], row["n_no"]) == (4, 4)
    assert row["mean_yes"] == pytest.approx(42.0)
    assert row["mean_no"] == pytest.approx(57.5)
    assert row["pct_change"] == pytest.approx((42 - 57.5) / 57.5 * 100)


def test_unlogged_days_are_missing_not_no() -> None:
    daily = planted_person(300, -0.2, seed=4)
    as_no = daily.table.fillna({"b_drink": 0.0})
    filled = DailyData(as_no, daily.registry)
    kept = behaviour_impact(daily, OUTCOME, behaviours=["b_drink"], n_boot=50).iloc[0]
    zero = behaviour_impact(filled, OUTCOME, behaviours=["b_drink"], n_boot=50).iloc[0]
    unlogged = int(daily.table["b_drink"].iloc[:-1].isna().sum())
    assert unlogged > 0
    pairs = direct_pairs(daily, "b_drink", lag=1)
    assert kept["n_no"] == int((pairs.b == 0).sum())
    assert zero["n_no"] > kept["n_no"]


def test_calendar_gaps_are_missing_days_not_skipped() -> None:
    daily = planted_person(120, -0.3, seed=5)
    # Drop ten days from the table: the day after each gap must not pair with the day before it.
    holey = DailyData(daily.table.drop(daily.table.index[50:60]), daily.registry)
    row = behaviour_impact(holey, OUTCOME, behaviours=["b_drink"], n_boot=50).iloc[0]
    pairs = direct_pairs(holey, "b_drink", lag=1)
    assert row["n_yes"] + row["n_no"] == len(pairs)
    assert row["mean_yes"] == pytest.approx(pairs.loc[pairs.b == 1, "y"].mean())


@pytest.mark.parametrize("lag", [0, 2, 5])
def test_other_lags_pair_with_the_outcome_lag_days_later(lag: int) -> None:
    daily = planted_person(150, -0.2, seed=6)
    row = behaviour_impact(daily, OUTCOME, lag=lag, behaviours=["b_null"], n_boot=50).iloc[0]
    pairs = direct_pairs(daily, "b_null", lag=lag)
    assert row["lag"] == lag
    assert row["mean_no"] == pytest.approx(pairs.loc[pairs.b == 0, "y"].mean())


# ----------------------------------------------------------------------- tests and intervals


def rotation_p_by_loop(daily: DailyData, behaviour: str, lag: int) -> tuple[float, int]:
    """Reference rotation test: np.roll and scipy's Welch t-test for every shift."""
    table = daily.table.asfreq("D")
    b = table[behaviour].to_numpy()[: len(table) - lag]
    y = table[OUTCOME].to_numpy()[lag:]
    complete = np.flatnonzero(~np.isnan(b) & ~np.isnan(y))
    b, y = b[complete[0] : complete[-1] + 1], y[complete[0] : complete[-1] + 1]

    def welch(shifted: np.ndarray) -> float:
        yes, no = y[(shifted == 1) & ~np.isnan(y)], y[(shifted == 0) & ~np.isnan(y)]
        return stats.ttest_ind(yes, no, equal_var=False).statistic

    observed = abs(welch(b))
    shifted = np.array([abs(welch(np.roll(b, k))) for k in range(1, len(b))])
    return (1 + np.sum(shifted >= observed * (1 - 1e-9))) / (1 + len(shifted)), len(shifted)


def test_rotation_p_value_matches_a_loop_over_every_shift() -> None:
    daily = planted_person(160, -0.1, phi=0.6, seed=7)
    table = behaviour_impact(daily, OUTCOME, n_boot=50, n_perm=None).set_index("behaviour")
    for behaviour in ("b_drink", "b_null"):
        expected, n_shifts = rotation_p_by_loop(daily, behaviour, lag=1)
        assert table.loc[behaviour, "p_value"] == pytest.approx(expected, rel=1e-12)
        assert table.loc[behaviour, "n_rotations"] == n_shifts


def test_the_interval_joins_the_rotation_interval_and_the_bootstrap_one() -> None:
    daily = planted_person(150, -0.2, phi=0.6, seed=19)
    row = behaviour_impact(daily, OUTCOME, behaviours=["b_drink"], n_perm=None).iloc[0]
    table = daily.table
    b = table["b_drink"].to_numpy()[:-1]
    y = table[OUTCOME].to_numpy()[1:]
    rotation = rotation_test(
        PairedDays.from_series(b, y), row["mean_yes"], row["mean_no"], None,
        np.random.default_rng(0),
    )  # fmt: skip
    # The reported interval is the union of this and the block-bootstrap interval.
    assert row["ci_low"] <= rotation.pct_interval[0]
    assert row["ci_high"] >= rotation.pct_interval[1]
    assert row["diff_ci_low"] <= rotation.diff_interval[0]
    assert row["diff_ci_high"] >= rotation.diff_interval[1]
    assert row["p_value"] == rotation.p_value
    assert row["n_rotations"] == rotation.n_rotations


def test_stretches_are_counted_and_few_stretches_are_called_out() -> None:
    n_days = 200
    rng = np.random.default_rng(20)
    # Two stretches of 10 yes days; unlogged days inside a stretch do not split it.
    behaviour = np.zeros(n_days)
    behaviour[40:50] = 1.0
    behaviour[120:130] = 1.0
    behaviour[45] = np.nan
    outcome = 60 + rng.normal(0, 5, n_days)
    daily = make_daily({OUTCOME: outcome, "b_trip": behaviour})
    row = behaviour_impact(daily, OUTCOME, n_boot=50).iloc[0]
    assert (row["yes_stretches"], row["no_stretches"]) == (2, 3)
    assert "only 2 separate stretches" in row["note"]


def test_q_values_are_benjamini_hochberg_over_the_tested_rows() -> None:
    rng = np.random.default_rng(8)
    columns = {OUTCOME: 60 + rng.normal(0, 10, 400)}
    columns |= {f"b_{i}": (rng.random(400) < 0.4).astype(float) for i in range(6)}
    columns["b_rare"] = np.where(np.arange(400) < 3, 1.0, 0.0)  # 3 yes days: not tested
    daily = make_daily(columns)
    table = behaviour_impact(daily, OUTCOME, n_boot=50, n_perm=300)
    tested = table[table["tested"]]
    assert len(tested) == 6
    expected = stats.false_discovery_control(tested["p_value"].to_numpy())
    np.testing.assert_allclose(tested["q_value"].to_numpy(), expected)
    rare = table.set_index("behaviour").loc["b_rare"]
    assert not rare["enough_data"]
    assert math.isnan(rare["p_value"])
    assert math.isnan(rare["q_value"])
    assert math.isnan(rare["ci_low"])
    assert math.isnan(rare["ci_high"])
    assert rare["note"].startswith("not enough data yet: 3 yes and")


def test_interval_holds_a_planted_effect_on_a_long_series() -> None:
    daily = planted_person(1500, -0.24, phi=0.5, seed=9)
    row = behaviour_impact(daily, OUTCOME, behaviours=["b_drink"], n_boot=400).iloc[0]
    assert row["ci_low"] < -24 < row["ci_high"]
    assert row["ci_high"] - row["ci_low"] < 8
    assert row["p_value"] < 0.01
    assert row["verdict"] == "likely effect"
    assert pytest.approx(row["difference"], abs=3) == -60 * 0.24
    assert row["diff_ci_low"] < -60 * 0.24 < row["diff_ci_high"]


def test_bootstrap_interval_tracks_autocorrelation() -> None:
    # The same planted effect with a strongly autocorrelated outcome and persistent habit must
    # get a wider interval than with independent days.
    def person(phi: float, run: int) -> DailyData:
        rng = np.random.default_rng(10)
        n_days = 1000
        noise = signal.lfilter(
            [1.0], [1.0, -phi], rng.normal(0, 10 * math.sqrt(1 - phi**2), n_days)
        )
        drink = np.repeat((rng.random(n_days // run + 1) < 0.4).astype(float), run)[:n_days]
        outcome = 60 + noise
        outcome[1:] *= 1 - 0.2 * drink[:-1]
        return make_daily({OUTCOME: outcome, "b_drink": drink})

    calm = behaviour_impact(person(0.0, 1), OUTCOME, n_boot=400).iloc[0]
    sticky = behaviour_impact(person(0.9, 20), OUTCOME, n_boot=400).iloc[0]
    assert calm["block_days"] <= 3
    assert sticky["block_days"] >= 8
    assert sticky["ci_high"] - sticky["ci_low"] > 2 * (calm["ci_high"] - calm["ci_low"])


def test_draws_are_seeded_and_do_not_depend_on_the_other_behaviours() -> None:
    daily = planted_person(300, -0.1, seed=11)
    both = behaviour_impact(daily, OUTCOME, n_boot=100, n_perm=100, random_state=5)
    alone = behaviour_impact(
        daily, OUTCOME, behaviours=["b_null"], n_boot=100, n_perm=100, random_state=5
    )
    again = behaviour_impact(daily, OUTCOME, n_boot=100, n_perm=100, random_state=5)
    other = behaviour_impact(daily, OUTCOME, n_boot=100, n_perm=100, random_state=6)
    pd.testing.assert_frame_equal(both, again)
    null_row = both.set_index("behaviour").loc["b_null"]
    for column in ("ci_low", "ci_high", "p_value"):
        assert alone.iloc[0][column] == null_row[column]
    assert other.set_index("behaviour").loc["b_null", "ci_low"] != null_row["ci_low"]


def test_weekday_adjustment_removes_a_weekly_rhythm() -> None:
    # Drinking every Friday; recovery is low every Saturday for other reasons.
    n_days = 364
    index = pd.date_range("2024-01-01", periods=n_days)
    rng = np.random.default_rng(12)
    friday = (index.day_of_week == 4).astype(float)
    saturday = index.day_of_week == 5
    outcome = 60 + rng.normal(0, 5, n_days) - 15 * saturday
    friday[rng.random(n_days) < 0.15] = 0.0  # a few Fridays without a drink
    daily = make_daily({OUTCOME: outcome, "b_friday": friday})
    raw = behaviour_impact(daily, OUTCOME, n_boot=100).iloc[0]
    adjusted = behaviour_impact(daily, OUTCOME, n_boot=100, adjust_weekday=True).iloc[0]
    assert raw["pct_change"] < -15
    assert abs(adjusted["pct_change"]) < 5
    assert adjusted["weekday_adjusted"]
    series = pd.Series(outcome, index=index)
    expected = series - series.groupby(index.day_of_week).transform("mean") + series.mean()
    pairs = pd.DataFrame({"b": friday, "y": expected.shift(-1).to_numpy()}).dropna()
    assert adjusted["mean_yes"] == pytest.approx(pairs.loc[pairs.b == 1, "y"].mean())


# ------------------------------------------------------------------------------ circular pairs


def test_circular_pairs_are_flagged_and_never_discoveries() -> None:
    rng = np.random.default_rng(13)
    n_days = 300
    slept_well = (rng.random(n_days) < 0.5).astype(float)
    sleep_score = 70 + 20 * slept_well + rng.normal(0, 3, n_days)
    outcome = np.r_[50.0, 0.6 * sleep_score[:-1] + rng.normal(0, 3, n_days - 1)]
    columns = {OUTCOME: outcome, "sleep_score": sleep_score, "b_slept_well": slept_well}
    columns["b_other"] = (rng.random(n_days) < 0.5).astype(float)
    # recovery ← sleep_score ← b_slept_well: circular through another variable.
    daily = make_daily(columns, recovery_score=("sleep_score",), sleep_score=("b_slept_well",))
    table = behaviour_impact(daily, OUTCOME, n_boot=100).set_index("behaviour")
    circular = table.loc["b_slept_well"]
    assert circular["circular"]
    assert not circular["tested"]
    assert math.isnan(circular["q_value"])
    assert circular["p_value"] < 0.01  # the numbers are there, the verdict is not a finding
    assert circular["verdict"] == "built in"
    assert not table.loc["b_other", "circular"]
    assert table.loc["b_other", "q_value"] == pytest.approx(table.loc["b_other", "p_value"])


# ------------------------------------------------------------------------------- lag scans


def test_lag_scan_finds_the_planted_lag_and_corrects_over_every_lag() -> None:
    daily = planted_person(500, -0.25, seed=14)
    scan = lag_scan(daily, OUTCOME, "b_drink", n_boot=100)
    assert list(scan["lag"]) == list(DEFAULT_LAGS) == list(range(8))
    assert scan.loc[scan["q_value"].idxmin(), "lag"] == 1
    np.testing.assert_allclose(
        scan["q_value"], stats.false_discovery_control(scan["p_value"].to_numpy())
    )
    single = behaviour_impact(daily, OUTCOME, behaviours=["b_drink"], n_boot=100).iloc[0]
    lag_one = scan.set_index("lag").loc[1]
    for column in ("mean_yes", "ci_low", "ci_high", "p_value"):
        assert lag_one[column] == single[column]


def test_tests_run_together_share_one_family() -> None:
    daily = planted_person(400, -0.2, seed=15)
    requests = [ImpactRequest(OUTCOME, 1), ImpactRequest(OUTCOME, 2, ("b_drink",))]
    together = impact_tests(daily, requests, n_boot=50)
    assert len(together) == 3
    np.testing.assert_allclose(
        together["q_value"], stats.false_discovery_control(together["p_value"].to_numpy())
    )
    again = impact_tests(daily, [*requests, ImpactRequest(OUTCOME, 1, ("b_drink",))], n_boot=50)
    assert len(again) == 3  # the same test asked twice is counted once
    impact = behaviour_impact(daily, OUTCOME, n_boot=50)
    scan = lag_scan(daily, OUTCOME, "b_drink", lags=[2], n_boot=50)
    joint_impact, joint_scan = adjust_together(impact, scan)
    np.testing.assert_allclose(
        np.r_[joint_impact["q_value"], joint_scan["q_value"]], together["q_value"]
    )


# ---------------------------------------------------------------------------------- records


def test_impact_records_are_json_with_null_for_missing() -> None:
    daily = make_daily({OUTCOME: np.arange(30.0) % 7 + 50, "b_rare": np.r_[1.0, 1.0, np.zeros(28)]})
    table = behaviour_impact(daily, OUTCOME, n_boot=50)
    records = impact_records(table)
    text = json.dumps(records, allow_nan=False)
    loaded = json.loads(text)[0]
    assert loaded["behaviour"] == "b_rare"
    assert loaded["p_value"] is None
    assert loaded["ci_low"] is None
    assert loaded["enough_data"] is False
    assert loaded["n_yes"] == 2
    assert loaded["n_no"] == 27
    assert set(IMPACT_COLUMNS) <= set(loaded)


# ------------------------------------------------------------------------------ bad input


@pytest.fixture
def small() -> DailyData:
    return planted_person(60, -0.2, seed=18)


def test_unknown_outcome_lists_the_columns(small: DailyData) -> None:
    with pytest.raises(ValueError, match=r"outcome 'recovery'.*columns: recovery_score, b_drink"):
        behaviour_impact(small, "recovery")


def test_unknown_behaviour_lists_the_behaviours(small: DailyData) -> None:
    with pytest.raises(ValueError, match=r"behaviour 'b_wine'.*behaviours: b_drink, b_null"):
        behaviour_impact(small, OUTCOME, behaviours=["b_wine"])


def test_outcome_without_variance_is_refused() -> None:
    daily = make_daily({OUTCOME: np.full(30, 55.0), "b_x": np.tile([0.0, 1.0], 15)})
    with pytest.raises(ValueError, match=r"outcome 'recovery_score'.*no variation"):
        behaviour_impact(daily, OUTCOME)


def test_all_yes_behaviour_is_not_enough_data_not_a_crash(small: DailyData) -> None:
    table = small.table.assign(b_drink=1.0)
    row = behaviour_impact(DailyData(table, small.registry), OUTCOME, n_boot=50).iloc[0]
    assert not row["enough_data"]
    assert row["n_no"] == 0
    assert math.isnan(row["mean_no"])
    assert math.isnan(row["pct_change"])
    assert "0 no days" in row["note"]


@pytest.mark.parametrize(
    ("lag", "message"),
    [(-1, "lag must be 0 or more"), (60, "lag of 60 day"), (1.5, "whole number"), (True, "whole")],
)
def test_bad_lags_are_refused(small: DailyData, lag: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        behaviour_impact(small, OUTCOME, lag=lag)  # type: ignore[arg-type]


def test_a_non_yes_no_behaviour_is_refused(small: DailyData) -> None:
    table = small.table.assign(b_null=small.table["b_null"] * 2)
    expected = r"'b_null' is not a yes/no behaviour: on 2024-01-\d\d it holds 2;"
    with pytest.raises(ValueError, match=expected):
        behaviour_impact(DailyData(table, small.registry), OUTCOME)


def test_no_behaviours_at_all_is_refused() -> None:
    daily = make_daily({OUTCOME: np.arange(20.0), "hrv": np.arange(20.0) ** 0.5})
    with pytest.raises(ValueError, match="no yes/no behaviours to test"):
        behaviour_impact(daily, OUTCOME)


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"min_days": 0}, "min_days"), ({"n_boot": 0}, "n_boot"), ({"n_perm": -3}, "n_perm")],
)
def test_bad_settings_are_refused(small: DailyData, settings: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        behaviour_impact(small, OUTCOME, **settings)
