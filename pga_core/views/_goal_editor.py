"""Editing a goal tree, and checking it against the data.

The Goals page keeps the tree being edited as a :class:`~pga_core.goals.GoalTree` and changes it
only through the functions here: add or remove a goal or an input, rename a goal, change what it
predicts or its model. Each returns a new tree (the goals the edit does not touch are shared with
the old one, which is never changed), or raises a ``ValueError`` that names the goal and says
what to do instead. The tree's JSON is read and written at the page's edge
(:func:`pga_core.goals.read_tree`, :func:`pga_core.goals.tree_text`). Whether the data can
support each goal is a separate question, answered by :func:`check_tree`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from pga_core.data import DailyData, parse_feature
from pga_core.goals import (
    DEFAULT_GOALS_FILE,
    GoalNode,
    GoalTree,
    Problem,
    Repair,
    input_words,
    repair_tree,
)

__all__ = [
    "AUTOMATIC",
    "DEFAULT_TREE_NAME",
    "MODEL_CHOICES",
    "TRANSFORM_CHOICES",
    "TreeCheck",
    "add_goal",
    "add_input",
    "check_tree",
    "column_choices",
    "column_labels",
    "describe_input",
    "edit_goal",
    "input_expression",
    "input_table",
    "remove_goal",
    "remove_input",
    "same_tree",
    "tree_outline",
]

#: The default tree's name in the workspace: its file's stem, as ``python -m pga_core fit
#: --goals data/goals.json`` names it.
DEFAULT_TREE_NAME = DEFAULT_GOALS_FILE.stem
#: How an input can be taken from its column: transform → what a person reads.
TRANSFORM_CHOICES: dict[str, str] = {
    "": "the day's value",
    "lag": "K days earlier (@lagK)",
    "mean": "mean of the K days up to the day (@meanK)",
    "sum": "total of the K days up to the day (@sumK)",
}
#: The models a goal can use; ``automatic`` leaves the choice to the target's kind.
AUTOMATIC = "automatic"
MODEL_CHOICES: dict[str, str] = {
    AUTOMATIC: "automatic (linear; logistic for a yes/no goal)",
    "linear": "linear",
    "logistic": "logistic (yes/no goals)",
    "perceptron": "perceptron (one hidden layer)",
}
_KIND_ORDER = {"behaviour": 0, "habit": 1, "metric": 2}
_KIND_WORDS = {"behaviour": "yes/no", "habit": "habit", "metric": "measured"}


# --- finding and replacing a goal ---------------------------------------------------------------
def _replaced(tree: GoalTree, old: GoalNode, new: GoalNode) -> GoalTree:
    """The tree with its goal ``old`` replaced by ``new``, the goals above it rebuilt."""
    while (parent := tree.parent_of(old)) is not None:
        children = tuple(new if child is old else child for child in parent.children)
        old, new = parent, replace(parent, children=children)
    return GoalTree(new)


def _columns_of(node: GoalNode) -> list[str]:
    """The columns a goal's inputs are taken from (malformed expressions left out)."""
    columns = []
    for expression in node.inputs:
        try:
            columns.append(parse_feature(expression).name)
        except ValueError:
            continue
    return columns


def _names(tree: GoalTree) -> list[str]:
    return [node.name for node in tree.nodes]


def _owner(tree: GoalTree, target: str) -> GoalNode | None:
    """The goal that predicts ``target``, if any."""
    return next((node for node in tree.nodes if node.target == target), None)


def _column_name(goal: str, target: str) -> str:
    """``target`` as a goal's target: a column name without a transform (ValueError if not)."""
    if not target or "@" in target:
        raise ValueError(f"goal {goal!r}: a goal predicts a column (no @transform), got {target!r}")
    return target


# --- edits --------------------------------------------------------------------------------------
def input_expression(column: str, transform: str = "", days: int = 1) -> str:
    """The feature expression for a column taken as is, or ``@lag``, ``@mean`` or ``@sum`` K days.

    Raises
    ------
    ValueError
        An unknown transform, or K below 1 (the message names the expression).
    """
    if transform not in TRANSFORM_CHOICES:
        raise ValueError(
            f"input {column!r}: unknown transform {transform!r}; expected one of "
            f"{', '.join(t or 'none' for t in TRANSFORM_CHOICES)}"
        )
    expression = f"{column}@{transform}{int(days)}" if transform else column
    return parse_feature(expression).expression


