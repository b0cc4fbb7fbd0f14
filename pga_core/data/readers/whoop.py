"""WHOOP export: the four CSV files (cycles, sleeps, workouts, journal) → one row per day.

Dating rules (see the README's "Data formats" section):

- A cycle (recovery, HRV, resting HR, its sleep and the strain of the waking day that follows) is
  dated by the local date of its ``Wake onset``; without one, by the date of
  ``Cycle start time + 12 h``. Two cycles on one date: the one with the longest sleep is kept (the
  later one when equal) and the collision is reported.
- A journal answer is given in the morning about the day before: it is stored on the wake date of
  its cycle minus one day. A day without a row for a question is missing, never "no".
- Naps never replace the main sleep; their minutes are summed into ``nap_min``.
- Workouts count on the local date of ``Workout start time``; minutes in zone k are
  ``Duration × zone k % / 100``, summed per day. From the first workout day on, a day the export
  covers without a workout has 0 workout and zone minutes; before it they are missing. The days an
  export covers are the days of its cycles (the strap was worn), up to the last one; with no
  ``physiological_cycles.csv``, every day up to the last day any file reaches. ``workout_strain``
  (the day's hardest workout) is missing on days without a workout.

Values outside their plausible range are left out (WHOOP's rounding to 101 % is clamped to 100)
and cycles, sleeps, workouts and journal rows dated before 2000 or after today are left out;
each is noted with its file, row and column.

Files are recognised by their header row, matched leniently (case, spacing, punctuation, units,
snake_case re-saves), not by their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Variable, slugify
from pga_core.data.readers._files import (
    MISSING_TOKENS,
    CsvRows,
    ExportFile,
    head_rows,
    header_key,
    read_csv_file,
)
from pga_core.data.readers._plausible import ValueNotes, date_window, range_of

__all__ = ["FORMAT", "REGISTRY", "claims", "read"]

FORMAT = "whoop"

#: A cycle without a wake onset is dated by its start plus this much (its waking day).
CYCLE_DATE_OFFSET = pd.Timedelta(hours=12)
HR_ZONES = (1, 2, 3, 4, 5)
#: How many examples a warning lists before saying "and N more".
MAX_EXAMPLES = 5

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
#: Unit words dropped when matching headers, so ``Max HR (bpm)`` matches ``max_hr``.
_UNIT_WORDS = frozenset(
    {"min", "mins", "minutes", "bpm", "ms", "cal", "kcal", "celsius", "rpm", "meters", "pct"}
)


def _metric(
    name: str,
    label: str,
    unit: str,
    higher_is_better: bool | None = None,
    components: tuple[str, ...] = (),
    aggregation: str = "mean",
    kind: Literal["metric", "habit"] = "metric",
) -> Variable:
    return Variable(name, label, unit, kind, FORMAT, higher_is_better, components, aggregation)


_ZONE_VARIABLES = tuple(
    _metric(f"zone{k}_min", f"Time in HR zone {k}", "min", None, ("workout_min",), "sum", "habit")
    for k in HR_ZONES
)

#: Every daily variable a WHOOP export can give, besides the journal's behaviours.
REGISTRY: dict[str, Variable] = {
    v.name: v
    for v in (
        _metric(
            "recovery_score",
            "Recovery score",
            "%",
            True,
            ("hrv_rmssd", "resting_hr", "sleep_performance", "respiratory_rate"),
        ),
        _metric("resting_hr", "Resting heart rate", "bpm", False),
        _metric("hrv_rmssd", "Heart rate variability (RMSSD)", "ms", True),
        _metric("skin_temp", "Skin temperature", "°C"),
        _metric("blood_oxygen", "Blood oxygen", "%", True),
        _metric("day_strain", "Day strain", "", None, ("workout_strain",), "max"),
        _metric("energy_burned", "Energy burned", "kcal", None, (), "sum"),
        _metric("max_hr", "Max heart rate", "bpm", None, (), "max"),
        _metric("avg_hr", "Average heart rate", "bpm"),
        _metric(
            "sleep_performance", "Sleep performance", "%", True, ("asleep_min", "sleep_need_min")
        ),
        _metric("respiratory_rate", "Respiratory rate", "breaths/min"),
        _metric(
            "asleep_min",
            "Asleep duration",
            "min",
            True,
            ("light_sleep_min", "deep_sleep_min", "rem_sleep_min"),
            "max",
        ),
        _metric("in_bed_min", "In bed duration", "min", None, ("asleep_min", "awake_min"), "max"),
        _metric("light_sleep_min", "Light sleep duration", "min", None, (), "max"),
        _metric("deep_sleep_min", "Deep (SWS) sleep duration", "min", True, (), "max"),
        _metric("rem_sleep_min", "REM sleep duration", "min", True, (), "max"),
        _metric("awake_min", "Awake duration", "min", False, (), "max"),
        _metric(
            "sleep_need_min",
            "Sleep need",
            "min",
            None,
            ("sleep_debt_min", "day_strain", "nap_min"),
            "max",
        ),
        _metric("sleep_debt_min", "Sleep debt", "min", False, (), "max"),
        _metric("sleep_efficiency", "Sleep efficiency", "%", True, ("asleep_min", "in_bed_min")),
        _metric("sleep_consistency", "Sleep consistency", "%", True),
        _metric("nap_min", "Nap duration", "min", None, (), "sum", "habit"),
        _metric("workout_min", "Workout duration", "min", None, (), "sum", "habit"),
        *_ZONE_VARIABLES,
        _metric("workout_strain", "Workout strain (hardest of the day)", "", None, (), "max"),
    )
}

_Parse = Literal["time", "number", "bool", "text", "unused"]


@dataclass(frozen=True)
class _Column:
    """One column of a WHOOP file: its header in the current export and how to read it."""

    header: str
    field: str
    parse: _Parse
    expected: str = ""
    #: The variable whose plausible range applies (see ``_plausible.RANGES``).
    variable: str = ""


def _time(header: str, field: str) -> _Column:
    return _Column(header, field, "time", expected="a date and time like 2024-03-08 22:30:00")


def _number(header: str, field: str, what: str, variable: str = "") -> _Column:
    bounds = range_of(variable or field)
    expected = f"{what} from {bounds.low:g} to {bounds.high:g}"
    return _Column(header, field, "number", expected, variable or field)


def _percent(header: str, field: str, variable: str = "") -> _Column:
    return _number(header, field, "a percentage", variable)


def _minutes(header: str, field: str, variable: str = "") -> _Column:
    return _number(header, field, "minutes", variable)


def _unused(header: str) -> _Column:
    return _Column(header, "", "unused")


# Times are local wall-clock times, so the time zone column is not needed to date anything.
_CYCLE_KEY = (
    _time("Cycle start time", "cycle_start"),
    _unused("Cycle end time"),
    _unused("Cycle timezone"),
)
_SLEEP_TIMES = (_time("Sleep onset", "sleep_onset"), _time("Wake onset", "wake_onset"))
_SLEEP_METRICS = (
    _percent("Sleep performance %", "sleep_performance"),
    _number("Respiratory rate (rpm)", "respiratory_rate", "breaths/min"),
    _minutes("Asleep duration (min)", "asleep_min"),
    _minutes("In bed duration (min)", "in_bed_min"),
    _minutes("Light sleep duration (min)", "light_sleep_min"),
    _minutes("Deep (SWS) duration (min)", "deep_sleep_min"),
    _minutes("REM duration (min)", "rem_sleep_min"),
    _minutes("Awake duration (min)", "awake_min"),
    _minutes("Sleep need (min)", "sleep_need_min"),
    _minutes("Sleep debt (min)", "sleep_debt_min"),
    _percent("Sleep efficiency %", "sleep_efficiency"),
    _percent("Sleep consistency %", "sleep_consistency"),
)
_HEART_RATE = "a heart rate in bpm"


@dataclass(frozen=True)
class _FileKind:
    """One of the four files of an export."""

    name: str
    columns: tuple[_Column, ...]
    required: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def by_key(self) -> dict[str, _Column]:
        return {_header_key(c.header): c for c in self.columns}


CYCLES = _FileKind(
    "physiological_cycles.csv",
    (
        *_CYCLE_KEY,
        _percent("Recovery score %", "recovery_score"),
        _number("Resting heart rate (bpm)", "resting_hr", _HEART_RATE),
        _number("Heart rate variability (ms)", "hrv_rmssd", "an HRV in ms"),
        _number("Skin temp (celsius)", "skin_temp", "a skin temperature in °C"),
        _percent("Blood oxygen %", "blood_oxygen"),
        _number("Day Strain", "day_strain", "a WHOOP strain"),
        _number("Energy burned (cal)", "energy_burned", "kilocalories"),
        _number("Max HR (bpm)", "max_hr", _HEART_RATE),
        _number("Average HR (bpm)", "avg_hr", _HEART_RATE),
        *_SLEEP_TIMES,
        *_SLEEP_METRICS,
    ),
    required=("cycle_start",),
    key=("cycle_start",),
)
SLEEPS = _FileKind(
    "sleeps.csv",
    (*_CYCLE_KEY, *_SLEEP_TIMES, *_SLEEP_METRICS, _Column("Nap", "nap", "bool")),
    required=("cycle_start",),
    key=("cycle_start", "sleep_onset"),
)
WORKOUTS = _FileKind(
    "workouts.csv",
    (
        _unused("Cycle start time"),
        _unused("Cycle end time"),
        _unused("Cycle timezone"),
        _time("Workout start time", "workout_start"),
        _unused("Workout end time"),
        _minutes("Duration (min)", "duration", "workout_min"),
        _Column("Activity name", "activity", "text"),
        _number("Activity Strain", "workout_strain", "a WHOOP strain"),
        _unused("Energy burned (cal)"),
        _unused("Max HR (bpm)"),
        _unused("Average HR (bpm)"),
        *(_percent(f"HR Zone {k} %", f"zone{k}_pct", "hr_zone_pct") for k in HR_ZONES),
        _unused("GPS enabled"),
        _unused("Distance (meters)"),
        _unused("Altitude gain (meters)"),
        _unused("Altitude change (meters)"),
    ),
    required=("workout_start", "duration"),
    key=("workout_start", "activity"),
)
JOURNAL = _FileKind(
    "journal_entries.csv",
    (
        *_CYCLE_KEY,
        _Column("Question text", "question", "text"),
        _Column("Answered yes", "answer", "bool", expected="true or false"),
        _unused("Notes"),
    ),
    required=("cycle_start", "question", "answer"),
    key=("cycle_start", "question"),
)
_KINDS = (CYCLES, SLEEPS, WORKOUTS, JOURNAL)


def _header_key(header: str) -> str:
    """A header reduced to its words without units: ``Max HR (bpm)`` and ``max_hr`` → ``maxhr``."""
    return header_key(header, ignore=_UNIT_WORDS, joiner="")


def _identify(header: list[str]) -> _FileKind | None:
    """Which of the four files a header row belongs to, if any."""
    keys = {_header_key(h) for h in header}
    if "cyclestarttime" not in keys and "workoutstarttime" not in keys:
        return None
    if {"questiontext", "answeredyes"} <= keys:
        return JOURNAL
    if "workoutstarttime" in keys:
        return WORKOUTS
    if "nap" in keys:
        return SLEEPS
    if keys & {"recoveryscore", "daystrain", "restingheartrate"}:
        return CYCLES
    if keys & {"asleepduration", "sleepperformance"}:
        return SLEEPS
    return None


def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is one of a WHOOP export's CSV files, judged by its header row.

    Parameters
    ----------
    file : the file (its size tells whether ``head`` holds the whole header row).
    head : the file's first bytes.
    """
    rows = head_rows(file, head)
    return bool(rows) and _identify(rows[0]) is not None


