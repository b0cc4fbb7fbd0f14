"""Editing a goal tree as its JSON document, and checking it against the data.

The Goals page keeps the tree being edited as its JSON document (the form of
:mod:`pga_core.goals`) and changes it only through the functions here: add or remove a goal or
an input, rename a goal, change what it predicts or its model. Each returns a new document, valid
as a tree (:meth:`GoalTree.from_json` accepts it), or raises a ``ValueError`` that names the goal
and says what to do instead; the document handed in is never changed. Whether the data can
support each goal is a separate question, answered by :func:`check_tree`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pga_core.data import DailyData, parse_feature
from pga_core.goals import GoalTree, Problem

__all__ = [
    "AUTOMATIC",
    "DEFAULT_GOALS_FILE",
    "DEFAULT_TREE_NAME",
    "MODEL_CHOICES",
    "TRANSFORM_CHOICES",
    "TreeCheck",
    "add_goal",
    "add_input",
    "check_tree",
    "column_choices",
    "default_document",
    "describe_input",
    "document_text",
    "edit_goal",
    "goal_names",
    "goal_node",
    "input_expression",
    "input_table",
    "read_document",
    "remove_goal",
    "remove_input",
]

#: The tree every person starts from.
DEFAULT_GOALS_FILE = Path(__file__).resolve().parents[2] / "data" / "goals.json"
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


# --- the document -------------------------------------------------------------------------------
def default_document(path: str | Path = DEFAULT_GOALS_FILE) -> dict[str, Any]:
    """The default goal tree (``data/goals.json``) as a document.

    Raises
    ------
    ValueError
        The file is missing or not a goal tree (naming the file).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{file}: the default goal tree cannot be read ({error})") from error
    return read_document(text, where=str(file))


def read_document(text: str, where: str = "goal tree") -> dict[str, Any]:
    """A goal tree's document from JSON text, checked and in its normal form.

    Parameters
    ----------
    text : the JSON text (one object: the top goal).
    where : what the text is, for messages (a file name, ``goal tree``).

    Raises
    ------
    ValueError
        Not JSON (naming the line and column) or not a goal tree (naming the goal and field).
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{where}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    try:
        return _normal(document)
    except ValueError as error:
        raise ValueError(f"{where}: {error}" if where != "goal tree" else str(error)) from error


def _normal(document: Any) -> dict[str, Any]:
    """The document as :meth:`GoalTree.to_json` writes it (ValueError if it is not a tree)."""
    return GoalTree.from_json(document).to_json()


def document_text(document: dict[str, Any]) -> str:
    """The document as indented JSON text (what :func:`read_document` reads back)."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def goal_node(document: dict[str, Any], goal: str) -> dict[str, Any]:
    """A copy of the goal's own object (with its sub-goals); ValueError naming the goals if
    there is no such goal."""
    return copy.deepcopy(_find(document, goal)[0])


def goal_names(document: dict[str, Any]) -> list[str]:
    """Every goal's name, the top goal first (depth first, in order)."""
    return [node["name"] for node, _ in _walk(document)]


