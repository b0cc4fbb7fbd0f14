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
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import fft, stats

from pga_core.daily import DailyData, Variable
from pga_core.models import LinearGoalModel, block_bootstrap_counts, bootstrap_coefs

__all__ = [
    "CI_LEVEL",
    "DISCOVERY_Q",
    "HABIT_COLUMNS",
    "IMPACT_COLUMNS",
    "MIN_DAYS_PER_GROUP",
    "ImpactRequest",
    "LaggedCorrelations",
    "adjust_together",
    "behaviour_impact",
    "habit_effects",
    "impact_records",
    "impact_tests",
    "lag_scan",
    "lagged_correlations",
]

#: Fewer yes (or no) days than this and the answer is "not enough data yet".
MIN_DAYS_PER_GROUP = 5
#: A habit model needs at least this many complete days per input.
MIN_DAYS_PER_HABIT_INPUT = 20
#: Fewer paired days than this and a correlation is not tested.
MIN_PAIRS_FOR_CORRELATION = 10
#: A q-value at or below this is reported as a likely effect.
DISCOVERY_Q = 0.10
#: Two-sided confidence level of every interval.
CI_LEVEL = 0.95
#: Lags a lag scan looks at unless told otherwise (same day to one week later).
DEFAULT_LAGS = range(8)
#: A bootstrap interval needs at least this share of resamples with both yes and no days.
MIN_VALID_RESAMPLE_SHARE = 0.5
#: Shifted statistics within this relative distance of the observed one count as ties (as
#: extreme), so floating-point noise from the FFT never makes a p-value smaller.
TIE_RTOL = 1e-9
#: Yes (or no) days coming in fewer separate stretches than this get a warning: with so few
#: episodes, the behaviour and whatever else went on in those periods are hard to tell apart.
FEW_STRETCHES = 5
#: Significance constant and window of the Politis–White block-length rule.
_PW_CRITICAL = 2.0
_PW_MIN_RUN = 5

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


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def behaviour_impact(
    daily: DailyData,
    outcome: str,
    *,
    lag: int = 1,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_boot: int = 1000,
    n_perm: int | None = 1000,
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
    n_boot: int = 1000,
    n_perm: int | None = 1000,
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
    n_boot: int = 1000,
    n_perm: int | None = 1000,
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
    _check_settings(min_days, n_boot, n_perm)
    if not requests:
        raise ValueError("no tests requested: give at least one ImpactRequest")
    base_seed = _base_seed(random_state)
    calendar = _calendar(daily)
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, str, int]] = set()
    for request in requests:
        outcome_values = _outcome_values(daily, calendar, request.outcome, adjust_weekday)
        lag = _check_lag(request.lag, len(calendar))
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
                    rng=_test_rng(base_seed, name, request.outcome, lag),
                )
            )
    table = pd.DataFrame(rows, columns=list(IMPACT_COLUMNS))
    table["q_value"] = _bh_q_values(table["p_value"], table["tested"])
    return _with_verdicts(table)


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
    q_values = _bh_q_values(p_values, tested)
    out = []
    start = 0
    for table in tables:
        copy = table.copy()
        copy["q_value"] = q_values[start : start + len(table)]
        start += len(table)
        if set(IMPACT_COLUMNS) <= set(copy.columns):
            copy = _with_verdicts(copy)
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


@dataclass(frozen=True)
class LaggedCorrelations:
    """Correlations between variables on day t (rows) and day t + lag (columns).

    Attributes
    ----------
    lag : days between the row variable and the column variable.
    method : ``pearson`` or ``spearman``.
    r : DataFrame, shape (n_columns, n_columns); NaN on the diagonal and where untested.
    p_value : rotation-test p-values, same shape; NaN where not tested.
    q_value : Benjamini–Hochberg q-values over all tested cells, same shape.
    n_pairs : days with both values, same shape.
    table : long form, one row per cell with a correlation (``x``, ``y``, ``lag``, ``method``,
        ``r``, ``n_pairs``, ``p_value``, ``q_value``, ``circular``, ``tested``); at lag 0 each
        pair appears once. Pass it to :func:`adjust_together` to correct with other tests.
    """

    lag: int
    method: str
    r: pd.DataFrame
    p_value: pd.DataFrame
    q_value: pd.DataFrame
    n_pairs: pd.DataFrame
    table: pd.DataFrame


