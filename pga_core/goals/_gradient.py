"""The personal gradient: which leaf inputs of a fitted goal tree move the top goal, and what if.

The *leverage* of a leaf input (an input no fitted sub-goal models) is its total effect on the
root goal when it changes by the same amount on every day: the chain rule multiplies, along every
path from the input to the root, each goal's average effect of an input on its prediction and
each feature's sustained factor (28 for a 28-day sum). Intervals come from one moving-block
bootstrap draw of calendar days shared by every goal, so products along a path are resampled
jointly.

Both recurse through the fitted tree (:class:`~pga_core.goals.FittedGoal`), each goal asking its
fitted sub-goals: :func:`leverage` for their levers (the chain rule), :func:`what_if` for their
changes (the forward pass). What else they need about the tree comes from its one walk,
:meth:`~pga_core.goals.FittedGoal.walk`. Both return numbers; the words for people are the
views'.

A sub-goal that could not be fitted breaks the chain below it: its target counts as a leaf input
of its parent (a lever, not controllable unless the person says so, ``stands_in_for`` naming the
goal), and the inputs that reach the top goal only through it are no levers — :func:`what_if`
refuses them, naming the goal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pga_core.data import parse_feature
from pga_core.engine import percentile_interval
from pga_core.goals._tree import FittedGoal, GoalNode, TreeFit

__all__ = [
    "DAYS_PER_WEEK",
    "lever_routes",
    "leverage",
    "what_if",
]

Array = NDArray[np.float64]

#: A yes/no behaviour's per-unit effect is also told per week.
DAYS_PER_WEEK = 7


# --- the personal gradient ----------------------------------------------------------------------
def _levers(goal: FittedGoal) -> dict[str, Array]:
    """The chain rule: per leaf column (an input no fitted sub-goal models), its effect on
    ``goal``'s prediction per unit of a sustained change — an array (1 + B,): the estimate, then
    one value per bootstrap resample. Empty for a goal that was not fitted."""
    out: dict[str, Array] = {}
    for (column, _), effect in _routes(goal).items():
        out[column] = out.get(column, 0.0) + effect
    return out


def _routes(goal: FittedGoal) -> dict[tuple[str, str], Array]:
    """The chain rule split by route: per (leaf column, input of ``goal`` it reaches ``goal``
    through), that part of its effect, an array (1 + B,) as in :func:`_levers`."""
    fit = goal.fit
    if fit is None:
        return {}
    effects = np.vstack([fit.effect[None, :], fit.effect_draws])
    out: dict[tuple[str, str], Array] = {}
    for j, feature in enumerate(fit.features):
        path = effects[:, j] * feature.sustained_factor
        child = goal.fitted_child(feature.name)
        below: Mapping[str, Array | float] = (
            _levers(child) if child is not None else {feature.name: 1.0}
        )
        for column, effect in below.items():
            key = (column, feature.expression)
            out[key] = out.get(key, 0.0) + path * effect
    return out


_ROUTE_COLUMNS = ["input", "route", "per_unit", "unit_ci_low", "unit_ci_high"]


def lever_routes(tree_fit: TreeFit) -> pd.DataFrame:
    """Each lever's effect on the top goal split by the top goal's input it arrives through.

    A lever can reach the top goal by several routes — training through tomorrow's strain and
    through VO₂ max — whose parts add up to its :func:`leverage`. Routes of opposite sign are a
    trade-off (the views say so in words).

    Returns
    -------
    DataFrame, one row per (lever, route): ``input`` (the lever's column), ``route`` (the top
        goal's input expression it arrives through), ``per_unit`` (that part of the lever's
        effect per unit, sustained) and ``unit_ci_low, unit_ci_high`` (its interval, from the
        same joint draws). Empty when the top goal could not be fitted.
    """
    rows = []
    for (column, route), values in _routes(tree_fit.top).items():
        low, high = percentile_interval(values[1:])
        rows.append({"input": column, "route": route, "per_unit": float(values[0]),
                     "unit_ci_low": low, "unit_ci_high": high})  # fmt: skip
    return pd.DataFrame(rows, columns=_ROUTE_COLUMNS)


@dataclass(frozen=True)
class _Reach:
    """How the columns of a fitted tree reach its top goal, from one walk through it.

    Attributes
    ----------
    sites : per lever (a leaf column that moves the top goal through fitted goals), the goals
        where it enters, depth first.
    stand_ins : per column that is the target of an unfitted sub-goal of a goal reaching the
        top, that sub-goal (its target counts as a lever).
    cut_off : per column entering a goal below an unfitted one (or an unfitted goal itself), the
        highest unfitted goal on its way up to the top goal (the first met, depth first).
    """

    sites: dict[str, list[str]]
    stand_ins: dict[str, GoalNode]
    cut_off: dict[str, GoalNode]


def _reach(tree_fit: TreeFit) -> _Reach:
    """Where each column of ``tree_fit`` meets its goals (see :class:`_Reach`)."""
    reach = _Reach(sites={}, stand_ins={}, cut_off={})
    for goal in tree_fit.top.walk():
        expressions = goal.fit.inputs if goal.fit is not None else goal.goal.inputs
        columns = [parse_feature(expression).name for expression in expressions]
        if goal.cut_off_at is not None:
            for column in columns:
                reach.cut_off.setdefault(column, goal.cut_off_at)
            continue
        for child in goal.children:
            if child.fit is None:
                reach.stand_ins[child.goal.target] = child.goal
        for column in columns:
            if goal.fitted_child(column) is not None:
                continue  # a sub-goal models it: its own inputs are the levers
            goals = reach.sites.setdefault(column, [])
            if goal.name not in goals:
                goals.append(goal.name)
    return reach


_LEVER_COLUMNS = [
    "input", "label", "unit", "kind", "controllable", "per_unit", "per_sd", "ci_low", "ci_high",
    "unit_ci_low", "unit_ci_high", "sd", "typical", "observed_min", "observed_max", "goals",
    "stands_in_for", "left_out_through",
]  # fmt: skip


def leverage(tree_fit: TreeFit, *, controllable: Mapping[str, bool] | None = None) -> pd.DataFrame:
    """The personal gradient: each leaf input's total effect on the top goal.

    A leaf input is an input no fitted sub-goal models; fitted sub-goals themselves are never
    levers. Its effect is that of a *sustained* change — the input moved by the same amount on
    every day (so a 28-day sum moves 28 times as much) — through every path of fitted goals to
    the top goal (paths add up when a column enters several goals). Each goal contributes its
    average effect of the input on its prediction (the weight of a linear goal, the mean input
    gradient otherwise). The target of a sub-goal that could not be fitted is a leaf input of
    its parent (not controllable unless overridden), and the inputs below that sub-goal reach
    the top goal through no fitted path: they are no levers.

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
        values), ``ci_low, ci_high`` (central :data:`~pga_core.engine.CI_LEVEL` interval of
        ``per_sd``), ``unit_ci_low, unit_ci_high`` (of ``per_unit``); ``sd, typical,
        observed_min, observed_max`` of the daily values; ``goals`` (where it enters, joined by
        ``, ``); ``stands_in_for`` (the goal predicting it that could not be fitted, so that it
        counts as a lever itself) and ``left_out_through`` (the goal that could not be fitted on
        another of its paths to the top goal, so that path is left out), each empty when there
        is none. Empty when the top goal could not be fitted.
    """
    tree = tree_fit.tree
    if tree_fit.root is None:
        return pd.DataFrame(columns=_LEVER_COLUMNS)
    overrides: dict[str, bool] = {}
    for node in tree.nodes:
        overrides.update(node.controllable)
    overrides.update(controllable or {})
    reach = _reach(tree_fit)
    rows = []
    for column, values in _levers(tree_fit.top).items():
        info = tree_fit.variables.get(column, {})
        sd = info.get("sd", math.nan)
        low, high = percentile_interval(values[1:])
        kind = info.get("kind", "metric")
        rows.append({
            "input": column,
            "label": info.get("label", column),
            "unit": info.get("unit", ""),
            "kind": kind,
            "controllable": overrides.get(
                column, column not in reach.stand_ins and kind in ("behaviour", "habit")
            ),
            "per_unit": float(values[0]),
            "per_sd": float(values[0] * sd),
            "ci_low": float(low * sd),
            "ci_high": float(high * sd),
            "unit_ci_low": low,
            "unit_ci_high": high,
            "sd": sd,
            "typical": info.get("mean", math.nan),
            "observed_min": info.get("min", math.nan),
            "observed_max": info.get("max", math.nan),
            "goals": ", ".join(reach.sites.get(column, [])),
            "stands_in_for": reach.stand_ins[column].name if column in reach.stand_ins else "",
            "left_out_through": reach.cut_off[column].name if column in reach.cut_off else "",
        })  # fmt: skip
    table = pd.DataFrame(rows, columns=_LEVER_COLUMNS)
    order = table["per_sd"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


# --- what if ------------------------------------------------------------------------------------
Change = float | tuple[str, float]
_CHANGE_KINDS = ("set", "delta")
_WHAT_IF_COLUMNS = ["node", "target", "label", "unit", "before", "after", "change"]


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
    DataFrame, one row per fitted goal linked to the top goal through fitted goals, sub-goals
        before their parent, the top goal last: ``node, target, label, unit, before, after,
        change`` — the goal's average prediction over its days, with the change, and the change
        itself. A goal's change is the average of f(x + Δ) − f(x) over its days, where Δ moves
        the changed inputs and, for each fitted sub-goal, its target by the sub-goal's change
        (times the feature's sustained factor). The target of a sub-goal that could not be
        fitted is changed like any other leaf input.

    Raises
    ------
    ValueError
        For a column that is not a leaf input of the tree (naming the levers), one that reaches
        the top goal only through a goal that could not be fitted (naming the goal and why), or
        a malformed change.
    """
    parsed = _parse_changes(tree_fit, changes)
    rows: list[dict[str, Any]] = []
    _change(tree_fit.top, tree_fit, parsed, rows)
    return pd.DataFrame(rows, columns=_WHAT_IF_COLUMNS)


