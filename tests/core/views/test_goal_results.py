"""Fitted goal trees for people: saved documents, which fit to show, scores and weights in words."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, r2_score

from pga_core.data import DailyData, Variable
from pga_core.goals import GoalTree, TreeFit, default_tree, fit_tree, leverage, what_if
from pga_core.sample import generate_person
from pga_core.views import (
    add_input,
    choose_fit,
    fit_document,
    fit_from_document,
    fit_headline,
    fit_json,
    fit_matches,
    fitted_imports,
    input_label,
    left_out_sentences,
    levers_in_words,
    score_summary,
    score_text,
    weights_display,
)
from pga_core.words import signed

N_BOOT = 20


@pytest.fixture(scope="module")
def person():
    return generate_person(400, seed=3)


@pytest.fixture(scope="module")
def fit(person):
    return fit_tree(default_tree(), person.daily, n_boot=N_BOOT)


def noise_daily(days: int, seed: int, *, yes_no: bool = False) -> DailyData:
    """Two unrelated columns of noise: an outcome and an input."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=days, freq="D", name="date")
    outcome = rng.integers(0, 2, days).astype(float) if yes_no else rng.normal(50, 10, days)
    table = pd.DataFrame({"outcome": outcome, "noise": rng.normal(0, 1, days)}, index=index)
    registry = {
        "outcome": Variable("outcome", "Outcome", kind="behaviour" if yes_no else "metric"),
        "noise": Variable("noise", "Noise", kind="habit"),
    }
    return DailyData(table, registry)


def single_goal_fit(daily: DailyData):
    tree = GoalTree.from_json({"name": "Outcome", "target": "outcome", "inputs": ["noise"]})
    return fit_tree(tree, daily, n_boot=N_BOOT)


CONTRACT_NODE = {"name", "target", "model", "n_rows", "score_oos", "score_baseline", "weights"}
EXTRA_NODE = {"score_name", "beats_baseline", "verdict", "gap_days", "n_splits", "notes",
              "left_out"}  # fmt: skip
CONTRACT_WEIGHT = {"input", "weight_sd", "weight_unit", "ci_low", "ci_high"}
EXTRA_WEIGHT = {"unit_ci_low", "unit_ci_high"}
CONTRACT_LEVER = {"input", "per_unit", "per_sd", "ci_low", "ci_high"}
EXTRA_LEVER = {"label", "unit", "kind", "controllable", "unit_ci_low", "unit_ci_high", "sd",
               "typical", "observed_min", "observed_max", "goals", "note", "trade",
               "sentence"}  # fmt: skip


def test_the_fit_document_has_the_contracts_keys(fit):
    document = json.loads(json.dumps(fit_json(fit, include_state=False), allow_nan=False))
    assert list(document) == ["nodes", "leverage", "problems"]
    assert [n["name"] for n in document["nodes"]] == ["Overall health", "VO₂ max", "Zone-5 time"]
    for entry in document["nodes"]:
        assert set(entry) == CONTRACT_NODE | EXTRA_NODE
        for w in entry["weights"]:
            assert set(w) == CONTRACT_WEIGHT | EXTRA_WEIGHT
            assert w["ci_low"] < w["weight_sd"] < w["ci_high"]  # the CI is on the per-SD scale
    assert document["nodes"][0]["n_rows"] == fit.fits["Overall health"].n_rows
    for lever_entry in document["leverage"]:
        assert set(lever_entry) == CONTRACT_LEVER | EXTRA_LEVER
        assert lever_entry["ci_low"] < lever_entry["per_sd"] < lever_entry["ci_high"]
    per_sd = [abs(e["per_sd"]) for e in document["leverage"]]
    assert per_sd == sorted(per_sd, reverse=True)
    worded = levers_in_words(leverage(fit), fit)
    assert [e["sentence"] for e in document["leverage"]] == worded["sentence"].tolist()
    assert [e["input"] for e in document["leverage"]] == worded["input"].tolist()


def test_the_fit_document_with_its_state_restores_the_same_fit(fit):
    document = fit_json(fit)
    assert list(document) == ["nodes", "leverage", "problems", "tree", "variables", "settings"]
    text = json.dumps(document, allow_nan=False)
    restored = TreeFit.from_json(json.loads(text))
    pd.testing.assert_frame_equal(leverage(restored), leverage(fit))
    changes = {"hydration_l": ("delta", 0.5)}
    pd.testing.assert_frame_equal(what_if(restored, changes), what_if(fit, changes))
    assert json.dumps(fit_json(restored), allow_nan=False) == text


