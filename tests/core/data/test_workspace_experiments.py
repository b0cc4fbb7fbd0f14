"""Workspace: self-experiments stored as JSON text, in every workspace, surviving re-imports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from pga_core.data import DailyData, Variable, Workspace
from pga_core.data.readers import ReadResult, collect_files

PLAN = {"version": 1, "name": "dry week", "pairs": 8, "orders": ["AB", "BA"] * 4, "seed": 42}
RESULT = {"as_planned": {"difference": 3.5, "ci_low": None}, "final": False}


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "workspace.sqlite")


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the experiments', by table, as SQLite holds them."""
    with sqlite3.connect(path) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        return {
            name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall())
            for name in names
            if name != "experiments"
        }


def schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return sorted(
            connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        )


def an_import(tmp_path: Path, name: str, first: str) -> ReadResult:
    days = pd.date_range(first, periods=5, freq="D", name="date")
    daily = DailyData(
        pd.DataFrame({"recovery_score": [50.0, 60, 55, 70, 65]}, index=days),
        {"recovery_score": Variable("recovery_score", "Recovery score", "%")},
    )
    path = tmp_path / name
    path.write_text(name)
    return ReadResult("whoop", tuple(collect_files([path])), daily)


def test_a_new_workspace_has_an_empty_experiments_table(workspace) -> None:
    assert workspace.experiments() == []
    assert workspace.experiment_names() == []


def test_an_older_workspace_gets_the_table_on_open_and_nothing_else_changes(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    old = Workspace(path)
    old.import_results([an_import(tmp_path, "a.csv", "2024-01-01")])
    old.save_goals("tree", {"name": "top"})
    with sqlite3.connect(path) as connection:  # as a workspace made before experiments were
        connection.execute("DROP TABLE experiments")
    before_rows, before_schema = tables(path), schema(path)
    assert "experiments" not in {table for _, _, table, _ in before_schema}

    reopened = Workspace(path)
    assert reopened.experiments() == []
    assert tables(path) == before_rows
    assert [entry for entry in before_schema if entry not in schema(path)] == []
    added = [entry for entry in schema(path) if entry not in before_schema]
    assert {table for _, _, table, _ in added} == {"experiments"}  # the table and its index
    Workspace(path)  # opening again leaves it as it is
    assert tables(path) == before_rows


def test_an_experiment_round_trips_as_json_text(workspace) -> None:
    workspace.save_experiment("dry week", PLAN, seed=42)
    record = workspace.load_experiment("dry week")
    assert record["plan"] == PLAN
    assert (record["seed"], record["status"], record["result"]) == (42, "active", None)
    assert record["created_at"] == record["updated_at"]
    with sqlite3.connect(workspace.path) as connection:
        (text,) = connection.execute("SELECT plan_json FROM experiments").fetchone()
    assert json.loads(text) == PLAN  # plain JSON text, never a pickle
    workspace.save_experiment_result("dry week", RESULT, status="complete")
    record = workspace.load_experiment("dry week")
    assert (record["result"], record["status"]) == (RESULT, "complete")
    workspace.save_experiment_result("dry week", None)
    assert workspace.load_experiment("dry week")["result"] is None


def test_experiments_are_listed_oldest_first_and_can_be_abandoned(workspace) -> None:
    for name in ("first", "second", "third"):
        workspace.save_experiment(name, PLAN | {"name": name}, seed=1)
    assert workspace.experiment_names() == ["first", "second", "third"]
    workspace.set_experiment_status("second", "abandoned")
    statuses = {r["name"]: r["status"] for r in workspace.experiments()}
    assert statuses == {"first": "active", "second": "abandoned", "third": "active"}
    workspace.delete_experiment("first")
    assert workspace.experiment_names() == ["second", "third"]


def test_a_restart_replaces_the_plan_and_clears_the_old_result(workspace) -> None:
    workspace.save_experiment("dry week", PLAN, seed=42)
    workspace.save_experiment_result("dry week", RESULT, status="abandoned")
    created = workspace.load_experiment("dry week")["created_at"]
    workspace.save_experiment("dry week", PLAN | {"seed": 7}, seed=7)
    record = workspace.load_experiment("dry week")
    assert (record["seed"], record["status"], record["result"]) == (7, "active", None)
    assert record["plan"]["seed"] == 7
    assert record["created_at"] == created
    assert workspace.experiment_names() == ["dry week"]


def test_experiments_survive_imports_and_removals(workspace, tmp_path) -> None:
    workspace.save_experiment("dry week", PLAN, seed=42)
    first = workspace.import_results([an_import(tmp_path, "a.csv", "2024-01-01")])
    workspace.import_results([an_import(tmp_path, "a.csv", "2024-01-01")])  # the same again
    workspace.import_results([an_import(tmp_path, "b.csv", "2024-01-04")])
    workspace.remove_import(first.imports[0].import_id)
    assert workspace.load_experiment("dry week")["plan"] == PLAN


def test_experiment_errors_say_what_is_wrong(workspace) -> None:
    workspace.save_experiment("dry week", PLAN, seed=42)
    with pytest.raises(ValueError, match=r"no experiment named 'other' \(saved: 'dry week'\)"):
        workspace.load_experiment("other")
    with pytest.raises(ValueError, match=r"no experiment named 'other'"):
        workspace.set_experiment_status("other", "abandoned")
    with pytest.raises(ValueError, match=r"no experiment named 'other'"):
        workspace.delete_experiment("other")
    with pytest.raises(ValueError, match=r"experiment name: expected a non-empty text"):
        workspace.save_experiment(" ", PLAN, seed=1)
    with pytest.raises(TypeError, match=r"expected the plan as a dict, got list"):
        workspace.save_experiment("x", [1], seed=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"the result cannot be saved as JSON"):
        workspace.save_experiment_result("dry week", {"p": float("nan")})
    with pytest.raises(ValueError, match=r"expected a status text"):
        workspace.set_experiment_status("dry week", "")
