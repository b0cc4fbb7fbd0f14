"""Personal gradient page: the levers ranked by their effect on the top goal, and what-if
sliders whose effect goes up the tree goal by goal."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import fits, session
from pga_core import views
from pga_core.goals import StarterTree, TreeFit, leverage, starter_tree, what_if
from pga_core.views import escape_markdown


def _slider_key(column: str) -> str:
    return f"gradient_slider_{column}"


def _control_key(name: str) -> str:
    return f"gradient_you_control_{name}"


@st.cache_data(max_entries=4, show_spinner="Building a starter tree from your data…")
def _starter(data_key: tuple, _active: views.ActiveData) -> StarterTree | str:
    """The starter tree of the active data (cached per data), or why there is none."""
    try:
        return starter_tree(_active.daily)
    except ValueError as error:
        return str(error)


def _fit_starter(active: views.ActiveData) -> None:
    """No fit yet: offer to fit a starter tree built from the data, or say plainly why not."""
    whose = "the sample person" if active.is_sample else "your data"
    starter = _starter(fits.data_key(active), active)
    if isinstance(starter, str):
        st.warning(
            escape_markdown(
                f"No goal tree has been fitted on {whose}, and none can be built from these "
                f"data: {starter}."
            ),
            icon=":material/block:",
        )
    else:
        goals = len(starter.tree.nodes)
        st.info(
            f"No goal tree has been fitted on {whose} yet, so there is no gradient to show. "
            f"Fit a starter tree built from your data now ({goals} goal{'s' * (goals > 1)}, a "
            "few seconds), or build your own on the Goals page.",
            icon=":material/info:",
        )
        if st.button("Fit the starter tree", key="gradient_fit_starter", type="primary"):
            name = views.DEFAULT_TREE_NAME
            if fits.run(active, name, starter.tree) is not None:
                st.rerun()
    st.page_link(
        "app_pages/goals.py", label="Edit the goal tree on the Goals page", icon=":material/flag:"
    )


def _levers(fit: TreeFit, name: str) -> pd.DataFrame:
    """The ranked levers, with the person's own choice of what they control."""
    defaults = leverage(fit)
    key = _control_key(name)
    st.session_state.setdefault(key, views.controlled(defaults))
    overrides = views.controllable_overrides(defaults, st.session_state[key])
    levers = views.levers_in_words(leverage(fit, controllable=overrides), fit)

    st.header("Levers")
    st.caption(
        "Each lever is an input of the tree that no sub-goal models. Its effect is that of a "
        "change kept up every day, carried up the tree to the top goal (the chain rule), with "
        "a 95 % interval from the bootstrap. Ranked by the effect of one standard deviation of "
        f"the lever, so that levers in different units compare. {views.SD_HELP}"
    )
    you, not_you = st.columns(2)
    with you:
        st.subheader("Things you control")
        lines = views.lever_lines(levers, controllable=True)
        for line in lines:
            st.markdown(escape_markdown(line))
        if not lines:
            st.caption("None marked: choose below which of the levers you control.")
    with not_you:
        st.subheader("Not something you set directly")
        lines = views.lever_lines(levers, controllable=False)
        for line in lines:
            st.markdown(escape_markdown(line))
        if not lines:
            st.caption("None.")
    labels = dict(zip(levers["input"], levers["label"], strict=True))
    st.multiselect(
        "Levers you control (yes/no behaviours and habits are marked at first; change it to "
        "suit your life)",
        list(defaults["input"]),
        format_func=labels.__getitem__,
        key=key,
        persist_state="session",
    )
    st.altair_chart(views.levers_chart(levers), key="gradient_levers_chart")
    with st.expander("The levers as a table"):
        st.dataframe(views.levers_table(levers), hide_index=True, key="gradient_levers_table")
        st.caption(
            "Per SD: the top goal's change when the lever is one standard deviation higher every "
            "day. Per unit: per unit of the lever (a yes/no lever's unit is all days yes instead "
            "of none). Column: the lever's name in your data."
        )
    return levers


def _what_if(fit: TreeFit, levers: pd.DataFrame) -> None:
    """Sliders for the levers the person controls, and the change at every goal."""
    st.header("What if")
    sliders = views.what_if_sliders(levers)
    if not sliders:
        st.info("Mark at least one lever as yours to try a change.", icon=":material/tune:")
        return
    for slider in sliders:  # a new slider, or one left outside a new range, starts afresh
        key = _slider_key(slider.input)
        if not slider.accepts(st.session_state.get(key)):
            st.session_state[key] = slider.start

    def reset() -> None:
        for each in sliders:
            st.session_state[_slider_key(each.input)] = each.start

    left, right = st.columns([1, 1], gap="large")
    with left:
        st.caption(
            "Each slider starts at your typical value. Move it to what you would keep up every "
            "day (for a yes/no behaviour: on how many days a week)."
        )
        for slider in sliders:
            st.slider(
                escape_markdown(slider.label),
                min_value=slider.min_value,
                max_value=slider.max_value,
                step=slider.step,
                format=slider.number_format,
                key=_slider_key(slider.input),
                help=escape_markdown(slider.help),
                persist_state="session",
            )
        st.button("Back to typical values", key="gradient_reset", on_click=reset)
    values = {s.input: float(st.session_state[_slider_key(s.input)]) for s in sliders}
    table = what_if(fit, views.slider_changes(sliders, values))
    headline = views.root_change(table, fit)
    with right:
        st.metric(
            escape_markdown(f"Predicted change in {headline.label}"),
            headline.value,
            border=True,
        )
        st.caption(escape_markdown(headline.sentence))
        st.altair_chart(views.what_if_chart(table), key="gradient_what_if_chart")
        st.dataframe(views.what_if_table(table), hide_index=True, key="gradient_what_if_table")
        st.caption(
            "Each goal's predicted average before and after the change, sub-goals first: a "
            "sub-goal's change feeds the goal above it. A prediction, not a promise: it holds "
            "only as far as the fitted relations are causes, not just companions."
        )


# --- the page -----------------------------------------------------------------------------------
fits.init()
st.title("Personal gradient")
st.caption(
    "Which of your behaviours to change, and which way, for the biggest gain on your top goal."
)
active = session.active_data()
session.sample_banner(active)

available = fits.names(active)
chosen = views.choose_fit(available, st.session_state.fits_last_name)
if chosen is not None and len(available) > 1:  # each visit starts at the tree fitted last
    chosen = st.selectbox(
        "Goal tree", available, index=available.index(chosen), key="gradient_tree"
    )
if chosen is None:
    _fit_starter(active)
else:
    kept = fits.find(active, chosen)
    assert kept is not None  # chosen is one of the names with a fit
    st.caption(escape_markdown(f"Goal tree {chosen!r}: {views.fit_headline(kept.fit)}"))
    fits.say_if_stale(kept)
    if kept.fit.root is None:
        st.warning(
            escape_markdown(
                f"The top goal {kept.fit.tree.root.name!r} could not be fitted, so there are no "
                "levers."
            ),
            icon=":material/block:",
        )
    else:
        _what_if(kept.fit, _levers(kept.fit, chosen))
