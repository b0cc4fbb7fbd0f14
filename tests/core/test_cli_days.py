"""Command line ``days``: the merged daily table of exports or the workspace, as CSV or JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.cli import main
from pga_core.data import Workspace
from pga_core.data.readers import read_exports
from pga_core.sample import generate_person, write_sample

LOG = (
    'date,Mood (1-5),=HYPERLINK("http://x"),Temperature\n2024-03-04,3,1,-0.5\n2024-03-05,,2,0.25\n'
)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("sample")
    write_sample(generate_person(60, seed=3), folder)
    return [str(folder / "whoop"), str(folder / "habits.csv")]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])


@pytest.mark.parametrize("flag", [[], ["--csv"]])
def test_csv_of_exports_is_the_merged_daily_table(
    exports: list[str], flag: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "untouched.sqlite"
    status, out, err = run(["days", *exports, *flag, "--workspace", str(workspace)], capsys)
    assert (status, err) == (0, "")
    expected = read_exports(exports).table
    pd.testing.assert_frame_equal(_table(out), expected, check_names=False, check_freq=False)
    assert not workspace.exists()


def test_json_carries_each_columns_label_unit_kind_and_source(
    exports: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(["days", *exports, "--json"], capsys)
    assert status == 0
    document = json.loads(out)
    daily = read_exports(exports)
    assert [c["name"] for c in document["columns"]] == list(daily.table.columns)
    recovery = next(c for c in document["columns"] if c["name"] == "recovery_score")
    assert recovery == {
        "name": "recovery_score",
        "label": "Recovery score",
        "unit": "%",
        "kind": "metric",
        "source": "whoop",
    }
    assert len(document["rows"]) == daily.days
    first = document["rows"][0]
    assert first["date"] == f"{daily.table.index[0]:%Y-%m-%d}"
    for name, value in daily.table.iloc[0].items():
        assert first[name] == (None if np.isnan(value) else value)


def test_without_paths_the_workspace_is_printed(
    exports: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = Workspace(tmp_path / "w.sqlite")
    workspace.import_sources(exports)
    status, out, _ = run(["days", "--workspace", str(workspace.path)], capsys)
    assert status == 0
    pd.testing.assert_frame_equal(
        _table(out), workspace.daily().table, check_names=False, check_freq=False
    )


def test_labels_written_like_formulas_and_negative_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    status, out, _ = run(["days", str(log)], capsys)
    assert status == 0
    assert out.splitlines() == [
        "date,mood_1_5,hyperlink_http_x,temperature",
        "2024-03-04,3.0,1.0,-0.5",  # a negative number stays a number
        "2024-03-05,,2.0,0.25",
    ]
    status, out, _ = run(["days", str(log), "--json"], capsys)
    labels = [c["label"] for c in json.loads(out)["columns"]]
    assert labels == ["Mood (1-5)", '=HYPERLINK("http://x")', "Temperature"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["days", "nope.csv"], "error: nope.csv: no such file or folder"),
        (["days", "--csv", "--json"], "argument --json: not allowed with argument --csv"),
    ],
)
def test_bad_input_is_one_plain_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(args, capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_an_empty_workspace_says_to_import_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["days", "--workspace", str(tmp_path / "w.sqlite")], capsys)
    assert status == 2
    assert "no days of data; import exports first" in err


def test_import_says_each_note_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.csv"
    log.write_text("date,steps\n2024-03-04,9000\n2024-03-05,1e15\n1900-01-01,5\n", encoding="utf-8")
    workspace = tmp_path / "w.sqlite"
    status, out, _ = run(["import", str(log), "--workspace", str(workspace)], capsys)
    assert status == 0
    lines = out.splitlines()
    left_out = [line for line in lines if "left out" in line]
    assert left_out == [
        f"  warning: {log}: 1 record dated 1900-01-01, before 2000-01-01, left out (row 4; an "
        "Excel or Unix epoch date, not a real record)",
        f"  warning: {log}: 1 value of 'steps' above 150,000 left out (row 3; plausible: 0 to "
        "150,000 steps; ultramarathon days reach about 100,000 steps)",
    ]
    assert len(set(lines)) == len(lines)
    assert Workspace(workspace).daily().table["steps"].dropna().tolist() == [9000.0]
