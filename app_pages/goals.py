"""Goals page: the goal tree, its editor, the check against the data, fitting, and each goal's
weights, climb and predictions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import fits, session
from pga_core import views
from pga_core.data import DailyData
from pga_core.goals import (
    GoalTree,
    NodeFit,
    StarterTree,
    TreeFit,
    default_tree,
    read_tree,
    starter_tree,
    tree_text,
    with_health_index,
)
from pga_core.views import MODEL_CHOICES, TRANSFORM_CHOICES, escape_markdown

# The load choices that stand for the default tree and the starter tree: saved names are
# stripped, so neither can be a saved tree's name.
_DEFAULT = ""
_STARTER = " starter"
_MAX_DAYS = 3650


@st.cache_data(show_spinner=False)
def _default_tree() -> GoalTree:
    return default_tree()


@st.cache_data(max_entries=4, show_spinner="Building a starter tree from your data…")
def _starter(data_key: tuple, _active: Any) -> StarterTree | str:
    """The starter tree of the active data (cached per data), or why there is none."""
    try:
        return starter_tree(_active.daily)
    except ValueError as error:
        return str(error)


@st.cache_data(max_entries=4, show_spinner=False)
def _goal_daily(data_key: tuple, _active: Any) -> DailyData:
    """The active data with the health index, for choosing goals and inputs."""
    return with_health_index(_active.daily)


def _first_tree(active: views.ActiveData) -> tuple[GoalTree, str]:
    """Where a visit starts: the person's saved tree, else a starter tree built from the data,
    else (no starter possible) the default tree."""
    if not active.is_sample:
        saved = session.workspace().goal_names()
        if saved:
            name = views.DEFAULT_TREE_NAME if views.DEFAULT_TREE_NAME in saved else saved[0]
            try:
                return _saved_tree(name), name
            except ValueError:
                pass  # an unreadable saved tree: start afresh (the Load list still offers it)
    starter = _starter(fits.data_key(active), active)
    tree = starter.tree if isinstance(starter, StarterTree) else _default_tree()
    return tree, views.DEFAULT_TREE_NAME


@st.cache_data(max_entries=16, show_spinner=False)
def _check(tree_json: str, data_key: tuple, _tree: GoalTree, _active: Any) -> views.TreeCheck:
    """The tree's check, cached per tree and data (the data by its key, not its contents)."""
    return views.check_tree(_tree, _active.daily)


def _tree() -> GoalTree:
    return st.session_state.goals_tree


def _saved_tree(name: str) -> GoalTree:
    """The tree saved in the workspace as ``name``; ValueError naming it when it is not a tree."""
    document = session.workspace().load_goals(name)
    try:
        return GoalTree.from_json(document)
    except ValueError as error:
        raise ValueError(f"saved tree {name!r}: {error}") from error


def _selected() -> str:
    return st.session_state.goals_edit_goal


def _say(level: str, text: str, where: str = "editor") -> None:
    """Keep a message (``success`` or ``error``) for the section ``where`` to show once."""
    st.session_state.goals_message = (where, level, text)


def _message(where: str) -> None:
    """Show the kept message if it belongs to this section, then forget it."""
    message = st.session_state.goals_message
    if message is None or message[0] != where:
        return
    _, level, text = message
    if level == "error":
        st.error(escape_markdown(text), icon=":material/error:")
    else:
        st.success(escape_markdown(text), icon=":material/check_circle:")
    st.session_state.goals_message = None


def _sync_goal_fields() -> None:
    """Show the selected goal's name, target and model in their widgets."""
    names = [node.name for node in _tree().nodes]
    if st.session_state.get("goals_edit_goal") not in names:
        st.session_state.goals_edit_goal = names[0]
    node = _tree().node(_selected())
    st.session_state.goals_goal_name = node.name
    st.session_state.goals_goal_target = node.target
    st.session_state.goals_goal_model = node.model or views.AUTOMATIC
    st.session_state.goals_json = tree_text(_tree())


def _apply(
    edit: Callable[..., GoalTree],
    *args: Any,
    select: str | None = None,
    done: str = "",
    **kwargs: Any,
) -> None:
    """Apply an edit to the tree; keep its error message instead when it is refused."""
    try:
        st.session_state.goals_tree = edit(_tree(), *args, **kwargs)
    except ValueError as error:
        _say("error", str(error))
    else:
        if select is not None:
            st.session_state.goals_edit_goal = select
        if done:
            _say("success", done)
    _sync_goal_fields()


