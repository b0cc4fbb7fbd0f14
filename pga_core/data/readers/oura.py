"""Oura reader: the legacy trends CSV and the newer App Data CSVs → DailyData.

Files
-----
- Legacy trends CSV: first column ``date``, then headers such as ``Sleep Score``, ``Total Sleep
  Time``, ``Average Resting Heart Rate``, ``Average HRV``, ``Readiness Score``, ``Activity Score``,
  ``Steps``. Durations are seconds (turned into minutes). A header that appears twice keeps its
  first column, with a warning.
- App Data CSVs (``App Data/`` in the newer export, names possibly with a date-range suffix such as
  ``dailysleep_2024-01-01_2024-12-31.csv``; ``;`` or ``,`` as delimiter): ``dailyreadiness``,
  ``dailysleep``, ``dailyactivity``, ``sleepmodel`` (one row per sleep period), ``workout`` and
  ``enhancedtag``. The JSON ``contributors`` cells are 1–100 sub-scores that make up the score
  itself (circular with it) and are not read.

Values outside their plausible range (scores above 100, ``inf``, a negative HRV) and rows dated
before 2000 or after today are left out, each noted with its file, row and column.

Headers are matched leniently (case, spacing, punctuation, accents); the warnings say which
columns were recognised and which were not used. These formats are described in public code, not
checked in real files: recognise what is there, and say so. Files are read through the readers'
one text and CSV layer (encodings, separators, size limits, rows that do not fit the header).

Which day a value describes
---------------------------
- Activity (steps, active energy, activity score) and workouts: the day they happened (``date`` /
  ``day``; a workout's ``start_datetime``).
- Sleep, readiness, resting heart rate, HRV, temperature and breathing: the wake-up morning. A
  sleep period (``sleepmodel``) is dated by the local date of its ``bedtime_end``; a day with
  several periods keeps its ``long_sleep`` (else its longest period) — naps are not added. For the
  legacy file and for ``dailysleep``/``dailyreadiness``, whose date may name the evening the night
  began (Oura's older convention) or the morning it ended, the shift is measured from the
  bedtimes in the same export (the most common difference between the bedtime's end date and the
  row's date) and applied to every row; without bedtimes the date is taken as the morning
  (legacy: the evening, Oura's documented v1 convention) and a warning says so.

Tags (``enhancedtag.csv``) become yes/no behaviours
---------------------------------------------------
Each tag (``tag_type_code`` such as ``tag_generic_alcohol`` → ``tag_alcohol``, or
``custom_tag_name``) is a behaviour column. A day with the tag (its ``start_day``, through its
``end_day``) is yes (1.0). A day is **no** (0.0) only if, between the tag's first and last use, the
person logged at least one *other* tag that day: they were tagging, and this one was not among
them. Every other day is unknown (NaN): a day without any tag says nothing about drinking, and
before a tag's first use a person may not have been tracking it at all. A person who never uses
any other tag therefore has no "no" days and gets "not enough data" rather than a made-up
contrast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Variable, merge_daily, slugify
from pga_core.data.readers._files import ExportFile, head_rows, header_key, read_csv_file
from pga_core.data.readers._plausible import ValueNotes, date_window

__all__ = ["FORMAT", "claims", "read"]

FORMAT = "oura"

SECONDS_PER_MINUTE = 60.0
#: A tag spanning more days than this is cut to its first days (a stray end date, not a month).
MAX_TAG_SPAN_DAYS = 31
#: Legacy rows date the night by the evening it began (Oura's v1 ``summary_date``).
LEGACY_DEFAULT_NIGHT_SHIFT = 1
_DATE_PREFIX = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_APP_DATA_NAME = re.compile(
    r"^(dailyreadiness|dailysleep|dailyactivity|sleepmodel|workout|enhancedtag)"
    r"(?:[_\-\s].*)?\.csv$"
)


def _var(name: str, label: str, unit: str, better: bool | None = None, **kw: object) -> Variable:
    return Variable(name, label, unit, source=FORMAT, higher_is_better=better, **kw)  # type: ignore[arg-type]


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        _var("readiness_score", "Readiness score", "score", True, components=(
            "sleep_score", "asleep_min", "resting_hr", "hrv_rmssd", "temperature_deviation",
            "activity_score", "steps")),
        _var("sleep_score", "Sleep score", "score", True, components=(
            "asleep_min", "rem_sleep_min", "deep_sleep_min", "sleep_efficiency",
            "sleep_latency_min")),
        _var("activity_score", "Activity score", "score", True,
             components=("steps", "active_energy")),
        _var("resting_hr", "Resting heart rate (night average)", "bpm", False),
        _var("lowest_resting_hr", "Lowest heart rate at night", "bpm", False),
        _var("hrv_rmssd", "Heart rate variability (RMSSD)", "ms", True),
        _var("asleep_min", "Time asleep", "min", True),
        _var("in_bed_min", "Time in bed", "min"),
        _var("awake_min", "Awake time in bed", "min", False),
        _var("rem_sleep_min", "REM sleep", "min"),
        _var("deep_sleep_min", "Deep sleep", "min"),
        _var("light_sleep_min", "Light sleep", "min"),
        _var("sleep_efficiency", "Sleep efficiency", "%", True),
        _var("sleep_latency_min", "Time to fall asleep", "min"),
        _var("respiratory_rate", "Respiratory rate", "rpm"),
        _var("temperature_deviation", "Temperature deviation", "°C"),
        _var("steps", "Steps", "steps", True, kind="habit", aggregation="sum"),
        _var("active_energy", "Active energy", "kcal", aggregation="sum"),
        _var("workout_min", "Workout time", "min", True, kind="habit", aggregation="sum"),
        _var("workout_count", "Workouts", "workouts", kind="habit", aggregation="sum"),
        _var("workout_energy", "Workout energy", "kcal", aggregation="sum"),
    )
}  # fmt: skip
#: Variables dated by the wake-up morning.
NIGHT_VARIABLES = frozenset(
    {
        "readiness_score", "sleep_score", "resting_hr", "lowest_resting_hr", "hrv_rmssd",
        "asleep_min", "in_bed_min", "awake_min", "rem_sleep_min", "deep_sleep_min",
        "light_sleep_min", "sleep_efficiency", "sleep_latency_min", "respiratory_rate",
        "temperature_deviation",
    }
)  # fmt: skip

_S = 1 / SECONDS_PER_MINUTE  # seconds → minutes
#: Legacy trends header (as :func:`~pga_core.data.readers._files.header_key` gives it) →
#: (variable, factor).
LEGACY_COLUMNS: dict[str, tuple[str, float]] = {
    "sleep_score": ("sleep_score", 1.0),
    "total_sleep_time": ("asleep_min", _S),
    "total_bedtime": ("in_bed_min", _S),
    "awake_time": ("awake_min", _S),
    "rem_sleep_time": ("rem_sleep_min", _S),
    "deep_sleep_time": ("deep_sleep_min", _S),
    "light_sleep_time": ("light_sleep_min", _S),
    "sleep_efficiency": ("sleep_efficiency", 1.0),
    "sleep_latency": ("sleep_latency_min", _S),
    "average_resting_heart_rate": ("resting_hr", 1.0),
    "lowest_resting_heart_rate": ("lowest_resting_hr", 1.0),
    "average_hrv": ("hrv_rmssd", 1.0),
    "temperature_deviation_c": ("temperature_deviation", 1.0),
    "temperature_deviation": ("temperature_deviation", 1.0),
    "respiratory_rate": ("respiratory_rate", 1.0),
    "readiness_score": ("readiness_score", 1.0),
    "activity_score": ("activity_score", 1.0),
    "steps": ("steps", 1.0),
    "activity_burn": ("active_energy", 1.0),
}
#: App Data file kind → {column: (variable, factor)}.
APP_DATA_COLUMNS: dict[str, dict[str, tuple[str, float]]] = {
    "dailyreadiness": {
        "score": ("readiness_score", 1.0),
        "temperature_deviation": ("temperature_deviation", 1.0),
    },
    "dailysleep": {"score": ("sleep_score", 1.0)},
    "dailyactivity": {
        "score": ("activity_score", 1.0),
        "steps": ("steps", 1.0),
        "active_calories": ("active_energy", 1.0),
    },
    "sleepmodel": {
        "total_sleep_duration": ("asleep_min", _S),
        "time_in_bed": ("in_bed_min", _S),
        "awake_time": ("awake_min", _S),
        "rem_sleep_duration": ("rem_sleep_min", _S),
        "deep_sleep_duration": ("deep_sleep_min", _S),
        "light_sleep_duration": ("light_sleep_min", _S),
        "efficiency": ("sleep_efficiency", 1.0),
        "latency": ("sleep_latency_min", _S),
        "average_heart_rate": ("resting_hr", 1.0),
        "lowest_heart_rate": ("lowest_resting_hr", 1.0),
        "average_hrv": ("hrv_rmssd", 1.0),
        "average_breath": ("respiratory_rate", 1.0),
    },
}
#: Columns a file of each App Data kind must have.
_REQUIRED: dict[str, tuple[frozenset[str], ...]] = {
    # any one of the alternatives
    "dailyreadiness": (frozenset({"day", "score"}),),
    "dailysleep": (frozenset({"day", "score"}),),
    "dailyactivity": (frozenset({"day", "steps"}), frozenset({"day", "score"})),
    "sleepmodel": (frozenset({"bedtime_end", "total_sleep_duration"}),),
    "workout": (frozenset({"start_datetime", "end_datetime"}),),
    "enhancedtag": (
        frozenset({"tag_type_code", "start_day"}),
        frozenset({"tag_type_code", "day"}),
        frozenset({"tag_type_code", "start_time"}),
    ),
}
#: A CSV whose first column is ``date`` is a legacy trends file when it has this many known
#: columns (a person's own daily log may well have ``steps``).
LEGACY_MIN_KNOWN = 2


def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is an Oura CSV: an App Data file by name and columns, or a trends CSV."""
    name = file.basename.lower()
    if not name.endswith(".csv"):
        return False
    rows = head_rows(file, head)
    header = [header_key(cell) for cell in rows[0]] if rows else []
    kind = _app_data_kind(name)
    if kind is not None:
        return any(required <= set(header) for required in _REQUIRED[kind])
    known = set(header) & set(LEGACY_COLUMNS)
    return bool(header) and header[0] == "date" and len(known) >= LEGACY_MIN_KNOWN


