"""A person's own daily log: a CSV (or spreadsheet saved as CSV) with one row per day.

Rules (see the README's "Data formats" section):

- The date column is found by its name (``date``, ``day``, ``Datum``, ``fecha`` …) or else as the
  first column holding only dates. Dates may be ISO (``2024-03-04``, best), ``YYYY/MM/DD``,
  ``DD.MM.YYYY``, or ``DD/MM/YYYY`` / ``MM/DD/YYYY`` when some day is above 12 (the order is then
  stated in the warnings); when every day and month is 12 or less the order cannot be known and
  the file is refused with a request for ISO dates.
- Numeric columns become habits (``kind="habit"``; a person's own log is what they control), except
  names that are body measurements or wearable metrics (weight, mood, resting HR …), which are
  metrics. Yes/no columns (yes/no, y/n, true/false, 1/0) become behaviours (1.0 / 0.0). Columns
  of text (notes) are left out with a warning.
- ``x``/empty: a column that holds nothing but ``x`` (or ✓) uses the tick convention — ``x`` is
  yes and an empty cell is no on the days the person logged (rows with something in any column;
  in a file of tick columns only, every row up to the last tick). In every other column an empty
  cell is missing, never no.
- Rows dated before 2000 or after today are left out, and so are numbers outside the plausible
  range of the variable a column is named after (``steps``, ``weight_kg`` …; any other number must
  be finite and below a billion); each is noted with its row and column.
- ``,``, ``;`` or tab separators; decimal commas with ``;`` or tab; UTF-8 (with or without BOM),
  UTF-16, or Windows-1252/Latin-1 (with a warning).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Kind, Variable, merge_daily, slugify
from pga_core.data.readers._files import (
    MISSING_TOKENS,
    CsvRows,
    ExportFile,
    head_rows,
    header_key,
    read_csv_file,
)
from pga_core.data.readers._plausible import ValueNotes, date_window

__all__ = ["FORMAT", "claims", "read"]

FORMAT = "csv"

#: Column names (as :func:`~pga_core.data.readers._files.header_key` gives them) taken to hold
#: the day, in several languages.
DATE_COLUMN_NAMES = frozenset(
    {
        "date",
        "day",
        "datum",
        "fecha",
        "data",
        "jour",
        "dia",
        "giorno",
        "dag",
        "dato",
        "calendar_date",
        "day_date",
        "local_date",
        "timestamp",
    }
)
#: Yes and no as people write them (English, German, French, Spanish, Portuguese), any case.
YES_TOKENS = frozenset(
    {"yes", "y", "true", "1", "x", "✓", "✔", "ja", "j", "oui", "si", "sí", "sim"}
)
NO_TOKENS = frozenset({"no", "n", "false", "0", "nein", "non", "não", "nao"})
TICK_TOKENS = frozenset({"x", "✓", "✔"})
#: Numeric columns with these names (or name prefixes) are measurements, not habits.
MEASUREMENT_PREFIXES = (
    "weight",
    "body_weight",
    "body_fat",
    "bmi",
    "blood_pressure",
    "systolic",
    "diastolic",
    "glucose",
    "blood_glucose",
    "mood",
    "resting_hr",
    "resting_heart_rate",
    "hrv",
    "heart_rate_variability",
    "recovery",
    "readiness",
    "sleep_score",
    "sleep_performance",
    "vo2_max",
    "temperature",
)
#: A column is numeric (or yes/no) when at least this share of its filled cells are; its other
#: cells are then mistakes to report, not a sign that the column is text.
NUMERIC_MAJORITY = 0.5
#: Data rows looked at when recognising a file by its content.
CLAIM_ROWS = 5
#: A daily table has a date column and at least one value column.
MIN_COLUMNS = 2
#: How many examples a message lists.
MAX_EXAMPLES = 5

#: How most logs write a day, and the only way that is never ambiguous.
ISO_DATE = "%Y-%m-%d"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YEAR_FIRST = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_YEAR_LAST = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}){_TIME}$")
_HAS_TIME = re.compile(r"[ T]\d{1,2}:\d{2}")
_UNIT = re.compile(r"[(\[]([^()\[\]]{1,20})[)\]]\s*$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_MONTHS_IN_YEAR = 12


def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` looks like a daily table: a header row and a date column.

    The date column is one named like a date (``date``, ``Datum`` …) whose first value is a date,
    or else any column whose first values are all plain dates (no times of day). A header alone
    with a date-named column is claimed too, so that it is reported as having no data rows.
    """
    rows = head_rows(file, head, max_rows=CLAIM_ROWS + 1)
    if not rows:
        return False
    header, *body = rows
    body = [row for row in body if len(row) == len(header)]
    if len(header) < MIN_COLUMNS:
        return False
    named = [i for i, h in enumerate(header) if _is_date_name(h)]
    if named and (not body or any(_is_date(body[0][i]) for i in named)):
        return True
    return bool(body) and any(
        all(_is_date(row[i]) and not _HAS_TIME.search(row[i]) for row in body)
        for i in range(len(header))
    )


