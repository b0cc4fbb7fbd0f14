"""What the Experiments page and ``experiment`` commands show: plans, power, progress, results.

Words for people built from :mod:`pga_core.experiments`' numbers, the tables and charts the page
places, and the experiment's estimate beside what the person's history (the behaviour
statistics) and a fitted goal tree (its leverage) say about the same lever. Nothing here
imports Streamlit; user text (experiment names, column labels, condition names) is returned as
plain text for the page to escape or show as data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable
from pga_core.engine import CI_LEVEL
from pga_core.experiments import (
    ABANDONED,
    CONDITION_LETTERS,
    KEPT_SHARE,
    MIN_PAIRS_FOR_SIGNIFICANCE,
    SIGNIFICANCE,
    TARGET_POWER,
    Adherence,
    Condition,
    Estimate,
    ExperimentPlan,
    ExperimentResult,
    PowerReport,
    Rule,
    adherence,
    adherence_days,
)
from pga_core.goals import TreeFit, leverage
from pga_core.stats import EFFECT_N_BOOT, MIN_DAYS_PER_GROUP, behaviour_impact
from pga_core.words import amount, lag_words, number, plural, signed

__all__ = [
    "DEFAULT_PERIOD_DAYS",
    "DEFAULT_WEEKS",
    "change_unit",
    "comparison_table",
    "conditions_from_text",
    "default_rules",
    "experiment_state",
    "experiments_table",
    "lever_choices",
    "pairs_for_weeks",
    "plan_calendar_chart",
    "plan_day_table",
    "plan_lines",
    "power_chart",
    "power_json",
    "power_lines",
    "power_options",
    "progress_lines",
    "result_chart",
    "result_lines",
    "result_table",
]

#: Days per period and weeks offered first on the page.
DEFAULT_PERIOD_DAYS = 4
DEFAULT_WEEKS = 8
DAYS_PER_WEEK = 7
CI_PERCENT = f"{CI_LEVEL * 100:.0f} %"
#: Significant figures of effects, levels and intervals in sentences.
DIGITS = 3
#: The two analyses, as the page and the command line name them.
ANALYSIS_TITLES = {
    "as_planned": "As planned (intention to treat)",
    "as_done": "As done (only the pairs you kept to)",
}
ANALYSIS_SHORT = {"as_planned": "as planned", "as_done": "as done"}
#: Colours of condition A and B in the calendar, and of what happened on a day.
CONDITION_COLOURS = ("#2166ac", "#e08214")
STATUS_SHAPES = {"done": "circle", "missed": "cross", "not logged": "triangle", "to come": "square"}


# --- choosing what to test ------------------------------------------------------------------------
def lever_choices(daily: DailyData) -> list[str]:
    """Columns an experiment can change: yes/no behaviours first, then habits (table order)."""
    behaviours = daily.names("behaviour")
    return behaviours + daily.names("habit")


def default_rules(daily: DailyData, column: str) -> tuple[str, str]:
    """The conditions offered first for a column, as rule text (A, B).

    A yes/no behaviour: ``yes`` against ``no``. A habit: at or above its median logged value
    against below it (``>= 2`` against ``< 2``), for the person to change to a dose.
    """
    variable = daily.registry[column]
    if variable.kind == "behaviour":
        return "yes", "no"
    logged = daily.table[column].dropna()
    middle = float(logged.median()) if len(logged) else 1.0
    text = f"{middle:g}"
    return f">= {text}", f"< {text}"


def conditions_from_text(
    on: str, off: str, *, on_name: str = "", off_name: str = ""
) -> tuple[Condition, Condition]:
    """Conditions A and B from the rules and names a person typed.

    A name left empty is the rule as typed (``yes``, ``<= 1``). ValueError names which
    condition's rule cannot be read.
    """
    conditions = []
    for letter, text, name in zip(CONDITION_LETTERS, (on, off), (on_name, off_name), strict=True):
        try:
            rule = Rule.parse(text)
        except ValueError as error:
            raise ValueError(f"condition {letter}: {error}") from error
        conditions.append(Condition(name.strip() or str(text).strip(), rule))
    return conditions[0], conditions[1]


def pairs_for_weeks(weeks: float, period_days: int) -> int:
    """How many pairs of ``period_days``-day periods fit in ``weeks`` (at least one)."""
    return max(1, int(weeks * DAYS_PER_WEEK) // (2 * period_days))


# --- the plan in words ----------------------------------------------------------------------------
def _day(day: pd.Timestamp) -> str:
    """``Wed 1 May 2024``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def change_unit(plan: ExperimentPlan) -> str:
    """The unit of a change of the outcome: ``points`` for a percentage (or no unit), else the
    outcome's unit (``bpm``)."""
    unit = plan.outcome_unit
    return "points" if unit in ("%", "") else unit


