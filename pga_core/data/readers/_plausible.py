"""What a value may be: plausible ranges, the date window, rounding tolerances, and the notes.

A recognised export is never refused over its values. A value outside its plausible range, a
record dated before :data:`FIRST_DAY` or after the export's own date, a negative duration is left
out (or, where a format is known to round past a bound, clamped to it) and every reader reports
it the same way, through one :class:`ValueNotes` collector:

- :data:`RANGES`: the plausible range of each canonical daily variable, with its reason;
  :func:`range_of` gives it (or :data:`ANY_NUMBER` for a column we know nothing about);
- :data:`ROUNDING`: values a format writes past a bound by rounding, clamped within a tolerance;
- :func:`date_window`: the first and last plausible day of an export's records;
- :class:`ValueNotes`: readers feed it what they left out or clamped (file, row or line, column,
  value, what was done) through :meth:`~ValueNotes.screen`, :meth:`~ValueNotes.screen_days` or
  :meth:`~ValueNotes.add`, and it writes the summary lines (:meth:`~ValueNotes.lines`), e.g.
  ``sleeps.csv: 2 values of 'Sleep efficiency %' above 100 clamped to 100 (rows 630, 631; WHOOP
  rounds to 101)``;
- :func:`screen_daily`: the last check on a reader's finished daily table, so that whatever a
  reader missed (a day's total of many plausible records) still never reaches the workspace.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData

__all__ = ["FIRST_DAY", "RANGES", "PlausibleRange"]


@dataclass(frozen=True)
class PlausibleRange:
    """The values a variable can take, inclusive, in its registry unit, and why."""

    low: float
    high: float
    unit: str
    reason: str

    def describe(self) -> str:
        """``0–100 %`` as people write a range."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{_shown(self.low)} to {_shown(self.high)}{unit}"


@dataclass(frozen=True)
class Rounding:
    """A format that writes values up to ``tolerance`` past a bound of the range (clamped)."""

    tolerance: float
    reason: str


