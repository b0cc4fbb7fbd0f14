"""The sample person: the simulation, its merged daily table and the planted truth it recovers.

What the person's files look like and that they read back to these tables is in
``test_exports.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pga_core.data import slugify
from pga_core.sample import generate_person


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_person():
    """200 days across the February trip, the March clock change and the July trip."""
    return generate_person(200, seed=3, start="2024-01-20")


@pytest.fixture(scope="module")
def person():
    return generate_person(seed=0)


@pytest.fixture(scope="module")
def long_person():
    return generate_person(20_000, seed=1)


# --- the daily tables -----------------------------------------------------------------------------
def test_merged_daily_prefers_whoop_and_reports_the_resting_hr_conflict(short_person):
    merged = short_person.daily.table
    whoop = short_person.sources["whoop"].table["resting_hr"].dropna()
    apple = short_person.sources["apple_health"].table["resting_hr"].dropna()
    pd.testing.assert_series_equal(merged["resting_hr"].reindex(whoop.index), whoop)
    only_apple = apple.index.difference(whoop.index)
    assert len(only_apple) > 0
    pd.testing.assert_series_equal(merged["resting_hr"].reindex(only_apple), apple[only_apple])
    assert any(
        w.startswith("resting_hr: whoop and apple_health") for w in short_person.daily.warnings
    )


def test_zone5_is_missing_before_the_first_workout_and_off_the_wrist(short_person):
    whoop = short_person.sources["whoop"].table
    zone5 = whoop["zone5_min"]
    first_workout = pd.to_datetime(short_person.workouts["Workout start time"]).min().normalize()
    assert zone5[zone5.index < first_workout].isna().all()
    worn = whoop["day_strain"].notna() | whoop["recovery_score"].notna()
    after = zone5[(zone5.index >= first_workout) & worn]
    assert after.notna().all()
    assert (after == 0).any()
    assert zone5[~worn & zone5.notna()].gt(0).all()  # a value off the wrist is a workout's
    assert zone5.index[-1] == short_person.export_day


def test_vo2_max_is_measured_every_few_days_not_daily(short_person):
    vo2 = short_person.sources["apple_health"].table["vo2_max"]
    share = vo2.notna().sum() / short_person.days
    assert 0.1 < share < 0.5


# --- realism --------------------------------------------------------------------------------------
def test_values_stay_in_realistic_ranges(person):
    daily = person.daily.table
    limits = {
        "recovery_score": (1, 99),
        "hrv_rmssd": (30, 120),
        "resting_hr": (45, 70),
        "day_strain": (4, 21),
        "vo2_max": (38, 57),
        "body_fat_pct": (12, 25),
        "asleep_min": (240, 600),
        "hydration_l": (1, 4.5),
    }
    for name, (low, high) in limits.items():
        values = daily[name].dropna()
        assert low <= values.min(), name
        assert values.max() <= high, name
    assert person.days == 730
    assert daily.index[0] == pd.Timestamp("2023-01-02")
    assert daily["lactate_threshold_test"].sum() >= 3


def test_missing_days_exist_and_behaviours_are_logged_on_the_day_they_happened(person):
    daily = person.daily.table
    assert daily["recovery_score"].isna().sum() > 10
    for question in person.questions:
        name = slugify(question)
        logged = daily[name].dropna()
        assert len(logged) < person.days
        truth = person.latent[name].reindex(logged.index).astype(float)
        pd.testing.assert_series_equal(logged, truth, check_names=False)


def test_days_are_autocorrelated_and_behaviours_come_in_runs(person):
    daily = person.daily.table
    assert daily["recovery_score"].autocorr(1) > 0.2
    assert daily["hydration_l"].autocorr(1) > 0.4
    for name in ("have_any_caffeine", "meditate", "take_creatine"):
        series = person.latent[name].astype(float)
        share = series.mean()
        same_as_yesterday = (series == series.shift(1)).iloc[1:].mean()
        assert same_as_yesterday > share**2 + (1 - share) ** 2 + 0.1, name


# --- the planted truth, checked against long simulations ------------------------------------------
def _pct_change_next_morning(daily: pd.DataFrame, behaviour: str) -> float:
    before = daily[behaviour].shift(1, freq="D").reindex(daily.index)
    recovery = daily["recovery_score"]
    after_yes, after_no = recovery[before == 1].mean(), recovery[before == 0].mean()
    return float((after_yes - after_no) / after_no * 100)


def _slopes(y: pd.Series, *columns: pd.Series) -> np.ndarray:
    design = np.column_stack([np.ones(len(y)), *columns])
    return np.linalg.lstsq(design, y.to_numpy(), rcond=None)[0][1:]


def test_alcohol_effect_converges_to_the_documented_truth(long_person):
    truth = long_person.truth["have_any_alcoholic_drinks_pct_change_recovery"]
    assert truth == -24.0
    estimate = _pct_change_next_morning(long_person.daily.table, "have_any_alcoholic_drinks")
    assert estimate == pytest.approx(truth, abs=1.0)


def test_other_behaviours_have_no_effect(long_person):
    for question in long_person.questions[1:]:
        name = slugify(question)
        assert long_person.truth[f"{name}_pct_change_recovery"] == 0.0
        if long_person.daily.table[name].sum() > 1000:  # rare behaviours are too noisy
            estimate = _pct_change_next_morning(long_person.daily.table, name)
            assert estimate == pytest.approx(0.0, abs=2.0), name


def test_without_a_planted_alcohol_effect_there_is_none():
    person = generate_person(10_000, seed=2, alcohol_pct_change=0.0)
    assert person.truth["have_any_alcoholic_drinks_pct_change_recovery"] == 0.0
    estimate = _pct_change_next_morning(person.daily.table, "have_any_alcoholic_drinks")
    assert estimate == pytest.approx(0.0, abs=1.5)


def test_alcohol_multiplies_the_next_mornings_recovery_and_nothing_else():
    planted = generate_person(150, seed=9)
    none = generate_person(150, seed=9, alcohol_pct_change=0.0)
    drank = planted.latent["drank_day_before"]
    assert 20 < drank.sum() < 100
    expected = none.latent["recovery_expected"]
    pd.testing.assert_series_equal(planted.latent["recovery_expected"], expected)
    pd.testing.assert_series_equal(
        planted.latent["recovery_score"][drank],
        np.maximum(np.round(expected * 0.76), 1)[drank],
        check_names=False,
    )
    pd.testing.assert_series_equal(
        planted.latent["recovery_score"][~drank], none.latent["recovery_score"][~drank]
    )
    pd.testing.assert_frame_equal(planted.workouts, none.workouts)


def test_asking_fewer_questions_changes_only_the_journal():
    full = generate_person(60, seed=4)
    fewer = generate_person(60, seed=4, journal_questions=3)
    pd.testing.assert_frame_equal(full.cycles, fewer.cycles)
    pd.testing.assert_frame_equal(full.apple_records, fewer.apple_records)
    asked = full.journal["Question text"].isin(fewer.questions)
    pd.testing.assert_frame_equal(fewer.journal, full.journal[asked].reset_index(drop=True))


def test_zone5_minutes_over_28_days_set_vo2_max(long_person):
    daily = long_person.daily.table
    sum28 = daily["zone5_min"].rolling(28, min_periods=28).sum()
    measured = daily["vo2_max"].notna() & sum28.notna()
    (slope,) = _slopes(daily["vo2_max"][measured], sum28[measured])
    assert slope == pytest.approx(long_person.truth["vo2_max_per_zone5_min_sum28"], rel=0.05)


def test_habits_raise_zone5_minutes_on_workout_days(long_person):
    daily, truth = long_person.daily.table, long_person.truth
    habits = ["hydration_l", "carbs_g", "lactate_threshold_test"]
    rows = long_person.latent["workout"] & daily[["zone5_min", *habits]].notna().all(axis=1)
    slopes = _slopes(daily.loc[rows, "zone5_min"], *(daily.loc[rows, h] for h in habits))
    assert slopes[0] == pytest.approx(truth["zone5_min_per_hydration_l"], rel=0.05)
    assert slopes[1] == pytest.approx(truth["zone5_min_per_carbs_g"], rel=0.05)
    assert slopes[2] == pytest.approx(truth["zone5_min_per_lactate_threshold_test"], rel=0.1)


def test_sleep_strain_and_vo2_max_move_recovery(long_person):
    daily, latent, truth = long_person.daily.table, long_person.latent, long_person.truth
    prev_strain = latent["day_strain"].shift(1)
    rows = ~latent["drank_day_before"] & daily["recovery_score"].notna() & prev_strain.notna()
    sleep, strain, vo2 = _slopes(
        daily.loc[rows, "recovery_score"],
        daily.loc[rows, "asleep_min"],
        prev_strain[rows],
        latent.loc[rows, "vo2_max"],
    )
    assert sleep == pytest.approx(truth["recovery_per_asleep_min"], abs=0.015)
    assert strain == pytest.approx(truth["recovery_per_prev_day_strain"], abs=0.15)
    assert vo2 == pytest.approx(truth["recovery_per_vo2_max"], abs=0.15)


def test_resting_hr_follows_fitness_and_recovery(long_person):
    whoop, latent, truth = long_person.sources["whoop"].table, long_person.latent, long_person.truth
    rows = whoop["resting_hr"].dropna().index
    per_vo2, per_recovery = _slopes(
        whoop.loc[rows, "resting_hr"],
        latent.loc[rows, "vo2_max"],
        whoop.loc[rows, "recovery_score"],
    )
    assert per_vo2 == pytest.approx(truth["resting_hr_per_vo2_max"], abs=0.03)
    assert per_recovery == pytest.approx(truth["resting_hr_per_recovery"], abs=0.005)


def test_strain_follows_workouts(long_person):
    daily, latent, truth = long_person.daily.table, long_person.latent, long_person.truth
    rows = daily["day_strain"].dropna().index
    workout_min = latent["workout_duration_min"].fillna(0) + latent["walk_min"].fillna(0)
    per_zone5, per_minute = _slopes(
        daily.loc[rows, "day_strain"], latent.loc[rows, "zone5_min"], workout_min[rows]
    )
    assert per_zone5 == pytest.approx(truth["day_strain_per_zone5_min"], abs=0.01)
    assert per_minute == pytest.approx(truth["day_strain_per_workout_min"], abs=0.005)


# --- arguments ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 10}, "days: expected at least 28"),
        ({"journal_questions": 0}, "journal_questions: expected 1 to 30"),
        ({"journal_questions": 31}, "journal_questions: expected 1 to 30"),
        ({"start": "next tuesday"}, "start: expected an ISO date"),
        ({"alcohol_pct_change": 10.0}, "alcohol_pct_change"),
    ],
)
def test_bad_arguments_say_what_was_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_person(**kwargs)


def test_questions_added_after_the_last_day_are_not_in_the_data():
    person = generate_person(60, seed=4)
    assert len(person.questions) == 6  # the seventh is added on day 63
    names = [slugify(q) for q in person.questions]
    assert person.sources["whoop"].names("behaviour") == names
    assert sorted(k for k in person.truth if k.endswith("_pct_change_recovery")) == sorted(
        f"{n}_pct_change_recovery" for n in names
    )


def test_a_long_journal_adds_questions_and_changes_nothing_else():
    default = generate_person(600, seed=4)
    long = generate_person(600, seed=4, journal_questions=30)
    assert len(long.questions) == 30
    assert long.questions[:12] == default.questions
    assert len({slugify(q) for q in long.questions}) == 30
    assert long.sources["whoop"].names("behaviour") == [slugify(q) for q in long.questions]
    pd.testing.assert_frame_equal(long.cycles, default.cycles)
    pd.testing.assert_frame_equal(long.workouts, default.workouts)
    pd.testing.assert_frame_equal(long.latent[default.latent.columns], default.latent)
    asked = long.journal["Question text"].isin(default.questions)
    assert (~asked).sum() > 0
    first_day = long.journal.loc[long.journal["Question text"] == "Have sexual activity?", "day"]
    assert first_day.min() >= long.start + pd.Timedelta(days=546)


def test_fewer_questions_give_fewer_behaviour_columns():
    person = generate_person(60, seed=4, journal_questions=3)
    assert person.questions == ("Have any alcoholic drinks?", "Have any caffeine? ", "Meditate? ")
    assert person.sources["whoop"].names("behaviour") == [
        "have_any_alcoholic_drinks", "have_any_caffeine", "meditate",
    ]  # fmt: skip
    assert set(person.truth) >= {"meditate_pct_change_recovery"}
    assert "take_creatine_pct_change_recovery" not in person.truth
