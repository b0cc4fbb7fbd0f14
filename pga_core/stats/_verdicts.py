"""Multiple comparisons and verdicts: Benjamini–Hochberg q-values and what a row means.

Every test run together forms one family (:func:`scipy.stats.false_discovery_control`); a row
of an impact table then gets a short category (``likely effect``, ``no clear effect``) and a
plain sentence with its size, interval, counts and q-value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pga_core.engine import CI_LEVEL
from pga_core.words import EFFECT_DIGITS, amount, lag_words, plural, signed

__all__ = [
    "DISCOVERY_Q",
    "FEW_STRETCHES",
    "bh_q_values",
    "with_verdicts",
]

#: A q-value at or below this is reported as a likely effect.
DISCOVERY_Q = 0.10
#: Yes (or no) days coming in fewer separate stretches than this get a warning: with so few
#: episodes, the behaviour and whatever else went on in those periods are hard to tell apart.
FEW_STRETCHES = 5


def bh_q_values(p_values: pd.Series, tested: pd.Series) -> np.ndarray:
    """Benjamini–Hochberg q-values over the rows where ``tested`` is true; NaN elsewhere.

    Parameters
    ----------
    p_values, tested : Series of the same length (p-values; bools).

    Returns
    -------
    array, shape (len(p_values),)
    """
    q = np.full(len(p_values), np.nan)
    mask = tested.to_numpy(dtype=bool)
    if mask.any():
        q[mask] = stats.false_discovery_control(p_values.to_numpy(dtype=np.float64)[mask])
    return q


def with_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of an impact table with ``verdict`` (a short category) and ``note`` (a plain
    sentence) filled in from each row's numbers and q-value.

    Rows without enough data and circular rows keep the verdict and note they were made with.
    """
    table = table.copy()
    verdicts = table["verdict"].tolist()
    notes = table["note"].tolist()
    for position, row in enumerate(table.to_dict(orient="records")):
        if row["enough_data"] and not row["circular"]:
            verdicts[position], notes[position] = _verdict(row)
    table["verdict"] = pd.Series(verdicts, index=table.index, dtype=object)
    table["note"] = pd.Series(notes, index=table.index, dtype=object)
    return table


def _verdict(row: Mapping[str, Any]) -> tuple[str, str]:
    """Category and sentence for one row that has enough data and is not circular."""
    size = _effect_sentence(row)
    fewest = min(int(row["yes_stretches"]), int(row["no_stretches"]))
    if fewest < FEW_STRETCHES:
        which = "yes" if row["yes_stretches"] == fewest else "no"
        stretches = plural(fewest, "separate stretch", "separate stretches")
        size += (
            f"; the {which} days come in only {stretches}, so the behaviour is hard to tell "
            "apart from whatever else went on then"
        )
    q = float(row["q_value"])
    if np.isfinite(q) and q <= DISCOVERY_Q:
        return "likely effect", f"{size}; unlikely to be chance (q = {q:.2g})"
    if not np.isfinite(q):
        return "no clear effect", f"{size}; no p-value could be computed"
    return "no clear effect", f"{size}; could well be chance (q = {q:.2g})"


def _effect_sentence(row: Mapping[str, Any]) -> str:
    """'after <label> = yes, <outcome> <when> is 24% lower (95% CI −31% to −17%, n = …)'."""
    lag = int(row["lag"])
    pct = float(row["pct_change"])
    if np.isfinite(pct):
        size, low, high, unit = pct, float(row["ci_low"]), float(row["ci_high"]), "%"
    else:
        size, unit = float(row["difference"]), ""
        low, high = float(row["diff_ci_low"]), float(row["diff_ci_high"])
    direction = "lower" if size < 0 else "higher"
    interval = ""
    if np.isfinite(low) and np.isfinite(high):
        # whole percent at the interval's ends, as these notes (part of impact --json) have
        # always been written
        ends = [
            signed(e, unit, digits=EFFECT_DIGITS, trim=True, whole_percent=True)
            for e in (low, high)
        ]
        interval = f"{CI_LEVEL:.0%} CI {ends[0]} to {ends[1]}, "
    return (
        f"after '{row['label']}' = yes, {row['outcome_label']} {lag_words(lag)} is "
        f"{amount(size, unit, digits=EFFECT_DIGITS, trim=True)} {direction} "
        f"({interval}n = {row['n_yes']} yes vs {row['n_no']} no days)"
    )