def _amount(value: float, plan: ExperimentPlan) -> str:
    return signed(value, f" {change_unit(plan)}", digits=DIGITS, trim=True)


def _percent(value: float) -> str:
    return signed(value, " %", digits=DIGITS, trim=True)


def _condition_text(plan: ExperimentPlan, index: int) -> str:
    condition = plan.conditions[index]
    return f"{CONDITION_LETTERS[index]}: {condition.name} ({condition.rule.text()})"


def plan_lines(plan: ExperimentPlan) -> list[str]:
    """The plan in three or four sentences: what is compared, how long, how it was randomised."""
    design = plan.design
    lines = [
        f"Experiment {plan.name!r}: {plan.behaviour_name}, {_condition_text(plan, 0)} against "
        f"{_condition_text(plan, 1)}; its effect on {plan.outcome_name} {lag_words(plan.lag)}.",
        f"{plural(design.pairs, 'pair')} of {design.period_days}-day periods: "
        f"{plural(design.days, 'day')}, {_day(plan.start)} to {_day(plan.end)}. In each pair a "
        f"coin decided whether A or B comes first (seed {plan.seed}; orders "
        f"{' '.join(plan.orders)}).",
    ]
    if design.washout_days:
        lines.append(
            f"The first {plural(design.washout_days, 'day')} of each period "
            f"{'is a washout' if design.washout_days == 1 else 'are washout'}: keep to the "
            "period's condition, but its outcome is not counted, so that what lingers from the "
            "period before does not blur the comparison."
        )
    if design.pairs < MIN_PAIRS_FOR_SIGNIFICANCE:
        lines.append(
            f"With fewer than {MIN_PAIRS_FOR_SIGNIFICANCE} pairs no result can be significant: "
            f"the smallest p-value {plural(design.pairs, 'pair')} allow is "
            f"{2 / 2**design.pairs:.2g}."
        )
    return lines


def plan_day_table(plan: ExperimentPlan, daily: DailyData | None = None) -> pd.DataFrame:
    """The plan day by day for people; with data, what happened on each day so far.

    Returns
    -------
    DataFrame, one row per planned day
        ``Date, Day, Pair, Period, Condition`` (``A``/``B``), ``Do`` (the condition's name),
        ``Outcome counted`` (False on washout days); with ``daily`` also ``What happened``
        (done, missed, not logged, to come), ``Logged value`` and ``Outcome`` (at the lag).
    """
    days = plan.schedule() if daily is None else adherence_days(plan, daily)
    table = pd.DataFrame(
        {
            "Date": days.index.date,
            "Day": days.index.strftime("%a"),
            "Pair": days["pair"].to_numpy(),
            "Period": days["period"].to_numpy(),
            "Condition": [CONDITION_LETTERS[c] for c in days["condition"]],
            "Do": days["condition_name"].to_numpy(),
            "Outcome counted": ~days["washout"].to_numpy(),
        }
    )
    if daily is not None:
        table["What happened"] = days["status"].to_numpy()
        table["Logged value"] = days["value"].to_numpy()
        table["Outcome"] = days["outcome"].to_numpy()
    return table


