"""Goal trees: nested goal models as written, checked against the data, and fitted.

A goal tree is a small model of what moves a person's top goal. Each node predicts one daily
variable (its *target*) from feature expressions (its *inputs*, see :mod:`pga_core.data`);
a node's children model some of its inputs in turn::

    Overall health (recovery_score) ← asleep_min, day_strain@lag1, …, vo2_max@mean7
        VO₂ max (vo2_max) ← zone5_min@sum28, resting_hr, body_fat_pct@mean28
            Zone-5 time (zone5_min) ← hydration_l, carbs_g, lactate_threshold_test

Every node is fitted on its own, on the days where its target and all its inputs have a value
(one fitted node is a :class:`NodeFit`); the bootstrap resampling is one draw of calendar days
shared by every node. The fitted tree mirrors the tree as written: a :class:`FittedGoal` holds
its goal, its fit (None when the data cannot support it) and its sub-goals, fitted in turn, and
:meth:`FittedGoal.walk` is the one walk through them. The chain rule and the what-if panel's
propagation recurse through the same fitted goals (:mod:`pga_core.goals`' ``leverage`` and
``what_if``).

The JSON form of a tree is one object per node::

    {"name": "VO₂ max", "target": "vo2_max", "inputs": ["zone5_min@sum28", "resting_hr"],
     "model": "linear", "l2": 0.001, "controllable": {"resting_hr": false}, "children": [...]}

``model`` is ``linear`` (default), ``logistic`` (default when the target is a yes/no behaviour)
or ``perceptron``; ``l2``, ``controllable`` and ``children`` are optional. :func:`read_tree`
reads it from text, :func:`tree_text` writes it, and :func:`default_tree` is the tree every person
starts from (``data/goals.json``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Feature, feature_frame, parse_feature
from pga_core.data.readers import Progress
from pga_core.engine import block_bootstrap_counts
from pga_core.goals._fit import NodeFit, fit_node, json_number
from pga_core.goals._health import HEALTH_INDEX, with_health_index

__all__ = [
    "DEFAULT_GOALS_FILE",
    "MODELS",
    "FittedGoal",
    "GoalNode",
    "GoalTree",
    "Problem",
    "TreeFit",
    "default_tree",
    "fit_tree",
    "read_tree",
    "tree_text",
]

#: The tree every person starts from.
DEFAULT_GOALS_FILE = Path(__file__).resolve().parents[2] / "data" / "goals.json"
#: The models a node can use.
MODELS: tuple[str, ...] = ("linear", "logistic", "perceptron")
#: A node needs at least this many complete days, and at least ROWS_PER_INPUT per input.
MIN_ROWS = 30
ROWS_PER_INPUT = 10
#: How many inputs a "too few days" message names as most often missing.
MISSING_NAMED = 3

_NODE_KEYS = ("name", "target", "inputs", "model", "l2", "controllable", "children")
#: Problems with the tree itself: nothing can be fitted until they are mended.
TREE_PROBLEMS = frozenset(
    {"duplicate_name", "duplicate_target", "bad_expression", "own_input", "cycle",
     "not_an_input", "target_elsewhere", "controllable_conflict"}
)  # fmt: skip


# --- the tree as written --------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """Something that stops a node (or the whole tree) from being fitted.

    Attributes
    ----------
    node : the node's name.
    kind : ``duplicate_name``, ``duplicate_target``, ``bad_expression``, ``own_input``, ``cycle``,
        ``not_an_input``, ``target_elsewhere``, ``controllable_conflict`` (the tree is wrong:
        nothing is fitted), or
        ``unknown_column``, ``not_yes_no``, ``constant_input``, ``too_few_rows`` (this node
        cannot be fitted on these data; the others can).
    message : one plain sentence naming the node, the column and what is expected.
    column : the column or expression concerned, if any.
    """

    node: str
    kind: str
    message: str
    column: str | None = None

    @property
    def blocks_tree(self) -> bool:
        """Whether the tree must be mended before any node is fitted."""
        return self.kind in TREE_PROBLEMS

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, eq=False)
class GoalNode:
    """One goal: a model of ``target`` from ``inputs``, with sub-goals as ``children``.

    Attributes
    ----------
    name : what the person calls the goal (``VO₂ max``); unique in a tree.
    target : the daily column the node predicts.
    inputs : feature expressions (``zone5_min@sum28``); a child's target must be one of them
        (as a column or with a transform).
    model : ``linear``, ``logistic`` or ``perceptron``; None chooses ``logistic`` for a yes/no
        behaviour target and ``linear`` otherwise.
    l2 : penalty on the standardised weights; None uses the model's default (for perceptrons,
        :data:`pga_core.goals.PERCEPTRON_L2`).
    controllable : per input column, whether the person controls it, overriding the registry
        (behaviours and habits are controllable, metrics are not).
    children : the sub-goals.
    """

    name: str
    target: str
    inputs: tuple[str, ...]
    model: str | None = None
    l2: float | None = None
    controllable: Mapping[str, bool] = field(default_factory=dict)
    children: tuple[GoalNode, ...] = ()

    @classmethod
    def from_json(cls, document: Any, where: str = "goal tree") -> GoalNode:
        """A node (and its children) from its JSON object; ValueError naming the bad field."""
        if not isinstance(document, dict):
            raise ValueError(f"{where}: expected an object, got {type(document).__name__}")
        label = f"{where}: node {document.get('name')!r}" if "name" in document else where
        unknown = [k for k in document if k not in _NODE_KEYS]
        if unknown:
            raise ValueError(
                f"{label}: unknown field {unknown[0]!r} (expected {', '.join(_NODE_KEYS)})"
            )
        for key in ("name", "target", "inputs"):
            if key not in document:
                raise ValueError(f"{label}: the field {key!r} is missing")
        name, target, inputs = document["name"], document["target"], document["inputs"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: 'name' must be a non-empty text, got {name!r}")
        if not isinstance(target, str) or not target.strip() or "@" in target:
            raise ValueError(
                f"{label}: 'target' must be a column name (no @transform), got {target!r}"
            )
        if (
            not isinstance(inputs, list)
            or not inputs
            or not all(isinstance(i, str) and i.strip() for i in inputs)
        ):
            raise ValueError(
                f"{label}: 'inputs' must be a non-empty list of feature expressions, got {inputs!r}"
            )
        written = [i.strip() for i in inputs]  # " asleep_min" is asleep_min
        twice = next((i for i in written if written.count(i) > 1), None)
        if twice is not None:
            spellings = [raw for raw, clean in zip(inputs, written, strict=True) if clean == twice]
            shown = list(dict.fromkeys(spellings))
            how = f" (as {' and '.join(map(repr, shown))})" if len(shown) > 1 else ""
            raise ValueError(f"{label}: the input {twice!r} is listed twice{how}; keep one of them")
        model = document.get("model")
        if model is not None and model not in MODELS:
            raise ValueError(f"{label}: 'model' must be one of {', '.join(MODELS)}, got {model!r}")
        l2 = document.get("l2")
        if l2 is not None and (
            isinstance(l2, bool) or not isinstance(l2, int | float) or not l2 >= 0
        ):
            raise ValueError(f"{label}: 'l2' must be a number ≥ 0, got {l2!r}")
        controllable = document.get("controllable", {})
        if not isinstance(controllable, dict) or not all(
            isinstance(v, bool) for v in controllable.values()
        ):
            raise ValueError(
                f"{label}: 'controllable' must map column names to true or false, "
                f"got {controllable!r}"
            )
        children = document.get("children", [])
        if not isinstance(children, list):
            raise ValueError(f"{label}: 'children' must be a list of nodes")
        return cls(
            name=name.strip(),
            target=target.strip(),
            inputs=tuple(written),
            model=model,
            l2=None if l2 is None else float(l2),
            controllable=dict(controllable),
            children=tuple(cls.from_json(c, label) for c in children),
        )

    def to_json(self) -> dict[str, Any]:
        """The node's JSON object (optional fields only when set)."""
        document: dict[str, Any] = {
            "name": self.name,
            "target": self.target,
            "inputs": list(self.inputs),
        }
        if self.model is not None:
            document["model"] = self.model
        if self.l2 is not None:
            document["l2"] = self.l2
        if self.controllable:
            document["controllable"] = dict(self.controllable)
        if self.children:
            document["children"] = [c.to_json() for c in self.children]
        return document

    def walk(self) -> Iterator[GoalNode]:
        """This node, then its descendants (depth first, in order)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def features(self) -> list[Feature]:
        """The parsed inputs (ValueError for a malformed expression)."""
        return [parse_feature(e) for e in self.inputs]

    def child_for(self, column: str) -> GoalNode | None:
        """The child whose target is ``column``, if any."""
        return next((c for c in self.children if c.target == column), None)

    def resolved_model(self, daily: DailyData) -> str:
        """The model used: as written, else ``logistic`` for a yes/no behaviour target."""
        if self.model is not None:
            return self.model
        variable = daily.registry.get(self.target)
        return "logistic" if variable is not None and variable.kind == "behaviour" else "linear"

    def is_classifier(self, daily: DailyData) -> bool:
        """Whether the node predicts the chance of a yes (a yes/no target)."""
        model = self.resolved_model(daily)
        if model == "logistic":
            return True
        variable = daily.registry.get(self.target)
        return model == "perceptron" and variable is not None and variable.kind == "behaviour"


@dataclass(frozen=True, eq=False)
class GoalTree:
    """A tree of goals; the root is the top goal. See the module docstring for the JSON form."""

    root: GoalNode

    @classmethod
    def from_json(cls, document: Any) -> GoalTree:
        """A tree from its JSON object (the root node); ValueError naming the bad field."""
        return cls(GoalNode.from_json(document))

    def to_json(self) -> dict[str, Any]:
        """The root node's JSON object."""
        return self.root.to_json()

    @property
    def nodes(self) -> list[GoalNode]:
        """Every node, root first (depth first)."""
        return list(self.root.walk())

    def node(self, name: str) -> GoalNode:
        """The node called ``name``."""
        for node in self.root.walk():
            if node.name == name:
                return node
        names = ", ".join(n.name for n in self.root.walk())
        raise ValueError(f"no goal named {name!r} in the tree (goals: {names})")

    def parent_of(self, goal: str | GoalNode) -> GoalNode | None:
        """The goal of which ``goal`` is a sub-goal (None for the root): a node of the tree
        itself, not a namesake, or the first goal of that name."""
        node = self.node(goal) if isinstance(goal, str) else goal
        return next((n for n in self.root.walk() if any(c is node for c in n.children)), None)

    def validate(self, daily: DailyData) -> list[Problem]:
        """Every reason a node cannot be fitted on ``daily``; an empty list means all can.

        Problems of the tree itself (see :attr:`Problem.blocks_tree`) come first; then, per
        node, columns the data lacks, a yes/no model on a target that is not yes/no, inputs
        that never change, and too few complete days.
        """
        return self._check(daily)[0]

    def uses(self, column: str) -> bool:
        """Whether a goal of the tree predicts ``column`` or takes it as an input."""
        for node in self.root.walk():
            if node.target == column:
                return True
            for expression in node.inputs:
                try:
                    if parse_feature(expression).name == column:
                        return True
                except ValueError:
                    continue
        return False

    def data_for(self, daily: DailyData) -> DailyData:
        """``daily`` with the health index added when the tree names it."""
        return with_health_index(daily) if self.uses(HEALTH_INDEX) else daily

    def _check(self, daily: DailyData) -> tuple[list[Problem], pd.DataFrame | None]:
        """The problems, and the features on the calendar (None when the tree itself is wrong)."""
        daily = self.data_for(daily)
        problems = self._structure_problems()
        if any(p.blocks_tree for p in problems):
            return problems, None
        frame = _frame(self, daily)
        for node in self.root.walk():
            problems.extend(_data_problems(node, daily, frame))
        return problems, frame

    def _structure_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        seen_names: set[str] = set()
        target_owner: dict[str, GoalNode] = {}
        for node in self.root.walk():
            if node.name in seen_names:
                problems.append(Problem(
                    node.name, "duplicate_name",
                    f"two goals are called {node.name!r}; give each goal its own name",
                ))  # fmt: skip
            seen_names.add(node.name)
            if node.target in target_owner:
                other = target_owner[node.target].name
                problems.append(Problem(
                    node.name, "duplicate_target",
                    f"goals {other!r} and {node.name!r} both predict {node.target!r}; "
                    "keep one of them", node.target,
                ))  # fmt: skip
            target_owner.setdefault(node.target, node)
        for node in self.root.walk():
            problems.extend(self._node_structure(node, target_owner))
        problems.extend(self._controllable_conflicts())
        return problems

    def _controllable_conflicts(self) -> list[Problem]:
        """Goals that disagree on whether the person controls the same column."""
        problems = []
        first: dict[str, tuple[GoalNode, bool]] = {}
        for node in self.root.walk():
            for column, setting in node.controllable.items():
                other, said = first.setdefault(column, (node, setting))
                if said != setting:
                    problems.append(Problem(
                        node.name, "controllable_conflict",
                        f"goals {other.name!r} and {node.name!r} disagree on whether you control "
                        f"{column!r} ({other.name!r}: {_yes_no(said)}, {node.name!r}: "
                        f"{_yes_no(setting)}); make them agree or say it in one goal only",
                        column,
                    ))  # fmt: skip
        return problems

    def _node_structure(self, node: GoalNode, owners: dict[str, GoalNode]) -> list[Problem]:
        problems = []
        names = []
        for expression in node.inputs:
            try:
                names.append(parse_feature(expression).name)
            except ValueError as error:
                problems.append(
                    Problem(node.name, "bad_expression", f"goal {node.name!r}: {error}", expression)
                )
        ancestors = self._ancestors(node)
        for expression, column in zip(node.inputs, names, strict=False):
            if column == node.target:
                problems.append(Problem(
                    node.name, "own_input",
                    f"goal {node.name!r}: its target {column!r} is also one of its inputs "
                    f"({expression}); a goal cannot explain itself", expression,
                ))  # fmt: skip
            elif column in (a.target for a in ancestors):
                above = next(a for a in ancestors if a.target == column)
                problems.append(Problem(
                    node.name, "cycle",
                    f"goal {node.name!r}: its input {expression} is the target of "
                    f"{above.name!r}, which it feeds into; the tree would go round in a circle",
                    expression,
                ))  # fmt: skip
            elif column in owners and node.child_for(column) is None:
                problems.append(Problem(
                    node.name, "target_elsewhere",
                    f"goal {node.name!r}: its input {expression} is the target of goal "
                    f"{owners[column].name!r}, which is not one of its sub-goals; make "
                    f"{owners[column].name!r} a sub-goal of {node.name!r} or use another input",
                    expression,
                ))  # fmt: skip
        if len(names) == len(node.inputs):
            problems.extend(
                Problem(
                    child.name, "not_an_input",
                    f"goal {child.name!r} predicts {child.target!r}, which is not an input of "
                    f"its parent goal {node.name!r}; add it to {node.name!r}'s inputs (e.g. "
                    f"{child.target}) or move the sub-goal", child.target,
                )
                for child in node.children
                if child.target not in names
            )  # fmt: skip
        return problems

    def _ancestors(self, node: GoalNode) -> list[GoalNode]:
        chain = []
        parent = self.parent_of(node)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parent_of(parent)
        return chain


