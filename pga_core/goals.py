"""Goal trees: nested goal models, fitted by our gradient ascent, and the personal gradient.

A goal tree is a small model of what moves a person's top goal. Each node predicts one daily
variable (its *target*) from feature expressions (its *inputs*, see :mod:`pga_core.features`);
a node's children model some of its inputs in turn::

    Overall health (recovery_score) ← asleep_min, day_strain@lag1, …, vo2_max@mean7
        VO₂ max (vo2_max) ← zone5_min@sum28, resting_hr, body_fat_pct@mean28
            Zone-5 time (zone5_min) ← hydration_l, carbs_g, lactate_threshold_test

Every node is fitted on its own, on the days where its target and all its inputs have a value.
The *leverage* of a leaf input (an input no child models) is its total effect on the root goal
when it changes by the same amount on every day: the chain rule multiplies, along every path from
the input to the root, each node's average effect of an input on its prediction and each
feature's sustained factor (28 for a 28-day sum). Intervals come from one moving-block bootstrap
draw of calendar days shared by every node, so products along a path are resampled jointly.

The JSON form of a tree is one object per node::

    {"name": "VO₂ max", "target": "vo2_max", "inputs": ["zone5_min@sum28", "resting_hr"],
     "model": "linear", "l2": 0.001, "controllable": {"resting_hr": false}, "children": [...]}

``model`` is ``linear`` (default), ``logistic`` (default when the target is a yes/no behaviour)
or ``perceptron``; ``l2``, ``controllable`` and ``children`` are optional.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit, logit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler

from pga_core.daily import DailyData
from pga_core.features import (
    Feature,
    calendar_table,
    feature_frame,
    max_lag_window,
    parse_feature,
)
from pga_core.models import (
    LinearGoalModel,
    LogisticGoalModel,
    PerceptronGoalClassifier,
    PerceptronGoalModel,
    block_bootstrap_counts,
    bootstrap_coefs,
)

__all__ = [
    "MODELS",
    "GoalNode",
    "GoalTree",
    "NodeFit",
    "Problem",
    "TreeFit",
    "fit_tree",
    "leverage",
    "what_if",
]

Array = NDArray[np.float64]
Progress = Callable[[float, str], None]

#: The models a node can use.
MODELS: tuple[str, ...] = ("linear", "logistic", "perceptron")
#: A node needs at least this many complete days, and at least ROWS_PER_INPUT per input.
MIN_ROWS = 30
ROWS_PER_INPUT = 10
#: Walk-forward evaluation: at most this many folds, fewer when the days do not allow it, and
#: never a training block shorter than MIN_TRAIN_ROWS (or TRAIN_ROWS_PER_INPUT per input).
N_SPLITS = 5
MIN_SPLITS = 2
MIN_TRAIN_ROWS = 20
TRAIN_ROWS_PER_INPUT = 5
#: Penalty of perceptron goals unless the tree sets one: daily data are noisy and a few hundred
#: days few, and the models' own default (made to learn XOR exactly) lets a perceptron chase the
#: noise — its average input gradients then swing from one resample to the next.
PERCEPTRON_L2 = 1e-2
#: Two-sided level of every interval.
CI_LEVEL = 0.95
#: Probabilities are kept this far from 0 and 1 when a log-loss is computed.
PROBABILITY_FLOOR = 1e-12
#: Newton steps (and tolerance) for a bootstrap logistic refit's intercept.
INTERCEPT_NEWTON_STEPS = 50
INTERCEPT_TOLERANCE = 1e-12
#: A yes/no behaviour's per-unit effect is also told per week.
DAYS_PER_WEEK = 7
#: How many inputs a "too few days" message names as most often missing.
MISSING_NAMED = 3

_NODE_KEYS = ("name", "target", "inputs", "model", "l2", "controllable", "children")
#: Problems with the tree itself: nothing can be fitted until they are mended.
TREE_PROBLEMS = frozenset(
    {"duplicate_name", "duplicate_target", "bad_expression", "own_input", "cycle",
     "not_an_input", "target_elsewhere"}
)  # fmt: skip


# --- the tree as written --------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """Something that stops a node (or the whole tree) from being fitted.

    Attributes
    ----------
    node : the node's name.
    kind : ``duplicate_name``, ``duplicate_target``, ``bad_expression``, ``own_input``, ``cycle``,
        ``not_an_input``, ``target_elsewhere`` (the tree is wrong: nothing is fitted), or
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
        :data:`PERCEPTRON_L2`).
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
        twice = next((i for i in inputs if inputs.count(i) > 1), None)
        if twice is not None:
            raise ValueError(f"{label}: the input {twice!r} is listed twice")
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
            inputs=tuple(i.strip() for i in inputs),
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

    def parent_of(self, name: str) -> GoalNode | None:
        """The node whose child is called ``name`` (None for the root)."""
        return next((n for n in self.root.walk() if any(c.name == name for c in n.children)), None)

    def validate(self, daily: DailyData) -> list[Problem]:
        """Every reason a node cannot be fitted on ``daily``; an empty list means all can.

        Problems of the tree itself (see :attr:`Problem.blocks_tree`) come first; then, per
        node, columns the data lacks, a yes/no model on a target that is not yes/no, inputs
        that never change, and too few complete days.
        """
        return self._check(daily)[0]

    def _check(self, daily: DailyData) -> tuple[list[Problem], pd.DataFrame | None]:
        """The problems, and the features on the calendar (None when the tree itself is wrong)."""
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
        parent = self.parent_of(node.name)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parent_of(parent.name)
        return chain


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


