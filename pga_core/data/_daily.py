"""DailyData: the one day-indexed table every reader produces and every analysis reads.

One row per local calendar day (a ``DatetimeIndex`` named ``date``, midnight, sorted, unique), one
``float64`` column per variable. Yes/no behaviours are stored as 1.0 (yes), 0.0 (no) and NaN
(not logged). Each column is described by a :class:`Variable` in the registry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "AGGREGATIONS",
    "KINDS",
    "SOURCE_PRIORITY",
    "DailyData",
    "Variable",
    "merge_daily",
    "slugify",
]

Kind = Literal["metric", "behaviour", "habit"]
KINDS: tuple[str, ...] = ("metric", "behaviour", "habit")
#: How several values of one variable on one day become the day's value.
AGGREGATIONS: tuple[str, ...] = ("mean", "sum", "last", "max", "min", "any")
#: When two sources measure the same variable on the same day, the one listed first wins:
#: dedicated wearables before the phone, the phone before habit and mood apps, apps before
#: hand-kept spreadsheets.
SOURCE_PRIORITY: tuple[str, ...] = (
    "whoop", "oura", "apple_health", "loop", "daylio", "bearable", "csv",
)  # fmt: skip
#: Two values closer than this (relative to the larger) are the same reading, not a conflict.
SAME_VALUE_RTOL = 1e-6


def slugify(text: str) -> str:
    """Turn a label such as ``"Have any alcoholic drinks? "`` into ``have_any_alcoholic_drinks``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text.strip().lower()).strip("_")
    if not slug:
        raise ValueError(f"cannot make a column name from {text!r}: it has no letters or digits")
    return f"v_{slug}" if slug[0].isdigit() else slug


@dataclass(frozen=True)
class Variable:
    """Registry entry for one daily column.

    Attributes
    ----------
    name : canonical snake_case column name, units not included (``resting_hr``).
    label : what a person reads (``Resting heart rate``, or a journal question verbatim).
    unit : unit of the daily value (``bpm``, ``min``, ``%``); ``""`` for yes/no behaviours.
    kind : ``metric`` (measured state), ``behaviour`` (yes/no, controllable) or ``habit``
        (numeric, controllable).
    source : the format it came from (``whoop``, ``apple_health``, ``oura``, ``csv``).
    higher_is_better : True, False, or None when unknown.
    components : names of variables this one is computed from (flags circular pairs).
    aggregation : how several readings on one day combine; one of :data:`AGGREGATIONS`.
    """

    name: str
    label: str
    unit: str = ""
    kind: Kind = "metric"
    source: str = ""
    higher_is_better: bool | None = None
    components: tuple[str, ...] = ()
    aggregation: str = "mean"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"variable {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}"
            )
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(
                f"variable {self.name!r}: aggregation must be one of {AGGREGATIONS}, "
                f"got {self.aggregation!r}"
            )

    @property
    def controllable(self) -> bool:
        """Whether a person can change it directly (behaviours and habits)."""
        return self.kind in ("behaviour", "habit")


