"""Behaviour impact: how an outcome differs after yes and after no days, with honest uncertainty.

Every estimate here pairs a variable on day *t* with the outcome on day *t + lag* (calendar
days; lag 1 is "the next morning"). Days on which either side was not logged are left out:
an unanswered journal question is missing, never "no".

How the numbers are made (the README explains them in plain words):

* **Effect size.** ``pct_change = (mean after yes − mean after no) / mean after no × 100`` and
  ``difference = mean after yes − mean after no`` (outcome units).
* **Confidence interval.** The union of two 95 % intervals, each honest where the other is
  weak. (1) Moving-block bootstrap of the paired days: blocks of consecutive days are drawn
  with replacement, so day-to-day autocorrelation stays inside each block; the block length is
  chosen from the data by the Politis–White rule (2004; corrected by Patton, Politis and White
  2009) applied to the effect's influence series — the series whose autocorrelation decides
  the estimate's variance; the interval is the 2.5th–97.5th percentile of the resampled
  effects. It allows the effect to change over time, but is over-confident when habits come
  in long runs against a slowly drifting outcome (alone it covered the truth in 88–96 % of
  simulated people with one or two years of history, 77–91 % with four months).
  (2) Rotation interval: the estimated effect is taken out of the outcome (divided out for the
  percentage, subtracted for the difference) and the behaviour is rotated against what is
  left, as in the test below; the spread of those chance effects around zero is the spread
  this very pattern of yes days shows against this outcome's autocorrelation, so the interval
  is ``estimate − (97.5th, 2.5th percentile of the chance effects)``. It assumes a steady
  effect. The union covered a planted effect in 95–97 % of simulated people with two years of
  history, 92–95 % with one year and 89–95 % with four months, for day-to-day
  autocorrelations of the outcome from 0 to 0.8 (``bench/bench_effects_truth.py``).
* **p-value.** A rotation (circular-shift) test: the behaviour diary is shifted against the
  outcome by every possible number of days, wrapping around the end, and Welch's t statistic
  is recomputed for each shift. Rotation keeps each series' own autocorrelation (runs of
  drinking days, slow drifts in recovery) intact and only breaks their alignment, so the
  reference distribution is right however autocorrelated both series are; the test is exact
  for circularly stationary series. The p-value is ``(1 + shifts at least as extreme) /
  (1 + shifts)``, so it is never below ``1 / days``: short histories cannot produce tiny
  p-values, by design. (Reading the diary backwards as well would double the reference set,
  but in our simulations it made small p-values too frequent when both series drift slowly,
  so it is not done.) At most ``n_perm`` shifts are drawn when there are more.
* **Multiple comparisons.** Benjamini–Hochberg q-values over every test run together
  (:func:`scipy.stats.false_discovery_control`). A row is in that family (``tested``) when both
  groups have at least ``min_days`` days and the pair is not circular.
* **Circular pairs** (the behaviour is part of how the outcome is computed, directly or through
  other variables, or is the outcome itself) get their numbers but are left out of the family:
  their q-value is NaN and their verdict says "built in", never a discovery.
* **Day of week** (optional): the outcome's weekday means are subtracted and its overall mean
  added back before pairing, so weekly rhythms (weekend drinking, Monday recoveries) do not pass
  for effects. Means, differences and percentages are then of the adjusted outcome.

This module assembles the impact tables. The pieces live beside it in :mod:`pga_core.stats`: the
paired days of one test with their bootstrap and rotation test (``_paired_days``), q-values and
verdicts (``_verdicts``), input checks and the weekday adjustment (``_inputs``); lagged
correlations and numeric habit effects, which use the same machinery, have modules of their own.
The calendar is the daily table's own (:meth:`~pga_core.data.DailyData.calendar`); the resampling
arithmetic is :mod:`pga_core.engine`'s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.engine import (
    block_length,
    percentile_interval,
)
from pga_core.stats._inputs import (
    EFFECT_N_BOOT,
    EFFECT_N_PERM,
    check_days,
    check_lag,
    check_n_perm,
    check_settings,
    draw_base_seed,
    is_circular,
    outcome_on_calendar,
    rng_for_test,
)
from pga_core.stats._paired_days import (
    PairedDays,
    bootstrap_effects,
    influence_series,
    rotation_test,
)
from pga_core.stats._verdicts import (
    bh_q_values,
    with_verdicts,
)
from pga_core.words import lag_words

__all__ = [
    "DEFAULT_LAGS",
    "IMPACT_COLUMNS",
    "MIN_DAYS_PER_GROUP",
    "ImpactRequest",
    "adjust_together",
    "behaviour_impact",
    "impact_records",
    "impact_tests",
    "lag_scan",
]


#: Fewer yes (or no) days than this and the answer is "not enough data yet".
MIN_DAYS_PER_GROUP = 5
#: Lags a lag scan looks at unless told otherwise (same day to one week later).
DEFAULT_LAGS: tuple[int, ...] = tuple(range(8))

IMPACT_COLUMNS: tuple[str, ...] = (
    "behaviour",
    "label",
    "outcome",
    "outcome_label",
    "lag",
    "n_yes",
    "n_no",
    "yes_stretches",
    "no_stretches",
    "mean_yes",
    "mean_no",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "pct_change",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "enough_data",
    "circular",
    "tested",
    "weekday_adjusted",
    "block_days",
    "n_rotations",
    "verdict",
    "note",
)


@dataclass(frozen=True)
class ImpactRequest:
    """One set of behaviour tests to run: an outcome, a lag and (optionally) which behaviours.

    Parameters
    ----------
    outcome : column name of the outcome (``recovery_score``).
    lag : days from the behaviour to the outcome (1 = next morning).
    behaviours : yes/no column names to test; None means every behaviour in the data.
    """

    outcome: str
    lag: int = 1
    behaviours: tuple[str, ...] | None = None


def behaviour_impact(
    daily: DailyData,
    outcome: str,
    *,
    lag: int = 1,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_boot: int = EFFECT_N_BOOT,
    n_perm: int | None = EFFECT_N_PERM,
    adjust_weekday: bool = False,
    behaviours: Sequence[str] | None = None,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """How the outcome ``lag`` days after each yes/no behaviour differs from after "no" days.

    Parameters
    ----------
    daily : the day-indexed table. Behaviour columns hold 1.0 (yes), 0.0 (no), NaN (not logged).
    outcome : outcome column (any numeric variable with more than one value).
    lag : days from behaviour to outcome, ``>= 0``; 1 pairs a behaviour with the next morning.
    min_days : fewest yes days and fewest no days for a test (else "not enough data yet").
    n_boot : moving-block bootstrap resamples for the confidence intervals.
    n_perm : most rotations (shifts of the diary) for the p-value; all ``days − 1`` are used
        when there are fewer (an exact test), and None always uses all of them.
    adjust_weekday : subtract the outcome's day-of-week means before pairing.
    behaviours : columns to test; default every column of kind ``behaviour`` (except the
        outcome). Any column holding only 0, 1 and NaN may be named.
    random_state : seed for the bootstrap and rotation draws. Each behaviour's draws depend only
        on this seed, its name, the outcome and the lag, so a behaviour's numbers do not change
        with which other behaviours are tested alongside.

    Returns
    -------
    DataFrame, shape (n_behaviours, len(IMPACT_COLUMNS))
        One row per behaviour, columns :data:`IMPACT_COLUMNS`:

        - ``behaviour``, ``label``, ``outcome``, ``outcome_label``, ``lag`` (days);
        - ``n_yes``, ``n_no``: days paired with a known outcome; ``yes_stretches``,
          ``no_stretches``: how many separate runs those days come in;
        - ``mean_yes``, ``mean_no``, ``difference`` (outcome units) with ``diff_ci_low``,
          ``diff_ci_high``;
        - ``pct_change`` with ``ci_low``, ``ci_high``, in percent (−21.7 means −21.7 %);
          NaN when the outcome takes negative values (a percentage means nothing there);
        - ``p_value`` (rotation test), ``q_value`` (Benjamini–Hochberg over the rows whose
          ``tested`` is true), ``enough_data``, ``circular``, ``tested``;
        - ``weekday_adjusted``, ``block_days`` (bootstrap block length), ``n_rotations``;
        - ``verdict`` (``likely effect``, ``no clear effect``, ``not enough data`` or
          ``built in``) and ``note``, a plain sentence saying what the row means.

        Rows lacking data have NaN p, q and intervals and their note gives the counts.

    Raises
    ------
    ValueError
        Unknown outcome or behaviour (the message lists what exists), an outcome without
        variance, a negative lag or one not shorter than the history, a behaviour column
        holding values other than 0, 1 and NaN, or no behaviours to test.
    """
    request = ImpactRequest(outcome, lag, None if behaviours is None else tuple(behaviours))
    return impact_tests(
        daily,
        [request],
        min_days=min_days,
        n_boot=n_boot,
        n_perm=n_perm,
        adjust_weekday=adjust_weekday,
        random_state=random_state,
    )


def lag_scan(
    daily: DailyData,
    outcome: str,
    behaviour: str,
    *,
    lags: Iterable[int] = DEFAULT_LAGS,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_boot: int = EFFECT_N_BOOT,
    n_perm: int | None = EFFECT_N_PERM,
    adjust_weekday: bool = False,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """The impact of one behaviour on the outcome 0, 1, …, 7 days later (or at ``lags``).

    Every lag is a test, and all of them form one Benjamini–Hochberg family: scanning eight
    lags is eight chances to find something by luck. To correct a scan together with the main
    impact table, pass both to :func:`adjust_together`, or run them as one :func:`impact_tests`.

    Parameters and columns are those of :func:`behaviour_impact`; one row per lag, in the
    order given.
    """
    requests = [ImpactRequest(outcome, lag, (behaviour,)) for lag in lags]
    if not requests:
        raise ValueError("lag_scan needs at least one lag, e.g. lags=range(0, 8)")
    return impact_tests(
        daily,
        requests,
        min_days=min_days,
        n_boot=n_boot,
        n_perm=n_perm,
        adjust_weekday=adjust_weekday,
        random_state=random_state,
    )


def impact_tests(
    daily: DailyData,
    requests: Sequence[ImpactRequest],
    *,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_boot: int = EFFECT_N_BOOT,
    n_perm: int | None = EFFECT_N_PERM,
    adjust_weekday: bool = False,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Run several sets of behaviour tests and correct them as one family.

    This is the one place the statistics are computed; :func:`behaviour_impact` and
    :func:`lag_scan` are single-request shortcuts. A page showing the impact table, a lag scan
    and another outcome at once runs them here, so q-values count every test shown.

    Parameters
    ----------
    daily : the day-indexed table.
    requests : what to test; a (behaviour, outcome, lag) asked for twice is tested once.
    min_days, n_boot, n_perm, adjust_weekday, random_state : see :func:`behaviour_impact`.

    Returns
    -------
    DataFrame, shape (n_tests, len(IMPACT_COLUMNS))
        Rows in request order; q-values over every ``tested`` row.
    """
    check_settings(min_days, n_boot)
    check_n_perm(n_perm)
    if not requests:
        raise ValueError("no tests requested: give at least one ImpactRequest")
    base_seed = draw_base_seed(random_state)
    check_days(daily)
    calendar = daily.calendar()
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, str, int]] = set()
    for request in requests:
        outcome_values = outcome_on_calendar(daily, calendar, request.outcome, adjust_weekday)
        lag = check_lag(request.lag, len(calendar))
        names = _behaviour_names(daily, request.outcome, request.behaviours)
        for name in names:
            if (name, request.outcome, lag) in seen:
                continue
            seen.add((name, request.outcome, lag))
            rows.append(
                _impact_row(
                    daily,
                    calendar,
                    name,
                    request.outcome,
                    outcome_values,
                    lag,
                    min_days=min_days,
                    n_boot=n_boot,
                    n_perm=n_perm,
                    adjust_weekday=adjust_weekday,
                    rng=rng_for_test(base_seed, name, request.outcome, lag),
                )
            )
    table = pd.DataFrame(rows, columns=list(IMPACT_COLUMNS))
    table["q_value"] = bh_q_values(table["p_value"], table["tested"])
    return with_verdicts(table)