def _yes_no(setting: bool) -> str:
    return "yes" if setting else "no"


def _frame(tree: GoalTree, daily: DailyData) -> pd.DataFrame:
    """Every target and input of the tree on the calendar (unknown columns left out)."""
    known = set(daily.table.columns)
    expressions = []
    for node in tree.root.walk():
        expressions.append(node.target)
        expressions.extend(node.inputs)
    usable = [e for e in dict.fromkeys(expressions) if parse_feature(e).name in known]
    return feature_frame(daily, usable)


def _min_rows(n_inputs: int) -> int:
    return max(MIN_ROWS, ROWS_PER_INPUT * n_inputs)


def _data_problems(node: GoalNode, daily: DailyData, frame: pd.DataFrame) -> list[Problem]:
    """Why this node cannot be fitted on these data (empty list: it can)."""
    columns = list(daily.table.columns)
    problems = []
    for expression in (node.target, *node.inputs):
        try:
            parse_feature(expression, columns)
        except ValueError as error:
            problems.append(
                Problem(node.name, "unknown_column", f"goal {node.name!r}: {error}", expression)
            )
    if problems:
        return problems
    data = frame[[node.target, *node.inputs]]
    complete = data.notna().all(axis=1)
    if node.is_classifier(daily):
        values = set(np.unique(data.loc[complete, node.target]))
        if not values <= {0.0, 1.0} or len(values) < 2:
            shown = ", ".join(f"{v:g}" for v in sorted(values)[:4]) or "none"
            return [Problem(
                node.name, "not_yes_no",
                f"goal {node.name!r}: a yes/no model needs {node.target!r} to be 1 (yes) on some "
                f"days and 0 (no) on others; its values are {shown}", node.target,
            )]  # fmt: skip
    needed = _min_rows(len(node.inputs))
    n_rows = int(complete.sum())
    if n_rows < needed:
        return [_too_few_rows(node, data, n_rows, needed)]
    for expression in node.inputs:
        values = data.loc[complete, expression]
        if values.nunique() < 2:
            problems.append(Problem(
                node.name, "constant_input",
                f"goal {node.name!r}: {expression} is {values.iloc[0]:g} on every one of the "
                f"{n_rows} days used, so its effect cannot be learned; remove it from the inputs",
                expression,
            ))  # fmt: skip
    return problems