def lagged_correlations(
    daily: DailyData,
    columns: Sequence[str],
    *,
    lag: int = 0,
    method: str = "pearson",
    min_pairs: int = MIN_PAIRS_FOR_CORRELATION,
    n_perm: int | None = 1000,
    random_state: int | np.random.Generator | None = 0,
) -> LaggedCorrelations:
    """Correlation of each column on day t with each column on day t + lag, honest p-values.

    Each p-value is a rotation test (see the module notes): the day-t series is shifted
    circularly against the other and the correlation recomputed for every shift, which keeps
    both series' autocorrelation. Two slowly drifting series correlate strongly by chance;
    rotation knows that, a textbook correlation test does not. At lag 0 the matrix is symmetric
    and each pair is tested once; the diagonal is never tested. Circular pairs (one computed
    from the other) are flagged and left out of the q-value family.

    Parameters
    ----------
    daily : the day-indexed table.
    columns : at least two column names.
    lag : days from the row variable to the column variable, ``>= 0``.
    method : ``pearson``, or ``spearman`` — Pearson correlation of each column's ranks, ranked
        over all of that column's logged days (equal to Spearman's rho when both columns are
        logged on the same days).
    min_pairs : fewest days with both values for a test.
    n_perm : most rotations per test; None or more than the history uses all shifts.
    random_state : seed for choosing rotations when not all are used.

    Returns
    -------
    LaggedCorrelations
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method must be 'pearson' or 'spearman', got {method!r}")
    names = list(dict.fromkeys(columns))
    if len(names) < 2:
        raise ValueError("lagged_correlations needs at least two different columns")
    for name in names:
        _check_column(daily, name, "column")
    if not isinstance(min_pairs, int | np.integer) or min_pairs < 3:
        raise ValueError(f"min_pairs must be an integer of at least 3, got {min_pairs!r}")
    _check_settings(1, 1, n_perm)
    calendar = _calendar(daily)
    lag = _check_lag(lag, len(calendar))
    frame = daily.table.reindex(calendar)[names]
    if method == "spearman":
        frame = frame.rank()
    base_seed = _base_seed(random_state)
    rows = []
    for i, x_name in enumerate(names):
        for j, y_name in enumerate(names):
            if i == j or (lag == 0 and j < i):
                continue
            x = frame[x_name].to_numpy()[: len(calendar) - lag]
            y = frame[y_name].to_numpy()[lag:]
            rng = _test_rng(base_seed, x_name, y_name, lag)
            r, n_pairs, p_value = _rotation_correlation(x, y, min_pairs, n_perm, rng)
            circular = _is_circular(daily.registry, x_name, y_name)
            rows.append(
                {
                    "x": x_name,
                    "y": y_name,
                    "lag": lag,
                    "method": method,
                    "r": r,
                    "n_pairs": n_pairs,
                    "p_value": p_value,
                    "circular": circular,
                    "tested": bool(np.isfinite(p_value)) and not circular,
                }
            )
    table = pd.DataFrame(rows)
    table["q_value"] = _bh_q_values(table["p_value"], table["tested"])
    table = table[
        ["x", "y", "lag", "method", "r", "n_pairs", "p_value", "q_value", "circular", "tested"]
    ]
    return LaggedCorrelations(
        lag=lag,
        method=method,
        r=_matrix(table, names, "r", symmetric=lag == 0),
        p_value=_matrix(table, names, "p_value", symmetric=lag == 0),
        q_value=_matrix(table, names, "q_value", symmetric=lag == 0),
        n_pairs=_matrix(table, names, "n_pairs", symmetric=lag == 0),
        table=table,
    )


HABIT_COLUMNS: tuple[str, ...] = (
    "habit",
    "label",
    "unit",
    "outcome",
    "outcome_label",
    "lag",
    "joint",
    "n_days",
    "mean",
    "sd",
    "per_unit",
    "per_unit_ci_low",
    "per_unit_ci_high",
    "per_sd",
    "per_sd_ci_low",
    "per_sd_ci_high",
    "enough_data",
    "circular",
    "block_days",
    "note",
)


def habit_effects(
    daily: DailyData,
    outcome: str,
    *,
    lag: int = 1,
    habits: Sequence[str] | None = None,
    joint: bool = True,
    min_days: int = MIN_DAYS_PER_HABIT_INPUT,
    n_boot: int = 1000,
    adjust_weekday: bool = False,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """How much the outcome ``lag`` days later moves per unit and per SD of each numeric habit.

    A straight line, fitted by :class:`~pga_core.models.LinearGoalModel` (our own gradient
    ascent) to the outcome on day t + lag against the habits on day t, standardised.

    * ``joint=True`` (default) fits all habits together, on the days where every one of them
      and the outcome are known: each effect is then "holding the other habits fixed", which
      is more honest when habits move together (long workouts on days with more sleep), but
      every day with any habit unlogged is dropped.
    * ``joint=False`` fits one habit at a time, each on its own complete days: more days, but
      an effect may be another habit's in disguise.

    The 95 % intervals come from :func:`~pga_core.models.bootstrap_coefs`: refits on
    moving-block resamples of calendar days (blocks of the Politis–White length for the
    slowest-decorrelating input, see :func:`behaviour_impact`), 2.5th–97.5th percentiles.
    They are the block bootstrap alone, which our simulations show can be over-confident when
    both the habit and the outcome drift slowly; and they are not corrected for looking at
    many habits at once. Metrics can be named in ``habits`` (sleep hours, strain) as well.

    Parameters
    ----------
    daily : the day-indexed table.
    outcome : outcome column.
    lag : days from habit to outcome, ``>= 0``.
    habits : numeric columns to use; default every column of kind ``habit`` (except the
        outcome).
    joint : fit all habits together (True) or one at a time (False).
    min_days : fewest complete days per habit in the model (so a joint model of k habits needs
        ``k · min_days`` days).
    n_boot : bootstrap refits.
    adjust_weekday : subtract the outcome's day-of-week means first.
    random_state : seed of the resampling.

    Returns
    -------
    DataFrame, shape (n_habits, len(HABIT_COLUMNS))
        ``per_unit`` (outcome units per habit unit) and ``per_sd`` (outcome units per standard
        deviation of the habit over the days used) with their intervals; ``mean``, ``sd`` of
        the habit; ``n_days`` used; ``circular`` pairs are flagged in ``note``; rows without
        enough data have NaN effects and say why.
    """
    _check_settings(min_days, n_boot, None)
    calendar = _calendar(daily)
    outcome_values = _outcome_values(daily, calendar, outcome, adjust_weekday)
    lag = _check_lag(lag, len(calendar))
    names = _habit_names(daily, outcome, habits)
    base_seed = _base_seed(random_state)
    inputs = daily.table.reindex(calendar)[names].to_numpy(dtype=np.float64)
    inputs = inputs[: len(calendar) - lag]
    later = outcome_values[lag:]
    groups = [names] if joint else [[name] for name in names]
    rows = []
    for group in groups:
        columns = [names.index(name) for name in group]
        rng_key = "+".join(group)
        effects = _fit_habits(
            inputs[:, columns],
            later,
            min_days=min_days,
            n_boot=n_boot,
            seed=int(_test_rng(base_seed, rng_key, outcome, lag).integers(2**31)),
        )
        rows.extend(
            _habit_row(daily, group, position, outcome, lag, joint, effects)
            for position in range(len(group))
        )
    return pd.DataFrame(rows, columns=list(HABIT_COLUMNS))


def _habit_names(daily: DailyData, outcome: str, requested: Sequence[str] | None) -> list[str]:
    """Numeric inputs: the requested columns (checked) or every habit."""
    if requested is None:
        names = [n for n in daily.names("habit") if n != outcome]
        if not names:
            columns = ", ".join(daily.table.columns) or "none"
            raise ValueError(
                f"no numeric habits (kind 'habit') to relate to {outcome!r}; name columns "
                f"with habits=[...]; columns: {columns}"
            )
        return names
    names = list(dict.fromkeys(requested))
    if not names:
        raise ValueError("habits is empty: name at least one column")
    for name in names:
        _check_column(daily, name, "habit")
        if name == outcome:
            raise ValueError(f"habit {name!r} is the outcome itself; choose other columns")
    return names


@dataclass(frozen=True)
class _HabitFit:
    """One linear fit of the outcome on standardised habits, with bootstrap refits."""

    n_days: int
    mean: np.ndarray  # (k,)
    sd: np.ndarray  # (k,)
    per_sd: np.ndarray  # (k,)
    boot_per_sd: np.ndarray  # (n_boot, k)
    block: int
    problem: str  # why there are no effects; "" when there are
    constant: int | None = None  # position of an input with no variation, if any


def _fit_habits(
    inputs: np.ndarray, later: np.ndarray, *, min_days: int, n_boot: int, seed: int
) -> _HabitFit:
    """Fit LinearGoalModel on the complete days and refit it on block-bootstrap resamples."""
    k = inputs.shape[1]
    complete = ~np.isnan(inputs).any(axis=1) & ~np.isnan(later)
    n_days = int(complete.sum())
    empty = np.full(k, np.nan)
    if n_days < k * min_days:
        problem = (
            f"not enough data yet: {n_days} days with "
            f"{'every habit' if k > 1 else 'the habit'} and the outcome known "
            f"(needs at least {k * min_days})"
        )
        return _HabitFit(n_days, empty, empty, empty, np.empty((0, k)), 0, problem)
    X, y = inputs[complete], later[complete]
    mean, sd = X.mean(axis=0), X.std(axis=0)
    if (sd == 0).any():
        constant = int(np.flatnonzero(sd == 0)[0])
        problem = f"not enough data yet: no variation over the {n_days} days used"
        return _HabitFit(n_days, mean, sd, empty, np.empty((0, k)), 0, problem, constant)
    standardised = (X - mean) / sd
    model = LinearGoalModel().fit(standardised, y)
    residual = y - model.predict(standardised)
    positions = np.flatnonzero(complete)
    span = slice(positions[0], positions[-1] + 1)
    influence = np.zeros((positions[-1] - positions[0] + 1, k))
    influence[positions - positions[0]] = np.linalg.solve(
        standardised.T @ standardised / n_days, (standardised * residual[:, None]).T
    ).T
    block = max(_block_length(influence[:, j]) for j in range(k))
    span_days = span.stop - span.start
    counts = block_bootstrap_counts(span_days, n_boot, block, seed)[:, positions - positions[0]]
    boot = bootstrap_coefs(model, standardised, y, n_boot=n_boot, counts=counts)
    return _HabitFit(n_days, mean, sd, model.coef_, boot, block, "")


def _habit_row(
    daily: DailyData,
    group: list[str],
    position: int,
    outcome: str,
    lag: int,
    joint: bool,
    fit: _HabitFit,
) -> dict[str, object]:
    """One habit's line of :func:`habit_effects`."""
    name = group[position]
    variable = daily.registry[name]
    outcome_label = daily.registry[outcome].label
    enough = not fit.problem
    sd = float(fit.sd[position])
    per_sd = float(fit.per_sd[position])
    low, high = math.nan, math.nan
    if enough:
        low, high = _percentile_interval(fit.boot_per_sd[:, position])
    circular = _is_circular(daily.registry, name, outcome)
    if fit.constant is not None:
        still = daily.registry[group[fit.constant]].label
        note = f"not enough data yet: '{still}' has the same value on all {fit.n_days} days used"
    elif not enough:
        note = fit.problem
    else:
        unit = f" {variable.unit}" if variable.unit else ""
        held = ", other habits held fixed" if joint and len(group) > 1 else ""
        note = (
            f"per {sd:.3g}{unit} more '{variable.label}' (one SD), {outcome_label} "
            f"{_when(lag)} moves {_signed(per_sd, '')} ({CI_LEVEL:.0%} CI "
            f"{_signed(low, '')} to {_signed(high, '')}, {fit.n_days} days{held})"
        )
        if circular:
            note = f"built in, not a finding: {note}"
    return {
        "habit": name,
        "label": variable.label,
        "unit": variable.unit,
        "outcome": outcome,
        "outcome_label": outcome_label,
        "lag": lag,
        "joint": joint,
        "n_days": fit.n_days,
        "mean": float(fit.mean[position]),
        "sd": sd,
        "per_unit": per_sd / sd if enough else math.nan,
        "per_unit_ci_low": low / sd if enough else math.nan,
        "per_unit_ci_high": high / sd if enough else math.nan,
        "per_sd": per_sd,
        "per_sd_ci_low": low,
        "per_sd_ci_high": high,
        "enough_data": enough,
        "circular": circular,
        "block_days": fit.block if enough else math.nan,
        "note": note,
    }