# --- one fitted node ------------------------------------------------------------------------------
_ESTIMATORS = {
    ("linear", False): LinearGoalModel,
    ("logistic", True): LogisticGoalModel,
    ("perceptron", False): PerceptronGoalModel,
    ("perceptron", True): PerceptronGoalClassifier,
}


def _make_estimator(model: str, classify: bool, l2: float | None, random_state: int | None):
    """A fresh goal model; a linear model on a yes/no target is a linear probability model."""
    estimator = _ESTIMATORS[model, classify]()
    if model == "perceptron":
        estimator.set_params(random_state=random_state, l2=PERCEPTRON_L2)
    if l2 is not None:
        estimator.set_params(l2=l2)
    return estimator


@dataclass(eq=False)
class NodeFit:
    """A fitted goal node: its model, weights with intervals, walk-forward score and rows.

    Attributes
    ----------
    name, target, model : the node, its target column and the model used.
    features : the parsed inputs, in order (d of them).
    classify : whether predictions are the chance of a yes.
    dates : DatetimeIndex (n,) — the days the node was fitted on.
    X : array (n, d) — the inputs on those days, in their own units; y : array (n,).
    mean, scale : arrays (d,) — the standardisation (``StandardScaler``) of the inputs.
    estimator : the fitted goal model (on standardised inputs).
    effect_draws : array (B, d) — :attr:`effect` refitted on each bootstrap resample (NaN for
        a resample that leaves the node too few days).
    predicted_oos : array (n,) — walk-forward predictions (NaN on days never in a test block).
    score_name : ``r2`` (higher is better) or ``log_loss`` (lower is better).
    score_oos, score_baseline : the walk-forward score and that of predicting the training
        mean (the share of yes days for a yes/no target); None when the days are too few.
    gap : days left out between each training and test block; n_splits : folds used.
    notes : plain-language remarks (e.g. a model that did not fully converge).
    """

    name: str
    target: str
    model: str
    features: list[Feature]
    classify: bool
    dates: pd.DatetimeIndex
    X: Array
    y: Array
    mean: Array
    scale: Array
    estimator: Any
    effect_draws: Array
    predicted_oos: Array
    score_name: str
    score_oos: float | None
    score_baseline: float | None
    gap: int
    n_splits: int
    notes: list[str] = field(default_factory=list)

    # -- the shared interface: predict, input gradient, change -------------------------------------
    def predict(self, X: Array) -> Array:
        """Predictions (the chance of a yes for a yes/no target), shape (n,), for inputs (n, d)
        in their own units."""
        standardised = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return _prediction(self.estimator, standardised, self.classify)

    def input_gradient(self, X: Array) -> Array:
        """∂prediction/∂input per unit of each input, shape (n, d)."""
        standardised = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return self.estimator.input_gradient(standardised) / self.scale

    def change(self, delta: Array) -> float:
        """Average of f(x + Δ) − f(x) over the node's days; ``delta`` is (d,) or (n, d)."""
        moved = self.X + np.broadcast_to(delta, self.X.shape)
        return float(np.mean(self.predict(moved) - self.predict(self.X)))

    @property
    def effect(self) -> Array:
        """Average change in the prediction per unit of each input, (d,): the weight of a linear
        node, the mean input gradient over the node's days otherwise."""
        return self.input_gradient(self.X).mean(axis=0)

    @property
    def predicted(self) -> Array:
        """In-sample predictions on the node's days, (n,)."""
        return self.predict(self.X)

    # -- what the pages show -----------------------------------------------------------------------
    @property
    def inputs(self) -> list[str]:
        """The input expressions, in order."""
        return [f.expression for f in self.features]

    @property
    def n_rows(self) -> int:
        """Days the node was fitted on."""
        return len(self.y)

    @property
    def weight_sd(self) -> Array:
        """Average change in the prediction per standard deviation of each input, (d,)."""
        return self.effect * self.scale

    @property
    def beats_baseline(self) -> bool | None:
        """Whether the walk-forward score beats predicting the training mean (None: unknown)."""
        if self.score_oos is None or self.score_baseline is None:
            return None
        if self.score_name == "log_loss":
            return self.score_oos < self.score_baseline
        return self.score_oos > self.score_baseline

    @property
    def verdict(self) -> str:
        """One plain sentence on the out-of-sample check."""
        what = "r²" if self.score_name == "r2" else "log-loss"
        if self.beats_baseline is None:
            return (
                f"Too few days ({self.n_rows}) to check {self.name!r} on days it was not "
                "trained on; treat its weights with extra care."
            )
        scores = f"{what} {self.score_oos:.3f} vs {self.score_baseline:.3f} for the mean"
        if self.beats_baseline:
            return (
                f"{self.name!r} predicts {self.target} on days it was not trained on better "
                f"than its training average does ({scores})."
            )
        return (
            f"{self.name!r} does not predict {self.target} on days it was not trained on any "
            f"better than its training average ({scores}): its weights describe the past, not a "
            "pattern to rely on."
        )

    def intervals(self) -> tuple[Array, Array]:
        """Per-unit effect interval bounds (low, high), each (d,), from the bootstrap draws."""
        return _percentile_interval(self.effect_draws)

    def weights_table(self) -> pd.DataFrame:
        """One row per input: ``input, weight_sd, weight_unit, ci_low, ci_high`` (CI on the
        per-SD scale), ``unit_ci_low, unit_ci_high`` (per unit)."""
        low, high = self.intervals()
        return pd.DataFrame(
            {
                "node": self.name,
                "input": self.inputs,
                "weight_sd": self.weight_sd,
                "weight_unit": self.effect,
                "ci_low": low * self.scale,
                "ci_high": high * self.scale,
                "unit_ci_low": low,
                "unit_ci_high": high,
            }
        )

    def predictions_table(self) -> pd.DataFrame:
        """One row per day: ``date, actual, predicted, predicted_oos``."""
        return pd.DataFrame(
            {
                "date": self.dates,
                "actual": self.y,
                "predicted": self.predicted,
                "predicted_oos": self.predicted_oos,
            }
        )

    def history_table(self) -> pd.DataFrame:
        """The climb: ``iteration, objective`` of the final fit's gradient ascent."""
        history = np.asarray(self.estimator.objective_history_, dtype=np.float64)
        return pd.DataFrame({"iteration": np.arange(len(history)), "objective": history})

    # -- JSON --------------------------------------------------------------------------------------
    def to_json(self, *, include_state: bool = True) -> dict[str, Any]:
        """The contract's node object (``name, target, model, n_rows, score_oos, score_baseline,
        weights``) plus ``score_name, beats_baseline, verdict, gap_days, n_splits, notes`` and,
        with ``include_state``, what :meth:`from_json` needs under ``state``."""
        weights = self.weights_table().drop(columns="node")
        document: dict[str, Any] = {
            "name": self.name,
            "target": self.target,
            "model": self.model,
            "n_rows": self.n_rows,
            "score_oos": _number(self.score_oos),
            "score_baseline": _number(self.score_baseline),
            "weights": [
                {k: (v if k == "input" else _number(v)) for k, v in row.items()}
                for row in weights.to_dict(orient="records")
            ],
            "score_name": self.score_name,
            "beats_baseline": self.beats_baseline,
            "verdict": self.verdict,
            "gap_days": self.gap,
            "n_splits": self.n_splits,
            "notes": list(self.notes),
        }
        if include_state:
            document["state"] = {
                "classify": self.classify,
                "dates": [d.strftime("%Y-%m-%d") for d in self.dates],
                "X": _numbers(self.X),
                "y": _numbers(self.y),
                "mean": _numbers(self.mean),
                "scale": _numbers(self.scale),
                "effect_draws": _numbers(self.effect_draws),
                "predicted_oos": _numbers(self.predicted_oos),
                "estimator": _estimator_state(self.estimator),
            }
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> NodeFit:
        """Restore a node written by :meth:`to_json` with its state (no refitting)."""
        state = document.get("state")
        if state is None:
            raise ValueError(
                f"fit result of goal {document.get('name')!r} holds no model state; "
                "fit the tree again"
            )
        d = len(document["weights"])
        return cls(
            name=document["name"],
            target=document["target"],
            model=document["model"],
            features=[parse_feature(w["input"]) for w in document["weights"]],
            classify=bool(state["classify"]),
            dates=pd.DatetimeIndex(pd.to_datetime(state["dates"]), name="date"),
            X=_array(state["X"]).reshape(-1, d),
            y=_array(state["y"]),
            mean=_array(state["mean"]),
            scale=_array(state["scale"]),
            estimator=_restore_estimator(document["model"], state),
            effect_draws=_array(state["effect_draws"]).reshape(-1, d),
            predicted_oos=_array(state["predicted_oos"]),
            score_name=document["score_name"],
            score_oos=document["score_oos"],
            score_baseline=document["score_baseline"],
            gap=int(document["gap_days"]),
            n_splits=int(document["n_splits"]),
            notes=list(document.get("notes", [])),
        )