# --- callbacks ------------------------------------------------------------------------------------
def _on_load(active: views.ActiveData) -> None:
    choice = st.session_state.goals_load_choice
    try:
        if choice == _DEFAULT:
            tree, name = _default_tree(), views.DEFAULT_TREE_NAME
        elif choice == _STARTER:
            starter = _starter(fits.data_key(active), active)
            if isinstance(starter, str):
                raise ValueError(starter)
            tree, name = starter.tree, views.DEFAULT_TREE_NAME
        else:
            tree, name = _saved_tree(choice), choice
    except ValueError as error:
        _say("error", str(error), "tree")
        return
    st.session_state.goals_tree = tree
    st.session_state.goals_name = name
    st.session_state.goals_save_name = name
    st.session_state.goals_edit_goal = tree.root.name
    loaded = {_DEFAULT: "the default tree", _STARTER: "the starter tree built from your data"}
    _say("success", f"Loaded {loaded.get(choice, repr(name))}.", "tree")
    _sync_goal_fields()


def _on_save() -> None:
    name = st.session_state.goals_save_name.strip()
    if not name:
        _say("error", "Give the tree a name to save it under.", "tree")
        return
    try:
        session.workspace().save_goals(name, _tree().to_json())
    except ValueError as error:
        _say("error", str(error), "tree")
        return
    st.session_state.goals_name = name
    st.session_state.goals_save_name = name
    _say("success", f"Saved the tree as {name!r} in your workspace.", "tree")


def _on_delete() -> None:
    name = st.session_state.goals_load_choice
    try:
        session.workspace().delete_goals(name)
    except ValueError as error:
        _say("error", str(error), "tree")
        return
    st.session_state.goals_load_choice = _STARTER
    _say("success", f"Deleted the saved tree {name!r} and its fit from your workspace.", "tree")


def _on_rename() -> None:
    new = st.session_state.goals_goal_name
    _apply(views.edit_goal, _selected(), name=new, select=new.strip())


def _on_target() -> None:
    _apply(views.edit_goal, _selected(), target=st.session_state.goals_goal_target)


def _on_model() -> None:
    _apply(views.edit_goal, _selected(), model=st.session_state.goals_goal_model)


def _on_add_input() -> None:
    state = st.session_state
    try:
        expression = views.input_expression(
            state.goals_new_input_column,
            state.goals_new_input_transform,
            state.goals_new_input_days,
        )
    except ValueError as error:
        _say("error", str(error))
        return
    _apply(views.add_input, _selected(), expression, done=f"Added the input {expression}.")


def _on_remove_input() -> None:
    expression = st.session_state.goals_remove_input_choice
    _apply(views.remove_input, _selected(), expression, done=f"Removed {expression}.")


def _on_add_goal() -> None:
    state = st.session_state
    name = state.goals_new_goal_name.strip()
    _apply(
        views.add_goal,
        _selected(),
        name=name,
        target=state.goals_new_goal_target,
        inputs=[state.goals_new_goal_input],
        select=name,
        done=f"Added the sub-goal {name!r}; add more inputs to it below.",
    )


def _on_remove_goal() -> None:
    goal = _selected()
    _apply(views.remove_goal, goal, done=f"Removed the goal {goal!r} and its sub-goals.")


def _on_repair(check: views.TreeCheck) -> None:
    repair = check.repair
    if repair is None:
        return
    st.session_state.goals_tree = repair.tree
    dropped = len(repair.dropped)
    _say(
        "success",
        f"Dropped {dropped} input{'s' * (dropped != 1)} and sub-goal"
        f"{'s' * (dropped != 1)} the data cannot support; the tree can now be fitted.",
        "tree",
    )
    _sync_goal_fields()


def _on_apply_json() -> None:
    try:
        tree = read_tree(st.session_state.goals_json, where="the JSON")
    except ValueError as error:
        _say("error", str(error))
        return
    st.session_state.goals_tree = tree
    _say("success", "Applied the JSON.")
    _sync_goal_fields()


# --- sections -----------------------------------------------------------------------------------
_CHOICE_WORDS = {
    _STARTER: "a starter tree built from your data",
    _DEFAULT: "the default tree (data/goals.json)",
}


