"""What the Behaviours page shows, decided here so that the page only places it.

Which outcomes can be weighed and which is chosen first, the impact table turned into chart
rows and plain sentences, which behaviour is looked at closely, the yes-vs-no distributions of
the outcome, the lag scan corrected together with the main table, numeric habits and the
correlation heat-map. Everything returns plain values and DataFrames; nothing here imports
Streamlit. Names people chose (journal questions, spreadsheet columns) stay data: callers show
them in tables and charts, or escape them before Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.engine import CI_LEVEL
from pga_core.stats import (
    DEFAULT_LAGS,
    DISCOVERY_Q,
    EFFECT_N_BOOT,
    MIN_DAYS_PER_GROUP,
    MIN_PAIRS_FOR_CORRELATION,
    ImpactRequest,
    LaggedCorrelations,
    check_column,
    impact_tests,
    lagged_correlations,
    weekday_adjusted,
)
from pga_core.words import (
    EFFECT_DIGITS,
    MINUS,
    amount,
    lag_phrase,
    lag_words,
    number,
    plural,
    signed,
)

__all__ = [
    "BUILT_IN",
    "HABIT_CLEAR_HIGHER",
    "HABIT_CLEAR_LOWER",
    "HABIT_UNCLEAR",
    "LAG_CHOICES",
    "LIKELY_HIGHER",
    "LIKELY_LOWER",
    "MIN_OUTCOME_DAYS",
    "NOT_CLEAR",
    "NOT_ENOUGH",
    "PREFERRED_OUTCOMES",
    "ImpactView",
    "LagScan",
    "behaviour_choices",
    "correlation_cells",
    "correlation_choices",
    "correlation_findings",
    "correlations",
    "default_behaviour",
    "default_correlation_columns",
    "default_outcome",
    "describe_variable",
    "habit_table",
    "habit_view",
    "impact_view",
    "impact_with_lag_scan",
    "kept_choice",
    "kept_selection",
    "lag_scan_table",
    "lag_scan_view",
    "outcome_choices",
    "yes_no_summary",
    "yes_no_values",
]

#: Lags offered: the same day to a week later.
LAG_CHOICES: tuple[int, ...] = DEFAULT_LAGS
#: Outcomes offered first, in this order, when the data has them (the first is the default).
PREFERRED_OUTCOMES: tuple[str, ...] = (
    "recovery_score",
    "hrv_rmssd",
    "resting_hr",
    "sleep_performance",
    "asleep_min",
    "hrv_sdnn",
    "vo2_max",
    "day_strain",
)
#: An outcome needs at least this many logged days to be offered.
MIN_OUTCOME_DAYS = 2 * MIN_DAYS_PER_GROUP
#: The heat-map starts with this many columns: the outcome, a few metrics, the most logged
#: behaviours and habits.
DEFAULT_HEATMAP_COLUMNS = 10
DEFAULT_HEATMAP_METRICS = 3
#: Correlation pairs put into words below the heat-map.
FINDINGS_LISTED = 10

#: How each estimate is marked in the charts.
LIKELY_LOWER = "likely effect: lower"
LIKELY_HIGHER = "likely effect: higher"
NOT_CLEAR = "no clear effect"
BUILT_IN = "built in (not a finding)"
NOT_ENOUGH = "not enough data"
#: Habit estimates: the interval leaves out zero, or does not (habits get no q-values).
HABIT_CLEAR_LOWER = "interval below zero"
HABIT_CLEAR_HIGHER = "interval above zero"
HABIT_UNCLEAR = "interval includes zero"
CI_PERCENT = f"{CI_LEVEL * 100:.0f} %"


# --- choosing what to look at ---------------------------------------------------------------------
def outcome_choices(daily: DailyData) -> list[str]:
    """Columns that can be an outcome, the default first.

    Numeric measurements and habits (not yes/no behaviours) logged on at least
    :data:`MIN_OUTCOME_DAYS` days and not constant: first those of :data:`PREFERRED_OUTCOMES`
    in that order (recovery first), then the other metrics, then the habits, in table order.
    """
    table = daily.table
    usable = [
        name
        for name, variable in daily.registry.items()
        if variable.kind != "behaviour"
        and table[name].count() >= MIN_OUTCOME_DAYS
        and table[name].min() != table[name].max()
    ]
    preferred = [name for name in PREFERRED_OUTCOMES if name in usable]
    metrics = [n for n in usable if n not in preferred and daily.registry[n].kind == "metric"]
    habits = [n for n in usable if n not in preferred and daily.registry[n].kind == "habit"]
    return preferred + metrics + habits


def default_outcome(daily: DailyData) -> str | None:
    """The outcome shown first: recovery when there is one, else the first choice; None if none."""
    choices = outcome_choices(daily)
    return choices[0] if choices else None


def kept_choice(current: object, choices: Sequence[object], default: object) -> object:
    """``current`` while it is one of ``choices`` (new data can remove it), else ``default``."""
    return current if current in choices else default


def kept_selection(
    current: Sequence[object] | None, choices: Sequence[object], default: Sequence[object]
) -> list[object]:
    """A remembered multiple choice without what the data no longer offers; ``default`` when
    nothing was chosen yet (None). An emptied selection stays empty."""
    if current is None:
        return list(default)
    return [item for item in current if item in choices]


def describe_variable(daily: DailyData, name: str) -> str:
    """A variable as a person reads it in a picker: ``Recovery score (%)``.

    The column name is added when another variable has the same label, so that two choices
    never look alike.
    """
    variable = daily.registry[name]
    text = variable.label + (f" ({variable.unit})" if variable.unit else "")
    twins = [v for v in daily.registry.values() if v.label == variable.label]
    if len(twins) > 1 or not variable.label:
        text += f" · {name}"
    return text


def _row_labels(daily: DailyData, names: Iterable[str]) -> dict[str, str]:
    """Label per column for chart rows, with the column name added where labels repeat."""
    names = list(names)
    labels = {n: daily.registry[n].label or n for n in names}
    counts = pd.Series(list(labels.values())).value_counts()
    return {n: f"{label} ({n})" if counts[label] > 1 else label for n, label in labels.items()}


# --- numbers in words -----------------------------------------------------------------------------
def _after(unit: str) -> str:
    """What follows a number of this unit: a space and the unit (``" %"``, ``" bpm"``)."""
    return f" {unit}" if unit else ""


def _change(value: float, unit: str) -> str:
    """A signed effect with its unit: ``−21 %`` for percentages, ``+3.2 bpm`` otherwise."""
    return signed(value, _after(unit), digits=EFFECT_DIGITS, trim=True)


def _difference_unit(unit: str) -> str:
    """The unit of a difference: a difference of percentages is in percentage points."""
    return "points" if unit == "%" else unit


def _level(value: float, unit: str) -> str:
    """An outcome level such as ``48.2 %`` or ``52.1 bpm`` (a level, so no percent rule)."""
    return number(value, _after(unit), digits=EFFECT_DIGITS, trim=True)


def _q_words(q: float, n_tests: int) -> str:
    """What a q-value says, counting the tests run together."""
    tests = plural(n_tests, "test")
    if q <= DISCOVERY_Q:
        return (
            f"q = {q:.2g}: counting all {tests} run together, few findings this strong are "
            f"flukes — at most {DISCOVERY_Q:.2f} is what we call a likely effect"
        )
    return (
        f"q = {q:.2g}: counting all {tests} run together, a result like this is well within "
        f"what chance produces (a likely effect needs q of at most {DISCOVERY_Q:.2f})"
    )


def _p_words(p: float, n_rotations: int) -> str:
    """What a rotation-test p-value says: p = (1 + shifts at least as clear) / (1 + shifts)."""
    if not np.isfinite(p) or n_rotations < 1:
        return "no p-value could be computed"
    as_clear = max(0, round(p * (n_rotations + 1)) - 1)
    if as_clear == 0:
        found = f"none of {plural(n_rotations, 'shift')} of the diary against the outcome gave"
        floor = " (the smallest p this much history allows)"
    else:
        found = (
            f"{as_clear:,} of {plural(n_rotations, 'shift')} of the diary against the outcome gave"
        )
        floor = ""
    return f"p = {p:.2g}{floor}: {found} a difference as clear as this one"


# --- the impact table -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ImpactView:
    """The impact table made ready for the page.

    Attributes
    ----------
    chart : rows with an estimate (enough days), sorted by effect, most negative first;
        columns ``behaviour, row`` (unique display label), ``label, effect, effect_low,
        effect_high`` (percent, or outcome units when ``percent`` is False), ``finding`` (one of
        :data:`LIKELY_LOWER`, :data:`LIKELY_HIGHER`, :data:`NOT_CLEAR`, :data:`BUILT_IN`),
        ``n_yes, n_no, mean_yes, mean_no, p_value, q_value, explanation``.
    waiting : rows without enough days yet: ``behaviour, row, n_yes, n_no, needed, explanation``.
    table : every row for people, chart order then waiting: ``Behaviour, Verdict, Change,
        Interval low, Interval high, Days with, Days without, Mean after yes, Mean after no,
        p, q, In plain words``.
    percent : effects are percent changes (else differences in ``unit``).
    unit : ``%`` or the outcome's unit.
    n_tests : tests in the Benjamini–Hochberg family behind the q-values.
    """

    chart: pd.DataFrame
    waiting: pd.DataFrame
    table: pd.DataFrame
    percent: bool
    unit: str
    n_tests: int

    @property
    def likely(self) -> list[str]:
        """The plain sentence of every likely effect (q ≤ 0.10), largest change first."""
        likely = self.chart[self.chart["finding"].isin((LIKELY_LOWER, LIKELY_HIGHER))]
        order = likely["effect"].abs().sort_values(ascending=False, kind="stable").index
        return likely.loc[order, "explanation"].tolist()

    def explanation(self, behaviour: str) -> str:
        """The plain sentence of one behaviour (with or without enough data)."""
        for table in (self.chart, self.waiting):
            found = table.loc[table["behaviour"] == behaviour, "explanation"]
            if len(found):
                return str(found.iloc[0])
        raise ValueError(f"behaviour {behaviour!r} is not in the impact table")

    def labels(self) -> dict[str, str]:
        """Behaviour name → its display label, for pickers."""
        rows = pd.concat([self.chart[["behaviour", "row"]], self.waiting[["behaviour", "row"]]])
        return dict(zip(rows["behaviour"], rows["row"], strict=True))


def impact_view(
    impact: pd.DataFrame,
    daily: DailyData,
    *,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_tests: int | None = None,
) -> ImpactView:
    """Chart rows, waiting rows, a table and a plain sentence per behaviour.

    Parameters
    ----------
    impact : a table of :func:`~pga_core.stats.behaviour_impact` (one outcome and lag).
    daily : the data it was computed from (units and labels).
    min_days : the fewest yes and no days the table was computed with.
    n_tests : size of the family the q-values were corrected over; default the rows tested
        in ``impact`` (give it when a lag scan was corrected together with the table).
    """
    if impact.empty:
        raise ValueError("the impact table has no rows; expected at least one behaviour")
    outcome = str(impact["outcome"].iloc[0])
    outcome_unit = daily.registry[outcome].unit
    enough = impact["enough_data"].to_numpy(dtype=bool)
    percent = bool(np.isfinite(impact.loc[enough, "pct_change"].to_numpy(dtype=float)).all())
    unit = "%" if percent else _difference_unit(outcome_unit)
    family = int(impact["tested"].sum()) if n_tests is None else int(n_tests)
    labels = _row_labels(daily, impact["behaviour"])
    rows = impact.assign(row=impact["behaviour"].map(labels))
    rows = _with_effects(rows, percent)
    rows["explanation"] = [
        _explain_impact(row, outcome_unit, unit, family, min_days)
        for row in rows.to_dict(orient="records")
    ]
    measured = rows[enough].sort_values(["effect", "row"], kind="stable")
    waiting = rows[~enough].sort_values(["n_yes", "row"], ascending=[False, True], kind="stable")
    chart = measured[
        ["behaviour", "row", "label", "effect", "effect_low", "effect_high", "finding",
         "n_yes", "n_no", "mean_yes", "mean_no", "p_value", "q_value", "explanation"]
    ].reset_index(drop=True)  # fmt: skip
    waiting_table = pd.DataFrame(
        {
            "behaviour": waiting["behaviour"].to_numpy(),
            "row": waiting["row"].to_numpy(),
            "n_yes": waiting["n_yes"].astype(int).to_numpy(),
            "n_no": waiting["n_no"].astype(int).to_numpy(),
            "needed": min_days,
            "explanation": waiting["explanation"].to_numpy(),
        }
    )
    table = _people_table(pd.concat([measured, waiting]))
    return ImpactView(chart, waiting_table, table, percent, unit, family)


def _with_effects(rows: pd.DataFrame, percent: bool) -> pd.DataFrame:
    """Add ``effect, effect_low, effect_high`` (percent or units) and ``finding``."""
    if percent:
        effect, low, high = rows["pct_change"], rows["ci_low"], rows["ci_high"]
    else:
        effect, low, high = rows["difference"], rows["diff_ci_low"], rows["diff_ci_high"]
    rows = rows.assign(effect=effect, effect_low=low, effect_high=high)
    findings = []
    for row in rows.itertuples(index=False):
        if row.circular:
            findings.append(BUILT_IN)
        elif row.tested and row.q_value <= DISCOVERY_Q:
            findings.append(LIKELY_LOWER if row.effect < 0 else LIKELY_HIGHER)
        else:
            findings.append(NOT_CLEAR)
    rows["finding"] = findings
    return rows


def _people_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The impact rows as a table for people (numbers stay numbers)."""
    return pd.DataFrame(
        {
            "Behaviour": rows["row"].to_numpy(),
            "Verdict": rows["verdict"].to_numpy(),
            "Change": rows["effect"].to_numpy(dtype=float),
            "Interval low": rows["effect_low"].to_numpy(dtype=float),
            "Interval high": rows["effect_high"].to_numpy(dtype=float),
            "Days with": rows["n_yes"].astype(int).to_numpy(),
            "Days without": rows["n_no"].astype(int).to_numpy(),
            "Mean after yes": rows["mean_yes"].to_numpy(dtype=float),
            "Mean after no": rows["mean_no"].to_numpy(dtype=float),
            "p": rows["p_value"].to_numpy(dtype=float),
            "q": rows["q_value"].to_numpy(dtype=float),
            "In plain words": rows["explanation"].to_numpy(),
        }
    )


