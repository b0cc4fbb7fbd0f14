"""Overview page: what matters most for this person, on one screen, and a report to share."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import fits, session
from pga_core import views
from pga_core.data import DailyData
from pga_core.goals import TreeFit
from pga_core.stats import EFFECT_N_BOOT
from pga_core.views import escape_markdown

fits.init()
session.init_state(overview_n_boot=EFFECT_N_BOOT)
#: Outcome charts side by side.
CHART_COLUMNS = 2
_ICONS = {"likely effect": ":material/priority_high:", "no clear effect": ":material/remove:"}


@st.cache_data(max_entries=8, show_spinner="Weighing every behaviour against your outcomes…")
def _findings(key: session.DataKey, n_boot: int, _daily: DailyData) -> views.Findings:
    return views.findings(_daily, n_boot=n_boot)


def _outcomes(daily: DailyData, found: views.Findings) -> str | None:
    """Each outcome over time, with the days of the chosen behaviour marked; returns it."""
    st.header("Your outcomes over time")
    behaviours = daily.names("behaviour")
    marked = None
    if behaviours:
        key = "overview_behaviour"
        st.session_state[key] = views.kept_choice(
            st.session_state.get(key), behaviours, views.marked_behaviour(found, daily)
        )
        marked = st.selectbox(
            "Mark the days of",
            behaviours,
            key=key,
            format_func=lambda name: views.describe_variable(daily, name),
        )
        st.caption(
            "Thin line: each day; thick line: the mean of the last 7 days; orange lines: the "
            f"days with {escape_markdown(views.describe_variable(daily, marked))}."
        )
    outcomes = list(found.outcomes) or views.overview_outcomes(daily)
    if not outcomes:
        st.info("No outcome with enough days to draw yet.", icon=":material/info:")
    columns = st.columns(CHART_COLUMNS)
    for position, outcome in enumerate(outcomes):
        with columns[position % CHART_COLUMNS]:
            st.markdown(f"**{escape_markdown(views.describe_variable(daily, outcome))}**")
            st.altair_chart(
                views.outcome_chart(daily, outcome, marked),
                key=f"overview_chart_{outcome}",
            )
    return marked


def _strongest(found: views.Findings) -> None:
    """The strongest findings across the outcomes, one sentence each."""
    st.header("Strongest findings")
    if found.reason:
        st.info(escape_markdown(f"Nothing to weigh yet: {found.reason}."), icon=":material/info:")
        return
    st.caption(
        f"Every yes/no behaviour weighed against each outcome the next morning: "
        f"{found.n_tests:,} tests, corrected together, so the q-values count all of them "
        "(a likely effect needs q of at most 0.10). Likely effects first, then the clearest "
        "of the rest. These are associations in your own history, not proof of cause."
    )
    strongest = found.strongest()
    for verdict, sentence in zip(strongest["verdict"], found.sentences(), strict=True):
        st.markdown(f"{_ICONS.get(verdict, '')} {escape_markdown(sentence)}")
    with st.expander("Each finding in full"):
        for explanation in strongest["explanation"]:
            st.markdown(escape_markdown(explanation))
    st.page_link(
        "app_pages/behaviours.py",
        label="Every behaviour, outcome and lag on the Behaviours page",
        icon=":material/insights:",
    )


def _kept_fit(active: views.ActiveData) -> tuple[str, fits.KeptFit] | None:
    """The goal-tree fit of these days this visit or the workspace knows, with its tree's
    name; None when there is none."""
    chosen = views.choose_fit(fits.names(active), st.session_state.fits_last_name)
    kept = None if chosen is None else fits.find(active, chosen)
    return None if chosen is None or kept is None else (chosen, kept)


def _levers(named: tuple[str, fits.KeptFit] | None) -> None:
    """The top levers of the fitted goal tree, or where to fit one."""
    st.header("Top levers")
    if named is None:
        st.info(
            "No goal tree has been fitted on these days yet, so there are no levers to rank. "
            "Fit one on the Goals page (the default tree takes a few seconds).",
            icon=":material/info:",
        )
        st.page_link("app_pages/goals.py", label="Fit a goal tree", icon=":material/flag:")
        return
    name, kept = named
    st.caption(escape_markdown(f"Goal tree {name!r}: {views.fit_headline(kept.fit)}"))
    fits.say_if_stale(kept)
    lines = views.top_lever_lines(kept.fit)
    for line in lines:
        st.markdown(escape_markdown(line))
    if not lines:
        st.caption("No lever you control could be ranked in this fit.")
    st.page_link(
        "app_pages/gradient.py",
        label="Every lever, and what if, on the Personal gradient page",
        icon=":material/trending_up:",
    )


def _next_imports(active: views.ActiveData) -> None:
    """What to import next to learn more."""
    st.header("What to import next")
    lines = views.import_suggestions(active.daily, is_sample=active.is_sample)
    for line in lines:
        st.markdown(f"- {escape_markdown(line)}")
    if not lines:
        st.caption("Nothing obvious is missing: every kind of data the overview uses is here.")


def _report(
    active: views.ActiveData, found: views.Findings, fit: TreeFit | None, marked: str | None
) -> None:
    """One click: the report to share, made when the button is pressed."""
    st.header("Share")
    st.caption(
        "A report for a coach or a doctor: this overview, the behaviour impact chart and table, "
        "the goal tree and its levers, each with its interval and what it cannot tell. One HTML "
        "file that opens offline in any browser (print it to PDF from there); it holds the "
        "findings, not your daily data."
    )
    daily, label = active.daily, active.label
    days = views.days_in_use(daily, session.range_choice())

    def make() -> bytes:
        shown_fit, note = views.report_fit(daily, fit)
        page = views.report_html(
            daily,
            found,
            label=label,
            days=days,
            fit=shown_fit,
            fit_note=note,
            made_on=date.today(),
            marked=marked,
        )
        return page.encode("utf-8")

    st.download_button(
        "Download the report",
        data=make,
        file_name=views.report_file_name(date.today()),
        mime="text/html",
        key="overview_report",
        icon=":material/download:",
        type="primary",
        on_click="ignore",
    )


# --- the page -----------------------------------------------------------------------------------
st.title("Overview")
st.caption(
    "What matters most in your data, on one screen: your outcomes over time, the strongest "
    "findings, the levers of your goal tree and what to import next."
)
active = session.active_data()
session.sample_banner(active)
found = _findings(session.data_key(), int(st.session_state.overview_n_boot), active.daily)
marked = _outcomes(active.daily, found)
_strongest(found)
named = _kept_fit(active)
_levers(named)
_next_imports(active)
current = None if named is None or named[1].current is False else named[1].fit
_report(active, found, current, marked)
