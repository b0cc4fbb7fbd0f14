"""Command line ``impact``: the behaviour impact table of exports or the workspace, text or JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from pga_core.cli import main
from pga_core.data import Workspace
from pga_core.data.readers import read_exports
from pga_core.sample import generate_person, write_sample
from pga_core.stats import behaviour_impact

BOOT = "40"
OUTCOME = "recovery_score"
ALCOHOL = "have_any_alcoholic_drinks"
#: The fields ``impact --json`` promises (DESIGN.md, "Command line").
CONTRACT = ("behaviour", "label", "outcome", "lag", "n_yes", "n_no", "mean_yes", "mean_no",
            "pct_change", "ci_low", "ci_high", "p_value", "q_value", "enough_data")  # fmt: skip


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[str]:
    """A synthetic person's WHOOP CSVs and habit sheet, as written by the sample command."""
    folder = tmp_path_factory.mktemp("sample")
    write_sample(generate_person(240, seed=7), folder)
    return [str(folder / "whoop"), str(folder / "habits.csv")]


@pytest.fixture(scope="module")
def daily(exports):
    return read_exports(exports)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def numbers(records: list[dict], key: str) -> list[float]:
    """One field of every record, null read as NaN."""
    return [math.nan if r[key] is None else r[key] for r in records]


def same(value: object, cell: object) -> bool:
    """A JSON value equals a table cell (NaN is null; numbers exactly)."""
    if isinstance(cell, float) and math.isnan(cell):
        return value is None
    return value == cell


def test_json_is_behaviour_impact_of_the_files_alone_and_leaves_the_workspace_untouched(
    exports, daily, tmp_path, capsys
) -> None:
    workspace = tmp_path / "ws.sqlite"
    args = ["impact", *exports, "--outcome", OUTCOME, "--json", "--boot", BOOT,
            "--workspace", str(workspace)]  # fmt: skip
    status, out, err = run(args, capsys)
    assert (status, err) == (0, "")
    assert not workspace.exists()
    records = json.loads(out)
    expected = behaviour_impact(daily, OUTCOME, n_boot=int(BOOT))
    assert [r["behaviour"] for r in records] == expected["behaviour"].tolist()
    for record, row in zip(records, expected.to_dict(orient="records"), strict=True):
        assert set(CONTRACT) <= set(record)
        assert set(record) == set(row)
        for key, cell in row.items():
            assert same(record[key], cell), (record["behaviour"], key)


def test_percentages_are_plain_numbers_of_percent(exports, daily, capsys) -> None:
    _, out, _ = run(["impact", *exports, "--outcome", OUTCOME, "--json", "--boot", BOOT], capsys)
    alcohol = next(r for r in json.loads(out) if r["behaviour"] == ALCOHOL)
    table = daily.table.asfreq("D")
    pairs = pd.DataFrame({"b": table[ALCOHOL], "y": table[OUTCOME].shift(-1)}).dropna()
    yes, no = pairs.loc[pairs.b == 1, "y"].mean(), pairs.loc[pairs.b == 0, "y"].mean()
    assert alcohol["lag"] == 1
    assert alcohol["pct_change"] == pytest.approx((yes - no) / no * 100)
    assert -40 < alcohol["pct_change"] < -10
    assert alcohol["ci_low"] < alcohol["pct_change"] < alcohol["ci_high"]
    assert alcohol["enough_data"] is True


def test_options_reach_the_statistics(exports, daily, capsys) -> None:
    args = ["impact", *exports, "--outcome", "resting_hr", "--lag", "2", "--weekday",
            "--min-days", "30", "--json", "--boot", BOOT]  # fmt: skip
    status, out, _ = run(args, capsys)
    assert status == 0
    expected = behaviour_impact(
        daily, "resting_hr", lag=2, adjust_weekday=True, min_days=30, n_boot=int(BOOT)
    )
    records = json.loads(out)
    assert numbers(records, "pct_change") == pytest.approx(
        expected["pct_change"].tolist(), nan_ok=True
    )
    assert {r["lag"] for r in records} == {2}
    assert all(r["weekday_adjusted"] for r in records)
    short = expected[~expected["enough_data"]]
    assert len(short) > 0
    assert all(r["p_value"] is None for r in records if not r["enough_data"])


