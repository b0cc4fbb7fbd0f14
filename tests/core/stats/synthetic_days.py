"""Day tables built from arrays, for the statistics tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable


def make_daily(
    columns: dict[str, np.ndarray], *, start: str = "2024-01-01", **registry
) -> DailyData:
    """A DailyData over consecutive days; names starting with ``b_`` are behaviours.

    ``registry`` gives a column's ``components`` (the columns it is computed from).
    """
    n_days = len(next(iter(columns.values())))
    index = pd.date_range(start, periods=n_days, name="date")
    table = pd.DataFrame(columns, index=index)
    entries = {
        name: Variable(
            name,
            f"{name} label",
            kind="behaviour" if name.startswith("b_") else "metric",
            components=registry.get(name, ()),
        )
        for name in columns
    }
    return DailyData(table, entries)