def _too_few_rows(node: GoalNode, data: pd.DataFrame, n_rows: int, needed: int) -> Problem:
    has_target = data[node.target].notna()
    missing = data.loc[has_target, list(node.inputs)].isna().sum().sort_values(ascending=False)
    missing = missing[missing > 0].head(MISSING_NAMED)
    most = ", ".join(f"{name} on {count}" for name, count in missing.items())
    why = f"; of those, inputs missing most often: {most}" if most else ""
    return Problem(
        node.name,
        "too_few_rows",
        f"goal {node.name!r}: {n_rows} day{'s' if n_rows != 1 else ''} with the target and all "
        f"inputs, at least {needed} needed ({len(node.inputs)} inputs); {node.target} has a "
        f"value on {int(has_target.sum())} days{why}",
        node.target,
    )


# --- reading and writing a tree ----------------------------------------------------------------
def read_tree(text: str, where: str = "goal tree") -> GoalTree:
    """A goal tree from its JSON text (one object: the top goal).

    Parameters
    ----------
    text : the JSON text.
    where : what the text is, for messages (a file name, ``the JSON``).

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
        return GoalTree.from_json(document)
    except ValueError as error:
        raise ValueError(f"{where}: {error}" if where != "goal tree" else str(error)) from error


def tree_text(tree: GoalTree) -> str:
    """The tree as indented JSON text (what :func:`read_tree` reads back)."""
    return json.dumps(tree.to_json(), indent=2, ensure_ascii=False)


def default_tree(path: str | Path = DEFAULT_GOALS_FILE) -> GoalTree:
    """The tree every person starts from (:data:`DEFAULT_GOALS_FILE`).

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
    return read_tree(text, where=str(file))


