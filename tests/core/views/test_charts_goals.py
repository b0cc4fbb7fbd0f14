"""Goal-tree charts, checked through their Vega-Lite specifications (``chart.to_dict()``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.goals import GoalTree, fit_tree, leverage, what_if
from pga_core.sample import generate_person
from pga_core.views import (
    climb_chart,
    goal_tree_chart,
    goal_tree_layout,
    labelled_weights,
    levers_chart,
    levers_in_words,
    predicted_actual_chart,
    weights_chart,
    what_if_chart,
)
from tests.core.views.chart_specs import titles

REPO = Path(__file__).resolve().parents[3]
#: A goal name a person could type, which must never be read as Markdown or HTML.
ODD_NAME = "**Health** <b>[x](javascript:alert(1))</b>"


@pytest.fixture(scope="module")
def tree():
    document = json.loads((REPO / "data" / "goals.json").read_text(encoding="utf-8"))
    document["name"] = ODD_NAME
    return GoalTree.from_json(document)


@pytest.fixture(scope="module")
def fit(tree):
    return fit_tree(tree, generate_person(400, seed=6).daily, n_boot=20)


def records(chart):
    """Every dataset's rows in the specification, in one list."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_tree_layout_puts_each_goal_at_the_middle_of_its_inputs(tree):
    nodes, edges = goal_tree_layout(tree)
    goals = nodes[nodes["kind"] == "goal"].set_index("id")
    assert list(goals.index) == ["Zone-5 time", "VO₂ max", ODD_NAME]
    assert goals["x"].to_dict() == {"Zone-5 time": 2, "VO₂ max": 1, ODD_NAME: 0}
    leaves = sum(len(n.inputs) for n in tree.nodes) - (len(tree.nodes) - 1)
    assert (nodes["kind"] == "input").sum() == leaves
    assert sorted(nodes.loc[nodes["kind"] == "input", "y"]) == list(range(leaves))
    assert len(edges) == sum(len(n.inputs) for n in tree.nodes)
    assert (edges["x"] == edges["x2"] + 1).all()
    for goal, group in edges.groupby("goal"):
        assert group["y2"].unique().tolist() == [goals.loc[goal, "y"]]
        assert goals.loc[goal, "y"] == pytest.approx(group["y"].mean())
    assert edges["weight_sd"].isna().all()


def test_a_fitted_tree_draws_each_edge_by_its_weight(fit):
    _, edges = goal_tree_layout(fit)
    table = fit.weights_table().set_index(["node", "input"])["weight_sd"]
    for edge in edges.itertuples():
        assert edge.weight_sd == table[(edge.goal, edge.input)]
        assert edge.direction == ("raises" if edge.weight_sd >= 0 else "lowers")
    spec = goal_tree_chart(fit).to_dict()
    rule = spec["layer"][0]
    assert rule["mark"]["type"] == "rule"
    assert rule["encoding"]["color"]["field"] == "direction"
    assert rule["encoding"]["strokeWidth"]["field"] == "abs_weight"


def test_names_people_choose_appear_only_as_data_never_in_titles(tree, fit):
    charts = [
        goal_tree_chart(tree),
        goal_tree_chart(fit),
        weights_chart(fit.weights_table(ODD_NAME)),
        climb_chart(fit.history_table(ODD_NAME)),
        predicted_actual_chart(fit.predictions_table(ODD_NAME)),
        levers_chart(levers_in_words(leverage(fit), fit)),
        what_if_chart(what_if(fit, {"hydration_l": ("delta", 0.5)})),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert all(ODD_NAME not in json.dumps(t) for t in titles(spec))
    assert any(row.get("label") == ODD_NAME for row in records(charts[0]))
    assert any(row.get("node") == ODD_NAME for row in records(charts[2]))


def test_weights_chart_draws_each_interval_and_estimate(fit):
    table = fit.weights_table("VO₂ max")
    spec = weights_chart(table).to_dict()
    _, whiskers, points = spec["layer"]
    assert whiskers["encoding"]["x"]["field"] == "ci_low"
    assert whiskers["encoding"]["x2"]["field"] == "ci_high"
    assert points["encoding"]["x"]["field"] == "weight_sd"
    assert points["encoding"]["y"]["sort"] is None
    rows = [r for r in records(weights_chart(table)) if "weight_sd" in r]
    assert [r["row"] for r in rows] == table["input"].tolist()
    assert [r["weight_sd"] for r in rows] == pytest.approx(table["weight_sd"].tolist())
    several = [r["row"] for r in records(weights_chart(fit.weights_table())) if "row" in r]
    assert "VO₂ max · zone5_min@sum28" in several


def test_climb_chart_plots_the_objective_per_iteration(fit):
    history = fit.history_table("Zone-5 time")
    chart = climb_chart(history)
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "line"
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]) == (
        "iteration", "objective"
    )  # fmt: skip
    assert [r["objective"] for r in records(chart)] == pytest.approx(history["objective"].tolist())


