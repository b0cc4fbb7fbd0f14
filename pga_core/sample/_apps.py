"""The sample person's habit and mood apps: Loop Habit Tracker, Daylio and Bearable exports.

The person also ticks habits in Loop, rates their mood in Daylio and keeps a Bearable diary, all
driven by the same latent days as their journal and workouts (drinking, coffee, meditation,
workouts, water). Each ``*_export`` function gives the files the app writes — in the real
format, quirks included — and the daily table a correct reader gives from them. That table is
built from the simulated log itself (who logged what on which day), not by reading the files, so
it is an independent reference for the readers.

The exports use their own random stream (from the person's seed), so writing them never changes
the person or the other exports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable
from pga_core.sample._exports import ZIP_MEMBER_TIME, _zip
from pga_core.sample._formats import (
    BEARABLE_COLUMNS,
    DAYLIO_COLUMNS,
    DAYLIO_COLUMNS_12H,
    DAYLIO_COLUMNS_OLDEST,
    LOOP_HABITS_COLUMNS,
    LOOP_HABITS_COLUMNS_OLD,
)

if TYPE_CHECKING:
    from pga_core.sample._person import SamplePerson

__all__ = [
    "AppExport",
    "bearable_export",
    "daylio_export",
    "loop_export",
    "write_app_exports",
]

#: Each app's random stream is ``default_rng([seed, stream])``; the person's own streams are
#: spawned from ``default_rng(seed)`` and never meet these.
LOOP_STREAM, DAYLIO_STREAM, BEARABLE_STREAM = 101, 102, 103
#: Days the person opens each app, and how often they mark a day ✗ in Loop.
LOOP_OPENED_CHANCE, LOOP_CROSS_CHANCE = 0.9, 0.5
DAYLIO_LOGGED_CHANCE, BEARABLE_LOGGED_CHANCE = 0.85, 0.8
#: Loop stores numerical habits as value × this.
LOOP_NUMERIC_SCALE = 1000
#: Daylio: entries per logged day, the share of entries with the mood "tired" (a custom mood
#: with no score), and the day an activity added later ("sauna") is first used on.
DAYLIO_MAX_ENTRIES = 3
DAYLIO_TIRED_CHANCE = 0.05
DAYLIO_SAUNA_FROM_DAY, DAYLIO_SAUNA_CHANCE = 40, 0.2
DAYLIO_NOTE_CHANCE = 0.05

LoopVariant = Literal["current", "numeric_codes", "entry_cells"]
DaylioVariant = Literal["current", "twelve_hour", "oldest"]


@dataclass(frozen=True)
class AppExport:
    """One app's export: its files and the daily table a correct reader gives from them.

    Attributes
    ----------
    files : file path inside the export (``Checkmarks.csv``, ``001 Alcohol/Scores.csv``) or the
        file's own name → its bytes.
    daily : the daily table, with the readers' registry entries.
    """

    files: dict[str, bytes]
    daily: DailyData


def write_app_exports(person: SamplePerson, outdir: str | Path) -> dict[str, Path]:
    """Write the person's Loop, Daylio and Bearable exports under ``outdir``.

    Written: ``Loop Habits CSV <export day>.zip`` (the Loop export as the app shares it),
    ``daylio_export.csv`` and ``bearable-export-<DD-MM-YYYY>.csv``.

    Returns
    -------
    dict mapping each written file's name to its path.
    """
    root = Path(outdir)
    root.mkdir(parents=True, exist_ok=True)
    day = person.export_day
    member_time = (*day.timetuple()[:3], *ZIP_MEMBER_TIME)
    contents = {
        f"Loop Habits CSV {day:%Y-%m-%d}.zip": _zip(loop_export(person).files, member_time),
        **daylio_export(person).files,
        **bearable_export(person).files,
    }
    written = {}
    for name, data in contents.items():
        (root / name).write_bytes(data)
        written[name] = root / name
    return written


# --- Loop Habit Tracker ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _LoopHabit:
    """A habit in the person's Loop: its name, what drives it, its frequency and unit."""

    name: str
    question: str
    latent: str
    numerator: int = 1
    denominator: int = 1
    unit: str = ""
    crosses: bool = True  # whether the person marks the days they did not do it

    @property
    def numerical(self) -> bool:
        return bool(self.unit)