def _is_date(cell: str) -> bool:
    cell = cell.strip()
    return bool(_YEAR_FIRST.match(cell) or _YEAR_LAST.match(cell))


def _is_date_name(header: str) -> bool:
    key = header_key(header)
    return key in DATE_COLUMN_NAMES or key.startswith("date_")


def read(files: list[ExportFile]) -> DailyData:
    """Read one or more daily CSV logs; where two give the same column, the first file wins.

    Parameters
    ----------
    files : CSV files with one row per day (see the module docstring for the rules).

    Returns
    -------
    DailyData
        One column per numeric or yes/no column (name = slug of the header, label = the header),
        ``source="csv"``. Where files disagree on a day, the warning names both files.

    Raises
    ------
    ValueError
        Naming the file, row and column: no date column, ambiguous or invalid dates, duplicate
        dates, text in a numeric column, an encoding or layout problem.
    """
    parts = [_read_file(file) for file in files]
    if len(parts) == 1:
        return parts[0]
    # Name each part's source after its file so disagreements say which files differ.
    labelled = [
        DailyData(
            part.table,
            {n: _with_source(v, file.basename) for n, v in part.registry.items()},
            part.warnings,
        )
        for part, file in zip(parts, files, strict=True)
    ]
    merged = merge_daily(labelled)
    registry = {n: _with_source(v, FORMAT) for n, v in merged.registry.items()}
    return DailyData(merged.table, registry, merged.warnings)


def _with_source(variable: Variable, source: str) -> Variable:
    return replace(variable, source=source)


def _read_file(file: ExportFile) -> DailyData:
    """Read one daily CSV log (see :func:`read`)."""
    rows, warnings = read_csv_file(file)
    screened = ValueNotes()
    headers = [h.strip() for h in rows.header]
    date_position = _date_column(file.name, rows, headers)
    days, date_note = _parse_dates(file.name, rows, headers[date_position], date_position)
    warnings.extend([date_note] if date_note else [])
    inside = screened.screen_days(
        days, file=file.name, positions=rows.cells.index, window=date_window()
    )
    if not inside.any():  # every row is dated outside the plausible window
        return DailyData(DailyData.empty().table, {}, [*warnings, *screened.lines()])
    days = days[inside]
    values = rows.cells.loc[inside].drop(columns=date_position).apply(lambda c: c.str.strip())
    _check_dates(file.name, days, values)
    filled = values.ne("") & ~values.apply(lambda c: c.str.lower().isin(MISSING_TOKENS))
    decimal_comma = rows.sep != "," and bool(
        values.apply(lambda c: c.str.match(_DECIMAL_COMMA).any()).any()
    )
    taken = {_date_slug(headers[date_position]): headers[date_position]}
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    ticks: dict[str, int] = {}
    for position in values.columns:
        header = headers[position]
        parsed = _parse_column(
            file.name, header, position, values[position], filled[position], decimal_comma, screened
        )
        if isinstance(parsed, str):
            warnings.extend([parsed] if parsed else [])
            continue
        variable, columns[variable.name], is_tick = parsed
        if variable.name in taken:
            raise ValueError(
                f"{file.name}: columns {taken[variable.name]!r} and {header!r} both become "
                f"{variable.name!r}; rename one of them"
            )
        taken[variable.name], registry[variable.name] = header, variable
        if is_tick:
            ticks[variable.name] = position
    if not columns:
        raise ValueError(
            f"{file.name}: no numeric or yes/no column besides {headers[date_position]!r}; "
            "expected one row per day with numbers or yes/no answers"
        )
    table = pd.DataFrame(columns, index=values.index)
    _fill_ticks(table, ticks, filled, days)
    table.index = pd.DatetimeIndex(days.to_numpy(), name="date")
    return DailyData(table, registry, [*warnings, *screened.lines()])


def _date_slug(header: str) -> str:
    try:
        return slugify(header)
    except ValueError:
        return ""


def _date_column(name: str, rows: CsvRows, headers: list[str]) -> int:
    """Position of the date column: a date-named column holding dates, else the first column
    holding only dates, else the first date-named column (whose bad values are then reported)."""
    named = [p for p, header in enumerate(headers) if _is_date_name(header)]
    others = [p for p in rows.cells.columns if p not in named]
    for position in [*named, *others]:
        if _holds_dates(rows.cells[position]):
            return int(position)
    if named:
        return named[0]
    raise ValueError(
        f"{name}: no date column; expected a column named date (or day, Datum, fecha …) holding "
        f"dates like 2024-03-04 (header found: {', '.join(headers)})"
    )


