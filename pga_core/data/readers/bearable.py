"""Bearable export: mood, energy, symptoms, factors and medication, one row per logged item.

File: ``bearable-export-DD-MM-YYYY.csv`` with the header
``date,weekday,time of day,category,rating/amount,detail,notes`` (every cell quoted). Dates are
written ``22nd Sep 2020``; ``time of day`` is a clock time (``03:00``, ``3:04``) or a part of the
day (``pre``, ``am``, ``mid``, ``pm``, ``all day``) and is not needed: an item counts on its
date. Rows are not in time order. ``detail`` holds ``|``-joined labels. Bearable exports a month
at a time; several files are read together (a day in two files keeps the newer file's rows).

Per category:

- ``Mood`` (rating 1–10) and ``Energy`` (its rating): the day's mean, ``bearable_mood`` and
  ``bearable_energy`` (Bearable's own scales, not comparable with Daylio's 1–5 mood).
- ``Symptom`` (``Stress (Mild)``, rating 0–3; ``(Mild)`` 1, ``(Moderate)`` 2, ``(Severe)`` 3):
  the day's worst severity, ``symptom_<name>``.
- ``Factors``, ``Food Diary factors`` and other ``… factors``: each label a yes/no behaviour.
- ``Meds/Supplements`` (``Hydroxyzine (mg)``, amount 50): the day's total dose,
  ``dose_<name>`` in the unit written.
- Other categories (gratitudes, notes …) are not read; the warnings name them.

A symptom, factor or medication not listed on a day when its category was logged is 0 (no) that
day, from the first day it appears on: the person filled that part in, and it was not among the
items. Other days are not logged. Values outside their scale (a mood of 12, a negative dose) and
days before 2000 or after today are left out and reported with file, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Variable, slugify
from pga_core.data.readers._files import ExportFile, head_rows, header_key, read_csv_file
from pga_core.data.readers._plausible import ValueNotes, date_window

__all__ = ["FORMAT", "claims", "read"]

FORMAT = "bearable"

#: The columns every Bearable export has (as ``header_key`` gives them).
REQUIRED_COLUMNS = ("date", "category", "rating_amount", "detail")
#: Categories read, in lower case, and the plausible range of their rating.
MOOD_CATEGORY, ENERGY_CATEGORY = "mood", "energy"
SYMPTOM_CATEGORY, MEDS_CATEGORY = "symptom", "meds/supplements"
FACTOR_SUFFIX = "factors"
#: Symptom severities: Bearable's words in the detail, and the scale (parsers describe a fourth
#: step, ``Unbearable``/``Extreme``, so 4 is accepted too).
SEVERITY_WORDS = {"none": 0.0, "mild": 1.0, "moderate": 2.0, "severe": 3.0, "unbearable": 4.0,
                  "extreme": 4.0}  # fmt: skip
SEVERITY_RANGE = (0.0, 4.0)
#: The plausible range of ``rating/amount`` per category ("" for every other category), and why.
_SCALES: tuple[tuple[str, tuple[float, float], str], ...] = (
    (MOOD_CATEGORY, (1.0, 10.0), "Bearable rates mood from 1 to 10"),
    (ENERGY_CATEGORY, (1.0, 10.0), "Bearable rates energy on a scale up to 10"),
    (SYMPTOM_CATEGORY, SEVERITY_RANGE, "symptom severity runs from 0 (none) to 3 (severe)"),
    ("", (0.0, np.inf), "amounts and doses are 0 or more"),
)
MOOD = Variable("bearable_mood", "Mood (Bearable)", "1–10", "metric", FORMAT, True, (), "mean")
ENERGY = Variable("bearable_energy", "Energy (Bearable)", "", "metric", FORMAT, True, (), "mean")

#: Month names as Bearable writes them (``Sep``), and in full.
MONTHS = {
    name: number
    for names in (
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "january february march april may june july august september october november december",
    )
    for number, name in enumerate(names.split(), start=1)
} | {"sept": 9}
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: ``Stress (Mild)`` → name and severity word; ``Hydroxyzine (mg)`` → name and unit.
_IN_BRACKETS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


#: What a category makes of one label and its number: the column, its variable and the value.
_Describe = Callable[[str, float], tuple[str, Variable, float]]


@dataclass(frozen=True)
class _Items:
    """One file's rows: day, category (lower case), labels, number; index: the row numbers."""

    file: str
    frame: pd.DataFrame


def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is a Bearable export: its header has Bearable's columns."""
    rows = head_rows(file, head)
    keys = {header_key(cell) for cell in rows[0]} if rows else set()
    return keys >= {*REQUIRED_COLUMNS, "time_of_day"}