def plan_calendar_chart(table: pd.DataFrame) -> alt.LayerChart:
    """The plan as a calendar: one row per week, one column per weekday, each day coloured by
    its condition (A or B) and, once data is in, marked by what happened.

    Parameters
    ----------
    table : :func:`plan_day_table` (with or without data).
    """
    data = table.assign(
        Week=pd.to_datetime(table["Date"]).dt.to_period("W-SUN").dt.start_time,
        Weekday=table["Day"],
        Counted=table["Outcome counted"].map({True: "counted", False: "washout"}),
    )
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    base = alt.Chart(data).encode(
        x=alt.X("Weekday:N", sort=weekdays, title=None, axis=alt.Axis(orient="top")),
        y=alt.Y("yearmonthdate(Week):O", title="Week of", axis=alt.Axis(format="%d %b %Y")),
    )
    tooltip = ["Date:T", "Condition:N", "Do:N", "Pair:Q", "Period:Q", "Counted:N"]
    if "What happened" in data:
        tooltip.append("What happened:N")
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "Condition:N",
            scale=alt.Scale(domain=list(CONDITION_LETTERS), range=list(CONDITION_COLOURS)),
            legend=alt.Legend(title="Condition"),
        ),
        opacity=alt.Opacity(
            "Counted:N",
            scale=alt.Scale(domain=["counted", "washout"], range=[1.0, 0.45]),
            legend=alt.Legend(title="Outcome"),
        ),
        tooltip=tooltip,
    )
    layers = [cells]
    if "What happened" in data:
        marks = base.mark_point(filled=True, size=70, color="white").encode(
            shape=alt.Shape(
                "What happened:N",
                scale=alt.Scale(domain=list(STATUS_SHAPES), range=list(STATUS_SHAPES.values())),
                legend=alt.Legend(title="What happened"),
            ),
            tooltip=tooltip,
        )
        layers.append(marks)
    weeks = data["Week"].nunique()
    return alt.LayerChart(layer=layers, width="container", height=max(120, 24 * weeks))


# --- power ----------------------------------------------------------------------------------------
def _memory_words(phi: float) -> str:
    """How much of one day's deviation carries into the next, in words."""
    if abs(phi) < 0.1:
        return "one day says little about the next"
    share = f"{abs(phi) * 100:.0f} %"
    if phi > 0:
        return f"about {share} of a day's deviation from usual carries into the next day"
    return f"a high day tends to be followed by a low one ({share})"


def power_lines(report: PowerReport, plan: ExperimentPlan) -> list[str]:
    """What the design can find, from simulated trials of the person's own outcome."""
    model = report.model
    power_pct = f"{TARGET_POWER * 100:.0f} %"
    how = (
        "an AR(1) series with your spread and day-to-day memory"
        if model.method == "ar1"
        else "stretches of your own history re-drawn in blocks of " + plural(model.block, "day")
    )
    change = _change_words(report.change_pct, report.change, plan)
    lines = [
        f"Learnt from {plural(model.days, 'day')} of your {plan.outcome_name} before the "
        f"start: it moves by {number(model.sd, digits=DIGITS)} {change_unit(plan)} from day to day "
        f"(standard deviation) and {_memory_words(model.phi)} (φ = {model.phi:.2f}).",
        f"In {plural(report.n_sim, 'simulated trial')} of this design on your {plan.outcome_name} "
        f"({how}), analysed with the same randomisation test as the real one, a change of "
        f"{change} was found in {report.power * 100:.0f} % of them.",
    ]
    if math.isfinite(report.detectable):
        lines.append(
            f"With {power_pct} power this length finds a change of "
            f"{_change_words(report.detectable_pct, report.detectable, plan)} or more."
        )
    else:
        lines.append(
            f"No change is found with {power_pct} power by "
            f"{plural(report.design.pairs, 'pair')}"
            + (
                f": with fewer than {MIN_PAIRS_FOR_SIGNIFICANCE} pairs no result can reach "
                f"p ≤ {SIGNIFICANCE:.2f}."
                if report.design.pairs < MIN_PAIRS_FOR_SIGNIFICANCE
                else "."
            )
        )
    longest = int(report.options["pairs"].max())
    if report.pairs_needed is None:
        lines.append(
            f"Even {plural(longest, 'pair')} "
            f"({plural(report.design.with_pairs(longest).days, 'day')}) "
            f"would not find {change} with {power_pct} power: plan for a larger change, or a "
            "longer experiment."
        )
    elif report.pairs_needed > report.design.pairs:
        lines.append(
            f"To find {change} with {power_pct} power it needs "
            f"{plural(report.pairs_needed, 'pair')} ({plural(report.days_needed or 0, 'day')})."
        )
    else:
        lines.append(
            f"That is enough: {plural(report.pairs_needed, 'pair')} "
            f"({plural(report.days_needed or 0, 'day')}) would already find {change} with "
            f"{power_pct} power."
        )
    lines.append(
        "The power assumes you keep to every period and log every day; missed and unlogged days "
        "lower it."
    )
    return lines