#: The person's habits, in Loop's order. Workouts are a "3 times a week" habit, so Loop fills
#: days in (``YES_AUTO``); water is a numerical habit in litres.
LOOP_HABITS = (
    _LoopHabit("Alcohol", "Did you drink alcohol today?", "have_any_alcoholic_drinks"),
    _LoopHabit("Meditate", "Did you meditate today?", "meditate"),
    _LoopHabit("Workout", "Did you work out today?", "workout", 3, 7, crosses=False),
    _LoopHabit("Water", "How much water did you drink?", "hydration_l", unit="L"),
)
_LOOP_COLORS = ("#D32F2F", "#7B1FA2", "#388E3C", "#0288D1")
YES_MANUAL, YES_AUTO, NO, UNKNOWN = 2, 1, 0, -1
_CODE_NAMES = {YES_MANUAL: "YES_MANUAL", YES_AUTO: "YES_AUTO", NO: "NO", UNKNOWN: "UNKNOWN"}


def loop_export(person: SamplePerson, *, variant: LoopVariant = "current") -> AppExport:
    """The person's Loop Habit Tracker export (the files of ``Loop Habits CSV <date>.zip``).

    Parameters
    ----------
    person : the sample person.
    variant : ``current`` — Loop 2: ``Habits.csv`` with ``Type`` and ``Unit``, the wide
        ``Checkmarks.csv`` with codes (``YES_MANUAL`` …) and a trailing comma, the per-habit
        folders, the score files; ``numeric_codes`` — an older export re-saved by a spreadsheet:
        the old ``Habits.csv`` header, codes as numbers (-1, 0, 1, 2), dates ``MM-DD-YY``, no
        trailing comma, no per-habit folders; ``entry_cells`` — the release that wrote every
        cell as ``Entry(timestamp=…, value=…)``.

    Returns
    -------
    AppExport
        ``daily``: per habit, 1.0 on days checked, 0.0 on days marked ✗, missing otherwise (days
        Loop filled in included); water in litres on the days it was logged.
    """
    rng = np.random.default_rng([person.seed, LOOP_STREAM])
    days = person.latent.index[:-1]  # the export is taken on the last morning, before logging
    opened = rng.random(len(days)) < LOOP_OPENED_CHANCE
    codes = {
        h.name: _loop_codes(rng, person.latent.loc[days, h.latent], opened, h) for h in LOOP_HABITS
    }
    first = min(c.index[c.ne(UNKNOWN)].min() for c in codes.values())
    export_day = person.export_day
    span = pd.date_range(first, export_day, freq="D")[
        ::-1
    ]  # newest first, down to the oldest entry
    grid = pd.DataFrame({n: c.reindex(span, fill_value=UNKNOWN) for n, c in codes.items()})
    files: dict[str, bytes] = {}
    new_habits = variant != "numeric_codes"
    files["Habits.csv"] = _loop_habits_csv(
        LOOP_HABITS_COLUMNS if new_habits else LOOP_HABITS_COLUMNS_OLD
    )
    if variant == "current":
        for position, habit in enumerate(LOOP_HABITS, start=1):
            folder = f"{position:03d} {habit.name}"
            files[f"{folder}/Scores.csv"] = _loop_habit_scores(grid[habit.name], habit)
            files[f"{folder}/Checkmarks.csv"] = _loop_habit_checkmarks(grid[habit.name], habit)
        files["Scores.csv"] = _loop_wide(
            {h.name: _scores(grid[h.name], h).map("{:.4f}".format) for h in LOOP_HABITS}, span
        )
    cells = {
        h.name: grid[h.name].map(lambda v, h=h: _loop_cell(v, h, variant)) for h in LOOP_HABITS
    }
    if variant == "entry_cells":
        cells = {
            n: pd.Series(
                [f"Entry(timestamp={d:%Y-%m-%d}, value={int(v)})" for d, v in grid[n].items()],
                index=span,
            )
            for n in cells
        }
    trailing = variant != "numeric_codes"
    dates = "%m-%d-%y" if variant == "numeric_codes" else "%Y-%m-%d"
    files["Checkmarks.csv"] = _loop_wide(cells, span, trailing=trailing, dates=dates)
    return AppExport(files, _loop_daily(grid, units=new_habits))


