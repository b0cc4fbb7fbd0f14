"""The shape of the sample exports against the format facts, and local time against zoneinfo.

The header rows below are copied from the WHOOP export facts (checked in five real exports); the
Apple Health identifiers and units from the Apple Health facts. The person's local time is checked
against the IANA time-zone database (``zoneinfo``), offsets as text against Python's own
formatting of fixed UTC offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from pga_core.data import slugify
from pga_core.data.readers import apple_health
from pga_core.sample._formats import (
    APPLE_CATEGORY_TYPES,
    APPLE_IN_BED,
    APPLE_SLEEP_STAGES,
    APPLE_TYPES,
    APPLE_WORKOUT_TYPES,
    CYCLE_COLUMNS,
    HABIT_SHEET_COLUMNS,
    HK,
    JOURNAL_COLUMNS,
    MINDFUL_VALUE,
    SLEEP_COLUMNS,
    TRIPS,
    WORKOUT_COLUMNS,
    apple_offset,
    utc_offset_minutes,
    whoop_timezone,
)

# --- the WHOOP export: exact header rows of the current English export ---------------------------
CYCLES_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),"
    "Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,"
    "Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,"
    "Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),"
    "Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),"
    "Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,"
    "Sleep consistency %"
)
SLEEPS_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep performance %,"
    "Respiratory rate (rpm),Asleep duration (min),In bed duration (min),"
    "Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),"
    "Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,"
    "Sleep consistency %,Nap"
)
WORKOUTS_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,"
    "Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),"
    "Average HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled,"
    "Distance (meters),Altitude gain (meters),Altitude change (meters)"
)
JOURNAL_HEADER = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes"

# --- Apple Health: type identifiers and the units they are written in ----------------------------
#: Apple writes kilocalories as ``Cal`` in real exports; the facts name the unit ``kcal``.
KILOCALORIES = {"kcal", "Cal"}
APPLE_UNITS = {
    "VO2Max": {"mL/min·kg"},
    "RestingHeartRate": {"count/min"},
    "HeartRateVariabilitySDNN": {"ms"},
    "ActiveEnergyBurned": KILOCALORIES,
    "StepCount": {"count"},
    "BodyFatPercentage": {"%"},
    "BodyMass": {"kg", "lb"},
    "WalkingHeartRateAverage": {"count/min"},
    "RespiratoryRate": {"count/min"},
    "DietaryWater": {"mL"},
    "DietaryCaffeine": {"mg"},
    "NumberOfAlcoholicBeverages": {"count"},
    "TimeInDaylight": {"min"},
}
#: Category types (no unit) and the values the sample writes for them.
APPLE_CATEGORY_VALUES = {
    "HKCategoryTypeIdentifierSleepAnalysis": {
        "HKCategoryValueSleepAnalysisAsleepCore", "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM", "HKCategoryValueSleepAnalysisAwake",
        "HKCategoryValueSleepAnalysisInBed",
    },
    "HKCategoryTypeIdentifierMindfulSession": {"HKCategoryValueNotApplicable"},
}  # fmt: skip

HOME = ZoneInfo("America/New_York")
#: Where the person travels, by the month of the trip.
TRIP_ZONES = {2: ZoneInfo("Europe/London"), 7: ZoneInfo("Europe/Berlin")}


@pytest.mark.parametrize(
    ("columns", "header", "count"),
    [
        (CYCLE_COLUMNS, CYCLES_HEADER, 26),
        (SLEEP_COLUMNS, SLEEPS_HEADER, 18),
        (WORKOUT_COLUMNS, WORKOUTS_HEADER, 20),
        (JOURNAL_COLUMNS, JOURNAL_HEADER, 6),
    ],
    ids=["physiological_cycles", "sleeps", "workouts", "journal_entries"],
)
def test_whoop_columns_are_the_current_export_header(
    columns: tuple[str, ...], header: str, count: int
) -> None:
    assert ",".join(columns) == header
    assert len(columns) == count


def test_apple_types_are_healthkit_identifiers_in_their_units() -> None:
    found = {hk_type.removeprefix(HK): unit for hk_type, (unit, _) in APPLE_TYPES.items()}
    assert all(hk_type.startswith("HKQuantityTypeIdentifier") for hk_type in APPLE_TYPES)
    assert set(found) == set(APPLE_UNITS)
    for name, unit in found.items():
        assert unit in APPLE_UNITS[name], name


def test_apple_category_types_and_values_are_healthkit_identifiers() -> None:
    assert set(APPLE_CATEGORY_TYPES) == set(APPLE_CATEGORY_VALUES)
    written = {*APPLE_SLEEP_STAGES.values(), APPLE_IN_BED}
    assert written == APPLE_CATEGORY_VALUES["HKCategoryTypeIdentifierSleepAnalysis"]
    assert {MINDFUL_VALUE} == APPLE_CATEGORY_VALUES["HKCategoryTypeIdentifierMindfulSession"]


def test_apple_daily_columns_are_the_readers_variables() -> None:
    columns = [column for _, column in APPLE_TYPES.values()]
    assert set(columns) <= set(apple_health.VARIABLES)
    assert len(set(columns)) == len(columns)


def test_apple_workouts_are_healthkit_activity_types() -> None:
    assert APPLE_WORKOUT_TYPES
    assert all(v.startswith("HKWorkoutActivityType") for v in APPLE_WORKOUT_TYPES.values())


def test_the_habit_sheet_is_a_date_column_and_columns_named_as_they_are_read() -> None:
    assert HABIT_SHEET_COLUMNS[0] == "date"
    names = HABIT_SHEET_COLUMNS[1:]
    assert [slugify(name) for name in names] == list(names)
    assert len(set(names)) == len(names)


# --- local time --------------------------------------------------------------------------------
def _hours(first: str, last: str) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="h")


def _zone_offset_min(local: pd.Timestamp, zone: ZoneInfo) -> int:
    offset = local.to_pydatetime().replace(tzinfo=zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def _exists(local: pd.Timestamp, zone: ZoneInfo) -> bool:
    """Whether a wall-clock time happens at all (not in the hour skipped in spring)."""
    wall_clock = local.to_pydatetime()
    round_trip = wall_clock.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == wall_clock


def _on_a_trip(times: pd.DatetimeIndex) -> np.ndarray:
    month, day = np.asarray(times.month), np.asarray(times.day)
    return np.logical_or.reduce(
        [(month == m) & (day >= first) & (day <= last) for m, first, last, _ in TRIPS]
    )


def test_at_home_local_time_is_us_eastern_with_its_daylight_saving() -> None:
    times = _hours("2023-01-01", "2026-12-31 23:00")
    home = times[~_on_a_trip(times)]
    home = home[[_exists(t, HOME) for t in home]]
    expected = np.array([_zone_offset_min(t, HOME) for t in home])
    np.testing.assert_array_equal(utc_offset_minutes(home), expected)
    assert set(expected) == {-300, -240}


def test_on_a_trip_local_time_is_london_in_february_and_berlin_in_july() -> None:
    times = _hours("2023-01-01", "2026-12-31 23:00")
    away = times[_on_a_trip(times)]
    expected = np.array([_zone_offset_min(t, TRIP_ZONES[t.month]) for t in away])
    np.testing.assert_array_equal(utc_offset_minutes(away), expected)
    assert set(expected) == {0, 120}


def test_the_night_of_the_clock_change_keeps_its_offset_until_two_in_the_morning() -> None:
    times = pd.DatetimeIndex(["2024-03-10 01:59", "2024-03-10 03:00", "2024-11-03 01:30"])
    # 01:30 on the November night happens twice; the first time is still daylight saving.
    np.testing.assert_array_equal(utc_offset_minutes(times), [-300, -240, -240])


OFFSETS_MIN = [-720, -570, -300, -240, -60, 0, 60, 120, 330, 345, 600, 840]


@pytest.mark.parametrize("offset_min", OFFSETS_MIN)
def test_whoop_writes_an_offset_as_utc_and_hours_with_zero_as_utcz(offset_min: int) -> None:
    expected = timezone(timedelta(minutes=offset_min)).tzname(None)  # "UTC-05:00", "UTC"
    assert whoop_timezone(offset_min) == ("UTCZ" if offset_min == 0 else expected)


@pytest.mark.parametrize("offset_min", OFFSETS_MIN)
def test_apple_writes_an_offset_as_strftime_does(offset_min: int) -> None:
    moment = datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(minutes=offset_min)))
    assert apple_offset(offset_min) == moment.strftime("%z")