def _tree_section(
    active: views.ActiveData, check: views.TreeCheck, shown: fits.KeptFit | None
) -> None:
    """Load, save, the diagram, the check, the problems and the repair."""
    st.header("Your goal tree")
    load, save = st.columns(2)
    with load:
        saved = session.workspace().goal_names()
        options = [_STARTER, _DEFAULT, *saved]
        if st.session_state.get("goals_load_choice") not in options:
            st.session_state.goals_load_choice = _STARTER
        st.selectbox(
            "Start from",
            options,
            format_func=lambda n: _CHOICE_WORDS.get(n, n),
            key="goals_load_choice",
        )
        load_button, delete_button = st.columns(2)
        load_button.button("Load", key="goals_load", on_click=_on_load, args=(active,))
        delete_button.button(
            "Delete saved tree",
            key="goals_delete",
            on_click=_on_delete,
            disabled=st.session_state.goals_load_choice in _CHOICE_WORDS,
            help="Removes the chosen tree and its fit from your workspace (not the starter or "
            "the default tree).",
        )
    with save:
        st.text_input("Save under the name", key="goals_save_name", persist_state="session")
        st.button("Save", key="goals_save", on_click=_on_save)
    _message("tree")

    diagram = shown.fit if shown is not None and _matches(shown) else None
    labels = views.column_labels(_goal_daily(fits.data_key(active), active))
    st.altair_chart(
        views.goal_tree_chart(diagram or _tree(), labels),
        key="goals_tree_chart",
    )
    st.caption(
        "Goals in blue, each predicted from the inputs on its right; a goal's sub-goals model "
        "some of its inputs in turn. After a fit, each line is coloured by the sign of its "
        "weight (green raises the goal, red lowers it) and drawn as thick as the weight is "
        "large."
    )
    if check.blocked or not check.fittable:
        show = st.error
    else:
        show = st.warning if check.problems else st.success
    show(check.headline)
    for problem in check.problems:
        st.markdown(f"- {escape_markdown(problem.message)}")
    _repair(active, check)
    _starter_notes(active)
    st.dataframe(check.table, hide_index=True, key="goals_check_table")


def _repair(active: views.ActiveData, check: views.TreeCheck) -> None:
    """One button that drops what the data cannot support, or why that cannot mend the tree."""
    if check.repair is not None:
        st.button(
            "Drop what the data cannot support",
            key="goals_repair",
            type="primary",
            on_click=_on_repair,
            args=(check,),
            help="Removes, in one step, the inputs and sub-goals listed below; the rest of the "
            "tree stays as it is.",
        )
        for dropped in check.repair.dropped:
            st.caption(escape_markdown(f"Would drop: {dropped.message}"))
    elif check.repair_refused:
        st.info(escape_markdown(check.repair_refused), icon=":material/build:")
        if isinstance(_starter(fits.data_key(active), active), StarterTree):
            st.button(
                "Start from the starter tree built from your data",
                key="goals_use_starter",
                on_click=_use_starter,
                args=(active,),
            )


def _use_starter(active: views.ActiveData) -> None:
    st.session_state.goals_load_choice = _STARTER
    _on_load(active)


def _starter_notes(active: views.ActiveData) -> None:
    """Under the starter tree: how it was built, and what it left out and why."""
    starter = _starter(fits.data_key(active), active)
    if isinstance(starter, str):
        if not views.same_tree(_tree(), _default_tree()):
            return
        st.warning(escape_markdown(f"No starter tree: {starter}"), icon=":material/warning:")
        return
    if not views.same_tree(_tree(), starter.tree):
        return
    st.caption(
        "A starter tree, built from the columns your data hold: the health index on top (or "
        "your main score), what you did the day before, sleep and strain as its inputs, and "
        "sub-goals where your data have them. Edit it below; the README gives the rule."
    )
    for left in starter.left_out:
        st.caption(escape_markdown(f"Left out: {left.message}"))