def _explain_impact(
    row: Mapping[str, Any], outcome_unit: str, unit: str, n_tests: int, min_days: int
) -> str:
    """Every number of one impact row in plain words."""
    label, outcome = row["label"], row["outcome_label"]
    when = lag_words(int(row["lag"]))
    n_yes, n_no = int(row["n_yes"]), int(row["n_no"])
    if not row["enough_data"]:
        return (
            f"Not enough data yet: {plural(n_yes, 'day')} with '{label}' and "
            f"{n_no} without, each followed by {outcome} {when}; each side needs at least "
            f"{min_days} before anything can be said."
        )
    effect = float(row["effect"])
    low, high = float(row["effect_low"]), float(row["effect_high"])
    mean_yes, mean_no = float(row["mean_yes"]), float(row["mean_no"])
    direction = "lower" if effect < 0 else "higher"
    adjusted = " (adjusted for the day of the week)" if row["weekday_adjusted"] else ""
    parts = [
        f"Based on {plural(n_yes, 'day')} with '{label}' and {n_no} without, each followed by "
        f"{outcome} {when}{adjusted}.",
        f"After yes it averaged {_level(mean_yes, outcome_unit)}, after no "
        f"{_level(mean_no, outcome_unit)}: "
        f"{amount(effect, _after(unit), digits=EFFECT_DIGITS, trim=True)} {direction}.",
    ]
    if np.isfinite(low) and np.isfinite(high):
        spans_zero = low <= 0 <= high
        parts.append(
            f"Allowing for chance and for runs of similar days, the change could be anywhere "
            f"between {_change(low, unit)} and {_change(high, unit)} ({CI_PERCENT} interval)"
            + (", which includes no change at all." if spans_zero else ".")
        )
    if row["circular"]:
        parts.append(
            f"'{label}' is part of how {outcome} is computed, so this link is built in and "
            "not a finding; it is left out of the q-values."
        )
        return " ".join(parts)
    parts.append(_p_words(float(row["p_value"]), int(row["n_rotations"])) + ".")
    q = float(row["q_value"])
    if np.isfinite(q):
        parts.append(_q_words(q, n_tests) + ".")
    return " ".join(parts)