def _walk(
    node: dict[str, Any], parent: dict[str, Any] | None = None
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(node, parent) pairs, depth first."""
    pairs = [(node, parent)]
    for child in node.get("children", []):
        pairs.extend(_walk(child, node))
    return pairs


def _find(document: dict[str, Any], goal: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The goal called ``goal`` and its parent (None for the top goal), inside ``document``."""
    for node, parent in _walk(document):
        if node["name"] == goal:
            return node, parent
    names = ", ".join(goal_names(document))
    raise ValueError(f"no goal named {goal!r} in the tree (goals: {names})")


def _columns_of(node: dict[str, Any]) -> list[str]:
    """The columns a goal's inputs are taken from (malformed expressions left out)."""
    columns = []
    for expression in node["inputs"]:
        try:
            columns.append(parse_feature(expression).name)
        except ValueError:
            continue
    return columns


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


def add_input(document: dict[str, Any], goal: str, expression: str) -> dict[str, Any]:
    """The document with ``expression`` added to the inputs of ``goal``.

    Raises
    ------
    ValueError
        No such goal, a malformed expression, or the goal already has that input.
    """
    edited = copy.deepcopy(document)
    node, _ = _find(edited, goal)
    feature = parse_feature(expression)
    if feature.expression in node["inputs"]:
        raise ValueError(f"goal {goal!r} already has the input {feature.expression}")
    if feature.name == node["target"]:
        raise ValueError(
            f"goal {goal!r} predicts {feature.name}; it cannot also be one of its inputs"
        )
    node["inputs"].append(feature.expression)
    return _normal(edited)


def remove_input(document: dict[str, Any], goal: str, expression: str) -> dict[str, Any]:
    """The document without the input ``expression`` of ``goal``.

    Raises
    ------
    ValueError
        No such goal or input, the goal's last input (remove the goal instead), or the last
        input that a sub-goal models (remove the sub-goal first).
    """
    edited = copy.deepcopy(document)
    node, _ = _find(edited, goal)
    if expression not in node["inputs"]:
        raise ValueError(
            f"goal {goal!r} has no input {expression!r} (inputs: {', '.join(node['inputs'])})"
        )
    if len(node["inputs"]) == 1:
        raise ValueError(
            f"{expression} is the only input of goal {goal!r}; a goal needs at least one input "
            "(remove the goal instead)"
        )
    node["inputs"].remove(expression)
    column = parse_feature(expression).name
    child = next((c for c in node.get("children", []) if c["target"] == column), None)
    if child is not None and column not in _columns_of(node):
        raise ValueError(
            f"{expression} is modelled by the sub-goal {child['name']!r}; remove that sub-goal "
            "first"
        )
    return _normal(edited)


def add_goal(
    document: dict[str, Any],
    parent: str,
    *,
    name: str,
    target: str,
    inputs: Sequence[str],
) -> dict[str, Any]:
    """The document with a new sub-goal of ``parent`` that predicts ``target`` from ``inputs``.

    A sub-goal models one of its parent's inputs: when no input of ``parent`` is taken from
    ``target`` yet, ``target`` itself (the day's value) is added to the parent's inputs.

    Raises
    ------
    ValueError
        No such parent, an empty or taken name, a target another goal already predicts (or that
        is an input of the new goal), or no inputs.
    """
    edited = copy.deepcopy(document)
    node, _ = _find(edited, parent)
    name, target = name.strip(), target.strip()
    if not name:
        raise ValueError("a new goal needs a name")
    if name in goal_names(edited):
        raise ValueError(f"there is already a goal called {name!r}; choose another name")
    owner = next((n for n, _ in _walk(edited) if n["target"] == target), None)
    if owner is not None:
        raise ValueError(
            f"goal {owner['name']!r} already predicts {target}; two goals cannot predict the "
            "same column"
        )
    if not inputs:
        raise ValueError(f"goal {name!r} needs at least one input")
    if target not in _columns_of(node):
        node["inputs"].append(target)
    node.setdefault("children", []).append(
        {"name": name, "target": target, "inputs": [parse_feature(i).expression for i in inputs]}
    )
    return _normal(edited)


def remove_goal(document: dict[str, Any], goal: str) -> dict[str, Any]:
    """The document without ``goal`` and its sub-goals; its parent keeps the input it modelled
    (now a plain input).

    Raises
    ------
    ValueError
        No such goal, or the top goal (load another tree or change what it predicts instead).
    """
    edited = copy.deepcopy(document)
    node, parent = _find(edited, goal)
    if parent is None:
        raise ValueError(
            f"{goal!r} is the top goal and cannot be removed; change what it predicts, or load "
            "another tree"
        )
    parent["children"] = [c for c in parent["children"] if c is not node]
    if not parent["children"]:
        del parent["children"]
    return _normal(edited)


def edit_goal(
    document: dict[str, Any],
    goal: str,
    *,
    name: str | None = None,
    target: str | None = None,
    model: str | None = None,
) -> dict[str, Any]:
    """The document with ``goal`` renamed, predicting another column, or with another model.

    Parameters
    ----------
    document : the tree's document.
    goal : the goal's current name.
    name : its new name (None: unchanged).
    target : the column it now predicts (None: unchanged). For a sub-goal, the new column is
        added to its parent's inputs unless one of them is taken from it already.
    model : one of :data:`pga_core.goals.MODELS`, ``automatic`` (logistic for a yes/no target,
        linear otherwise), or None for unchanged.

    Raises
    ------
    ValueError
        No such goal, an empty or taken name, a target another goal predicts or that is one of
        the goal's own inputs, or an unknown model.
    """
    edited = copy.deepcopy(document)
    node, parent = _find(edited, goal)
    if name is not None:
        name = name.strip()
        if not name:
            raise ValueError(f"goal {goal!r}: a goal needs a name")
        if name != goal and name in goal_names(edited):
            raise ValueError(f"there is already a goal called {name!r}; choose another name")
        node["name"] = name
    if target is not None and target.strip() != node["target"]:
        target = target.strip()
        owner = next((n for n, _ in _walk(edited) if n["target"] == target), None)
        if owner is not None:
            raise ValueError(
                f"goal {owner['name']!r} already predicts {target}; two goals cannot predict "
                "the same column"
            )
        if target in _columns_of(node):
            raise ValueError(
                f"goal {node['name']!r} has {target} among its inputs; it cannot also predict it "
                "(remove the input first)"
            )
        node["target"] = target
        if parent is not None and target not in _columns_of(parent):
            parent["inputs"].append(target)
    if model is not None:
        if model not in MODEL_CHOICES:
            raise ValueError(
                f"goal {goal!r}: the model must be one of {', '.join(MODEL_CHOICES)}, got {model!r}"
            )
        if model == AUTOMATIC:
            node.pop("model", None)
        else:
            node["model"] = model
    return _normal(edited)


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


def input_table(document: dict[str, Any], goal: str, daily: DailyData) -> pd.DataFrame:
    """One row per input of ``goal``: ``Input`` (the expression), ``Meaning`` (in words),
    ``Modelled by`` (the sub-goal that predicts it, or empty)."""
    node, _ = _find(document, goal)
    children = {c["target"]: c["name"] for c in node.get("children", [])}
    rows = []
    for expression in node["inputs"]:
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
    """What the data can fit of a goal tree.

    Attributes
    ----------
    problems : every problem found (:meth:`GoalTree.validate`), the tree's own first.
    table : one row per goal: ``Goal``, ``Predicts``, ``Model``, ``Inputs`` (how many),
        ``Sub-goals`` (how many), ``Can be fitted`` (``yes`` or ``no``).
    """

    problems: tuple[Problem, ...]
    table: pd.DataFrame

    @property
    def blocked(self) -> bool:
        """Whether the tree itself must be mended before any goal is fitted."""
        return any(p.blocks_tree for p in self.problems)

    @property
    def fittable(self) -> tuple[str, ...]:
        """The goals that can be fitted (none while the tree is blocked)."""
        return tuple(self.table.loc[self.table["Can be fitted"] == "yes", "Goal"])

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
        return (
            f"{can} of {total} goals can be fitted; the others cannot, and the ones that can "
            "are fitted without them:"
        )


def check_tree(document: dict[str, Any], daily: DailyData) -> TreeCheck:
    """Which goals of the tree ``document`` the data can fit, and why the others cannot.

    Raises
    ------
    ValueError
        ``document`` is not a goal tree (naming the goal and field).
    """
    tree = GoalTree.from_json(document)
    problems = tuple(tree.validate(daily))
    blocked = any(p.blocks_tree for p in problems)
    stuck = {p.node for p in problems}
    rows = [
        {
            "Goal": node.name,
            "Predicts": node.target,
            "Model": node.model or AUTOMATIC,
            "Inputs": len(node.inputs),
            "Sub-goals": len(node.children),
            "Can be fitted": "no" if blocked or node.name in stuck else "yes",
        }
        for node in tree.nodes
    ]
    return TreeCheck(problems=problems, table=pd.DataFrame(rows))
