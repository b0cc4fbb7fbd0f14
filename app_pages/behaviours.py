"""Behaviours page: what each yes/no behaviour and numeric habit does to an outcome."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import session
from pga_core import views
from pga_core.data import DailyData
from pga_core.stats import (
    DISCOVERY_Q,
    EFFECT_N_BOOT,
    MIN_DAYS_PER_GROUP,
    LaggedCorrelations,
    behaviour_impact,
    habit_effects,
)
from pga_core.views import escape_markdown
from pga_core.words import lag_phrase, lag_words

session.init_state(behaviours_n_boot=EFFECT_N_BOOT, behaviours_scan_for=None)

DataKey = session.DataKey


# --- cached calls into the core, keyed on the active data ---------------------------------------
def _data_key() -> DataKey:
    """Which data is active: the workspace file, its imports (none: the sample person), the
    date range."""
    return session.data_key()


@st.cache_data(max_entries=16, show_spinner=False)
def _impact(
    key: DataKey, outcome: str, lag: int, weekday: bool, n_boot: int, _daily: DailyData
) -> pd.DataFrame:
    return behaviour_impact(_daily, outcome, lag=lag, adjust_weekday=weekday, n_boot=n_boot)


@st.cache_data(max_entries=8, show_spinner=False)
def _impact_and_scan(
    key: DataKey,
    outcome: str,
    lag: int,
    behaviour: str,
    weekday: bool,
    n_boot: int,
    _daily: DailyData,
) -> views.LagScan:
    return views.impact_with_lag_scan(
        _daily, outcome, behaviour, lag=lag, adjust_weekday=weekday, n_boot=n_boot
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _habits(
    key: DataKey,
    outcome: str,
    lag: int,
    weekday: bool,
    joint: bool,
    n_boot: int,
    _daily: DailyData,
) -> pd.DataFrame:
    return habit_effects(
        _daily, outcome, lag=lag, adjust_weekday=weekday, joint=joint, n_boot=n_boot
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _correlations(
    key: DataKey, columns: tuple[str, ...], lag: int, method: str, _daily: DailyData
) -> LaggedCorrelations:
    return views.correlations(_daily, columns, lag=lag, method=method)


# --- widget state ---------------------------------------------------------------------------------
def _keep(key: str, choices: list, default: object) -> None:
    """Before a picker is drawn: its remembered value, if the data still offers it."""
    st.session_state[key] = views.kept_choice(st.session_state.get(key), choices, default)


def _ask_scan(request: tuple) -> None:
    st.session_state.behaviours_scan_for = request


def _drop_scan() -> None:
    st.session_state.behaviours_scan_for = None


# --- how tables show numbers ----------------------------------------------------------------------
_CHANGE_COLUMNS = ("Change", "Interval low", "Interval high")
_LEVEL_COLUMNS = ("Mean after yes", "Mean after no", "Mean", "Median", "25th percentile",
                  "75th percentile", "Lowest", "Highest")  # fmt: skip
_SIGNED_COLUMNS = ("Per SD", "Per SD low", "Per SD high", "Per unit", "Per unit low",
                   "Per unit high")  # fmt: skip


def _formats(*, percent: bool = False) -> dict:
    """Column formats shared by the page's tables (columns a table lacks are ignored)."""
    number = st.column_config.NumberColumn
    change = "%+.1f %%" if percent else "%+.3g"
    return {
        **{c: number(format=change) for c in _CHANGE_COLUMNS},
        **{c: number(format="%.3g") for c in _LEVEL_COLUMNS},
        **{c: number(format="%+.3g") for c in _SIGNED_COLUMNS},
        "r": number(format="%+.2f"),
        "p": number(format="%.2g"),
        "q": number(format="%.2g"),
        "In plain words": st.column_config.TextColumn(width="large"),
    }


HOW_TO_READ = f"""
**How to read it.** Each behaviour splits your days in two: days you answered *yes* and days
you answered *no* (days you did not answer are left out — they are unknown, not "no"). The
outcome is taken the chosen number of days later — one day later is the next morning, where a
recovery score belongs. The change is the outcome's mean after *yes* compared with its mean
after *no*, in percent of the *no* mean.

**The interval** is where the true change could lie, given how much your days vary. It is made
by resampling whole stretches of days, so runs of similar days (a holiday week, a cold) are not
counted as independent evidence; it is wide when the days are few.

**p and q.** p comes from shifting your diary against the outcome day by day and asking how
often a shifted diary shows a difference as clear as the real one. Because many behaviours are
tested at once, some would look convincing by luck; q (Benjamini–Hochberg) accounts for
that: with q of {DISCOVERY_Q:.2f} or less, at most about one in ten findings like these is a
fluke. A lag scan adds its tests to the count.

**What it cannot tell you.** These are associations in your own history, not experiments: if
you drink mostly on weekends, or meditate mostly in calm weeks, the difference may belong to the
weekend or the calm, not the behaviour (the day-of-week adjustment removes the weekly rhythm,
nothing else). A behaviour marked *built in* is part of how the outcome is computed, so the two
move together by construction. *Not enough data yet* means fewer than {MIN_DAYS_PER_GROUP} days
on one side: keep logging. *No clear effect* is not proof of no effect — only that your data
cannot tell yet.
"""


