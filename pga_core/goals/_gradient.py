"""The personal gradient: which leaf inputs of a fitted goal tree move the top goal, and what if.

The *leverage* of a leaf input (an input no child models) is its total effect on the root goal
when it changes by the same amount on every day: the chain rule multiplies, along every path from
the input to the root, each node's average effect of an input on its prediction and each
feature's sustained factor (28 for a 28-day sum). Intervals come from one moving-block bootstrap
draw of calendar days shared by every node, so products along a path are resampled jointly.

:func:`leverage` ranks the levers and says each in plain words; :func:`what_if` propagates chosen
changes of the levers up the tree, goal by goal.

A sub-goal that could not be fitted breaks the chain below it: its target counts as a leaf input
of its parent (a lever, not controllable unless the person says so, with a note saying why), and
the inputs that reach the top goal only through it are no levers — :func:`what_if` refuses them,
naming the goal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pga_core.data import parse_feature
from pga_core.engine import CI_LEVEL, percentile_interval
from pga_core.goals._fit import NodeFit
from pga_core.words import signed

if TYPE_CHECKING:  # the tree and its fit are only read here; goals.py imports this module
    from pga_core.goals._tree import GoalNode, TreeFit

__all__ = [
    "DAYS_PER_WEEK",
    "leverage",
    "what_if",
]

Array = NDArray[np.float64]

#: A yes/no behaviour's per-unit effect is also told per week.
DAYS_PER_WEEK = 7


# --- the personal gradient ----------------------------------------------------------------------
def _levers(node: GoalNode, fits: Mapping[str, NodeFit]) -> dict[str, Array]:
    """Per leaf column (an input no fitted sub-goal models), its effect on ``node``'s prediction
    per unit of a sustained change: an array (1 + B,) — the estimate, then one value per
    bootstrap resample."""
    fit = fits[node.name]
    effects = np.vstack([fit.effect[None, :], fit.effect_draws])
    out: dict[str, Array] = {}
    for j, feature in enumerate(fit.features):
        path = effects[:, j] * feature.sustained_factor
        child = node.child_for(feature.name)
        if child is not None and child.name in fits:
            for column, below in _levers(child, fits).items():
                out[column] = out.get(column, 0.0) + path * below
        else:
            out[feature.name] = out.get(feature.name, 0.0) + path
    return out


def _linked(node: GoalNode, fits: Mapping[str, NodeFit]) -> list[GoalNode]:
    """The goals whose predictions reach ``node`` through fitted goals only, ``node`` first
    (depth first); empty when ``node`` itself was not fitted."""
    if node.name not in fits:
        return []
    return [node, *(each for child in node.children for each in _linked(child, fits))]


def _lever_sites(node: GoalNode, fits: Mapping[str, NodeFit]) -> dict[str, list[str]]:
    """Per leaf column that moves ``node`` through fitted goals, the goals where it enters."""
    sites: dict[str, list[str]] = {}
    for each in _linked(node, fits):
        for expression in each.inputs:
            column = parse_feature(expression).name
            child = each.child_for(column)
            if child is not None and child.name in fits:
                continue
            goals = sites.setdefault(column, [])
            if each.name not in goals:
                goals.append(each.name)
    return sites


def _stand_ins(node: GoalNode, fits: Mapping[str, NodeFit]) -> dict[str, GoalNode]:
    """Per column that is the target of an unfitted sub-goal of a linked goal, that sub-goal."""
    return {
        child.target: child
        for each in _linked(node, fits)
        for child in each.children
        if child.name not in fits
    }


def _cut_off(node: GoalNode, fits: Mapping[str, NodeFit]) -> dict[str, GoalNode]:
    """Per column entering a goal below an unfitted one (or an unfitted goal itself), the
    highest unfitted goal on its way up to ``node`` (the first met, depth first)."""
    out: dict[str, GoalNode] = {}

    def visit(each: GoalNode, broken: GoalNode | None) -> None:
        if broken is None and each.name not in fits:
            broken = each
        if broken is not None:
            for expression in each.inputs:
                out.setdefault(parse_feature(expression).name, broken)
        for child in each.children:
            visit(child, broken)

    visit(node, None)
    return out


def _not_fitted_because(tree_fit: TreeFit, goal: GoalNode) -> str:
    """Why a goal could not be fitted, from the fit's problems."""
    why = "; ".join(p.message for p in tree_fit.problems if p.node == goal.name)
    return why or "no reason was recorded"


def _lever_notes(tree_fit: TreeFit) -> dict[str, str]:
    """Per lever whose effect is incomplete because a goal could not be fitted, why."""
    root, fits = tree_fit.tree.root, tree_fit.fits
    notes: dict[str, list[str]] = {}
    for column, goal in _stand_ins(root, fits).items():
        notes.setdefault(column, []).append(
            f"the goal {goal.name!r} that predicts it could not be fitted "
            f"({_not_fitted_because(tree_fit, goal)}), so it counts as a lever itself and the "
            "effects of that goal's own inputs are unknown"
        )
    sites = _lever_sites(root, fits)
    for column, goal in _cut_off(root, fits).items():
        if column in sites:
            notes.setdefault(column, []).append(
                f"its path through the goal {goal.name!r} is left out: that goal could not be "
                f"fitted ({_not_fitted_because(tree_fit, goal)})"
            )
    return {column: "; ".join(each) for column, each in notes.items()}


