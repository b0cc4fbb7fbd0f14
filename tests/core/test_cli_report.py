"""Command line: ``--from``/``--to`` on every command that reads days, and ``report``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pga_core.cli import main
from pga_core.data import Workspace
from pga_core.data.readers import read_exports
from pga_core.goals import fit_tree, read_tree
from pga_core.sample import generate_person, write_sample
from pga_core.stats import behaviour_impact

REPO = Path(__file__).resolve().parents[2]
GOALS = REPO / "data" / "goals.json"
BOOT = "20"
OUTCOME = "recovery_score"
FIRST, LAST = "2023-03-01", "2023-08-31"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[str]:
    """A synthetic person's WHOOP CSVs, Apple Health export and habit sheet (2023-01-02 on)."""
    folder = tmp_path_factory.mktemp("sample")
    write_sample(generate_person(300, seed=3), folder)
    return [str(folder / "whoop"), str(folder / "apple_health" / "export.zip"),
            str(folder / "habits.csv")]  # fmt: skip


@pytest.fixture(scope="module")
def daily(exports):
    return read_exports(exports)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the date range -------------------------------------------------------------------------------
def test_impact_from_to_is_the_impact_of_those_days(exports, daily, capsys) -> None:
    args = ["impact", *exports, "--outcome", OUTCOME, "--boot", BOOT, "--from", FIRST,
            "--to", LAST]  # fmt: skip
    status, out, err = run([*args, "--json"], capsys)
    assert (status, err) == (0, "")
    expected = behaviour_impact(
        daily.between(date(2023, 3, 1), date(2023, 8, 31)), OUTCOME, n_boot=int(BOOT)
    )
    records = json.loads(out)
    assert [r["n_yes"] for r in records] == expected["n_yes"].tolist()
    assert [r["pct_change"] for r in records] == pytest.approx(expected["pct_change"].tolist())
    status, out, _ = run(args, capsys)
    assert status == 0
    assert "184 days (2023-03-01 to 2023-08-31)" in out.splitlines()[0]


def test_fit_from_is_the_fit_of_the_days_from_then(exports, daily, capsys) -> None:
    status, out, err = run(["fit", *exports, "--goals", str(GOALS), "--boot", BOOT, "--json",
                            "--from", FIRST], capsys)  # fmt: skip
    assert (status, err) == (0, "")
    tree = read_tree(GOALS.read_text(encoding="utf-8"))
    expected = fit_tree(tree, daily.between(date(2023, 3, 1)), n_boot=int(BOOT))
    nodes = {n["name"]: n for n in json.loads(out)["nodes"]}
    root = expected.root
    assert root is not None
    assert nodes[root.name]["n_rows"] == root.n_rows < daily.days


def test_to_alone_and_the_workspace_take_the_range_too(exports, tmp_path, capsys) -> None:
    workspace = tmp_path / "ws.sqlite"
    Workspace(workspace).import_sources(exports)
    status, out, _ = run(["impact", "--outcome", OUTCOME, "--boot", BOOT, "--to", "2023-01-31",
                          "--workspace", str(workspace)], capsys)  # fmt: skip
    assert status == 0
    assert "30 days (2023-01-02 to 2023-01-31)" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--from", "2023-02-30"], "argument --from: expected a date written as YYYY-MM-DD, got "
         "'2023-02-30'"),
        (["--to", "31.01.2023"], "argument --to: expected a date written as YYYY-MM-DD, got "
         "'31.01.2023'"),
        (["--from", LAST, "--to", FIRST], "--from/--to: the date range starts on 2023-08-31, "
         "after its end on 2023-03-01"),
        (["--from", "2030-01-01"], "no days of data between --from 2030-01-01 and --to the last "
         "day; the data run from 2023-01-02 to 2023-10-28, 300 days"),
    ],
)  # fmt: skip
def test_a_bad_date_or_an_empty_range_is_one_line_and_status_2(
    exports, capsys, flags, message
) -> None:
    for command in (["impact", "--outcome", OUTCOME], ["fit", "--goals", str(GOALS)]):
        status, out, err = run([command[0], *exports, *command[1:], "--boot", BOOT, *flags],
                               capsys)  # fmt: skip
        assert status == 2
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("error: ")
        assert message in err


# --- report -------------------------------------------------------------------------------------
def test_report_writes_one_self_contained_html_file(exports, tmp_path, capsys) -> None:
    out = tmp_path / "report.html"
    status, printed, err = run(["report", *exports, "--out", str(out), "--boot", BOOT,
                                "--from", FIRST, "--to", LAST], capsys)  # fmt: skip
    assert (status, err) == (0, "")
    assert printed.startswith(f"wrote {out} (")
    assert "from 2023-03-01 to 2023-08-31, 184 days" in printed
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "Days used: from one date to another, from 2023-03-01 to 2023-08-31, 184 days." in page
    for section in ('id="overview"', 'id="behaviours"', 'id="goals"', 'id="limits"'):
        assert section in page
    assert "Overall health" in page  # the default tree, fitted for the report


def test_report_of_the_workspace_leaves_it_as_it_was(exports, tmp_path, capsys) -> None:
    workspace = tmp_path / "ws.sqlite"
    Workspace(workspace).import_sources(exports)
    before = Workspace(workspace).goal_names()
    out = tmp_path / "report.html"
    status, _, err = run(["report", "--out", str(out), "--boot", BOOT, "--workspace",
                          str(workspace)], capsys)  # fmt: skip
    assert (status, err) == (0, "")
    assert "Your data. Days used: all days, from 2023-01-02 to 2023-10-28, 300 days." in (
        out.read_text(encoding="utf-8")
    )
    assert Workspace(workspace).goal_names() == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--out", "/no/such/folder/report.html"], "/no/such/folder/report.html: the report "
         "cannot be written"),
        (["--out", "r.html", "--boot", "0"], "--boot: expected a number of resamples, 1 or more"),
        (["--out", "r.html", "--goals", "missing.json"], "missing.json: no such goal file"),
        (["--out", "r.html", "--from", "2023-1-1x"], "argument --from: expected a date written "
         "as YYYY-MM-DD"),
        ([], "the following arguments are required: --out"),
    ],
)  # fmt: skip
def test_report_bad_input_is_one_line_and_status_2(exports, capsys, flags, message) -> None:
    status, out, err = run(["report", *exports, *flags], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
