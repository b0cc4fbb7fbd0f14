"""The daily table, out: as CSV a spreadsheet opens safely, and as JSON with each column's meaning.

One row per day, ``date`` first, then every column in the table's order. Empty cells are missing
values. Text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) get a leading single quote, as OWASP's guidance on CSV injection
says; numbers are written as numbers, negative ones too.
"""

from __future__ import annotations

import io
import math
from typing import Any

import pandas as pd

from pga_core.data import DailyData

__all__ = ["FORMULA_STARTS", "days_csv", "days_json", "spreadsheet_safe"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAY_FORMAT = "%Y-%m-%d"


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet shows as text: ``=1+1`` becomes ``'=1+1``; others unchanged."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def days_csv(daily: DailyData) -> str:
    """The daily table as CSV text: a header ``date,<column names>``, one line per day.

    Parameters
    ----------
    daily : the table (its columns are float64; NaN is written as an empty cell).

    Returns
    -------
    str
        CSV with ``\\n`` line ends; numbers in full precision; header cells made
        :func:`spreadsheet_safe`.
    """
    table = daily.table
    out = pd.DataFrame(table.to_numpy(), columns=range(table.shape[1]))
    out.insert(0, "date", table.index.strftime(DAY_FORMAT))
    header = ["date", *(spreadsheet_safe(str(name)) for name in table.columns)]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, header=header, lineterminator="\n")
    return buffer.getvalue()


def days_json(daily: DailyData) -> dict[str, Any]:
    """The daily table as a JSON document (plain dicts, lists, numbers and ``None``).

    Returns
    -------
    dict
        ``{"columns": [{name, label, unit, kind, source}], "rows": [{"date": "2024-03-04",
        <name>: number or None, ...}]}``, columns in the table's order, rows by date.
    """
    columns = [
        {
            "name": name,
            "label": variable.label,
            "unit": variable.unit,
            "kind": variable.kind,
            "source": variable.source,
        }
        for name, variable in daily.registry.items()
    ]
    names = list(daily.table.columns)
    rows = [
        {"date": day.strftime(DAY_FORMAT), **dict(zip(names, map(_number, values), strict=True))}
        for day, values in zip(daily.table.index, daily.table.to_numpy().tolist(), strict=True)
    ]
    return {"columns": columns, "rows": rows}


def _number(value: float) -> float | None:
    """A cell for JSON: the number, or None for a missing value."""
    return None if math.isnan(value) else value