# --- the fitted tree ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FittedGoal:
    """One goal of a fitted tree, with its sub-goals fitted in turn.

    Attributes
    ----------
    goal : the goal as written.
    fit : its fit; None when the data could not support it (:meth:`TreeFit.why_not_fitted`).
    children : the sub-goals, as written (each a FittedGoal, fitted or not).
    cut_off_at : the highest goal from this one up to the top goal, this one included, that
        could not be fitted; None when all were fitted, so that this goal's prediction reaches
        the top goal.
    """

    goal: GoalNode
    fit: NodeFit | None
    children: tuple[FittedGoal, ...] = ()
    cut_off_at: GoalNode | None = None

    @classmethod
    def grow(
        cls, goal: GoalNode, fits: Mapping[str, NodeFit], cut_off_at: GoalNode | None = None
    ) -> FittedGoal:
        """``goal`` and its sub-goals with their fits (by goal name; absent: not fitted)."""
        fit = fits.get(goal.name)
        if fit is None and cut_off_at is None:
            cut_off_at = goal
        children = tuple(cls.grow(child, fits, cut_off_at) for child in goal.children)
        return cls(goal, fit, children, cut_off_at)

    @property
    def name(self) -> str:
        """The goal's name."""
        return self.goal.name

    @property
    def reaches_top(self) -> bool:
        """Whether this goal and every goal above it were fitted."""
        return self.cut_off_at is None

    def walk(self) -> Iterator[FittedGoal]:
        """This goal, then its sub-goals' (depth first, in order): the one walk of a fitted tree."""
        yield self
        for child in self.children:
            yield from child.walk()

    def fitted_child(self, column: str) -> FittedGoal | None:
        """The fitted sub-goal that predicts ``column``, if any."""
        return next(
            (c for c in self.children if c.goal.target == column and c.fit is not None), None
        )


