"""Experiments page: plan a randomised on/off trial of a behaviour, follow it, read its result."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import fits, session
from pga_core import views
from pga_core.data import DailyData
from pga_core.experiments import (
    ABANDONED,
    COMPLETE,
    DEFAULT_CHANGE_PCT,
    MAX_LAG,
    MAX_PERIOD_DAYS,
    METHODS,
    ExperimentPlan,
    PowerReport,
    adherence,
    analyse_experiment,
    calendar_csv,
    calendar_ics,
    new_seed,
    outcome_history,
    plan_experiment,
    plan_power,
)
from pga_core.goals import TreeFit
from pga_core.views import escape_markdown
from pga_core.words import lag_phrase

#: The choice in the experiment picker that plans a new one.
NEW = "Plan a new experiment"
MAX_WEEKS = 52
METHOD_NAMES = {
    "ar1": "AR(1): your spread and day-to-day memory",
    "resample": "Your own history, re-drawn in blocks",
}

session.init_state(experiments_seed=new_seed(), experiments_open=None)
DataKey = tuple[str, tuple[int, ...]]

#: How the effect tables show their numbers (three significant figures, p-values two).
_EFFECT_FORMATS = {
    **{c: st.column_config.NumberColumn(format="%+.3g")
       for c in ("Effect", "Effect low", "Effect high", "Effect (%)")},
    **{c: st.column_config.NumberColumn(format="%.2g")
       for c in ("p", "p (randomisation)", "p (paired t)")},
}  # fmt: skip


# --- cached calls into the core -------------------------------------------------------------------
def _data_key() -> DataKey:
    current = session.workspace()
    return str(current.path), views.workspace_revision(current)


@st.cache_data(max_entries=16, show_spinner="Simulating trials of your outcome…")
def _power(
    key: DataKey, plan_text: str, change_pct: float, method: str, _daily: DailyData
) -> PowerReport | str:
    """The plan's power, or why there is none (too little history)."""
    plan = ExperimentPlan.from_json(json.loads(plan_text))
    try:
        history = outcome_history(_daily, plan.outcome, plan.start)
        return plan_power(history, plan.design, change_pct=change_pct, method=method)
    except ValueError as error:
        return str(error)


def _say(lines: list[str]) -> None:
    """Sentences that hold user text (names, labels): shown literally."""
    for line in lines:
        st.markdown(escape_markdown(line))


# --- the plan and what it can find ----------------------------------------------------------------
def _show_power(
    plan: ExperimentPlan, active: views.ActiveData, change_pct: float, method: str
) -> None:
    report = _power(_data_key(), json.dumps(plan.to_json()), change_pct, method, active.daily)
    if isinstance(report, str):
        st.info(escape_markdown(report), icon=":material/hourglass_empty:")
        return
    _say(views.power_lines(report, plan))
    left, right = st.columns([3, 2])
    with left:
        st.altair_chart(views.power_chart(report), key="experiments_power_chart")
    with right:
        st.caption("Shorter and longer experiments of the same periods:")
        st.dataframe(views.power_options(report), hide_index=True, key="experiments_power_options")


