"""The Bearable reader against the golden export, the sample person and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import Variable
from pga_core.data.readers import ExportFile, bearable, collect_files, detect_format, read_exports
from pga_core.sample import bearable_export, generate_person

GOLDEN = Path(__file__).parents[3] / "fixtures" / "bearable-golden"
EXPORT = GOLDEN / "bearable-export-30-11-2020.csv"
HEADER = "date,weekday,time of day,category,rating/amount,detail,notes\n"


def _expected() -> pd.DataFrame:
    """The golden daily table, yes/no as 1/0, read independently of the reader."""
    table = pd.read_csv(GOLDEN / "expected_daily.csv", index_col="date", parse_dates=["date"])
    return table.replace({"yes": 1.0, "no": 0.0}).astype(np.float64)


def _files(texts: dict[str, str]) -> list[ExportFile]:
    return collect_files([(name, text.encode("utf-8")) for name, text in texts.items()])


def _row(day: str, category: str, amount: str = "", detail: str = "", time: str = "pm") -> str:
    return f'"{day}","Monday","{time}","{category}","{amount}","{detail}",""\n'


def _read(text: str):
    return bearable.read(_files({"bearable-export-01-04-2024.csv": text}))


# --- the golden export ---------------------------------------------------------------------------
def test_the_golden_export_gives_the_expected_daily_table() -> None:
    (file,) = collect_files([EXPORT])
    assert detect_format(file) == "bearable"
    daily = read_exports([EXPORT])
    pd.testing.assert_frame_equal(
        daily.table, _expected(), check_index_type=False, check_freq=False, check_names=False
    )
    assert daily.warnings == [
        f"{EXPORT}: 1 value of 'rating/amount' above 10 left out (row 15; Bearable rates mood "
        "from 1 to 10)",
        "Bearable categories not read: Gratitudes",
    ]


def test_the_registry_says_what_each_column_is() -> None:
    registry = bearable.read(collect_files([EXPORT])).registry
    assert registry["bearable_mood"] == Variable(
        "bearable_mood", "Mood (Bearable)", "1–10", "metric", "bearable", True, (), "mean"
    )
    assert registry["symptom_stress"] == Variable(
        "symptom_stress", "Stress (symptom)", "0–3", "metric", "bearable", False, (), "max"
    )
    assert registry["with_family"] == Variable(
        "with_family", "With family", "", "behaviour", "bearable", None, (), "any"
    )
    assert registry["dose_hydroxyzine"] == Variable(
        "dose_hydroxyzine", "Hydroxyzine", "mg", "habit", "bearable", None, (), "sum"
    )


# --- values --------------------------------------------------------------------------------------
def test_a_severity_word_without_a_rating_gives_the_severity() -> None:
    daily = _read(HEADER + _row("1st Apr 2024", "Symptom", "", "Nausea (Severe)"))
    assert daily.table["symptom_nausea"].tolist() == [3.0]


def test_dates_are_read_with_every_ordinal_suffix_and_month_spelling() -> None:
    text = HEADER + "".join(
        _row(day, "Mood", "5")
        for day in (
            "1st Apr 2024",
            "2nd Apr 2024",
            "3rd April 2024",
            "11th Sept 2024",
            "21st Dec 2024",
        )
    )
    days = pd.to_datetime(["2024-04-01", "2024-04-02", "2024-04-03", "2024-09-11", "2024-12-21"])
    assert list(_read(text).table.index) == list(days)


def test_a_dose_written_in_two_units_keeps_the_most_used() -> None:
    text = HEADER + _row("1st Apr 2024", "Meds/Supplements", "5", "Creatine (g)")
    text += _row("2nd Apr 2024", "Meds/Supplements", "5", "Creatine (g)")
    text += _row("3rd Apr 2024", "Meds/Supplements", "5000", "Creatine (mg)")
    daily = _read(text)
    assert daily.registry["dose_creatine"].unit == "g"
    assert daily.table["dose_creatine"].dropna().tolist() == [5.0, 5.0]
    assert any("Creatine: amounts in g, mg; kept those in g" in w for w in daily.warnings)


def test_a_negative_dose_and_a_day_outside_the_window_are_left_out_and_reported() -> None:
    text = HEADER + _row("1st Apr 2024", "Meds/Supplements", "-5", "Creatine (g)")
    text += _row("2nd Apr 2024", "Mood", "6") + _row("1st Jan 1999", "Mood", "6")
    daily = _read(text)
    assert list(daily.table.columns) == ["bearable_mood"]
    assert any("negative left out (row 2" in w for w in daily.warnings)
    assert any("dated 1999-01-01, before 2000-01-01, left out (row 4" in w for w in daily.warnings)


def test_monthly_exports_are_read_together_and_a_repeated_day_keeps_the_newer_file() -> None:
    march = HEADER + _row("31st Mar 2024", "Mood", "2") + _row("1st Apr 2024", "Mood", "2")
    april = HEADER + _row("1st Apr 2024", "Mood", "8") + _row("2nd Apr 2024", "Mood", "8")
    daily = bearable.read(_files({"march.csv": march, "april.csv": april}))
    assert daily.table["bearable_mood"].tolist() == [2.0, 8.0, 8.0]
    assert any("march.csv: days also in a newer Bearable export" in w for w in daily.warnings)


def test_the_described_date_formatted_column_is_used_when_present() -> None:
    text = "date,date formatted,weekday,time of day,category,rating/amount,detail,notes\n"
    text += '"1st Apr 2024","2024-04-01","Monday","pm","Mood","6","",""\n'
    assert list(_read(text).table.index) == [pd.Timestamp("2024-04-01")]


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"bearable-export-01-04-2024\.csv: the file is empty"),
        (HEADER, r"bearable-export-01-04-2024\.csv: no data rows, only the header"),
        (HEADER + _row("1st Apr 2024", "Mood", "6") + '"2nd Apr 2024","Tuesday"',
         r"row 3 \(the last\) has 2 of the 7 values .* cut off"),
        (HEADER + _row("April fools", "Mood", "6"),
         r"bearable-export-01-04-2024\.csv, row 2, column 'date': 'April fools' is not a date"),
        (HEADER + _row("1st Apr 2024", "Mood", "great"),
         r"row 2, column 'rating/amount': 'great' is not a number"),
        ("date,weekday,time of day,category,rating,detail,notes\n" + _row("1st Apr 2024", "Mood"),
         r"not a Bearable export \(no rating_amount column\)"),
    ],
)  # fmt: skip
def test_bad_exports_are_refused_naming_the_file_and_row(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _read(text)


def test_binary_data_is_refused_naming_the_file() -> None:
    (file,) = collect_files([("bearable.csv", b"\x00\x01\x02binary")])
    with pytest.raises(ValueError, match=r"bearable\.csv: holds binary data"):
        bearable.read([file])


@pytest.mark.parametrize(
    "text",
    [
        "date,Sauna\n2024-03-04,yes\n",
        "full_date,date,weekday,time,mood,activities,note\n",
        "date,category,detail\n2024-03-04,Mood,Good\n",
    ],
)
def test_other_tables_are_not_bearable(text: str) -> None:
    (file,) = _files({"table.csv": text})
    assert bearable.claims(file, file.head()) is False


# --- the sample person ---------------------------------------------------------------------------
def test_the_sample_persons_bearable_export_reads_to_their_table() -> None:
    person = generate_person(120, seed=5, start="2024-01-20")
    export = bearable_export(person)
    daily = read_exports(list(export.files.items()))
    pd.testing.assert_frame_equal(
        daily.table.sort_index(axis=1),
        export.daily.table.sort_index(axis=1),
        check_index_type=False,
        check_freq=False,
    )
    assert daily.registry == {n: export.daily.registry[n] for n in daily.registry}
    assert daily.warnings == ["Bearable categories not read: Gratitudes"]


def test_a_damaged_bearable_export_in_a_folder_refuses_the_import(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "bearable-export-01-04-2024.csv").write_bytes(b"\x00\x01binary")
    (folder / "march.csv").write_bytes(EXPORT.read_bytes())
    with pytest.raises(ValueError, match=r"named like a file of a Bearable export, but it holds"):
        read_exports([folder])