@dataclass
class _Table:
    """One file's rows, parsed: fields as columns, index = row numbers as counted in the file."""

    file: str
    kind: _FileKind
    frame: pd.DataFrame


def read(files: list[ExportFile]) -> DailyData:
    """Read the CSV files of one or more WHOOP exports (any subset of the four) into days.

    Parameters
    ----------
    files : ``physiological_cycles.csv``, ``sleeps.csv``, ``workouts.csv`` and/or
        ``journal_entries.csv`` (any names; recognised by their header). Several exports may be
        given together; where they overlap, the newest export's rows are kept.

    Returns
    -------
    DailyData
        Columns: the :data:`REGISTRY` variables the files hold, plus one yes/no behaviour per
        journal question (named ``slugify(question)``, labelled with the trimmed question).
        Warnings: header deviations, collisions of two cycles on one day, overlaps between exports,
        and the values and rows left out as implausible (see ``_plausible``), by file, row and
        column.

    Raises
    ------
    ValueError
        Naming the file, row and column: text in numeric columns, a file cut off mid-row,
        duplicate cycles, a missing required column, or no data rows in any file.
    """
    warnings: list[str] = []
    notes = ValueNotes()
    tables: dict[str, list[_Table]] = {kind.name: [] for kind in _KINDS}
    empty: list[str] = []
    for file in files:
        table = _read_file(file, warnings, notes)
        if table is None:
            empty.append(file.name)
        elif not table.frame.empty:
            tables[table.kind.name].append(table)
    if not any(tables.values()) and not len(notes):
        names = ", ".join(empty) or "no files"
        raise ValueError(f"{names}: no data rows, only the header; expected WHOOP export rows")
    warnings.extend(
        f"{name}: no data rows, only the header; nothing read from it" for name in empty
    )
    if not any(tables.values()):  # every row was left out
        return DailyData(DailyData.empty().table, {}, [*warnings, *notes.lines()])
    combined = {name: _combine(parts, warnings) for name, parts in tables.items() if parts}
    daily = _daily(combined, warnings)
    daily.warnings.extend(notes.lines())
    return daily