@dataclass
class DailyData:
    """A day-indexed table of variables with its column registry.

    Parameters
    ----------
    table : DataFrame, shape (n_days, n_variables)
        Index: unique, sorted ``DatetimeIndex`` named ``date`` at midnight (local calendar days).
        Columns: ``float64``; behaviours hold 1.0 / 0.0 / NaN.
    registry : dict mapping every column name to its :class:`Variable`.
    warnings : plain-language notes about the data (quirks met, conflicts resolved).
    """

    table: pd.DataFrame
    registry: dict[str, Variable]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.table = _normalise_table(self.table)
        missing = [c for c in self.table.columns if c not in self.registry]
        if missing:
            raise ValueError(f"columns without a registry entry: {', '.join(missing)}")
        self.registry = {c: self.registry[c] for c in self.table.columns}

    @classmethod
    def empty(cls) -> DailyData:
        """A table with no days and no variables."""
        return cls(pd.DataFrame(index=pd.DatetimeIndex([], name="date")), {})

    @property
    def days(self) -> int:
        """Number of days (rows)."""
        return len(self.table)

    def calendar(self) -> pd.DataFrame:
        """The table with one row for every calendar day from its first day to its last.

        Days the table lacks are added with every value missing, so that "K days later" is K
        calendar days whatever days the data lacks. The one calendar of features, statistics
        and views.

        Returns
        -------
        DataFrame, shape (n_calendar_days, n_variables)
            Index: a ``DatetimeIndex`` named ``date`` of consecutive days; the columns of
            :attr:`table`. A table without days gives an empty copy.
        """
        index = self.table.index
        if len(index) == 0:
            return self.table.copy()
        days = pd.date_range(index[0], index[-1], freq="D", name="date")
        return self.table.reindex(days)

    def between(self, first: date | None = None, last: date | None = None) -> DailyData:
        """The days from ``first`` to ``last``, both included: a date range of the data.

        Parameters
        ----------
        first, last : the range's first and last calendar day; None leaves that end open
            (``between()`` is all days). A range may reach beyond the data's own days.

        Returns
        -------
        DailyData
            A copy holding the days in the range (possibly none), with every variable of the
            registry (a variable without a value in the range stays, all missing) and the
            warnings.

        Raises
        ------
        ValueError
            ``first`` is after ``last``.
        """
        if first is not None and last is not None and first > last:
            raise ValueError(
                f"the date range starts on {first:%Y-%m-%d}, after its end on {last:%Y-%m-%d}; "
                "give the earlier date first"
            )
        index = self.table.index
        keep = np.ones(len(index), dtype=bool)
        if first is not None:
            keep &= index >= pd.Timestamp(first).normalize()
        if last is not None:
            keep &= index <= pd.Timestamp(last).normalize()
        return DailyData(self.table.loc[keep].copy(), dict(self.registry), list(self.warnings))

    def names(self, kind: str | None = None) -> list[str]:
        """Column names, optionally only those of one kind (metric, behaviour or habit)."""
        return [n for n, v in self.registry.items() if kind is None or v.kind == kind]

    def with_kind(self, name: str, kind: Kind) -> DailyData:
        """A copy where ``name`` is re-classified (a user marking a metric as controllable)."""
        if name not in self.registry:
            raise ValueError(f"no variable named {name!r}")
        registry = dict(self.registry)
        registry[name] = replace(registry[name], kind=kind)
        return DailyData(self.table.copy(), registry, list(self.warnings))

    def coverage(self) -> pd.DataFrame:
        """Per variable: label, kind, source, unit, first and last day, days with a value."""
        columns = ["variable", "label", "kind", "source", "unit", "first_day", "last_day", "days"]
        rows = []
        for name, var in self.registry.items():
            present = self.table[name].dropna()
            rows.append(
                {
                    "variable": name,
                    "label": var.label,
                    "kind": var.kind,
                    "source": var.source,
                    "unit": var.unit,
                    "first_day": present.index.min() if len(present) else pd.NaT,
                    "last_day": present.index.max() if len(present) else pd.NaT,
                    "days": int(present.size),
                }
            )
        return pd.DataFrame(rows, columns=columns)


def _normalise_table(table: pd.DataFrame) -> pd.DataFrame:
    """Check and coerce the table to the DailyData shape (float columns, midnight daily index)."""
    if not isinstance(table.index, pd.DatetimeIndex):
        raise TypeError("DailyData.table must have a DatetimeIndex of days")
    index = table.index
    if index.hasnans:
        raise ValueError("DailyData.table index has missing dates (NaT); every row needs a day")
    if table.columns.has_duplicates:
        dupes = table.columns[table.columns.duplicated()].unique()
        raise ValueError(f"DailyData.table has duplicate columns: {', '.join(map(str, dupes))}")
    if index.tz is not None:
        raise ValueError("DailyData.table must use local calendar days without a time zone")
    if (index != index.normalize()).any():
        raise ValueError("DailyData.table index must be calendar days at midnight")
    if index.has_duplicates:
        dupes = index[index.duplicated()].strftime("%Y-%m-%d").unique()[:5]
        raise ValueError(f"DailyData.table has duplicate days: {', '.join(dupes)}")
    out = table.sort_index().astype(np.float64)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out


def merge_daily(parts: list[DailyData]) -> DailyData:
    """Merge several tables into one; where two give a value for the same day, the first wins.

    Parameters
    ----------
    parts : tables in order of preference. Callers order them by :data:`SOURCE_PRIORITY`
        and, within one source, newest export first.

    Returns
    -------
    DailyData
        The union of days and variables. Each variable takes its registry entry from the first part
        that has it. Every pair of parts that disagrees on some days adds one warning naming the
        variable, both sources, the number of days and the median difference.
    """
    if not parts:
        return DailyData.empty()
    table = parts[0].table
    registry = dict(parts[0].registry)
    warnings = list(parts[0].warnings)
    for part in parts[1:]:
        warnings.extend(w for w in part.warnings if w not in warnings)
        warnings.extend(_conflicts(table, registry, part))
        for name, var in part.registry.items():
            registry.setdefault(name, var)
        table = table.combine_first(part.table)
    return DailyData(table, registry, warnings)


def _conflicts(kept: pd.DataFrame, registry: dict[str, Variable], part: DailyData) -> list[str]:
    """Plain-language notes on the days where ``part`` disagrees with what is kept."""
    notes = []
    for name in part.table.columns.intersection(kept.columns):
        first, second = kept[name].align(part.table[name], join="inner")
        both = first.notna() & second.notna()
        diff = (first[both] - second[both]).abs()
        scale = np.maximum(first[both].abs(), second[both].abs())
        differing = diff[diff > SAME_VALUE_RTOL * scale]
        if differing.empty:
            continue
        kept_from, other = registry[name].source, part.registry[name].source
        unit = f" {registry[name].unit}" if registry[name].unit else ""
        notes.append(
            f"{name}: {kept_from} and {other} disagree on {len(differing)} day(s) "
            f"(median difference {differing.median():.3g}{unit}); kept {kept_from}'s values"
        )
    return notes