def add_input(tree: GoalTree, goal: str, expression: str) -> GoalTree:
    """The tree with ``expression`` added to the inputs of ``goal``.

    Raises
    ------
    ValueError
        No such goal, a malformed expression, or the goal already has that input.
    """
    node = tree.node(goal)
    feature = parse_feature(expression)
    if feature.expression in node.inputs:
        raise ValueError(f"goal {goal!r} already has the input {feature.expression}")
    if feature.name == node.target:
        raise ValueError(
            f"goal {goal!r} predicts {feature.name}; it cannot also be one of its inputs"
        )
    return _replaced(tree, node, replace(node, inputs=(*node.inputs, feature.expression)))


def remove_input(tree: GoalTree, goal: str, expression: str) -> GoalTree:
    """The tree without the input ``expression`` of ``goal``.

    Raises
    ------
    ValueError
        No such goal or input, the goal's last input (remove the goal instead), or the last
        input that a sub-goal models (remove the sub-goal first).
    """
    node = tree.node(goal)
    if expression not in node.inputs:
        raise ValueError(
            f"goal {goal!r} has no input {expression!r} (inputs: {', '.join(node.inputs)})"
        )
    if len(node.inputs) == 1:
        raise ValueError(
            f"{expression} is the only input of goal {goal!r}; a goal needs at least one input "
            "(remove the goal instead)"
        )
    edited = replace(node, inputs=tuple(i for i in node.inputs if i != expression))
    column = parse_feature(expression).name
    child = node.child_for(column)
    if child is not None and column not in _columns_of(edited):
        raise ValueError(
            f"{expression} is modelled by the sub-goal {child.name!r}; remove that sub-goal first"
        )
    return _replaced(tree, node, edited)


def add_goal(
    tree: GoalTree,
    parent: str,
    *,
    name: str,
    target: str,
    inputs: Sequence[str],
) -> GoalTree:
    """The tree with a new sub-goal of ``parent`` that predicts ``target`` from ``inputs``.

    A sub-goal models one of its parent's inputs: when no input of ``parent`` is taken from
    ``target`` yet, ``target`` itself (the day's value) is added to the parent's inputs.

    Raises
    ------
    ValueError
        No such parent, an empty or taken name, a target another goal already predicts (or that
        is not a column name), no inputs or an input listed twice.
    """
    node = tree.node(parent)
    name, target = name.strip(), target.strip()
    if not name:
        raise ValueError("a new goal needs a name")
    if name in _names(tree):
        raise ValueError(f"there is already a goal called {name!r}; choose another name")
    owner = _owner(tree, target)
    if owner is not None:
        raise ValueError(
            f"goal {owner.name!r} already predicts {target}; two goals cannot predict the "
            "same column"
        )
    if not inputs:
        raise ValueError(f"goal {name!r} needs at least one input")
    expressions = tuple(parse_feature(i).expression for i in inputs)
    twice = next((e for e in expressions if expressions.count(e) > 1), None)
    if twice is not None:
        raise ValueError(f"goal {name!r}: the input {twice!r} is listed twice; keep one of them")
    child = GoalNode(name=name, target=_column_name(name, target), inputs=expressions)
    own = node.inputs if target in _columns_of(node) else (*node.inputs, target)
    return _replaced(tree, node, replace(node, inputs=own, children=(*node.children, child)))


def remove_goal(tree: GoalTree, goal: str) -> GoalTree:
    """The tree without ``goal`` and its sub-goals; its parent keeps the input it modelled
    (now a plain input).

    Raises
    ------
    ValueError
        No such goal, or the top goal (load another tree or change what it predicts instead).
    """
    node = tree.node(goal)
    parent = tree.parent_of(node)
    if parent is None:
        raise ValueError(
            f"{goal!r} is the top goal and cannot be removed; change what it predicts, or load "
            "another tree"
        )
    children = tuple(child for child in parent.children if child is not node)
    return _replaced(tree, parent, replace(parent, children=children))