def _read_file(file: ExportFile, warnings: list[str], notes: ValueNotes) -> _Table | None:
    """Parse one file into a typed table (None when it has a header but no rows).

    Implausible values are left out (or clamped) and records dated outside the plausible window
    are dropped, all noted in ``notes``.
    """
    rows, decoding = read_csv_file(file, allow_empty=True)
    warnings.extend(decoding)
    kind = _identify(rows.header)
    if kind is None:
        raise ValueError(
            f"{file.name}: not a WHOOP export file; expected the header of physiological_cycles, "
            "sleeps, workouts or journal_entries.csv"
        )
    columns = _match_header(file.name, kind, rows.header, warnings)
    if rows.cells.empty:
        return None
    frame = _parse_columns(file.name, rows, columns, kind, notes, decimal_comma=rows.sep != ",")
    _check_duplicates(file.name, kind, frame, columns)
    return _Table(file.name, kind, frame)


def _match_header(
    name: str, kind: _FileKind, header: list[str], warnings: list[str]
) -> dict[int, _Column]:
    """Map header positions to known columns; note deviations; refuse missing required ones."""
    by_key = kind.by_key
    matched: dict[int, _Column] = {}
    seen: dict[str, str] = {}
    unknown, renamed = [], []
    for position, cell in enumerate(header):
        column = by_key.get(_header_key(cell))
        if column is None:
            unknown.append(cell)
            continue
        if column.header in seen:
            raise ValueError(
                f"{name}: columns {seen[column.header]!r} and {cell!r} both look like "
                f"{column.header!r}; expected it once"
            )
        seen[column.header] = cell
        matched[position] = column
        if cell.strip() != column.header:
            renamed.append(f"{cell!r} as {column.header!r}")
    fields = {c.field for c in matched.values()}
    lacking = [c for c in kind.columns if c.field and c.field not in fields]
    missing_required = [c.header for c in lacking if c.field in kind.required]
    if missing_required:
        raise ValueError(
            f"{name}: no {', '.join(repr(h) for h in missing_required)} column; a WHOOP "
            f"{kind.name} needs it (header found: {', '.join(header)})"
        )
    if unknown or renamed or lacking:
        warnings.append(_deviation_note(name, kind, len(matched), renamed, unknown, lacking))
    return matched


