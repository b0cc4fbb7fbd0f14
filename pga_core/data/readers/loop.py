"""Loop Habit Tracker export (Android): one yes/no behaviour or numeric habit per habit.

Files (the export zip ``Loop Habits CSV <date>.zip``, a folder, or single files):

- ``Checkmarks.csv``: wide — ``Date`` and one column per habit, a trailing comma on every line,
  newest day first, every day from the export day back to the oldest entry.
- ``Habits.csv``: one row per habit (names, yes/no or numerical, unit); the header of Loop 2
  (``Type``, ``Unit``, ``FrequencyNumerator`` …) or the older one (``NumRepetitions``,
  ``Interval``). Optional: without it, a habit is numerical when it holds other values than the
  yes/no codes.
- ``NNN <habit>/Checkmarks.csv``: one habit, ``Date,Value,Notes`` (or no header at all), only days
  with an entry; read for habits the wide file does not have.
- ``Scores.csv`` and ``NNN <habit>/Scores.csv``: Loop's own habit-strength score, computed from the
  checks; recognised, and not read.

Values (Loop's ``Entry``):

- ``YES_MANUAL`` (2): you checked the habit that day → yes (1.0).
- ``NO`` (0): you marked it ✗ → no (0.0).
- ``YES_AUTO`` (1): Loop filled the day in from the habit's frequency (with "3 times a week", the
  days after a check that the target still covers). Not logged (NaN): you did nothing that day,
  and Loop writes ``YES_AUTO`` over a ✗ you set inside such a stretch, so it is neither a yes nor
  a reliable no.
- ``UNKNOWN`` (-1) and ``SKIP``: not logged (NaN).
- Numerical habits: Loop stores value × 1000 (``7350`` is 7.35); read divided by 1000,
  ``UNKNOWN`` / -1 missing. Any other negative number is impossible: left out and reported.
- Older exports write the codes as numbers (-1, 0, 1, 2); one Loop release wrote every cell as
  ``Entry(timestamp=2023-04-04, value=2)`` (unquoted, so its comma splits the cell): read by its
  value.

Dates are ISO (``2025-12-04``) or, in files re-saved by a spreadsheet, ``MM-DD-YY`` /
``DD-MM-YY`` — the order is taken from a day above 12, or else from the wide file's consecutive
days, and stated. Days before 2000 or after today are left out and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Kind, Variable, slugify
from pga_core.data.readers._files import (
    CsvRows,
    ExportFile,
    head_rows,
    head_text,
    header_key,
    read_csv_file,
    read_csv_rows,
    read_text,
)
from pga_core.data.readers._plausible import ValueNotes, date_window

__all__ = ["FORMAT", "claims", "read"]

FORMAT = "loop"

#: Loop's entry codes as the export writes them (``Entry.formattedValue``).
YES_MANUAL, YES_AUTO, NO, UNKNOWN = 2, 1, 0, -1
CODES = {"YES_MANUAL": YES_MANUAL, "YES_AUTO": YES_AUTO, "NO": NO, "UNKNOWN": UNKNOWN}
#: ``SKIP`` (a day set aside) is 3 in current releases and was -3 in earlier ones.
SKIP_CODES = (3, -3)
#: Numerical habits are stored as value × this.
NUMERIC_SCALE = 1000.0
#: Data rows looked at when recognising a file.
CLAIM_ROWS = 5
#: Two-digit years are this century's.
CENTURY = 2000
_TWO_DIGIT_YEARS = 100
_MONTHS_IN_YEAR = 12
#: How many examples a note lists.
MAX_EXAMPLES = 5

_ENTRY_CELL = re.compile(r"Entry\(timestamp=[^,()]*,\s*value=(-?\d+)[^)]*\)")
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SCORE = re.compile(r"^\d\.\d{4}$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SHORT_DAY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$")
_HABIT_FOLDER = re.compile(r"^(\d{3}) (.*)$")
_HABITS_KEYS = frozenset({"position", "name", "question"})


@dataclass(frozen=True)
class _Habit:
    """A habit as ``Habits.csv`` describes it."""

    name: str
    position: int | None
    numerical: bool | None
    unit: str


@dataclass(frozen=True)
class _Grid:
    """Entries read from one checkmarks file: one column per habit (as named), raw codes."""

    file: str
    values: pd.DataFrame
    wide: bool


# --- recognising the files -----------------------------------------------------------------------
def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is one of a Loop export's CSV files, judged by its content.

    ``Habits.csv`` by its header; the checkmarks files by a ``Date`` column whose other cells are
    Loop's codes (``YES_MANUAL`` …, the older -1/0/1/2 with a -1 among them, or ``Entry(…)``
    cells); the wide files also by their trailing comma; the score files by their four-decimal
    scores from 0 to 1.
    """
    return _kind(file, head) is not None