def behaviour_choices(view: ImpactView) -> list[str]:
    """Behaviours to look at closely: those with estimates in chart order, then the waiting."""
    return [*view.chart["behaviour"], *view.waiting["behaviour"]]


def default_behaviour(view: ImpactView) -> str | None:
    """The behaviour looked at first: the clearest finding (lowest q, then largest effect).

    Without any tested row, the largest estimated effect; without estimates, the first waiting
    behaviour; None when there is nothing.
    """
    chart = view.chart
    if not chart.empty:
        ranked = chart.assign(size=chart["effect"].abs(), q=chart["q_value"].fillna(np.inf))
        ranked = ranked.sort_values(["q", "size"], ascending=[True, False], kind="stable")
        return str(ranked["behaviour"].iloc[0])
    if not view.waiting.empty:
        return str(view.waiting["behaviour"].iloc[0])
    return None


# --- yes vs no, day by day ------------------------------------------------------------------------
def yes_no_values(
    daily: DailyData,
    behaviour: str,
    outcome: str,
    *,
    lag: int = 1,
    adjust_weekday: bool = False,
) -> pd.DataFrame:
    """Each logged behaviour day with the outcome ``lag`` days later: the days behind the means.

    Pairs are made exactly as :func:`~pga_core.stats.behaviour_impact` makes them (calendar
    days; unlogged days left out; the outcome's day-of-week means taken out when asked, by the
    statistics' own :func:`~pga_core.stats.weekday_adjusted`), so each group's mean is that
    table's ``mean_yes`` / ``mean_no``.

    Returns
    -------
    DataFrame, one row per paired day
        ``date`` (behaviour day), ``outcome_date``, ``answer`` (``after yes`` / ``after no``),
        ``value`` (the outcome, in its unit).
    """
    check_column(daily, behaviour, "behaviour")
    check_column(daily, outcome, "outcome")
    if lag < 0:
        raise ValueError(f"lag must be 0 or more days, got {lag}")
    columns = ["date", "outcome_date", "answer", "value"]
    if daily.days == 0:
        return pd.DataFrame(columns=columns)
    table = daily.calendar()
    calendar = table.index
    series = weekday_adjusted(table[outcome]) if adjust_weekday else table[outcome]
    later = series.shift(-lag)
    answers = table[behaviour]
    paired = answers.notna() & later.notna()
    return pd.DataFrame(
        {
            "date": calendar[paired],
            "outcome_date": calendar[paired] + pd.Timedelta(days=lag),
            "answer": np.where(answers[paired] == 1.0, "after yes", "after no"),
            "value": later[paired].to_numpy(dtype=float),
        },
        columns=columns,
    ).reset_index(drop=True)