def _downloads(plan: ExperimentPlan, where: str) -> None:
    left, right = st.columns(2)
    stem = "experiment"
    left.download_button(
        "Download the calendar (.ics)",
        calendar_ics(plan).encode("utf-8"),
        file_name=f"{stem}.ics",
        mime="text/calendar",
        key=f"experiments_{where}_ics",
    )
    right.download_button(
        "Download the days (CSV)",
        calendar_csv(plan).encode("utf-8"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"experiments_{where}_csv",
    )


def _calendar(plan: ExperimentPlan, daily: DailyData | None, where: str) -> None:
    table = views.plan_day_table(plan, daily)
    st.altair_chart(views.plan_calendar_chart(table), key=f"experiments_{where}_calendar")
    with st.expander("Day by day"):
        st.dataframe(table, hide_index=True, key=f"experiments_{where}_days")


def _new_plan_settings(daily: DailyData) -> ExperimentPlan | None:
    """The planning widgets; the plan they describe, or None (with the reason shown)."""
    levers = views.lever_choices(daily)
    if not levers:
        st.info("Your data has no yes/no behaviour or habit to change yet.")
        return None
    label = {n: views.describe_variable(daily, n) for n in daily.registry}
    first, second, third = st.columns(3)
    lever = first.selectbox(
        "What to change", levers, format_func=label.__getitem__, key="experiments_lever"
    )
    outcomes = [n for n in views.outcome_choices(daily) if n != lever]
    if not outcomes:
        st.info("Your data has no outcome to measure the change by.")
        return None
    outcome = second.selectbox(
        "Outcome", outcomes, format_func=label.__getitem__, key="experiments_outcome"
    )
    lag = third.selectbox(
        "When to look", list(range(MAX_LAG + 1)), index=1, format_func=lag_phrase,
        key="experiments_lag",
    )  # fmt: skip
    on_default, off_default = views.default_rules(daily, lever)
    st.caption(
        "A is the change you try, B what it is compared with. A rule says which logged values "
        "count as keeping to it: yes, no, or a comparison such as <= 1 (a dose)."
    )
    rule_a, name_a, rule_b, name_b = st.columns(4)
    on = rule_a.text_input("A: rule", value=on_default, key=f"experiments_on_{lever}")
    on_name = name_a.text_input("A: name", value="", key=f"experiments_on_name_{lever}")
    off = rule_b.text_input("B: rule", value=off_default, key=f"experiments_off_{lever}")
    off_name = name_b.text_input("B: name", value="", key=f"experiments_off_name_{lever}")
    period, washout, weeks, start = st.columns(4)
    period_days = int(period.number_input(
        "Days per period", 1, MAX_PERIOD_DAYS, views.DEFAULT_PERIOD_DAYS,
        key="experiments_period_days",
    ))  # fmt: skip
    washout_days = int(washout.number_input(
        "Washout days per period", 0, MAX_PERIOD_DAYS - 1, 0, key="experiments_washout_days",
        help="When an effect lingers: the first days of each period are kept but not counted.",
    ))  # fmt: skip
    how_long = float(weeks.number_input(
        "How many weeks you can keep it up", 1, MAX_WEEKS, views.DEFAULT_WEEKS,
        key="experiments_weeks",
    ))  # fmt: skip
    first_day = start.date_input(
        "First day", value=(daily.table.index.max() + pd.Timedelta(days=1)).date(),
        key="experiments_start",
    )  # fmt: skip
    if not isinstance(first_day, date):
        st.info("Choose the experiment's first day.")
        return None
    seed = int(st.number_input(
        "Seed of the coin tosses (the same seed gives the same orders)", 0, 2**32 - 1,
        key="experiments_seed",
    ))  # fmt: skip
    try:
        conditions = views.conditions_from_text(on, off, on_name=on_name, off_name=off_name)
        return plan_experiment(
            daily,
            name=str(st.session_state.get("experiments_name") or "My experiment"),
            behaviour=lever,
            outcome=outcome,
            conditions=conditions,
            pairs=views.pairs_for_weeks(how_long, period_days),
            period_days=period_days,
            washout_days=washout_days,
            lag=int(lag),
            start=pd.Timestamp(first_day),
            seed=seed,
        )
    except ValueError as error:
        st.error(escape_markdown(error), icon=":material/error:")
        return None


def _plan_new(active: views.ActiveData) -> None:
    st.header("Plan an experiment")
    plan = _new_plan_settings(active.daily)
    if plan is None:
        return
    _say(views.plan_lines(plan))
    _calendar(plan, None, "plan")
    _downloads(plan, "plan")
    st.subheader("What it can find")
    change, method = st.columns(2)
    change_pct = float(change.number_input(
        "Change to find (% of your usual outcome)", 1.0, 100.0, DEFAULT_CHANGE_PCT, step=1.0,
        key="experiments_change",
    ))  # fmt: skip
    chosen = method.radio(
        "How your outcome is simulated", METHODS, format_func=METHOD_NAMES.__getitem__,
        key="experiments_method", horizontal=True,
    )  # fmt: skip
    _show_power(plan, active, change_pct, str(chosen))
    st.subheader("Start")
    st.text_input("Name of the experiment", key="experiments_name", value="My experiment")
    if active.is_sample:
        st.info(
            "Experiments are kept in your workspace, so they start on your own data: import "
            "your exports on the Data page. Nothing planned on the sample person is saved.",
            icon=":material/science:",
        )
        return
    workspace = session.workspace()
    taken = plan.name in workspace.experiment_names()
    if taken:
        st.warning(escape_markdown(f"An experiment named {plan.name!r} exists: choose another "
                                   "name."))  # fmt: skip
    if st.button("Start this experiment", key="experiments_start_button", type="primary",
                 disabled=taken):  # fmt: skip
        workspace.save_experiment(plan.name, plan.to_json(), seed=plan.seed)
        st.session_state.experiments_open = plan.name
        st.rerun()


# --- a saved experiment ---------------------------------------------------------------------------
def _fit_for(active: views.ActiveData, outcome: str) -> tuple[TreeFit, str] | None:
    """A fitted goal tree whose top goal predicts the outcome, if any."""
    for name in fits.names(active):
        kept = fits.find(active, name)
        if kept is not None and kept.fit.tree.root.target == outcome:
            return kept.fit, name
    return None


def _result(plan: ExperimentPlan, status: str, stored: object, active: views.ActiveData) -> None:
    result = analyse_experiment(plan, active.daily)
    st.header("Result")
    if result.as_planned.n_pairs == 0:
        st.info("No pair is complete yet: the result comes once the first pair's days are in.")
        return
    _say(views.result_lines(result))
    st.altair_chart(views.result_chart(result), key="experiments_result_chart")
    st.dataframe(
        views.result_table(result),
        hide_index=True,
        key="experiments_result_table",
        column_config=_EFFECT_FORMATS,
    )
    st.subheader("Beside what was known before")
    found = _fit_for(active, plan.outcome)
    fit, tree_name = found if found is not None else (None, "")
    st.dataframe(
        views.comparison_table(result, active.daily, fit=fit, tree_name=tree_name),
        hide_index=True,
        key="experiments_comparison",
        column_config=_EFFECT_FORMATS,
    )
    st.caption(
        "Effects are A − B in the outcome's units. Your history and the goal tree describe how "
        "the outcome moved together with the behaviour; only the experiment decided the "
        "behaviour by coin toss, so only it can speak of cause."
    )
    document = result.to_json()
    if status != ABANDONED and document != stored:
        new_status = COMPLETE if result.final else status
        session.workspace().save_experiment_result(plan.name, document, status=new_status)


def _changes(plan: ExperimentPlan, status: str, daily: DailyData) -> None:
    st.header("Change of plan")
    left, right = st.columns(2)
    with left:
        if status != ABANDONED and st.button("Abandon this experiment", key="experiments_abandon"):
            session.workspace().set_experiment_status(plan.name, ABANDONED)
            st.rerun()
    with right:
        restart_on = st.date_input(
            "Restart from", value=(daily.table.index.max() + pd.Timedelta(days=1)).date(),
            key="experiments_restart_day",
        )  # fmt: skip
        if st.button("Restart with new coin tosses", key="experiments_restart"):
            again = plan.restarted(pd.Timestamp(str(restart_on)))
            session.workspace().save_experiment(again.name, again.to_json(), seed=again.seed)
            st.rerun()


def _show(name: str, active: views.ActiveData) -> None:
    record = session.workspace().load_experiment(name)
    try:
        plan = ExperimentPlan.from_json(record["plan"])
    except ValueError as error:
        st.error(escape_markdown(f"Experiment {name!r}: {error}"), icon=":material/error:")
        return
    status = str(record["status"])
    st.header("Plan")
    _say(views.plan_lines(plan))
    _downloads(plan, "saved")
    st.header("Progress")
    progress = adherence(plan, active.daily)
    state = views.experiment_state(status, progress)
    st.progress(progress.progress, text=escape_markdown(f"State: {state}"))
    _say(views.progress_lines(progress, plan))
    _calendar(plan, active.daily, "saved")
    _result(plan, status, record["result"], active)
    _changes(plan, status, active.daily)


# --- the page -------------------------------------------------------------------------------------
fits.init()
st.title("Experiments")
st.caption(
    "Turn a behaviour into a randomised on/off trial: periods of a few days in pairs, a coin "
    "deciding the order within each pair, and a test that re-draws those coin tosses, valid "
    "however your days hang together."
)
active = session.active_data()
session.sample_banner(active)
saved = [] if active.is_sample else session.workspace().experiments()
if saved:
    st.dataframe(
        views.experiments_table(saved, active.daily), hide_index=True, key="experiments_list"
    )
    names = [str(r["name"]) for r in saved]
    if st.session_state.experiments_open not in [*names, NEW]:
        st.session_state.experiments_open = names[-1]
    chosen = st.selectbox("Experiment", [*names, NEW], key="experiments_open")
else:
    chosen = NEW
if chosen == NEW:
    _plan_new(active)
else:
    _show(str(chosen), active)