def _kind(file: ExportFile, head: bytes) -> str | None:
    """``habits``, ``checkmarks``, ``scores`` or None (not a Loop file)."""
    rows = head_rows(file, head, max_rows=CLAIM_ROWS + 1)
    if not rows:
        return None
    keys = [header_key(cell) for cell in rows[0]]
    if keys[:2] == ["position", "name"] and set(keys) >= _HABITS_KEYS:
        return "habits"
    if keys in (["date", "score"], ["date", "score", ""]):
        return "scores" if _all_scores(rows[1:]) else None
    # One habit's file: integers alone (a numerical habit) count inside an ``NNN habit`` folder.
    in_folder = _in_habit_folder(file)
    single = [row[:2] for row in rows]  # the date and the value, not the notes
    if keys in (["date", "value"], ["date", "value", "notes"]):
        return "checkmarks" if _all_codes(file, head, single[1:], need_sign=not in_folder) else None
    if _is_day(rows[0][0]) and len(rows[0]) in (2, 3):
        return "checkmarks" if _all_codes(file, head, single, need_sign=not in_folder) else None
    if not keys or keys[0] != "date" or len(keys) < 2:
        return None
    trailing = rows[0][-1].strip() == ""
    if trailing and len(keys) >= 3 and len(rows) > 1 and _all_scores(rows[1:]):
        return "scores"
    if _all_codes(file, head, rows[1:], need_sign=not trailing):
        return "checkmarks"
    return "checkmarks" if trailing and len(rows) == 1 else None


def _unclaimed_kind(file: ExportFile) -> str:
    """A file handed to the reader that it would not claim: a checkmarks file when it starts
    with a date column (so its faults are named), else refused."""
    text, _ = read_text(file)  # an empty or binary file is refused here, as such
    first = text.split("\n", 1)[0].split(",")[0].strip()
    if header_key(first) == "date" or _is_day(first):
        return "checkmarks"
    raise ValueError(
        f"{file.name}: not a Loop Habit Tracker file; expected Checkmarks.csv (Date and a "
        "column per habit), Habits.csv or a habit's own Checkmarks.csv"
    )


def _in_habit_folder(file: ExportFile) -> bool:
    parent = PurePosixPath(file.name.replace("\\", "/")).parent.name
    return _HABIT_FOLDER.match(parent) is not None


def _is_day(cell: str) -> bool:
    cell = cell.strip()
    return bool(_ISO_DAY.match(cell) or _SHORT_DAY.match(cell))


def _all_scores(rows: list[list[str]]) -> bool:
    cells = [c.strip() for row in rows for c in row[1:] if c.strip()]
    return (
        bool(rows)
        and all(_is_day(row[0]) for row in rows)
        and bool(cells)
        and all(_SCORE.match(c) and float(c) <= 1.0 for c in cells)
    )


def _all_codes(file: ExportFile, head: bytes, rows: list[list[str]], *, need_sign: bool) -> bool:
    """Whether data rows hold Loop entries: codes, integers or ``Entry(…)`` cells after a day.

    ``need_sign``: plain integers alone count only when a -1 (unknown) is among them, so a
    person's own table of counts is not taken for a Loop export.
    """
    if not rows:
        return False
    text = head_text(file, head) or ""
    if "Entry(timestamp=" in text:
        return True
    cells = [c.strip() for row in rows for c in row[1:] if c.strip()]
    if not all(_is_day(row[0]) for row in rows) or not cells:
        return False
    if any(c in CODES or c == "SKIP" for c in cells):
        return all(c in CODES or c == "SKIP" or _INTEGER.match(c) for c in cells)
    return all(_INTEGER.match(c) for c in cells) and (not need_sign or "-1" in cells)