def read(files: list[ExportFile]) -> DailyData:
    """Read Oura CSVs (legacy trends and/or App Data) into one daily table.

    Parameters
    ----------
    files : the claimed files, from one or several exports.

    Returns
    -------
    DailyData
        Scores, sleep, heart, activity and workout columns (see :data:`VARIABLES`) and one
        ``tag_…`` behaviour per tag. Where an App Data file and a legacy file give the same
        variable on the same day, the App Data value is kept and the disagreement reported.

    Raises
    ------
    ValueError
        A required column is missing, or a date cell is not a date (naming file, row, column).
    """
    by_kind: dict[str, list[ExportFile]] = {}
    for file in sorted(files, key=lambda f: f.name):
        kind = _app_data_kind(file.basename.lower()) or "legacy"
        by_kind.setdefault(kind, []).append(file)
    screened = ValueNotes()
    parts = []
    if set(by_kind) - {"legacy"}:
        parts.append(_read_app_data(by_kind, screened))
    parts.extend(_read_legacy(file, screened) for file in by_kind.get("legacy", []))
    daily = merge_daily(parts)
    daily.warnings.extend(screened.lines())
    return daily


# --------------------------------------------------------------------------------------------
# CSV plumbing


@dataclass
class _Table:
    """One CSV as text cells, with normalised column names and its notes."""

    file: ExportFile
    #: str cells, "" when empty; columns are header keys; index: row numbers as counted in the file
    frame: pd.DataFrame
    notes: list[str]
    delimiter: str
    #: How the file was decoded (warnings that already name the file).
    decoding: list[str]
    #: Implausible values and dates left out (shared by all files of one read).
    screened: ValueNotes
    #: Column key → its header as written in the file.
    headers: dict[str, str]

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self.frame.columns]
        if missing:
            raise ValueError(
                f"{self.file.name}: no column {', '.join(repr(c) for c in missing)}; the file "
                f"has {', '.join(self.frame.columns)}"
            )

    def numbers(self, column: str) -> pd.Series:
        """A column as floats; cells that are not numbers become NaN with a note."""
        text = self.frame[column].str.strip()
        if self.delimiter != ",":  # decimal commas are possible where commas do not separate
            text = text.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
        values = pd.to_numeric(
            text.replace({"": None, "None": None, "null": None}), errors="coerce"
        )
        bad = values.isna() & text.ne("") & ~text.isin(["None", "null", "nan", "NaN"])
        if bad.any():
            self.notes.append(
                f"column {column!r}: {int(bad.sum())} cell(s) are not numbers (first on row "
                f"{bad.idxmax()}); left empty"
            )
        return values.astype(float)

    def values(self, column: str, variable: str, factor: float = 1.0) -> pd.Series:
        """A column as ``variable`` (its unit after ``factor``), implausible values left out."""
        values = self.numbers(column) * factor
        kept = self.screened.screen(
            values.to_numpy(),
            variable=variable,
            file=self.file.name,
            column=self.headers.get(column, column),
            positions=values.index,
            fmt=FORMAT,
        )
        return pd.Series(kept, index=values.index)

    def dates(self, column: str) -> pd.Series:
        """Local calendar dates from ISO cells (``2024-03-01`` or ``2024-03-01T23:10:00+01:00``)."""
        text = self.frame[column].str.strip()
        found = text.str.extract(_DATE_PREFIX, expand=False)
        parsed = pd.to_datetime(found, format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & text.ne("")
        if bad.any():
            row = bad.idxmax()
            raise ValueError(
                f"{self.file.name}: row {row}, column {column!r}: expected a date like "
                f"2024-03-01, got {text[row]!r}"
            )
        inside = self.screened.screen_days(
            parsed, file=self.file.name, positions=parsed.index, window=date_window()
        )
        return parsed.where(inside)


def _read_table(file: ExportFile, screened: ValueNotes) -> _Table:
    """Read a CSV with its own delimiter into text cells; duplicate headers keep the first."""
    rows, decoding = read_csv_file(file, allow_empty=True)
    notes: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(rows.header):
        key = header_key(cell)
        if key in seen and key:
            notes.append(
                f"header {cell.strip()!r} appears twice (columns {seen[key] + 1} and "
                f"{position + 1}); the first is used"
            )
        seen.setdefault(key, position)
    columns = {position: key for key, position in seen.items() if key}
    frame = rows.cells[list(columns)].rename(columns=columns)
    headers = {key: rows.header[position].strip() for position, key in columns.items()}
    return _Table(file, frame, notes, rows.sep, decoding, screened, headers)


def _app_data_kind(basename: str) -> str | None:
    match = _APP_DATA_NAME.match(basename.lower())
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# Legacy trends CSV


def _read_legacy(file: ExportFile, screened: ValueNotes) -> DailyData:
    """The single trends CSV: one row per date, night values shifted to the wake-up morning."""
    table = _read_table(file, screened)
    table.require("date")
    dates = table.dates("date")
    _note_repeated_days(table, dates, "date")
    shift, shift_note = _night_shift(table, dates, "bedtime_end", LEGACY_DEFAULT_NIGHT_SHIFT)
    columns: dict[str, pd.Series] = {}
    used = ["date"]
    for key in table.frame.columns:
        if key not in LEGACY_COLUMNS:
            continue
        name, factor = LEGACY_COLUMNS[key]
        if name in columns:
            continue
        used.append(key)
        day = dates + pd.Timedelta(days=shift) if name in NIGHT_VARIABLES else dates
        columns[name] = _by_day(table.values(key, name, factor), day)
    notes = table.notes + ([shift_note] if shift_note else [])
    notes.insert(0, _recognised(table, used, columns))
    return _daily(columns, notes, file.name, decoding=table.decoding)


def _night_shift(table: _Table, dates: pd.Series, end_column: str, default: int) -> tuple[int, str]:
    """Days to add to a row's date to reach the wake-up morning, measured from bedtime ends."""
    assumed = (
        f"no {end_column!r} values to check which morning a night belongs to; assumed the date "
        + ("is the evening the night began" if default else "is the morning")
    )
    if end_column not in table.frame.columns:
        return default, assumed
    ends = pd.to_datetime(
        table.frame[end_column].str.extract(_DATE_PREFIX, expand=False), errors="coerce"
    )
    differences = (ends - dates).dt.days.dropna()
    if differences.empty:
        return default, assumed
    shift = int(differences.mode().min())
    odd = int((differences != shift).sum())
    note = (
        f"night values moved {shift} day(s) to the wake-up morning (the date names the evening "
        "the night began)"
        if shift
        else ""
    )
    if odd:
        note = (note + "; " if note else "") + (
            f"{odd} row(s) end their night on another day than the rest; dated like the rest"
        )
    return shift, note


def _by_day(values: pd.Series, day: pd.Series) -> pd.Series:
    """Values indexed by day; a day given twice keeps its last row with a value."""
    frame = pd.DataFrame({"day": day.to_numpy(), "value": values.to_numpy()}).dropna()
    frame = frame.drop_duplicates("day", keep="last")
    return pd.Series(frame["value"].to_numpy(), index=pd.DatetimeIndex(frame["day"]), dtype=float)


def _note_repeated_days(table: _Table, dates: pd.Series, column: str) -> None:
    repeated = int(dates.dropna().duplicated().sum())
    if repeated:
        table.notes.append(
            f"{repeated} row(s) repeat a {column!r} given earlier; the last row with a value wins"
        )


def _recognised(table: _Table, used: list[str], columns: dict[str, pd.Series]) -> str:
    unused = [c for c in table.frame.columns if c not in used]
    mapping = ", ".join(f"{name} ({series.notna().sum()} days)" for name, series in columns.items())
    return f"recognised {mapping or 'nothing'}" + (
        f"; not used: {', '.join(unused)}" if unused else ""
    )


def _daily(
    columns: dict[str, pd.Series],
    notes: list[str],
    name: str,
    registry: dict[str, Variable] | None = None,
    decoding: list[str] | None = None,
) -> DailyData:
    """The daily table of the columns that hold any value, notes prefixed with ``name``.

    ``decoding`` notes (how files were decoded) name their file already and come first.
    """
    columns = {k: v for k, v in columns.items() if v.notna().any()}
    table = pd.DataFrame(columns) if columns else pd.DataFrame(index=pd.DatetimeIndex([]))
    table.index = pd.DatetimeIndex(table.index, name="date")
    known = {**VARIABLES, **(registry or {})}
    warnings = [*(decoding or []), *(f"{name}: {n}" for n in notes)]
    return DailyData(table, {c: known[c] for c in table.columns}, warnings)


# --------------------------------------------------------------------------------------------
# App Data


def _read_app_data(by_kind: dict[str, list[ExportFile]], screened: ValueNotes) -> DailyData:
    """All App Data files together (they share the night shift and the days with data)."""
    notes: list[str] = []
    tables = {kind: [_read_table(f, screened) for f in files] for kind, files in by_kind.items()}
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    shift = 0
    if "sleepmodel" in tables:
        periods, shift, shift_note = _sleep_periods(tables["sleepmodel"])
        columns.update(periods)
        if shift_note:
            notes.append(f"dailysleep/dailyreadiness: {shift_note}")
    elif {"dailysleep", "dailyreadiness"} & set(tables):
        notes.append(
            "dailysleep/dailyreadiness: no sleepmodel.csv to check which morning a 'day' is; "
            "assumed it is the wake-up morning"
        )
    for kind in ("dailyreadiness", "dailysleep", "dailyactivity"):
        for table in tables.get(kind, []):
            table.require("day")
            dates = table.dates("day")
            _note_repeated_days(table, dates, "day")
            used = ["day"]
            found: dict[str, pd.Series] = {}
            for key, (name, factor) in APP_DATA_COLUMNS[kind].items():
                if key not in table.frame.columns:
                    continue
                used.append(key)
                day = dates + pd.Timedelta(days=shift) if name in NIGHT_VARIABLES else dates
                found[name] = _by_day(table.values(key, name, factor), day)
            table.notes.insert(0, _recognised(table, used, found))
            for name, series in found.items():
                columns[name] = series.combine_first(columns[name]) if name in columns else series
    data_days = pd.DatetimeIndex(sorted(set().union(*(s.dropna().index for s in columns.values()))))
    if "workout" in tables:
        columns.update(_workouts(tables["workout"], data_days))
    if "enhancedtag" in tables:
        tags, tag_registry, tag_notes = _tags(tables["enhancedtag"])
        columns.update(tags)
        registry.update(tag_registry)
        notes.extend(tag_notes)
    for table in (t for group in tables.values() for t in group):
        notes.extend(f"{table.file.basename}: {note}" for note in table.notes)
    name = _common_folder([f for files in by_kind.values() for f in files])
    decoding = [note for group in tables.values() for table in group for note in table.decoding]
    return _daily(columns, notes, name, registry, decoding)


def _common_folder(files: list[ExportFile]) -> str:
    names = [f.name for f in files]
    if len(names) == 1:
        return names[0]
    folder = names[0][: len(names[0]) - len(files[0].basename)].rstrip("/\\")
    return folder if all(n.startswith(folder) for n in names) and folder else "Oura App Data"


def _sleep_periods(tables: list[_Table]) -> tuple[dict[str, pd.Series], int, str]:
    """Night values from sleep periods (main period per wake-up date) and the daily-file shift."""
    frames = []
    for table in tables:
        table.require("bedtime_end")
        frame = pd.DataFrame({"wake_day": table.dates("bedtime_end")})
        frame["kind"] = table.frame["type"].str.strip() if "type" in table.frame else ""
        frame["day"] = table.dates("day") if "day" in table.frame else pd.NaT
        used = ["bedtime_end", "type", "day"]
        for key, (name, factor) in APP_DATA_COLUMNS["sleepmodel"].items():
            if key in table.frame.columns:
                used.append(key)
                frame[name] = table.values(key, name, factor)
        if "id" in table.frame.columns:
            frame["id"] = table.frame["id"]
            frame = frame.drop_duplicates("id", keep="last")
        recognised = [c for c in frame.columns if c in VARIABLES]
        table.notes.insert(
            0,
            f"recognised {', '.join(recognised) or 'nothing'} from {len(frame)} sleep period(s); "
            f"not used: {', '.join(c for c in table.frame.columns if c not in used) or 'none'}",
        )
        frames.append(frame)
    periods = pd.concat(frames, ignore_index=True)
    periods = periods[periods["wake_day"].notna() & ~periods["kind"].isin(["deleted", "rest"])]
    main = periods.assign(
        is_long=periods["kind"].eq("long_sleep"),
        length=periods.get("asleep_min", pd.Series(0.0, index=periods.index)).fillna(0.0),
    )
    main = main.sort_values(["wake_day", "is_long", "length"]).drop_duplicates(
        "wake_day", keep="last"
    )
    columns = {
        name: pd.Series(
            main[name].to_numpy(), index=pd.DatetimeIndex(main["wake_day"]), dtype=float
        )
        for name in main.columns
        if name in VARIABLES
    }
    long_sleep = main[main["is_long"] | ~main["is_long"].any()]
    differences = (long_sleep["wake_day"] - long_sleep["day"]).dt.days.dropna()
    if differences.empty:
        return columns, 0, "no 'day' in sleepmodel to check; the date is taken as the morning"
    shift = int(differences.mode().min())
    note = f"dates moved {shift} day(s) to the wake-up morning, as in sleepmodel" if shift else ""
    return columns, shift, note


def _workouts(tables: list[_Table], data_days: pd.DatetimeIndex) -> dict[str, pd.Series]:
    """Daily workout minutes, count and energy; 0 on later days with other data."""
    frames = []
    for table in tables:
        starts, ends = (
            pd.to_datetime(table.frame[c].str.strip(), errors="coerce", utc=True, format="ISO8601")
            for c in ("start_datetime", "end_datetime")
        )
        minutes = (ends - starts).dt.total_seconds() / SECONDS_PER_MINUTE
        frame = pd.DataFrame(
            {
                "day": table.dates("start_datetime"),
                "minutes": minutes,
                "energy": (
                    table.values("calories", "workout_energy")
                    if "calories" in table.frame
                    else np.nan
                ),
                "start": starts,
                "end": ends,
            }
        )
        undated = frame["minutes"].isna()
        if undated.any():
            table.notes.append(
                f"{int(undated.sum())} workout(s) without a valid start and end skipped"
            )
        frame["minutes"] = table.screened.screen(
            minutes.to_numpy(),
            variable="workout_min",
            file=table.file.name,
            column="minutes from start_datetime to end_datetime",
            positions=frame.index,
        )
        bad = frame["minutes"].isna() | frame["day"].isna()
        table.notes.insert(0, f"recognised {int((~bad).sum())} workout(s)")
        frames.append(frame[~bad])
    workouts = pd.concat(frames, ignore_index=True).drop_duplicates(["start", "end"])
    if workouts.empty:
        return {}
    daily = workouts.groupby("day").agg(
        workout_min=("minutes", "sum"),
        workout_count=("minutes", "size"),
        workout_energy=("energy", lambda e: e.sum(min_count=1)),
    )
    zero_days = data_days[data_days >= daily.index.min()].difference(daily.index)
    zeros = pd.DataFrame({"workout_min": 0.0, "workout_count": 0.0}, index=zero_days)
    daily = pd.concat([daily, zeros]).sort_index()
    return {name: daily[name].astype(float) for name in daily.columns}


# --------------------------------------------------------------------------------------------
# Tags


def _tags(tables: list[_Table]) -> tuple[dict[str, pd.Series], dict[str, Variable], list[str]]:
    """Yes/no behaviour columns from tags (see the module docstring for what "no" means)."""
    rows = []
    for table in tables:
        frame = table.frame
        start_column = next(
            (c for c in ("start_day", "day", "start_time") if c in frame), "start_day"
        )
        table.require("tag_type_code", start_column)
        start = table.dates(start_column)
        end = table.dates("end_day") if "end_day" in frame.columns else start
        custom = frame["custom_tag_name"] if "custom_tag_name" in frame.columns else ""
        labels = [
            _tag_label(code, name)
            for code, name in zip(
                frame["tag_type_code"], pd.Series(custom, index=frame.index), strict=True
            )
        ]
        rows.append(pd.DataFrame({"label": labels, "start": start, "end": end.fillna(start)}))
        table.notes.insert(0, f"recognised {len(frame)} tag(s)")
    tags = pd.concat(rows, ignore_index=True).dropna(subset=["start"])
    tags = tags[tags["label"] != ""]
    notes: list[str] = []
    names = {label: _tag_name(label) for label in tags["label"].unique()}
    unnamed = [label for label, name in names.items() if name is None]
    if unnamed:
        notes.append(
            f"tag(s) {', '.join(repr(u) for u in unnamed)} have no letters or digits to name a "
            "column after; left out"
        )
    tags = tags.assign(name=tags["label"].map(names)).dropna(subset=["name"])
    spans = (tags["end"] - tags["start"]).dt.days.clip(lower=0)
    if (spans >= MAX_TAG_SPAN_DAYS).any():
        notes.append(
            f"{int((spans >= MAX_TAG_SPAN_DAYS).sum())} tag(s) span {MAX_TAG_SPAN_DAYS} days or "
            f"more; only their first {MAX_TAG_SPAN_DAYS} days are counted"
        )
    spans = spans.clip(upper=MAX_TAG_SPAN_DAYS - 1)
    repeats = spans.to_numpy() + 1
    yes = pd.DataFrame(
        {
            "name": np.repeat(tags["name"].to_numpy(), repeats),
            "label": np.repeat(tags["label"].to_numpy(), repeats),
            "day": np.concatenate(
                [
                    pd.date_range(s, periods=n + 1).to_numpy()
                    for s, n in zip(tags["start"], spans, strict=True)
                ]
            )
            if len(tags)
            else np.array([], dtype="datetime64[ns]"),
        }
    ).drop_duplicates(["name", "day"])
    tagging_days = pd.DatetimeIndex(sorted(yes["day"].unique()))
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    summary = []
    for name, group in yes.groupby("name", sort=True):
        days = pd.DatetimeIndex(group["day"])
        window = tagging_days[(tagging_days >= days.min()) & (tagging_days <= days.max())]
        series = pd.Series(0.0, index=window)
        series[days] = 1.0
        columns[str(name)] = series
        registry[str(name)] = _tag_variable(str(name), str(group["label"].iloc[0]))
        summary.append(f"{name} ({len(days)} yes, {int((series == 0).sum())} no)")
    if summary:
        notes.insert(
            0,
            "tags → behaviours: a day is 'no' only if other tags were logged that day, between the "
            "tag's first and last use; other days are unknown. " + ", ".join(summary),
        )
    return columns, registry, notes


def _tag_label(code: str, custom: str) -> str:
    """``tag_generic_alcohol`` → ``Alcohol``; a custom tag keeps its own name."""
    custom = str(custom or "").strip()
    code = str(code or "").strip()
    if custom and custom.lower() not in ("none", "null", "nan"):
        return custom
    if not code or code.lower() in ("custom", "none", "null"):
        return ""
    words = re.sub(r"^tag_(generic_)?", "", code.lower()).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _tag_name(label: str) -> str | None:
    """``Late dinner`` → ``tag_late_dinner``; None for a label without letters or digits."""
    try:
        return f"tag_{slugify(label)}"
    except ValueError:
        return None


def _tag_variable(name: str, label: str) -> Variable:
    return Variable(
        name, f"{label} (Oura tag)", "", kind="behaviour", source=FORMAT, aggregation="any"
    )
