"""The one place for what a value may be: ranges, date window, rounding and the notes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.data.readers import apple_health, oura, whoop
from pga_core.data.readers._plausible import (
    ANY_NUMBER,
    FIRST_DAY,
    RANGES,
    ROUNDING,
    ValueNotes,
    date_window,
    range_of,
    screen_daily,
)


def test_every_range_has_a_reason_and_low_below_high() -> None:
    for name, bounds in RANGES.items():
        assert bounds.low < bounds.high, name
        assert bounds.reason.strip(), name
    for (fmt, name), rounding in ROUNDING.items():
        assert name in RANGES, (fmt, name)
        assert 0 < rounding.tolerance <= 1.0, (fmt, name)


def test_every_reader_variable_with_a_unit_has_a_range() -> None:
    registries = {**whoop.REGISTRY, **oura.VARIABLES, **apple_health.VARIABLES}
    missing = [n for n, v in registries.items() if v.kind != "behaviour" and n not in RANGES]
    assert missing == []


def test_an_unknown_column_gets_the_range_of_any_number() -> None:
    assert range_of("hydration_l") is ANY_NUMBER
    assert range_of("steps").high == 150_000


def test_values_outside_the_range_are_left_out_and_noted_with_rows() -> None:
    notes = ValueNotes()
    values = np.array([50.0, 250.0, -5.0, np.nan, np.inf, 80.0])
    kept = notes.screen(
        values,
        variable="recovery_score",
        file="cycles.csv",
        column="Recovery score %",
        positions=[2, 3, 4, 5, 6, 7],
    )
    np.testing.assert_array_equal(kept, [50.0, np.nan, np.nan, np.nan, np.nan, 80.0])
    assert len(notes) == 3
    assert notes.lines() == [
        "cycles.csv: 1 value of 'Recovery score %' not a finite number left out (row 6)",
        "cycles.csv: 1 value of 'Recovery score %' negative left out (row 4; plausible: 0 to "
        "100 %; WHOOP recovery is a percentage)",
        "cycles.csv: 1 value of 'Recovery score %' above 100 left out (row 3; plausible: 0 to "
        "100 %; WHOOP recovery is a percentage)",
    ]


def test_a_known_rounding_is_clamped_within_its_tolerance_only() -> None:
    notes = ValueNotes()
    kept = notes.screen(
        np.array([101.0, 101.0, 102.0]),
        variable="sleep_efficiency",
        file="sleeps.csv",
        column="Sleep efficiency %",
        positions=[630, 631, 701],
        fmt="whoop",
    )
    np.testing.assert_array_equal(kept, [100.0, 100.0, np.nan])
    assert sorted(notes.lines()) == [
        "sleeps.csv: 1 value of 'Sleep efficiency %' above 100 left out (row 701; plausible: 0 "
        "to 100 %; time asleep is at most the time in bed)",
        "sleeps.csv: 2 values of 'Sleep efficiency %' above 100 clamped to 100 (rows 630, 631; "
        "WHOOP rounds to 101)",
    ]
    # another format's 101 % is not clamped
    other = ValueNotes().screen(
        np.array([101.0]), variable="sleep_efficiency", file="x", column="x", positions=[2]
    )
    assert np.isnan(other[0])


def test_a_note_names_the_first_positions_and_how_many_more() -> None:
    notes = ValueNotes()
    notes.screen(
        np.full(12, -1.0), variable="steps", file="log.csv", column="steps", positions=range(2, 14)
    )
    (line,) = notes.lines()
    assert line.startswith("log.csv: 12 values of 'steps' negative left out (rows 2, 3, 4, 5, 6 ")
    assert "and 7 more;" in line


def test_the_date_window_is_2000_to_the_export_date_or_today() -> None:
    today = date(2024, 6, 1)
    assert date_window(today=today) == (FIRST_DAY, pd.Timestamp("2024-06-02"))
    assert date_window("2019-06-17 10:00:00 +0200", today=today)[1] == pd.Timestamp("2019-06-17")
    # an export date in the future is not believed
    assert date_window("2099-01-01", today=today)[1] == pd.Timestamp("2024-06-02")


def test_records_outside_the_window_are_left_out_with_their_dates_and_lines() -> None:
    notes = ValueNotes()
    days = pd.Series(pd.to_datetime(["2019-01-01", "2030-01-06", "1900-01-01", None]))
    keep = notes.screen_days(
        days,
        file="export.xml",
        positions=[10, 48_113, 7, 9],
        window=date_window("2019-06-17", today=date(2024, 1, 1)),
        after="the export date",
        where="line",
    )
    np.testing.assert_array_equal(keep, [True, False, False, True])
    assert notes.lines() == [
        "export.xml: 1 record dated 1900-01-01, before 2000-01-01, left out (line 7; an Excel or "
        "Unix epoch date, not a real record)",
        "export.xml: 1 record dated 2030-01-06, after the export date 2019-06-17, left out "
        "(line 48,113; a record from the future)",
    ]


def test_notes_of_one_kind_add_up_across_calls() -> None:
    notes = ValueNotes()
    for row in (2, 3):
        notes.add("a.csv", [row], problem="negative", column="Duration (min)", values=[-1.0])
    assert notes.lines() == ["a.csv: 2 values of 'Duration (min)' negative left out (rows 2, 3)"]


@pytest.mark.parametrize("bad", [1e15, -50_000.0, np.inf])
def test_screen_daily_leaves_out_what_a_reader_missed(bad: float) -> None:
    index = pd.DatetimeIndex(["1969-12-31", "2024-03-04", "2024-03-05"], name="date")
    table = pd.DataFrame({"steps": [1.0, bad, 9000.0]}, index=index)
    daily = DailyData(table, {"steps": Variable("steps", "Steps", "steps")}, ["kept"])
    screened = screen_daily(daily, file="export.xml", window=date_window(today=date(2024, 6, 1)))
    assert screened.table.index.tolist() == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-05")]
    assert np.isnan(screened.table.loc["2024-03-04", "steps"])
    assert screened.table.loc["2024-03-05", "steps"] == 9000.0
    assert screened.warnings[0] == "kept"
    assert "export.xml: 1 record dated 1969-12-31, before 2000-01-01" in screened.warnings[1]
    assert "value of 'Steps'" in screened.warnings[2]
    assert "(day 2024-03-04" in screened.warnings[2]


def test_screen_daily_returns_a_plausible_table_unchanged() -> None:
    index = pd.DatetimeIndex(["2024-03-04"], name="date")
    daily = DailyData(
        pd.DataFrame({"steps": [5.0]}, index=index), {"steps": Variable("steps", "S")}
    )
    assert screen_daily(daily, file="x", window=date_window(today=date(2024, 6, 1))) is daily


def test_the_readmes_table_of_ranges_is_the_modules() -> None:
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<summary>The plausible ranges</summary>", 1)[1].split("</details>")[0]
    found = {}
    for row in table.strip().splitlines()[2:]:
        names, bounds, _ = (cell.strip() for cell in row.strip("|").split("|"))
        low, _, high = bounds.split()[:3]
        for name in re.findall(r"`(\w+)`", names):
            found[name] = (float(low.replace(",", "")), float(high.replace(",", "")))
    assert found == {name: (r.low, r.high) for name, r in RANGES.items()}
