"""Repairing a tree the data cannot fit: what is dropped, in one step, and why."""

from __future__ import annotations

import numpy as np
import pytest

from pga_core.data import DailyData
from pga_core.goals import GoalTree, default_tree, fit_tree, repair_tree
from pga_core.sample import generate_person
from tests.core.goals.trees import node


@pytest.fixture(scope="module")
def sample():
    return generate_person(400, seed=3)


def whoop_only(daily):
    """The columns a WHOOP export gives: the sample without Apple's and the sheet's."""
    names = [n for n, v in daily.registry.items() if v.source == "whoop"]
    return DailyData(daily.table[names], {n: daily.registry[n] for n in names})


def test_the_default_tree_on_whoop_data_loses_its_vo2_branch_and_fits(sample):
    daily = whoop_only(sample.daily)
    tree = default_tree()
    assert all(p.node for p in tree.validate(daily))
    with pytest.raises(ValueError, match="no column named 'vo2_max'"):
        fit_tree(tree, daily, n_boot=0)  # nothing fits as written
    repair = repair_tree(tree, daily)
    assert repair.changed
    root = repair.tree.root
    assert root.inputs == tuple(i for i in tree.root.inputs if i != "vo2_max@mean7")
    assert root.children == ()
    assert [(d.goal, d.expression, d.kind) for d in repair.dropped] == [
        ("Overall health", "vo2_max@mean7", "unknown_column"),
        ("Overall health", "vo2_max", "sub_goal"),
    ]
    assert repair.dropped[1].message == (
        "the sub-goal 'VO₂ max' (and its 1 sub-goal) was removed from 'Overall health': the "
        "data have no column 'vo2_max'"
    )
    assert repair.tree.validate(daily) == []
    assert fit_tree(repair.tree, daily, n_boot=0).root is not None


def test_a_tree_the_data_fit_comes_back_unchanged(sample):
    tree = default_tree()
    repair = repair_tree(tree, sample.daily)
    assert not repair.changed
    assert repair.tree.root is tree.root


def test_inputs_without_common_days_are_left_out_with_the_reason(sample):
    daily = sample.daily
    table = daily.table.copy()
    first_half = np.arange(len(table)) < len(table) // 2
    table.loc[first_half, "meditate"] = np.nan  # asked only in the second half
    table.loc[~first_half, "have_any_caffeine"] = np.nan  # asked only in the first
    tree = GoalTree.from_json(node("Health", "recovery_score", [
        "asleep_min", "meditate@lag1", "have_any_caffeine@lag1", "no_such_column",
    ]))  # fmt: skip
    data = DailyData(table, daily.registry)
    repair = repair_tree(tree, data)
    kinds = {d.expression: d.kind for d in repair.dropped}
    assert kinds["no_such_column"] == "unknown_column"
    assert sum(kind == "no_overlap" for kind in kinds.values()) == 1
    assert len(repair.tree.root.inputs) == 2
    assert repair.tree.root.inputs[0] == "asleep_min"
    assert fit_tree(repair.tree, data, n_boot=0).root is not None


def test_what_cannot_be_mended_by_dropping_says_so(sample):
    daily = whoop_only(sample.daily)
    apple = DailyData(sample.daily.table[["vo2_max", "steps"]],
                      {n: sample.daily.registry[n] for n in ("vo2_max", "steps")})  # fmt: skip
    with pytest.raises(ValueError, match="predicts 'recovery_score', which is not in the data"):
        repair_tree(default_tree(), apple)
    cycle = GoalTree.from_json(node("H", "recovery_score", ["asleep_min"], [
        node("S", "asleep_min", ["recovery_score@lag1"])]))  # fmt: skip
    with pytest.raises(ValueError, match="mend the tree itself first"):
        repair_tree(cycle, daily)
    nothing = GoalTree.from_json(node("H", "recovery_score", ["vo2_max", "body_fat_pct"]))
    with pytest.raises(ValueError, match="keeps no input its days can support"):
        repair_tree(nothing, daily)