# --------------------------------------------------------------------------------------------
# Input checks and preparation
# --------------------------------------------------------------------------------------------


def _check_settings(min_days: int, n_boot: int, n_perm: int | None) -> None:
    """Reject nonsensical statistical settings with a readable message."""
    if not isinstance(min_days, int | np.integer) or min_days < 1:
        raise ValueError(f"min_days must be a positive whole number of days, got {min_days!r}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive number of resamples, got {n_boot!r}")
    if n_perm is not None and (not isinstance(n_perm, int | np.integer) or n_perm < 1):
        raise ValueError(f"n_perm must be a positive number of rotations or None, got {n_perm!r}")


def _check_lag(lag: object, n_days: int) -> int:
    """A lag is a whole number of days, at least 0, shorter than the history."""
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer):
        raise ValueError(f"lag must be a whole number of days, got {lag!r}")
    if lag < 0:
        raise ValueError(f"lag must be 0 or more days (the outcome comes after), got {lag}")
    if lag >= n_days:
        raise ValueError(
            f"lag of {lag} day(s) needs more than {lag} days of data; the table covers {n_days}"
        )
    return int(lag)


def _check_column(daily: DailyData, name: str, role: str) -> None:
    """The column exists; otherwise list the columns that do."""
    if name not in daily.table.columns:
        available = ", ".join(daily.table.columns) or "none"
        raise ValueError(f"{role} {name!r} is not a column of the data; columns: {available}")


