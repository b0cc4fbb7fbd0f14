"""Command line ``fit``: a goal tree fitted to exports or to the workspace, as tables or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pga_core.cli import main
from pga_core.data import Workspace
from pga_core.data.readers import read_exports
from pga_core.goals import GoalTree, TreeFit, fit_tree, leverage, starter_tree
from pga_core.sample import generate_person, write_sample
from pga_core.views import fit_json, levers_in_words, tree_outline

REPO = Path(__file__).resolve().parents[2]
GOALS = REPO / "data" / "goals.json"
BOOT = "20"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A synthetic person's WHOOP CSVs, Apple Health export and habit sheet, as written."""
    folder = tmp_path_factory.mktemp("sample")
    write_sample(generate_person(300, seed=2), folder)
    return [str(folder / "whoop"), str(folder / "apple_health" / "export.zip"),
            str(folder / "habits.csv")]  # fmt: skip


def run(args, capsys):
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_is_the_fit_of_the_files_alone_and_leaves_the_workspace_untouched(
    exports, tmp_path, capsys
):
    workspace = tmp_path / "ws.sqlite"
    status, out, err = run(
        ["fit", *exports, "--goals", str(GOALS), "--json", "--boot", BOOT,
         "--workspace", str(workspace)],
        capsys,
    )  # fmt: skip
    assert (status, err) == (0, "")
    tree = GoalTree.from_json(json.loads(GOALS.read_text(encoding="utf-8")))
    expected = fit_tree(tree, read_exports(exports), n_boot=int(BOOT))
    assert json.loads(out) == json.loads(
        json.dumps(fit_json(expected, include_state=False), allow_nan=False)
    )
    assert not workspace.exists()


def test_tables_show_each_goal_and_the_ranked_levers(exports, capsys):
    status, out, _ = run(["fit", *exports, "--goals", str(GOALS), "--boot", BOOT], capsys)
    assert status == 0
    tree = GoalTree.from_json(json.loads(GOALS.read_text(encoding="utf-8")))
    fit = fit_tree(tree, read_exports(exports), n_boot=int(BOOT))
    lines = out.splitlines()
    assert lines[0].startswith("goal tree 'Overall health': 3 of 3 goals fitted on 300 days")
    for node in fit.fits.values():
        assert (
            f"{node.name} — predicts {node.target} ({node.model} model, {node.n_rows} days)" in out
        )
        assert f"  {node.verdict}" in lines
    levers = levers_in_words(leverage(fit), fit)
    first = levers.iloc[0]
    header = lines.index(next(line for line in lines if line.startswith("levers on")))
    assert lines[header + 1].startswith(f"  1. {first.input} ")
    assert f"per SD {first.per_sd:+9.3g}" in lines[header + 1]
    assert lines[header + 2] == f"     {first.sentence}"
    assert len(lines) == header + 1 + 2 * len(levers)


def test_without_paths_the_workspace_data_are_fitted_and_the_fit_saved(exports, tmp_path, capsys):
    workspace = Workspace(tmp_path / "ws.sqlite")
    workspace.import_sources(exports)
    args = ["fit", "--goals", str(GOALS), "--boot", BOOT, "--workspace", str(workspace.path)]
    status, out, _ = run(args, capsys)
    assert status == 0
    assert out.endswith(f"saved as 'goals' in the workspace {workspace.path}\n")
    saved = TreeFit.from_json(workspace.load_fit("goals"))
    tree = GoalTree.from_json(workspace.load_goals("goals"))
    reference = fit_tree(tree, workspace.daily(), n_boot=int(BOOT))
    assert leverage(saved).equals(leverage(reference))
    assert workspace.load_fit("goals") == json.loads(json.dumps(fit_json(reference)))


def test_goals_the_data_cannot_support_are_listed_and_the_others_fitted(exports, tmp_path, capsys):
    document = json.loads(GOALS.read_text(encoding="utf-8"))
    document["children"][0]["inputs"][2] = "body_fat@mean28"
    goals = tmp_path / "mine.json"
    goals.write_text(json.dumps(document), encoding="utf-8")
    status, out, _ = run(["fit", *exports, "--goals", str(goals), "--boot", BOOT], capsys)
    assert status == 0
    assert "2 of 3 goals fitted" in out.splitlines()[0]
    assert (
        "not fitted:\n  goal 'VO₂ max': feature 'body_fat@mean28': no column named 'body_fat' "
        "in the data; did you mean body_fat_pct?\n"
    ) in out