def _loop_codes(
    rng: np.random.Generator, done: pd.Series, opened: np.ndarray, habit: _LoopHabit
) -> pd.Series:
    """What Loop stores for one habit, day by day: codes, or value × 1000 for a number."""
    if habit.numerical:
        stored = np.round(done.to_numpy(dtype=float) * LOOP_NUMERIC_SCALE).astype(int)
        return pd.Series(np.where(opened, stored, UNKNOWN), index=done.index)
    did = done.to_numpy(dtype=bool)
    crossed = habit.crosses & (rng.random(len(did)) < LOOP_CROSS_CHANCE)
    codes = np.where(opened & did, YES_MANUAL, np.where(opened & crossed, NO, UNKNOWN))
    series = pd.Series(codes, index=done.index)
    if habit.denominator > 1:
        series[_auto_days(series, habit)] = YES_AUTO
    return series


def _auto_days(codes: pd.Series, habit: _LoopHabit) -> pd.DatetimeIndex:
    """Days Loop fills in from the frequency: for every ``numerator`` checks within
    ``denominator`` days, the ``denominator`` days from the oldest of them (Loop's intervals,
    without its sliding them together), except checked days."""
    checks = codes.index[codes.eq(YES_MANUAL)][::-1]  # newest first, as Loop walks them
    span = pd.Timedelta(days=habit.denominator)
    filled = pd.DatetimeIndex([])
    for i in range(habit.numerator - 1, len(checks)):
        begin, center = checks[i], checks[i - habit.numerator + 1]
        if center - begin < span:
            filled = filled.union(pd.date_range(begin, begin + span - pd.Timedelta(days=1)))
    filled = filled[filled.isin(codes.index)]
    return filled[~codes[filled].eq(YES_MANUAL).to_numpy()]


def _loop_cell(value: int, habit: _LoopHabit, variant: LoopVariant) -> str:
    """A cell as ``Entry.formattedValue`` writes it (or the older numbers)."""
    if variant == "numeric_codes":
        return str(value)
    if habit.numerical and value not in _CODE_NAMES:
        return str(value)
    return _CODE_NAMES[value]


def _loop_wide(
    cells: dict[str, pd.Series],
    span: pd.DatetimeIndex,
    *,
    trailing: bool = True,
    dates: str = "%Y-%m-%d",
) -> bytes:
    """A wide file: ``Date``, one column per habit, a delimiter after every cell."""
    end = "," if trailing else ""
    lines = [",".join(["Date", *cells]) + end]
    columns = [s.reindex(span).to_numpy() for s in cells.values()]
    for i, day in enumerate(span):
        lines.append(",".join([day.strftime(dates), *(str(c[i]) for c in columns)]) + end)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _loop_habits_csv(columns: tuple[str, ...]) -> bytes:
    """``Habits.csv`` with Loop 2's header or the older one."""
    rows = [",".join(columns)]
    for position, (habit, color) in enumerate(zip(LOOP_HABITS, _LOOP_COLORS, strict=True), 1):
        if columns == LOOP_HABITS_COLUMNS:
            kind = "NUMERICAL" if habit.numerical else "YES_NO"
            target = ("AT_LEAST", "2.5") if habit.numerical else ("", "")
            cells = [f"{position:03d}", habit.name, kind, habit.question, "",
                     str(habit.numerator), str(habit.denominator), color, habit.unit, *target,
                     "false"]  # fmt: skip
        else:
            cells = [f"{position:03d}", habit.name, habit.question, "", str(habit.numerator),
                     str(habit.denominator), color]  # fmt: skip
        rows.append(",".join(cells))
    return ("\n".join(rows) + "\n").encode("utf-8")