def _shown(number: float) -> str:
    """A bound as people write it: ``150,000``, ``1,000,000,000``, ``0.5``."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,g}"


def _r(low: float, high: float, unit: str, reason: str) -> PlausibleRange:
    return PlausibleRange(low, high, unit, reason)


_MINUTES_PER_DAY = 24 * 60.0
_PERCENT = _r(0, 100, "%", "a percentage")
_SCORE = _r(0, 100, "", "scores run from 0 to 100")
_NIGHT = _r(0, _MINUTES_PER_DAY, "min", "one night's sleep cannot last longer than a day")
_ZONE = _r(0, _MINUTES_PER_DAY, "min", "a day has 1,440 minutes")

#: Plausible range of every canonical daily variable (and of the few per-record quantities
#: readers check before adding them up: ``hr_zone_pct``). Each reason is one line.
RANGES: dict[str, PlausibleRange] = {
    # scores and percentages
    "recovery_score": _r(0, 100, "%", "WHOOP recovery is a percentage"),
    "sleep_performance": _r(0, 100, "%", "WHOOP sleep performance is a percentage"),
    "sleep_efficiency": _r(0, 100, "%", "time asleep is at most the time in bed"),
    "sleep_consistency": _r(0, 100, "%", "WHOOP sleep consistency is a percentage"),
    "readiness_score": _SCORE,
    "sleep_score": _SCORE,
    "activity_score": _SCORE,
    "hr_zone_pct": _r(0, 100, "%", "a share of a workout's duration"),
    "blood_oxygen": _r(50, 100, "%", "SpO₂ below 50 % is not survivable for long"),
    "body_fat_pct": _r(1, 75, "%", "essential fat is 2–5 %; no measured person reaches 75 %"),
    # heart
    "resting_hr": _r(20, 200, "bpm", "the lowest resting heart rates recorded are near 27 bpm"),
    "lowest_resting_hr": _r(20, 200, "bpm", "the lowest heart rates recorded are near 27 bpm"),
    "avg_hr": _r(20, 250, "bpm", "human heart rates stay between about 25 and 220 bpm"),
    "max_hr": _r(30, 250, "bpm", "the highest heart rates recorded are near 220 bpm"),
    "walking_hr": _r(20, 250, "bpm", "human heart rates stay between about 25 and 220 bpm"),
    "hrv_rmssd": _r(1, 500, "ms", "RMSSD of healthy adults ranges from about 5 to 300 ms"),
    "hrv_sdnn": _r(1, 500, "ms", "SDNN of healthy adults ranges from about 10 to 300 ms"),
    "vo2_max": _r(10, 100, "mL/kg/min", "the highest VO₂ max ever measured is about 97"),
    # breathing and temperature
    "respiratory_rate": _r(4, 60, "breaths/min", "sleeping adults breathe 8 to 25 times a minute"),
    "skin_temp": _r(25, 45, "°C", "skin temperature at the wrist stays between about 28 and 38 °C"),
    "temperature_deviation": _r(-10, 10, "°C", "a deviation from one's own baseline temperature"),
    # strain and energy
    "day_strain": _r(0, 21, "", "WHOOP strain runs from 0 to 21"),
    "workout_strain": _r(0, 21, "", "WHOOP strain runs from 0 to 21"),
    "energy_burned": _r(0, 20_000, "kcal", "even ultra-endurance days burn under 15,000 kcal"),
    "active_energy": _r(0, 15_000, "kcal", "even ultra-endurance days burn under 15,000 kcal"),
    "workout_energy": _r(0, 15_000, "kcal", "even ultra-endurance days burn under 15,000 kcal"),
    # counts
    "steps": _r(0, 150_000, "steps", "ultramarathon days reach about 100,000 steps"),
    "workout_count": _r(0, 50, "workouts", "more than 50 workouts in a day is a recording loop"),
    # body
    "weight_kg": _r(20, 400, "kg", "adult body weights stay between about 25 and 400 kg"),
    "weight": _r(20, 1000, "", "adult body weights in kg or lb"),
    # durations
    "asleep_min": _NIGHT,
    "in_bed_min": _NIGHT,
    "light_sleep_min": _NIGHT,
    "deep_sleep_min": _NIGHT,
    "rem_sleep_min": _NIGHT,
    "awake_min": _NIGHT,
    "sleep_latency_min": _r(0, 720, "min", "falling asleep takes minutes, not half a day"),
    "sleep_need_min": _r(0, _MINUTES_PER_DAY, "min", "nobody needs more than a day of sleep"),
    "sleep_debt_min": _r(0, _MINUTES_PER_DAY, "min", "WHOOP caps sleep debt well below a day"),
    "nap_min": _r(0, _MINUTES_PER_DAY, "min", "a day has 1,440 minutes"),
    "workout_min": _r(0, _MINUTES_PER_DAY, "min", "a workout longer than a day is a timer left on"),
    "mindful_min": _r(0, _MINUTES_PER_DAY, "min", "a day has 1,440 minutes"),
    "daylight_min": _r(0, _MINUTES_PER_DAY, "min", "a day has 1,440 minutes"),
    # what a person logs
    "water_l": _r(0, 20, "L", "drinking 20 litres in a day would be fatal"),
    "caffeine_mg": _r(0, 10_000, "mg", "about 10 g of caffeine is a lethal dose"),
    "alcoholic_drinks": _r(0, 100, "drinks", "a hundred drinks in a day is a logging loop"),
    **{f"zone{k}_min": _ZONE for k in range(1, 6)},
}
#: The range of a number we know nothing about (a person's own log column): finite, and smaller
#: than any daily amount a person logs; larger values are overflow, a pasted ID or Excel's 1e15.
ANY_NUMBER = _r(-1e9, 1e9, "", "no daily amount a person logs reaches a billion")

#: (format, variable) → how far past a bound the format writes by rounding; clamped to the bound.
ROUNDING: dict[tuple[str, str], Rounding] = {
    ("whoop", "sleep_efficiency"): Rounding(1.0, "WHOOP rounds to 101"),
    ("whoop", "sleep_performance"): Rounding(1.0, "WHOOP rounds to 101"),
    ("whoop", "sleep_consistency"): Rounding(1.0, "WHOOP rounds to 101"),
    ("whoop", "recovery_score"): Rounding(1.0, "WHOOP rounds to 101"),
    ("whoop", "hr_zone_pct"): Rounding(1.0, "WHOOP rounds each zone's share"),
    ("apple_health", "blood_oxygen"): Rounding(1.0, "Apple Watch readings can round past 100 %"),
    ("oura", "sleep_efficiency"): Rounding(1.0, "Oura rounds to 101"),
}

#: The first plausible day of a record: consumer wearables and app exports of daily data start
#: well after it, while earlier dates are spreadsheet epochs (Excel's 1900, Unix's 1970).
FIRST_DAY = pd.Timestamp("2000-01-01")
#: Days a record may be dated after today (the machine's local date): a person who travelled
#: east of this machine's time zone can be a day ahead.
FUTURE_SLACK_DAYS = 1
#: How many rows (or lines, or days) a note names before saying "and N more".
MAX_POSITIONS = 5


def range_of(variable: str) -> PlausibleRange:
    """The plausible range of a canonical variable; :data:`ANY_NUMBER` for any other name."""
    return RANGES.get(variable, ANY_NUMBER)


def date_window(
    export_day: date | pd.Timestamp | str | None = None, *, today: date | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last plausible day of an export's records.

    Parameters
    ----------
    export_day : the export's own date (Apple's ``ExportDate``); None when the format has none.
        A date after ``today`` (plus a day's slack) is not believed.
    today : the local date now (default: the machine's).

    Returns
    -------
    first, last : midnight timestamps, both inclusive: :data:`FIRST_DAY` and the export day, or
        today plus :data:`FUTURE_SLACK_DAYS` when there is no export day.
    """
    latest = pd.Timestamp(today or date.today()) + pd.Timedelta(days=FUTURE_SLACK_DAYS)
    if export_day is not None and str(export_day):
        exported = pd.Timestamp(str(export_day)[:10])
        if not pd.isna(exported):
            latest = min(latest, exported.normalize())
    return FIRST_DAY, latest.normalize()