def _holds_dates(cells: pd.Series) -> bool:
    """Whether every filled cell of a column is a date."""
    present = cells.str.strip()
    present = present[present.ne("")]
    if _iso_days(present) is not None and len(present):
        return True
    return bool(len(present)) and bool(
        (present.str.match(_YEAR_FIRST) | present.str.match(_YEAR_LAST)).all()
    )


def _iso_days(cells: pd.Series) -> pd.Series | None:
    """The days of a column written ``YYYY-MM-DD`` throughout (the common case, read in C), or
    None when some filled cell is written otherwise (then the rules below apply)."""
    present = cells.ne("")
    days = pd.to_datetime(cells.where(present), format=ISO_DATE, errors="coerce")
    return days if bool(days.notna().eq(present).all()) else None


def _parse_dates(
    name: str, rows: CsvRows, header: str, position: int
) -> tuple[pd.Series, str | None]:
    """Each row's day (midnight) and a note on the date order read, if it had to be decided."""
    cells = rows.cells[position].str.strip()
    iso = _iso_days(cells)
    if iso is not None:
        return iso, None
    present = cells.ne("")
    year_first = cells.str.extract(_YEAR_FIRST)
    year_last = cells.str.extract(_YEAR_LAST)
    is_first, is_last = year_first[0].notna(), year_last[0].notna()
    where = f"{name}, column {header!r}"
    _refuse_first(
        present & ~is_first & ~is_last,
        cells,
        name,
        header,
        "is not a date; expected dates like 2024-03-04 (ISO, best), 04.03.2024, or 04/03/2024 "
        "in the same order in every row",
    )
    if is_first.any() and is_last.any():
        _refuse_first(
            is_first if is_first.sum() < is_last.sum() else is_last,
            cells,
            name,
            header,
            "is written in another order than the other dates; write every date the same way, "
            "as YYYY-MM-DD (ISO)",
        )
    note = None
    if is_last.any():
        first = pd.to_numeric(year_last[0])
        second = pd.to_numeric(year_last[2])
        day, month, note = _date_order(where, cells, year_last[1], first, second)
        parts = pd.DataFrame({"year": year_last[3], "month": month, "day": day})
    else:
        parts = pd.DataFrame({"year": year_first[0], "month": year_first[2], "day": year_first[3]})
    parts = parts.apply(pd.to_numeric)
    days = pd.to_datetime(parts, errors="coerce")
    _refuse_first(
        present & days.isna(),
        cells,
        name,
        header,
        "is not a day of the calendar; expected a valid date like 2024-03-04",
    )
    if cells.str.contains(_HAS_TIME).any():
        times = "times of day ignored: each row is read as the day it is dated"
        note = f"{name}: {times}" if note is None else f"{note}; {times}"
    return days, note


def _date_order(
    where: str, cells: pd.Series, separators: pd.Series, first: pd.Series, second: pd.Series
) -> tuple[pd.Series, pd.Series, str]:
    """Decide day-first or month-first for ``a/b/yyyy`` dates; refuse when it cannot be known."""
    first_big, second_big = first > _MONTHS_IN_YEAR, second > _MONTHS_IN_YEAR
    if first_big.any() and second_big.any():
        raise ValueError(
            f"{where}: rows {first_big.idxmax():,} and {second_big.idxmax():,} put the day in "
            "different places; write every date as YYYY-MM-DD (ISO)"
        )
    if first_big.any():
        example = cells[first_big.idxmax()]
        return first, second, f"{where}: dates read day first (DD/MM/YYYY, e.g. {example!r})"
    if second_big.any():
        example = cells[second_big.idxmax()]
        return second, first, f"{where}: dates read month first (MM/DD/YYYY, e.g. {example!r})"
    if separators.dropna().eq(".").all():
        return first, second, f"{where}: dates with dots read day first (DD.MM.YYYY)"
    example = cells[first.notna()].iloc[0]
    raise ValueError(
        f"{where}: every day and month is 12 or less, so {example!r} could be read day first or "
        "month first; write the dates as YYYY-MM-DD (ISO) and import the file again"
    )


def _check_dates(name: str, days: pd.Series, values: pd.DataFrame) -> None:
    """Refuse rows with values but no date, and dates on more than one row."""
    undated = days.isna() & values.ne("").any(axis=1)
    if undated.any():
        raise ValueError(f"{name}, row {undated.idxmax():,}: values but no date; expected a date")
    repeated = days[days.notna() & days.duplicated(keep=False)]
    if repeated.empty:
        return
    rows_by_day = repeated.groupby(repeated).groups
    examples = [
        f"{day:%Y-%m-%d} (rows {_rows(list(rows))})"
        for day, rows in list(rows_by_day.items())[:MAX_EXAMPLES]
    ]
    more = len(rows_by_day) - MAX_EXAMPLES
    tail = f" and {more} more" if more > 0 else ""
    raise ValueError(
        f"{name}: dates appear more than once: {', '.join(examples)}{tail}; expected one row per "
        "day — merge or remove the repeated rows"
    )