def _change_words(pct: float, units: float, plan: ExperimentPlan) -> str:
    """``10 % (6.1 points)`` or, without a percentage, ``6.1 points``."""
    size = number(abs(units), f" {change_unit(plan)}", digits=DIGITS, trim=True)
    if math.isfinite(pct):
        return f"{amount(pct, ' %')} ({size})"
    return size


def power_options(report: PowerReport) -> pd.DataFrame:
    """Shorter and longer designs of the same periods, and what each finds.

    Returns
    -------
    DataFrame, one row per number of pairs from the fewest that can be significant up to the
    plan's (shorter ones) and the one that finds the change (if longer)
        ``Pairs, Days, Weeks, Power`` (percent, for the change the plan was sized for),
        ``Finds with 80 % power`` (percent of the mean, or units), ``This plan`` (bool).
    """
    options = report.options
    wanted = (options["pairs"] >= MIN_PAIRS_FOR_SIGNIFICANCE) & (
        (options["pairs"] <= report.design.pairs) | (options["pairs"] == report.pairs_needed)
    )
    chosen = options[wanted]
    finds = chosen["detectable_pct"].where(
        np.isfinite(chosen["detectable_pct"]), chosen["detectable"]
    )
    return pd.DataFrame(
        {
            "Pairs": chosen["pairs"].to_numpy(),
            "Days": chosen["days"].to_numpy(),
            "Weeks": (chosen["days"] / DAYS_PER_WEEK).round(1).to_numpy(),
            "Power": (chosen["power"] * 100).round(0).to_numpy(),
            f"Finds with {TARGET_POWER * 100:.0f} % power": finds.replace(np.inf, np.nan)
            .round(1)
            .to_numpy(),
            "This plan": (chosen["pairs"] == report.design.pairs).to_numpy(),
        }
    )


def power_chart(report: PowerReport) -> alt.LayerChart:
    """Power to find the planned change against the experiment's length, with the target."""
    data = report.options.assign(
        power_pct=report.options["power"] * 100,
        plan=np.where(report.options["pairs"] == report.design.pairs, "this plan", "other"),
    )
    base = alt.Chart(data).encode(
        x=alt.X("days:Q", title="Days of experiment"),
        y=alt.Y("power_pct:Q", title="Power (%)", scale=alt.Scale(domain=[0, 100])),
    )
    line = base.mark_line(point=True, color=CONDITION_COLOURS[0]).encode(
        tooltip=[
            alt.Tooltip("pairs:Q", title="Pairs"),
            alt.Tooltip("days:Q", title="Days"),
            alt.Tooltip("power_pct:Q", title="Power (%)", format=".0f"),
        ]
    )
    chosen = base.transform_filter(alt.datum.plan == "this plan").mark_point(
        size=160, filled=True, color=CONDITION_COLOURS[1]
    )
    target = (
        alt.Chart(pd.DataFrame({"target": [TARGET_POWER * 100]}))
        .mark_rule(strokeDash=[4, 4], color="#777777")
        .encode(y="target:Q")
    )
    return (line + chosen + target).properties(width="container", height=220)