def _fit_node(
    node: GoalNode,
    daily: DailyData,
    frame: pd.DataFrame,
    counts: NDArray[np.int64],
    random_state: int | None,
) -> NodeFit:
    """Fit one node on its complete days, with bootstrap draws and a walk-forward check."""
    data = frame[[node.target, *node.inputs]]
    complete = data.notna().all(axis=1).to_numpy()
    X = data.loc[complete, list(node.inputs)].to_numpy(dtype=np.float64)
    y = data.loc[complete, node.target].to_numpy(dtype=np.float64)
    model, classify = node.resolved_model(daily), node.is_classifier(daily)
    estimator = _make_estimator(model, classify, node.l2, random_state)
    scaler = StandardScaler().fit(X)
    standardised = scaler.transform(X)
    gap = max_lag_window(node.inputs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(standardised, y)
        draws_sd = _bootstrap_effects(estimator, standardised, y, counts[:, complete], classify)
        oos, score, baseline, n_splits = _walk_forward(estimator, X, y, gap, classify)
    return NodeFit(
        name=node.name,
        target=node.target,
        model=model,
        features=node.features(),
        classify=classify,
        dates=pd.DatetimeIndex(frame.index[complete], name="date"),
        X=X,
        y=y,
        mean=scaler.mean_,
        scale=scaler.scale_,
        estimator=estimator,
        effect_draws=draws_sd / scaler.scale_,
        predicted_oos=oos,
        score_name="log_loss" if classify else "r2",
        score_oos=score,
        score_baseline=baseline,
        gap=gap,
        n_splits=n_splits,
        notes=_convergence_notes(node.name, caught),
    )


def _prediction(estimator: Any, standardised: Array, classify: bool) -> Array:
    """What a goal model predicts: the value, or the chance of a yes. Shape (n,)."""
    if classify:
        return estimator.predict_proba(standardised)[:, 1]
    return estimator.predict(standardised)


def _convergence_notes(name: str, caught: list[warnings.WarningMessage]) -> list[str]:
    """A plain note when some fit did not converge; any other warning is passed on."""
    for each in caught:
        if not issubclass(each.category, ConvergenceWarning):
            warnings.warn_explicit(each.message, each.category, each.filename, each.lineno)
    if not any(issubclass(each.category, ConvergenceWarning) for each in caught):
        return []
    return [
        f"The gradient ascent of {name!r} did not fully converge on every fit; its weights may "
        "be slightly off."
    ]


def _bootstrap_effects(
    estimator: Any, X: Array, y: Array, counts: NDArray[np.int64], classify: bool
) -> Array:
    """Per-input effects (standardised) for each resample, (B, d); NaN where a resample leaves
    too few days (or a single class) to refit."""
    n_boot, d = len(counts), X.shape[1]
    draws = np.full((n_boot, d), np.nan)
    usable = (counts > 0).sum(axis=1) >= d + 2
    if classify:
        usable &= ((counts * y) > 0).any(axis=1) & ((counts * (1.0 - y)) > 0).any(axis=1)
    if not usable.any():
        return draws
    kept = counts[usable]
    coefs = bootstrap_coefs(estimator, X, y, counts=kept)
    if isinstance(estimator, LogisticGoalModel):
        coefs = _logistic_marginal_effects(coefs, X, y, kept.astype(np.float64))
    draws[usable] = coefs
    return draws


def _logistic_marginal_effects(coefs: Array, X: Array, y: Array, counts: Array) -> Array:
    """Average ∂P(yes)/∂input of each logistic refit, (B, d), from its weights (B, d).

    A refit's intercept is not returned by the bootstrap, but it is the unpenalised root of
    Σ cᵢ (yᵢ − σ(xᵢ·w + b)) = 0 given its weights, found here by Newton's method.
    """
    scores = coefs @ X.T
    total = counts.sum(axis=1)
    rate = np.clip(counts @ y / total, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    intercept = logit(rate)
    for _ in range(INTERCEPT_NEWTON_STEPS):
        p = expit(scores + intercept[:, None])
        step = (counts * (y - p)).sum(axis=1) / (counts * p * (1.0 - p)).sum(axis=1)
        intercept += step
        if np.max(np.abs(step)) < INTERCEPT_TOLERANCE:
            break
    p = expit(scores + intercept[:, None])
    slope = (counts * p * (1.0 - p)).sum(axis=1) / total
    return slope[:, None] * coefs


def _walk_forward(
    estimator: Any, X: Array, y: Array, gap: int, classify: bool
) -> tuple[Array, float | None, float | None, int]:
    """Walk-forward predictions, their pooled score and the training-mean baseline's.

    Each fold standardises on its training block, fits, and predicts the test block after
    ``gap`` left-out days. Returns (predictions (n,) with NaN outside test blocks, score,
    baseline score, folds used); the scores are None when no fold fits.
    """
    n, d = X.shape
    predicted = np.full(n, np.nan)
    baseline = np.full(n, np.nan)
    min_train = max(MIN_TRAIN_ROWS, TRAIN_ROWS_PER_INPUT * d)
    splits = range(N_SPLITS, MIN_SPLITS - 1, -1)
    n_splits = next((s for s in splits if n - s * (n // (s + 1)) - gap >= min_train), 0)
    if n_splits == 0:
        return predicted, None, None, 0
    for train, test in TimeSeriesSplit(n_splits=n_splits, gap=gap).split(X):
        if classify and len(np.unique(y[train])) < 2:
            continue
        scaler = StandardScaler().fit(X[train])
        fold = clone(estimator).fit(scaler.transform(X[train]), y[train])
        predicted[test] = _prediction(fold, scaler.transform(X[test]), classify)
        baseline[test] = y[train].mean()
    tested = ~np.isnan(predicted)
    if not tested.any():
        return predicted, None, None, n_splits
    score = _log_loss if classify else _r2
    return (
        predicted,
        score(y[tested], predicted[tested]),
        score(y[tested], baseline[tested]),
        n_splits,
    )


def _r2(actual: Array, predicted: Array) -> float:
    """1 − SSE / SST over the pooled test days (SST around their own mean)."""
    total = np.sum((actual - actual.mean()) ** 2)
    return float(1.0 - np.sum((actual - predicted) ** 2) / total) if total > 0 else math.nan


def _log_loss(actual: Array, probability: Array) -> float:
    """Mean negative log-likelihood (nats) of yes/no outcomes."""
    p = np.clip(probability, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    return float(-np.mean(actual * np.log(p) + (1.0 - actual) * np.log1p(-p)))


def _percentile_interval(draws: Array) -> tuple[Array, Array]:
    """Percentile bounds over the first axis, ignoring NaN draws (NaN when none is left)."""
    tail = 100.0 * (1.0 - CI_LEVEL) / 2.0
    draws = np.asarray(draws, dtype=np.float64)
    if draws.shape[0] == 0 or np.isnan(draws).all(axis=0).all():
        empty = np.full(draws.shape[1:], np.nan)
        return empty, empty.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column gives NaN
        low, high = np.nanpercentile(draws, [tail, 100.0 - tail], axis=0)
    return low, high


# --- the fitted tree ----------------------------------------------------------------------------
@dataclass(eq=False)
class TreeFit:
    """A fitted goal tree.

    Attributes
    ----------
    tree : the tree as written.
    fits : fitted nodes by name, root first; nodes that could not be fitted are absent.
    problems : why the absent nodes could not be fitted.
    variables : per column used by the tree: ``label, unit, kind, higher_is_better`` (from the
        registry) and ``mean, sd, min, max`` of its daily values.
    settings : ``n_boot, block, random_state``.
    """

    tree: GoalTree
    fits: dict[str, NodeFit]
    problems: list[Problem]
    variables: dict[str, dict[str, Any]]
    settings: dict[str, Any]

    @property
    def root(self) -> NodeFit | None:
        """The top goal's fit (None if it could not be fitted)."""
        return self.fits.get(self.tree.root.name)

    def nodes_table(self) -> pd.DataFrame:
        """One row per goal, root first: ``node, target, model, n_rows, score_name, score_oos,
        score_baseline, beats_baseline, verdict, fitted`` (unfitted goals say why)."""
        rows = []
        for node in self.tree.nodes:
            fit = self.fits.get(node.name)
            why = "; ".join(p.message for p in self.problems if p.node == node.name)
            rows.append({
                "node": node.name,
                "target": node.target,
                "model": fit.model if fit else node.model,
                "n_rows": fit.n_rows if fit else 0,
                "score_name": fit.score_name if fit else None,
                "score_oos": fit.score_oos if fit else None,
                "score_baseline": fit.score_baseline if fit else None,
                "beats_baseline": fit.beats_baseline if fit else None,
                "verdict": fit.verdict if fit else f"Not fitted: {why}",
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
        if name in self.fits:
            return self.fits[name]
        self.tree.node(name)  # unknown name: says which goals exist
        why = "; ".join(p.message for p in self.problems if p.node == name)
        raise ValueError(f"goal {name!r} was not fitted: {why}")

    def to_json(self, *, include_state: bool = True) -> dict[str, Any]:
        """``{"nodes": [...], "leverage": [...]}`` as in the ``fit --json`` contract, plus
        ``problems``; with ``include_state`` also ``tree``, ``variables`` and ``settings`` and each
        node's state, enough for :meth:`from_json` (JSON only, no pickle)."""
        levers = leverage(self)
        document: dict[str, Any] = {
            "nodes": [f.to_json(include_state=include_state) for f in self.fits.values()],
            "leverage": [
                {k: _number(v) if isinstance(v, float) else v for k, v in row.items()}
                for row in levers.to_dict(orient="records")
            ],
            "problems": [
                {"node": p.node, "kind": p.kind, "column": p.column, "message": p.message}
                for p in self.problems
            ],
        }
        if include_state:
            document["tree"] = self.tree.to_json()
            document["variables"] = {
                name: {k: _number(v) if isinstance(v, float) else v for k, v in info.items()}
                for name, info in self.variables.items()
            }
            document["settings"] = dict(self.settings)
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> TreeFit:
        """Restore a fit written by :meth:`to_json` (with its state), without refitting."""
        if not isinstance(document, dict) or "tree" not in document:
            raise ValueError(
                "this fit result holds no model state (written without include_state); "
                "fit the tree again"
            )
        fits = [NodeFit.from_json(n) for n in document["nodes"]]
        return cls(
            tree=GoalTree.from_json(document["tree"]),
            fits={f.name: f for f in fits},
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
    fits = {}
    for i, node in enumerate(fittable):
        report(i / len(fittable), f"fitting {node.name}")
        fits[node.name] = _fit_node(node, daily, frame, counts, random_state)
    report(1.0, "done")
    return TreeFit(
        tree=tree,
        fits={n.name: fits[n.name] for n in tree.nodes if n.name in fits},
        problems=problems,
        variables=_variables(tree, daily),
        settings={"n_boot": int(n_boot), "block": int(block), "random_state": random_state},
    )


def _first_problem(problems: list[Problem]) -> str:
    more = len(problems) - 1
    return problems[0].message + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def _variables(tree: GoalTree, daily: DailyData) -> dict[str, dict[str, Any]]:
    """Registry facts and daily statistics of every column the tree uses."""
    table = calendar_table(daily)
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


# --- the personal gradient ----------------------------------------------------------------------
def _levers(node: GoalNode, fits: dict[str, NodeFit]) -> dict[str, Array]:
    """Per leaf column, its effect on ``node``'s prediction per unit of a sustained change:
    an array (1 + B,) — the estimate, then one value per bootstrap resample."""
    fit = fits[node.name]
    effects = np.vstack([fit.effect[None, :], fit.effect_draws])
    out: dict[str, Array] = {}
    for j, feature in enumerate(fit.features):
        path = effects[:, j] * feature.sustained_factor
        child = node.child_for(feature.name)
        if child is None:
            out[feature.name] = out.get(feature.name, 0.0) + path
        elif child.name in fits:
            for column, below in _levers(child, fits).items():
                out[column] = out.get(column, 0.0) + path * below
    return out


def _lever_sites(node: GoalNode) -> dict[str, list[str]]:
    """Per leaf column, the goals where it enters."""
    sites: dict[str, list[str]] = {}
    for each in node.walk():
        for expression in each.inputs:
            column = parse_feature(expression).name
            if each.child_for(column) is None and each.name not in sites.get(column, []):
                sites.setdefault(column, []).append(each.name)
    return sites


_LEVER_COLUMNS = [
    "input", "label", "unit", "kind", "controllable", "per_unit", "per_sd", "ci_low", "ci_high",
    "unit_ci_low", "unit_ci_high", "sd", "typical", "observed_min", "observed_max", "goals",
    "sentence",
]  # fmt: skip


def leverage(tree_fit: TreeFit, *, controllable: Mapping[str, bool] | None = None) -> pd.DataFrame:
    """The personal gradient: each leaf input's total effect on the top goal.

    A leaf input is an input no sub-goal models; sub-goals themselves are never levers. Its
    effect is that of a *sustained* change — the input moved by the same amount on every day
    (so a 28-day sum moves 28 times as much) — through every path to the top goal (paths add
    up when a column enters several goals). Each goal contributes its average effect of the
    input on its prediction (the weight of a linear goal, the mean input gradient otherwise).

    Parameters
    ----------
    tree_fit : a fitted tree (from :func:`fit_tree` or :meth:`TreeFit.from_json`).
    controllable : per column, overrides whether the person controls it (on top of the
        registry — behaviours and habits are controllable — and the tree's own overrides).

    Returns
    -------
    DataFrame, one row per leaf input, ranked by ``|per_sd|`` (largest first):
        ``input`` (column), ``label``, ``unit``, ``kind``, ``controllable``; ``per_unit`` (change
        of the top goal per unit, sustained), ``per_sd`` (per standard deviation of the daily
        values), ``ci_low, ci_high`` (95 % interval of ``per_sd``), ``unit_ci_low, unit_ci_high``
        (of ``per_unit``); ``sd, typical, observed_min, observed_max`` of the daily values;
        ``goals`` (where it enters) and ``sentence`` (the lever in plain words). Empty when the
        top goal could not be fitted.
    """
    tree = tree_fit.tree
    if tree_fit.root is None:
        return pd.DataFrame(columns=_LEVER_COLUMNS)
    overrides: dict[str, bool] = {}
    for node in tree.nodes:
        overrides.update(node.controllable)
    overrides.update(controllable or {})
    sites = _lever_sites(tree.root)
    root_info = tree_fit.variables.get(tree.root.target, {})
    rows = []
    for column, values in _levers(tree.root, tree_fit.fits).items():
        info = tree_fit.variables.get(column, {})
        sd = info.get("sd", math.nan)
        low, high = _percentile_interval(values[1:, None])
        kind = info.get("kind", "metric")
        row = {
            "input": column,
            "label": info.get("label", column),
            "unit": info.get("unit", ""),
            "kind": kind,
            "controllable": overrides.get(column, kind in ("behaviour", "habit")),
            "per_unit": float(values[0]),
            "per_sd": float(values[0] * sd),
            "ci_low": float(low[0] * sd),
            "ci_high": float(high[0] * sd),
            "unit_ci_low": float(low[0]),
            "unit_ci_high": float(high[0]),
            "sd": sd,
            "typical": info.get("mean", math.nan),
            "observed_min": info.get("min", math.nan),
            "observed_max": info.get("max", math.nan),
            "goals": ", ".join(sites.get(column, [])),
        }
        row["sentence"] = _lever_sentence(row, root_info, tree_fit.root)
        rows.append(row)
    table = pd.DataFrame(rows, columns=_LEVER_COLUMNS)
    order = table["per_sd"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _lever_sentence(row: dict[str, Any], root: dict[str, Any], root_fit: NodeFit) -> str:
    """The lever in plain words, e.g. ``Have any alcoholic drinks?: yes on one fewer day a week
    → +2.1 points of Recovery score on average (95 % CI +1.6 to +2.4)``."""
    per_unit, low, high = row["per_unit"], row["unit_ci_low"], row["unit_ci_high"]
    good = -1.0 if root.get("higher_is_better") is False else 1.0
    more = per_unit * good >= 0
    if row["kind"] == "behaviour":
        step = 1.0 / DAYS_PER_WEEK
        change = f"yes on one {'more' if more else 'fewer'} day a week"
    else:
        step = _nice_step(row["sd"])
        unit = f" {row['unit']}" if row["unit"] else ""
        change = f"{_plain(step)}{unit} {'more' if more else 'less'} every day"
    sign = 1.0 if more else -1.0
    effect, bounds = sign * per_unit * step, sorted([sign * low * step, sign * high * step])
    if root_fit.classify:
        scale, what = 100.0, f"percentage points in the chance of {root.get('label', '')!s}"
    else:
        unit = root.get("unit", "")
        scale, what = 1.0, f"{'points' if unit in ('', '%') else unit} of {root.get('label', '')}"
    text = (
        f"{row['label']}: {change} → {_signed(scale * effect)} {what} on average "
        f"(95 % CI {_signed(scale * bounds[0])} to {_signed(scale * bounds[1])})"
    )
    if bounds[0] < 0 < bounds[1]:
        text += "; the data cannot tell this apart from no effect"
    if not row["controllable"]:
        text += " — not something you set directly"
    return text


def _nice_step(sd: float) -> float:
    """A round change close to one standard deviation: 1, 2 or 5 times a power of ten."""
    if not np.isfinite(sd) or sd <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(sd))
    return min((1.0, 2.0, 5.0, 10.0), key=lambda m: abs(m * power - sd)) * power


def _plain(value: float) -> str:
    """A number without a needless exponent or trailing zeros (0.5, 50, 0.02)."""
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _signed(value: float, digits: int = 2) -> str:
    """A signed number to ``digits`` significant figures, without an exponent (+2.1, −0.013)."""
    if not np.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{abs(value):,.{decimals}f}"
    return ("+" if value > 0 else "−") + text


# --- what if ------------------------------------------------------------------------------------
Change = float | tuple[str, float]
_CHANGE_KINDS = ("set", "delta")


def what_if(tree_fit: TreeFit, changes: Mapping[str, Change]) -> pd.DataFrame:
    """Predicted change at every goal, from the bottom up, when leaf inputs change.

    Parameters
    ----------
    tree_fit : a fitted tree.
    changes : per leaf input column (the ``input`` of :func:`leverage`): a number — the new
        value, held on every day —, ``("set", value)`` (the same) or ``("delta", amount)`` —
        the change on every day. A yes/no behaviour's value is the share of yes days
        (``("delta", -1/7)``: one fewer yes day a week).

    Returns
    -------
    DataFrame, one row per fitted goal, sub-goals before their parent, the top goal last:
        ``node, target, label, unit, before, after, change`` — the goal's average prediction
        over its days, with the change, and the change itself. A goal's change is the average of
        f(x + Δ) − f(x) over its days, where Δ moves the changed inputs and, for each sub-goal,
        its target by the sub-goal's change (times the feature's sustained factor).

    Raises
    ------
    ValueError
        For a column that is not a leaf input of the tree (naming the levers) or a malformed
        change.
    """
    parsed = _parse_changes(tree_fit, changes)
    rows: list[dict[str, Any]] = []
    _node_change(tree_fit.tree.root, tree_fit, parsed, rows)
    return pd.DataFrame(
        rows, columns=["node", "target", "label", "unit", "before", "after", "change"]
    )


def _parse_changes(
    tree_fit: TreeFit, changes: Mapping[str, Change]
) -> dict[str, tuple[str, float]]:
    levers = _lever_sites(tree_fit.tree.root)
    goals = {n.target: n.name for n in tree_fit.tree.nodes}
    parsed = {}
    for column, change in changes.items():
        if column not in levers:
            if column in goals:
                raise ValueError(
                    f"what-if: {column!r} is the goal {goals[column]!r}, not a lever; change "
                    "the inputs below it instead"
                )
            raise ValueError(
                f"what-if: {column!r} is not an input of the tree; levers: {', '.join(levers)}"
            )
        if isinstance(change, tuple):
            if len(change) != 2 or change[0] not in _CHANGE_KINDS:
                raise ValueError(
                    f"what-if: change of {column!r} must be a number, ('set', value) or "
                    f"('delta', amount), got {change!r}"
                )
            kind, value = change
        else:
            kind, value = "set", change
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise ValueError(
                f"what-if: change of {column!r} must be a finite number, got {value!r}"
            )
        parsed[column] = (kind, float(value))
    return parsed


def _node_change(
    node: GoalNode,
    tree_fit: TreeFit,
    changes: dict[str, tuple[str, float]],
    rows: list[dict[str, Any]],
) -> float:
    """The change of ``node``'s average prediction (its sub-goals' rows appended first)."""
    below = {c.target: _node_change(c, tree_fit, changes, rows) for c in node.children}
    fit = tree_fit.fits.get(node.name)
    if fit is None:
        return 0.0
    delta = np.zeros_like(fit.X)
    for j, feature in enumerate(fit.features):
        factor = feature.sustained_factor
        if feature.name in below:
            delta[:, j] = factor * below[feature.name]
        elif feature.name in changes:
            kind, value = changes[feature.name]
            delta[:, j] = factor * value if kind == "delta" else factor * value - fit.X[:, j]
    change = fit.change(delta)
    before = float(np.mean(fit.predicted))
    info = tree_fit.variables.get(node.target, {})
    rows.append({
        "node": node.name, "target": node.target, "label": info.get("label", node.target),
        "unit": info.get("unit", ""), "before": before, "after": before + change,
        "change": change,
    })  # fmt: skip
    return change


# --- JSON helpers -------------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    """A JSON-safe float: None for missing or non-finite values."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _numbers(values: Array) -> list:
    """A (nested) list of JSON-safe floats."""
    array = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(array), array, None).tolist()


def _array(values: Any) -> Array:
    """Back from :func:`_numbers`: None becomes NaN."""
    return np.array(values, dtype=np.float64)


_ESTIMATOR_CLASSES = {cls.__name__: cls for cls in _ESTIMATORS.values()}


def _estimator_state(estimator: Any) -> dict[str, Any]:
    """A goal model's hyper-parameters and learned attributes as JSON."""
    learned = {}
    for key, value in vars(estimator).items():
        if not key.endswith("_"):
            continue
        if isinstance(value, np.ndarray):
            learned[key] = {"array": _numbers(value)}
        elif isinstance(value, np.generic):
            learned[key] = value.item()
        else:
            learned[key] = value
    return {"class": type(estimator).__name__, "params": estimator.get_params(), "learned": learned}


def _restore_estimator(model: str, state: dict[str, Any]) -> Any:
    """A fitted goal model back from :func:`_estimator_state` (only our own model classes)."""
    saved = state["estimator"]
    cls = _ESTIMATOR_CLASSES.get(saved.get("class"))
    if cls is None:
        raise ValueError(
            f"fit result: unknown model class {saved.get('class')!r} for a {model} goal"
        )
    estimator = cls(**saved["params"])
    for key, value in saved["learned"].items():
        setattr(estimator, key, _array(value["array"]) if isinstance(value, dict) else value)
    return estimator