def _deviation_note(
    name: str,
    kind: _FileKind,
    n_matched: int,
    renamed: list[str],
    unknown: list[str],
    lacking: list[_Column],
) -> str:
    """One sentence on how a header differs from the current export's."""
    parts = [f"{name}: header differs from the current WHOOP {kind.name}; recognised {n_matched}"]
    if renamed:
        parts.append(f"read {_examples(renamed)}")
    if unknown:
        parts.append(f"not recognised, ignored: {_examples([repr(u) for u in unknown])}")
    if lacking:
        names = [repr(c.header) for c in lacking]
        parts.append(f"absent (those values are missing): {_examples(names)}")
    return "; ".join(parts)


def _examples(items: list[str]) -> str:
    """The first few items, then how many more."""
    shown = ", ".join(items[:MAX_EXAMPLES])
    more = len(items) - MAX_EXAMPLES
    return f"{shown} and {more} more" if more > 0 else shown


def _parse_columns(
    name: str,
    rows: CsvRows,
    columns: dict[int, _Column],
    kind: _FileKind,
    notes: ValueNotes,
    *,
    decimal_comma: bool,
) -> pd.DataFrame:
    """Typed columns (datetime, float, 1.0/0.0 or text) keyed by field, validated and screened.

    Columns of one type are converted together as one flat array (a few pandas calls per file,
    not per column), so a file with dozens of columns costs little more than one with a few.
    Rows whose own time (cycle or workout start) is outside the plausible window are left out.
    """
    parsed: dict[str, np.ndarray] = {}
    kept = np.ones(len(rows.cells), dtype=bool)
    for parse in ("time", "number", "bool", "text"):
        block = [(p, c) for p, c in columns.items() if c.parse == parse]
        if not block:
            continue
        cells = _Block(name, rows, block)
        required = np.array([c.field in kind.required for _, c in block])
        cells.refuse(cells.empty & required[None, :] & (parse != "bool"), "is empty")
        if parse == "time":
            values = cells.times()
            kept = cells.screen_times(values, required, notes)
        elif parse == "number":
            values = cells.numbers(decimal_comma=decimal_comma)
            cells.screen_numbers(values, kept, notes)
        elif parse == "bool":
            values = cells.booleans()
        else:
            values = cells.text
        parsed.update({c.field: values[:, i] for i, (_, c) in enumerate(block)})
    return pd.DataFrame(parsed, index=rows.cells.index).loc[kept]