def yes_no_summary(values: pd.DataFrame) -> pd.DataFrame:
    """The two groups of :func:`yes_no_values` side by side, for a table.

    Returns
    -------
    DataFrame, rows ``after yes``, ``after no``
        ``Days, Mean, Median, 25th percentile, 75th percentile, Lowest, Highest``.
    """
    rows = []
    for answer in ("after yes", "after no"):
        group = values.loc[values["answer"] == answer, "value"]
        rows.append(
            {
                "": answer,
                "Days": int(group.size),
                "Mean": group.mean(),
                "Median": group.median(),
                "25th percentile": group.quantile(0.25),
                "75th percentile": group.quantile(0.75),
                "Lowest": group.min(),
                "Highest": group.max(),
            }
        )
    return pd.DataFrame(rows)


# --- the lag scan ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LagScan:
    """The main impact table and one behaviour's lag scan, corrected as one family.

    Attributes
    ----------
    main : the impact table of every behaviour at the chosen lag (q over the whole family).
    scan : one row per scanned lag for the behaviour (the chosen lag's row is the main
        table's), same columns.
    n_tests : tests in the family (each (behaviour, lag) counted once).
    """

    main: pd.DataFrame
    scan: pd.DataFrame
    n_tests: int


def impact_with_lag_scan(
    daily: DailyData,
    outcome: str,
    behaviour: str,
    *,
    lag: int = 1,
    lags: Iterable[int] = DEFAULT_LAGS,
    min_days: int = MIN_DAYS_PER_GROUP,
    n_boot: int = EFFECT_N_BOOT,
    adjust_weekday: bool = False,
    random_state: int = 0,
) -> LagScan:
    """Every behaviour at ``lag`` and one behaviour at each of ``lags``, as one family.

    Scanning lags is more chances to find something by luck, so the scan's tests join the main
    table's in the Benjamini–Hochberg correction (:func:`~pga_core.stats.impact_tests`); the
    main table's estimates are unchanged, its q-values grow.
    """
    lags = list(lags)
    if not lags:
        raise ValueError("a lag scan needs at least one lag, e.g. 0 to 7 days")
    behaviours = tuple(n for n in daily.names("behaviour") if n != outcome)
    if not behaviours:
        raise ValueError(f"no yes/no behaviours to test against {outcome!r}")
    requests = [
        ImpactRequest(outcome, lag, behaviours),
        *(ImpactRequest(outcome, k, (behaviour,)) for k in lags),
    ]
    combined = impact_tests(
        daily,
        requests,
        min_days=min_days,
        n_boot=n_boot,
        adjust_weekday=adjust_weekday,
        random_state=random_state,
    )
    # rows come in request order, each test once: the main table first, then the new lags
    main = combined.iloc[: len(behaviours)].reset_index(drop=True)
    keyed = combined.set_index(["behaviour", "lag"], drop=False)
    scan = keyed.loc[[(behaviour, k) for k in lags]].reset_index(drop=True)
    return LagScan(main, scan, int(combined["tested"].sum()))


