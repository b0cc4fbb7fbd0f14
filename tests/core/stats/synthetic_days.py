"""Day tables built from arrays, for the statistics tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import signal

from pga_core.data import DailyData, Variable

OUTCOME = "recovery_score"


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


def planted_person(n_days: int, effect: float, *, phi: float = 0.3, seed: int = 0) -> DailyData:
    """An AR(1) outcome, lower by ``effect`` (fraction) on days after ``b_drink`` = yes."""
    rng = np.random.default_rng(seed)
    noise = signal.lfilter([1.0], [1.0, -phi], rng.normal(0, 10 * math.sqrt(1 - phi**2), n_days))
    drink = (rng.random(n_days) < 0.3).astype(float)
    outcome = 60.0 + noise
    outcome[1:] *= 1 + effect * drink[:-1]
    drink[rng.random(n_days) < 0.1] = np.nan
    null = (rng.random(n_days) < 0.5).astype(float)
    return make_daily({OUTCOME: outcome, "b_drink": drink, "b_null": null})