def power_json(report: PowerReport) -> dict[str, Any]:
    """The power report as plain numbers (``null`` where none)."""

    def finite(value: float) -> float | None:
        return float(value) if math.isfinite(value) else None

    return {
        "method": report.model.method,
        "history_days": report.model.days,
        "outcome_mean": report.model.mean,
        "outcome_sd": report.model.sd,
        "phi": report.model.phi,
        "simulated_trials": report.n_sim,
        "change": report.change,
        "change_pct": finite(report.change_pct),
        "power": report.power,
        "detectable": finite(report.detectable),
        "detectable_pct": finite(report.detectable_pct),
        "pairs_needed": report.pairs_needed,
        "days_needed": report.days_needed,
        "options": [
            {
                "pairs": int(row.pairs),
                "days": int(row.days),
                "power": float(row.power),
                "detectable": finite(row.detectable),
                "detectable_pct": finite(row.detectable_pct),
            }
            for row in report.options.itertuples(index=False)
        ],
    }


# --- progress -------------------------------------------------------------------------------------
def experiment_state(status: str, adherence: Adherence) -> str:
    """What a stored experiment is now: ``abandoned``, else ``not started``, ``running`` or
    ``finished`` from the data."""
    return ABANDONED if status == ABANDONED else adherence.state


def progress_lines(adherence: Adherence, plan: ExperimentPlan) -> list[str]:
    """How the experiment is going, from the data imported so far."""
    last = "no data yet" if adherence.last_day is None else f"to {_day(adherence.last_day)}"
    if adherence.state == "not started":
        return [
            f"It starts on {_day(plan.start)}; your data runs {last}. Import your exports as "
            "you go: what you did each day is read from "
            f"{plan.behaviour_name!r}, with nothing else to log."
        ]
    past = adherence.days - adherence.to_come
    needed = math.ceil(KEPT_SHARE * plan.design.period_days - 1e-9)
    lines = [
        f"Day {past} of {adherence.days} ({adherence.progress * 100:.0f} %, data {last}): "
        f"{plural(adherence.done, 'day')} done as planned, {adherence.missed} missed, "
        f"{adherence.not_logged} not logged.",
        f"{adherence.periods_kept} of {plural(adherence.periods, 'period')} kept (at least "
        f"{needed} of its {plan.design.period_days} days as planned), "
        f"{adherence.periods_not_kept} not kept; {adherence.pairs_complete} of "
        f"{plural(adherence.pairs, 'pair')} complete.",
    ]
    if adherence.not_logged:
        lines.append(
            f"Days not logged count as not done: answer {plan.behaviour_name!r} every day of the "
            "experiment, or the periods cannot be counted as kept."
        )
    return lines


def experiments_table(records: Sequence[Mapping[str, Any]], daily: DailyData) -> pd.DataFrame:
    """The saved experiments for people, oldest first.

    Parameters
    ----------
    records : :meth:`pga_core.data.Workspace.experiments`.
    daily : the data, to say how far each one is.

    Returns
    -------
    DataFrame: ``Experiment, Changes, Outcome, Start, End, State, Days done``.
    """
    rows = []
    for record in records:
        plan = ExperimentPlan.from_json(record["plan"])
        progress = adherence(plan, daily)
        rows.append({
            "Experiment": plan.name,
            "Changes": plan.behaviour_name,
            "Outcome": plan.outcome_name,
            "Start": plan.start.date(),
            "End": plan.end.date(),
            "State": experiment_state(str(record["status"]), progress),
            "Days done": f"{progress.done} of {progress.days}",
        })  # fmt: skip
    columns = ["Experiment", "Changes", "Outcome", "Start", "End", "State", "Days done"]
    return pd.DataFrame(rows, columns=columns)