def _loop_habit_checkmarks(codes: pd.Series, habit: _LoopHabit) -> bytes:
    """One habit's ``Checkmarks.csv``: ``Date,Value,Notes``, the known entries, newest first."""
    known = codes[codes.ne(UNKNOWN)]
    lines = ["Date,Value,Notes"]
    lines += [f"{d:%Y-%m-%d},{_loop_cell(int(v), habit, 'current')}," for d, v in known.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _scores(codes: pd.Series, habit: _LoopHabit) -> pd.Series:
    """A habit-strength score from 0 to 1 (a smoothed share of days done), newest first."""
    done = (
        codes.iloc[::-1].isin([YES_MANUAL, YES_AUTO])
        if not habit.numerical
        else codes.iloc[::-1] > 0
    )
    return done.astype(float).ewm(halflife=13.0).mean().iloc[::-1]


def _loop_habit_scores(codes: pd.Series, habit: _LoopHabit) -> bytes:
    lines = ["Date,Score"] + [f"{d:%Y-%m-%d},{s:.4f}" for d, s in _scores(codes, habit).items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _loop_daily(grid: pd.DataFrame, *, units: bool) -> DailyData:
    """The reader's rules, from the stored codes: checks yes, ✗ no, water in litres (its unit
    known from ``Habits.csv`` when it has Loop 2's ``Unit`` column)."""
    columns, registry = {}, {}
    for habit in LOOP_HABITS:
        codes = grid[habit.name]
        name = habit.name.lower()
        if habit.numerical:
            values = codes.where(codes.ne(UNKNOWN)) / LOOP_NUMERIC_SCALE
            unit = habit.unit if units else ""
            registry[name] = Variable(name, habit.name, unit, "habit", "loop", None, (), "sum")
        else:
            values = codes.map({YES_MANUAL: 1.0, NO: 0.0})
            registry[name] = Variable(name, habit.name, "", "behaviour", "loop", None, (), "any")
        columns[name] = values.astype(float)
    table = pd.DataFrame(columns).sort_index().dropna(how="all")
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, registry)


# --- Daylio ---------------------------------------------------------------------------------------
#: The person's moods (Daylio's five, "meh" renamed "okay") by score, plus a custom "tired".
DAYLIO_MOODS = {5: "rad", 4: "good", 3: "okay", 2: "bad", 1: "awful"}
#: The same moods in the oldest, Polish export (the plain Polish words for the five steps).
DAYLIO_MOODS_POLISH = {5: "super", 4: "dobrze", 3: "tak sobie", 2: "źle", 1: "okropnie"}
DAYLIO_CUSTOM_MOOD = "tired"
#: Activities and the latent behaviour behind each.
DAYLIO_ACTIVITIES = {
    "drinks": "have_any_alcoholic_drinks",
    "coffee": "have_any_caffeine",
    "meditation": "meditate",
    "workout": "workout",
}
POLISH_MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca",
                 "sierpnia", "września", "października", "listopada", "grudnia")  # fmt: skip
POLISH_WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota",
                   "niedziela")  # fmt: skip
_DAYLIO_NOTES = ('Long day, "busy"', "Walk in the park\nthen dinner")
#: Recovery (%) → mood score: a good morning, a good mood.
_MOOD_PER_RECOVERY = 1 / 25.0


