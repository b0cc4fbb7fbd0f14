"""A synthetic person with planted, documented effects, written in the real export formats.

The person wears a WHOOP strap and an Apple Watch, answers the WHOOP journal most mornings and
keeps a habit spreadsheet. A few latent daily processes drive everything, so the effects the
product looks for are known exactly:

- alcohol multiplies the next morning's recovery by ``1 + ALCOHOL_PCT_CHANGE / 100``;
- every other journal behaviour has no effect at all;
- on workout days, water (``hydration_l``), carbohydrates (``carbs_g``) and a lactate-threshold
  test add minutes in heart-rate zone 5;
- the zone-5 minutes of the last 28 days set VO₂ max (measured by the watch every few days);
- VO₂ max raises recovery and lowers resting heart rate; sleep raises recovery and the previous
  day's strain lowers it;
- what only Apple Health holds (weight, and in the last 90 days the watch's sleep stages,
  respiratory rate, walking heart rate, daylight and mindful minutes, logged water, caffeine and
  drinks) has no effect on anything.

:func:`generate_person` simulates (pure numpy/pandas, no file I/O); ``_exports``'
:func:`~pga_core.sample.write_sample` writes the WHOOP CSVs, the Apple Health ``export.xml`` and a
habit spreadsheet, plus their zips; the headers, record types and time zones both use are in
``_formats``. ``data/README.md`` states the planted truth in plain words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pga_core.data import SOURCE_PRIORITY, DailyData, Variable, merge_daily, slugify
from pga_core.data.readers import apple_health, whoop
from pga_core.sample._formats import (
    APPLE_CATEGORY_TYPES,
    APPLE_IN_BED,
    APPLE_MINDFUL_TYPE,
    APPLE_SLEEP_STAGES,
    APPLE_SLEEP_TYPE,
    APPLE_TYPES,
    APPLE_WORKOUT_TYPES,
    CYCLE_COLUMNS,
    HABIT_SHEET_COLUMNS,
    HK,
    JOURNAL_COLUMNS,
    MINDFUL_VALUE,
    SLEEP_COLUMNS,
    WORKOUT_COLUMNS,
    utc_offset_minutes,
    whoop_timezone,
)

__all__ = [
    "DEFAULT_JOURNAL_QUESTIONS",
    "QUESTIONS",
    "Question",
    "SamplePerson",
    "generate_person",
    "planted_truth",
]

# --- the planted model (all effects are exact; see data/README.md) --------------------------------
#: Expected recovery (%) on a morning after a day without alcohol, at the reference values below;
#: the person's recovery is this linear predictor plus an AR(1) day state, clipped to 1–99.
RECOVERY_BASE = 62.0
RECOVERY_PER_ASLEEP_MIN = 0.12
RECOVERY_PER_PREV_DAY_STRAIN = -1.5
RECOVERY_PER_VO2_MAX = 0.8
ASLEEP_REF_MIN = 425.0
STRAIN_REF = 10.0
VO2_REF = 46.0
RECOVERY_STATE_SD = 14.0
RECOVERY_STATE_AR = 0.5
RECOVERY_MIN, RECOVERY_MAX = 1.0, 99.0
#: Drinking multiplies the next morning's recovery by (1 + this / 100); nothing else.
ALCOHOL_PCT_CHANGE = -24.0

#: VO₂ max (mL/kg/min) = base + slope × zone-5 minutes of the 28 days ending that day + a slow,
#: independent AR(1) drift; the watch measures it with Gaussian noise.
VO2_BASE = 37.0
VO2_PER_ZONE5_MIN_SUM28 = 0.04
ZONE5_WINDOW_DAYS = 28
VO2_DRIFT_AR = 0.995
VO2_DRIFT_SD = 1.0
VO2_MEASUREMENT_SD = 0.6

#: Zone-5 minutes on a workout day = base + slopes × (habit − reference) + noise, at least 0.
ZONE5_BASE_MIN = 14.0
ZONE5_PER_HYDRATION_L = 4.0
ZONE5_PER_CARBS_G = 0.04
ZONE5_PER_LACTATE_TEST = 8.0
ZONE5_NOISE_SD = 3.5
HYDRATION_REF_L = 2.6
CARBS_REF_G = 260.0
#: Zone 5 never takes more than this share of a workout (longer workouts make room for it).
ZONE5_MAX_SHARE = 0.6

#: Day strain = base + per workout minute + per zone-5 minute + noise, clipped to 4–20.9.
STRAIN_BASE = 7.5
STRAIN_PER_WORKOUT_MIN = 0.05
STRAIN_PER_ZONE5_MIN = 0.12
STRAIN_NOISE_SD = 1.2
STRAIN_MIN, STRAIN_MAX = 4.0, 20.9

#: Resting HR (bpm) = base + per VO₂ max + per recovery point + noise, clipped to 45–70.
RESTING_HR_BASE = 57.0
RESTING_HR_PER_VO2_MAX = -0.5
RESTING_HR_PER_RECOVERY = -0.08
RECOVERY_REF = 60.0
RESTING_HR_NOISE_SD = 1.2
#: The watch reads resting HR this much higher than the strap, with its own noise.
APPLE_RESTING_HR_OFFSET = 1.0

#: ln HRV (RMSSD, ms) = ln base + per VO₂ max + per recovery point + noise, clipped to 30–120 ms.
HRV_BASE_MS = 62.0
LOG_HRV_PER_VO2_MAX = 0.02
LOG_HRV_PER_RECOVERY = 0.009
#: The watch's SDNN readings relative to the strap's RMSSD.
SDNN_PER_RMSSD = 0.72

#: Training alternates between build and easy phases (mean lengths in days) with these chances of
#: a workout; lactate-threshold tests happen on build-phase workout days.
BUILD_PHASE_DAYS, EASY_PHASE_DAYS = 42.0, 28.0
WORKOUT_CHANCE_BUILD, WORKOUT_CHANCE_EASY = 0.75, 0.35
LACTATE_TEST_CHANCE = 0.04
SECOND_WALK_CHANCE = 0.08

#: Missing data: strap off for whole days, a night not recorded, journal skipped, watch off,
#: spreadsheet not filled in.
STRAP_OFF_RUNS_PER_DAY, STRAP_OFF_MEAN_DAYS = 1 / 90, 3.0
NIGHT_NOT_RECORDED_CHANCE = 0.03
JOURNAL_SKIPPED_CHANCE = 0.12
QUESTION_SKIPPED_CHANCE = 0.02
NOTES_CHANCE = 0.04
NAP_CHANCE = 0.02
WATCH_OFF_RUNS_PER_DAY, WATCH_OFF_MEAN_DAYS = 1 / 40, 2.0
PHONE_CARRIED_CHANCE = 0.92
VO2_MEASURED_CHANCE = 0.55
WEIGH_IN_CHANCE = 1 / 6
HABITS_SKIPPED_CHANCE = 0.06
HABITS_GAP_RUNS_PER_DAY, HABITS_GAP_MEAN_DAYS = 1 / 120, 8.0

#: What else Apple Health holds, none of it with an effect on anything: the last
#: ``APPLE_EXTRA_DAYS`` before the export the person also wears the watch at night (sleep stages,
#: respiratory rate), the watch records walking heart rate, time in daylight and mindful
#: sessions (on meditation days), and phone apps log water, caffeine and drinks. The scale
#: weighs (in pounds) at every weigh-in of the whole sample.
APPLE_EXTRA_DAYS = 90
#: The watch's time asleep is the true time asleep plus this much noise (minutes), kept within
#: the same range; it notices sleep a few minutes after the strap and needs some time awake.
APPLE_ASLEEP_NOISE_SD = 12.0
ASLEEP_MIN_RANGE = (240.0, 600.0)
WATCH_SLEEP_DELAY_S = (180, 720)
MIN_AWAKE_S = 240
DEEP_SHARE, REM_SHARE = (0.13, 0.22), (0.18, 0.26)
IN_BED_LEAD_MIN, IN_BED_TRAIL_MIN = (5, 20), (0, 10)
RESPIRATORY_RATE_MEAN, RESPIRATORY_NIGHT_SD, RESPIRATORY_READING_SD = 14.8, 0.4, 0.5
RESPIRATORY_READINGS_PER_NIGHT = 2
WALKING_HR_ABOVE_RESTING, WALKING_HR_NOISE_SD = 38.0, 2.0
#: True weight (kg): base + a slow AR(1) drift; the scale reads it with noise, in pounds.
WEIGHT_BASE_KG, WEIGHT_DRIFT_AR, WEIGHT_DRIFT_SD_KG, WEIGHT_READING_SD_KG = 76.0, 0.995, 2.0, 0.2
KG_PER_POUND = 0.45359237
#: Time in daylight (minutes): base + a yearly season (most at midsummer) + AR(1) noise.
DAYLIGHT_BASE_MIN, DAYLIGHT_SEASON_MIN, DAYLIGHT_AR, DAYLIGHT_SD_MIN = 45.0, 30.0, 0.5, 15.0
DAYLIGHT_MIN_MIN = 2.0
MINDFUL_MIN_RANGE = (5, 20)
CAFFEINE_MG_PER_CUP, CAFFEINE_CUPS_RANGE = 95.0, (1, 3)
DRINKS_RANGE = (1, 4)
WATER_GLASS_ML, WATER_RECORDS_PER_DAY = 250, 3
WATER_LOGGED_CHANCE, CAFFEINE_LOGGED_CHANCE = 0.7, 0.8
DRINKS_LOGGED_CHANCE, DRY_DAY_LOGGED_CHANCE = 0.85, 0.5

#: Days simulated before the first recorded day, so the 28-day sums and AR states start settled.
BURN_IN_DAYS = 60
MIN_DAYS = 28
SEED_DAYS_WITHOUT_WORKOUT = 2


@dataclass(frozen=True)
class Question:
    """A WHOOP journal question as the export writes it, and how the person answers it."""

    text: str
    yes_share: float
    mean_yes_run_days: float
    first_day: int = 0

    @property
    def name(self) -> str:
        """Column name in the daily table (slug of the trimmed text)."""
        return slugify(self.text)


#: The journal, in the order questions are added (text verbatim, trailing spaces included).
#: Only the first has an effect; the others are independent of everything.
QUESTIONS: tuple[Question, ...] = (
    Question("Have any alcoholic drinks?", 0.30, 2.0),
    Question("Have any caffeine? ", 0.80, 12.0),
    Question("Meditate? ", 0.35, 5.0),
    Question("Viewed a screen device in bed?", 0.55, 3.0),
    Question("Take creatine?", 0.60, 30.0, first_day=21),
    Question("Share your bed?", 0.70, 10.0, first_day=42),
    Question("Read (non-screened device) while in bed?", 0.30, 3.0, first_day=63),
    Question("Consumed protein?", 0.85, 10.0, first_day=84),
    Question("Use tobacco in any form?", 0.02, 1.5, first_day=105),
    Question("Take prescription sleep medication?", 0.04, 2.0, first_day=126),
    Question("Hydrated sufficiently?", 0.65, 4.0, first_day=147),
    Question("Did Zone 2 cardio?", 0.30, 2.0, first_day=168),
    # Questions of a long-kept journal (large synthetic exports ask for up to all of them).
    Question("Feeling sick or ill?", 0.05, 4.0, first_day=189),
    Question("Have an injury or wound", 0.05, 10.0, first_day=210),
    Question("Experiencing a fever", 0.01, 2.0, first_day=231),
    Question("Do you feel recovered today?", 0.60, 2.0, first_day=252),
    Question("Eat any food close to bedtime?", 0.35, 2.0, first_day=273),
    Question("Take magnesium?", 0.50, 20.0, first_day=294),
    Question("Take melatonin?", 0.10, 3.0, first_day=315),
    Question("Use a sauna?", 0.15, 1.5, first_day=336),
    Question("Take a cold shower or ice bath?", 0.20, 2.0, first_day=357),
    Question("Stretch? ", 0.40, 3.0, first_day=378),
    Question("Spend time outdoors?", 0.60, 3.0, first_day=399),
    Question("Practice breathwork?", 0.20, 3.0, first_day=420),
    Question("Have any added sugar?", 0.50, 2.0, first_day=441),
    Question("Work late?", 0.20, 2.0, first_day=462),
    Question("Feel stressed?", 0.30, 3.0, first_day=483),
    Question("Take vitamin D?", 0.55, 30.0, first_day=504),
    Question("Wear blue light blocking glasses?", 0.25, 8.0, first_day=525),
    Question("Have sexual activity?", 0.25, 1.5, first_day=546),
)
#: How many of :data:`QUESTIONS` the person answers unless told otherwise (the shipped sample).
DEFAULT_JOURNAL_QUESTIONS = 12

#: Per-cycle notes (repeated on each journal row of the cycle); the first has a quoted newline.
NOTES = (
    "Long day.\nSlept late",
    "Travel day, airport at 6",
    'Felt "off" in the afternoon',
    "Busy week at work",
    "New mattress",
)

#: The person's sports (walks come on top), and those recorded outdoors with GPS.
MAIN_ACTIVITIES = ("Running", "Cycling", "Spin", "Functional Fitness")
OUTDOOR_ACTIVITIES = ("Running", "Cycling", "Walking")


@dataclass(eq=False)
class SamplePerson:
    """A simulated person: the exports' raw events, the daily table they read to, and the truth.

    Attributes
    ----------
    start : first day (the oldest WHOOP cycle, strain only); ``days`` days follow from it.
    days : number of days (rows of the daily table).
    seed : the seed it was generated from.
    daily : the merged daily table a correct import of all written files gives (sources merged
        with :func:`pga_core.data.merge_daily` in ``SOURCE_PRIORITY`` order).
    sources : per format (``whoop``, ``apple_health``, ``csv``), the daily table a correct reader
        produces from that format's files alone — the reference for reader round-trip tests.
    truth : the planted effects, by name (see :func:`planted_truth` and ``data/README.md``).
    latent : DataFrame, shape (days, n): every latent daily value, observed or not (true VO₂
        max, expected recovery, each behaviour on every day, workout days, …).
    cycles, sleeps, workouts, journal : WHOOP rows, oldest first, columns named by the export
        headers (timestamps as naive local ``Timestamp``) plus ``day`` (the day a row describes)
        and ``utc_offset_min``.
    apple_records : one row per Apple Health ``Record``: ``type, source, unit, value`` (the text
        written; ``unit`` is ``""`` for category records such as sleep), ``start, end, created``
        (local), ``utc_offset_min`` and ``day``, the day it describes (a night's: the wake-up
        morning).
    apple_workouts : one row per Apple Health ``Workout``.
    habits : the habit spreadsheet, one row per logged day (NaN = empty cell).
    questions : the journal questions asked at least once, verbatim, in the order added.
    """

    start: pd.Timestamp
    days: int
    seed: int
    daily: DailyData
    sources: dict[str, DailyData]
    truth: dict[str, float]
    latent: pd.DataFrame
    cycles: pd.DataFrame
    sleeps: pd.DataFrame
    workouts: pd.DataFrame
    journal: pd.DataFrame
    apple_records: pd.DataFrame
    apple_workouts: pd.DataFrame
    habits: pd.DataFrame
    questions: tuple[str, ...] = field(default=())

    @property
    def export_day(self) -> pd.Timestamp:
        """The last day: the WHOOP export's current cycle, whose strain is not known yet."""
        return self.start + pd.Timedelta(days=self.days - 1)