def lag_scan_view(scan: pd.DataFrame, daily: DailyData, *, n_tests: int) -> pd.DataFrame:
    """The scan's rows for the chart and a table: effect per lag, finding, a plain sentence.

    Returns
    -------
    DataFrame, one row per lag
        ``lag, when`` (words), ``effect, effect_low, effect_high`` (percent when every
        estimate is one, else outcome units), ``unit``, ``finding`` (as in :class:`ImpactView`, or
        ``not enough data``), ``n_yes, n_no, p_value, q_value, explanation``.
    """
    outcome = str(scan["outcome"].iloc[0])
    outcome_unit = daily.registry[outcome].unit
    enough = scan["enough_data"].to_numpy(dtype=bool)
    percent = bool(np.isfinite(scan.loc[enough, "pct_change"].to_numpy(dtype=float)).all())
    unit = "%" if percent else _difference_unit(outcome_unit)
    rows = _with_effects(scan, percent)
    rows.loc[~enough, "finding"] = NOT_ENOUGH
    return pd.DataFrame(
        {
            "lag": rows["lag"].astype(int).to_numpy(),
            "when": [lag_phrase(int(k)) for k in rows["lag"]],
            "effect": rows["effect"].to_numpy(dtype=float),
            "effect_low": rows["effect_low"].to_numpy(dtype=float),
            "effect_high": rows["effect_high"].to_numpy(dtype=float),
            "unit": unit,
            "finding": rows["finding"].to_numpy(),
            "n_yes": rows["n_yes"].astype(int).to_numpy(),
            "n_no": rows["n_no"].astype(int).to_numpy(),
            "p_value": rows["p_value"].to_numpy(dtype=float),
            "q_value": rows["q_value"].to_numpy(dtype=float),
            "explanation": [
                _explain_impact(row, outcome_unit, unit, n_tests, MIN_DAYS_PER_GROUP)
                for row in rows.to_dict(orient="records")
            ],
        }
    )