def adjust_together(*tables: pd.DataFrame) -> list[pd.DataFrame]:
    """Benjamini–Hochberg q-values over several result tables at once.

    Use it when results computed separately are shown together (an impact table, a lag scan,
    the long form of :class:`LaggedCorrelations`): each table's ``q_value`` is replaced by the
    q-value within the union of all their ``tested`` rows. Tables must have ``p_value``,
    ``q_value`` and ``tested`` columns. Impact tables get their verdicts refreshed.

    Returns
    -------
    list of DataFrame
        Copies of the tables in the order given.
    """
    for position, table in enumerate(tables):
        missing = {"p_value", "q_value", "tested"} - set(table.columns)
        if missing:
            raise ValueError(
                f"table {position + 1} has no column(s) {', '.join(sorted(missing))}; expected "
                "a table returned by impact_tests, behaviour_impact, lag_scan or "
                "lagged_correlations(...).table"
            )
    if not tables:
        return []
    p_values = pd.concat([t["p_value"] for t in tables], ignore_index=True)
    tested = pd.concat([t["tested"] for t in tables], ignore_index=True)
    q_values = bh_q_values(p_values, tested)
    out = []
    start = 0
    for table in tables:
        copy = table.copy()
        copy["q_value"] = q_values[start : start + len(table)]
        start += len(table)
        if set(IMPACT_COLUMNS) <= set(copy.columns):
            copy = with_verdicts(copy)
        out.append(copy)
    return out