def read(files: list[ExportFile]) -> DailyData:
    """Read one or more Bearable exports into daily mood, energy, symptoms, factors and doses.

    Parameters
    ----------
    files : Bearable CSV exports (one month each, or more). A day found in two files keeps the
        rows of the file reaching furthest.

    Returns
    -------
    DailyData
        ``bearable_mood``, ``bearable_energy`` (daily means), ``symptom_<name>`` (worst severity
        of the day, 0–3), one behaviour per factor (named by the slug of its label),
        ``dose_<name>`` (daily total, in the unit written), ``source="bearable"``.

    Raises
    ------
    ValueError
        Naming the file (and row and column): a header without Bearable's columns, no rows, a
        cut-off file, a date that cannot be read, a rating that is not a number.
    """
    notes: list[str] = []
    screened = ValueNotes()
    rows = _combine([_read_file(file, notes, screened) for file in files], notes)
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    for variable, key in ((MOOD, MOOD_CATEGORY), (ENERGY, ENERGY_CATEGORY)):
        rated = rows.loc[rows["category"].eq(key)]
        if rated["number"].notna().any():
            columns[variable.name] = rated.groupby("day")["number"].mean()
            registry[variable.name] = variable
    items = rows.explode("label").dropna(subset=["label"])
    category = items["category"]
    groups: tuple[tuple[pd.Series, _Describe, str], ...] = (
        (category.eq(SYMPTOM_CATEGORY), _symptom, "max"),
        (category.str.endswith(FACTOR_SUFFIX), _factor, "max"),
        (category.eq(MEDS_CATEGORY), _dose, "sum"),
    )
    for chosen, describe, how in groups:
        found, found_registry = _listed_items(items.loc[chosen], describe, how, notes)
        columns |= found
        registry |= found_registry
    notes.extend(screened.lines())
    _note_unread(rows, notes)
    table = pd.DataFrame(columns).dropna(how="all").dropna(axis=1, how="all")
    table.index = pd.DatetimeIndex(table.index, name="date")
    return DailyData(table, {n: registry[n] for n in table.columns}, notes)


