"""The health index: one daily number for overall health, built from what a person measures.

A top goal of a single column weighs only that column: "Overall health" as tomorrow's recovery
ranks training as harmful, because a hard day lowers the next morning's recovery while the
fitness it builds shows up elsewhere (VO₂ max, resting heart rate, HRV). The health index puts
those side by side. It is the mean of up to five *parts*, each a standardised daily measurement
(its value minus its mean over every day it has a value, divided by its standard deviation over
those days), counted so that higher is better:

========================  ==============================================  =========
part                      the first of these columns the data have        counted
========================  ==============================================  =========
recovery                  ``recovery_score`` (WHOOP), ``readiness_score``  as is
                          (Oura)
heart-rate variability    ``hrv_rmssd``, ``hrv_sdnn``                      as is
resting heart rate        ``resting_hr``                                   inverted
sleep                     ``sleep_performance`` (WHOOP), ``sleep_score``   as is
                          (Oura)
fitness                   ``vo2_max@mean7`` (VO₂ max, mean of the last      as is
                          7 days: it is measured now and then)
========================  ==============================================  =========

and is scaled like a score: ``50 + 10 × mean of the parts``, so 50 is the person's average day
and +10 is every part one standard deviation better at once. A part counts only when its column
has at least :data:`MIN_PART_DAYS` values; parts are added in order of how many days they have,
each only while the days with every part stay at least :data:`MIN_PART_SHARE` of the days of the
best-covered part (so one part measured in another year cannot empty the index). With fewer than
:data:`MIN_PARTS` parts there is no index. The index is missing on days where a part is.

The index is a column like any other (:data:`HEALTH_INDEX`), added to the day table by
:func:`with_health_index` whenever a goal tree names it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable, feature_frame, parse_feature

__all__ = [
    "HEALTH_INDEX",
    "HEALTH_PARTS",
    "MIN_PARTS",
    "MIN_PART_DAYS",
    "MIN_PART_SHARE",
    "HealthPart",
    "health_parts",
    "with_health_index",
]

#: The index's column name.
HEALTH_INDEX = "health_index"
HEALTH_LABEL = "Health index"
HEALTH_UNIT = "points"
#: The index of an average day, and how far one standard deviation of every part moves it.
INDEX_CENTRE = 50.0
INDEX_SCALE = 10.0
#: A part needs at least this many days with a value.
MIN_PART_DAYS = 30
#: Parts are added while the days with every part stay at least this share of the days of the
#: best-covered part.
MIN_PART_SHARE = 0.5
#: Fewer parts than this make no index (one part is just that column).
MIN_PARTS = 2


@dataclass(frozen=True)
class HealthPart:
    """One kind of measurement the index can hold.

    Attributes
    ----------
    role : what it stands for, in words (``recovery``, ``resting heart rate``).
    expressions : the feature expressions that can stand for it, the first present used.
    sign : +1 when higher is better, −1 when lower is (resting heart rate).
    """

    role: str
    expressions: tuple[str, ...]
    sign: float


#: The parts, in order of the table in the module docstring.
HEALTH_PARTS: tuple[HealthPart, ...] = (
    HealthPart("recovery", ("recovery_score", "readiness_score"), 1.0),
    HealthPart("heart-rate variability", ("hrv_rmssd", "hrv_sdnn"), 1.0),
    HealthPart("resting heart rate", ("resting_hr",), -1.0),
    HealthPart("sleep", ("sleep_performance", "sleep_score"), 1.0),
    HealthPart("fitness", ("vo2_max@mean7",), 1.0),
)


def _present(daily: DailyData) -> list[tuple[HealthPart, str]]:
    """Each part with the first of its expressions whose column has enough days."""
    counts = daily.table.notna().sum()
    found = []
    for part in HEALTH_PARTS:
        for expression in part.expressions:
            column = parse_feature(expression).name
            if column in daily.table.columns and int(counts[column]) >= MIN_PART_DAYS:
                found.append((part, expression))
                break
    return found


def health_parts(daily: DailyData) -> list[tuple[HealthPart, str]]:
    """The parts of the index on these data, with the expression standing for each, in the
    order of :data:`HEALTH_PARTS`; empty when fewer than :data:`MIN_PARTS` qualify (see the
    module docstring for the rule)."""
    if HEALTH_INDEX in daily.table.columns:
        daily = DailyData(
            daily.table.drop(columns=HEALTH_INDEX),
            {k: v for k, v in daily.registry.items() if k != HEALTH_INDEX},
        )
    found = _present(daily)
    if len(found) < MIN_PARTS:
        return []
    frame = feature_frame(daily, [e for _, e in found]).notna()
    order = sorted(range(len(found)), key=lambda i: -int(frame.iloc[:, i].sum()))
    enough = MIN_PART_SHARE * int(frame.iloc[:, order[0]].sum())
    together = pd.Series(True, index=frame.index)
    kept: list[int] = []
    for i in order:
        joined = together & frame.iloc[:, i]
        if int(joined.sum()) >= max(enough, MIN_PART_DAYS):
            together, kept = joined, [*kept, i]
    if len(kept) < MIN_PARTS:
        return []
    return [found[i] for i in sorted(kept)]


def _index(daily: DailyData, parts: list[tuple[HealthPart, str]]) -> pd.Series:
    """The index on every calendar day (NaN where a part is missing)."""
    frame = feature_frame(daily, [e for _, e in parts])
    scores = [part.sign * (frame[e] - frame[e].mean()) / frame[e].std() for part, e in parts]
    mean = pd.concat(scores, axis=1).mean(axis=1, skipna=False)
    return INDEX_CENTRE + INDEX_SCALE * mean


def with_health_index(daily: DailyData) -> DailyData:
    """``daily`` with the health index as the column :data:`HEALTH_INDEX` (label ``Health
    index``, unit ``points``, a metric where higher is better, its parts' columns as its
    components); unchanged when it already has that column or too few parts qualify."""
    if HEALTH_INDEX in daily.table.columns:
        return daily
    parts = health_parts(daily)
    if not parts:
        return daily
    index = _index(daily, parts).reindex(daily.table.index)
    if not np.isfinite(index.to_numpy()).any():
        return daily
    variable = Variable(
        HEALTH_INDEX,
        HEALTH_LABEL,
        HEALTH_UNIT,
        kind="metric",
        source="derived",
        higher_is_better=True,
        components=tuple(parse_feature(e).name for _, e in parts),
    )
    table = daily.table.assign(**{HEALTH_INDEX: index})
    return DailyData(table, {**daily.registry, HEALTH_INDEX: variable}, list(daily.warnings))