@dataclass(eq=False)
class TreeFit:
    """A fitted goal tree.

    Attributes
    ----------
    top : the top goal as fitted, holding its sub-goals as fitted (:class:`FittedGoal`).
    problems : why the goals that could not be fitted could not be.
    variables : per column used by the tree: ``label, unit, kind, higher_is_better`` (from the
        registry) and ``mean, sd, min, max`` of its daily values.
    settings : ``n_boot, block, random_state``.
    """

    top: FittedGoal
    problems: list[Problem]
    variables: dict[str, dict[str, Any]]
    settings: dict[str, Any]

    @cached_property
    def tree(self) -> GoalTree:
        """The tree as written."""
        return GoalTree(self.top.goal)

    @property
    def fits(self) -> dict[str, NodeFit]:
        """The fitted goals by name, top goal first (depth first); the others are absent."""
        return {goal.name: goal.fit for goal in self.top.walk() if goal.fit is not None}

    @property
    def root(self) -> NodeFit | None:
        """The top goal's fit (None if it could not be fitted)."""
        return self.top.fit

    def why_not_fitted(self, name: str) -> str:
        """Why the goal ``name`` could not be fitted, from the problems found."""
        why = "; ".join(p.message for p in self.problems if p.node == name)
        return why or "no reason was recorded"

    def nodes_table(self) -> pd.DataFrame:
        """One row per goal, root first: ``node, target, model, n_rows, score_name, score_oos,
        score_baseline, beats_baseline, verdict, fitted`` (unfitted goals say why)."""
        rows = []
        for goal in self.top.walk():
            fit, node = goal.fit, goal.goal
            rows.append({
                "node": node.name,
                "target": node.target,
                "model": fit.model if fit else node.model,
                "n_rows": fit.n_rows if fit else 0,
                "score_name": fit.score_name if fit else None,
                "score_oos": fit.score_oos if fit else None,
                "score_baseline": fit.score_baseline if fit else None,
                "beats_baseline": fit.beats_baseline if fit else None,
                "verdict": fit.verdict if fit else f"Not fitted: {self.why_not_fitted(node.name)}",
                "fitted": fit is not None,
            })  # fmt: skip
        return pd.DataFrame(rows)

    def weights_table(self, node: str | None = None) -> pd.DataFrame:
        """Per-input weights with intervals for one goal, or all fitted goals (column ``node``)."""
        fits = [self._fit(node)] if node is not None else list(self.fits.values())
        return pd.concat([f.weights_table() for f in fits], ignore_index=True)

    def predictions_table(self, node: str) -> pd.DataFrame:
        """Actual vs in-sample and walk-forward predictions of one goal, day by day."""
        return self._fit(node).predictions_table()

    def history_table(self, node: str) -> pd.DataFrame:
        """The climb of one goal's gradient ascent: ``iteration, objective``."""
        return self._fit(node).history_table()

    def _fit(self, name: str) -> NodeFit:
        fits = self.fits
        if name in fits:
            return fits[name]
        self.tree.node(name)  # unknown name: says which goals exist
        raise ValueError(f"goal {name!r} was not fitted: {self.why_not_fitted(name)}")

    def to_json(self, *, include_state: bool = True) -> dict[str, Any]:
        """``{"nodes": [...], "problems": [...]}``: each fitted goal (top goal first, as in the
        ``fit --json`` contract) and why the others were not fitted; with ``include_state`` also
        ``tree``, ``variables`` and ``settings`` and each node's state, enough for
        :meth:`from_json` (JSON only, no pickle). The levers in words are added by the views."""
        document: dict[str, Any] = {
            "nodes": [f.to_json(include_state=include_state) for f in self.fits.values()],
            "problems": [
                {"node": p.node, "kind": p.kind, "column": p.column, "message": p.message}
                for p in self.problems
            ],
        }
        if include_state:
            document["tree"] = self.tree.to_json()
            document["variables"] = {
                name: {k: json_number(v) if isinstance(v, float) else v for k, v in info.items()}
                for name, info in self.variables.items()
            }
            document["settings"] = dict(self.settings)
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> TreeFit:
        """Restore a fit written by :meth:`to_json` (with its state), without refitting; other
        entries (such as ``leverage``) are left aside."""
        if not isinstance(document, dict) or "tree" not in document:
            raise ValueError(
                "this fit result holds no model state (written without include_state); "
                "fit the tree again"
            )
        fits = {f.name: f for f in (NodeFit.from_json(n) for n in document["nodes"])}
        return cls(
            top=FittedGoal.grow(GoalTree.from_json(document["tree"]).root, fits),
            problems=[
                Problem(p["node"], p["kind"], p["message"], p.get("column"))
                for p in document.get("problems", [])
            ],
            variables={
                name: {k: math.nan if v is None and k in _STAT_KEYS else v for k, v in i.items()}
                for name, i in document["variables"].items()
            },
            settings=dict(document["settings"]),
        )