def implausible(variable: str, value: float) -> tuple[str, str] | None:
    """What is wrong with one value of ``variable`` and why, or None when it is plausible.

    For readers that meet values one at a time (a stream of records); :meth:`ValueNotes.screen`
    does the same for arrays and also clamps known rounding.

    Returns
    -------
    (problem, reason) : e.g. ``("negative", "plausible: 0 to 150,000 steps; …")``.
    """
    bounds = range_of(variable)
    if bounds.low <= value <= bounds.high:
        return None
    if math.isnan(value) or math.isinf(value):
        return "not a finite number", ""
    if value > bounds.high:
        problem = f"above {_shown(bounds.high)}"
    else:
        problem = "negative" if value < 0 <= bounds.low else f"below {_shown(bounds.low)}"
    return problem, _range_reason(bounds)


@dataclass
class _Group:
    """Findings of one kind in one file and column: how many, where the first were, the values."""

    count: int = 0
    positions: list[int | str] = field(default_factory=list)
    low: float | str | None = None
    high: float | str | None = None

    def add(self, positions: Sequence[int | str], values: Sequence[float | str]) -> None:
        self.count += len(positions)
        room = MAX_POSITIONS - len(self.positions)
        self.positions.extend(list(positions[:room]) if room > 0 else [])
        if len(values):
            low, high = min(values), max(values)
            self.low = low if self.low is None else min(self.low, low)
            self.high = high if self.high is None else max(self.high, high)


@dataclass(frozen=True)
class _Key:
    file: str
    noun: str  # "value of 'Recovery score %'" or "record"
    problem: str  # "above 100", "not a finite number", "dated after the export date 2019-06-17"
    action: str  # "left out" or "clamped to 100"
    reason: str
    where: str  # "row", "line" or "day"