def impact_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The impact table as a JSON-ready list of objects (``impact --json``); NaN becomes null.

    Parameters
    ----------
    table : a table returned by :func:`behaviour_impact`, :func:`lag_scan` or
        :func:`impact_tests`.

    Returns
    -------
    list of dict
        One object per row with every column; numbers are plain ``int``/``float``, flags
        ``bool``, missing values ``None``.
    """
    missing = [c for c in ("behaviour", "outcome", "lag", "p_value") if c not in table.columns]
    if missing:
        raise ValueError(f"not an impact table: no column(s) {', '.join(missing)}")
    return [
        {str(column): _json_value(value) for column, value in row.items()}
        for row in table.to_dict(orient="records")
    ]


def _behaviour_names(daily: DailyData, outcome: str, requested: Sequence[str] | None) -> list[str]:
    """Behaviours to test: the requested ones (checked to be yes/no) or all of kind behaviour."""
    available = [n for n in daily.names("behaviour") if n != outcome]
    if requested is None:
        if not available:
            columns = ", ".join(daily.table.columns) or "none"
            raise ValueError(
                f"no yes/no behaviours to test against {outcome!r}; columns: {columns}"
            )
        names = available
    else:
        names = list(dict.fromkeys(requested))
        for name in names:
            if name not in daily.table.columns:
                listed = ", ".join(available) or "none"
                raise ValueError(
                    f"behaviour {name!r} is not a column of the data; behaviours: {listed}"
                )
    for name in names:
        values = daily.table[name]
        odd = values[values.notna() & ~values.isin([0.0, 1.0])]
        if not odd.empty:
            raise ValueError(
                f"column {name!r} is not a yes/no behaviour: on {odd.index[0]:%Y-%m-%d} it "
                f"holds {odd.iloc[0]:g}; expected 1 (yes), 0 (no) or missing"
            )
    return names


def _impact_row(
    daily: DailyData,
    calendar: pd.DataFrame,
    name: str,
    outcome: str,
    outcome_values: np.ndarray,
    lag: int,
    *,
    min_days: int,
    n_boot: int,
    n_perm: int | None,
    adjust_weekday: bool,
    rng: np.random.Generator,
) -> dict[str, object]:
    """All numbers of one (behaviour, outcome, lag) test, before q-values and verdicts."""
    behaviour = calendar[name].to_numpy(dtype=np.float64)
    n_days = len(calendar)
    days = PairedDays.from_series(behaviour[: n_days - lag], outcome_values[lag:])
    n_yes, sum_yes, n_no, sum_no = days.group_sums().sum(axis=1)
    mean_yes = sum_yes / n_yes if n_yes else math.nan
    mean_no = sum_no / n_no if n_no else math.nan
    ratio_scale = bool(np.nanmin(daily.table[outcome].to_numpy()) >= 0)
    yes_stretches, no_stretches = days.stretches()
    enough = min(n_yes, n_no) >= min_days
    # One table row of mixed cells, some read back as numbers below.
    row: dict[str, Any] = {
        "behaviour": name,
        "label": daily.registry[name].label,
        "outcome": outcome,
        "outcome_label": daily.registry[outcome].label,
        "lag": lag,
        "n_yes": int(n_yes),
        "n_no": int(n_no),
        "yes_stretches": yes_stretches,
        "no_stretches": no_stretches,
        "mean_yes": mean_yes,
        "mean_no": mean_no,
        "difference": mean_yes - mean_no,
        "pct_change": _pct_change(mean_yes, mean_no, ratio_scale),
        "enough_data": bool(enough),
        "circular": is_circular(daily.registry, name, outcome),
        "weekday_adjusted": adjust_weekday,
        "block_days": math.nan,
        "n_rotations": 0,
        "p_value": math.nan,
        "diff_ci_low": math.nan,
        "diff_ci_high": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
    }
    if enough:
        block = block_length(influence_series(days, mean_yes, mean_no))
        differences, pcts = bootstrap_effects(days, block, n_boot, rng)
        rotation = rotation_test(days, mean_yes, mean_no, n_perm, rng)
        row["diff_ci_low"], row["diff_ci_high"] = _hull(
            percentile_interval(differences), rotation.diff_interval
        )
        if ratio_scale:
            row["ci_low"], row["ci_high"] = _hull(percentile_interval(pcts), rotation.pct_interval)
        row["p_value"], row["n_rotations"] = rotation.p_value, rotation.n_rotations
        row["block_days"] = block
    row["tested"] = bool(enough and not row["circular"] and np.isfinite(row["p_value"]))
    row["verdict"], row["note"] = "", ""
    if not enough:
        row["verdict"] = "not enough data"
        row["note"] = (
            f"not enough data yet: {int(n_yes)} yes and {int(n_no)} no days with "
            f"{row['outcome_label']} {lag_words(lag)} (needs at least {min_days} of each)"
        )
    elif row["circular"]:
        row["verdict"] = "built in"
        row["note"] = (
            f"built in, not a finding: '{row['label']}' and {row['outcome_label']} are "
            "computed one from the other"
        )
    return row


def _pct_change(mean_yes: float, mean_no: float, ratio_scale: bool) -> float:
    """Percent change from the no-day mean; NaN when a percentage has no meaning."""
    if not ratio_scale or not mean_no > 0 or not np.isfinite(mean_yes):
        return math.nan
    return (mean_yes - mean_no) / mean_no * 100.0


def _hull(first: tuple[float, float], second: tuple[float, float]) -> tuple[float, float]:
    """The smallest interval containing both (NaN ends ignored)."""
    low = np.fmin(first[0], second[0])
    high = np.fmax(first[1], second[1])
    return float(low), float(high)


def _json_value(value: object) -> object:
    """A table cell as a plain JSON value (NaN → None, NumPy scalars → Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return str(value)