def planted_truth(
    questions: tuple[Question, ...] = QUESTIONS, alcohol_pct_change: float = ALCOHOL_PCT_CHANGE
) -> dict[str, float]:
    """The planted effects, in the terms a test checks them.

    Keys
    ----
    ``<behaviour>_pct_change_recovery``
        What (mean recovery the morning after yes − after no) / after no × 100 converges to:
        ``alcohol_pct_change`` for alcohol, exactly 0 for every other behaviour.
    ``recovery_per_asleep_min``, ``recovery_per_prev_day_strain``, ``recovery_per_vo2_max``
        Recovery points per minute asleep that night, per strain point the day before, per
        mL/kg/min of true VO₂ max — on mornings after a day without alcohol, before clipping to
        1–99 (on other mornings they are scaled by the alcohol factor).
    ``vo2_max_per_zone5_min_sum28``
        mL/kg/min per zone-5 minute summed over the 28 days ending that day.
    ``vo2_max_measurement_sd``
        Standard deviation of the watch's VO₂ max reading around the true value.
    ``zone5_min_per_hydration_l``, ``zone5_min_per_carbs_g``,
    ``zone5_min_per_lactate_threshold_test``
        Zone-5 minutes added on a workout day per litre of water, per gram of carbohydrate, by a
        lactate-threshold test that day (0 on days without a workout).
    ``day_strain_per_zone5_min``, ``day_strain_per_workout_min``
        Strain points per zone-5 minute and per workout minute that day.
    ``resting_hr_per_vo2_max``, ``resting_hr_per_recovery``
        bpm per mL/kg/min of true VO₂ max and per recovery point that morning (WHOOP).
    """
    truth = {f"{q.name}_pct_change_recovery": 0.0 for q in questions}
    truth[f"{QUESTIONS[0].name}_pct_change_recovery"] = float(alcohol_pct_change)
    truth |= {
        "recovery_per_asleep_min": RECOVERY_PER_ASLEEP_MIN,
        "recovery_per_prev_day_strain": RECOVERY_PER_PREV_DAY_STRAIN,
        "recovery_per_vo2_max": RECOVERY_PER_VO2_MAX,
        "vo2_max_per_zone5_min_sum28": VO2_PER_ZONE5_MIN_SUM28,
        "vo2_max_measurement_sd": VO2_MEASUREMENT_SD,
        "zone5_min_per_hydration_l": ZONE5_PER_HYDRATION_L,
        "zone5_min_per_carbs_g": ZONE5_PER_CARBS_G,
        "zone5_min_per_lactate_threshold_test": ZONE5_PER_LACTATE_TEST,
        "day_strain_per_zone5_min": STRAIN_PER_ZONE5_MIN,
        "day_strain_per_workout_min": STRAIN_PER_WORKOUT_MIN,
        "resting_hr_per_vo2_max": RESTING_HR_PER_VO2_MAX,
        "resting_hr_per_recovery": RESTING_HR_PER_RECOVERY,
    }
    return truth