def _calendar(daily: DailyData) -> pd.DatetimeIndex:
    """Every calendar day from the first to the last day of the table (gaps become missing)."""
    index = daily.table.index
    if len(index) == 0:
        raise ValueError("the data has no days")
    return pd.date_range(index.min(), index.max(), freq="D", name="date")


def _outcome_values(
    daily: DailyData, calendar: pd.DatetimeIndex, outcome: str, adjust_weekday: bool
) -> np.ndarray:
    """The outcome on every calendar day, weekday-adjusted if asked; checks it varies."""
    _check_column(daily, outcome, "outcome")
    series = daily.table[outcome].reindex(calendar)
    present = series.dropna()
    if present.size < 2 or present.min() == present.max():
        raise ValueError(
            f"outcome {outcome!r} has {present.size} logged day(s) and no variation; "
            "expected a variable that changes from day to day"
        )
    if adjust_weekday:
        weekday_means = series.groupby(series.index.day_of_week).transform("mean")
        series = series - weekday_means + present.mean()
    return series.to_numpy(dtype=np.float64)


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


def _base_seed(random_state: int | np.random.Generator | None) -> int:
    """One integer drawn from ``random_state``; every test's generator is derived from it."""
    return int(np.random.default_rng(random_state).integers(2**63))


def _test_rng(base_seed: int, first: str, second: str, lag: int) -> np.random.Generator:
    """A generator that depends only on the seed and the test's identity."""
    key = [base_seed, zlib.crc32(first.encode()), zlib.crc32(second.encode()), lag]
    return np.random.default_rng(key)