# --- reading ----------------------------------------------------------------------------------
def read(files: list[ExportFile]) -> DailyData:
    """Read the files of one or more Loop exports into one behaviour or habit per habit.

    Parameters
    ----------
    files : the claimed files: ``Checkmarks.csv`` (wide or per habit), optionally ``Habits.csv``;
        score files are recognised and not read. Where two exports give the same habit on the
        same day, the newer export's entry is kept.

    Returns
    -------
    DailyData
        One column per habit, named by the slug of its name (label: the name as written),
        ``source="loop"``: yes/no habits as behaviours (1.0 check, 0.0 ✗, NaN not logged or
        filled in by Loop), numerical habits as habits in their own unit. Warnings: codes read
        as not logged, the date order, values and days left out, files not read.

    Raises
    ------
    ValueError
        Naming the file (and row and column): no checkmarks file, a file without data rows, a
        cut-off file, a value that is not a Loop entry, unreadable or ambiguous dates, a day
        twice in one file, a habit without a name, or a file that is not one of Loop's.
    """
    notes: list[str] = []
    screened = ValueNotes()
    habits: dict[str, _Habit] = {}
    grids: list[_Grid] = []
    scores: list[str] = []
    for file in files:
        kind = _kind(file, file.head()) or _unclaimed_kind(file)
        if kind == "habits":
            for habit in _read_habits(file, notes):
                habits.setdefault(habit.name, habit)
        elif kind == "scores":
            scores.append(file.basename)
        else:
            grids.append(_read_checkmarks(file, notes, screened))
    if not grids:
        names = ", ".join(f.name for f in files)
        raise ValueError(
            f"{names}: the Loop export's checks are in Checkmarks.csv; add it (or the whole zip)"
        )
    grids = _name_single_habits(grids, habits)
    if scores:
        notes.append(
            f"{', '.join(sorted(set(scores)))}: Loop's habit-strength scores are computed by Loop "
            "from your checks; not read"
        )
    return _daily(_combine(grids, notes), habits, [*notes, *screened.lines()])


def _read_habits(file: ExportFile, notes: list[str]) -> list[_Habit]:
    """The habits ``Habits.csv`` lists (name, position, yes/no or numerical, unit)."""
    rows, decoding = read_csv_file(file, allow_empty=True)
    notes.extend(decoding)
    keys = {header_key(cell): i for i, cell in enumerate(rows.header)}
    habits = []
    for row, cells in rows.cells.iterrows():
        name = cells[keys["name"]].strip()
        if not name:
            raise ValueError(f"{file.name}, row {row:,}, column 'Name': empty; expected a name")
        position = cells[keys["position"]].strip() if "position" in keys else ""
        kind = cells[keys["type"]].strip().upper() if "type" in keys else ""
        habits.append(
            _Habit(
                name=name,
                position=int(position) if position.isdigit() else None,
                numerical={"NUMERICAL": True, "YES_NO": False}.get(kind),
                unit=cells[keys["unit"]].strip() if "unit" in keys else "",
            )
        )
    return habits