def _rows(rows: list[int]) -> str:
    """``2 and 3``, or the first few and how many more."""
    shown = " and ".join(f"{r:,}" for r in rows[:MAX_EXAMPLES])
    more = len(rows) - MAX_EXAMPLES
    return f"{shown} and {more:,} more" if more > 0 else shown


def _parse_column(
    name: str,
    header: str,
    position: int,
    cells: pd.Series,
    filled: pd.Series,
    decimal_comma: bool,
    screened: ValueNotes,
) -> tuple[Variable, pd.Series, bool] | str:
    """One column as a variable and its values, or a note on why it was left out.

    Numbers outside the plausible range of the variable the column is named after (any
    number for a name we do not know) are left out and noted in ``screened``.
    """
    if not filled.any():
        return f"{name}: column {header!r} is empty; left out" if header else ""
    if not header:
        raise ValueError(
            f"{name}: column {position + 1} has values but no header; give it a name in row 1"
        )
    try:
        slug = slugify(header)
    except ValueError as error:
        raise ValueError(f"{name}, column {position + 1}: {error}") from error
    lowered = cells.str.lower()
    present = lowered[filled]
    yes, no = present.isin(YES_TOKENS), present.isin(NO_TOKENS)
    text = cells.str.replace(",", ".", regex=False) if decimal_comma else cells
    numbers = pd.to_numeric(text.where(filled), errors="coerce").astype(np.float64)
    is_number = numbers[filled].notna()
    if (yes | no).all():
        values = pd.Series(np.nan, index=cells.index)
        values[filled & lowered.isin(YES_TOKENS)] = 1.0
        values[filled & lowered.isin(NO_TOKENS)] = 0.0
        is_tick = bool(present.isin(TICK_TOKENS).all())
        variable = Variable(slug, header, "", "behaviour", FORMAT, None, (), "any")
        return variable, values, is_tick
    if is_number.mean() >= NUMERIC_MAJORITY:
        _refuse_first(
            filled & numbers.isna(),
            cells,
            name,
            header,
            "is not a number; expected a number (or an empty cell for a day without one)",
        )
        plausible = screened.screen(
            numbers.to_numpy(), variable=slug, file=name, column=header, positions=numbers.index
        )
        return _numeric_variable(slug, header), pd.Series(plausible, index=numbers.index), False
    if (yes | no).mean() >= NUMERIC_MAJORITY:
        _refuse_first(
            filled & ~lowered.isin(YES_TOKENS | NO_TOKENS),
            cells,
            name,
            header,
            "is not yes or no; expected yes/no, y/n, true/false, 1/0 or x",
        )
    return f"{name}: column {header!r} holds text; left out (only numbers and yes/no are read)"


def _refuse_first(bad: pd.Series, cells: pd.Series, name: str, header: str, problem: str) -> None:
    """ValueError naming the first row where ``bad`` holds, its cell and ``problem``."""
    if bad.any():
        row = bad.idxmax()
        raise ValueError(f"{name}, row {row:,}, column {header!r}: {cells[row]!r} {problem}")


def _numeric_variable(slug: str, header: str) -> Variable:
    """A numeric column: a measurement when its name says so, else a habit."""
    unit_match = _UNIT.search(header)
    unit = unit_match.group(1).strip() if unit_match else ""
    if not re.search(r"[^\W\d_]|%|°", unit):  # "(1-5)" is a scale, not a unit
        unit = ""
    kind: Kind = "metric" if slug.startswith(MEASUREMENT_PREFIXES) else "habit"
    return Variable(slug, header, unit, kind, FORMAT, None, (), "mean")


def _fill_ticks(
    table: pd.DataFrame, ticks: dict[str, int], filled: pd.DataFrame, days: pd.Series
) -> None:
    """Empty cells of tick columns are "no" on the days the person logged.

    Logged days are the rows with anything in any column; in a file where nothing but ticks is
    ever written, an empty row cannot tell "no" from "not logged", so every row up to the last
    tick counts as logged.
    """
    if not ticks:
        return
    others = filled.drop(columns=list(ticks.values()))
    if others.to_numpy().any():
        logged = filled.any(axis=1)
    else:
        logged = days <= days[filled[list(ticks.values())].any(axis=1)].max()
    for name in ticks:
        table.loc[logged & table[name].isna(), name] = 0.0