_STAT_KEYS = ("mean", "sd", "min", "max")


def fit_tree(
    tree: GoalTree,
    daily: DailyData,
    *,
    n_boot: int = 200,
    block: int = 7,
    random_state: int | None = 0,
    progress: Progress | None = None,
) -> TreeFit:
    """Fit every goal of ``tree`` that the data allow.

    Each goal is fitted on the days where its target and all its inputs have a value, inputs
    standardised (``StandardScaler``), with this project's goal models. Its weights get
    percentile intervals from ``n_boot`` moving-block bootstrap refits; the resampling is one
    draw of calendar days (blocks of ``block`` days) shared by every goal, so that products of
    weights along the tree are resampled jointly. Each goal is also checked walk-forward
    (``TimeSeriesSplit``, a gap of its longest lag or window) against predicting the training
    mean.

    Parameters
    ----------
    tree : the goal tree.
    daily : the day table.
    n_boot : bootstrap resamples (0 for no intervals).
    block : bootstrap block length in days.
    random_state : seed of the resampling (and of the perceptrons' starting weights).
    progress : called as ``progress(fraction, message)`` as the work advances (0 to 1).

    Returns
    -------
    TreeFit
        The fitted goals; goals the data cannot support are left out, with their problems.

    Raises
    ------
    ValueError
        When the tree itself is wrong (duplicate names, a cycle, a malformed expression, …) or
        no goal at all can be fitted; the message names the goal and the column.
    """
    if int(n_boot) < 0 or int(block) < 1:
        raise ValueError(f"n_boot must be ≥ 0 and block ≥ 1, got n_boot={n_boot}, block={block}")
    report = progress or (lambda fraction, message: None)
    report(0.0, "checking the goals against the data")
    daily = tree.data_for(daily)
    problems, frame = tree._check(daily)
    blocked = {p.node for p in problems}
    fittable = [n for n in tree.nodes if n.name not in blocked]
    if frame is None or not fittable:
        raise ValueError(_first_problem(problems))
    counts = (
        block_bootstrap_counts(len(frame), int(n_boot), int(block), random_state)
        if n_boot
        else np.zeros((0, len(frame)), dtype=np.int64)
    )
    fits: dict[str, NodeFit] = {}
    for i, node in enumerate(fittable):
        report(i / len(fittable), f"fitting {node.name}")
        fits[node.name] = fit_node(
            node.name,
            node.target,
            node.inputs,
            frame,
            counts,
            model=node.resolved_model(daily),
            classify=node.is_classifier(daily),
            l2=node.l2,
            random_state=random_state,
            modelled=tuple(
                e for e in node.inputs if node.child_for(parse_feature(e).name) is not None
            ),
        )
    report(1.0, "done")
    return TreeFit(
        top=FittedGoal.grow(tree.root, fits),
        problems=problems,
        variables=_variables(tree, daily),
        settings={"n_boot": int(n_boot), "block": int(block), "random_state": random_state},
    )


def _first_problem(problems: list[Problem]) -> str:
    more = len(problems) - 1
    return problems[0].message + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def _variables(tree: GoalTree, daily: DailyData) -> dict[str, dict[str, Any]]:
    """Registry facts and daily statistics of every column the tree uses."""
    table = daily.calendar()
    names = []
    for node in tree.nodes:
        names.append(node.target)
        names.extend(parse_feature(e).name for e in node.inputs)
    out = {}
    for name in dict.fromkeys(names):
        if name not in daily.registry:
            continue
        variable = daily.registry[name]
        values = table[name].dropna()
        out[name] = {
            "label": variable.label,
            "unit": variable.unit,
            "kind": variable.kind,
            "higher_is_better": variable.higher_is_better,
            "mean": float(values.mean()) if len(values) else math.nan,
            "sd": float(values.std()) if len(values) > 1 else math.nan,
            "min": float(values.min()) if len(values) else math.nan,
            "max": float(values.max()) if len(values) else math.nan,
        }
    return out