class _Block:
    """Several columns of one file, stripped and flattened for conversion in one go."""

    def __init__(self, name: str, rows: CsvRows, block: list[tuple[int, _Column]]) -> None:
        self.name, self.rows, self.block = name, rows, block
        self.shape = (len(rows.cells), len(block))
        columns = [rows.cells[p] for p, _ in block]
        # Column after column, so a flat position i is row i % n_rows of column i // n_rows.
        flat = pd.concat(columns, ignore_index=True).str.strip()
        # A spreadsheet's "not recorded" (NaN, #N/A, null) is an empty cell: missing.
        self.flat = flat.mask(flat.str.lower().isin(MISSING_TOKENS), "")
        self.empty = self.grid(self.flat.eq("").to_numpy())

    def grid(self, flat: np.ndarray) -> np.ndarray:
        """A flat column-after-column array as shape (n_rows, n_columns)."""
        return flat.reshape(self.shape[::-1]).T

    @property
    def text(self) -> np.ndarray:
        return self.grid(self.flat.to_numpy(dtype=object))

    def refuse(self, bad: np.ndarray, problem: str) -> None:
        """Raise for the first bad cell, naming file, row, column and what was expected."""
        if not bad.any():
            return
        i, j = np.unravel_index(int(np.argmax(bad)), bad.shape)
        position, column = self.block[j]
        count = int(bad[:, j].sum())
        others = f" ({count - 1} more row(s) like it)" if count > 1 else ""
        raise ValueError(
            f"{self.name}, row {self.rows.cells.index[i]:,}, column "
            f"{self.rows.header[position]!r}: {self.text[i, j]!r} {problem}; "
            f"expected {column.expected}{others}"
        )

    def times(self) -> np.ndarray:
        values = pd.to_datetime(
            self.flat.where(self.flat.ne("")), format="ISO8601", errors="coerce"
        )
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)
        values = self.grid(values.to_numpy().copy())  # writable: screening leaves values out
        self.refuse(~self.empty & np.isnat(values), "is not a date and time")
        return values

    def numbers(self, *, decimal_comma: bool) -> np.ndarray:
        text = self.flat.str.replace(",", ".", regex=False) if decimal_comma else self.flat
        text = text.where(self.flat.ne(""))
        try:  # the fast path, for files without text in numeric columns
            values = text.astype(np.float64).to_numpy()
        except (ValueError, TypeError):
            values = pd.to_numeric(text, errors="coerce").to_numpy(np.float64)
        values = self.grid(values.copy())  # writable: screening leaves values out
        self.refuse(~self.empty & np.isnan(values), "is not a number")
        return values

    def screen_times(
        self, values: np.ndarray, required: np.ndarray, notes: ValueNotes
    ) -> np.ndarray:
        """Leave out (in place) times outside the plausible window; the rows to keep.

        A row whose required time (its cycle or workout start) is outside is left out whole;
        another time outside (a sleep onset or wake onset) is left out on its own.
        """
        window = date_window()
        rows = self.rows.cells.index.to_numpy()
        kept = np.ones(self.shape[0], dtype=bool)
        order = np.argsort(~required, kind="stable")  # the records' own times first
        for j in order:
            position, _ = self.block[j]
            inside = notes.screen_days(
                pd.DatetimeIndex(values[kept, j]),
                file=self.name,
                positions=rows[kept],
                window=window,
                column=None if required[j] else self.rows.header[position],
            )
            if required[j]:
                kept[np.flatnonzero(kept)[~inside]] = False
            else:
                values[np.flatnonzero(kept)[~inside], j] = np.datetime64("NaT")
        return kept

    def screen_numbers(self, values: np.ndarray, kept: np.ndarray, notes: ValueNotes) -> None:
        """Leave out (in place) values outside their variable's plausible range, or clamp them."""
        rows = self.rows.cells.index.to_numpy()[kept]
        for j, (position, column) in enumerate(self.block):
            values[kept, j] = notes.screen(
                values[kept, j],
                variable=column.variable,
                file=self.name,
                column=self.rows.header[position],
                positions=rows,
                fmt=FORMAT,
            )

    def booleans(self) -> np.ndarray:
        lowered = self.flat.str.lower()
        values = np.full(len(lowered), np.nan)
        values[lowered.isin(_TRUE).to_numpy()] = 1.0
        values[lowered.isin(_FALSE).to_numpy()] = 0.0
        values = self.grid(values)
        self.refuse(~self.empty & np.isnan(values), "is not true or false")
        return values


