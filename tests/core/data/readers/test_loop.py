"""The Loop Habit Tracker reader against the golden export, the sample person and every quirk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import Variable
from pga_core.data.readers import ExportFile, collect_files, detect_format, loop, read_exports
from pga_core.sample import generate_person, loop_export

GOLDEN = Path(__file__).parents[3] / "fixtures" / "loop-golden"
EXPORT = GOLDEN / "export"
HABITS_HEADER = (
    "Position,Name,Type,Question,Description,FrequencyNumerator,FrequencyDenominator,Color,Unit,"
    "Target Type,Target Value,Archived?\n"
)


def _expected(name: str) -> pd.DataFrame:
    """A golden daily table, yes/no as 1/0, read independently of the reader."""
    table = pd.read_csv(GOLDEN / name, index_col="date", parse_dates=["date"])
    return table.replace({"yes": 1.0, "no": 0.0}).astype(np.float64)


def _assert_table(table: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        table, expected, check_index_type=False, check_freq=False, check_names=False
    )


def _files(texts: dict[str, str]) -> list[ExportFile]:
    return collect_files([(name, text.encode("utf-8")) for name, text in texts.items()])


def _read(texts: dict[str, str]):
    return loop.read(_files(texts))


def _export_members(prefix: str = "") -> dict[str, bytes]:
    return {
        prefix + str(path.relative_to(EXPORT)): path.read_bytes()
        for path in sorted(EXPORT.rglob("*.csv"))
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- the golden export ---------------------------------------------------------------------------
def test_the_golden_export_gives_the_expected_daily_table() -> None:
    daily = read_exports([EXPORT])
    _assert_table(daily.table, _expected("expected_daily.csv"))
    assert daily.registry == {
        "alcohol": Variable("alcohol", "Alcohol", "", "behaviour", "loop", None, (), "any"),
        "gym": Variable("gym", "Gym", "", "behaviour", "loop", None, (), "any"),
        "water": Variable("water", "Water", "L", "habit", "loop", None, (), "sum"),
    }
    assert daily.warnings == [
        "Scores.csv: Loop's habit-strength scores are computed by Loop from your checks; not read",
        "2 per-habit Checkmarks.csv file(s) repeat habits of the main Checkmarks.csv; read from "
        "there",
        "3 habit-day(s) that Loop filled in from a habit's frequency (YES_AUTO) read as not "
        "logged: only your own checks count as yes",
        "Milk: nothing logged on any day; left out",
    ]


def test_the_zip_the_folder_and_single_uploads_give_the_same_table(tmp_path: Path) -> None:
    archive = tmp_path / "Loop Habits CSV 2024-03-10.zip"
    archive.write_bytes(_zip(_export_members()))
    from_zip = read_exports([archive])
    from_uploads = read_exports([(archive.name, archive.read_bytes())])
    from_folder = read_exports([EXPORT])
    pd.testing.assert_frame_equal(from_zip.table, from_folder.table)
    pd.testing.assert_frame_equal(from_uploads.table, from_folder.table)


def test_the_wide_file_alone_reads_the_same_days_without_units() -> None:
    daily = read_exports([EXPORT / "Checkmarks.csv"])
    _assert_table(daily.table, _expected("expected_daily.csv"))
    assert daily.registry["water"].unit == ""
    assert daily.registry["water"].kind == "habit"  # recognised by its numbers


def test_per_habit_files_alone_are_named_by_habits_csv_positions() -> None:
    members = {
        name: data.decode()
        for name, data in _export_members("export/").items()
        if "/0" in name or name.endswith("Habits.csv")
    }
    daily = loop.read(_files(members))
    expected = _expected("expected_daily.csv")[["alcohol", "water"]]
    expected.loc["2024-03-07", "water"] = np.nan  # the headerless water file lists no 0 L day
    _assert_table(daily.table, expected.dropna(how="all"))
    assert daily.registry["alcohol"].label == "Alcohol"


def test_the_old_numeric_format_is_read_by_its_codes() -> None:
    daily = read_exports([GOLDEN / "old_numeric_Checkmarks.csv"])
    _assert_table(daily.table, _expected("expected_old_numeric.csv"))
    assert daily.registry["duree_sommeil"].label == "Durée sommeil"
    assert daily.registry["duree_sommeil"].kind == "habit"
    assert daily.registry["sante_mal_de_dos"].kind == "behaviour"
    name = str(GOLDEN / "old_numeric_Checkmarks.csv")
    assert f"{name}: dates read month first (MM-DD-YY, e.g. '06-16-24')" in daily.warnings
    assert (
        f"{name}: 1 value of 'Durée sommeil' negative left out (row 6; Loop counts and measures "
        "from 0 up)"
    ) in daily.warnings


def test_entry_cells_of_the_faulty_release_are_read_by_their_value() -> None:
    daily = read_exports([GOLDEN / "entry_cells_Checkmarks.csv"])
    _assert_table(daily.table, _expected("expected_entry_cells.csv"))
    assert any("9 cells written as Entry(timestamp=…, value=…)" in w for w in daily.warnings)
    assert any(
        w.startswith("Bath: checked on some days and never marked ✗") for w in daily.warnings
    )


# --- recognising the files -----------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(p.name for p in GOLDEN.glob("*Checkmarks.csv")))
def test_checkmarks_files_of_every_value_format_are_loop(path: str) -> None:
    (file,) = collect_files([GOLDEN / path])
    assert detect_format(file) == "loop"


def test_every_file_of_the_export_is_loop() -> None:
    files = collect_files([EXPORT])
    assert len(files) == 6
    assert {detect_format(f) for f in files} == {"loop"}


@pytest.mark.parametrize(
    "text",
    [
        "date,pushups,glasses\n2024-03-04,20,8\n2024-03-05,25,6\n",  # counts, no -1
        "Date,Value,Notes\n2024-03-04,20,\n",  # a person's own table outside a habit folder
        "date,Sauna\n2024-03-04,yes\n",
        (GOLDEN.parent / "daylio-golden" / "daylio_export_2020.csv").read_text(),
        "Position,Name\n1,x\n",
    ],
)
def test_other_tables_are_not_loop(text: str) -> None:
    (file,) = _files({"table.csv": text})
    assert loop.claims(file, file.head()) is False


def test_a_per_habit_file_of_numbers_is_loop_inside_its_habit_folder() -> None:
    (file,) = _files({"export/003 Water/Checkmarks.csv": "2024-03-09,2500\n2024-03-08,3000\n"})
    assert loop.claims(file, file.head()) is True
    (elsewhere,) = _files({"numbers.csv": "2024-03-09,2500\n2024-03-08,3000\n"})
    assert loop.claims(elsewhere, elsewhere.head()) is False


# --- values --------------------------------------------------------------------------------------
def test_yes_auto_is_not_logged_and_skip_and_unknown_are_missing() -> None:
    daily = _read(
        {
            "Checkmarks.csv": "Date,Run,\n2024-03-04,YES_AUTO,\n2024-03-03,SKIP,\n"
            "2024-03-02,UNKNOWN,\n2024-03-01,YES_MANUAL,\n2024-02-29,NO,\n"
        }
    )
    expected = pd.Series([0.0, 1.0], index=pd.to_datetime(["2024-02-29", "2024-03-01"]))
    pd.testing.assert_series_equal(
        daily.table["run"], expected, check_names=False, check_freq=False
    )
    assert any(w.startswith("1 habit-day(s) that Loop filled in") for w in daily.warnings)


def test_habits_csv_types_decide_over_the_values() -> None:
    habits = HABITS_HEADER + "001,Cigarettes,NUMERICAL,,,1,1,#000000,cigarettes,AT_MOST,5.0,false\n"
    daily = _read(
        {
            "Habits.csv": habits,
            "Checkmarks.csv": "Date,Cigarettes,\n2024-03-02,NO,\n2024-03-01,UNKNOWN,\n",
        }
    )
    assert daily.registry["cigarettes"].kind == "habit"
    assert daily.registry["cigarettes"].unit == "cigarettes"
    assert daily.table["cigarettes"].to_dict() == {pd.Timestamp("2024-03-02"): 0.0}


def test_the_old_habits_header_is_read_and_habits_are_typed_by_their_values() -> None:
    habits = "Position,Name,Question,Description,NumRepetitions,Interval,Color\n"
    habits += "001,Vaping,How many puffs today,,1,1,#5D4037\n"
    daily = _read(
        {
            "Habits.csv": habits,
            "Checkmarks.csv": "Date,Vaping,\n2024-03-02,12000,\n2024-03-01,-1,\n",
        }
    )
    assert daily.table["vaping"].tolist() == [12.0]
    assert daily.registry["vaping"].kind == "habit"


def test_two_habits_with_one_name_become_two_columns() -> None:
    daily = _read({"Checkmarks.csv": "Date,Milk,Milk,\n2024-03-01,YES_MANUAL,NO,\n"})
    assert daily.table.loc["2024-03-01"].to_dict() == {"milk": 1.0, "milk_2": 0.0}
    assert daily.registry["milk_2"].label == "Milk (2)"
    assert "Checkmarks.csv: two habits are called 'Milk'; the second is 'Milk (2)'" in (
        daily.warnings
    )


def test_the_newest_of_two_exports_wins_where_they_overlap() -> None:
    old = "Date,Run,\n2024-03-02,NO,\n2024-03-01,YES_MANUAL,\n"
    new = "Date,Run,\n2024-03-03,YES_MANUAL,\n2024-03-02,YES_MANUAL,\n2024-03-01,UNKNOWN,\n"
    daily = _read({"old/Checkmarks.csv": old, "new/Checkmarks.csv": new})
    # 03-01: the newer export no longer has the check (UNKNOWN); 03-02: its check, not the ✗.
    assert daily.table["run"].to_dict() == {
        pd.Timestamp("2024-03-02"): 1.0,
        pd.Timestamp("2024-03-03"): 1.0,
    }
    assert (
        "2 Loop exports: where they overlap, kept the newest (new/Checkmarks.csv)" in daily.warnings
    )


def test_rows_dated_before_2000_or_after_today_are_left_out_and_reported() -> None:
    text = "Date,Run,\n2999-01-01,YES_MANUAL,\n2024-03-01,YES_MANUAL,\n1999-12-31,NO,\n"
    daily = _read({"Checkmarks.csv": text})
    assert list(daily.table.index) == [pd.Timestamp("2024-03-01")]
    assert any("1999-12-31, before 2000-01-01, left out (row 4" in w for w in daily.warnings)
    assert any("2999-01-01, after today, left out (row 2" in w for w in daily.warnings)


# --- dates ---------------------------------------------------------------------------------------
def test_day_first_short_dates_are_read_when_a_day_is_above_twelve() -> None:
    daily = _read({"Checkmarks.csv": "Date,Run,\n16-06-24,YES_MANUAL,\n15-06-24,NO,\n"})
    assert list(daily.table.index) == list(pd.to_datetime(["2024-06-15", "2024-06-16"]))
    assert any("dates read day first (DD-MM-YY" in w for w in daily.warnings)


def test_consecutive_days_decide_the_order_when_no_part_is_above_twelve() -> None:
    # Newest first, one row per day: 03-02-24, 03-01-24 are consecutive only month first.
    daily = _read({"Checkmarks.csv": "Date,Run,\n03-02-24,YES_MANUAL,\n03-01-24,NO,\n"})
    assert list(daily.table.index) == list(pd.to_datetime(["2024-03-01", "2024-03-02"]))


def test_dates_that_cannot_be_ordered_are_refused() -> None:
    with pytest.raises(ValueError, match=r"Checkmarks\.csv: every day and month .* '03-02-24'"):
        _read({"Checkmarks.csv": "Date,Run,\n03-02-24,YES_MANUAL,\n"})


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"Checkmarks\.csv: the file is empty"),
        ("Date,Run,\n", r"Checkmarks\.csv: no data rows, only the header"),
        ("Date,Run,Walk,\n2024-03-02,NO,NO,\n2024-03-01,NO", r"row 3 \(the last\) .* cut off"),
        ("Date,Run,\n2024-03-02,maybe,\n", r"Checkmarks\.csv, row 2, column 'Run': 'maybe' is not"),
        ("Date,Run,\n2024-13-45,NO,\n", r"Checkmarks\.csv, row 2, column 'Date': .* not a day"),
        ("Date,Run,\nyesterday,NO,\n", r"Checkmarks\.csv, row 2, column 'Date': 'yesterday'"),
        ("Date,Run,\n2024-03-01,NO,\n2024-03-01,NO,\n", r"2024-03-01 appears more than once"),
        ("Date,,\n2024-03-01,NO,\n", r"column 2 has no habit name"),
    ],
)
def test_bad_checkmarks_are_refused_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _read({"Checkmarks.csv": text})


def test_binary_data_is_refused_naming_the_file() -> None:
    (file,) = collect_files([("Checkmarks.csv", b"\x00\x01\x02binary")])
    with pytest.raises(ValueError, match=r"Checkmarks\.csv: holds binary data"):
        loop.read([file])


def test_habits_csv_without_checkmarks_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"Habits\.csv: the Loop export's checks are in Checkmarks"
    ):
        _read({"Habits.csv": HABITS_HEADER + "001,Run,YES_NO,,,1,1,#000000,,,,false\n"})


def test_a_file_that_is_not_loops_is_refused_naming_it() -> None:
    habits = "Position,Title,Question,Description,NumRepetitions,Interval,Color\n001,x,,,1,1,#0\n"
    with pytest.raises(ValueError, match=r"Habits\.csv: not a Loop Habit Tracker file"):
        loop.read(_files({"Habits.csv": habits, "Checkmarks.csv": "Date,Run,\n2024-03-01,NO,\n"}))


def test_an_export_with_nothing_logged_is_refused() -> None:
    with pytest.raises(ValueError, match="no habit has a check"):
        _read({"Checkmarks.csv": "Date,Run,\n2024-03-02,UNKNOWN,\n2024-03-01,YES_AUTO,\n"})


# --- the sample person ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def person():
    return generate_person(120, seed=5, start="2024-01-20")


@pytest.mark.parametrize("variant", ["current", "numeric_codes", "entry_cells"])
def test_the_sample_persons_loop_export_reads_to_their_table(person, variant: str) -> None:
    export = loop_export(person, variant=variant)
    daily = read_exports(list(export.files.items()))
    pd.testing.assert_frame_equal(
        daily.table.sort_index(axis=1),
        export.daily.table.sort_index(axis=1),
        check_index_type=False,
        check_freq=False,
    )
    assert daily.registry == {n: export.daily.registry[n] for n in daily.registry}


def test_a_damaged_checkmarks_file_in_an_export_refuses_the_import() -> None:
    members = _export_members()
    members["Checkmarks.csv"] = b""
    archive = ("Loop Habits CSV 2024-03-10.zip", _zip(members))
    with pytest.raises(ValueError, match=r"Checkmarks\.csv: named like a file of a Loop Habit "):
        read_exports([archive])