# --- the result -----------------------------------------------------------------------------------
def _interval_words(estimate: Estimate, plan: ExperimentPlan) -> str:
    if not estimate.bounded:
        return (
            f"no {CI_PERCENT} interval yet: {plural(estimate.n_pairs, 'pair')} cannot bound it "
            f"(it takes at least {MIN_PAIRS_FOR_SIGNIFICANCE})"
        )
    units = f"{_amount(estimate.ci_low, plan)} to {_amount(estimate.ci_high, plan)}"
    if math.isfinite(estimate.pct_ci_low):
        units += f", {_percent(estimate.pct_ci_low)} to {_percent(estimate.pct_ci_high)}"
    return f"{CI_PERCENT} interval {units}"


def _p_words(estimate: Estimate) -> str:
    orders = (
        f"all {estimate.orders:,} orders of the coin tosses"
        if estimate.all_orders
        else f"{estimate.orders:,} orders drawn at random"
    )
    return f"randomisation test p = {estimate.p_value:.2g} ({orders})"


def _estimate_lines(key: str, estimate: Estimate, plan: ExperimentPlan) -> list[str]:
    title = ANALYSIS_TITLES[key]
    if estimate.n_pairs == 0:
        return [f"{title}: no pair to analyse yet."]
    a, b = (c.name for c in plan.conditions)
    if estimate.difference == 0:
        direction = "the same"
    else:
        size = number(abs(estimate.difference), f" {change_unit(plan)}", digits=DIGITS, trim=True)
        direction = f"{size} {'higher' if estimate.difference > 0 else 'lower'}"
    pct = f" ({_percent(estimate.pct_change)})" if math.isfinite(estimate.pct_change) else ""
    lines = [
        f"{title}, {plural(estimate.n_pairs, 'pair')}: {plan.outcome_name} "
        f"{lag_words(plan.lag)} was {direction} with A ({a}) than with B ({b}){pct}; "
        f"{_interval_words(estimate, plan)}; {_p_words(estimate)}."
    ]
    if math.isfinite(estimate.t_p_value):
        lines.append(
            f"The paired t-test on the period means, which takes the pairs as independent "
            f"draws, gives p = {estimate.t_p_value:.2g} ({CI_PERCENT} interval "
            f"{_amount(estimate.t_ci_low, plan)} to {_amount(estimate.t_ci_high, plan)})."
        )
    return lines


def _meaning(result: ExperimentResult) -> str:
    """What the difference between as planned and as done means."""
    planned, done = result.as_planned, result.as_done
    if planned.n_pairs == 0:
        return ""
    if done.pairs == planned.pairs:
        return (
            "You kept to every analysed pair, so as planned and as done are the same analysis: "
            "the randomisation protects it fully."
        )
    dropped = planned.n_pairs - done.n_pairs
    return (
        f"As done leaves out {plural(dropped, 'pair')} you did not keep to. As planned counts "
        "every pair by the condition the coin gave it — the effect of planning this change, "
        "missed days and all, and the comparison the randomisation protects. As done is closer "
        "to the effect of the change itself, but it is no longer protected: periods that were "
        "hard to keep may differ in other ways (illness, travel), so read it as a hint."
    )


def result_lines(result: ExperimentResult) -> list[str]:
    """The result in words: each analysis, both tests, and what their difference means."""
    plan = result.plan
    lines: list[str] = []
    if not result.final:
        lines.append(
            f"Interim look: {result.adherence.pairs_complete} of "
            f"{plural(plan.design.pairs, 'pair')} complete. The result can still change, and "
            "stopping early because it looks good makes a false finding more likely."
        )
    for key, estimate in result.estimates().items():
        lines.extend(_estimate_lines(key, estimate, plan))
    meaning = _meaning(result)
    if meaning:
        lines.append(meaning)
    return lines