def test_a_saved_fit_records_its_imports_and_shows_the_same_results(fit):
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    document = fit_document(fit, imports=[3, 5], fitted_at=moment)
    assert document["data"] == {"imports": [3, 5], "fitted_at": "2024-05-01T12:30:00+00:00"}
    restored = fit_from_document(json.loads(json.dumps(document, allow_nan=False)))
    pd.testing.assert_frame_equal(leverage(restored), leverage(fit))
    pd.testing.assert_frame_equal(restored.weights_table(), fit.weights_table())
    assert fitted_imports(document) == (3, 5)
    assert fitted_imports(fit_json(fit)) is None  # as the command line saves it


def test_a_fit_without_its_state_cannot_be_shown(fit):
    with pytest.raises(ValueError, match="holds no model state"):
        fit_from_document(fit_json(fit, include_state=False))
    broken = fit_json(fit)
    del broken["variables"]
    with pytest.raises(ValueError, match=r"fit result cannot be read.*fit the tree again"):
        fit_from_document(broken)


def test_a_fit_matches_its_tree_until_the_tree_is_edited(fit):
    tree = default_tree()
    assert fit_matches(fit, tree)
    assert not fit_matches(fit, add_input(tree, "VO₂ max", "steps"))


@pytest.mark.parametrize(("names", "preferred", "chosen"), [
    (["a", "goals", "z"], "z", "z"),
    (["a", "goals", "z"], "missing", "goals"),
    (["a", "goals", "z"], None, "goals"),
    (["b", "a"], None, "b"),
    ([], "a", None),
])  # fmt: skip
def test_the_fit_shown_is_the_preferred_then_the_default_then_the_first(names, preferred, chosen):
    assert choose_fit(names, preferred) == chosen


def test_the_headline_counts_goals_days_and_resamples(fit):
    root = fit.root
    assert fit_headline(fit) == (
        f"3 of 3 goals fitted; the top goal on {root.n_rows:,} days "
        f"({root.dates.min():%Y-%m-%d} to {root.dates.max():%Y-%m-%d}). 95 % intervals from "
        f"{N_BOOT} block-bootstrap resamples (blocks of 7 days)."
    )


def test_a_goal_that_beats_the_mean_says_how_much_it_explains(fit, person):
    node = fit.fits["Overall health"]
    tested = np.isfinite(node.predicted_oos)
    r2 = r2_score(node.y[tested], node.predicted_oos[tested])
    assert r2 > 0.05
    score = score_summary(node, "Recovery score")
    assert score.model == pytest.approx(r2)
    assert score.beats is True
    assert score.tested_days == tested.sum()
    assert score.sentence.startswith(
        f"On the {tested.sum():,} days it was not trained on (walk-forward, {node.n_splits} "
        f"folds), the model explains {100 * r2:.0f} % of the day-to-day variation in Recovery "
        f"score "
        f"(r² {r2:.3f})"
    )
    assert score.sentence.endswith("It beats the mean.")


def test_a_goal_of_noise_does_not_beat_the_mean_and_says_so():
    node = single_goal_fit(noise_daily(300, seed=2)).fits["Outcome"]
    tested = np.isfinite(node.predicted_oos)
    r2 = r2_score(node.y[tested], node.predicted_oos[tested])
    assert r2 < 0
    score = score_summary(node)
    assert score.beats is False
    assert "explains none of the day-to-day variation in outcome" in score.sentence
    assert score.sentence.endswith(
        "It does not beat the mean: its weights describe the past, not a pattern to rely on."
    )


def test_a_goal_that_beats_the_mean_by_a_hair_says_less_than_one_percent():
    node = single_goal_fit(noise_daily(300, seed=1)).fits["Outcome"]
    tested = np.isfinite(node.predicted_oos)
    assert 0 < r2_score(node.y[tested], node.predicted_oos[tested]) < 0.005
    score = score_summary(node)
    assert "the model explains less than 1 % of the day-to-day variation" in score.sentence
    assert score.sentence.endswith("It beats the mean.")