def _read_checkmarks(file: ExportFile, notes: list[str], screened: ValueNotes) -> _Grid:
    """One checkmarks file (wide or one habit) as raw entry codes by day; rows dated outside the
    plausible window and impossible (negative) numbers left out, and noted."""
    text, decoding = read_text(file)
    notes.extend(decoding)
    text, broken = _ENTRY_CELL.subn(r"\1", text)
    if broken:
        notes.append(
            f"{file.name}: {broken:,} cells written as Entry(timestamp=…, value=…) (a fault of "
            "one Loop release) read by their value"
        )
    first = text.split("\n", 1)[0].split(",")
    headerless = _is_day(first[0])
    if headerless:  # a per-habit file without its header row
        text = ",".join(["Date", "Value", "Notes"][: len(first)]) + "\n" + text
    rows = read_csv_rows(file.name, text, allow_empty=True)
    if headerless:
        rows = CsvRows(rows.header, rows.cells.set_axis(rows.cells.index - 1), rows.sep)
    if rows.cells.empty:
        raise ValueError(f"{file.name}: no data rows, only the header; expected a row per day")
    wide = header_key(rows.header[1]) != "value"
    names, cells = _habit_columns(file.name, rows, wide)
    written = [rows.header[p].strip() for p in cells]
    notes.extend(
        f"{file.name}: two habits are called {old!r}; the second is {new!r}"
        for old, new in zip(written, names, strict=True)
        if wide and old != new
    )
    days, date_note = _days(file.name, rows.cells[0], consecutive=wide)
    notes.extend([date_note] if date_note else [])
    values = _codes(file.name, rows, cells, names)
    values.columns = names
    row_numbers = rows.cells.index.to_numpy()
    for habit in names:
        column = values[habit]
        negative = (column < 0) & ~column.isin([UNKNOWN, *SKIP_CODES])
        screened.add(
            file.name,
            row_numbers[negative.to_numpy()].tolist(),
            problem="negative",
            column=habit,
            values=column[negative].tolist(),
            reason="Loop counts and measures from 0 up",
        )
        values[habit] = column.mask(negative)
    values.index = days
    kept = screened.screen_days(days, file=file.name, positions=row_numbers, window=date_window())
    values = values.loc[kept]
    _refuse_repeated_days(file.name, values)
    return _Grid(file.name, values, wide)


def _habit_columns(name: str, rows: CsvRows, wide: bool) -> tuple[list[str], list[int]]:
    """Habit names and the positions of their columns (a wide file's trailing column dropped)."""
    header = [cell.strip() for cell in rows.header]
    positions = list(range(1, len(header)))
    if wide and header[-1] == "":
        trailing = rows.cells[len(header) - 1].str.strip().ne("")
        if trailing.any():
            row = trailing.idxmax()
            raise ValueError(
                f"{name}, row {row:,}: a value after the last habit column; expected Loop's "
                "trailing comma to end every row"
            )
        positions = positions[:-1]
    if not wide:  # named after its folder (``001 Vaping``), see _name_single_habits
        path = PurePosixPath(name.replace("\\", "/"))
        return [path.parent.name or path.stem], [1]
    empty = [p for p in positions if not header[p]]
    if empty:
        raise ValueError(
            f"{name}: column {empty[0] + 1} has no habit name; expected Date and one column per "
            "habit, as Loop writes Checkmarks.csv"
        )
    return _distinct([header[p] for p in positions]), positions


def _distinct(names: list[str]) -> list[str]:
    """Habit names made distinct: a second habit called ``Milk`` is ``Milk (2)``."""
    seen: dict[str, int] = {}
    distinct = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        distinct.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return distinct


def _codes(name: str, rows: CsvRows, positions: list[int], names: list[str]) -> pd.DataFrame:
    """Each cell's Loop code or stored number (NaN for an empty cell or ``SKIP``)."""
    cells = rows.cells[positions].apply(lambda column: column.str.strip())
    coded = cells.replace({**{k: str(v) for k, v in CODES.items()}, "SKIP": ""})
    bad = coded.ne("") & ~coded.apply(lambda column: column.str.match(_NUMBER))
    if bad.to_numpy().any():
        row, column = _first(bad)
        raise ValueError(
            f"{name}, row {row:,}, column {names[positions.index(column)]!r}: "
            f"{cells.loc[row, column]!r} is not a Loop entry; expected YES_MANUAL, YES_AUTO, NO, "
            "UNKNOWN, SKIP or a number"
        )
    return coded.where(coded.ne("")).astype(np.float64).reset_index(drop=True)


def _first(mask: pd.DataFrame) -> tuple[int, int]:
    """Row label and column label of the first True cell, row by row."""
    i, j = np.argwhere(mask.to_numpy())[0]
    return int(mask.index[i]), int(mask.columns[j])