def lag_scan_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The scan (:func:`lag_scan_view`) as a table for people: ``When, Change, Interval low,
    Interval high, Days with, Days without, p, q, In plain words``."""
    return pd.DataFrame(
        {
            "When": rows["when"].to_numpy(),
            "Change": rows["effect"].to_numpy(dtype=float),
            "Interval low": rows["effect_low"].to_numpy(dtype=float),
            "Interval high": rows["effect_high"].to_numpy(dtype=float),
            "Days with": rows["n_yes"].astype(int).to_numpy(),
            "Days without": rows["n_no"].astype(int).to_numpy(),
            "p": rows["p_value"].to_numpy(dtype=float),
            "q": rows["q_value"].to_numpy(dtype=float),
            "In plain words": rows["explanation"].to_numpy(),
        }
    )


# --- numeric habits -------------------------------------------------------------------------------
def habit_view(habits: pd.DataFrame, daily: DailyData) -> pd.DataFrame:
    """Habit effects (:func:`~pga_core.stats.habit_effects`) for the chart and a table.

    Returns
    -------
    DataFrame, one row per habit, estimated ones first sorted by effect per SD
        ``habit, row`` (label and unit), ``per_sd, per_sd_ci_low, per_sd_ci_high, per_unit,
        per_unit_ci_low, per_unit_ci_high, n_days, sd, enough_data``, ``finding`` (one of
        :data:`HABIT_CLEAR_LOWER`, :data:`HABIT_CLEAR_HIGHER`, :data:`HABIT_UNCLEAR`,
        :data:`BUILT_IN`, or ``not enough data``) and ``explanation``.
    """
    columns = ["habit", "row", "per_sd", "per_sd_ci_low", "per_sd_ci_high", "per_unit",
               "per_unit_ci_low", "per_unit_ci_high", "n_days", "sd", "enough_data", "finding",
               "explanation"]  # fmt: skip
    if habits.empty:
        return pd.DataFrame(columns=columns)
    labels = _row_labels(daily, habits["habit"])
    outcome_unit = daily.registry[str(habits["outcome"].iloc[0])].unit
    rows = []
    for habit in habits.to_dict(orient="records"):
        unit = f" ({habit['unit']})" if habit["unit"] else ""
        rows.append(
            {
                **{c: habit[c] for c in columns if c in habit},
                "row": labels[str(habit["habit"])] + unit,
                "finding": _habit_finding(habit),
                "explanation": _explain_habit(habit, outcome_unit),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(["enough_data", "per_sd"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def habit_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Habit effects (:func:`habit_view`) as a table for people: ``Habit, Per SD, Per SD low,
    Per SD high, Per unit, Per unit low, Per unit high, Days, In plain words``."""
    return pd.DataFrame(
        {
            "Habit": rows["row"].to_numpy(),
            "Per SD": rows["per_sd"].to_numpy(dtype=float),
            "Per SD low": rows["per_sd_ci_low"].to_numpy(dtype=float),
            "Per SD high": rows["per_sd_ci_high"].to_numpy(dtype=float),
            "Per unit": rows["per_unit"].to_numpy(dtype=float),
            "Per unit low": rows["per_unit_ci_low"].to_numpy(dtype=float),
            "Per unit high": rows["per_unit_ci_high"].to_numpy(dtype=float),
            "Days": rows["n_days"].astype(int).to_numpy(),
            "In plain words": rows["explanation"].to_numpy(),
        }
    )