class ValueNotes:
    """Collects what readers left out or clamped, and says it in a few plain lines.

    Findings of the same kind (file, column, problem, what was done) are counted together and
    become one line naming the first :data:`MAX_POSITIONS` rows, lines or days.
    """

    def __init__(self) -> None:
        self._groups: dict[_Key, _Group] = {}

    def __len__(self) -> int:
        """How many values and records were left out or clamped."""
        return sum(g.count for g in self._groups.values())

    def add(
        self,
        file: str,
        positions: Sequence[int | str],
        *,
        problem: str,
        action: str = "left out",
        column: str | None = None,
        values: Sequence[float | str] = (),
        reason: str = "",
        where: str = "row",
    ) -> None:
        """Note values (``column`` given) or whole records (no column) that were left out.

        Parameters
        ----------
        file : the file's name as the person knows it.
        positions : row numbers as counted in the file (header = row 1), line numbers, or days.
        problem : what is wrong, e.g. ``above 100``, ``dated before 2000-01-01``.
        action : ``left out`` or ``clamped to 100``.
        column : the column (header as written) when single values were left out.
        values : the values themselves (their smallest and largest are reported for dates).
        reason : why the bound is where it is, or what the format is known to do.
        where : what ``positions`` count: ``row``, ``line`` or ``day``.
        """
        if not len(positions):
            return
        noun = f"value of {column!r}" if column is not None else "record"
        key = _Key(file, noun, problem, action, reason, where)
        self._groups.setdefault(key, _Group()).add(positions, values)

    def screen(
        self,
        values: np.ndarray | pd.Series,
        *,
        variable: str,
        file: str,
        column: str,
        positions: Sequence[int | str] | np.ndarray | pd.Index,
        fmt: str = "",
        where: str = "row",
    ) -> np.ndarray:
        """``values`` with the implausible ones left out (NaN) or clamped, each one noted.

        Parameters
        ----------
        values : shape (n,), float; NaN is missing and stays missing.
        variable : the canonical variable (its :func:`range_of` applies).
        file, column : where the values come from, for the notes.
        positions : shape (n,), the row number (or line, or day) of each value.
        fmt : the format, for :data:`ROUNDING`.
        where : what ``positions`` count.

        Returns
        -------
        ndarray, shape (n,), float64: the plausible values, NaN where a value was left out.
        """
        out = np.array(values, dtype=np.float64, copy=True)
        bounds = range_of(variable)
        rounding = ROUNDING.get((fmt, variable))
        slack = rounding.tolerance if rounding is not None else 0.0
        where_positions = np.asarray(positions)
        with np.errstate(invalid="ignore"):
            infinite = np.isinf(out)
            below = ~infinite & (out < bounds.low)
            above = ~infinite & (out > bounds.high)
            clamp_low = below & (out >= bounds.low - slack)
            clamp_high = above & (out <= bounds.high + slack)
        reason = _range_reason(bounds)
        low, high = _shown(bounds.low), _shown(bounds.high)
        negative = below & ~clamp_low & (out < 0) & (bounds.low >= 0)
        for mask, problem, action, why in (
            (infinite, "not a finite number", "left out", ""),
            (negative, "negative", "left out", reason),
            (below & ~clamp_low & ~negative, f"below {low}", "left out", reason),
            (above & ~clamp_high, f"above {high}", "left out", reason),
            (clamp_low, f"below {low}", f"clamped to {low}", _why(rounding)),
            (clamp_high, f"above {high}", f"clamped to {high}", _why(rounding)),
        ):
            if mask.any():
                self.add(
                    file,
                    where_positions[mask].tolist(),
                    problem=problem,
                    action=action,
                    column=column,
                    values=out[mask].tolist(),
                    reason=why,
                    where=where,
                )
        out[clamp_low] = bounds.low
        out[clamp_high] = bounds.high
        out[infinite | (below & ~clamp_low) | (above & ~clamp_high)] = np.nan
        return out

    def screen_days(
        self,
        days: pd.Series | pd.DatetimeIndex,
        *,
        file: str,
        positions: Sequence[int | str] | np.ndarray | pd.Index,
        window: tuple[pd.Timestamp, pd.Timestamp],
        column: str | None = None,
        after: str = "",
        where: str = "row",
    ) -> np.ndarray:
        """Which records are dated inside ``window``; those outside are noted as left out.

        Parameters
        ----------
        days : shape (n,), each record's day or time (NaT is no date and is kept: the reader
            decides about it).
        file : the file's name.
        positions : shape (n,), each record's row number (or line).
        window : first and last plausible day (:func:`date_window`), both inclusive.
        column : the date column, when only that value (not the record) is left out.
        after : what the last day is, for the note: ``the export date``; default ``today``.
        where : what ``positions`` count.

        Returns
        -------
        ndarray of bool, shape (n,): True where the record is kept.
        """
        stamps = pd.DatetimeIndex(days)
        day = stamps.normalize()
        first, last = window
        early = np.asarray(day < first)
        late = np.asarray(day > last)
        place = np.asarray(positions)
        shown = np.asarray(day.strftime("%Y-%m-%d"), dtype=object)
        last_name = f"{after} {last:%Y-%m-%d}" if after else "today"
        for mask, problem, reason in (
            (early, f"before {first:%Y-%m-%d}", "an Excel or Unix epoch date, not a real record"),
            (late, f"after {last_name}", "a record from the future"),
        ):
            if mask.any():
                self.add(
                    file,
                    place[mask].tolist(),
                    problem=f"dated {problem}",
                    column=column,
                    values=shown[mask].tolist(),
                    reason=reason,
                    where=where,
                )
        return ~(early | late)

    def lines(self) -> list[str]:
        """One plain line per kind of finding, in the order they were first met."""
        return [_line(key, group) for key, group in self._groups.items()]