def edit_goal(
    tree: GoalTree,
    goal: str,
    *,
    name: str | None = None,
    target: str | None = None,
    model: str | None = None,
) -> GoalTree:
    """The tree with ``goal`` renamed, predicting another column, or with another model.

    Parameters
    ----------
    tree : the tree.
    goal : the goal's current name.
    name : its new name (None: unchanged).
    target : the column it now predicts (None: unchanged). For a sub-goal, the new column is
        added to its parent's inputs unless one of them is taken from it already.
    model : one of :data:`pga_core.goals.MODELS`, ``automatic`` (logistic for a yes/no target,
        linear otherwise), or None for unchanged.

    Raises
    ------
    ValueError
        No such goal, an empty or taken name, a target another goal predicts, that is one of the
        goal's own inputs or that is not a column name, or an unknown model.
    """
    node = tree.node(goal)
    edited = node
    if name is not None:
        name = name.strip()
        if not name:
            raise ValueError(f"goal {goal!r}: a goal needs a name")
        if name != goal and name in _names(tree):
            raise ValueError(f"there is already a goal called {name!r}; choose another name")
        edited = replace(edited, name=name)
    if target is not None and target.strip() != node.target:
        target = target.strip()
        owner = _owner(tree, target)
        if owner is not None:
            raise ValueError(
                f"goal {owner.name!r} already predicts {target}; two goals cannot predict "
                "the same column"
            )
        if target in _columns_of(node):
            raise ValueError(
                f"goal {edited.name!r} has {target} among its inputs; it cannot also predict it "
                "(remove the input first)"
            )
        edited = replace(edited, target=_column_name(edited.name, target))
    if model is not None:
        if model not in MODEL_CHOICES:
            raise ValueError(
                f"goal {goal!r}: the model must be one of {', '.join(MODEL_CHOICES)}, got {model!r}"
            )
        edited = replace(edited, model=None if model == AUTOMATIC else model)
    parent = tree.parent_of(node)
    if edited.target == node.target or parent is None or edited.target in _columns_of(parent):
        return _replaced(tree, node, edited)
    children = tuple(edited if child is node else child for child in parent.children)
    moved = replace(parent, inputs=(*parent.inputs, edited.target), children=children)
    return _replaced(tree, parent, moved)


def column_labels(daily: DailyData) -> dict[str, str]:
    """Column → label, to name inputs in words (:func:`pga_core.goals.input_words`)."""
    return {name: variable.label for name, variable in daily.registry.items()}


def same_tree(first: GoalTree, second: GoalTree) -> bool:
    """Whether two trees are the same as written (their JSON is equal)."""
    return first.to_json() == second.to_json()


# --- columns and inputs in words ------------------------------------------------------------------
def column_choices(daily: DailyData) -> dict[str, str]:
    """Column → how a person recognises it (``Have any alcoholic drinks? · yes/no``), for
    choosing an input or a target: yes/no behaviours first, then habits, then measurements,
    each by label."""
    variables = sorted(
        daily.registry.values(), key=lambda v: (_KIND_ORDER.get(v.kind, 3), v.label.lower())
    )
    return {v.name: _column_words(v.name, v.label, v.kind) for v in variables}


def _column_words(name: str, label: str, kind: str) -> str:
    shown = label if label == name else f"{label} ({name})"
    return f"{shown} · {_KIND_WORDS.get(kind, kind)}"


def describe_input(expression: str, daily: DailyData) -> str:
    """An input in words: ``Have any alcoholic drinks? — the day before``, ``Time in HR zone 5
    (min) — total of the 28 days up to the day``. Unknown columns are named as written."""
    feature = parse_feature(expression)
    variable = daily.registry.get(feature.name)
    label = variable.label if variable is not None else feature.name
    unit = f" ({variable.unit})" if variable is not None and variable.unit else ""
    k = feature.k
    when = {
        "": "the day's value",
        "lag": "the day before" if k == 1 else f"{k} days earlier",
        "mean": f"mean of the {k} days up to the day",
        "sum": f"total of the {k} days up to the day",
    }[feature.transform]
    return f"{label}{unit} — {when}"


def tree_outline(tree: GoalTree, daily: DailyData) -> list[str]:
    """The tree in words, one line per goal and input, indented by level::

    Overall health — predicts Health index
      ← Have any alcoholic drinks? (the day before)   [have_any_alcoholic_drinks@lag1]
      ← Day strain (the day before)   [day_strain@lag1], modelled by:
        Day strain — predicts Day strain
          ← Time in HR zone 1   [zone1_min]
    """
    labels = {n: v.label for n, v in tree.data_for(daily).registry.items()}
    lines: list[str] = []
    shown: set[str] = set()

    def outline(node: GoalNode, depth: int) -> None:
        indent = "  " * depth
        shown.add(node.name)
        lines.append(f"{indent}{node.name} — predicts {labels.get(node.target, node.target)}")
        for expression in node.inputs:
            try:
                words, column = input_words(expression, labels), parse_feature(expression).name
            except ValueError:
                words, column = expression, ""
            child = node.child_for(column)
            if child is None:
                lines.append(f"{indent}  ← {words}   [{expression}]")
            elif child.name in shown:  # a sub-goal that models several inputs, shown once
                lines.append(f"{indent}  ← {words}   [{expression}], modelled by {child.name!r}")
            else:
                lines.append(f"{indent}  ← {words}   [{expression}], modelled by:")
                outline(child, depth + 2)

    outline(tree.root, 0)
    return lines


