"""The WHOOP reader against the golden export and every quirk of the format."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import KINDS, DailyData, slugify
from pga_core.data.readers import ExportFile, collect_files, read_exports, whoop

GOLDEN = Path(__file__).parents[3] / "fixtures" / "whoop-golden"
CYCLES, SLEEPS, WORKOUTS, JOURNAL = (
    "physiological_cycles.csv",
    "sleeps.csv",
    "workouts.csv",
    "journal_entries.csv",
)
ALL = (CYCLES, SLEEPS, WORKOUTS, JOURNAL)


def _golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def _expected() -> pd.DataFrame:
    """The golden daily table, yes/no as 1/0, read independently of the reader."""
    expected = pd.read_csv(GOLDEN / "expected_daily.csv", index_col="date", parse_dates=["date"])
    return expected.replace({"yes": 1.0, "no": 0.0}).astype(np.float64)


def _files(texts: dict[str, str]) -> list[ExportFile]:
    return collect_files([(name, text.encode("utf-8")) for name, text in texts.items()])


def _read(**changed: str) -> DailyData:
    """Read the golden export with some files replaced (keyword: file stem → text)."""
    texts = {name: _golden(name) for name in ALL}
    for stem, text in changed.items():
        texts[f"{stem}.csv"] = text
    return whoop.read(_files({n: t for n, t in texts.items() if t}))


def _assert_matches_golden(table: pd.DataFrame, columns: list[str] | None = None) -> None:
    expected = _expected()
    columns = columns or list(expected.columns)
    pd.testing.assert_frame_equal(
        table.reindex(expected.index)[columns],
        expected[columns],
        check_index_type=False,
        check_freq=False,
    )


# --- the golden export -----------------------------------------------------------------------


def test_the_golden_export_gives_the_expected_daily_table() -> None:
    daily = _read()
    expected = _expected()
    assert daily.table.index.equals(pd.DatetimeIndex(expected.index, name="date"))
    _assert_matches_golden(daily.table)
    assert daily.warnings == []


def test_zip_folder_and_single_uploads_give_the_same_table(tmp_path: Path) -> None:
    archive = tmp_path / "my_whoop_data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ALL:
            z.writestr(f"my_whoop_data/{name}", _golden(name))
    from_zip = read_exports([archive])
    from_uploads = read_exports([(name, (GOLDEN / name).read_bytes()) for name in ALL])
    from_paths = read_exports([GOLDEN / name for name in ALL])
    pd.testing.assert_frame_equal(from_zip.table, from_uploads.table)
    pd.testing.assert_frame_equal(from_zip.table, from_paths.table)
    _assert_matches_golden(from_zip.table)


def test_derived_columns_follow_the_stated_rules() -> None:
    table = _read().table
    # The drinking night: wake 03-08 after a sleep starting 03-07 23:45.
    assert table.loc["2024-03-08", "asleep_min"] == 410.0  # the main sleep, not the 28-min nap
    assert table.loc["2024-03-08", "nap_min"] == 28.0
    assert table.loc["2024-03-09", "nap_min"] == 0.0
    # Zone minutes = duration × zone % / 100, summed over the day's two workouts.
    assert table.loc["2024-03-08", "zone4_min"] == pytest.approx(50 * 0.15 + 30 * 0.05)
    assert table.loc["2024-03-08", "workout_min"] == 80.0
    assert table.loc["2024-03-08", "workout_strain"] == 13.0  # the harder of the two
    assert np.isnan(table.loc["2024-03-09", "workout_strain"])  # no workout: no workout strain
    assert table["workout_min"].isna().tolist() == [True, True] + [False] * 5
    # Strain-only cycle: no wake onset, dated by its start + 12 h.
    assert table.loc["2024-03-06", "day_strain"] == 9.8
    assert np.isnan(table.loc["2024-03-06", "recovery_score"])


def test_every_column_is_registered_as_whoop_with_sensible_entries() -> None:
    daily = _read()
    for name, variable in daily.registry.items():
        assert variable.source == "whoop"
        assert variable.kind in KINDS
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
    recovery = daily.registry["recovery_score"]
    assert (recovery.unit, recovery.kind, recovery.higher_is_better) == ("%", "metric", True)
    assert set(recovery.components) == {
        "hrv_rmssd",
        "resting_hr",
        "sleep_performance",
        "respiratory_rate",
    }
    assert daily.registry["zone5_min"].kind == "habit"
    assert daily.registry["zone5_min"].aggregation == "sum"
    caffeine = daily.registry["have_any_caffeine"]
    assert (caffeine.label, caffeine.kind, caffeine.unit) == ("Have any caffeine?", "behaviour", "")
    assert set(whoop.REGISTRY) >= {"recovery_score", "hrv_rmssd", "sleep_debt_min", "zone1_min"}


# --- any subset of the four files -----------------------------------------------------------


def test_journal_alone_dates_answers_by_cycle_start_plus_12_hours() -> None:
    daily = whoop.read(_files({JOURNAL: _golden(JOURNAL)}))
    behaviours = ["have_any_alcoholic_drinks", "have_any_caffeine"]
    assert list(daily.table.columns) == behaviours
    expected = _expected()[behaviours].dropna(how="all")
    pd.testing.assert_frame_equal(
        daily.table, expected, check_index_type=False, check_freq=False, check_names=False
    )


def test_cycles_alone_give_recovery_and_strain() -> None:
    daily = whoop.read(_files({CYCLES: _golden(CYCLES)}))
    _assert_matches_golden(daily.table, ["recovery_score", "resting_hr", "hrv_rmssd", "day_strain"])
    assert "zone5_min" not in daily.table
    assert "nap_min" not in daily.table


def test_sleeps_alone_give_the_main_sleep_and_naps() -> None:
    daily = whoop.read(_files({SLEEPS: _golden(SLEEPS)}))
    assert daily.table.loc["2024-03-08", "asleep_min"] == 410.0
    assert daily.table.loc["2024-03-08", "nap_min"] == 28.0
    assert daily.table["asleep_min"].dropna().tolist() == [440.0, 430.0, 410.0, 455.0, 470.0]


def test_workouts_alone_fill_zeros_between_the_first_and_last_workout_day() -> None:
    daily = whoop.read(_files({WORKOUTS: _golden(WORKOUTS)}))
    zone5 = daily.table["zone5_min"]
    assert zone5.index.strftime("%m-%d").tolist() == ["03-06", "03-07", "03-08"]
    assert zone5.tolist() == [0.0, 0.0, 11.0]


def test_journal_days_use_the_cycle_wake_date_when_cycles_are_given() -> None:
    # A night-shift day sleep: start 12:30 and wake 19:00 on 03-05, so the cycle's day is 03-05
    # by its wake onset but 03-06 by start + 12 h (the fallback without cycles).
    header = _golden(CYCLES).split("\n", 1)[0]
    cycle = (
        "2024-03-05 12:30:00,,UTC-05:00,70,52,68,33.9,96.40,,,,,"
        "2024-03-05 12:30:00,2024-03-05 19:00:00,95,14.8,380,400,250,90,110,25,460,10,94,80"
    )
    journal = (
        _golden(JOURNAL).split("\n", 1)[0]
        + "\n2024-03-05 12:30:00,,UTC-05:00,Have any alcoholic drinks?,true,\n"
    )
    journal_only = whoop.read(_files({JOURNAL: journal}))
    with_cycles = whoop.read(_files({JOURNAL: journal, CYCLES: f"{header}\n{cycle}\n"}))
    assert journal_only.table["have_any_alcoholic_drinks"].to_dict() == {
        pd.Timestamp("2024-03-05"): 1.0
    }
    assert with_cycles.table["have_any_alcoholic_drinks"].dropna().to_dict() == {
        pd.Timestamp("2024-03-04"): 1.0
    }
    assert with_cycles.table["recovery_score"].dropna().to_dict() == {
        pd.Timestamp("2024-03-05"): 70.0
    }


# --- variants and quirks ---------------------------------------------------------------------


def _drop_column(text: str, header: str) -> str:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.drop(columns=header).to_csv(index=False)


def test_older_export_without_sleep_consistency() -> None:
    daily = _read(
        physiological_cycles=_drop_column(_golden(CYCLES), "Sleep consistency %"),
        sleeps=_drop_column(_golden(SLEEPS), "Sleep consistency %"),
    )
    _assert_matches_golden(daily.table)
    assert "sleep_consistency" not in daily.table
    (note, *_) = [w for w in daily.warnings if w.startswith(CYCLES)]
    assert "recognised 25" in note
    assert "absent (those values are missing): 'Sleep consistency %'" in note


def test_workouts_stopping_at_gps_enabled_read_without_complaint() -> None:
    frame = pd.read_csv(io.StringIO(_golden(WORKOUTS)), dtype=str, keep_default_na=False)
    short = frame.loc[:, :"GPS enabled"].to_csv(index=False)
    daily = _read(workouts=short)
    _assert_matches_golden(daily.table)
    assert daily.warnings == []


def test_snake_case_re_saved_headers_are_matched_and_reported() -> None:
    text = _golden(CYCLES)
    header, body = text.split("\n", 1)
    snake = ",".join(
        re.sub(r"[ ()]+", "_", h.strip().lower()).strip("_") for h in header.split(",")
    )
    assert "recovery_score_%" in snake
    assert "cycle_start_time" in snake
    daily = _read(physiological_cycles=snake + ",mood_note\n" + body.replace("\n", ",\n"))
    _assert_matches_golden(daily.table)
    (note,) = daily.warnings
    assert note.startswith(f"{CYCLES}: header differs from the current WHOOP {CYCLES}")
    assert "recognised 26" in note
    assert "'recovery_score_%' as 'Recovery score %'" in note
    assert "not recognised, ignored: 'mood_note'" in note


def test_semicolons_decimal_commas_and_spanish_file_names() -> None:
    text = _golden(CYCLES).replace(",", ";").replace("33.9", "33,9").replace("96.40", "96,40")
    text = text.replace(";8.0;", ";8,0;")
    daily = whoop.read(_files({"ciclos_fisiologicos.csv": text, "sueño.csv": _golden(SLEEPS)}))
    assert daily.table.loc["2024-03-09", "day_strain"] == 8.0
    assert daily.table.loc["2024-03-09", "skin_temp"] == 33.9
    assert daily.table.loc["2024-03-09", "blood_oxygen"] == 96.4
    _assert_matches_golden(daily.table, ["recovery_score", "day_strain"])


def test_two_overlapping_exports_keep_the_newest_values() -> None:
    old = _golden(CYCLES).replace(",71,52,68,", ",70,52,68,")  # a value since revised
    old_lines = old.splitlines()
    older_export = "\n".join([old_lines[0], *old_lines[2:]]) + "\n"  # before the last cycle
    daily = whoop.read(_files({"old/" + CYCLES: older_export, "new/" + CYCLES: _golden(CYCLES)}))
    assert daily.table.loc["2024-03-09", "recovery_score"] == 71.0
    assert daily.warnings == [
        f"5 row(s) of {CYCLES} appear in more than one export; kept the newest export's "
        f"(new/{CYCLES})"
    ]


def test_two_cycles_on_one_day_keep_the_longest_sleep_and_say_so() -> None:
    lines = _golden(CYCLES).splitlines()
    # A short extra cycle that also wakes on 03-09 (a second, short sleep after the main one).
    extra = (
        "2024-03-09 09:00:00,2024-03-09 22:40:00,UTC-05:00,90,45,90,33.9,96.40,3.0,900,150,70,"
        "2024-03-09 09:00:00,2024-03-09 10:00:00,60,14.0,55,60,30,10,15,5,460,10,92,80"
    )
    daily = whoop.read(_files({CYCLES: "\n".join([lines[0], lines[1], extra, *lines[2:]])}))
    assert daily.table.loc["2024-03-09", "recovery_score"] == 71.0  # the 455-min sleep's
    (note,) = daily.warnings
    assert note.startswith(f"{CYCLES}: 1 day(s) have two cycles: 2024-03-09 (cycles starting ")
    assert "2024-03-08 22:30 and 2024-03-09 09:00" in note
    assert "kept on each day the cycle with the longest sleep" in note


def test_an_unanswered_question_is_missing_never_no() -> None:
    table = _read().table
    assert np.isnan(table.loc["2024-03-04", "have_any_caffeine"])
    assert table.loc["2024-03-04", "have_any_alcoholic_drinks"] == 0.0


def test_questions_named_like_a_metric_get_a_journal_prefix() -> None:
    journal = _golden(JOURNAL).replace("Have any caffeine? ", "Resting HR")
    daily = whoop.read(_files({JOURNAL: journal}))
    assert "journal_resting_hr" in daily.table
    assert daily.registry["journal_resting_hr"].label == "Resting HR"


def test_a_header_only_journal_beside_data_is_noted_not_fatal() -> None:
    daily = _read(journal_entries=_golden(JOURNAL).split("\n", 1)[0] + "\n")
    assert "have_any_caffeine" not in daily.table
    assert f"{JOURNAL}: no data rows, only the header; nothing read from it" in daily.warnings


def test_identical_repeated_journal_rows_are_harmless() -> None:
    lines = _golden(JOURNAL).splitlines()
    daily = whoop.read(_files({JOURNAL: "\n".join([*lines, lines[1]]) + "\n"}))
    assert daily.table.loc["2024-03-08", "have_any_alcoholic_drinks"] == 0.0


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "old", "new", "message"),
    [
        (
            "physiological_cycles",
            ",38,60,41,",
            ",38,abc,41,",
            f"{CYCLES}, row 4, column 'Resting heart rate (bpm)': 'abc' is not a number; "
            "expected a heart rate in bpm from 20 to 200",
        ),
        (
            "journal_entries",
            "Have any caffeine? ,TRUE,",
            "Have any caffeine? ,maybe,",
            f"{JOURNAL}, row 3, column 'Answered yes': 'maybe' is not true or false",
        ),
        (
            "physiological_cycles",
            "2024-03-07 23:45:00,2024-03-08 22:30:00",
            "07/03/2024 23:45,2024-03-08 22:30:00",
            f"{CYCLES}, row 4, column 'Cycle start time': '07/03/2024 23:45' is not a date and "
            "time; expected a date and time like 2024-03-08 22:30:00",
        ),
    ],
)
def test_malformed_values_name_file_row_and_column(
    stem: str, old: str, new: str, message: str
) -> None:
    text = _golden(f"{stem}.csv")
    assert old in text
    with pytest.raises(ValueError, match=re.escape(message)):
        _read(**{stem: text.replace(old, new, 1)})


_PERCENT_REASON = "plausible: 0 to 100 %; WHOOP recovery is a percentage"


@pytest.mark.parametrize(
    ("stem", "old", "new", "day", "column", "note"),
    [
        (
            "physiological_cycles",
            ",38,60,41,",
            ",250,60,41,",
            "2024-03-08",
            "recovery_score",
            f"{CYCLES}: 1 value of 'Recovery score %' above 100 left out (row 4; "
            f"{_PERCENT_REASON})",
        ),
        (
            "physiological_cycles",
            ",38,60,41,",
            ",-5,60,41,",
            "2024-03-08",
            "recovery_score",
            f"{CYCLES}: 1 value of 'Recovery score %' negative left out (row 4; {_PERCENT_REASON})",
        ),
        (
            "physiological_cycles",
            ",38,60,41,",
            ",38,400,41,",
            "2024-03-08",
            "resting_hr",
            f"{CYCLES}: 1 value of 'Resting heart rate (bpm)' above 200 left out (row 4; "
            "plausible: 20 to 200 bpm; the lowest resting heart rates recorded are near 27 bpm)",
        ),
        (
            "workouts",
            ",50,Running,",
            ",-50,Running,",
            "2024-03-08",
            "workout_min",
            f"{WORKOUTS}: 1 value of 'Duration (min)' negative left out (row 2; plausible: 0 to "
            "1,440 min; a workout longer than a day is a timer left on)",
        ),
        (
            "workouts",
            "20,30,25,15,10,true",
            "20,30,25,15,120,true",
            "2024-03-08",
            "zone5_min",
            f"{WORKOUTS}: 1 value of 'HR Zone 5 %' above 100 left out (row 2; plausible: 0 to "
            "100 %; a share of a workout's duration)",
        ),
    ],
)
def test_implausible_values_are_left_out_and_noted_with_file_row_and_column(
    stem: str, old: str, new: str, day: str, column: str, note: str
) -> None:
    text = _golden(f"{stem}.csv")
    assert old in text
    daily = _read(**{stem: text.replace(old, new, 1)})
    assert note in daily.warnings
    golden = _read().table
    changed = daily.table.compare(golden)
    # only the one value (and the day totals it feeds) differs from the golden table
    assert set(changed.index) == {pd.Timestamp(day)}
    assert column in {name for name, _ in changed.columns}
    if stem == "physiological_cycles":
        assert np.isnan(daily.table.loc[day, column])
        assert daily.table.loc[day, "hrv_rmssd"] == golden.loc[day, "hrv_rmssd"]


def test_a_negative_sleep_duration_is_left_out_of_its_nap() -> None:
    text = _golden(SLEEPS).replace(",28,30,20,0,8,2,", ",28,30,20,0,8,-2,", 1)
    daily = _read(sleeps=text)
    assert f"{SLEEPS}: 1 value of 'Awake duration (min)' negative left out (row 4" in "\n".join(
        daily.warnings
    )


def test_whoop_rounding_to_101_percent_is_clamped_and_said() -> None:
    text = _golden(SLEEPS)
    lines = text.splitlines()
    lines[1] = lines[1].replace(",94,80,false", ",101,80,false")
    daily = _read(sleeps="\n".join(lines) + "\n")
    assert (
        f"{SLEEPS}: 1 value of 'Sleep efficiency %' above 100 clamped to 100 (row 2; WHOOP "
        "rounds to 101)"
    ) in daily.warnings


@pytest.mark.parametrize("year", ["1900", "1969", "2099"])
def test_a_cycle_dated_outside_the_plausible_window_is_left_out(year: str) -> None:
    old = "2024-03-07 23:45:00,2024-03-08"
    text = _golden(CYCLES).replace(old, old.replace("2024", year, 1), 1)
    daily = _read(physiological_cycles=text)
    assert daily.table.index.min() >= pd.Timestamp("2000-01-01")
    assert daily.table.index.max() <= pd.Timestamp("2030-01-01")
    (note,) = [w for w in daily.warnings if "record dated" in w]
    when = "after today" if year > "2024" else "before 2000-01-01"
    assert note.startswith(f"{CYCLES}: 1 record dated {year}-03-07, {when}, left out (row 4; ")
    # the cycle's morning keeps what sleeps.csv says about it
    assert np.isnan(daily.table.loc["2024-03-08", "recovery_score"])
    assert daily.table.loc["2024-03-08", "asleep_min"] == 410.0


def test_a_wake_onset_outside_the_window_is_left_out_and_the_cycle_dated_by_its_start() -> None:
    text = _golden(CYCLES).replace(",2024-03-08 07:10:00,", ",2099-03-08 07:10:00,", 1)
    daily = _read(physiological_cycles=text)
    assert any(
        w.startswith(f"{CYCLES}: 1 value of 'Wake onset' dated 2099-03-08, after today")
        for w in daily.warnings
    )
    # cycle start 2024-03-07 23:45 + 12 h: still the morning of 2024-03-08
    assert daily.table.loc["2024-03-08", "recovery_score"] == 38.0


def test_a_file_cut_off_mid_row_is_refused() -> None:
    text = _golden(CYCLES)
    start = text.rindex("\n", 0, len(text) - 1) + 1
    cut = text[: start + len("2024-03-04 22:50:00,2024-03-05 23:00:00,UTCZ,8")]
    with pytest.raises(ValueError, match=rf"{CYCLES}: row 7 \(the last\) has 4 of the 26 values"):
        _read(physiological_cycles=cut)


def test_header_only_files_say_no_data_rows() -> None:
    header = _golden(CYCLES).split("\n", 1)[0] + "\n"
    with pytest.raises(ValueError, match=rf"{CYCLES}: no data rows, only the header"):
        whoop.read(_files({CYCLES: header}))


def test_duplicate_cycles_are_refused_with_their_rows() -> None:
    lines = _golden(CYCLES).splitlines()
    text = "\n".join([*lines, lines[3]]) + "\n"
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"{CYCLES}: rows 4 and 8 are the same (Cycle start time 2024-03-07 23:45:00)"
        ),
    ):
        whoop.read(_files({CYCLES: text}))


def test_two_different_answers_for_one_cycle_are_refused() -> None:
    lines = _golden(JOURNAL).splitlines()
    contradiction = lines[1].replace(",false,", ",true,")
    with pytest.raises(ValueError, match=r"rows 2 and 9 answer the same question for the same"):
        whoop.read(_files({JOURNAL: "\n".join([*lines, contradiction]) + "\n"}))


def test_a_missing_required_column_is_named() -> None:
    text = _drop_column(_golden(WORKOUTS), "Duration (min)")
    with pytest.raises(ValueError, match=rf"{WORKOUTS}: no 'Duration \(min\)' column"):
        whoop.read(_files({WORKOUTS: text}))


def test_a_file_that_is_no_whoop_file_is_refused() -> None:
    with pytest.raises(ValueError, match=r"log\.csv: not a WHOOP export file"):
        whoop.read(_files({"log.csv": "date,mood\n2024-03-04,3\n"}))


# --- recognition -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_claims_each_file_by_its_header_not_its_name(name: str) -> None:
    (file,) = _files({"renamed.csv": _golden(name)})
    assert whoop.claims(file, file.head())


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (b"", 0),
        (b"\x00\x01binary", 8),
        (b"date,mood\n2024-03-04,3\n", 23),
        (b"Cycle start time,Foo,Bar\n", 25),
        (b"Cycle start time,Cycle end", 5000),  # the header row does not fit in the head
    ],
)
def test_does_not_claim_other_files(data: bytes, size: int) -> None:
    file = ExportFile("x.csv", size, lambda: io.BytesIO(data))
    assert not whoop.claims(file, data)


def test_question_names_are_slugs_of_the_trimmed_question() -> None:
    questions = pd.read_csv(GOLDEN / JOURNAL)["Question text"].str.strip().unique()
    table = _read().table
    assert {slugify(q) for q in questions} <= set(table.columns)