_LEVER_COLUMNS = [
    "input", "label", "unit", "kind", "controllable", "per_unit", "per_sd", "ci_low", "ci_high",
    "unit_ci_low", "unit_ci_high", "sd", "typical", "observed_min", "observed_max", "goals",
    "note", "sentence",
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
    the top goal through no fitted path: they are no levers. ``note`` says so.

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
        values), ``ci_low, ci_high`` (central :data:`CI_LEVEL` interval of ``per_sd``),
        ``unit_ci_low, unit_ci_high`` (of ``per_unit``); ``sd, typical, observed_min,
        observed_max`` of the daily values; ``goals`` (where it enters), ``note`` (empty, or why
        its effect is incomplete: a goal that could not be fitted) and ``sentence`` (the lever
        in plain words, the note included). Empty when the top goal could not be fitted.
    """
    tree = tree_fit.tree
    if tree_fit.root is None:
        return pd.DataFrame(columns=_LEVER_COLUMNS)
    overrides: dict[str, bool] = {}
    for node in tree.nodes:
        overrides.update(node.controllable)
    overrides.update(controllable or {})
    sites = _lever_sites(tree.root, tree_fit.fits)
    stand_ins = _stand_ins(tree.root, tree_fit.fits)
    notes = _lever_notes(tree_fit)
    root_info = tree_fit.variables.get(tree.root.target, {})
    rows = []
    for column, values in _levers(tree.root, tree_fit.fits).items():
        info = tree_fit.variables.get(column, {})
        sd = info.get("sd", math.nan)
        low, high = percentile_interval(values[1:])
        kind = info.get("kind", "metric")
        row = {
            "input": column,
            "label": info.get("label", column),
            "unit": info.get("unit", ""),
            "kind": kind,
            "controllable": overrides.get(
                column, column not in stand_ins and kind in ("behaviour", "habit")
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
            "goals": ", ".join(sites.get(column, [])),
            "note": notes.get(column, ""),
        }
        row["sentence"] = _lever_sentence(row, root_info, tree_fit.root)
        rows.append(row)
    table = pd.DataFrame(rows, columns=_LEVER_COLUMNS)
    order = table["per_sd"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _lever_sentence(row: dict[str, Any], root: dict[str, Any], root_fit: NodeFit) -> str:
    """The lever in plain words, e.g. ``Have any alcoholic drinks?: yes on one fewer day a week
    → +2.1 points of Recovery score on average (95 % CI +1.6 to +2.4)`` (the interval's level
    is :data:`CI_LEVEL`)."""
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
        f"{row['label']}: {change} → {signed(scale * effect)} {what} on average "
        f"({100 * CI_LEVEL:g} % CI {signed(scale * bounds[0])} to {signed(scale * bounds[1])})"
    )
    if bounds[0] < 0 < bounds[1]:
        text += "; the data cannot tell this apart from no effect"
    if not row["controllable"]:
        text += " — not something you set directly"
    if row["note"]:
        text += f". Note: {row['note']}"
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
    _node_change(tree_fit.tree.root, tree_fit, parsed, rows)
    return pd.DataFrame(
        rows, columns=["node", "target", "label", "unit", "before", "after", "change"]
    )


def _parse_changes(
    tree_fit: TreeFit, changes: Mapping[str, Change]
) -> dict[str, tuple[str, float]]:
    root = tree_fit.tree.root
    levers = _lever_sites(root, tree_fit.fits)
    cut_off = _cut_off(root, tree_fit.fits)
    goals = {n.target: n.name for n in tree_fit.tree.nodes}
    parsed = {}
    for column, change in changes.items():
        if column not in levers:
            if column in cut_off:
                raise ValueError(_cut_off_message(tree_fit, column, cut_off[column]))
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


def _cut_off_message(tree_fit: TreeFit, column: str, goal: GoalNode) -> str:
    """Why a change of ``column`` cannot reach the top goal."""
    why = _not_fitted_because(tree_fit, goal)
    if goal is tree_fit.tree.root:
        return (
            f"what-if: the top goal {goal.name!r} could not be fitted ({why}); the effect of "
            f"changing {column!r} is unknown"
        )
    return (
        f"what-if: {column!r} reaches the top goal only through the goal {goal.name!r}, which "
        f"could not be fitted ({why}); the effect of changing it is unknown — change one of the "
        f"levers instead: {', '.join(_lever_sites(tree_fit.tree.root, tree_fit.fits))}"
    )


def _node_change(
    node: GoalNode,
    tree_fit: TreeFit,
    changes: dict[str, tuple[str, float]],
    rows: list[dict[str, Any]],
) -> float:
    """The change of ``node``'s average prediction (the rows of its fitted sub-goals appended
    first); 0 for a goal that was not fitted."""
    fit = tree_fit.fits.get(node.name)
    if fit is None:
        return 0.0
    below = {
        c.target: _node_change(c, tree_fit, changes, rows)
        for c in node.children
        if c.name in tree_fit.fits
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
    info = tree_fit.variables.get(node.target, {})
    rows.append({
        "node": node.name, "target": node.target, "label": info.get("label", node.target),
        "unit": info.get("unit", ""), "before": before, "after": before + change,
        "change": change,
    })  # fmt: skip
    return change