@pytest.mark.parametrize(("content", "message"), [
    (None, "{goals}: no such goal file"),
    ("{", "{goals}: not valid JSON (line 1, column 2: Expecting property name"),
    ('{"name": "H", "target": "recovery_score", "inputs": ["asleep_min"], "model": "tree"}',
     "{goals}: goal tree: node 'H': 'model' must be one of linear, logistic, perceptron"),
    ('{"name": "H", "target": "recovery_score", "inputs": ["recovery_score@lag1"]}',
     "{goals}: goal 'H': its target 'recovery_score' is also one of its inputs"),
    ('{"name": "H", "target": "sleep_score", "inputs": ["asleep_min"]}',
     "{goals}: goal 'H': feature 'sleep_score': no column named 'sleep_score' in the data"),
])  # fmt: skip
def test_bad_goals_are_one_line_naming_the_file_and_status_2(
    exports, tmp_path, capsys, content, message
):
    goals = tmp_path / "goals.json"
    if content is not None:
        goals.write_text(content, encoding="utf-8")
    status, out, err = run(["fit", *exports, "--goals", str(goals), "--boot", BOOT], capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("error: " + message.format(goals=goals))
    assert err.count("\n") == 1


def test_a_negative_number_of_resamples_is_refused(exports, capsys):
    status, _, err = run(["fit", *exports, "--goals", str(GOALS), "--boot", "-1"], capsys)
    assert (status, err) == (
        2,
        "error: --boot: expected a number of resamples, 0 or more, got -1\n",
    )


def test_an_empty_workspace_says_to_import_first(tmp_path, capsys):
    status, _, err = run(
        ["fit", "--goals", str(GOALS), "--workspace", str(tmp_path / "ws.sqlite")], capsys
    )
    assert status == 2
    assert err == (
        f"error: {tmp_path / 'ws.sqlite'}: no days of data; import exports first "
        "(python -m pga_core import PATH...) or name them after fit\n"
    )


# --- without --goals: a starter tree built from the data -------------------------------------
@pytest.fixture(scope="module")
def whoop_export(exports):
    """Only the WHOOP export of the synthetic person."""
    return [exports[0]]


def test_without_goals_the_starter_tree_is_fitted_with_the_same_json(whoop_export, capsys):
    status, out, err = run(["fit", *whoop_export, "--json", "--boot", BOOT], capsys)
    assert (status, err) == (0, "")
    daily = read_exports(whoop_export)
    starter = starter_tree(daily)
    expected = fit_json(fit_tree(starter.tree, daily, n_boot=int(BOOT)), include_state=False)
    document = json.loads(out)
    assert document["left_out"] == [
        {"goal": x.goal, "input": x.expression, "kind": x.kind, "message": x.message}
        for x in starter.left_out
    ]
    del document["left_out"]
    assert document == json.loads(json.dumps(expected, allow_nan=False))
    assert {"nodes", "leverage"} <= set(document)
    assert "have_any_alcoholic_drinks" in {lever["input"] for lever in document["leverage"]}


def test_without_goals_the_tree_is_printed_and_can_be_saved(whoop_export, tmp_path, capsys):
    saved = tmp_path / "mine.json"
    status, out, _ = run(["fit", *whoop_export, "--boot", BOOT, "--save-goals", str(saved)],
                         capsys)  # fmt: skip
    assert status == 0
    daily = read_exports(whoop_export)
    starter = starter_tree(daily)
    lines = out.splitlines()
    assert lines[0] == "starter goal tree built from the columns of the data (no --goals given):"
    assert lines[1 : 1 + len(tree_outline(starter.tree, daily))] == [
        f"  {line}" for line in tree_outline(starter.tree, daily)
    ]
    assert "  Overall health — predicts Health index" in lines
    assert (
        "    ← Have any alcoholic drinks? (the day before)   [have_any_alcoholic_drinks@lag1]"
        in lines
    )
    assert f"the tree was written to {saved} (JSON); edit it and fit it with --goals" in lines
    assert GoalTree.from_json(json.loads(saved.read_text(encoding="utf-8"))).to_json() == (
        starter.tree.to_json()
    )
    assert any(line.startswith("goal tree 'Overall health': 2 of 2 goals fitted") for line in lines)
    # the saved tree fits with --goals as printed
    status, again, _ = run(["fit", *whoop_export, "--boot", BOOT, "--goals", str(saved)], capsys)
    assert status == 0
    assert again.splitlines()[0] == next(
        line for line in lines if line.startswith("goal tree 'Overall health'")
    )


def test_without_goals_the_top_goal_can_be_chosen_and_the_workspace_keeps_it(
    whoop_export, tmp_path, capsys
):
    workspace = Workspace(tmp_path / "ws.sqlite")
    workspace.import_sources(whoop_export)
    args = ["fit", "--top", "recovery_score", "--boot", BOOT, "--workspace", str(workspace.path)]
    status, out, _ = run(args, capsys)
    assert status == 0
    assert "  Overall health — predicts Recovery score" in out.splitlines()
    assert out.endswith(f"saved as 'goals' in the workspace {workspace.path}\n")
    assert workspace.load_goals("goals")["target"] == "recovery_score"


@pytest.mark.parametrize(("args", "message"), [
    (["--top", "recovery_score", "--goals", str(GOALS)],
     "error: --top: chooses the starter tree's top goal; it cannot be used with --goals\n"),
    (["--top", "recovery_scor"], "did you mean recovery_score?"),
])  # fmt: skip
def test_a_bad_top_goal_is_one_line(whoop_export, capsys, args, message):
    status, out, err = run(["fit", *whoop_export, *args], capsys)
    assert (status, out) == (2, "")
    assert message in err
    assert err.count("\n") == 1


def test_data_without_a_measurement_cannot_have_a_starter_tree(exports, capsys):
    status, _, err = run(["fit", exports[2], "--boot", BOOT], capsys)
    assert status == 2
    assert err.startswith(
        f"error: {exports[2]}: no starter goal tree: the data hold no measurement"
    )