def _parse_changes(
    tree_fit: TreeFit, changes: Mapping[str, Change]
) -> dict[str, tuple[str, float]]:
    reach = _reach(tree_fit)
    levers, cut_off = reach.sites, reach.cut_off
    goals = {n.target: n.name for n in tree_fit.tree.nodes}
    parsed = {}
    for column, change in changes.items():
        if column not in levers:
            if column in cut_off:
                raise ValueError(_cut_off_message(tree_fit, column, cut_off[column], levers))
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


def _cut_off_message(
    tree_fit: TreeFit, column: str, goal: GoalNode, levers: Mapping[str, Any]
) -> str:
    """Why a change of ``column`` cannot reach the top goal."""
    why = tree_fit.why_not_fitted(goal.name)
    if goal is tree_fit.tree.root:
        return (
            f"what-if: the top goal {goal.name!r} could not be fitted ({why}); the effect of "
            f"changing {column!r} is unknown"
        )
    return (
        f"what-if: {column!r} reaches the top goal only through the goal {goal.name!r}, which "
        f"could not be fitted ({why}); the effect of changing it is unknown — change one of the "
        f"levers instead: {', '.join(levers)}"
    )


def _change(
    goal: FittedGoal,
    tree_fit: TreeFit,
    changes: dict[str, tuple[str, float]],
    rows: list[dict[str, Any]],
) -> float:
    """The forward pass: the change of ``goal``'s average prediction (the rows of its fitted
    sub-goals appended first); 0 for a goal that was not fitted."""
    fit = goal.fit
    if fit is None:
        return 0.0
    below = {
        child.goal.target: _change(child, tree_fit, changes, rows)
        for child in goal.children
        if child.fit is not None
    }
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
    target = goal.goal.target
    info = tree_fit.variables.get(target, {})
    rows.append({
        "node": goal.name, "target": target, "label": info.get("label", target),
        "unit": info.get("unit", ""), "before": before, "after": before + change,
        "change": change,
    })  # fmt: skip
    return change