def daylio_export(person: SamplePerson, *, variant: DaylioVariant = "current") -> AppExport:
    """The person's Daylio export (``daylio_export.csv``).

    Parameters
    ----------
    person : the sample person.
    variant : the header generation: ``current`` (``…,note_title,note``, 24-hour times),
        ``twelve_hour`` (no ``note_title``, times such as ``3:26 PM``) or ``oldest`` (``year``
        and a Polish day and month, Polish moods, some rows without their empty last note).

    Returns
    -------
    AppExport
        ``daily``: ``mood`` (mean score of the day's entries; "tired" has none) and one yes/no
        behaviour per activity (no on other logged days from its first use on).
    """
    rng = np.random.default_rng([person.seed, DAYLIO_STREAM])
    latent = person.latent.iloc[:-1]
    entries = _daylio_entries(rng, latent)
    moods = DAYLIO_MOODS_POLISH if variant == "oldest" else DAYLIO_MOODS
    lines = [",".join(_daylio_header(variant))]
    for row in entries.itertuples():
        mood = DAYLIO_CUSTOM_MOOD if row.score == 0 else moods[row.score]
        activities = _quoted(" | ".join(row.activities))
        if variant == "oldest":
            day = f"{row.day.day} {POLISH_MONTHS[row.day.month - 1]}"
            cells = [str(row.day.year), day, POLISH_WEEKDAYS[row.day.weekday()], row.clock, mood,
                     activities, _quoted(row.note)]  # fmt: skip
            if not row.note and row.Index % 7 == 0:
                cells = cells[:-1]  # the oldest exports sometimes leave out an empty last note
        else:
            clock = row.clock if variant == "current" else _twelve_hour(row.clock)
            head = [f"{row.day:%Y-%m-%d}", f"{row.day:%B} {row.day.day}", f"{row.day:%A}", clock,
                    mood, activities]  # fmt: skip
            title = (
                [_quoted(row.note.split(",")[0] if row.note else "")]
                if variant == "current"
                else []
            )
            cells = [*head, *title, _quoted(row.note)]
        lines.append(",".join(cells))
    files = {"daylio_export.csv": ("\n".join(lines) + "\n").encode("utf-8")}
    return AppExport(files, _daylio_daily(entries))


def _daylio_header(variant: DaylioVariant) -> tuple[str, ...]:
    return {"current": DAYLIO_COLUMNS, "twelve_hour": DAYLIO_COLUMNS_12H,
            "oldest": DAYLIO_COLUMNS_OLDEST}[variant]  # fmt: skip


def _daylio_entries(rng: np.random.Generator, latent: pd.DataFrame) -> pd.DataFrame:
    """One row per entry, newest first: day, clock time, score (0: "tired"), activities, note."""
    rows = []
    for position, (day, values) in enumerate(latent.iterrows()):
        if rng.random() >= DAYLIO_LOGGED_CHANCE:
            continue
        count = int(rng.integers(1, DAYLIO_MAX_ENTRIES + 1))
        minutes = np.sort(rng.choice(np.arange(6 * 60, 24 * 60), count, replace=False))
        base = 1 + values["recovery_score"] * _MOOD_PER_RECOVERY
        scores = np.clip(np.round(base + rng.normal(0, 0.7, count)), 1, 5).astype(int)
        scores[rng.random(count) < DAYLIO_TIRED_CHANCE] = 0
        activities = [a for a, latent_name in DAYLIO_ACTIVITIES.items() if values[latent_name]]
        if position >= DAYLIO_SAUNA_FROM_DAY and rng.random() < DAYLIO_SAUNA_CHANCE:
            activities.append("sauna")
        holder = rng.integers(0, count, len(activities))
        for i in range(count):
            note = (
                _DAYLIO_NOTES[int(rng.integers(0, 2))] if rng.random() < DAYLIO_NOTE_CHANCE else ""
            )
            rows.append(
                {
                    "day": day,
                    "clock": f"{minutes[i] // 60}:{minutes[i] % 60:02d}",
                    "score": int(scores[i]),
                    "activities": tuple(
                        a for a, h in zip(activities, holder, strict=True) if h == i
                    ),
                    "note": note,
                }
            )
    entries = pd.DataFrame(rows)
    return entries.iloc[::-1].reset_index(drop=True)  # newest first


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _twelve_hour(clock: str) -> str:
    hour, minute = map(int, clock.split(":"))
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _daylio_daily(entries: pd.DataFrame) -> DailyData:
    """Mood: the mean of scored entries; activities: yes on listed days, no on other logged days
    from the first use on."""
    scored = entries.loc[entries["score"] > 0]
    columns = {"mood": scored.groupby("day")["score"].mean().astype(float)}
    registry = {
        "mood": Variable("mood", "Mood (Daylio)", "1–5", "metric", "daylio", True, (), "mean")
    }
    logged = pd.DatetimeIndex(sorted(entries["day"].unique()))
    for activity in sorted({a for acts in entries["activities"] for a in acts}):
        yes = pd.DatetimeIndex(
            sorted(
                {
                    d
                    for d, acts in zip(entries["day"], entries["activities"], strict=True)
                    if activity in acts
                }
            )
        )
        days = logged[logged >= yes.min()]
        columns[activity] = pd.Series(days.isin(yes).astype(float), index=days)
        registry[activity] = Variable(
            activity, activity, "", "behaviour", "daylio", None, (), "any"
        )
    table = pd.DataFrame(columns).sort_index().dropna(how="all")
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, registry)