def _check_duplicates(
    name: str, kind: _FileKind, frame: pd.DataFrame, columns: dict[int, _Column]
) -> None:
    """Refuse the same cycle (or sleep, workout, journal answer) twice in one file."""
    key = [f for f in kind.key if f in frame.columns]
    if not frame.duplicated(key).any():
        return
    if kind is JOURNAL:
        # The same answer twice is harmless; two different answers to one question are not.
        frame = frame.drop_duplicates([*key, "answer"])
    dupes = frame.duplicated(key, keep=False)
    if not dupes.any():
        return
    groups = frame.groupby(key, dropna=False, sort=False).ngroup()
    same = frame.loc[groups.eq(groups[dupes.idxmax()])]
    first = same.iloc[0]
    headers = {c.field: c.header for c in columns.values()}
    described = ", ".join(f"{headers[f]} {_show(first[f])}" for f in key)
    rows = " and ".join(f"{r:,}" for r in same.index[:MAX_EXAMPLES])
    what = "answer the same question for the same cycle" if kind is JOURNAL else "are the same"
    raise ValueError(
        f"{name}: rows {rows} {what} ({described}); expected each "
        f"{'answer' if kind is JOURNAL else 'entry'} once — remove the duplicate rows"
    )


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return repr(value)


def _combine(parts: list[_Table], warnings: list[str]) -> pd.DataFrame:
    """One table per file kind: newest export first, rows of an older export it repeats dropped."""
    kind = parts[0].kind
    newest = sorted(parts, key=_latest, reverse=True)
    frame = pd.concat([p.frame for p in newest], ignore_index=True)
    if len(parts) > 1:
        key = [f for f in kind.key if f in frame.columns]
        repeated = frame.duplicated(key, keep="first")
        if repeated.any():
            warnings.append(
                f"{int(repeated.sum())} row(s) of {kind.name} appear in more than one export; "
                f"kept the newest export's ({newest[0].file})"
            )
            frame = frame.loc[~repeated]
    return frame.reset_index(drop=True)


def _latest(table: _Table) -> pd.Timestamp:
    for field in ("cycle_start", "workout_start"):
        if field in table.frame.columns and table.frame[field].notna().any():
            return table.frame[field].max()
    return pd.Timestamp.min