def _habit_finding(habit: Mapping[str, Any]) -> str:
    """Where a habit's interval lies (habits are not tested, so no q-value)."""
    if not habit["enough_data"]:
        return NOT_ENOUGH
    if habit["circular"]:
        return BUILT_IN
    low, high = float(habit["per_sd_ci_low"]), float(habit["per_sd_ci_high"])
    if high < 0:
        return HABIT_CLEAR_LOWER
    if low > 0:
        return HABIT_CLEAR_HIGHER
    return HABIT_UNCLEAR


def _explain_habit(habit: Mapping[str, Any], outcome_unit: str) -> str:
    """A habit's per-SD and per-unit effects in plain words."""
    if not habit["enough_data"]:
        return str(habit["note"])[:1].upper() + str(habit["note"])[1:] + "."
    unit = _after(str(habit["unit"]))
    per_sd = float(habit["per_sd"])
    sd = float(habit["sd"])
    out_unit = _difference_unit(outcome_unit)
    low, high = float(habit["per_sd_ci_low"]), float(habit["per_sd_ci_high"])
    per_unit = float(habit["per_unit"])
    held = " with the other habits held fixed" if habit["joint"] else ""
    when = lag_words(int(habit["lag"]))
    text = (
        f"On days with {number(sd, unit, digits=EFFECT_DIGITS, trim=True)} more "
        f"'{habit['label']}' (one standard deviation over the {plural(habit['n_days'], 'day')} "
        f"used){held}, {habit['outcome_label']} {when} was {_change(per_sd, out_unit)} on "
        f"average; it could be anywhere between {_change(low, '')} and {_change(high, '')} "
        f"({CI_PERCENT} interval{', which includes no change' if low <= 0 <= high else ''}). "
        f"Per 1{unit or ' unit'}: {_change(per_unit, out_unit)}."
    )
    if habit["circular"]:
        text += " Built in, not a finding: one is computed from the other."
    return text


# --- correlations ---------------------------------------------------------------------------------
def correlation_choices(daily: DailyData) -> list[str]:
    """Columns the heat-map can use: any variable with enough days and more than one value."""
    table = daily.table
    return [
        str(name)
        for name in table.columns
        if table[name].count() >= MIN_PAIRS_FOR_CORRELATION
        and table[name].min() != table[name].max()
    ]