def generate_person(
    days: int = 730,
    *,
    seed: int = 0,
    start: str = "2023-01-02",
    journal_questions: int = DEFAULT_JOURNAL_QUESTIONS,
    alcohol_pct_change: float = ALCOHOL_PCT_CHANGE,
) -> SamplePerson:
    """Simulate one person's wearable and habit data with planted, documented effects.

    Parameters
    ----------
    days : number of days, at least 28 (two years by default).
    seed : random seed; the same arguments always give the same person.
    start : first day (ISO date).
    journal_questions : how many of :data:`QUESTIONS` the person answers (1–30, the first ones
        in order; the first, alcohol, is always asked). Questions are added to the journal over
        the first 18 months (see ``Question.first_day``).
    alcohol_pct_change : planted change in next-morning recovery after drinking, in percent
        (−24.0 means 24 % lower); 0 plants no effect at all.

    Returns
    -------
    SamplePerson
        Raw events for :func:`write_sample`, the daily tables a correct reader produces from the
        written files, the latent truth and :func:`planted_truth`.
    """
    if int(days) < MIN_DAYS:
        raise ValueError(f"days: expected at least {MIN_DAYS}, got {days}")
    if not 1 <= int(journal_questions) <= len(QUESTIONS):
        raise ValueError(
            f"journal_questions: expected 1 to {len(QUESTIONS)}, got {journal_questions}"
        )
    if not -100.0 < float(alcohol_pct_change) <= 0.0:
        raise ValueError(
            f"alcohol_pct_change: expected a change in (−100, 0] percent, got {alcohol_pct_change}"
        )
    try:
        first_day = pd.Timestamp(start).normalize()
    except ValueError as error:
        raise ValueError(
            f"start: expected an ISO date such as 2023-01-02, got {start!r}"
        ) from error
    days = int(days)
    questions = QUESTIONS[: int(journal_questions)]
    # One stream per part, so that e.g. fewer journal questions change only the journal.
    streams = np.random.default_rng(seed).spawn(6)
    dates = pd.date_range(first_day, periods=days, freq="D", name="date")

    factor = 1.0 + float(alcohol_pct_change) / 100.0
    latent = _simulate_latent(streams[0], dates, factor)
    cycles, sleeps = _whoop_cycles(streams[1], latent)
    workouts, apple_workouts = _workouts(streams[2], latent, cycles)
    journal = _journal(streams[3], latent, cycles, questions)
    asked = set(journal["Question text"])
    questions = tuple(q for q in questions if q.text in asked)  # added after the last day: none
    apple_records = _apple_records(streams[4], latent, cycles)
    habits = _habit_rows(streams[5], latent)

    sources = {
        "whoop": _whoop_daily(cycles, workouts, journal, questions),
        "apple_health": _apple_daily(apple_records),
        "csv": _habits_daily(habits),
    }
    daily = merge_daily([sources[s] for s in SOURCE_PRIORITY if s in sources])
    return SamplePerson(
        start=first_day,
        days=days,
        seed=int(seed),
        daily=daily,
        sources=sources,
        truth=planted_truth(questions, float(alcohol_pct_change)),
        latent=latent,
        cycles=cycles,
        sleeps=sleeps,
        workouts=workouts,
        journal=journal,
        apple_records=apple_records,
        apple_workouts=apple_workouts,
        habits=habits,
        questions=tuple(q.text for q in questions),
    )


# --- latent processes -----------------------------------------------------------------------------
def _ar1(rng: np.random.Generator, n: int, coefficient: float, sd: float) -> np.ndarray:
    """A stationary AR(1) series with marginal standard deviation ``sd`` and mean 0."""
    innovation = rng.standard_normal(n) * sd * math.sqrt(1.0 - coefficient**2)
    out = np.empty(n)
    value = rng.standard_normal() * sd
    for i in range(n):
        value = coefficient * value + innovation[i]
        out[i] = value
    return out


def _runs(rng: np.random.Generator, n: int, on_share: float, mean_on_days: float) -> np.ndarray:
    """A stationary two-state chain: True a share ``on_share`` of days, in runs of mean length."""
    mean_off_days = mean_on_days * (1.0 - on_share) / on_share
    out = np.empty(n, dtype=bool)
    state = bool(rng.random() < on_share)
    i = 0
    while i < n:
        mean = mean_on_days if state else mean_off_days
        length = int(rng.geometric(1.0 / max(mean, 1.0)))
        out[i : i + length] = state
        i += length
        state = not state
    return out


def _gaps(rng: np.random.Generator, n: int, runs_per_day: float, mean_days: float) -> np.ndarray:
    """True on days inside gaps that start ``runs_per_day`` often and last ``mean_days``."""
    share = runs_per_day * mean_days / (1.0 + runs_per_day * mean_days)
    return _runs(rng, n, share, mean_days)


def _simulate_latent(
    rng: np.random.Generator, dates: pd.DatetimeIndex, alcohol_factor: float
) -> pd.DataFrame:
    """Every latent daily value, simulated with a burn-in so that the first day is settled.

    Every behaviour of :data:`QUESTIONS` is simulated, asked or not.
    """
    days = len(dates)
    n = days + BURN_IN_DAYS
    first = BURN_IN_DAYS
    behaviour = {
        q.name: _runs(rng, n, q.yes_share, q.mean_yes_run_days)
        for q in QUESTIONS[:DEFAULT_JOURNAL_QUESTIONS]
    }

    strap_off = _gaps(rng, n, STRAP_OFF_RUNS_PER_DAY, STRAP_OFF_MEAN_DAYS)
    strap_off[: first + SEED_DAYS_WITHOUT_WORKOUT + 1] = False
    strap_off[-2:] = False
    build = _runs(rng, n, BUILD_PHASE_DAYS / (BUILD_PHASE_DAYS + EASY_PHASE_DAYS), BUILD_PHASE_DAYS)
    chance = np.where(build, WORKOUT_CHANCE_BUILD, WORKOUT_CHANCE_EASY)
    workout = (rng.random(n) < chance) & ~strap_off
    workout[first : first + SEED_DAYS_WITHOUT_WORKOUT] = False
    workout[-1] = False  # the export is taken in the morning of the last day
    lactate = workout & build & (rng.random(n) < LACTATE_TEST_CHANCE)

    hydration = np.clip(np.round(HYDRATION_REF_L + _ar1(rng, n, 0.7, 0.45), 1), 1.0, 4.5)
    carbs = np.clip(np.round(CARBS_REF_G + _ar1(rng, n, 0.6, 60.0)), 80.0, 500.0)
    planned = (
        ZONE5_BASE_MIN
        + ZONE5_PER_HYDRATION_L * (hydration - HYDRATION_REF_L)
        + ZONE5_PER_CARBS_G * (carbs - CARBS_REF_G)
        + ZONE5_PER_LACTATE_TEST * lactate
        + rng.normal(0.0, ZONE5_NOISE_SD, n)
    )
    planned = np.maximum(planned, 0.0)
    duration = np.clip(np.round(rng.normal(52.0, 12.0, n)) + 10 * lactate, 25, 110)
    duration = np.maximum(duration, np.ceil(planned / ZONE5_MAX_SHARE))
    zone5_pct = np.round(100.0 * planned / duration)
    zone5 = np.where(workout, duration * zone5_pct / 100.0, 0.0)
    walk = workout & (rng.random(n) < SECOND_WALK_CHANCE)
    walk_min = rng.integers(20, 51, n).astype(float)
    workout_min = np.where(workout, duration, 0.0) + np.where(walk, walk_min, 0.0)

    zone5_sum28 = _rolling_sum(zone5, ZONE5_WINDOW_DAYS)
    vo2 = (
        VO2_BASE + VO2_PER_ZONE5_MIN_SUM28 * zone5_sum28 + _ar1(rng, n, VO2_DRIFT_AR, VO2_DRIFT_SD)
    )
    strain = np.clip(
        np.round(
            STRAIN_BASE
            + STRAIN_PER_WORKOUT_MIN * workout_min
            + STRAIN_PER_ZONE5_MIN * zone5
            + rng.normal(0.0, STRAIN_NOISE_SD, n),
            1,
        ),
        STRAIN_MIN,
        STRAIN_MAX,
    )
    asleep = np.clip(np.round(ASLEEP_REF_MIN + _ar1(rng, n, 0.3, 40.0)), 240.0, 600.0)
    prev_strain = np.concatenate([[STRAIN_REF], strain[:-1]])
    state = _ar1(rng, n, RECOVERY_STATE_AR, RECOVERY_STATE_SD)
    expected = np.clip(
        RECOVERY_BASE
        + RECOVERY_PER_ASLEEP_MIN * (asleep - ASLEEP_REF_MIN)
        + RECOVERY_PER_PREV_DAY_STRAIN * (prev_strain - STRAIN_REF)
        + RECOVERY_PER_VO2_MAX * (vo2 - VO2_REF)
        + state,
        RECOVERY_MIN,
        RECOVERY_MAX,
    )
    drank = np.concatenate([[False], behaviour[QUESTIONS[0].name][:-1]])
    recovery = np.maximum(np.round(expected * np.where(drank, alcohol_factor, 1.0)), RECOVERY_MIN)
    resting_hr_mean = (
        RESTING_HR_BASE
        + RESTING_HR_PER_VO2_MAX * (vo2 - VO2_REF)
        + RESTING_HR_PER_RECOVERY * (recovery - RECOVERY_REF)
    )
    resting_hr = np.clip(np.round(resting_hr_mean + rng.normal(0, RESTING_HR_NOISE_SD, n)), 45, 70)
    log_hrv = (
        math.log(HRV_BASE_MS)
        + LOG_HRV_PER_VO2_MAX * (vo2 - VO2_REF)
        + LOG_HRV_PER_RECOVERY * (recovery - RECOVERY_REF)
        + rng.normal(0.0, 0.08, n)
    )
    hrv = np.clip(np.round(np.exp(log_hrv)), 30.0, 120.0)
    body_fat = np.clip(18.5 + _ar1(rng, n, 0.995, 2.5), 12.0, 25.0)

    columns = {
        "strap_off": strap_off,
        "night_recorded": ~strap_off & (rng.random(n) >= NIGHT_NOT_RECORDED_CHANCE),
        "build_phase": build,
        "workout": workout,
        "workout_duration_min": np.where(workout, duration, np.nan),
        "workout_zone5_pct": np.where(workout, zone5_pct, np.nan),
        "walk_min": np.where(walk, walk_min, np.nan),
        "lactate_threshold_test": lactate,
        "hydration_l": hydration,
        "carbs_g": carbs,
        "zone5_min": zone5,
        "zone5_min_sum28": zone5_sum28,
        "vo2_max": vo2,
        "day_strain": strain,
        "asleep_min": asleep,
        "recovery_state": state,
        "recovery_expected": expected,
        "drank_day_before": drank,
        "recovery_score": recovery,
        "resting_hr_expected": resting_hr_mean,
        "resting_hr": resting_hr,
        "hrv_rmssd": hrv,
        "body_fat_pct": body_fat,
        "watch_off": _gaps(rng, n, WATCH_OFF_RUNS_PER_DAY, WATCH_OFF_MEAN_DAYS),
        "phone_carried": rng.random(n) < PHONE_CARRIED_CHANCE,
    } | behaviour
    # The long journal's questions are drawn after everything else, so that they leave every
    # other draw, and so the default person and the shipped sample, unchanged.
    columns |= {
        q.name: _runs(rng, n, q.yes_share, q.mean_yes_run_days)
        for q in QUESTIONS[DEFAULT_JOURNAL_QUESTIONS:]
    }
    # What only Apple Health holds comes last, for the same reason.
    columns |= _apple_latent(rng, dates[0] - pd.Timedelta(days=first), columns)
    latent = pd.DataFrame({k: v[first:] for k, v in columns.items()}, index=dates)
    latent.loc[latent.index[0], "night_recorded"] = False  # the strap was put on that day
    latent.loc[latent.index[-1], "night_recorded"] = True
    return latent