def _read_file(file: ExportFile, notes: list[str], screened: ValueNotes) -> _Items:
    """One export's rows with their numbers read; rows dated outside the plausible window and
    ratings outside their scale left out, and noted."""
    rows, decoding = read_csv_file(file, allow_empty=True)
    notes.extend(decoding)
    keys = [header_key(cell) for cell in rows.header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise ValueError(
            f"{file.name}: not a Bearable export (no {', '.join(missing)} column); expected "
            "date,weekday,time of day,category,rating/amount,detail,notes"
        )
    if rows.cells.empty:
        raise ValueError(f"{file.name}: no data rows, only the header; expected logged items")
    cells = rows.cells.set_axis(keys, axis=1)
    days = _days(file.name, cells, keys)
    frame = pd.DataFrame(
        {
            "day": days,
            "category": cells["category"].str.strip().str.lower(),
            "category_label": cells["category"].str.strip(),
            "label": cells["detail"].map(_labels),
            "number": _numbers(file.name, cells["rating_amount"]),
        }
    )
    return _Items(file.name, _plausible(file.name, frame, screened))


def _days(name: str, cells: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Each row's day, from ``date`` (``22nd Sep 2020``) or an ISO ``date formatted``."""
    if "date_formatted" in keys:
        text = cells["date_formatted"].str.strip()
        iso = pd.to_datetime(text.str[:10].where(text.str.match(_ISO_DAY)), errors="coerce")
    else:
        iso = pd.Series(pd.NaT, index=cells.index)
    text = cells["date"].str.strip()
    parts = text.str.extract(_DAY)
    days = pd.to_datetime(
        pd.DataFrame(
            {
                "year": pd.to_numeric(parts[2]),
                "month": parts[1].str.lower().map(MONTHS),
                "day": pd.to_numeric(parts[0]),
            }
        ),
        errors="coerce",
    )
    days = iso.fillna(days)
    if days.isna().any():
        row = days.isna().idxmax()
        raise ValueError(
            f"{name}, row {row:,}, column 'date': {text[row]!r} is not a date; expected a date "
            "like '22nd Sep 2020'"
        )
    return days


def _labels(detail: str) -> list[str]:
    return [label.strip() for label in detail.split("|") if label.strip()]


def _numbers(name: str, cells: pd.Series) -> pd.Series:
    """The ``rating/amount`` column as numbers (NaN when empty); text there is refused."""
    text = cells.str.strip()
    numbers = pd.to_numeric(text.where(text.ne("")), errors="coerce")
    bad = text.ne("") & numbers.isna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(
            f"{name}, row {row:,}, column 'rating/amount': {text[row]!r} is not a number; "
            "expected a rating or an amount (or nothing)"
        )
    return numbers.astype(np.float64)


def _plausible(name: str, frame: pd.DataFrame, screened: ValueNotes) -> pd.DataFrame:
    """Rows dated outside the plausible window left out; a rating outside its category's scale
    (or a negative amount) made missing; each noted by row."""
    kept = screened.screen_days(
        frame["day"], file=name, positions=frame.index, window=date_window()
    )
    frame = frame.loc[kept].copy()
    for category, (low, high), reason in _SCALES:
        rows = (
            frame["category"].eq(category)
            if category
            else ~frame["category"].isin([c for c, _, _ in _SCALES if c])
        )
        number = frame["number"]
        below = "negative" if low == 0 else f"below {low:g}"
        for outside, problem in ((rows & (number < low), below),
                                 (rows & (number > high), f"above {high:g}")):  # fmt: skip
            screened.add(
                name,
                frame.index[outside].tolist(),
                problem=problem,
                column="rating/amount",
                values=number[outside].tolist(),
                reason=reason,
            )
            frame.loc[outside, "number"] = np.nan
    return frame


def _combine(parts: list[_Items], notes: list[str]) -> pd.DataFrame:
    """All files' items; a day in two files keeps the rows of the one reaching furthest."""
    ordered = sorted(parts, key=lambda p: p.frame["day"].max(), reverse=True)
    kept, covered, overlapping = [], pd.DatetimeIndex([]), []
    for part in ordered:
        repeated = part.frame["day"].isin(covered)
        if repeated.any():
            overlapping.append(part.file)
        kept.append(part.frame.loc[~repeated])
        covered = covered.union(pd.DatetimeIndex(part.frame["day"].unique()))
    if overlapping:
        notes.append(
            f"{', '.join(overlapping)}: days also in a newer Bearable export; kept that export's "
            f"rows ({ordered[0].file})"
        )
    return pd.concat(kept)


# --- symptoms, factors and doses -------------------------------------------------------------
def _symptom(label: str, number: float) -> tuple[str, Variable, float]:
    """``Stress (Mild)`` → the symptom's column, its variable and the severity."""
    match = _IN_BRACKETS.match(label)
    name, word = (match[1], match[2].strip().lower()) if match else (label, "")
    severity = SEVERITY_WORDS.get(word, number)
    column = f"symptom_{_slug(name)}"
    return (
        column,
        Variable(column, f"{name} (symptom)", "0–3", "metric", FORMAT, False, (), "max"),
        severity,
    )


def _factor(label: str, number: float) -> tuple[str, Variable, float]:
    """A factor label → its yes/no behaviour (yes on this day)."""
    column = _slug(label)
    if column in (MOOD.name, ENERGY.name):
        column = f"factor_{column}"
    return column, Variable(column, label, "", "behaviour", FORMAT, None, (), "any"), 1.0


def _dose(label: str, number: float) -> tuple[str, Variable, float]:
    """``Hydroxyzine (mg)`` → the medication's column, its variable (unit mg) and the dose."""
    match = _IN_BRACKETS.match(label)
    name, unit = (match[1], match[2].strip()) if match else (label, "")
    column = f"dose_{_slug(name)}"
    return column, Variable(column, name, unit, "habit", FORMAT, None, (), "sum"), number


def _slug(label: str) -> str:
    try:
        return slugify(label)
    except ValueError:
        return "item"


def _listed_items(
    items: pd.DataFrame, describe: _Describe, how: str, notes: list[str]
) -> tuple[dict[str, pd.Series], dict[str, Variable]]:
    """One column per label: its daily value (``how``: ``max`` or ``sum``), and 0 on days its
    category was logged without it (from the label's first day on)."""
    if items.empty:
        return {}, {}
    described = [
        describe(label, number)
        for label, number in zip(items["label"], items["number"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "day": items["day"].to_numpy(),
            "category": items["category"].to_numpy(),
            "column": [column for column, _, _ in described],
            "variable": [variable for _, variable, _ in described],
            "value": [value for _, _, value in described],
        },
        index=items.index,
    )
    logged = frame.groupby("category")["day"].unique()
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    for column, group in frame.groupby("column", sort=True):
        rows = _one_unit(group, notes)
        values = rows.groupby("day")["value"]
        per_day = values.max() if how == "max" else values.sum(min_count=1)
        days = pd.DatetimeIndex(
            np.unique(np.concatenate([logged[c] for c in rows["category"].unique()]))
        )
        quiet = days[(days >= per_day.index.min()) & ~days.isin(group["day"])]
        columns[str(column)] = pd.concat([per_day, pd.Series(0.0, index=quiet)]).sort_index()
        registry[str(column)] = rows["variable"].iloc[0]
    return columns, registry


def _one_unit(rows: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """A label written with two units (``(mg)`` and ``(g)``) keeps its most used one."""
    units = rows["variable"].map(lambda v: v.unit)
    counts = units.value_counts()
    if len(counts) <= 1:
        return rows
    kept = counts.index[0]
    notes.append(
        f"{rows['variable'].iloc[0].label}: amounts in {', '.join(sorted(units.unique()))}; kept "
        f"those in {kept}, left out {int(units.ne(kept).sum())} in other units"
    )
    return rows.loc[units.eq(kept)]


def _note_unread(items: pd.DataFrame, notes: list[str]) -> None:
    read_here = items["category"].isin(
        [MOOD_CATEGORY, ENERGY_CATEGORY, SYMPTOM_CATEGORY, MEDS_CATEGORY]
    ) | items["category"].str.endswith(FACTOR_SUFFIX)
    unread = sorted(items.loc[~read_here, "category_label"].unique())
    if unread:
        notes.append(f"Bearable categories not read: {', '.join(unread)}")
