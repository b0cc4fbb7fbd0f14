"""Mending a goal tree the data cannot fit: the inputs and sub-goals without data, dropped at once.

A tree written for other data (the default tree on a WHOOP-only export, say) names columns these
data do not have, or inputs that were recorded in different periods, so that a goal has no day
with all of them. :func:`repair_tree` returns the tree with, in one step:

- every input whose column the data lack removed, and every sub-goal whose target they lack;
- in each goal, the inputs its days cannot support left out, as the starter tree does
  (:func:`~pga_core.goals.keep_supported`): too few days, never changing, or too few days
  together with the other inputs — added in order of how many days they cover while the days
  with the goal and all its inputs stay enough for a fit (:data:`FIT_SUPPORT`);
- a sub-goal left without inputs removed (its column stays an input of its parent, when the
  data have it).

What stays is untouched, in its order, with its settings; a tree the data can already fit comes
back unchanged. What went is listed (:class:`~pga_core.goals.LeftOut`) with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pga_core.data import DailyData, parse_feature
from pga_core.goals._starter import LeftOut, Support, keep_supported
from pga_core.goals._tree import MIN_ROWS, GoalNode, GoalTree

__all__ = ["FIT_SUPPORT", "Repair", "repair_tree"]

#: What a repair asks of each input: only what a fit needs (ten days per input, thirty at least).
FIT_SUPPORT = Support(min_days=MIN_ROWS, min_share=0.0, min_each=0, combinations=False)


@dataclass(frozen=True)
class Repair:
    """A repaired tree and what was dropped from it.

    Attributes
    ----------
    tree : the tree the data can fit (the same tree when nothing had to go).
    dropped : the inputs and sub-goals removed, each with the reason.
    """

    tree: GoalTree
    dropped: tuple[LeftOut, ...]

    @property
    def changed(self) -> bool:
        """Whether anything was dropped."""
        return bool(self.dropped)


def repair_tree(tree: GoalTree, daily: DailyData) -> Repair:
    """The tree without the inputs and sub-goals the data cannot support (see the module).

    Parameters
    ----------
    tree : the goal tree.
    daily : the day table.

    Returns
    -------
    Repair

    Raises
    ------
    ValueError
        When the tree itself is wrong (a cycle, duplicate names, …: mend it first), the top
        goal's column is not in the data, or the top goal keeps no input its days support; the
        message says which and suggests the starter tree.
    """
    blocking = [p for p in tree.validate(daily) if p.blocks_tree]
    if blocking:
        raise ValueError(f"mend the tree itself first: {blocking[0].message}")
    daily = tree.data_for(daily)
    root = tree.root
    if root.target not in daily.table.columns:
        raise ValueError(
            f"the top goal {root.name!r} predicts {root.target!r}, which is not in the data; "
            "choose another column for it, or start from the starter tree built from your data"
        )
    dropped: list[LeftOut] = []
    mended = _mend(root, daily, dropped)
    if mended is None:
        why = f" ({dropped[-1].message})" if dropped else ""
        raise ValueError(
            f"the top goal {root.name!r} keeps no input its days can support{why}; start from "
            "the starter tree built from your data"
        )
    return Repair(GoalTree(mended), tuple(dropped))


def _mend(node: GoalNode, daily: DailyData, dropped: list[LeftOut]) -> GoalNode | None:
    """One goal with what its data support, its sub-goals mended in turn; None without inputs."""
    columns = set(daily.table.columns)
    present = []
    for expression in node.inputs:
        column = parse_feature(expression).name
        if column in columns:
            present.append(expression)
        else:
            dropped.append(LeftOut(
                node.name, expression, "unknown_column",
                f"{expression} was removed from {node.name!r}: the data have no column "
                f"{column!r}",
            ))  # fmt: skip
    dropped.extend(
        _gone(node, child, f"the data have no column {child.target!r}")
        for child in node.children
        if child.target not in columns
    )
    modelled = {e for e in present if node.child_for(parse_feature(e).name) is not None}
    kept, left = keep_supported(
        node.name, node.target, present, daily, modelled=modelled, support=FIT_SUPPORT
    )
    dropped.extend(left)
    if not kept:
        return None
    kept_columns = {parse_feature(e).name for e in kept}
    children = []
    for child in node.children:
        if child.target not in columns:
            continue
        if child.target not in kept_columns:
            dropped.append(_gone(node, child, f"its column's input left {node.name!r}"))
            continue
        mended = _mend(child, daily, dropped)
        if mended is None:
            dropped.append(_gone(node, child, "none of its inputs is left"))
            continue
        children.append(mended)
    if (
        tuple(kept) == node.inputs
        and all(a is b for a, b in zip(children, node.children, strict=False))
        and len(children) == len(node.children)
    ):
        return node
    return replace(node, inputs=tuple(kept), children=tuple(children))


def _gone(parent: GoalNode, child: GoalNode, why: str) -> LeftOut:
    """A sub-goal removed, with its sub-goals, and why."""
    below = len(list(child.walk())) - 1
    also = f" (and its {below} sub-goal{'s' * (below > 1)})" if below else ""
    return LeftOut(
        parent.name, child.target, "sub_goal",
        f"the sub-goal {child.name!r}{also} was removed from {parent.name!r}: {why}",
    )  # fmt: skip
