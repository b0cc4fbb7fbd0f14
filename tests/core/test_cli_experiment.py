"""Command line: ``experiment`` plans, follows and analyses a self-experiment in the workspace."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from pga_core.cli import main
from pga_core.data import Workspace
from pga_core.experiments import (
    ExperimentPlan,
    analyse_experiment,
    calendar_csv,
    calendar_ics,
    draw_orders,
)
from pga_core.sample import generate_person, write_sample

ALCOHOL = "have_any_alcoholic_drinks"
NAME = "dry, *spell*"
PLAN = ["experiment", "plan", NAME, "--behaviour", ALCOHOL, "--outcome", "recovery_score",
        "--on", "no", "--off", "yes", "--on-name", "no drinks", "--off-name", "drinks",
        "--seed", "42", "--pairs", "6", "--start", "2024-03-01"]  # fmt: skip


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    """WHOOP exports of the sample person before an experiment and during it."""
    folder = tmp_path_factory.mktemp("exports")
    before = generate_person(60, seed=3, start="2024-01-01")
    during = generate_person(60, seed=4, start="2024-03-01")
    return {
        "before": write_sample(before, folder / "before")["whoop_export.zip"],
        "during": write_sample(during, folder / "during")["whoop_export.zip"],
    }


@pytest.fixture
def workspace(tmp_path, monkeypatch, exports) -> Workspace:
    path = tmp_path / "workspace.sqlite"
    monkeypatch.setenv("PGA_WORKSPACE", str(path))
    workspace = Workspace(path)
    workspace.import_sources([exports["before"]])
    return workspace


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_plan_prints_the_plan_its_power_and_calendar_and_saves_it(workspace, capsys) -> None:
    status, out, err = run(capsys, *PLAN)
    assert (status, err) == (0, "")
    assert out.startswith(
        "Experiment 'dry, *spell*': Have any alcoholic drinks?, A: no drinks (= 0) against "
        "B: drinks (= 1); its effect on Recovery score the next day.\n"
    )
    assert "6 pairs of 4-day periods: 48 days, Fri 1 Mar 2024 to Wed 17 Apr 2024." in out
    assert f"orders {' '.join(draw_orders(42, 6))}" in out
    assert "simulated trials of this design on your Recovery score" in out
    assert "  2024-03-01  Fri  pair  1  " in out
    assert f"saved as {NAME!r} in the workspace {workspace.path}" in out
    record = workspace.load_experiment(NAME)
    plan = ExperimentPlan.from_json(record["plan"])
    assert (record["seed"], record["status"], plan.orders) == (42, "active", draw_orders(42, 6))
    assert [c.name for c in plan.conditions] == ["no drinks", "drinks"]


def test_plan_json_and_calendar_files(workspace, capsys, tmp_path) -> None:
    csv, ics = tmp_path / "plan.csv", tmp_path / "plan.ics"
    status, out, _ = run(capsys, *PLAN, "--json", "--dry-run", "--csv", str(csv), "--ics", str(ics))
    assert status == 0
    document = json.loads(out)
    plan = ExperimentPlan.from_json(document["plan"])
    assert document["saved"] is False
    assert workspace.experiment_names() == []
    assert len(document["calendar"]) == 48
    assert document["calendar"][0] == {
        "date": "2024-03-01", "pair": 1, "period": 1, "condition": plan.orders[0][0],
        "do": ["no drinks", "drinks"]["AB".index(plan.orders[0][0])], "outcome_counted": True,
    }  # fmt: skip
    power = document["power"]
    assert 0 <= power["power"] <= 1
    assert power["simulated_trials"] == 400
    assert power["change_pct"] == pytest.approx(10.0)
    assert [o["pairs"] for o in power["options"]][:1] == [6]
    assert csv.read_text(encoding="utf-8") == calendar_csv(plan)
    text = ics.read_bytes().decode("utf-8")
    reference = calendar_ics(plan)
    dated = [line for line in text.split("\r\n") if not line.startswith("DTSTAMP:")]
    assert dated == [line for line in reference.split("\r\n") if not line.startswith("DTSTAMP:")]


def test_weeks_set_the_length_and_yes_no_is_the_default(workspace, capsys) -> None:
    args = ["experiment", "plan", "x", "--behaviour", ALCOHOL, "--outcome", "recovery_score",
            "--weeks", "6", "--period-days", "3", "--json", "--dry-run"]  # fmt: skip
    status, out, _ = run(capsys, *args)
    document = json.loads(out)["plan"]
    assert status == 0
    assert (document["pairs"], document["period_days"]) == (7, 3)  # 42 days / 6 a pair
    assert [c["name"] for c in document["conditions"]] == ["yes", "no"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--behaviour", "nope"], "--behaviour 'nope': no such column; behaviours and habits: "),
        (["--on", "maybe"], "--on and --off: give both conditions' rules, or neither"),
        (["--off", "maybe"], "--on and --off: give both"),
        (["--period-days", "2", "--washout-days", "2"], "washout_days: expected fewer"),
        (["--pairs", "3", "--weeks", "4"], "not allowed with argument"),
    ],
)
def test_a_plan_that_cannot_be_made_is_one_line_and_status_2(workspace, capsys, extra, message):
    args = ["experiment", "plan", "x", "--behaviour", ALCOHOL, "--outcome", "recovery_score"]
    status, out, err = run(capsys, *args, *extra)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err


def test_a_rule_that_cannot_be_read_names_the_condition(workspace, capsys) -> None:
    args = ["experiment", "plan", "x", "--behaviour", ALCOHOL, "--outcome", "recovery_score",
            "--on", "maybe", "--off", "no"]  # fmt: skip
    status, _, err = run(capsys, *args)
    assert status == 2
    assert "condition A: rule 'maybe': expected yes, no, or a comparison" in err


def test_a_second_plan_of_the_same_name_is_refused(workspace, capsys) -> None:
    assert run(capsys, *PLAN)[0] == 0
    status, _, err = run(capsys, *PLAN)
    assert status == 2
    assert "an experiment named 'dry, *spell*' exists; restart it" in err


def test_an_empty_workspace_cannot_be_planned_on(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PGA_WORKSPACE", str(tmp_path / "empty.sqlite"))
    status, _, err = run(capsys, *PLAN)
    assert status == 2
    assert "no days of data; import exports first" in err


def test_status_and_analyse_follow_the_imports(workspace, capsys, exports) -> None:
    run(capsys, *PLAN)
    status, out, _ = run(capsys, "experiment", "status", NAME)
    assert status == 0
    assert "state: not started" in out
    workspace.import_sources([exports["during"]])
    status, out, _ = run(capsys, "experiment", "status", NAME, "--json")
    progress = json.loads(out)
    plan = ExperimentPlan.from_json(workspace.load_experiment(NAME)["plan"])
    reference = analyse_experiment(plan, workspace.daily())
    assert progress["state"] == "finished"
    assert progress["done"] == reference.adherence.done
    assert progress["done"] + progress["missed"] + progress["not_logged"] == 48

    status, out, _ = run(capsys, "experiment", "analyse", NAME, "--json")
    assert status == 0
    document = json.loads(out)
    assert document["final"] is True
    assert document["as_planned"]["difference"] == pytest.approx(reference.as_planned.difference)
    assert document["as_planned"]["p_value"] == pytest.approx(reference.as_planned.p_value)
    assert document["as_planned"]["orders"] == 64
    sources = [row["source"] for row in document["compared"]]
    assert sources[0].startswith("Your history before Fri 1 Mar 2024")
    assert sources[1:] == ["This experiment, as planned", "This experiment, as done"]
    stored = workspace.load_experiment(NAME)
    assert stored["status"] == "complete"
    assert stored["result"] == {k: v for k, v in document.items() if k != "compared"}

    status, out, _ = run(capsys, "experiment", "analyze", NAME)
    assert status == 0
    assert "As planned (intention to treat), 6 pairs: Recovery score the next day was" in out
    assert "randomisation test p = " in out
    assert "The paired t-test on the period means" in out
    assert "beside what was known before (A − B, in points):" in out


def test_the_goal_trees_lever_is_set_beside_the_experiment(workspace, capsys, tmp_path) -> None:
    tree = tmp_path / "drink.json"
    tree.write_text(json.dumps({
        "name": "top", "target": "recovery_score",
        "inputs": [f"{ALCOHOL}@lag1", "asleep_min"],
    }))  # fmt: skip
    assert run(capsys, "fit", "--goals", str(tree), "--boot", "10")[0] == 0
    run(capsys, *PLAN)
    status, out, _ = run(capsys, "experiment", "analyse", NAME, "--json", "--goals", "drink")
    compared = json.loads(out)["compared"]
    assert status == 0
    lever = compared[1]
    assert lever["source"].startswith("Goal tree 'drink' (leverage")
    assert lever["difference"] is not None  # no minus yes: the lever's per-unit effect, flipped
    status, _, err = run(capsys, "experiment", "analyse", NAME, "--goals", "other")
    assert status == 2
    assert "no fit of a goal tree named 'other'" in err


def test_list_calendar_abandon_and_restart(workspace, capsys, monkeypatch) -> None:
    status, out, _ = run(capsys, "experiment", "list")
    assert out.startswith("no experiments in ")
    run(capsys, *PLAN)
    status, out, _ = run(capsys, "experiment", "list", "--json")
    (row,) = json.loads(out)
    assert (row["experiment"], row["state"], row["days_done"]) == (NAME, "not started", "0 of 48")
    plan = ExperimentPlan.from_json(workspace.load_experiment(NAME)["plan"])
    status, out, _ = run(capsys, "experiment", "calendar", NAME)
    assert out == calendar_csv(plan)
    assert pd.read_csv(io.StringIO(out)).shape == (48, 8)

    status, out, _ = run(capsys, "experiment", "abandon", NAME)
    assert status == 0
    assert workspace.load_experiment(NAME)["status"] == "abandoned"
    assert "abandoned" in run(capsys, "experiment", "list")[1]

    status, out, _ = run(capsys, "experiment", "restart", NAME, "--seed", "7")
    assert status == 0
    record = workspace.load_experiment(NAME)
    again = ExperimentPlan.from_json(record["plan"])
    assert (record["status"], record["seed"]) == ("active", 7)
    assert again.orders == draw_orders(7, 6)
    assert again.start == workspace.daily().table.index.max() + pd.Timedelta(days=1)
    assert run(capsys, "experiment", "abandon", "other")[0] == 2