def test_predicted_vs_actual_shows_in_sample_and_walk_forward_beside_the_diagonal(fit):
    predictions = fit.predictions_table("VO₂ max")
    chart = predicted_actual_chart(predictions)
    spec = chart.to_dict()
    _, points = spec["layer"]
    assert points["transform"][0] == {
        "fold": ["in-sample", "walk-forward"], "as": ["prediction", "value"]
    }  # fmt: skip
    rows = records(chart)
    line = next(r for r in rows if "x2" in r)
    both = pd.concat([predictions["actual"], predictions["predicted"]])
    assert (line["x"], line["x2"]) == pytest.approx((both.min(), both.max()))
    days = [r for r in rows if "actual" in r]
    assert len(days) == len(predictions)
    walk_forward = [r["walk-forward"] for r in days]
    assert sum(v is None for v in walk_forward) == predictions["predicted_oos"].isna().sum()


def test_levers_chart_keeps_the_ranking_and_colours_what_you_control(fit):
    levers = levers_in_words(leverage(fit), fit)
    chart = levers_chart(levers)
    spec = chart.to_dict()
    points = spec["layer"][2]
    assert points["encoding"]["y"]["sort"] is None
    assert points["encoding"]["color"]["field"] == "who"
    rows = [r for r in records(chart) if "per_sd" in r]
    assert [r["input"] for r in rows] == levers["input"].tolist()
    assert [r["who"] == "you control it" for r in rows] == levers["controllable"].tolist()
    assert any(t["field"] == "sentence" for t in points["encoding"]["tooltip"])


def test_what_if_chart_has_one_bar_per_goal_signed_by_its_change(fit):
    changes = what_if(fit, {"have_any_alcoholic_drinks": ("delta", -1 / 7)})
    chart = what_if_chart(changes)
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar"
    rows = records(chart)
    assert [r["node"] for r in rows] == changes["node"].tolist()
    assert [r["direction"] for r in rows] == [
        "raises" if c >= 0 else "lowers" for c in changes["change"]
    ]
    assert np.isclose(rows[-1]["change"], changes["change"].iloc[-1])
    assert isinstance(changes, pd.DataFrame)


def test_inputs_are_drawn_in_words_with_the_expression_beside(tree, fit):
    nodes, _ = goal_tree_layout(fit)
    inputs = nodes[nodes["kind"] == "input"].set_index("detail")["label"]
    assert inputs["have_any_alcoholic_drinks@lag1"] == "Have any alcoholic drinks? (the day before)"
    assert inputs["body_fat_pct@mean28"] == "Body fat, mean of 28 days"
    assert inputs["asleep_min"] == "Asleep duration"
    goals = nodes[nodes["kind"] == "goal"].set_index("id")["detail"]
    assert goals["VO₂ max"] == "predicts VO₂ max"
    plain, _ = goal_tree_layout(tree)  # no labels known: as written
    assert (plain.loc[plain["kind"] == "input", "label"]
            == plain.loc[plain["kind"] == "input", "detail"]).all()  # fmt: skip
    worded, _ = goal_tree_layout(tree, {"asleep_min": "Time asleep"})
    assert "Time asleep" in set(worded["label"])


def test_weights_with_labels_are_drawn_by_label(fit):
    table = labelled_weights(fit.fits["VO₂ max"], fit)
    assert table["label"].tolist() == [
        "Time in HR zone 5 over 28 days",
        "Resting heart rate",
        "Body fat, mean of 28 days",
    ]
    rows = [r for r in records(weights_chart(table)) if "weight_sd" in r]
    assert [r["row"] for r in rows] == table["label"].tolist()
    assert [r["input"] for r in rows] == table["input"].tolist()