def _editor(active: views.ActiveData) -> None:
    """Change the selected goal, its inputs and sub-goals, or the whole tree as JSON."""
    tree = _tree()
    daily = _goal_daily(fits.data_key(active), active)
    columns = views.column_choices(daily)
    names = [node.name for node in tree.nodes]
    st.selectbox(
        "Goal", names, key="goals_edit_goal", on_change=_sync_goal_fields, persist_state="session"
    )
    _message("editor")
    node = tree.node(_selected())
    targets = list(columns) + ([node.target] if node.target not in columns else [])

    name, target, model = st.columns(3)
    name.text_input("Name", key="goals_goal_name", on_change=_on_rename)
    target.selectbox(
        "Predicts",
        targets,
        format_func=lambda c: columns.get(c, f"{c} · not in the data"),
        key="goals_goal_target",
        on_change=_on_target,
    )
    model.selectbox(
        "Model",
        list(MODEL_CHOICES),
        format_func=MODEL_CHOICES.__getitem__,
        key="goals_goal_model",
        on_change=_on_model,
    )
    st.dataframe(
        views.input_table(tree, _selected(), daily),
        hide_index=True,
        key="goals_inputs_table",
    )

    add, remove = st.columns(2)
    with add:
        st.markdown("**Add an input**")
        st.selectbox(
            "Column", list(columns), format_func=columns.__getitem__, key="goals_new_input_column"
        )
        how, days = st.columns([2, 1])
        how.selectbox(
            "Taken as",
            list(TRANSFORM_CHOICES),
            format_func=TRANSFORM_CHOICES.__getitem__,
            key="goals_new_input_transform",
        )
        days.number_input(
            "K (days)", min_value=1, max_value=_MAX_DAYS, step=1, key="goals_new_input_days"
        )
        st.button("Add input", key="goals_add_input", on_click=_on_add_input)
    with remove:
        st.markdown("**Remove an input**")
        st.selectbox("Input", node.inputs, key="goals_remove_input_choice")
        st.button("Remove input", key="goals_remove_input", on_click=_on_remove_input)

    sub, drop = st.columns(2)
    with sub:
        st.markdown("**Add a sub-goal** (a model of one of this goal's inputs)")
        st.text_input("Name of the sub-goal", key="goals_new_goal_name")
        st.selectbox("It predicts", list(columns), format_func=columns.__getitem__,
                     key="goals_new_goal_target")  # fmt: skip
        st.selectbox("From (first input)", list(columns), format_func=columns.__getitem__,
                     key="goals_new_goal_input")  # fmt: skip
        st.button("Add sub-goal", key="goals_add_goal", on_click=_on_add_goal)
    with drop:
        st.markdown("**Remove this goal** (and its sub-goals)")
        st.button(
            "Remove goal",
            key="goals_remove_goal",
            on_click=_on_remove_goal,
            disabled=_selected() == names[0],
            help="The top goal cannot be removed; change what it predicts instead.",
        )

    with st.expander("The tree as JSON"):
        st.caption(
            "Every setting of every goal, including the penalty `l2` and `controllable` "
            "overrides (see data/goals.json)."
        )
        st.text_area("JSON", key="goals_json", height=300)
        st.button("Apply JSON", key="goals_apply_json", on_click=_on_apply_json)


def _fit_section(active: views.ActiveData, check: views.TreeCheck) -> None:
    """The Fit button with its progress bar."""
    st.header("Fit")
    st.caption(
        "Each goal is fitted by our gradient ascent on the days where it and all its inputs have "
        "a value. Intervals come from refitting on block-bootstrap resamples of the calendar "
        "(the more resamples, the steadier the intervals, the longer it takes)."
    )
    resamples, _ = st.columns([1, 2])
    resamples.number_input(
        "Bootstrap resamples",
        min_value=0,
        max_value=2000,
        step=50,
        key="goals_n_boot",
        on_change=lambda: st.session_state.update(fit_n_boot=st.session_state.goals_n_boot),
    )
    if active.is_sample:
        st.caption(
            "Fits of the sample person are kept for this visit only and never saved in your "
            "workspace."
        )
    else:
        st.caption("A fit is saved in your workspace with its tree, under the tree's name.")
    if not check.can_fit:
        st.caption(
            "Fit is offered once the top goal can be fitted: mend the tree above (or start from "
            "the starter tree built from your data)."
        )
    if st.button("Fit", key="goals_fit", type="primary", disabled=not check.can_fit):
        name = st.session_state.goals_save_name.strip() or views.DEFAULT_TREE_NAME
        st.session_state.goals_name = name
        if fits.run(active, name, _tree()) is not None:
            where = "for this visit only" if active.is_sample else f"in your workspace as {name!r}"
            _say("success", f"Fitted; the fit is kept {where}.", "fit")
            st.rerun()
    _message("fit")


def _matches(kept: fits.KeptFit) -> bool:
    return views.fit_matches(kept.fit, _tree())