def _daily(tables: dict[str, pd.DataFrame], warnings: list[str]) -> DailyData:
    """Assemble the day table from the parsed files."""
    cycles = tables.get(CYCLES.name)
    sleeps = tables.get(SLEEPS.name)
    workouts = tables.get(WORKOUTS.name)
    journal = tables.get(JOURNAL.name)
    if cycles is not None:
        cycles = cycles.assign(day=_cycle_day(cycles))
    main = naps = None
    if sleeps is not None:
        is_nap = sleeps["nap"].eq(1.0) if "nap" in sleeps else pd.Series(False, sleeps.index)
        main = sleeps.loc[~is_nap].assign(day=lambda frame: _cycle_day(frame))
        naps = sleeps.loc[is_nap] if "nap" in sleeps else None

    parts = [_metrics(cycles, main, warnings)]
    if naps is not None and main is not None:
        parts.append(_nap_minutes(naps, main["day"]))
    if workouts is not None:
        covered = pd.DatetimeIndex(cycles["day"].unique()) if cycles is not None else None
        parts.append(_workout_days(workouts, covered, max(_last_days(tables, cycles))))
    registry = dict(REGISTRY)
    if journal is not None:
        dated = [frame for frame in (cycles, main) if frame is not None]
        lookup = _day_lookup(pd.concat(dated)) if dated else pd.Series(dtype="datetime64[us]")
        behaviours, journal_registry = _journal_days(journal, lookup, warnings)
        parts.append(behaviours)
        registry.update(journal_registry)

    table = pd.concat([p for p in parts if not p.empty], axis=1, sort=True).dropna(
        axis=1, how="all"
    )
    table.index = pd.DatetimeIndex(table.index, name="date")
    table.columns.name = None
    return DailyData(table, registry, warnings)


def _metrics(
    cycles: pd.DataFrame | None, main_sleeps: pd.DataFrame | None, warnings: list[str]
) -> pd.DataFrame:
    """Cycle and sleep metrics per day; sleeps.csv fills days (and columns) cycles lack."""
    found = [
        _one_per_day(frame, name, warnings)
        for frame, name in ((cycles, CYCLES.name), (main_sleeps, SLEEPS.name))
        if frame is not None
    ]
    if not found:
        return pd.DataFrame()
    metrics = found[0] if len(found) == 1 else found[0].combine_first(found[1])
    return metrics[[n for n in REGISTRY if n in metrics.columns]]


def _cycle_day(frame: pd.DataFrame) -> pd.Series:
    """Each cycle's (or sleep's) day: the date of its wake onset, else of its start + 12 h."""
    fallback = (frame["cycle_start"] + CYCLE_DATE_OFFSET).dt.normalize()
    if "wake_onset" not in frame:
        return fallback
    return frame["wake_onset"].dt.normalize().fillna(fallback)


def _day_lookup(frame: pd.DataFrame) -> pd.Series:
    """Cycle start → the day its cycle is dated by (the first row of each cycle wins)."""
    known = frame.drop_duplicates("cycle_start")
    return pd.Series(known["day"].to_numpy(), index=known["cycle_start"].to_numpy())


def _one_per_day(frame: pd.DataFrame, name: str, warnings: list[str]) -> pd.DataFrame:
    """One cycle per day: the longest sleep's (the later when equal); report the others."""
    sleep = frame["asleep_min"].fillna(-1.0) if "asleep_min" in frame else 0.0
    ordered = frame.assign(sleep_rank=sleep).sort_values(["day", "sleep_rank", "cycle_start"])
    clash = ordered.duplicated("day", keep=False)
    if clash.any():
        starts = (
            ordered.loc[clash]
            .groupby("day")["cycle_start"]
            .agg(lambda s: " and ".join(s.sort_values().dt.strftime("%Y-%m-%d %H:%M")))
        )
        examples = [f"{day:%Y-%m-%d} (cycles starting {s})" for day, s in starts.items()]
        warnings.append(
            f"{name}: {len(starts)} day(s) have two cycles: {_examples(examples)}; kept on each "
            "day the cycle with the longest sleep (the later one when equal), left the other out"
        )
    kept = ordered.drop_duplicates("day", keep="last").set_index("day")
    return kept[[c for c in kept.columns if c in REGISTRY]]


def _nap_minutes(naps: pd.DataFrame, main_days: pd.Series) -> pd.DataFrame:
    """Minutes napped per day; 0 on days with a main sleep and no nap."""
    nap_day = naps["wake_onset"].fillna(naps["sleep_onset"]) if "wake_onset" in naps else None
    if nap_day is None or "asleep_min" not in naps:
        return pd.DataFrame()
    minutes = naps["asleep_min"].groupby(nap_day.dt.normalize()).sum(min_count=1)
    days = minutes.index.union(pd.DatetimeIndex(main_days.unique()))
    filled = minutes.reindex(days)
    filled[~days.isin(minutes.index)] = 0.0
    return filled.to_frame("nap_min")