def default_correlation_columns(daily: DailyData, outcome: str) -> list[str]:
    """The heat-map's first columns, :data:`DEFAULT_HEATMAP_COLUMNS` at most.

    The outcome, up to :data:`DEFAULT_HEATMAP_METRICS` other key metrics, then the numeric
    habits and the yes/no behaviours logged on the most days, half of the rest each (when one
    kind has fewer, the other fills in).
    """
    usable = correlation_choices(daily)
    chosen = [outcome] if outcome in usable else []
    metrics = [n for n in PREFERRED_OUTCOMES if n in usable and n not in chosen]
    chosen += metrics[:DEFAULT_HEATMAP_METRICS]
    kinds = [
        [n for n in usable if daily.registry[n].kind == kind] for kind in ("habit", "behaviour")
    ]
    most_logged = [sorted(names, key=lambda n: -int(daily.table[n].count())) for names in kinds]
    room = DEFAULT_HEATMAP_COLUMNS - len(chosen)
    habits, behaviours = most_logged
    take_habits = min(len(habits), max(room // 2, room - len(behaviours)))
    return chosen + habits[:take_habits] + behaviours[: room - take_habits]


def correlations(
    daily: DailyData,
    columns: Sequence[str],
    *,
    lag: int = 0,
    method: str = "pearson",
    random_state: int = 0,
) -> LaggedCorrelations:
    """:func:`~pga_core.stats.lagged_correlations` of the chosen columns.

    Pairs with no variation over their shared days get NaN (the heat-map leaves them blank).
    """
    return lagged_correlations(
        daily, list(columns), lag=lag, method=method, random_state=random_state
    )


def correlation_cells(result: LaggedCorrelations, daily: DailyData) -> pd.DataFrame:
    """Every cell of the heat-map, long form (at lag 0 both halves of the symmetric matrix).

    Returns
    -------
    DataFrame
        ``x, y`` (column names: day t, day t + lag), ``x_label, y_label`` (unique display
        labels), ``x_position, y_position`` (order of the columns), ``r, n_pairs, p_value,
        q_value, circular``, ``likely`` (q ≤ :data:`~pga_core.stats.DISCOVERY_Q`), ``text``
        (r with two decimals, blank where there is none).
    """
    names = list(result.r.index)
    labels = _row_labels(daily, names)
    table = result.table
    if result.lag == 0:
        mirrored = table.rename(columns={"x": "y", "y": "x"})
        table = pd.concat([table, mirrored], ignore_index=True)
    position = {name: i for i, name in enumerate(names)}
    q = table["q_value"].to_numpy(dtype=float)
    r = table["r"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "x": table["x"].to_numpy(),
            "y": table["y"].to_numpy(),
            "x_label": table["x"].map(labels).to_numpy(),
            "y_label": table["y"].map(labels).to_numpy(),
            "x_position": table["x"].map(position).astype(int).to_numpy(),
            "y_position": table["y"].map(position).astype(int).to_numpy(),
            "r": r,
            "n_pairs": table["n_pairs"].astype(int).to_numpy(),
            "p_value": table["p_value"].to_numpy(dtype=float),
            "q_value": q,
            "circular": table["circular"].to_numpy(dtype=bool),
            "likely": np.isfinite(q) & (q <= DISCOVERY_Q),
            "text": [_r_text(value) if np.isfinite(value) else "" for value in r],
        }
    )


def correlation_findings(result: LaggedCorrelations, daily: DailyData) -> pd.DataFrame:
    """The tested pairs with the smallest q-values, each in plain words.

    Returns
    -------
    DataFrame, at most :data:`FINDINGS_LISTED` rows, lowest q first, then largest |r|
        ``Day t, Later, r, Days, q, In plain words``.
    """
    labels = _row_labels(daily, list(result.r.index))
    tested = result.table[result.table["tested"]].copy()
    tested["size"] = tested["r"].abs()
    tested = tested.sort_values(["q_value", "size"], ascending=[True, False], kind="stable")
    tested = tested.head(FINDINGS_LISTED)
    n_tests = int(result.table["tested"].sum())
    sentences = [
        _explain_correlation(row, labels, daily, result.lag, n_tests)
        for row in tested.to_dict(orient="records")
    ]
    return pd.DataFrame(
        {
            "Day t": tested["x"].map(labels).to_numpy(),
            "Later": tested["y"].map(labels).to_numpy(),
            "r": tested["r"].to_numpy(dtype=float),
            "Days": tested["n_pairs"].astype(int).to_numpy(),
            "q": tested["q_value"].to_numpy(dtype=float),
            "In plain words": sentences,
        }
    )


def _explain_correlation(
    row: Mapping[str, Any], labels: dict[str, str], daily: DailyData, lag: int, n_tests: int
) -> str:
    """One correlation in words: which way, how strong, on how many days, how sure."""
    x, y = str(row["x"]), str(row["y"])
    r, q = float(row["r"]), float(row["q_value"])
    if daily.registry[x].kind == "behaviour":
        more_x = f"'{labels[x]}' = yes"
    else:
        more_x = f"more '{labels[x]}'"
    which = "higher" if r > 0 else "lower"
    when = "on the same days" if lag == 0 else lag_words(lag)
    sure = "likely not chance" if q <= DISCOVERY_Q else "could well be chance"
    return (
        f"Days with {more_x} went with {which} '{labels[y]}' {when}: a {_strength(r)} link "
        f"(r = {_r_text(r)} over {plural(int(row['n_pairs']), 'day')}; q = {q:.2g} over "
        f"{plural(n_tests, 'tested pair')}, {sure}). A link is not a cause."
    )


def _r_text(r: float) -> str:
    """A correlation with two decimals and a real minus sign."""
    return f"{MINUS if r < 0 else ''}{abs(r):.2f}"


def _strength(r: float) -> str:
    """Words for the size of a correlation."""
    size = abs(r)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "weak"
    return "moderate" if size < 0.5 else "strong"
