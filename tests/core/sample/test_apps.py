"""The sample person's Loop, Daylio and Bearable exports: the real formats, reproducible, and a
daily table that the files themselves give when read by hand, straight from the format facts."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from pga_core.sample import (
    bearable_export,
    daylio_export,
    generate_person,
    loop_export,
    write_app_exports,
)
from pga_core.sample._formats import (
    BEARABLE_COLUMNS,
    DAYLIO_COLUMNS,
    DAYLIO_COLUMNS_12H,
    DAYLIO_COLUMNS_OLDEST,
    LOOP_HABITS_COLUMNS,
    LOOP_HABITS_COLUMNS_OLD,
)

LOOP_CODES = {"YES_MANUAL", "YES_AUTO", "NO", "UNKNOWN"}


@pytest.fixture(scope="module")
def person():
    return generate_person(150, seed=4, start="2024-01-20")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _assert_same(table: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        table.sort_index(axis=1),
        expected.sort_index(axis=1),
        check_index_type=False,
        check_freq=False,
        check_names=False,
    )


# --- writing -------------------------------------------------------------------------------------
def test_write_app_exports_writes_each_app_byte_for_byte_reproducibly(person, tmp_path) -> None:
    first = write_app_exports(person, tmp_path / "a")
    second = write_app_exports(generate_person(150, seed=4, start="2024-01-20"), tmp_path / "b")
    assert sorted(first) == [
        "Loop Habits CSV 2024-06-17.zip",
        "bearable-export-17-06-2024.csv",
        "daylio_export.csv",
    ]
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


def test_another_seed_gives_other_logs(person) -> None:
    other = generate_person(150, seed=5, start="2024-01-20")
    assert daylio_export(other).files != daylio_export(person).files


# --- Loop Habit Tracker --------------------------------------------------------------------------
def test_the_loop_zip_has_loops_layout(person, tmp_path) -> None:
    path = write_app_exports(person, tmp_path)["Loop Habits CSV 2024-06-17.zip"]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert names[0] == "Habits.csv"
    assert names[-2:] == ["Scores.csv", "Checkmarks.csv"]
    assert "001 Alcohol/Scores.csv" in names
    assert "004 Water/Checkmarks.csv" in names


def test_loops_wide_file_has_a_trailing_comma_and_every_day_newest_first(person) -> None:
    files = loop_export(person).files
    lines = files["Checkmarks.csv"].decode().splitlines()
    assert lines[0] == "Date,Alcohol,Meditate,Workout,Water,"
    assert all(line.endswith(",") for line in lines)
    days = pd.to_datetime([line.split(",")[0] for line in lines[1:]])
    assert days[0] == person.export_day
    assert (np.diff(days.to_numpy()) == -np.timedelta64(1, "D")).all()
    cells = {c for line in lines[1:] for c in line.split(",")[1:-1]}
    assert all(c in LOOP_CODES or re.fullmatch(r"\d+", c) for c in cells)
    assert _rows(files["Habits.csv"])[0] == list(LOOP_HABITS_COLUMNS)


def test_loop_fills_in_only_the_frequency_habit_and_never_over_a_check(person) -> None:
    rows = _rows(loop_export(person).files["Checkmarks.csv"])
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index("Date")
    auto = table.eq("YES_AUTO")
    assert auto["Workout"].any()
    assert not auto.drop(columns="Workout").to_numpy().any()
    # Every filled-in day lies within the 7 days that start at the oldest of 3 checks in 7 days.
    checks = pd.to_datetime(table.index[table["Workout"].eq("YES_MANUAL")]).sort_values()
    starts = [a for a, c in zip(checks[:-2], checks[2:], strict=True) if (c - a).days < 7]
    for day in pd.to_datetime(table.index[auto["Workout"]]):
        assert any(pd.Timedelta(0) <= day - start < pd.Timedelta(days=7) for start in starts)


def test_loops_daily_table_is_what_its_checkmarks_say(person) -> None:
    export = loop_export(person)
    rows = _rows(export.files["Checkmarks.csv"])
    table = pd.DataFrame([r[1:-1] for r in rows[1:]], columns=rows[0][1:-1])
    table.index = pd.to_datetime([r[0] for r in rows[1:]])
    expected = pd.DataFrame(index=table.index)
    for habit in ("Alcohol", "Meditate", "Workout"):
        expected[habit.lower()] = table[habit].map({"YES_MANUAL": 1.0, "NO": 0.0})
    expected["water"] = pd.to_numeric(table["Water"], errors="coerce") / 1000
    _assert_same(export.daily.table, expected.sort_index().dropna(how="all"))


def test_loops_older_formats_write_numbers_and_entry_cells(person) -> None:
    old = loop_export(person, variant="numeric_codes").files
    assert sorted(old) == ["Checkmarks.csv", "Habits.csv"]
    assert _rows(old["Habits.csv"])[0] == list(LOOP_HABITS_COLUMNS_OLD)
    lines = old["Checkmarks.csv"].decode().splitlines()
    assert lines[0] == "Date,Alcohol,Meditate,Workout,Water"
    assert re.fullmatch(r"\d\d-\d\d-\d\d(,-?\d+)+", lines[1])
    broken = loop_export(person, variant="entry_cells").files["Checkmarks.csv"].decode()
    second = broken.splitlines()[1]
    day = second.split(",")[0]
    assert second.startswith(f"{day},Entry(timestamp={day}, value=")


# --- Daylio --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variant", "header"),
    [
        ("current", DAYLIO_COLUMNS),
        ("twelve_hour", DAYLIO_COLUMNS_12H),
        ("oldest", DAYLIO_COLUMNS_OLDEST),
    ],
)
def test_daylio_writes_each_header_generation(person, variant: str, header) -> None:
    data = daylio_export(person, variant=variant).files["daylio_export.csv"]
    rows = _rows(data)
    assert rows[0] == list(header)
    times = [r[3] for r in rows[1:]]
    if variant == "twelve_hour":
        assert all(re.fullmatch(r"\d{1,2}:\d\d [AP]M", t) for t in times)
    else:
        assert all(re.fullmatch(r"\d{1,2}:\d\d", t) for t in times)
    if variant == "oldest":
        assert {len(r) for r in rows[1:]} == {6, 7}
        assert re.fullmatch(r"\d{1,2} [a-ząćęłńóśźż]+", rows[1][1])
    else:
        days = pd.to_datetime([r[0] for r in rows[1:]])
        assert days.is_monotonic_decreasing
        assert days.duplicated().any()  # several entries a day


def test_daylios_daily_table_is_what_its_entries_say(person) -> None:
    export = daylio_export(person)
    rows = _rows(export.files["daylio_export.csv"])
    entries = pd.DataFrame(rows[1:], columns=rows[0])
    entries["day"] = pd.to_datetime(entries["full_date"])
    scores = {"rad": 5.0, "good": 4.0, "okay": 3.0, "bad": 2.0, "awful": 1.0}
    expected = pd.DataFrame({"mood": entries["mood"].map(scores).groupby(entries["day"]).mean()})
    listed = entries.assign(activity=entries["activities"].str.split(" | ", regex=False))
    listed = listed.explode("activity").query("activity != ''")
    for activity, days in listed.groupby("activity")["day"]:
        logged = expected.index[expected.index >= days.min()]
        expected[activity] = pd.Series(logged.isin(days).astype(float), index=logged)
    _assert_same(export.daily.table, expected)


# --- Bearable ------------------------------------------------------------------------------------
def test_bearable_quotes_every_cell_and_writes_ordinal_dates(person) -> None:
    (data,) = bearable_export(person).files.values()
    lines = data.decode().splitlines()
    assert lines[0] == ",".join(BEARABLE_COLUMNS)
    assert all(re.fullmatch(r'"[^"]*"(,"[^"]*")*', line) for line in lines[1:])
    rows = _rows(data)[1:]
    assert all(re.fullmatch(r"\d{1,2}(st|nd|rd|th) [A-Z][a-z]{2} \d{4}", r[0]) for r in rows)
    times = {r[2] for r in rows}
    assert {"all day", "pre", "am", "mid", "pm"} <= times
    assert any(re.fullmatch(r"\d:\d\d", t) for t in times)  # unpadded clock times


def test_bearables_daily_mood_and_doses_are_what_its_rows_say(person) -> None:
    export = bearable_export(person)
    (data,) = export.files.values()
    rows = pd.DataFrame(_rows(data)[1:], columns=list(BEARABLE_COLUMNS))
    rows["day"] = pd.to_datetime(rows["date"].str.replace(r"(st|nd|rd|th) ", " ", regex=True))
    rows["number"] = pd.to_numeric(rows["rating/amount"], errors="coerce")
    mood = rows.loc[rows["category"] == "Mood"].groupby("day")["number"].mean()
    pd.testing.assert_series_equal(
        export.daily.table["bearable_mood"].dropna(), mood, check_names=False, check_freq=False,
        check_index_type=False,
    )  # fmt: skip
    creatine = rows.loc[rows["detail"] == "Creatine (g)"].groupby("day")["number"].sum()
    taken = export.daily.table["dose_creatine"]
    assert taken[taken > 0].to_dict() == creatine.to_dict()