def _components_closure(registry: Mapping[str, Variable], name: str) -> set[str]:
    """Every variable ``name`` is computed from, directly or through others."""
    found: set[str] = set()
    stack = [name]
    while stack:
        variable = registry.get(stack.pop())
        if variable is None:
            continue
        for part in variable.components:
            if part not in found:
                found.add(part)
                stack.append(part)
    return found


def _is_circular(registry: Mapping[str, Variable], first: str, second: str) -> bool:
    """Whether one variable is (part of) how the other is computed."""
    return (
        first == second
        or first in _components_closure(registry, second)
        or second in _components_closure(registry, first)
    )


# --------------------------------------------------------------------------------------------
# One behaviour test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PairedDays:
    """A behaviour on day t against the outcome on day t + lag, over the span both are logged.

    All arrays have shape (n_days,). ``yes``/``no`` are 1.0 where the behaviour was logged so
    (whatever the outcome), ``seen`` is 1.0 where the outcome is known, ``value`` is the outcome
    (0.0 where unknown).
    """

    yes: np.ndarray
    no: np.ndarray
    seen: np.ndarray
    value: np.ndarray

    @classmethod
    def from_series(cls, behaviour: np.ndarray, outcome_later: np.ndarray) -> _PairedDays:
        """Pair the arrays position by position and trim to the first..last complete pair."""
        complete = np.flatnonzero(~np.isnan(behaviour) & ~np.isnan(outcome_later))
        if complete.size == 0:
            empty = np.zeros(0)
            return cls(empty, empty, empty, empty)
        span = slice(complete[0], complete[-1] + 1)
        b, y = behaviour[span], outcome_later[span]
        seen = ~np.isnan(y)
        return cls(
            yes=(b == 1.0).astype(np.float64),
            no=(b == 0.0).astype(np.float64),
            seen=seen.astype(np.float64),
            value=np.where(seen, y, 0.0),
        )

    def stretches(self) -> tuple[int, int]:
        """How many separate runs of yes days and of no days (unlogged days skipped)."""
        logged = (self.yes + self.no) > 0
        answers = self.yes[logged]
        starts = np.r_[True, answers[1:] != answers[:-1]]
        runs_yes = int(np.count_nonzero(starts & (answers == 1.0)))
        return runs_yes, int(np.count_nonzero(starts)) - runs_yes

    def group_sums(self) -> np.ndarray:
        """Per-day contributions, shape (4, n_days): yes count, yes sum, no count, no sum."""
        yes_seen = self.yes * self.seen
        no_seen = self.no * self.seen
        return np.stack([yes_seen, yes_seen * self.value, no_seen, no_seen * self.value])