def input_table(tree: GoalTree, goal: str, daily: DailyData) -> pd.DataFrame:
    """One row per input of ``goal``: ``Input`` (the expression), ``Meaning`` (in words),
    ``Modelled by`` (the sub-goal that predicts it, or empty)."""
    node = tree.node(goal)
    children = {c.target: c.name for c in node.children}
    rows = []
    for expression in node.inputs:
        try:
            meaning = describe_input(expression, daily)
            column = parse_feature(expression).name
        except ValueError as error:
            meaning, column = str(error), ""
        rows.append({"Input": expression, "Meaning": meaning,
                     "Modelled by": children.get(column, "")})  # fmt: skip
    return pd.DataFrame(rows, columns=["Input", "Meaning", "Modelled by"])


# --- can the data support it? -------------------------------------------------------------------
@dataclass(frozen=True)
class TreeCheck:
    """What the data can fit of a goal tree, and how to mend what they cannot.

    Attributes
    ----------
    problems : every problem found (:meth:`GoalTree.validate`), the tree's own first.
    table : one row per goal: ``Goal``, ``What it predicts`` (the column's label), ``Predicts``
        (the column), ``Model``, ``Inputs`` (how many), ``Sub-goals`` (how many), ``Can be
        fitted`` (``yes`` or ``no``).
    repair : the tree without what the data cannot support
        (:func:`pga_core.goals.repair_tree`), when something can be dropped to mend it; None
        when nothing needs to go or the tree cannot be mended that way.
    repair_refused : why dropping inputs cannot mend the tree (empty when it can, or need not).
    """

    problems: tuple[Problem, ...]
    table: pd.DataFrame
    repair: Repair | None = None
    repair_refused: str = ""

    @property
    def blocked(self) -> bool:
        """Whether the tree itself must be mended before any goal is fitted."""
        return any(p.blocks_tree for p in self.problems)

    @property
    def fittable(self) -> tuple[str, ...]:
        """The goals that can be fitted (none while the tree is blocked)."""
        return tuple(self.table.loc[self.table["Can be fitted"] == "yes", "Goal"])

    @property
    def can_fit(self) -> bool:
        """Whether the tree can be fitted: its top goal can (the others are fitted if they can)."""
        return bool(len(self.table)) and self.table["Can be fitted"].iloc[0] == "yes"

    @property
    def headline(self) -> str:
        """One plain sentence: how many goals can be fitted."""
        total, can = len(self.table), len(self.fittable)
        if self.blocked:
            return "The tree must be mended before any goal can be fitted:"
        if can == total:
            return f"All {total} goals can be fitted." if total > 1 else "The goal can be fitted."
        if can == 0:
            return "No goal can be fitted on these data:"
        if not self.can_fit:
            return (
                "The top goal cannot be fitted on these data, so the tree cannot be fitted "
                "(it would have no levers):"
            )
        return (
            f"{can} of {total} goals can be fitted; the others cannot, and the ones that can "
            "are fitted without them:"
        )


def check_tree(tree: GoalTree, daily: DailyData) -> TreeCheck:
    """Which goals of ``tree`` the data can fit, why the others cannot, and the repaired tree
    when dropping what the data lack would mend it."""
    problems = tuple(tree.validate(daily))
    blocked = any(p.blocks_tree for p in problems)
    stuck = {p.node for p in problems}
    registry = tree.data_for(daily).registry
    rows = [
        {
            "Goal": node.name,
            "What it predicts": registry[node.target].label if node.target in registry else "",
            "Predicts": node.target,
            "Model": node.model or AUTOMATIC,
            "Inputs": len(node.inputs),
            "Sub-goals": len(node.children),
            "Can be fitted": "no" if blocked or node.name in stuck else "yes",
        }
        for node in tree.nodes
    ]
    repair, refused = None, ""
    if problems and not blocked:
        try:
            repair = repair_tree(tree, daily)
        except ValueError as error:
            refused = str(error)
        else:
            repair = repair if repair.changed else None
    return TreeCheck(
        problems=problems, table=pd.DataFrame(rows), repair=repair, repair_refused=refused
    )
