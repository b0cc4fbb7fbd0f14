"""The Daylio reader: every header generation, the mood mapping, activities, and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import Variable
from pga_core.data.readers import (
    ExportFile,
    collect_files,
    daylio,
    detect_format,
    read_exports,
    read_sources,
)
from pga_core.sample import daylio_export, generate_person

GOLDEN = Path(__file__).parents[3] / "fixtures" / "daylio-golden"
CURRENT, TWELVE_HOUR, OLDEST = (
    "daylio_export.csv",
    "daylio_export_2020.csv",
    "daylio_export_2017.csv",
)
HEADER = "full_date,date,weekday,time,mood,activities,note_title,note\n"


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


def _golden(name: str = CURRENT) -> list[ExportFile]:
    return collect_files([GOLDEN / name])


def _entry(day: str, mood: str, activities: str = "") -> str:
    return f'{day},March 1,Friday,10:00,{mood},"{activities}","",""\n'


# --- the golden exports --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("export", "expected"),
    [
        (CURRENT, "expected_daily.csv"),
        (TWELVE_HOUR, "expected_twelve_hour.csv"),
        (OLDEST, "expected_oldest.csv"),
    ],
)
def test_every_header_generation_gives_its_golden_table(export: str, expected: str) -> None:
    (file,) = _golden(export)
    assert detect_format(file) == "daylio"
    _assert_table(read_exports([GOLDEN / export]).table, _expected(expected))


def test_the_registry_has_the_mood_score_and_one_behaviour_per_activity() -> None:
    daily = daylio.read(_golden())
    assert daily.registry["mood"] == Variable(
        "mood", "Mood (Daylio)", "1–5", "metric", "daylio", True, (), "mean"
    )
    assert daily.registry["drinks"] == Variable(
        "drinks", "drinks", "", "behaviour", "daylio", None, (), "any"
    )


def test_the_golden_export_reports_scores_moods_left_out_and_days_left_out() -> None:
    name = str(GOLDEN / CURRENT)
    assert daylio.read(_golden()).warnings == [
        f"{name}: 1 record dated 1999-12-31, before 2000-01-01, left out (row 10; an Excel or "
        "Unix epoch date, not a real record)",
        f"{name}: 1 record dated 2999-01-01, after today, left out (row 2; a record from the "
        "future)",
        "Daylio moods scored from 1 to 5: rad 5, good 4, Medium [-] 3, Not so good 2, Awful 1; "
        "mood names are your own — check the scores",
        "mood 'meh-ish' has no score; its 1 entry left out of the mood score — give it one from "
        "1 to 5 to count them",
    ]


# --- the mood mapping ----------------------------------------------------------------------------
def test_mood_scale_lists_every_mood_found_with_its_score_and_basis() -> None:
    scale = daylio.mood_scale(_golden())
    expected = pd.DataFrame(
        {
            # most entries first, then as met (newest first); the entry of 2999 is left out
            "mood": ["good", "meh-ish", "rad", "Medium [-]", "Awful", "Not so good"],
            "entries": [2, 1, 1, 1, 1, 1],
            "score": [4.0, np.nan, 5.0, 3.0, 1.0, 2.0],
            "basis": [
                "Daylio's standard mood",
                "no score",
                "Daylio's standard mood",
                "the word",
                "Daylio's standard mood",
                "the word",
            ],
        }
    )
    pd.testing.assert_frame_equal(scale, expected)


def test_the_default_mapping_is_daylios_five_moods() -> None:
    assert daylio.DEFAULT_MOOD_SCORES == {
        "rad": 5.0,
        "good": 4.0,
        "meh": 3.0,
        "bad": 2.0,
        "awful": 1.0,
    }


def test_a_persons_own_scores_decide_in_any_case_and_none_leaves_a_mood_out() -> None:
    daily = daylio.read_with_scores(_golden(), {"MEH-ISH": 2.5, "medium [-]": None, "rad": 4})
    mood = daily.table["mood"]
    assert mood["2024-03-09"] == pytest.approx((2.5 + 4) / 2)
    assert np.isnan(mood["2024-03-08"])  # Medium [-] left out by the person
    scale = daylio.mood_scale(_golden(), {"MEH-ISH": 2.5, "medium [-]": None})
    assert scale.set_index("mood")["basis"].to_dict() == {
        "rad": "Daylio's standard mood",
        "good": "Daylio's standard mood",
        "meh-ish": "yours",
        "Medium [-]": "left out by you",
        "Awful": "Daylio's standard mood",
        "Not so good": "the word",
    }
    assert not any("has no score" in w for w in daily.warnings)


def test_a_score_outside_one_to_five_is_refused() -> None:
    with pytest.raises(ValueError, match=r"mood_scores: 'meh-ish' → 7 is outside Daylio's scale"):
        daylio.read_with_scores(_golden(), {"meh-ish": 7})


def test_read_sources_and_read_exports_pass_the_scores_to_daylio() -> None:
    (result,) = read_sources([GOLDEN / CURRENT], mood_scores={"meh-ish": 1})
    assert result.daily.table.loc["2024-03-09", "mood"] == pytest.approx(3.0)
    daily = read_exports([GOLDEN / CURRENT], mood_scores={"meh-ish": 1})
    assert daily.table.loc["2024-03-09", "mood"] == pytest.approx(3.0)


def test_several_names_may_share_a_score_and_obvious_words_are_scored() -> None:
    text = HEADER + _entry("2024-03-02", "meh") + _entry("2024-03-01", "Okay")
    text += _entry("2024-02-29", "GREAT") + _entry("2024-02-28", "very bad")
    daily = daylio.read(_files({"daylio_export.csv": text}))
    assert daily.table["mood"].tolist() == [1.0, 5.0, 3.0, 3.0]


# --- activities ----------------------------------------------------------------------------------
def test_an_activity_is_no_on_logged_days_from_its_first_use_and_missing_before() -> None:
    text = HEADER + _entry("2024-03-04", "good", "reading")
    text += _entry("2024-03-03", "good") + _entry("2024-03-02", "good", "sauna | reading")
    text += _entry("2024-03-01", "good")
    table = daylio.read(_files({"daylio_export.csv": text})).table
    days = pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"])
    expected = pd.DataFrame(
        {"reading": [np.nan, 1.0, 0.0, 1.0], "sauna": [np.nan, 1.0, 0.0, 0.0]}, index=days
    )
    _assert_table(table[["reading", "sauna"]], expected)  # from the first use on


def test_an_activity_called_mood_does_not_replace_the_mood_score() -> None:
    text = HEADER + _entry("2024-03-01", "good", "Mood")
    daily = daylio.read(_files({"daylio_export.csv": text}))
    assert set(daily.table.columns) == {"mood", "activity_mood"}


def test_two_exports_keep_the_newer_ones_entries_where_they_overlap() -> None:
    older = HEADER + _entry("2024-03-02", "awful") + _entry("2024-03-01", "awful")
    newer = HEADER + _entry("2024-03-03", "rad") + _entry("2024-03-02", "rad")
    daily = daylio.read(_files({"old.csv": older, "new.csv": newer}))
    assert daily.table["mood"].tolist() == [1.0, 5.0, 5.0]
    assert any("old.csv: days also in a newer Daylio export" in w for w in daily.warnings)


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"daylio_export\.csv: the file is empty"),
        (HEADER, r"daylio_export\.csv: no entries, only the header"),
        (HEADER + '2024-03-01,March 1,Friday,10:00,good,"work","","note cut',
         r"daylio_export\.csv: line \d+: .* cut off"),
        (HEADER + "2024-03-02,March 2\n" + _entry("2024-03-01", "good"),
         r"daylio_export\.csv: row 2 has 2 values but the header has 8; check the quoting"),
        (HEADER + _entry("2024-03-01", "good") + "2024-02-29,February 29,Thursday",
         r"row 3 has 3 values .* cut off mid-row"),
        (HEADER + _entry("01/03/2024", "good"),
         r"daylio_export\.csv, row 2, column 'full_date': '01/03/2024' is not a date"),
        (HEADER + _entry("2024-03-01", ""),
         r"daylio_export\.csv, row 2, column 'mood': empty"),
        ("full_date,date,weekday,time,feeling,activities,note\n2024-03-01,a,b,c,d,e,f\n",
         r"daylio_export\.csv: not a Daylio export \(no mood column\)"),
        ("year,date,weekday,time,mood,activities,note\n2017,7 Brumaire,x,12:10,good,\"\",\"\"\n",
         r"row 2, column 'date': '2017 7 Brumaire' is not a date"),
    ],
)  # fmt: skip
def test_bad_exports_are_refused_naming_the_file_and_row(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        daylio.read(_files({"daylio_export.csv": text}))


def test_binary_data_is_refused_naming_the_file() -> None:
    (file,) = collect_files([("daylio_export.csv", b"\x00\x01\x02binary")])
    with pytest.raises(ValueError, match=r"daylio_export\.csv: holds binary data"):
        daylio.read([file])


@pytest.mark.parametrize(
    "text",
    [
        "date,Sauna\n2024-03-04,yes\n",
        "date,weekday,time of day,category,rating/amount,detail,notes\n",
        "full_date,date,weekday,time,activities,note\n",
    ],
)
def test_other_tables_are_not_daylio(text: str) -> None:
    (file,) = _files({"table.csv": text})
    assert daylio.claims(file, file.head()) is False


# --- the sample person ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def person():
    return generate_person(120, seed=5, start="2024-01-20")


@pytest.mark.parametrize("variant", ["current", "twelve_hour", "oldest"])
def test_the_sample_persons_daylio_export_reads_to_their_table(person, variant: str) -> None:
    export = daylio_export(person, variant=variant)
    daily = read_exports(list(export.files.items()))
    pd.testing.assert_frame_equal(
        daily.table.sort_index(axis=1),
        export.daily.table.sort_index(axis=1),
        check_index_type=False,
        check_freq=False,
    )
    assert daily.registry == {n: export.daily.registry[n] for n in daily.registry}
    assert any("mood 'tired' has no score" in w for w in daily.warnings)


def test_a_damaged_daylio_export_in_a_folder_refuses_the_import(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "daylio_export_2024_03_10.csv").write_bytes(b"")
    (folder / "daylio_copy.csv").write_bytes((GOLDEN / CURRENT).read_bytes())
    with pytest.raises(ValueError, match=r"daylio_export_2024_03_10\.csv: named like a file of a "
                       r"Daylio export, but it is empty"):  # fmt: skip
        read_exports([folder])