def _days(name: str, cells: pd.Series, *, consecutive: bool) -> tuple[pd.DatetimeIndex, str]:
    """Each row's day, and a note on the date order when it had to be decided."""
    text = cells.str.strip()
    iso = text.str.extract(_ISO_DAY)
    short = text.str.extract(_SHORT_DAY)
    bad = iso[0].isna() & short[0].isna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(
            f"{name}, row {row:,}, column 'Date': {cells[row]!r} is not a date; expected dates "
            "like 2025-12-04"
        )
    parts = iso.astype(float).rename(columns={0: "year", 1: "month", 2: "day"})
    note = ""
    if short[0].notna().any():
        first, second = short[0].astype(float), short[2].astype(float)
        year = short[3].astype(float)
        year = year.where(year >= _TWO_DIGIT_YEARS, year + CENTURY)
        month_first = _month_first(name, text, first, second, consecutive, year)
        month, day = (first, second) if month_first else (second, first)
        order = "MM-DD-YY" if month_first else "DD-MM-YY"
        example = text[short[0].notna()].iloc[0]
        note = f"{name}: dates read {'month' if month_first else 'day'} first ({order}, e.g. "
        note += f"{example!r})"
        parts = parts.fillna(pd.DataFrame({"year": year, "month": month, "day": day}))
    days = pd.to_datetime(parts[["year", "month", "day"]], errors="coerce")
    if days.isna().any():
        row = days.isna().idxmax()
        raise ValueError(
            f"{name}, row {row:,}, column 'Date': {cells[row]!r} is not a day of the calendar"
        )
    return pd.DatetimeIndex(days.to_numpy()), note


def _month_first(
    name: str,
    text: pd.Series,
    first: pd.Series,
    second: pd.Series,
    consecutive: bool,
    year: pd.Series,
) -> bool:
    """Whether ``a-b-yy`` dates put the month first: by a part above 12, else by consecutive days
    (the wide file has every day); refuse when neither tells."""
    first_big, second_big = (first > _MONTHS_IN_YEAR).any(), (second > _MONTHS_IN_YEAR).any()
    if first_big and second_big:
        raise ValueError(
            f"{name}: some dates put the day first and others the month; expected one order "
            "(YYYY-MM-DD is best)"
        )
    if first_big or second_big:
        return bool(second_big)
    if consecutive and len(text) > 1:
        for month_first in (True, False):
            month, day = (first, second) if month_first else (second, first)
            days = pd.to_datetime(
                pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
            )
            steps = days.diff().dropna().abs()
            if days.notna().all() and (steps == pd.Timedelta(days=1)).all():
                return month_first
    raise ValueError(
        f"{name}: every day and month in the dates is 12 or less, so {text.iloc[0]!r} could be "
        "read day first or month first; export again from Loop (it writes YYYY-MM-DD)"
    )


def _refuse_repeated_days(name: str, values: pd.DataFrame) -> None:
    repeated = values.index[values.index.duplicated()]
    if len(repeated):
        raise ValueError(
            f"{name}: the day {repeated[0]:%Y-%m-%d} appears more than once; expected one row "
            "per day — export again from Loop"
        )


def _name_single_habits(grids: list[_Grid], habits: dict[str, _Habit]) -> list[_Grid]:
    """Name each per-habit file's column after its habit: by the folder's position in
    ``Habits.csv``, else the folder's name without the number."""
    by_position = {h.position: h.name for h in habits.values() if h.position is not None}
    named = []
    for grid in grids:
        if grid.wide:
            named.append(grid)
            continue
        match = _HABIT_FOLDER.match(str(grid.values.columns[0]))
        position, folder_name = (int(match[1]), match[2]) if match else (None, "")
        known = by_position.get(position) if position is not None else None
        habit = known or folder_name or str(grid.values.columns[0])
        named.append(_Grid(grid.file, grid.values.set_axis([habit], axis=1), wide=False))
    return named