# --- sections -------------------------------------------------------------------------------------
def _impact_section(daily: DailyData, iv: views.ImpactView, outcome: str, lag: int) -> None:
    st.header("Impact of each behaviour")
    st.caption(
        f"How {escape_markdown(daily.registry[outcome].label)} {lag_words(lag)} differs "
        "after days you answered yes compared with days you answered no. Each bar is the "
        "change, the black whisker its 95 % interval. Red and green bars are likely effects "
        "(q ≤ 0.10); grey bars could well be chance; sand bars are built in — the behaviour is "
        "part of how the outcome is computed."
    )
    st.altair_chart(
        views.impact_chart(iv.chart, iv.waiting, unit=iv.unit), key="behaviours_impact_chart"
    )
    for sentence in iv.likely:
        st.success(escape_markdown(sentence), icon=":material/insights:")
    st.caption(
        f"Every behaviour in numbers (changes in {'%' if iv.percent else 'outcome units'}); "
        f"q-values count all {iv.n_tests} tests run together. The last column says each row "
        "in plain words."
    )
    st.dataframe(
        iv.table,
        hide_index=True,
        key="behaviours_impact_table",
        column_config=_formats(percent=iv.percent),
    )
    with st.expander("How to read this — and what it cannot tell you", key="behaviours_help"):
        st.markdown(HOW_TO_READ)


def _closer_look(
    daily: DailyData, iv: views.ImpactView, outcome: str, lag: int, weekday: bool
) -> str | None:
    """Yes-vs-no distributions of one behaviour; returns the behaviour looked at."""
    st.header("A closer look at one behaviour")
    choices = views.behaviour_choices(iv)
    if not choices:
        return None
    _keep("behaviours_selected", choices, views.default_behaviour(iv))
    behaviour = st.selectbox(
        "Behaviour", choices, format_func=iv.labels().__getitem__, key="behaviours_selected"
    )
    st.caption(
        f"{escape_markdown(daily.registry[outcome].label)} {lag_words(lag)}: how often "
        "each level came after yes days and after no days, each as a share of its own days. "
        "The two lines are the means — the numbers the change above compares."
    )
    values = views.yes_no_values(daily, behaviour, outcome, lag=lag, adjust_weekday=weekday)
    if values.empty:
        st.info("No day has both an answer and the outcome yet.")
    else:
        st.altair_chart(views.yes_no_chart(values), key="behaviours_yes_no_chart")
        st.dataframe(
            views.yes_no_summary(values),
            hide_index=True,
            key="behaviours_yes_no_table",
            column_config=_formats(),
        )
    st.markdown(escape_markdown(iv.explanation(behaviour)))
    return behaviour


def _scan_section(daily: DailyData, scan: views.LagScan | None, request: tuple) -> None:
    st.header("Lag scan")
    st.caption(
        "Does the behaviour show up the same day, the next morning, or days later? The scan "
        "tests the behaviour above at every lag from 0 to 7 days. Each lag is one more chance "
        "to find something by luck, so the scan's tests join the q-values of the table above."
    )
    if scan is None:
        st.button(
            "Scan lags 0 to 7 days",
            key="behaviours_scan",
            on_click=_ask_scan,
            args=(request,),
            icon=":material/timeline:",
        )
        return
    rows = views.lag_scan_view(scan.scan, daily, n_tests=scan.n_tests)
    st.altair_chart(views.lag_scan_chart(rows, chosen_lag=request[1]), key="behaviours_scan_chart")
    st.caption(
        f"The ring marks the lag of the table above. q-values now count {scan.n_tests} tests: "
        "the table's and the scan's together."
    )
    st.dataframe(
        views.lag_scan_table(rows),
        hide_index=True,
        key="behaviours_scan_table",
        column_config=_formats(percent=bool((rows["unit"] == "%").all())),
    )
    st.button("Hide the scan", key="behaviours_scan_hide", on_click=_drop_scan)


def _habits_section(
    daily: DailyData, key: DataKey, outcome: str, lag: int, weekday: bool, n_boot: int
) -> None:
    st.header("Numeric habits")
    joint = st.toggle(
        "Hold the other habits fixed",
        value=True,
        key="behaviours_habits_joint",
        help="On: one model of all habits together, on the days where all are logged. Off: "
        "each habit alone, on its own days (more days, but one habit can stand in for another).",
    )
    with st.spinner("Fitting the habits…"):
        try:
            habits = _habits(key, outcome, lag, weekday, joint, n_boot, daily)
        except ValueError as error:
            st.info(escape_markdown(error), icon=":material/info:")
            return
    rows = views.habit_view(habits, daily)
    st.caption(
        "How much the outcome moves per standard deviation more of each habit (a typical "
        "day-to-day swing), with 95 % intervals from resampled stretches of days. Red and "
        "green: the interval leaves out zero. These intervals are not corrected for looking at "
        "many habits at once, and can be too narrow when a habit and the outcome both drift "
        "slowly."
    )
    if rows["enough_data"].astype(bool).any():
        st.altair_chart(views.habit_effects_chart(rows), key="behaviours_habits_chart")
    st.dataframe(
        views.habit_table(rows),
        hide_index=True,
        key="behaviours_habits_table",
        column_config=_formats(),
    )