def _results(kept: fits.KeptFit | None) -> None:
    """Each fitted goal: its score beside the mean's, weights, climb and predictions."""
    st.header("Results")
    if kept is None:
        st.info("Not fitted yet: press Fit above to fit this tree.", icon=":material/info:")
        return
    fit = kept.fit
    if not _matches(kept):
        st.warning(
            "These results are of the tree as it was when last fitted, not as it is now: press "
            "Fit to fit the edited tree.",
            icon=":material/history:",
        )
    fits.say_if_stale(kept)
    st.caption(views.fit_headline(fit))
    for problem in fit.problems:
        st.warning(escape_markdown(f"Not fitted: {problem.message}"), icon=":material/block:")
    tabs = st.tabs([escape_markdown(name) for name in fit.fits])
    for position, (tab, node_fit) in enumerate(zip(tabs, fit.fits.values(), strict=True)):
        with tab:
            _goal_results(fit, node_fit, position)


def _goal_results(fit: TreeFit, node_fit: NodeFit, position: int) -> None:
    """One goal's results; ``position`` (its tab's) keeps its widgets' keys apart."""
    label = fit.variables.get(node_fit.target, {}).get("label", node_fit.target)
    score = views.score_summary(node_fit, label)
    st.subheader(escape_markdown(f"{node_fit.name} — predicts {label}"))
    st.caption(escape_markdown(f"{node_fit.model} model, fitted on {node_fit.n_rows:,} days"))
    model_score, baseline_score, _ = st.columns([1, 1, 2])
    if score.model is not None:
        better = "higher" if score.name == "r²" else "lower"
        model_score.metric(
            f"Model, {score.name} ({better} is better)",
            views.score_text(score.model),
            help=views.SCORE_HELP[score.name],
        )
        baseline_score.metric(
            f"Predicting the mean, {score.name}",
            views.score_text(score.baseline),
            help=views.SCORE_HELP[score.name],
        )
    show = st.success if score.beats else st.warning
    show(escape_markdown(score.sentence))
    for note in node_fit.notes:
        st.warning(escape_markdown(note), icon=":material/warning:")
    for sentence in views.left_out_sentences(node_fit, fit):
        st.warning(escape_markdown(sentence), icon=":material/join:")

    st.altair_chart(
        views.weights_chart(views.labelled_weights(node_fit, fit)), key=f"goals_weights_{position}"
    )
    st.caption(
        "How much the goal's prediction moves when an input is one standard deviation (SD) "
        f"higher — comparable across inputs — with its 95 % interval. {views.SD_HELP} Per unit: "
        "the same per unit of the input (for a yes/no input, all days yes instead of none). An "
        "interval that crosses 0 means the data cannot tell the direction."
    )
    with st.expander("The weights as a table, with each input's expression"):
        st.dataframe(
            views.weights_display(node_fit, fit),
            hide_index=True,
            key=f"goals_weights_table_{position}",
        )
    climb, predictions = st.columns(2, gap="large")
    with climb:
        st.altair_chart(views.climb_chart(node_fit.history_table()), key=f"goals_climb_{position}")
        st.caption(
            "The climb: the objective (fit to the data, minus the penalty) after each step of "
            "our gradient ascent. It rises, then levels off at the best weights; a linear goal "
            "gets there in a step or two because each step uses the curvature."
        )
    with predictions:
        st.altair_chart(
            views.predicted_actual_chart(node_fit.predictions_table()),
            key=f"goals_predictions_{position}",
        )
        st.caption(
            "Each dot is a day: the model's prediction against what happened. "
            f"{views.WALK_FORWARD_HELP} The closer to the dashed diagonal, the better."
        )


# --- the page -----------------------------------------------------------------------------------
fits.init()
st.title("Goals")
st.caption(
    "Your goals as a tree of small models, each trained by our own gradient ascent: what "
    "predicts your top goal, what predicts those predictors, and how sure we can be."
)
active = session.active_data()
session.sample_banner(active)
if "goals_tree" not in st.session_state:
    st.session_state.goals_tree, st.session_state.goals_name = _first_tree(active)
session.init_state(goals_name=views.DEFAULT_TREE_NAME, goals_message=None)
session.init_state(
    goals_save_name=st.session_state.goals_name,
    goals_n_boot=st.session_state.fit_n_boot,
    goals_new_input_days=1,
)
if "goals_goal_name" not in st.session_state:
    _sync_goal_fields()

check = _check(tree_text(_tree()), fits.data_key(active), _tree(), active)
_tree_section(active, check, fits.find(active, st.session_state.goals_name))
with st.expander(
    "Edit the tree: goals, inputs and models", key="goals_editor", icon=":material/edit:"
):
    _editor(active)
_fit_section(active, check)
_results(fits.find(active, st.session_state.goals_name))