# --- Bearable -------------------------------------------------------------------------------------
#: Factors by Bearable category, and the latent behaviour behind each.
BEARABLE_FACTORS = {
    "Factors": {"Alcohol": "have_any_alcoholic_drinks", "Meditation": "meditate",
                "Workout": "workout"},
    "Food Diary factors": {"Caffeine": "have_any_caffeine", "Protein": "consumed_protein"},
}  # fmt: skip
#: Supplements: label (with unit), latent behaviour, dose.
BEARABLE_MEDS = (
    ("Creatine (g)", "take_creatine", 5.0),
    ("Magnesium (mg)", "take_magnesium", 200.0),
)
BEARABLE_BUCKETS = ("pre", "am", "mid", "pm", "all day")
BEARABLE_EMOTIONS = ("Calm", "Meh", "Anxious", "Happy", "Tired")
BEARABLE_SYMPTOM_CHANCE, BEARABLE_HEADACHE_CHANCE, BEARABLE_GRATITUDE_CHANCE = 0.5, 0.2, 0.1
BEARABLE_SEVERITIES = ("Mild", "Moderate", "Severe")


def bearable_export(person: SamplePerson) -> AppExport:
    """The person's Bearable export (``bearable-export-DD-MM-YYYY.csv``, every cell quoted).

    Returns
    -------
    AppExport
        ``daily``: ``bearable_mood`` and ``bearable_energy`` (daily means), ``symptom_stress``
        and ``symptom_headache`` (worst severity of the day), one behaviour per factor,
        ``dose_creatine`` and ``dose_magnesium``; a symptom, factor or supplement not listed on
        a day its category was logged is 0 there, from its first day on.
    """
    rng = np.random.default_rng([person.seed, BEARABLE_STREAM])
    latent = person.latent.iloc[:-1]
    items = _bearable_items(rng, latent)
    lines = [",".join(BEARABLE_COLUMNS)]
    for row in items.itertuples():
        cells = [
            _ordinal_day(row.day),
            f"{row.day:%A}",
            row.time,
            row.category,
            row.amount,
            row.detail,
            "",
        ]
        lines.append(",".join(_quoted(c) for c in cells))
    name = f"bearable-export-{person.export_day:%d-%m-%Y}.csv"
    return AppExport({name: ("\n".join(lines) + "\n").encode("utf-8")}, _bearable_daily(items))


def _bearable_items(rng: np.random.Generator, latent: pd.DataFrame) -> pd.DataFrame:
    """One row per logged item, oldest day first and in no order within a day."""
    rows = []
    for day, values in latent.iterrows():
        if rng.random() >= BEARABLE_LOGGED_CHANCE:
            continue
        day_rows: list[tuple[str, str, str, str, float]] = []
        for _ in range(int(rng.integers(1, 3))):
            mood = int(np.clip(round(2 + values["recovery_score"] / 12 + rng.normal(0, 1)), 1, 10))
            emotions = " | ".join(
                rng.choice(BEARABLE_EMOTIONS, int(rng.integers(1, 3)), replace=False)
            )
            day_rows.append(("Mood", _clock(rng), str(mood), emotions, mood))
        energy = int(np.clip(round(values["recovery_score"] / 25 + 1 + rng.normal(0, 0.5)), 1, 5))
        day_rows.append(("Energy", _bucket(rng), str(energy), "", energy))
        if rng.random() < BEARABLE_SYMPTOM_CHANCE:
            symptoms = [("Stress", int(rng.integers(1, 4)))]
            if rng.random() < BEARABLE_HEADACHE_CHANCE:
                symptoms.append(("Headache", int(rng.integers(1, 3))))
            for symptom, severity in symptoms:
                label = f"{symptom} ({BEARABLE_SEVERITIES[severity - 1]})"
                day_rows.append(("Symptom", _bucket(rng), str(severity), label, severity))
        for category, factors in BEARABLE_FACTORS.items():
            listed = [f for f, latent_name in factors.items() if values[latent_name]]
            if listed:
                day_rows.append((category, "all day", "", " | ".join(listed), math.nan))
        for label, latent_name, dose in BEARABLE_MEDS:
            if values[latent_name]:
                day_rows.append(
                    ("Meds/Supplements", _clock(rng, padded=False), f"{dose:g}", label, dose)
                )
        if rng.random() < BEARABLE_GRATITUDE_CHANCE:
            day_rows.append(("Gratitudes", _clock(rng), "", "a walk outside", math.nan))
        for i in rng.permutation(len(day_rows)):
            category, time, amount, detail, number = day_rows[i]
            rows.append({"day": day, "category": category, "time": time, "amount": amount,
                         "detail": detail, "number": number})  # fmt: skip
    return pd.DataFrame(rows)