def _impact_row(
    daily: DailyData,
    calendar: pd.DatetimeIndex,
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
    behaviour = daily.table[name].reindex(calendar).to_numpy(dtype=np.float64)
    n_days = len(calendar)
    days = _PairedDays.from_series(behaviour[: n_days - lag], outcome_values[lag:])
    n_yes, sum_yes, n_no, sum_no = days.group_sums().sum(axis=1)
    mean_yes = sum_yes / n_yes if n_yes else math.nan
    mean_no = sum_no / n_no if n_no else math.nan
    ratio_scale = bool(np.nanmin(daily.table[outcome].to_numpy()) >= 0)
    yes_stretches, no_stretches = days.stretches()
    enough = min(n_yes, n_no) >= min_days
    row: dict[str, object] = {
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
        "circular": _is_circular(daily.registry, name, outcome),
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
        block = _block_length(_influence_series(days, mean_yes, mean_no))
        differences, pcts = _bootstrap_effects(days, block, n_boot, rng)
        rotation = _rotation_test(days, mean_yes, mean_no, n_perm, rng)
        row["diff_ci_low"], row["diff_ci_high"] = _hull(
            _percentile_interval(differences), rotation.diff_interval
        )
        if ratio_scale:
            row["ci_low"], row["ci_high"] = _hull(_percentile_interval(pcts), rotation.pct_interval)
        row["p_value"], row["n_rotations"] = rotation.p_value, rotation.n_rotations
        row["block_days"] = block
    row["tested"] = bool(enough and not row["circular"] and np.isfinite(row["p_value"]))
    row["verdict"], row["note"] = "", ""
    if not enough:
        row["verdict"] = "not enough data"
        row["note"] = (
            f"not enough data yet: {int(n_yes)} yes and {int(n_no)} no days with "
            f"{row['outcome_label']} {_when(lag)} (needs at least {min_days} of each)"
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


def _influence_series(days: _PairedDays, mean_yes: float, mean_no: float) -> np.ndarray:
    """Each day's first-order contribution to the difference in means, shape (n_days,).

    The variance of the estimate is the long-run variance of this series, so its
    autocorrelation is what the bootstrap blocks must keep.
    """
    share_yes = days.yes @ days.seen / len(days.seen)
    share_no = days.no @ days.seen / len(days.seen)
    centred_yes = days.yes * days.seen * (days.value - mean_yes) / share_yes
    centred_no = days.no * days.seen * (days.value - mean_no) / share_no
    return centred_yes - centred_no


def _block_length(series: np.ndarray) -> int:
    """Politis–White automatic block length for a moving-block bootstrap of ``series``.

    Parameters
    ----------
    series : array, shape (n,)

    Returns
    -------
    int
        ``ceil(b_opt)`` clipped to ``[1, min(3·√n, n/3)]``, where
        ``b_opt = (2·G² / D)^(1/3) · n^(1/3)``, ``G = Σ λ(k/M)·|k|·R(k)``,
        ``D = (4/3)·(Σ λ(k/M)·R(k))²`` (the moving/circular block constant), ``R`` the sample
        autocovariance, ``λ`` the flat-top window and ``M`` twice the first lag after which
        ``K`` consecutive autocorrelations are insignificant.
    """
    n = series.size
    longest = max(1, math.floor(min(3 * math.sqrt(n), n / 3)))
    if n < 2 * _PW_MIN_RUN:
        return 1
    x = series - series.mean()
    run = max(_PW_MIN_RUN, math.ceil(math.sqrt(math.log10(n))))
    max_lag = min(n - 1, math.ceil(math.sqrt(n)) + run)
    spectrum = fft.rfft(x, n=fft.next_fast_len(2 * n))
    autocov = fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1] / n
    if autocov[0] <= 0:
        return 1
    autocorr = autocov / autocov[0]
    critical = _PW_CRITICAL * math.sqrt(math.log10(n) / n)
    small = np.abs(autocorr[1:]) < critical  # small[k-1] is about lag k
    first_quiet = max_lag - run
    for m in range(max_lag - run + 1):
        if small[m : m + run].all():
            first_quiet = m
            break
    window = min(2 * max(first_quiet, 1), max_lag)
    lags = np.arange(1, window + 1)
    ratio = lags / window
    flat_top = np.where(ratio <= 0.5, 1.0, 2.0 * (1.0 - ratio))
    big_g = 2.0 * np.sum(flat_top * lags * autocov[1 : window + 1])
    long_run = autocov[0] + 2.0 * np.sum(flat_top * autocov[1 : window + 1])
    if long_run <= 0 or big_g == 0:
        return 1
    optimum = (2.0 * big_g**2 / ((4.0 / 3.0) * long_run**2)) ** (1 / 3) * n ** (1 / 3)
    return int(min(max(math.ceil(optimum), 1), longest))


def _bootstrap_starts(n_days: int, block: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Block start days of each moving-block resample, shape (n_boot, ceil(n_days / block)).

    Every block lies wholly inside the series; the last block of a resample is cut so the
    resample has exactly ``n_days`` days.
    """
    n_blocks = -(-n_days // block)
    return rng.integers(0, n_days - block + 1, size=(n_boot, n_blocks))


def _bootstrap_effects(
    days: _PairedDays, block: int, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Difference in means and percent change in each moving-block resample, each (n_boot,).

    Resamples lacking yes or no days give NaN. Every block's sums are computed once from
    prefix sums, so a resample costs one look-up per block rather than one per day.
    """
    n_days = days.seen.size
    block = min(block, n_days)
    starts = _bootstrap_starts(n_days, block, n_boot, rng)
    last_length = n_days - (starts.shape[1] - 1) * block
    prefix = np.concatenate([np.zeros((4, 1)), np.cumsum(days.group_sums(), axis=1)], axis=1)
    block_sums = prefix[:, block:] - prefix[:, : n_days - block + 1]
    full, last = starts[:, :-1], starts[:, -1]
    totals = np.empty((4, n_boot))
    for k in range(4):
        totals[k] = block_sums[k][full].sum(axis=1)
    totals += prefix[:, last + last_length] - prefix[:, last]
    n_yes, sum_yes, n_no, sum_no = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_yes = np.where(n_yes > 0, sum_yes / n_yes, np.nan)
        mean_no = np.where(n_no > 0, sum_no / n_no, np.nan)
        pct = np.where(mean_no > 0, (mean_yes - mean_no) / mean_no * 100.0, np.nan)
    return mean_yes - mean_no, pct


def _percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The central CI_LEVEL interval of the finite draws; NaN when too many draws failed."""
    finite = draws[np.isfinite(draws)]
    if finite.size < MIN_VALID_RESAMPLE_SHARE * draws.size or finite.size == 0:
        return math.nan, math.nan
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def _rotation_shifts(n_days: int, n_perm: int | None, rng: np.random.Generator) -> np.ndarray:
    """Shifts (in days) the test compares with the observed alignment (shift 0).

    All ``n_days − 1`` nonzero shifts, or ``n_perm`` of them drawn without replacement.
    """
    shifts = np.arange(1, n_days)
    if n_perm is not None and n_perm < shifts.size:
        shifts = np.sort(rng.choice(shifts, size=n_perm, replace=False))
    return shifts


def _circular_cross_sums(
    left: np.ndarray, right: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> np.ndarray:
    """``out[p, k] = Σ_t left[i, (t − k) mod n] · right[j, t]`` for each pair p = (i, j).

    The sums a rotation test needs, for every shift k of ``left[i]`` at once, by FFT.
    Column 0 is the observed alignment.

    Parameters
    ----------
    left : array, shape (a, n); right : array, shape (b, n)
    pairs : the (row of left, row of right) combinations wanted.

    Returns
    -------
    array, shape (len(pairs), n)
    """
    n = left.shape[-1]
    first, second = np.array(pairs).T
    left_f = np.conj(fft.rfft(left, axis=-1))[first]
    right_f = fft.rfft(right, axis=-1)[second]
    return fft.irfft(left_f * right_f, n=n, axis=-1)


def _welch_t(
    n1: np.ndarray, s1: np.ndarray, q1: np.ndarray, n0: np.ndarray, s0: np.ndarray, q0: np.ndarray
) -> np.ndarray:
    """Welch's t from group counts, sums and sums of squares; NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean1, mean0 = s1 / n1, s0 / n0
        var1 = np.maximum(q1 - n1 * mean1**2, 0.0) / (n1 - 1)
        var0 = np.maximum(q0 - n0 * mean0**2, 0.0) / (n0 - 1)
        se = np.sqrt(var1 / n1 + var0 / n0)
        t = (mean1 - mean0) / se
    return np.where((n1 >= 2) & (n0 >= 2) & (se > 0), t, np.nan)


@dataclass(frozen=True)
class _RotationResult:
    """What the rotations of one behaviour against the outcome tell."""

    p_value: float
    n_rotations: int
    diff_interval: tuple[float, float]
    pct_interval: tuple[float, float]


def _rotation_test(
    days: _PairedDays,
    mean_yes: float,
    mean_no: float,
    n_perm: int | None,
    rng: np.random.Generator,
) -> _RotationResult:
    """Rotation-test p-value of Welch's t, and rotation intervals for the effect.

    The p-value compares the observed |t| with |t| after each shift. The intervals rotate
    the behaviour against the outcome with the estimated effect taken out (subtracted for the
    difference, divided out for the ratio): the spread of the effects those rotations show is
    the spread chance alone gives this very pattern of yes days against this outcome's
    autocorrelation, so ``estimate − (97.5th, 2.5th percentile)`` is a 95 % interval.
    """
    n_days = days.seen.size
    seen_values = days.value[days.seen > 0]
    centred = (days.value - seen_values.mean()) * days.seen
    difference = mean_yes - mean_no
    minus_effect = (days.value - difference * days.yes) * days.seen
    ratio = mean_yes / mean_no if mean_no > 0 and mean_yes > 0 else math.nan
    over_effect = np.where(days.yes > 0, days.value / ratio, days.value) * days.seen
    sums = _circular_cross_sums(
        np.stack([days.yes, days.no]),
        np.stack([days.seen, centred, centred**2, minus_effect, over_effect]),
        [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4)],
    )
    n_yes, sum_yes, sq_yes, n_no, sum_no, sq_no = sums[:6]
    n_yes, n_no = np.rint(n_yes), np.rint(n_no)
    t = _welch_t(n_yes, sum_yes, sq_yes, n_no, sum_no, sq_no)
    shifts = _rotation_shifts(n_days, n_perm, rng)
    p_value, n_rotations = _rotation_p_from_statistics(t[0], t[shifts])
    with np.errstate(divide="ignore", invalid="ignore"):
        chance_diff = (sums[6] / n_yes - sums[7] / n_no)[shifts]
        chance_log_ratio = np.log((sums[8] / n_yes) / (sums[9] / n_no))[shifts]
    low, high = _percentile_interval(chance_diff)
    diff_interval = (difference - high, difference - low)
    low, high = _percentile_interval(chance_log_ratio)
    pct_interval = (
        100.0 * (ratio * math.exp(-high) - 1.0),
        100.0 * (ratio * math.exp(-low) - 1.0),
    )
    return _RotationResult(p_value, n_rotations, diff_interval, pct_interval)


def _hull(first: tuple[float, float], second: tuple[float, float]) -> tuple[float, float]:
    """The smallest interval containing both (NaN ends ignored)."""
    low = np.fmin(first[0], second[0])
    high = np.fmax(first[1], second[1])
    return float(low), float(high)


def _rotation_p_from_statistics(observed: float, shifted: np.ndarray) -> tuple[float, int]:
    """``(1 + #{|shifted| ≥ |observed|}) / (1 + #shifted)`` over the defined shifted values."""
    shifted = shifted[np.isfinite(shifted)]
    if not np.isfinite(observed) or shifted.size == 0:
        return math.nan, 0
    threshold = abs(observed) * (1 - TIE_RTOL)
    extreme = np.count_nonzero(np.abs(shifted) >= threshold)
    return (1 + extreme) / (1 + shifted.size), int(shifted.size)


def _rotation_correlation(
    x: np.ndarray, y: np.ndarray, min_pairs: int, n_perm: int | None, rng: np.random.Generator
) -> tuple[float, int, float]:
    """Pearson r of the complete pairs, their number, and the rotation-test p-value."""
    complete = np.flatnonzero(~np.isnan(x) & ~np.isnan(y))
    if complete.size < min_pairs:
        return math.nan, int(complete.size), math.nan
    span = slice(complete[0], complete[-1] + 1)
    x, y = x[span], y[span]
    x_seen, y_seen = ~np.isnan(x), ~np.isnan(y)
    xc = np.where(x_seen, x - np.nanmean(x), 0.0)
    yc = np.where(y_seen, y - np.nanmean(y), 0.0)
    n, sx, sxx, sy, syy, sxy = _circular_cross_sums(
        np.stack([x_seen.astype(np.float64), xc, xc**2]),
        np.stack([y_seen.astype(np.float64), yc, yc**2]),
        [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (1, 1)],
    )
    n = np.rint(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sxy - sx * sy / n
        var_x = sxx - sx**2 / n
        var_y = syy - sy**2 / n
        r = cov / np.sqrt(var_x * var_y)
    r = np.where((n >= 3) & (var_x > 0) & (var_y > 0), r, np.nan)
    pairs = complete.size
    observed = float(np.corrcoef(x[x_seen & y_seen], y[x_seen & y_seen])[0, 1])
    if not np.isfinite(observed):
        return math.nan, pairs, math.nan
    p_value, _ = _rotation_p_from_statistics(r[0], r[_rotation_shifts(x.size, n_perm, rng)])
    return observed, pairs, p_value


def _matrix(table: pd.DataFrame, names: list[str], column: str, symmetric: bool) -> pd.DataFrame:
    """One column of the long correlation table as a square matrix (rows: day t)."""
    position = {name: i for i, name in enumerate(names)}
    rows = table["x"].map(position).to_numpy(dtype=np.intp)
    cols = table["y"].map(position).to_numpy(dtype=np.intp)
    values = np.full((len(names), len(names)), np.nan)
    values[rows, cols] = table[column].to_numpy(dtype=np.float64)
    if symmetric:
        values[cols, rows] = values[rows, cols]
    return pd.DataFrame(values, index=pd.Index(names), columns=pd.Index(names))


# --------------------------------------------------------------------------------------------
# Multiple comparisons and verdicts
# --------------------------------------------------------------------------------------------


def _bh_q_values(p_values: pd.Series, tested: pd.Series) -> np.ndarray:
    """Benjamini–Hochberg q-values over the tested rows; NaN elsewhere."""
    q = np.full(len(p_values), np.nan)
    mask = tested.to_numpy(dtype=bool)
    if mask.any():
        q[mask] = stats.false_discovery_control(p_values.to_numpy(dtype=np.float64)[mask])
    return q


def _with_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """Fill ``verdict`` (a short category) and ``note`` (a sentence) of the tested rows.

    Rows without enough data and circular rows keep the verdict they were made with.
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


def _when(lag: int) -> str:
    """How a lag reads in a sentence."""
    if lag == 0:
        return "the same day"
    return "the next day" if lag == 1 else f"{lag} days later"


def _signed(value: float, unit: str) -> str:
    """A signed number with a real minus sign, e.g. ``−31%``."""
    text = f"{abs(value):.0f}{unit}" if unit == "%" else f"{abs(value):.3g}{unit}"
    return ("−" if value < 0 else "+") + text


def _verdict(row: Mapping[str, Any]) -> tuple[str, str]:
    """Category and sentence for one row that has enough data and is not circular."""
    size = _effect_sentence(row)
    fewest = min(int(row["yes_stretches"]), int(row["no_stretches"]))
    if fewest < FEW_STRETCHES:
        which = "yes" if row["yes_stretches"] == fewest else "no"
        size += (
            f"; the {which} days come in only {fewest} separate stretch"
            f"{'es' if fewest != 1 else ''}, so the behaviour is hard to tell apart from "
            "whatever else went on then"
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
    difference = float(row["difference"])
    if np.isfinite(pct):
        size, low, high, unit = pct, float(row["ci_low"]), float(row["ci_high"]), "%"
        amount = f"{abs(pct):.0f}%"
    else:
        low, high = float(row["diff_ci_low"]), float(row["diff_ci_high"])
        size, unit = difference, ""
        amount = f"{abs(difference):.3g}"
    direction = "lower" if size < 0 else "higher"
    interval = ""
    if np.isfinite(low) and np.isfinite(high):
        interval = f"{CI_LEVEL:.0%} CI {_signed(low, unit)} to {_signed(high, unit)}, "
    return (
        f"after '{row['label']}' = yes, {row['outcome_label']} {_when(lag)} is {amount} "
        f"{direction} ({interval}n = {row['n_yes']} yes vs {row['n_no']} no days)"
    )


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