def _correlation_section(daily: DailyData, key: DataKey, outcome: str) -> None:
    st.header("Correlations")
    st.caption(
        "How each variable on a day goes with each variable on the same or a later day. r runs "
        "from −1 (one high, the other low) to +1 (both high together). A black frame marks a "
        "likely link (q ≤ 0.10, counting the cells tested here as their own family); a dashed "
        "frame marks pairs computed one from the other. p-values come from shifting one series "
        "against the other, so two slowly drifting series do not pass for linked."
    )
    choices = views.correlation_choices(daily)
    st.session_state.behaviours_corr_columns = views.kept_selection(
        st.session_state.get("behaviours_corr_columns"),
        choices,
        views.default_correlation_columns(daily, outcome),
    )
    _keep("behaviours_corr_lag", list(views.LAG_CHOICES), 1)
    left, middle, right = st.columns([3, 1.2, 1])
    columns = left.multiselect(
        "Variables",
        choices,
        format_func=lambda name: views.describe_variable(daily, name),
        key="behaviours_corr_columns",
    )
    lag = middle.selectbox(
        "Compared with", views.LAG_CHOICES, format_func=lag_phrase, key="behaviours_corr_lag"
    )
    method = right.radio(
        "Correlation",
        ["pearson", "spearman"],
        format_func={"pearson": "Pearson (values)", "spearman": "Spearman (ranks)"}.get,
        key="behaviours_corr_method",
    )
    if len(columns) < 2:
        st.info("Choose at least two variables.")
        return
    with st.spinner("Correlating…"):
        try:
            result = _correlations(key, tuple(columns), lag, method, daily)
        except ValueError as error:
            st.info(escape_markdown(error), icon=":material/info:")
            return
    cells = views.correlation_cells(result, daily)
    st.altair_chart(views.correlation_heatmap(cells, lag=lag), key="behaviours_heatmap")
    st.caption("The clearest links, in plain words (lowest q first):")
    st.dataframe(
        views.correlation_findings(result, daily),
        hide_index=True,
        key="behaviours_corr_table",
        column_config=_formats(),
    )


# --- the page -------------------------------------------------------------------------------------
st.title("Behaviours")
st.caption(
    "What each yes/no behaviour and numeric habit does to an outcome, with honest intervals and "
    "a correction for testing many things at once."
)
active = session.active_data()
session.sample_banner(active)
daily = active.daily
data_key = _data_key()
n_boot = int(st.session_state.behaviours_n_boot)

outcomes = views.outcome_choices(daily)
if not outcomes:
    st.info(
        "No outcome to weigh yet: import exports with a measurement logged on at least "
        f"{views.MIN_OUTCOME_DAYS} days (a recovery score, resting heart rate, sleep…).",
        icon=":material/info:",
    )
    st.stop()

_keep("behaviours_outcome", outcomes, views.default_outcome(daily))
_keep("behaviours_lag", list(views.LAG_CHOICES), 1)
outcome_column, lag_column, weekday_column = st.columns([2, 2, 1.4], vertical_alignment="bottom")
outcome = outcome_column.selectbox(
    "Outcome",
    outcomes,
    format_func=lambda name: views.describe_variable(daily, name),
    key="behaviours_outcome",
)
lag = lag_column.selectbox(
    "Outcome taken", views.LAG_CHOICES, format_func=lag_phrase, key="behaviours_lag"
)
weekday = weekday_column.checkbox(
    "Adjust for the day of the week",
    key="behaviours_weekday",
    help="Take out the outcome's usual weekday pattern first, so that weekend habits do not "
    "pass for effects.",
)

with st.spinner("Weighing each behaviour…"):
    try:
        impact = _impact(data_key, outcome, lag, weekday, n_boot, daily)
    except ValueError as error:
        impact = None
        st.info(escape_markdown(error), icon=":material/info:")

if impact is not None:
    iv = views.impact_view(impact, daily)
    behaviour = views.kept_choice(
        st.session_state.get("behaviours_selected"),
        views.behaviour_choices(iv),
        views.default_behaviour(iv),
    )
    request = (outcome, lag, behaviour, weekday)
    scan = None
    if behaviour is not None and st.session_state.behaviours_scan_for == request:
        with st.spinner("Scanning lags 0 to 7 days…"):
            scan = _impact_and_scan(data_key, outcome, lag, str(behaviour), weekday, n_boot, daily)
        iv = views.impact_view(scan.main, daily, n_tests=scan.n_tests)
    _impact_section(daily, iv, outcome, lag)
    if _closer_look(daily, iv, outcome, lag, weekday) is not None:
        _scan_section(daily, scan, request)

_habits_section(daily, data_key, outcome, lag, weekday, n_boot)
_correlation_section(daily, data_key, outcome)