def _last_days(tables: dict[str, pd.DataFrame], cycles: pd.DataFrame | None) -> list[pd.Timestamp]:
    """The last day each file of the import reaches (for how far zero workout minutes go)."""
    days = []
    if cycles is not None:
        days.append(cycles["day"].max())
    days.extend(_cycle_day(tables[n]).max() for n in (SLEEPS.name, JOURNAL.name) if n in tables)
    if WORKOUTS.name in tables:
        days.append(tables[WORKOUTS.name]["workout_start"].max().normalize())
    return [d for d in days if pd.notna(d)]


def _workout_days(
    workouts: pd.DataFrame, covered: pd.DatetimeIndex | None, last_day: pd.Timestamp
) -> pd.DataFrame:
    """Workout and zone minutes per day, 0 on covered days without a workout after the first.

    ``covered`` is the days of the export's cycles; None means every day up to ``last_day``.
    """
    day = workouts["workout_start"].dt.normalize()
    minutes = pd.DataFrame({"workout_min": workouts["duration"]})
    for k in HR_ZONES:
        if f"zone{k}_pct" in workouts:
            minutes[f"zone{k}_min"] = workouts["duration"] * workouts[f"zone{k}_pct"] / 100.0
    per_day = minutes.groupby(day).sum(min_count=1)
    first_day = per_day.index.min()
    if covered is None:
        covered = pd.date_range(first_day, last_day, freq="D")
    quiet = covered[(covered >= first_day) & ~covered.isin(per_day.index)]
    zeros = pd.DataFrame(0.0, index=quiet, columns=per_day.columns)
    per_day = pd.concat([per_day, zeros]).sort_index()
    if "workout_strain" in workouts:
        per_day["workout_strain"] = workouts["workout_strain"].groupby(day).max()
    return per_day


def _journal_days(
    journal: pd.DataFrame,
    cycle_days: pd.Series,
    warnings: list[str],
) -> tuple[pd.DataFrame, dict[str, Variable]]:
    """Yes/no behaviours by the day they happened: wake date of the answer's cycle − 1 day."""
    wake_day = cycle_days.reindex(journal["cycle_start"].to_numpy()).to_numpy()
    fallback = (journal["cycle_start"] + CYCLE_DATE_OFFSET).dt.normalize()
    day = fallback.mask(pd.notna(wake_day), wake_day) - pd.Timedelta(days=1)
    names, registry = _question_names(journal["question"], warnings)
    answers = pd.DataFrame(
        {"day": day, "name": journal["question"].map(names), "answer": journal["answer"]}
    )
    grouped = answers.groupby(["day", "name"])["answer"]
    high, low = grouped.max(), grouped.min()
    split = high.ne(low) & high.notna() & low.notna()
    if split.any():
        examples = [f"{name} on {day:%Y-%m-%d}" for day, name in split[split].index]
        warnings.append(
            f"{JOURNAL.name}: both yes and no for {_examples(examples)} (two cycles on one day); "
            "kept yes"
        )
    table = high.unstack("name")  # noqa: PD010 (a Series of one answer per day and question)
    return table[sorted(table.columns)], registry


def _question_names(
    questions: pd.Series, warnings: list[str]
) -> tuple[dict[str, str], dict[str, Variable]]:
    """Column name and registry entry for every distinct (trimmed) question."""
    names: dict[str, str] = {}
    registry: dict[str, Variable] = {}
    empty = questions.eq("")
    if empty.any():
        raise ValueError(
            f"{JOURNAL.name}, row {empty.idxmax():,}, column 'Question text': empty; "
            "expected the question answered"
        )
    for question in questions.unique():
        try:
            name = slugify(question)
        except ValueError as error:
            raise ValueError(f"{JOURNAL.name}, column 'Question text': {error}") from error
        if name in REGISTRY:
            name = f"journal_{name}"
        if name in registry and registry[name].label != question:
            warnings.append(
                f"{JOURNAL.name}: questions {registry[name].label!r} and {question!r} are read as "
                f"one behaviour, {name}"
            )
        names[question] = name
        registry.setdefault(
            name, Variable(name, question, "", "behaviour", FORMAT, None, (), "any")
        )
    return names, registry