def _combine(grids: list[_Grid], notes: list[str]) -> pd.DataFrame:
    """One column per habit: wide files newest export first, then per-habit files for habits no
    wide file has."""
    newest_first = sorted(grids, key=lambda g: g.values.index.max(), reverse=True)
    wide = [g for g in newest_first if g.wide]
    single = [g for g in newest_first if not g.wide]
    combined = pd.DataFrame(index=pd.DatetimeIndex([]))
    for grid in wide:
        combined = combined.combine_first(grid.values)
    if len(wide) > 1:
        notes.append(
            f"{len(wide)} Loop exports: where they overlap, kept the newest ({wide[0].file})"
        )
    repeated = []
    for grid in single:
        habit = grid.values.columns[0]
        if habit in combined.columns and wide:
            repeated.append(grid.file)
            continue
        combined = combined.combine_first(grid.values)
    if repeated:
        notes.append(
            f"{len(repeated)} per-habit Checkmarks.csv file(s) repeat habits of the main "
            "Checkmarks.csv; read from there"
        )
    order = list(dict.fromkeys(h for g in newest_first for h in g.values.columns))
    return combined[[h for h in order if h in combined.columns]]


def _daily(raw: pd.DataFrame, habits: dict[str, _Habit], notes: list[str]) -> DailyData:
    """Codes and stored numbers → behaviours and habits, with their registry."""
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    auto_days = 0
    never_no: list[str] = []
    nothing: list[str] = []
    kind: Kind
    for habit in raw.columns:
        codes = raw[habit]
        info = habits.get(habit, _Habit(habit, None, None, ""))
        numerical = info.numerical
        if numerical is None:  # without Habits.csv: numerical when it holds more than codes
            numerical = bool((~codes.dropna().isin([*CODES.values(), *SKIP_CODES])).any())
        if numerical:
            values = codes.where(~codes.isin([UNKNOWN, *SKIP_CODES])) / NUMERIC_SCALE
            kind, aggregation = "habit", "sum"
        else:
            values = codes.map({YES_MANUAL: 1.0, NO: 0.0})
            auto_days += int(codes.eq(YES_AUTO).sum())
            if values.eq(1.0).any() and not values.eq(0.0).any():
                never_no.append(habit)
            kind, aggregation = "behaviour", "any"
        if values.isna().all():
            nothing.append(habit)
            continue
        name = _unique_name(habit, registry, notes)
        columns[name] = values.astype(np.float64)
        registry[name] = Variable(
            name, habit, info.unit if numerical else "", kind, FORMAT, None, (), aggregation
        )
    _summarise(notes, auto_days, never_no, nothing)
    if not columns:
        raise ValueError(
            "Loop export: no habit has a check, a ✗ or a value on any day; nothing to read"
        )
    table = pd.DataFrame(columns).dropna(how="all")  # a day with nothing logged is no day
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, registry, notes)


def _unique_name(habit: str, registry: dict[str, Variable], notes: list[str]) -> str:
    """The habit's column name: the slug of its name, numbered when two habits share it."""
    try:
        base = slugify(habit)
    except ValueError:
        base = "loop_habit"
    name, number = base, 2
    while name in registry:
        name, number = f"{base}_{number}", number + 1
    if name != base:
        notes.append(
            f"habits {registry[base].label!r} and {habit!r} share the column name {base!r}; "
            f"the second is {name!r}"
        )
    return name


def _summarise(notes: list[str], auto_days: int, never_no: list[str], nothing: list[str]) -> None:
    """The plain-language notes on what was read as not logged or left out."""
    if auto_days:
        notes.append(
            f"{auto_days:,} habit-day(s) that Loop filled in from a habit's frequency (YES_AUTO) "
            "read as not logged: only your own checks count as yes"
        )
    if never_no:
        notes.append(
            f"{_listed(never_no)}: checked on some days and never marked ✗; a day without a "
            "check is unknown (Loop writes UNKNOWN), not 'no', so there is nothing to compare "
            "the checked days with"
        )
    if nothing:
        notes.append(f"{_listed(nothing)}: nothing logged on any day; left out")


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_EXAMPLES])
    more = len(items) - MAX_EXAMPLES
    return shown + (f" and {more} more" if more > 0 else "")