def test_the_table_lists_likely_effects_first_with_counts_intervals_and_q(
    exports, daily, capsys
) -> None:
    status, out, _ = run(["impact", *exports, "--outcome", OUTCOME, "--boot", BOOT], capsys)
    assert status == 0
    lines = out.splitlines()
    expected = behaviour_impact(daily, OUTCOME, n_boot=int(BOOT)).set_index("behaviour")
    assert lines[0] == (
        f"Recovery score (recovery_score) the next day after each yes/no behaviour: "
        f"{len(expected)} behaviours, {daily.days} days ("
        f"{daily.table.index.min():%Y-%m-%d} to {daily.table.index.max():%Y-%m-%d})"
    )
    assert f"over the {int(expected['tested'].sum())} tests" in lines[1]
    header = lines.index(next(line for line in lines if line.startswith("behaviour ")))
    body = lines[header + 1 : header + 1 + len(expected)]
    names = [line.split()[0] for line in body]
    assert sorted(names) == sorted(expected.index)
    order = ["likely effect", "no clear effect", "built in", "not enough data"]
    ranks = [order.index(expected.loc[n, "verdict"]) for n in names]
    assert ranks == sorted(ranks)
    alcohol = expected.loc[ALCOHOL]
    line = body[names.index(ALCOHOL)]
    assert line.split()[1:3] == [str(alcohol["n_yes"]), str(alcohol["n_no"])]
    # whole percent with a real minus, as the pages write a change
    assert f"−{abs(alcohol['pct_change']):.0f} %" in line
    assert f"(−{abs(alcohol['ci_low']):.0f} % to −{abs(alcohol['ci_high']):.0f} %)" in line
    assert f"{alcohol['q_value']:.2g}" in line
    assert alcohol["verdict"] == "likely effect"
    assert names[0] == ALCOHOL
    assert lines[-2:] == ["likely effects:", f"  {alcohol['note']}"]
    for name in expected.index[~expected["enough_data"]]:
        assert body[names.index(name)].split()[3:6] == ["-", "-", "-"]


def test_without_paths_the_workspace_is_used(exports, tmp_path, capsys) -> None:
    workspace = Workspace(tmp_path / "ws.sqlite")
    workspace.import_sources(exports)
    before = workspace.path.read_bytes()
    args = ["impact", "--outcome", OUTCOME, "--json", "--boot", BOOT,
            "--workspace", str(workspace.path)]  # fmt: skip
    status, out, _ = run(args, capsys)
    assert status == 0
    expected = behaviour_impact(workspace.daily(), OUTCOME, n_boot=int(BOOT))
    assert numbers(json.loads(out), "q_value") == pytest.approx(
        expected["q_value"].tolist(), nan_ok=True
    )
    assert workspace.path.read_bytes() == before


def test_an_unknown_outcome_lists_the_outcomes(exports, capsys) -> None:
    status, out, err = run(["impact", *exports, "--outcome", "recovery"], capsys)
    assert (status, out) == (2, "")
    assert err.startswith(
        f"error: {', '.join(exports)}: no column 'recovery' for --outcome; outcomes: "
        "recovery_score, hrv_rmssd, resting_hr, sleep_performance, asleep_min, "
    )
    assert ALCOHOL not in err
    assert err.count("\n") == 1


def test_an_unreadable_file_is_named(tmp_path, capsys) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n", encoding="utf-8")
    status, out, err = run(["impact", str(bad), "--outcome", OUTCOME], capsys)
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {bad}: not a format we recognise")
    assert err.count("\n") == 1
    status, _, err = run(["impact", str(tmp_path / "missing.csv"), "--outcome", OUTCOME], capsys)
    assert (status, err) == (2, f"error: {tmp_path / 'missing.csv'}: no such file or folder\n")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--lag", "-1"], "--lag: expected a number of days, 0 or more, got -1"),
        (["--min-days", "0"], "--min-days: expected a number of days, 1 or more, got 0"),
        (["--boot", "0"], "--boot: expected a number of resamples, 1 or more, got 0"),
    ],
)
def test_bad_settings_are_one_line_and_status_2(exports, capsys, flags, message) -> None:
    status, _, err = run(["impact", *exports, "--outcome", OUTCOME, *flags], capsys)
    assert (status, err) == (2, f"error: {message}\n")


def test_an_empty_workspace_and_a_missing_outcome_say_what_to_do(tmp_path, capsys) -> None:
    path = tmp_path / "ws.sqlite"
    status, _, err = run(["impact", "--outcome", OUTCOME, "--workspace", str(path)], capsys)
    assert (status, err) == (
        2,
        f"error: {path}: no days of data; import exports first (python -m pga_core import "
        "PATH...) or name them after impact\n",
    )
    status, _, err = run(["impact", str(path)], capsys)
    assert status == 2
    assert err == (
        "error: python -m pga_core impact: the following arguments are required: --outcome\n"
    )


def test_data_without_behaviours_is_named(tmp_path, capsys) -> None:
    sheet = tmp_path / "steps.csv"
    rows = "\n".join(f"2024-01-{day:02d},{1000 * day}" for day in range(1, 21))
    sheet.write_text(f"date,steps\n{rows}\n", encoding="utf-8")
    status, _, err = run(["impact", str(sheet), "--outcome", "steps"], capsys)
    assert status == 2
    assert err.startswith(f"error: {sheet}: no yes/no behaviours to test against 'steps'")
    assert Path(sheet).read_text(encoding="utf-8").startswith("date,steps")
