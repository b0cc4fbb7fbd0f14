"""The shape of the sample person's exports: file headers, record types and local time.

Facts that the simulation (``_person``) and the writers of the exports (``_exports``) share:
the WHOOP CSV headers and the habit spreadsheet's columns, the Apple Health record and workout
types with their units, and the local time every timestamp is written in — the person lives on
US Eastern time and travels twice a year — with each format's way of writing a UTC offset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# --- the export formats ---------------------------------------------------------------------------
CYCLE_COLUMNS = (
    "Cycle start time", "Cycle end time", "Cycle timezone", "Recovery score %",
    "Resting heart rate (bpm)", "Heart rate variability (ms)", "Skin temp (celsius)",
    "Blood oxygen %", "Day Strain", "Energy burned (cal)", "Max HR (bpm)", "Average HR (bpm)",
    "Sleep onset", "Wake onset", "Sleep performance %", "Respiratory rate (rpm)",
    "Asleep duration (min)", "In bed duration (min)", "Light sleep duration (min)",
    "Deep (SWS) duration (min)", "REM duration (min)", "Awake duration (min)",
    "Sleep need (min)", "Sleep debt (min)", "Sleep efficiency %", "Sleep consistency %",
)  # fmt: skip
SLEEP_COLUMNS = (
    "Cycle start time", "Cycle end time", "Cycle timezone", "Sleep onset", "Wake onset",
    "Sleep performance %", "Respiratory rate (rpm)", "Asleep duration (min)",
    "In bed duration (min)", "Light sleep duration (min)", "Deep (SWS) duration (min)",
    "REM duration (min)", "Awake duration (min)", "Sleep need (min)", "Sleep debt (min)",
    "Sleep efficiency %", "Sleep consistency %", "Nap",
)  # fmt: skip
WORKOUT_COLUMNS = (
    "Cycle start time", "Cycle end time", "Cycle timezone", "Workout start time",
    "Workout end time", "Duration (min)", "Activity name", "Activity Strain",
    "Energy burned (cal)", "Max HR (bpm)", "Average HR (bpm)", "HR Zone 1 %", "HR Zone 2 %",
    "HR Zone 3 %", "HR Zone 4 %", "HR Zone 5 %", "GPS enabled", "Distance (meters)",
    "Altitude gain (meters)", "Altitude change (meters)",
)  # fmt: skip
JOURNAL_COLUMNS = (
    "Cycle start time", "Cycle end time", "Cycle timezone", "Question text", "Answered yes",
    "Notes",
)  # fmt: skip
HABIT_SHEET_COLUMNS = ("date", "hydration_l", "carbs_g", "lactate_threshold_test")

HK = "HKQuantityTypeIdentifier"
VO2_UNIT = "mL/min·kg"
#: Apple quantity types written, in the order the export lists them, with unit and daily column.
APPLE_TYPES = {
    f"{HK}RestingHeartRate": ("count/min", "resting_hr"),
    f"{HK}HeartRateVariabilitySDNN": ("ms", "hrv_sdnn"),
    f"{HK}StepCount": ("count", "steps"),
    f"{HK}ActiveEnergyBurned": ("Cal", "active_energy"),
    f"{HK}VO2Max": (VO2_UNIT, "vo2_max"),
    f"{HK}BodyFatPercentage": ("%", "body_fat_pct"),
    f"{HK}BodyMass": ("lb", "weight_kg"),  # a US person's export writes pounds
    f"{HK}WalkingHeartRateAverage": ("count/min", "walking_hr"),
    f"{HK}RespiratoryRate": ("count/min", "respiratory_rate"),
    f"{HK}DietaryWater": ("mL", "water_l"),
    f"{HK}DietaryCaffeine": ("mg", "caffeine_mg"),
    f"{HK}NumberOfAlcoholicBeverages": ("count", "alcoholic_drinks"),
    f"{HK}TimeInDaylight": ("min", "daylight_min"),
}
HK_CATEGORY = "HKCategoryTypeIdentifier"
APPLE_SLEEP_TYPE = f"{HK_CATEGORY}SleepAnalysis"
APPLE_MINDFUL_TYPE = f"{HK_CATEGORY}MindfulSession"
#: Category records written (they have no unit), after the quantity records.
APPLE_CATEGORY_TYPES = (APPLE_SLEEP_TYPE, APPLE_MINDFUL_TYPE)
SLEEP_VALUE = "HKCategoryValueSleepAnalysis"
#: The watch's sleep stages (iOS 16+), by the stage names of the daily table.
APPLE_SLEEP_STAGES = {
    "core": f"{SLEEP_VALUE}AsleepCore",
    "deep": f"{SLEEP_VALUE}AsleepDeep",
    "rem": f"{SLEEP_VALUE}AsleepREM",
    "awake": f"{SLEEP_VALUE}Awake",
}
APPLE_IN_BED = f"{SLEEP_VALUE}InBed"
MINDFUL_VALUE = "HKCategoryValueNotApplicable"
APPLE_WORKOUT_TYPES = {
    "Running": "HKWorkoutActivityTypeRunning",
    "Cycling": "HKWorkoutActivityTypeCycling",
    "Spin": "HKWorkoutActivityTypeCycling",
    "Functional Fitness": "HKWorkoutActivityTypeFunctionalStrengthTraining",
    "Walking": "HKWorkoutActivityTypeWalking",
}


# --- time zones -----------------------------------------------------------------------------------
#: Home is on US Eastern time; trips every year to London in February and Berlin in July.
HOME_STANDARD_OFFSET_MIN, HOME_DAYLIGHT_OFFSET_MIN = -300, -240
TRIPS = ((2, 10, 16, 0), (7, 6, 12, 120))  # (month, first day, last day, UTC offset in minutes)


def _nth_sunday(year: int, month: int, nth: int) -> pd.Timestamp:
    first = pd.Timestamp(year=year, month=month, day=1)
    return first + pd.Timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def utc_offset_minutes(local: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """UTC offset (minutes) of the person's local wall-clock times: US Eastern with daylight
    saving (second Sunday of March to first Sunday of November, 02:00), except on trips."""
    times = pd.DatetimeIndex(local)
    offsets = np.full(len(times), HOME_STANDARD_OFFSET_MIN)
    years = np.asarray(times.year)
    for year in np.unique(years):
        begin = _nth_sunday(int(year), 3, 2) + pd.Timedelta(hours=2)
        end = _nth_sunday(int(year), 11, 1) + pd.Timedelta(hours=2)
        summer = np.asarray((times >= begin) & (times < end))
        offsets[summer] = HOME_DAYLIGHT_OFFSET_MIN
    month, day = np.asarray(times.month), np.asarray(times.day)
    for trip_month, first_day, last_day, offset in TRIPS:
        offsets[(month == trip_month) & (day >= first_day) & (day <= last_day)] = offset
    return offsets


def whoop_timezone(offset_min: int) -> str:
    """WHOOP's ``Cycle timezone`` text: ``UTC-05:00``, ``UTC+02:00``, ``UTCZ`` for zero."""
    if offset_min == 0:
        return "UTCZ"
    sign = "-" if offset_min < 0 else "+"
    hours, minutes = divmod(abs(int(offset_min)), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def apple_offset(offset_min: int) -> str:
    """Apple Health's offset text: ``-0500``, ``+0000``."""
    sign = "-" if offset_min < 0 else "+"
    hours, minutes = divmod(abs(int(offset_min)), 60)
    return f"{sign}{hours:02d}{minutes:02d}"


# --- habit and mood apps --------------------------------------------------------------------------
#: Loop Habit Tracker's ``Habits.csv`` header: Loop 2, and the older one.
LOOP_HABITS_COLUMNS = (
    "Position", "Name", "Type", "Question", "Description", "FrequencyNumerator",
    "FrequencyDenominator", "Color", "Unit", "Target Type", "Target Value", "Archived?",
)  # fmt: skip
LOOP_HABITS_COLUMNS_OLD = (
    "Position", "Name", "Question", "Description", "NumRepetitions", "Interval", "Color",
)  # fmt: skip
#: Daylio's header generations: current, older (12-hour times, no note title), oldest (localised).
DAYLIO_COLUMNS = (
    "full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note",
)  # fmt: skip
DAYLIO_COLUMNS_12H = ("full_date", "date", "weekday", "time", "mood", "activities", "note")
DAYLIO_COLUMNS_OLDEST = ("year", "date", "weekday", "time", "mood", "activities", "note")
#: Bearable's export header.
BEARABLE_COLUMNS = (
    "date", "weekday", "time of day", "category", "rating/amount", "detail", "notes",
)  # fmt: skip