def _apple_latent(
    rng: np.random.Generator, first_day: pd.Timestamp, columns: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Weight, daylight, mindful minutes, caffeine and drinks on every simulated day (no effects).

    Mindful minutes, caffeine and drinks are 0 on days without meditation, caffeine or alcohol.
    """
    n = len(columns["strap_off"])
    day_of_year = pd.date_range(first_day, periods=n).day_of_year.to_numpy()
    season = np.sin(2 * math.pi * (day_of_year - 80) / 365.25)  # 0 at the March equinox
    daylight = DAYLIGHT_BASE_MIN + DAYLIGHT_SEASON_MIN * season
    daylight = daylight + _ar1(rng, n, DAYLIGHT_AR, DAYLIGHT_SD_MIN)
    mindful = rng.integers(MINDFUL_MIN_RANGE[0], MINDFUL_MIN_RANGE[1] + 1, n)
    cups = rng.integers(CAFFEINE_CUPS_RANGE[0], CAFFEINE_CUPS_RANGE[1] + 1, n)
    drinks = rng.integers(DRINKS_RANGE[0], DRINKS_RANGE[1] + 1, n)
    return {
        "weight_kg": WEIGHT_BASE_KG + _ar1(rng, n, WEIGHT_DRIFT_AR, WEIGHT_DRIFT_SD_KG),
        "daylight_min": np.maximum(np.round(daylight), DAYLIGHT_MIN_MIN),
        "mindful_min": np.where(columns["meditate"], mindful, 0).astype(float),
        "caffeine_mg": np.where(columns["have_any_caffeine"], CAFFEINE_MG_PER_CUP * cups, 0.0),
        "alcoholic_drinks": np.where(columns["have_any_alcoholic_drinks"], drinks, 0).astype(float),
    }


def _rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the ``window`` days ending on each day (fewer at the very start)."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    lower = np.maximum(np.arange(1, len(values) + 1) - window, 0)
    return cumulative[1:] - cumulative[lower]


# --- WHOOP events ---------------------------------------------------------------------------------
def _minutes(values: np.ndarray) -> pd.TimedeltaIndex:
    """Durations from minutes, to the whole second."""
    return pd.to_timedelta(np.round(np.asarray(values, dtype=float) * 60.0), unit="s")


def _seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random whole seconds, in minutes (timestamps in the exports carry seconds)."""
    return rng.integers(0, 60, n) / 60.0


def _whoop_cycles(
    rng: np.random.Generator, latent: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cycles (one per day the strap was worn) and sleeps (main sleeps and naps), oldest first."""
    n = len(latent)
    dates = latent.index
    worn = ~latent["strap_off"].to_numpy()
    night = latent["night_recorded"].to_numpy()
    asleep = latent["asleep_min"].to_numpy()
    awake = rng.integers(12, 46, n).astype(float)
    in_bed = asleep + awake
    # Sleep onset of the night before each day: 22:30 ± 35 min, from 21:15 to 01:45.
    onset = (
        dates
        - pd.Timedelta(days=1)
        + _minutes(
            np.clip(np.round(22.5 * 60 + rng.normal(0.0, 35.0, n)), 21.25 * 60, 25.75 * 60)
            + _seconds(rng, n)
        )
    )
    onset = onset.where(np.arange(n) > 0, dates[0] + pd.Timedelta(hours=9, minutes=30))
    wake = onset + _minutes(in_bed)
    strain = latent["day_strain"].to_numpy()
    need = np.round(465.0 + 6.0 * (np.concatenate([[STRAIN_REF], strain[:-1]]) - STRAIN_REF))
    need = need + np.round(rng.normal(0.0, 10.0, n))
    deep = np.round(asleep * rng.uniform(0.17, 0.25, n))
    rem = np.round(asleep * rng.uniform(0.20, 0.27, n))
    sleep_values = {
        "Sleep performance %": np.minimum(100.0, np.round(100.0 * asleep / need)),
        "Respiratory rate (rpm)": np.round(rng.normal(14.8, 0.4, n), 1),
        "Asleep duration (min)": asleep,
        "In bed duration (min)": in_bed,
        "Light sleep duration (min)": asleep - deep - rem,
        "Deep (SWS) duration (min)": deep,
        "REM duration (min)": rem,
        "Awake duration (min)": awake,
        "Sleep need (min)": need,
        "Sleep debt (min)": np.maximum(0.0, np.round(rng.normal(25.0, 15.0, n))),
        "Sleep efficiency %": np.round(100.0 * asleep / in_bed),
        "Sleep consistency %": np.clip(np.round(rng.normal(78.0, 9.0, n)), 40.0, 99.0),
    }
    cycles = pd.DataFrame(
        {
            "Cycle start time": onset,
            "Recovery score %": latent["recovery_score"].to_numpy(),
            "Resting heart rate (bpm)": latent["resting_hr"].to_numpy(),
            "Heart rate variability (ms)": latent["hrv_rmssd"].to_numpy(),
            "Skin temp (celsius)": np.round(rng.normal(33.9, 0.3, n), 1),
            "Blood oxygen %": np.round(np.clip(rng.normal(96.3, 0.6, n), 92.0, 99.5), 2),
            "Day Strain": strain,
            "Energy burned (cal)": np.round(1900.0 + 60.0 * (strain - STRAIN_REF))
            + np.round(rng.normal(0.0, 80.0, n)),
            "Max HR (bpm)": np.round(120.0 + 3.5 * strain + rng.normal(0.0, 4.0, n)),
            "Average HR (bpm)": np.round(58.0 + 1.2 * strain + rng.normal(0.0, 2.0, n)),
            "Sleep onset": onset,
            "Wake onset": wake,
            **sleep_values,
        },
        index=dates,
    )
    no_sleep = ~night
    sleep_cols = ["Recovery score %", "Resting heart rate (bpm)", "Heart rate variability (ms)",
                  "Skin temp (celsius)", "Blood oxygen %", "Sleep onset", "Wake onset",
                  *sleep_values]  # fmt: skip
    cycles.loc[no_sleep, sleep_cols] = np.nan
    day_cols = ["Day Strain", "Energy burned (cal)", "Max HR (bpm)", "Average HR (bpm)"]
    cycles.loc[dates[-1], day_cols] = np.nan  # the current cycle: no strain yet
    cycles = cycles.loc[worn].copy()
    cycles["Cycle end time"] = cycles["Cycle start time"].shift(-1)
    offsets = utc_offset_minutes(cycles["Cycle start time"])
    cycles["Cycle timezone"] = [whoop_timezone(o) for o in offsets]
    cycles["utc_offset_min"] = offsets
    cycles["day"] = cycles.index
    cycles = cycles.reset_index(drop=True)

    main = cycles.loc[cycles["Wake onset"].notna(), [*SLEEP_COLUMNS[:-1], "day", "utc_offset_min"]]
    main = main.assign(Nap=False)
    naps = _naps(rng, cycles)
    sleeps = pd.concat([main, naps], ignore_index=True)
    sleeps = sleeps.sort_values("Sleep onset", kind="stable").reset_index(drop=True)
    return cycles[[*CYCLE_COLUMNS, "day", "utc_offset_min"]], sleeps


def _naps(rng: np.random.Generator, cycles: pd.DataFrame) -> pd.DataFrame:
    """A few afternoon naps (at least two), inside cycles that have a main sleep."""
    candidates = np.flatnonzero(cycles["Wake onset"].notna().to_numpy()[:-1])
    chosen = candidates[rng.random(len(candidates)) < NAP_CHANCE]
    if len(chosen) < 2:
        chosen = np.unique(np.concatenate([chosen, candidates[[2, len(candidates) // 2]]]))
    rows = cycles.iloc[chosen]
    k = len(rows)
    asleep = rng.integers(18, 46, k).astype(float)
    awake = rng.integers(1, 6, k).astype(float)
    deep = np.zeros(k)
    rem = np.round(asleep * 0.25)
    onset = rows["day"] + _minutes(rng.integers(13 * 60, 16 * 60, k) + _seconds(rng, k))
    return pd.DataFrame(
        {
            "Cycle start time": rows["Cycle start time"].to_numpy(),
            "Cycle end time": rows["Cycle end time"].to_numpy(),
            "Cycle timezone": rows["Cycle timezone"].to_numpy(),
            "Sleep onset": onset.to_numpy(),
            "Wake onset": (onset + _minutes(asleep + awake)).to_numpy(),
            "Sleep performance %": np.nan,
            "Respiratory rate (rpm)": np.nan,
            "Asleep duration (min)": asleep,
            "In bed duration (min)": asleep + awake,
            "Light sleep duration (min)": asleep - deep - rem,
            "Deep (SWS) duration (min)": deep,
            "REM duration (min)": rem,
            "Awake duration (min)": awake,
            "Sleep need (min)": np.nan,
            "Sleep debt (min)": np.nan,
            "Sleep efficiency %": np.round(100.0 * asleep / (asleep + awake)),
            "Sleep consistency %": np.nan,
            "day": rows["day"].to_numpy(),
            "utc_offset_min": rows["utc_offset_min"].to_numpy(),
            "Nap": True,
        }
    )


def _containing_cycle(cycles: pd.DataFrame, times: pd.Series) -> np.ndarray:
    """Row of the cycle whose span holds each time (cycles run from one start to the next)."""
    starts = cycles["Cycle start time"].to_numpy()
    return np.searchsorted(starts, times.to_numpy(), side="right") - 1


def _workouts(
    rng: np.random.Generator, latent: pd.DataFrame, cycles: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """WHOOP workouts (main workouts and short walks) and the watch's copy of them."""
    main = latent.loc[latent["workout"]]
    k = len(main)
    duration = main["workout_duration_min"].to_numpy()
    zone5_pct = main["workout_zone5_pct"].to_numpy()
    activity = np.asarray(MAIN_ACTIVITIES)[rng.integers(0, len(MAIN_ACTIVITIES), k)]
    start = main.index + _minutes(rng.integers(17 * 60, 19 * 60 + 1, k) + _seconds(rng, k))
    zones = _split_zones(rng, 100.0 - zone5_pct, (2.0, 3.0, 3.0, 2.0))
    rows = {
        "Workout start time": start,
        "Duration (min)": duration,
        "Activity name": activity,
        "Activity Strain": np.round(np.clip(4.0 + 0.08 * duration + 0.2 * duration *
                                            zone5_pct / 100 + rng.normal(0, 1.0, k), 2, 20), 1),
        "Energy burned (cal)": np.round(duration * rng.uniform(8.0, 11.0, k), 1),
        "Max HR (bpm)": np.round(168.0 + 0.6 * zone5_pct + rng.normal(0, 3.0, k)),
        "Average HR (bpm)": np.round(132.0 + 0.5 * zone5_pct + rng.normal(0, 4.0, k)),
        **{f"HR Zone {z} %": zones[:, z - 1] for z in range(1, 5)},
        "HR Zone 5 %": zone5_pct,
        "day": main.index,
    }  # fmt: skip
    walks = latent.loc[latent["walk_min"].notna()]
    w = len(walks)
    walk_min = walks["walk_min"].to_numpy()
    walk_zones = _split_zones(rng, np.full(w, 100.0), (6.0, 3.0, 1.0))
    walk_rows = {
        "Workout start time": walks.index
        + _minutes(rng.integers(12 * 60, 13 * 60 + 1, w) + _seconds(rng, w)),
        "Duration (min)": walk_min,
        "Activity name": np.full(w, "Walking"),
        "Activity Strain": np.round(3.0 + 0.05 * walk_min + rng.normal(0, 0.5, w), 1),
        "Energy burned (cal)": np.round(walk_min * rng.uniform(3.5, 5.0, w), 1),
        "Max HR (bpm)": np.round(118.0 + rng.normal(0, 5.0, w)),
        "Average HR (bpm)": np.round(98.0 + rng.normal(0, 4.0, w)),
        **{f"HR Zone {z} %": walk_zones[:, z - 1] for z in range(1, 5)},
        "HR Zone 5 %": np.zeros(w),
        "day": walks.index,
    }
    table = pd.concat([pd.DataFrame(rows), pd.DataFrame(walk_rows)], ignore_index=True)
    table = table.sort_values("Workout start time", kind="stable").reset_index(drop=True)
    table["Workout end time"] = table["Workout start time"] + _minutes(table["Duration (min)"])
    gps = table["Activity name"].isin(OUTDOOR_ACTIVITIES).to_numpy()
    walking = (table["Activity name"] == "Walking").to_numpy()
    speed = np.where(walking, 85.0, 170.0) * rng.uniform(0.9, 1.1, len(table))
    table["GPS enabled"] = gps
    table["Distance (meters)"] = np.where(gps, np.round(table["Duration (min)"] * speed, 1), np.nan)
    climb = np.round(rng.uniform(0.0, 80.0, len(table)), 1)
    table["Altitude gain (meters)"] = np.where(gps, climb, np.nan)
    table["Altitude change (meters)"] = np.where(gps, np.round(rng.normal(0, 3.0, len(table)), 1),
                                                 np.nan)  # fmt: skip
    where = _containing_cycle(cycles, table["Workout start time"])
    for column in ("Cycle start time", "Cycle end time", "Cycle timezone"):
        table[column] = cycles[column].to_numpy()[where]
    table["utc_offset_min"] = utc_offset_minutes(table["Workout start time"])
    table = table[[*WORKOUT_COLUMNS, "day", "utc_offset_min"]]
    return table, _apple_workouts(rng, table, latent)


def _split_zones(
    rng: np.random.Generator, total_pct: np.ndarray, weights: tuple[float, ...]
) -> np.ndarray:
    """Whole percentages for zones 1–4 that add up to ``total_pct`` on each row."""
    shares = rng.dirichlet(np.asarray(weights), len(total_pct))
    zones = np.zeros((len(total_pct), 4))
    zones[:, : len(weights)] = np.floor(shares * total_pct[:, None])
    zones[:, 1] += total_pct - zones.sum(axis=1)
    return zones


def _journal(
    rng: np.random.Generator,
    latent: pd.DataFrame,
    cycles: pd.DataFrame,
    questions: tuple[Question, ...],
) -> pd.DataFrame:
    """Journal rows: answered in the cycle of the morning after the day they describe."""
    behaviour_day = cycles["day"] - pd.Timedelta(days=1)
    first_day, last_day = latent.index[0], latent.index[-1]
    answered = (
        (behaviour_day >= first_day)
        & (cycles["day"] < last_day)  # the current cycle's journal is not filled in yet
        & (rng.random(len(cycles)) >= JOURNAL_SKIPPED_CHANCE)
    ).to_numpy()
    notes = np.full(len(cycles), "", dtype=object)
    has_note = np.flatnonzero(answered & (rng.random(len(cycles)) < NOTES_CHANCE))
    notes[has_note] = np.asarray(NOTES, dtype=object)[rng.integers(0, len(NOTES), len(has_note))]
    notes[np.flatnonzero(answered)[len(np.flatnonzero(answered)) // 3]] = NOTES[0]
    offset = (behaviour_day - first_day).dt.days.to_numpy()
    rows, positions = [], []
    for question_position, question in enumerate(questions):
        asked = answered & (offset >= question.first_day)
        asked &= rng.random(len(cycles)) >= QUESTION_SKIPPED_CHANCE
        rows.append(np.flatnonzero(asked))
        positions.append(np.full(len(rows[-1]), question_position))
    row, position = np.concatenate(rows), np.concatenate(positions)
    order = np.lexsort((position, row))  # cycle by cycle (oldest first), questions in order
    row, position = row[order], position[order]
    day = behaviour_day.to_numpy()[row]
    behaviours = latent[[q.name for q in questions]].to_numpy()
    return pd.DataFrame(
        {
            **{c: cycles[c].to_numpy()[row] for c in JOURNAL_COLUMNS[:3]},
            "Question text": np.asarray([q.text for q in questions], dtype=object)[position],
            "Answered yes": behaviours[latent.index.get_indexer(day), position].astype(bool),
            "Notes": notes[row].astype(str),
            "day": day,
            "utc_offset_min": cycles["utc_offset_min"].to_numpy()[row],
        }
    )


# --- Apple Health records -------------------------------------------------------------------------
def _apple_records(
    rng: np.random.Generator, latent: pd.DataFrame, cycles: pd.DataFrame
) -> pd.DataFrame:
    """Apple Health records from the watch, the phone, a scale and two apps.

    ``day`` is the day a record describes: its start's date, or the wake-up morning for the
    records of a night.
    """
    days = latent.index[:-1]  # the export is taken early on the last day
    lat = latent.iloc[:-1]
    watch = ~lat["watch_off"].to_numpy()
    phone = lat["phone_carried"].to_numpy()
    n = len(days)
    parts = []

    def add(
        mask: np.ndarray,
        kind: str,
        source: str,
        values: list[str],
        start_min: np.ndarray,
        length_min: np.ndarray,
    ) -> None:
        """Records of one type on the days in ``mask``, starting ``start_min`` after midnight."""
        index = np.flatnonzero(mask)
        start = days[index] + _minutes(np.asarray(start_min)[index] + _seconds(rng, len(index)))
        end = start + _minutes(np.asarray(length_min)[index] + _seconds(rng, len(index)))
        parts.append(
            pd.DataFrame(
                {
                    "type": f"{HK}{kind}",
                    "source": source,
                    "value": np.asarray(values, dtype=object)[index],
                    "start": start,
                    "end": end,
                    "created": end + _minutes(rng.integers(1, 15, len(index))),
                }
            )
        )

    resting = np.round(
        lat["resting_hr_expected"].to_numpy() + APPLE_RESTING_HR_OFFSET + rng.normal(0, 1.0, n)
    )
    add(watch, "RestingHeartRate", "watch", [f"{v:.0f}" for v in resting],
        rng.integers(1, 10, n), np.full(n, 23 * 60 + 50))  # fmt: skip
    for slot, hour in enumerate((3, 14)):
        sdnn = lat["hrv_rmssd"].to_numpy() * SDNN_PER_RMSSD * np.exp(rng.normal(0, 0.15, n))
        add(watch, "HeartRateVariabilitySDNN", "watch", [f"{v:.4f}" for v in sdnn],
            hour * 60 + rng.integers(0, 50, n) + slot, np.ones(n))  # fmt: skip
    workout_min = np.nan_to_num(lat["workout_duration_min"].to_numpy())
    watch_steps = np.round(np.exp(rng.normal(math.log(8500.0), 0.3, n)) + 20.0 * workout_min)
    first_share = rng.uniform(0.3, 0.6, n)
    morning = np.round(watch_steps * first_share)
    add(watch, "StepCount", "watch", [f"{v:.0f}" for v in morning],
        7 * 60 + rng.integers(0, 60, n), np.full(n, 240))  # fmt: skip
    add(watch, "StepCount", "watch", [f"{v:.0f}" for v in watch_steps - morning],
        13 * 60 + rng.integers(0, 60, n), np.full(n, 420))  # fmt: skip
    phone_steps = np.where(
        watch,
        np.round(watch_steps * rng.uniform(0.45, 0.85, n)),
        np.round(np.exp(rng.normal(math.log(6000.0), 0.3, n))),
    )
    add(phone, "StepCount", "phone", [f"{v:.0f}" for v in phone_steps],
        8 * 60 + rng.integers(0, 60, n), np.full(n, 600))  # fmt: skip
    energy = np.maximum(
        50.0, 250.0 + 55.0 * (lat["day_strain"].to_numpy() - STRAIN_BASE) + rng.normal(0, 40.0, n)
    )
    add(watch, "ActiveEnergyBurned", "watch", [f"{v:.3f}" for v in energy],
        6 * 60 + rng.integers(0, 30, n), np.full(n, 15 * 60))  # fmt: skip
    estimated = lat["workout"].to_numpy() & watch & (rng.random(n) < VO2_MEASURED_CHANCE)
    vo2 = lat["vo2_max"].to_numpy() + rng.normal(0, VO2_MEASUREMENT_SD, n)
    add(estimated, "VO2Max", "watch", [f"{v:.2f}" for v in vo2],
        19 * 60 + 30 + rng.integers(0, 60, n), np.zeros(n))  # fmt: skip
    weigh_in = rng.random(n) < WEIGH_IN_CHANCE
    body_fat = np.clip(np.round(lat["body_fat_pct"].to_numpy() + rng.normal(0, 0.3, n), 1), 12, 25)
    add(weigh_in, "BodyFatPercentage", "scale", [f"{v / 100:.3f}" for v in body_fat],
        6 * 60 + 45 + rng.integers(0, 30, n), np.zeros(n))  # fmt: skip

    # Drawn after everything above, so that the records above stay as they were.
    parts += _apple_extras(rng, latent, cycles, weigh_ins=parts[-1])

    records = pd.concat(parts, ignore_index=True)
    units = {t: unit for t, (unit, _) in APPLE_TYPES.items()}
    records["unit"] = records["type"].map(units).fillna("")  # category records have none
    records["utc_offset_min"] = utc_offset_minutes(records["start"])
    records["day"] = records["day"].fillna(records["start"].dt.normalize())
    order = {t: i for i, t in enumerate((*APPLE_TYPES, *APPLE_CATEGORY_TYPES))}
    records["type_order"] = records["type"].map(order)
    records = records.sort_values(["type_order", "start"], kind="stable").reset_index(drop=True)
    return records.drop(columns="type_order")[
        ["type", "source", "unit", "value", "created", "start", "end", "utc_offset_min", "day"]
    ]


def _record_frame(
    kind: str,
    source: str,
    values: list[str],
    start: pd.DatetimeIndex,
    end: pd.DatetimeIndex,
    created: pd.DatetimeIndex,
    day: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Records of one type; ``day`` is the day they describe when it is not their start's."""
    frame = pd.DataFrame(
        {"type": kind, "source": source, "value": np.asarray(values, dtype=object), "start": start,
         "end": end, "created": created}
    )  # fmt: skip
    frame["day"] = start.normalize() if day is None else day
    return frame


def _apple_extras(
    rng: np.random.Generator, latent: pd.DataFrame, cycles: pd.DataFrame, weigh_ins: pd.DataFrame
) -> list[pd.DataFrame]:
    """Weight at every weigh-in; nights, the watch's day records and logs of the last days."""
    lat = latent.iloc[:-1]  # the export is taken early on the last day
    days = lat.index
    recent = np.asarray(days >= days[-1] - pd.Timedelta(days=APPLE_EXTRA_DAYS - 1))
    watch = ~lat["watch_off"].to_numpy()
    kilograms = lat["weight_kg"].reindex(weigh_ins["start"].dt.normalize()).to_numpy()
    pounds = (kilograms + rng.normal(0, WEIGHT_READING_SD_KG, len(kilograms))) / KG_PER_POUND
    parts = [weigh_ins.assign(type=f"{HK}BodyMass", value=[f"{v:.1f}" for v in pounds])]
    nights = recent & (days > latent.index[0])  # the first day has no recorded night before it
    parts += _apple_nights(rng, lat.loc[nights], cycles)
    parts += _watch_days(rng, lat.loc[recent & watch])
    parts += _phone_logs(rng, lat.loc[recent])
    return parts


def _apple_nights(
    rng: np.random.Generator, lat: pd.DataFrame, cycles: pd.DataFrame
) -> list[pd.DataFrame]:
    """The watch's sleep stages and night-time respiratory rate, the phone's time in bed.

    The night is the one the strap recorded (or, without it, one drawn the same way); the watch
    notices sleep a few minutes later and has its own estimate of the time asleep.
    """
    wake_days = lat.index
    k = len(wake_days)
    main = cycles.dropna(subset=["Wake onset"]).set_index("day")
    drawn_onset = (
        wake_days
        - pd.Timedelta(days=1)
        + _minutes(
            np.clip(np.round(22.5 * 60 + rng.normal(0.0, 35.0, k)), 21.25 * 60, 25.75 * 60)
            + _seconds(rng, k)
        )
    )
    asleep_true = lat["asleep_min"].to_numpy()
    drawn_wake = drawn_onset + _minutes(asleep_true + rng.integers(12, 46, k))
    onset = pd.DatetimeIndex(main["Sleep onset"].reindex(wake_days).fillna(
        pd.Series(drawn_onset, index=wake_days)))  # fmt: skip
    wake = pd.DatetimeIndex(main["Wake onset"].reindex(wake_days).fillna(
        pd.Series(drawn_wake, index=wake_days)))  # fmt: skip

    delay_s = rng.integers(WATCH_SLEEP_DELAY_S[0], WATCH_SLEEP_DELAY_S[1] + 1, k)
    low, high = (60 * m for m in ASLEEP_MIN_RANGE)
    asleep_s = np.clip(np.round(60 * (asleep_true + rng.normal(0, APPLE_ASLEEP_NOISE_SD, k))),
                       low, high)  # fmt: skip
    in_bed_s = (wake - onset).total_seconds().to_numpy()
    awake_s = np.maximum(np.round(in_bed_s - delay_s - asleep_s), MIN_AWAKE_S)
    deep_s = np.round(asleep_s * rng.uniform(*DEEP_SHARE, k))
    rem_s = np.round(asleep_s * rng.uniform(*REM_SHARE, k))
    core_s = asleep_s - deep_s - rem_s
    core_first, rem_first = np.round(core_s * rng.uniform(0.4, 0.6, k)), np.round(rem_s / 2)
    # One night: core, deep, REM, a spell awake, core, REM — contiguous, whole seconds.
    stages = ("core", "deep", "rem", "awake", "core", "rem")
    seconds = np.column_stack(
        [core_first, deep_s, rem_first, awake_s, core_s - core_first, rem_s - rem_first]
    )
    bounds = np.concatenate([np.zeros((k, 1)), np.cumsum(seconds, axis=1)], axis=1)
    asleep_from = onset + pd.to_timedelta(delay_s, unit="s")
    night_end = asleep_from + pd.to_timedelta(bounds[:, -1], unit="s")
    created = night_end + _minutes(rng.integers(1, 15, k))
    worn = ~lat["watch_off"].to_numpy()
    parts = []
    for j, stage in enumerate(stages):
        rows = worn & (seconds[:, j] > 0)
        parts.append(
            _record_frame(
                APPLE_SLEEP_TYPE, "watch", [APPLE_SLEEP_STAGES[stage]] * int(rows.sum()),
                asleep_from[rows] + pd.to_timedelta(bounds[rows, j], unit="s"),
                asleep_from[rows] + pd.to_timedelta(bounds[rows, j + 1], unit="s"),
                created[rows], wake_days[rows],
            )
        )  # fmt: skip
    carried = lat["phone_carried"].to_numpy()
    bed_from = onset - _minutes(rng.integers(*IN_BED_LEAD_MIN, k))
    bed_to = wake + _minutes(rng.integers(*IN_BED_TRAIL_MIN, k))
    parts.append(
        _record_frame(APPLE_SLEEP_TYPE, "phone", [APPLE_IN_BED] * int(carried.sum()),
                      bed_from[carried], bed_to[carried], bed_to[carried], wake_days[carried])
    )  # fmt: skip
    level = RESPIRATORY_RATE_MEAN + rng.normal(0, RESPIRATORY_NIGHT_SD, k)
    for _ in range(RESPIRATORY_READINGS_PER_NIGHT):
        at = asleep_from + pd.to_timedelta(np.round(bounds[:, -1] * rng.uniform(0.1, 0.9, k)),
                                           unit="s")  # fmt: skip
        rate = np.round(2 * (level + rng.normal(0, RESPIRATORY_READING_SD, k))) / 2
        parts.append(
            _record_frame(f"{HK}RespiratoryRate", "watch", [f"{v:g}" for v in rate[worn]],
                          at[worn], at[worn], created[worn], wake_days[worn])
        )  # fmt: skip
    return parts


def _watch_days(rng: np.random.Generator, lat: pd.DataFrame) -> list[pd.DataFrame]:
    """Walking heart rate, time in daylight and mindful sessions on the days the watch is worn."""
    days, k = lat.index, len(lat)
    walking = np.round(lat["resting_hr_expected"].to_numpy() + WALKING_HR_ABOVE_RESTING
                       + rng.normal(0, WALKING_HR_NOISE_SD, k))  # fmt: skip
    walk_from = days + _minutes(8 * 60 + rng.integers(0, 120, k) + _seconds(rng, k))
    walk_to = walk_from + _minutes(rng.integers(10 * 60, 12 * 60, k))
    parts = [
        _record_frame(f"{HK}WalkingHeartRateAverage", "watch", [f"{v:.0f}" for v in walking],
                      walk_from, walk_to, walk_to + _minutes(rng.integers(1, 15, k)))
    ]  # fmt: skip
    daylight = lat["daylight_min"].to_numpy()
    morning = np.round(daylight * rng.uniform(0.3, 0.7, k))
    for first_hour, minutes in ((8, morning), (13, daylight - morning)):
        begin = days + _minutes(first_hour * 60 + rng.integers(0, 180, k) + _seconds(rng, k))
        rows = minutes > 0
        end = begin[rows] + _minutes(minutes[rows])
        parts.append(
            _record_frame(f"{HK}TimeInDaylight", "watch", [f"{v:.0f}" for v in minutes[rows]],
                          begin[rows], end, end + _minutes(rng.integers(1, 15, int(rows.sum()))))
        )  # fmt: skip
    mindful = lat["mindful_min"].to_numpy()
    rows = mindful > 0
    begin = (days + _minutes(6 * 60 + 45 + rng.integers(0, 60, k) + _seconds(rng, k)))[rows]
    end = begin + _minutes(mindful[rows])
    parts.append(
        _record_frame(APPLE_MINDFUL_TYPE, "watch", [MINDFUL_VALUE] * int(rows.sum()), begin, end,
                      end)
    )  # fmt: skip
    return parts


def _phone_logs(rng: np.random.Generator, lat: pd.DataFrame) -> list[pd.DataFrame]:
    """Water and caffeine from a water app; drinks, and 0 on some dry days, from a drinks app."""
    days, k = lat.index, len(lat)
    parts = []
    water_days = rng.random(k) < WATER_LOGGED_CHANCE
    glasses = np.maximum(np.round(lat["hydration_l"].to_numpy() * 1000 / WATER_GLASS_ML), 1)
    per_record = rng.multinomial(glasses.astype(int), [1 / WATER_RECORDS_PER_DAY]
                                 * WATER_RECORDS_PER_DAY)  # fmt: skip
    caffeine_days = (lat["caffeine_mg"].to_numpy() > 0) & (rng.random(k) < CAFFEINE_LOGGED_CHANCE)
    cups = np.round(lat["caffeine_mg"].to_numpy() / CAFFEINE_MG_PER_CUP)
    drinks = lat["alcoholic_drinks"].to_numpy()
    drinking_logged = (drinks > 0) & (rng.random(k) < DRINKS_LOGGED_CHANCE)
    dry_logged = (drinks == 0) & (rng.random(k) < DRY_DAY_LOGGED_CHANCE)
    for i, hour in enumerate((9, 13, 18)):
        rows = water_days & (per_record[:, i] > 0)
        at = (days + _minutes(hour * 60 + rng.integers(0, 90, k) + _seconds(rng, k)))[rows]
        parts.append(
            _record_frame(f"{HK}DietaryWater", "water_app",
                          [f"{v * WATER_GLASS_ML:.0f}" for v in per_record[rows, i]], at, at, at)
        )  # fmt: skip
    for i, (hour, minute) in enumerate(((7, 30), (10, 30), (14, 0))):
        rows = caffeine_days & (cups > i)
        at = days + _minutes(hour * 60 + minute + rng.integers(0, 45, k) + _seconds(rng, k))
        parts.append(
            _record_frame(f"{HK}DietaryCaffeine", "water_app",
                          [f"{CAFFEINE_MG_PER_CUP:.0f}"] * int(rows.sum()), at[rows], at[rows],
                          at[rows])
        )  # fmt: skip
    for i in range(DRINKS_RANGE[1]):
        rows = drinking_logged & (drinks > i)
        at = days + _minutes(19 * 60 + 40 * i + rng.integers(0, 10, k) + _seconds(rng, k))
        parts.append(
            _record_frame(f"{HK}NumberOfAlcoholicBeverages", "drinks_app", ["1"] * int(rows.sum()),
                          at[rows], at[rows], at[rows])
        )  # fmt: skip
    at = (days + _minutes(21 * 60 + rng.integers(0, 60, k) + _seconds(rng, k)))[dry_logged]
    parts.append(
        _record_frame(f"{HK}NumberOfAlcoholicBeverages", "drinks_app",
                      ["0"] * int(dry_logged.sum()), at, at, at)
    )  # fmt: skip
    return parts


def _apple_workouts(
    rng: np.random.Generator, workouts: pd.DataFrame, latent: pd.DataFrame
) -> pd.DataFrame:
    """The watch's copy of the WHOOP workouts on days it was worn (not in the daily table)."""
    watch_on = ~latent["watch_off"].reindex(workouts["day"]).to_numpy()
    before_export = (workouts["day"] < latent.index[-1]).to_numpy()
    chosen = workouts.loc[watch_on & before_export]
    return pd.DataFrame(
        {
            "activity": chosen["Activity name"].map(APPLE_WORKOUT_TYPES).to_numpy(),
            "duration_min": chosen["Duration (min)"].to_numpy()
            + np.round(rng.uniform(-0.5, 0.5, len(chosen)), 4),
            "energy_kcal": chosen["Energy burned (cal)"].to_numpy(),
            "distance_km": chosen["Distance (meters)"].to_numpy() / 1000.0,
            "start": chosen["Workout start time"].to_numpy(),
            "end": chosen["Workout end time"].to_numpy(),
            "utc_offset_min": chosen["utc_offset_min"].to_numpy(),
        }
    )


# --- habit spreadsheet ----------------------------------------------------------------------------
def _habit_rows(rng: np.random.Generator, latent: pd.DataFrame) -> pd.DataFrame:
    """The habit spreadsheet: logged days only, a few empty cells, one longer gap."""
    lat = latent.iloc[:-1]
    n = len(lat)
    logged = ~_gaps(rng, n, HABITS_GAP_RUNS_PER_DAY, HABITS_GAP_MEAN_DAYS)
    logged[0] = True
    habits = pd.DataFrame(
        {
            "date": lat.index,
            "hydration_l": lat["hydration_l"].to_numpy(),
            "carbs_g": lat["carbs_g"].to_numpy(),
            "lactate_threshold_test": lat["lactate_threshold_test"].to_numpy().astype(float),
        }
    )
    for column in HABIT_SHEET_COLUMNS[1:]:
        empty = rng.random(n) < HABITS_SKIPPED_CHANCE
        empty[0] = False
        habits.loc[empty, column] = np.nan
    return habits.loc[logged].reset_index(drop=True)


# --- daily tables (what a correct reader produces) ------------------------------------------------
def _var(name: str, label: str, unit: str, source: str, **kwargs: object) -> Variable:
    return Variable(name=name, label=label, unit=unit, source=source, **kwargs)  # type: ignore[arg-type]


#: The columns the readers produce from the written files, with the readers' own registry
#: entries (so that a reader round trip gives the very same table).
WHOOP_VARIABLES = {
    header: whoop.REGISTRY[name]
    for header, name in (
        ("Recovery score %", "recovery_score"),
        ("Resting heart rate (bpm)", "resting_hr"),
        ("Heart rate variability (ms)", "hrv_rmssd"),
        ("Day Strain", "day_strain"),
        ("Sleep performance %", "sleep_performance"),
        ("Asleep duration (min)", "asleep_min"),
        # Also in the Apple export, so the merged table holds WHOOP's where both have them.
        ("Respiratory rate (rpm)", "respiratory_rate"),
        ("In bed duration (min)", "in_bed_min"),
        ("Light sleep duration (min)", "light_sleep_min"),
        ("Deep (SWS) duration (min)", "deep_sleep_min"),
        ("REM duration (min)", "rem_sleep_min"),
        ("Awake duration (min)", "awake_min"),
    )
}
ZONE5_VARIABLE = whoop.REGISTRY["zone5_min"]
#: The Apple night columns from the watch's stages (``Core`` is light sleep) and the phone.
APPLE_NIGHT_COLUMNS = {"core": "light_sleep_min", "deep": "deep_sleep_min",
                       "rem": "rem_sleep_min", "awake": "awake_min"}  # fmt: skip
APPLE_VARIABLES = {
    name: apple_health.VARIABLES[name]
    for name in (
        *(column for _, column in APPLE_TYPES.values()),
        "have_any_alcoholic_drinks", "mindful_min", "asleep_min", *APPLE_NIGHT_COLUMNS.values(),
        "in_bed_min",
    )
}  # fmt: skip
HABIT_VARIABLES = {
    "hydration_l": _var("hydration_l", "hydration_l", "", "csv", kind="habit"),
    "carbs_g": _var("carbs_g", "carbs_g", "", "csv", kind="habit"),
    "lactate_threshold_test": _var("lactate_threshold_test", "lactate_threshold_test", "", "csv",
                                   kind="behaviour", aggregation="any"),
}  # fmt: skip


def _whoop_daily(
    cycles: pd.DataFrame,
    workouts: pd.DataFrame,
    journal: pd.DataFrame,
    questions: tuple[Question, ...],
) -> DailyData:
    """The WHOOP reader's rules: cycles by wake date (or start + 12 h), journal on wake date − 1,
    zone-5 minutes by workout start date (0 on days the strap was worn without a workout after
    the first workout; missing before it and on days without a cycle)."""
    wake = cycles["Wake onset"]
    day = wake.dt.normalize().where(
        wake.notna(), (cycles["Cycle start time"] + pd.Timedelta(hours=12)).dt.normalize()
    )
    table = pd.DataFrame(
        {v.name: cycles[header].to_numpy() for header, v in WHOOP_VARIABLES.items()},
        index=pd.DatetimeIndex(day, name="date"),
    )
    registry = {v.name: v for v in WHOOP_VARIABLES.values()}
    zone5 = workouts["Duration (min)"] * workouts["HR Zone 5 %"] / 100
    zone5 = zone5.groupby(workouts["Workout start time"].dt.normalize()).sum()
    worn = pd.DatetimeIndex(day.unique())
    span = worn[worn >= zone5.index.min()].union(zone5.index) if len(zone5) else worn[:0]
    table = table.reindex(table.index.union(span))
    table["zone5_min"] = zone5.reindex(span, fill_value=0.0).reindex(table.index)
    registry["zone5_min"] = ZONE5_VARIABLE
    behaviour_day = journal["Cycle start time"].map(
        dict(zip(cycles["Cycle start time"], day, strict=True))
    ) - pd.Timedelta(days=1)
    answers = pd.DataFrame(
        {
            "date": behaviour_day.to_numpy(),
            "name": journal["Question text"].map({q.text: q.name for q in questions}).to_numpy(),
            "value": journal["Answered yes"].to_numpy(dtype=float),
        }
    ).pivot_table(index="date", columns="name", values="value", aggfunc="first")
    table = table.reindex(table.index.union(answers.index))
    for question in questions:
        if question.name in answers.columns:  # a question never asked has no column
            table[question.name] = answers[question.name].reindex(table.index)
            registry[question.name] = _var(question.name, question.text.strip(), "", "whoop",
                                           kind="behaviour", aggregation="any")  # fmt: skip
    return DailyData(table, registry)


def _apple_daily(records: pd.DataFrame) -> DailyData:
    """The Apple Health reader's rules, on the day each record describes: sums and means per
    day, the last reading for VO₂ max, body fat (× 100) and weight (pounds → kg); steps from one
    source a day (the one with more steps, the watch whenever worn), never the sum of watch and
    phone; a yes/no for drinks on the days they were logged; session minutes; the watch's night
    (its only source of sleep) in total and per stage, the phone's time in bed."""
    values = records.assign(number=pd.to_numeric(records["value"], errors="coerce"))
    minutes = (records["end"] - records["start"]).dt.total_seconds() / 60
    values = values.assign(minutes=minutes)
    factors = {"body_fat_pct": 100.0, "weight_kg": KG_PER_POUND, "water_l": 1e-3}
    columns = {}
    for hk_type, (_, name) in APPLE_TYPES.items():
        rows = values.loc[values["type"] == hk_type]
        if name == "steps":
            per_source = rows.groupby(["day", "source"])["number"].sum()
            columns[name] = per_source.groupby(level="day").max()
        elif apple_health.VARIABLES[name].aggregation == "sum":
            columns[name] = rows.groupby("day")["number"].sum()
        elif apple_health.VARIABLES[name].aggregation == "last":
            columns[name] = rows.sort_values("start", kind="stable").groupby("day")["number"].last()
        else:
            columns[name] = rows.groupby("day")["number"].mean()
        columns[name] = columns[name] * factors.get(name, 1.0)
    columns["have_any_alcoholic_drinks"] = (columns["alcoholic_drinks"] > 0).astype(float)
    mindful = values.loc[values["type"] == APPLE_MINDFUL_TYPE]
    columns["mindful_min"] = mindful.groupby("day")["minutes"].sum()
    sleep = values.loc[values["type"] == APPLE_SLEEP_TYPE]
    stage_of = {value: stage for stage, value in APPLE_SLEEP_STAGES.items()}
    stages = sleep.assign(stage=sleep["value"].map(stage_of)).dropna(subset=["stage"])
    per_stage = stages.pivot_table(index="day", columns="stage", values="minutes",
                                   aggfunc="sum", fill_value=0.0)  # fmt: skip
    columns["asleep_min"] = per_stage[["core", "deep", "rem"]].sum(axis=1)
    for stage, name in APPLE_NIGHT_COLUMNS.items():
        columns[name] = per_stage[stage] if stage in per_stage else 0.0 * columns["asleep_min"]
    in_bed = sleep.loc[sleep["value"] == APPLE_IN_BED]
    columns["in_bed_min"] = in_bed.groupby("day")["minutes"].sum()
    table = pd.DataFrame(columns)
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, dict(APPLE_VARIABLES))


def _habits_daily(habits: pd.DataFrame) -> DailyData:
    """The generic CSV reader's rules: one row per date, numeric habits and yes/no as 1/0."""
    table = habits.set_index(pd.DatetimeIndex(habits["date"], name="date"))[
        list(HABIT_SHEET_COLUMNS[1:])
    ].astype(float)
    return DailyData(table, dict(HABIT_VARIABLES))