def test_a_yes_no_goal_is_scored_by_its_log_loss():
    node = single_goal_fit(noise_daily(300, seed=2, yes_no=True)).fits["Outcome"]
    tested = np.isfinite(node.predicted_oos)
    loss = log_loss(node.y[tested], node.predicted_oos[tested], labels=[0, 1])
    score = score_summary(node, "Outcome")
    assert score.name == "log-loss"
    assert score.model == pytest.approx(loss)
    assert f"the model's log-loss for Outcome is {loss:.3f} (lower is better)" in score.sentence


def test_too_few_days_to_check_a_goal_say_so():
    node = single_goal_fit(noise_daily(30, seed=3)).fits["Outcome"]
    score = score_summary(node)
    assert (score.model, score.baseline, score.beats) == (None, None, None)
    assert score.sentence.startswith("Too few days (30) to test this goal")


def test_weights_are_shown_largest_first_with_their_intervals_and_direction(fit):
    node = fit.fits["Overall health"]
    table = node.weights_table()
    shown = weights_display(node)
    order = np.argsort(-np.abs(table["weight_sd"].to_numpy()), kind="stable")
    expected = table.iloc[order]
    assert shown["Input"].tolist() == expected["input"].tolist()
    for row, want in zip(shown.itertuples(index=False), expected.itertuples(), strict=True):
        assert row[1] == signed(want.weight_sd)
        assert row[2] == f"{signed(want.ci_low)} to {signed(want.ci_high)}"
        assert row[3] == signed(want.weight_unit)
        assert row[4] == f"{signed(want.unit_ci_low)} to {signed(want.unit_ci_high)}"
        if want.ci_low > 0:
            assert row.Direction == "raises"
        elif want.ci_high < 0:
            assert row.Direction == "lowers"
        else:
            assert row.Direction.startswith("unclear")


@pytest.mark.parametrize(("value", "text"), [
    (2.1234, "+2.1"), (-0.012345, "−0.012"), (0.0, "0"), (1234.5, "+1,234"),
    (float("nan"), "n/a"), (-5.0, "−5.0"),
])  # fmt: skip
def test_signed_numbers_keep_at_least_two_significant_figures(value, text):
    assert signed(value) == text


def test_scores_use_a_true_minus_sign():
    assert score_text(-0.0191) == "−0.019"
    assert score_text(0.175) == "0.175"
    assert score_text(None) == "n/a"


def test_an_input_left_out_as_a_combination_is_said_in_words():
    rng = np.random.default_rng(4)
    index = pd.date_range("2024-01-01", periods=200, freq="D", name="date")
    zones = rng.gamma(2.0, 6.0, size=(200, 2))
    table = pd.DataFrame({"zone1_min": zones[:, 0], "zone2_min": zones[:, 1],
                          "workout_min": zones.sum(axis=1), "outcome": rng.normal(50, 5, 200)},
                         index=index)  # fmt: skip
    labels = {"zone1_min": "Time in HR zone 1", "zone2_min": "Time in HR zone 2",
              "workout_min": "Workout duration", "outcome": "Outcome"}  # fmt: skip
    daily = DailyData(table, {c: Variable(c, label) for c, label in labels.items()})
    tree = GoalTree.from_json(
        {
            "name": "Outcome",
            "target": "outcome",
            "inputs": ["zone1_min@lag1", "workout_min@lag1", "zone2_min@lag1"],
        }
    )
    fit = fit_tree(tree, daily, n_boot=0)
    (sentence,) = left_out_sentences(fit.root, fit)
    assert sentence == (
        "Workout duration (the day before) was left out of the fit of 'Outcome': Time in HR zone "
        f"{fit.root.left_out[0].explained_by[0][4]} (the day before) and Time in HR zone "
        f"{fit.root.left_out[0].explained_by[1][4]} (the day before) explain all of its "
        "day-to-day variation (it is nearly a sum or mix of them), so the data cannot tell its "
        "effect apart from theirs; it has no weight of its own, and theirs carry its share"
    )
    assert input_label("zone1_min@lag1", fit) == "Time in HR zone 1 (the day before)"
    assert fit_json(fit, include_state=False)["nodes"][0]["left_out"][0]["input"] == (
        "workout_min@lag1"
    )