def result_table(result: ExperimentResult) -> pd.DataFrame:
    """Both analyses side by side: ``Analysis, Pairs, Effect, Effect low, Effect high, Effect
    (%), p (randomisation), Orders, p (paired t)``; effects in the outcome's units."""
    rows = []
    for key, estimate in result.estimates().items():
        rows.append({
            "Analysis": ANALYSIS_TITLES[key],
            "Pairs": estimate.n_pairs,
            "Effect": estimate.difference,
            "Effect low": estimate.ci_low if estimate.bounded else math.nan,
            "Effect high": estimate.ci_high if estimate.bounded else math.nan,
            "Effect (%)": estimate.pct_change,
            "p (randomisation)": estimate.p_value,
            "Orders": estimate.orders,
            "p (paired t)": estimate.t_p_value,
        })  # fmt: skip
    return pd.DataFrame(rows)


def result_chart(result: ExperimentResult) -> alt.LayerChart:
    """Each pair's difference (A − B) as a dot, and each analysis' effect with its interval."""
    pairs = pd.DataFrame(
        {
            "pair": list(result.as_planned.pairs),
            "difference": list(result.as_planned.differences),
            "kept": [p in result.as_done.pairs for p in result.as_planned.pairs],
        }
    )
    pairs["analysis"] = "each pair"
    pairs["kept"] = pairs["kept"].map({True: "kept to", False: "not kept to"})
    effects = pd.DataFrame(
        [
            {
                "analysis": ANALYSIS_TITLES[key],
                "difference": e.difference,
                "low": e.ci_low if e.bounded else np.nan,
                "high": e.ci_high if e.bounded else np.nan,
            }
            for key, e in result.estimates().items()
            if e.n_pairs
        ],
        columns=["analysis", "difference", "low", "high"],
    )
    order = ["each pair", *ANALYSIS_TITLES.values()]
    y = alt.Y("analysis:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x_title = f"A − B ({change_unit(result.plan)})"
    dots = (
        alt.Chart(pairs)
        .mark_circle(size=80, opacity=0.8)
        .encode(
            x=alt.X("difference:Q", title=x_title),
            y=y,
            color=alt.Color(
                "kept:N",
                scale=alt.Scale(domain=["kept to", "not kept to"], range=["#2166ac", "#bbbbbb"]),
                legend=alt.Legend(title="Pair"),
            ),
            tooltip=["pair:Q", alt.Tooltip("difference:Q", format=".3g"), "kept:N"],
        )
    )
    whiskers = alt.Chart(effects).mark_rule(strokeWidth=2).encode(x="low:Q", x2="high:Q", y=y)
    points = (
        alt.Chart(effects)
        .mark_point(filled=True, size=120, color="#b2182b")
        .encode(
            x="difference:Q",
            y=y,
            tooltip=[
                "analysis:N",
                alt.Tooltip("difference:Q", format=".3g"),
                alt.Tooltip("low:Q", format=".3g"),
                alt.Tooltip("high:Q", format=".3g"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#777777").encode(x="zero:Q")
    return (zero + dots + whiskers + points).properties(width="container", height=150)


# --- beside what the history and the goal tree say ------------------------------------------------
def _history_row(result: ExperimentResult, daily: DailyData) -> dict[str, Any]:
    """What the behaviour statistics say about A against B on the days before the experiment."""
    plan = result.plan
    source = f"Your history before {_day(plan.start)} (behaviour statistics)"
    empty = {"Source": source, "Effect": math.nan, "Effect low": math.nan,
             "Effect high": math.nan, "Effect (%)": math.nan, "p": math.nan}  # fmt: skip
    if plan.behaviour not in daily.table or plan.outcome not in daily.table:
        return empty | {"Based on": "the columns are not in the data"}
    before = daily.table[daily.table.index < plan.start]
    values = before[plan.behaviour].to_numpy(dtype=np.float64)
    in_a, in_b = (c.rule.holds(values) for c in plan.conditions)
    marked = np.where(in_a & ~in_b, 1.0, np.where(in_b & ~in_a, 0.0, np.nan))
    # the behaviour's own name: its tests draw the same resamples as the Behaviours page's
    table = pd.DataFrame({plan.outcome: before[plan.outcome], plan.behaviour: marked})
    registry = {
        plan.outcome: daily.registry[plan.outcome],
        plan.behaviour: Variable(plan.behaviour, "A rather than B", kind="behaviour"),
    }
    try:
        row = behaviour_impact(
            DailyData(table, registry), plan.outcome, lag=plan.lag, behaviours=[plan.behaviour],
            n_boot=EFFECT_N_BOOT,
        ).iloc[0]  # fmt: skip
    except ValueError as error:
        return empty | {"Based on": str(error)}
    counts = f"{plural(int(row['n_yes']), 'day')} like A, {plural(int(row['n_no']), 'day')} like B"
    if not row["enough_data"]:
        needed = f"at least {MIN_DAYS_PER_GROUP} of each"
        return empty | {"Based on": f"{counts}: not enough ({needed})"}
    return {
        "Source": source,
        "Effect": row["difference"],
        "Effect low": row["diff_ci_low"],
        "Effect high": row["diff_ci_high"],
        "Effect (%)": row["pct_change"],
        "p": row["p_value"],
        "Based on": f"{counts}; an association, not an experiment",
    }


def _lever_row(result: ExperimentResult, fit: TreeFit, tree_name: str) -> dict[str, Any]:
    """The fitted goal tree's leverage of the behaviour, for the change from B to A."""
    plan = result.plan
    source = f"Goal tree {tree_name!r} (leverage: the change kept up every day)"
    empty = {"Source": source, "Effect": math.nan, "Effect low": math.nan,
             "Effect high": math.nan, "Effect (%)": math.nan, "p": math.nan}  # fmt: skip
    root = fit.tree.root
    if root.target != plan.outcome:
        return empty | {"Based on": f"its top goal predicts {root.target}, not {plan.outcome}"}
    levers = leverage(fit)
    found = levers[levers["input"] == plan.behaviour]
    if found.empty:
        return empty | {"Based on": f"{plan.behaviour} is not one of its levers"}
    rules = [c.rule for c in plan.conditions]
    if any(rule.op != "==" for rule in rules):
        return empty | {"Based on": "its effect is per unit; the conditions are ranges"}
    lever = found.iloc[0]
    step = rules[0].threshold - rules[1].threshold
    ends = sorted([lever["unit_ci_low"] * step, lever["unit_ci_high"] * step])
    return {
        "Source": source,
        "Effect": lever["per_unit"] * step,
        "Effect low": ends[0],
        "Effect high": ends[1],
        "Effect (%)": math.nan,
        "p": math.nan,
        "Based on": "fitted on your whole history; an association through the tree",
    }


def comparison_table(
    result: ExperimentResult,
    daily: DailyData,
    *,
    fit: TreeFit | None = None,
    tree_name: str = "",
) -> pd.DataFrame:
    """The experiment's estimate beside what was known before it about the same change.

    Parameters
    ----------
    result : the analysed experiment.
    daily : the data (its days before the experiment give the history's estimate).
    fit, tree_name : a fitted goal tree, whose leverage of the behaviour is added when its top
        goal predicts the experiment's outcome.

    Returns
    -------
    DataFrame: ``Source, Effect, Effect low, Effect high`` (A − B in the outcome's units),
    ``Effect (%)``, ``p``, ``Based on``; one row for the history (days like A against days
    like B, the behaviour statistics' block bootstrap and rotation test), one for the goal tree
    when given, one per analysis of the experiment.
    """
    rows = [_history_row(result, daily)]
    if fit is not None:
        rows.append(_lever_row(result, fit, tree_name))
    for key, estimate in result.estimates().items():
        rows.append({
            "Source": f"This experiment, {ANALYSIS_SHORT[key]}",
            "Effect": estimate.difference,
            "Effect low": estimate.ci_low if estimate.bounded else math.nan,
            "Effect high": estimate.ci_high if estimate.bounded else math.nan,
            "Effect (%)": estimate.pct_change,
            "p": estimate.p_value,
            "Based on": f"{plural(estimate.n_pairs, 'randomised pair')}",
        })  # fmt: skip
    return pd.DataFrame(rows)