def _range_reason(bounds: PlausibleRange) -> str:
    return f"plausible: {bounds.describe()}; {bounds.reason}"


def _why(rounding: Rounding | None) -> str:
    return rounding.reason if rounding is not None else ""


def _line(key: _Key, group: _Group) -> str:
    """``sleeps.csv: 2 values of 'X' above 100 clamped to 100 (rows 630, 631; WHOOP rounds…)``."""
    noun = key.noun if group.count == 1 else key.noun.replace("value", "values", 1)
    noun = noun if group.count == 1 or noun.startswith("values") else f"{noun}s"
    problem = key.problem
    if problem.startswith("dated ") and group.low is not None:
        dates = f"{group.low}" if group.low == group.high else f"{group.low} to {group.high}"
        problem = f"dated {dates}, {problem.removeprefix('dated ')},"
    shown = ", ".join(f"{p:,}" if isinstance(p, int) else str(p) for p in group.positions)
    more = group.count - len(group.positions)
    shown += f" and {more:,} more" if more > 0 else ""
    plural = "s" if group.count > 1 else ""
    where = f"{key.where}{plural} {shown}"
    details = f"{where}; {key.reason}" if key.reason else where
    return f"{key.file}: {group.count:,} {noun} {problem} {key.action} ({details})"


def screen_daily(
    daily: DailyData, *, file: str, window: tuple[pd.Timestamp, pd.Timestamp]
) -> DailyData:
    """A reader's finished daily table with implausible days and values left out, and noted.

    The last check, after a reader's own: a day's total of many plausible records can still be
    implausible, and a reader may not know a variable's range. Days outside ``window`` and values
    outside :func:`range_of` their column are left out; the notes are added to the warnings.

    Parameters
    ----------
    daily : the reader's table.
    file : the file (or export) it came from, for the notes.
    window : the first and last plausible day (:func:`date_window`).

    Returns
    -------
    DailyData
        ``daily`` itself when nothing was left out, else a copy without those days and values.
    """
    notes = ValueNotes()
    table = daily.table
    days = pd.Series(table.index.strftime("%Y-%m-%d"), index=table.index)
    keep = notes.screen_days(
        table.index, file=file, positions=days.tolist(), window=window, where="day"
    )
    values = {
        name: notes.screen(
            table[name].to_numpy(),
            variable=name,
            file=file,
            column=daily.registry[name].label,
            positions=days.tolist(),
            where="day",
        )
        for name in table.columns
    }
    if not len(notes):
        return daily
    screened = pd.DataFrame(values, index=table.index, columns=table.columns).loc[keep]
    return DailyData(screened, dict(daily.registry), [*daily.warnings, *notes.lines()])