def _clock(rng: np.random.Generator, *, padded: bool = True) -> str:
    minutes = int(rng.integers(0, 24 * 60))
    hour = f"{minutes // 60:02d}" if padded else str(minutes // 60)
    return f"{hour}:{minutes % 60:02d}"


def _bucket(rng: np.random.Generator) -> str:
    return str(BEARABLE_BUCKETS[int(rng.integers(0, len(BEARABLE_BUCKETS)))])


def _ordinal_day(day: pd.Timestamp) -> str:
    """``22nd Sep 2020``, as Bearable writes a date."""
    suffix = (
        "th" if 11 <= day.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    )
    return f"{day.day}{suffix} {day:%b %Y}"


def _bearable_daily(items: pd.DataFrame) -> DailyData:
    """Means of mood and energy; symptoms, factors and doses with 0 on the days their category
    was logged without them (from each one's first day on)."""
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    rated_categories = (
        ("Mood", "bearable_mood", "Mood (Bearable)", "1–10"),
        ("Energy", "bearable_energy", "Energy (Bearable)", ""),
    )
    for category, name, label, unit in rated_categories:
        rated = items.loc[items["category"] == category]
        columns[name] = rated.groupby("day")["number"].mean()
        registry[name] = Variable(name, label, unit, "metric", "bearable", True, (), "mean")
    listed: list[tuple[str, str, pd.Timestamp, float, Variable]] = []
    for row in items.itertuples():
        if row.category == "Symptom":
            symptom = row.detail.split(" (")[0]
            name = f"symptom_{symptom.lower()}"
            variable = Variable(
                name, f"{symptom} (symptom)", "0–3", "metric", "bearable", False, (), "max"
            )
            listed.append((row.category, name, row.day, row.number, variable))
        elif row.category in BEARABLE_FACTORS:
            for factor in row.detail.split(" | "):
                variable = Variable(
                    factor.lower(), factor, "", "behaviour", "bearable", None, (), "any"
                )
                listed.append((row.category, factor.lower(), row.day, 1.0, variable))
        elif row.category == "Meds/Supplements":
            med, unit = row.detail[:-1].split(" (")
            name = f"dose_{med.lower()}"
            variable = Variable(name, med, unit, "habit", "bearable", None, (), "sum")
            listed.append((row.category, name, row.day, row.number, variable))
    frame = pd.DataFrame(listed, columns=["category", "name", "day", "value", "variable"])
    for name in sorted(frame["name"].unique()):
        rows = frame.loc[frame["name"] == name]
        how = "sum" if name.startswith("dose_") else "max"
        per_day = rows.groupby("day")["value"].agg(how)
        logged = pd.DatetimeIndex(
            sorted(set(frame.loc[frame["category"].isin(rows["category"]), "day"]))
        )
        zero_days = logged[(logged >= per_day.index.min()) & ~logged.isin(per_day.index)]
        columns[name] = pd.concat([per_day, pd.Series(0.0, index=zero_days)]).sort_index()
        registry[name] = rows["variable"].iloc[0]
    table = pd.DataFrame(columns).sort_index().dropna(how="all")
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, registry)
