"""Oura reader: legacy trends CSV and App Data CSVs, synthetic files in the described layouts."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from pga_core.data.readers import ExportFile, collect_files, oura

# The legacy trends CSV: duplicated "Sleep Timing", trailing spaces, a BOM, durations in seconds,
# rows dated by the evening the night began (bedtime ends the next morning).
LEGACY = (
    "\ufeffdate,Sleep Score,Total Sleep Score,Sleep Timing,Total Bedtime ,Total Sleep Time ,"
    "Awake Time,REM Sleep Time,Light Sleep Time,Deep Sleep Time,Sleep Efficiency,Sleep Latency,"
    "Sleep Timing,Bedtime Start,Bedtime End,Average Resting Heart Rate,Lowest Resting Heart Rate,"
    "Average HRV,Temperature Deviation (°C),Respiratory Rate,Activity Score,Steps,Activity Burn,"
    "Readiness Score,Recovery Index Score\n"
    "2020-03-01,81,81,90,30240,26100,4140,5400,14400,6300,86,900,90,2020-03-01T22:14:42-08:00,"
    "2020-03-02T06:38:42-08:00,54.5,49,62,-0.12,14.6,77,9120,410,84,90\n"
    "2020-03-02,74,74,85,28800,23400,5400,4500,13500,5400,81,1200,85,2020-03-02T23:40:00-08:00,"
    "2020-03-03T07:40:00-08:00,57.25,51,48,0.3,15.1,88,12034,620,70,60\n"
    "2020-03-03,,,,,,,,,,,,,,,,,,,,65,4000,200,,\n"
    "2020-03-04,90,90,99,30000,27000,3000,6000,15000,6000,92,600,99,2020-03-05T00:20:00-08:00,"
    "2020-03-05T08:30:00-08:00,52,47,70,0.05,14.2,70,8000,350,91,95\n"
)


def legacy_reference(text: str, shift_days: int) -> pd.DataFrame:
    """What the rows mean, with pandas alone: seconds → minutes, nights on the wake-up day."""
    raw = pd.read_csv(io.StringIO(text.lstrip("\ufeff")))
    raw.columns = raw.columns.str.strip()
    date = pd.to_datetime(raw["date"])
    night = date + pd.Timedelta(days=shift_days)
    series = {
        "sleep_score": (raw["Sleep Score"], night),
        "asleep_min": (raw["Total Sleep Time"] / 60, night),
        "in_bed_min": (raw["Total Bedtime"] / 60, night),
        "awake_min": (raw["Awake Time"] / 60, night),
        "rem_sleep_min": (raw["REM Sleep Time"] / 60, night),
        "light_sleep_min": (raw["Light Sleep Time"] / 60, night),
        "deep_sleep_min": (raw["Deep Sleep Time"] / 60, night),
        "sleep_efficiency": (raw["Sleep Efficiency"], night),
        "sleep_latency_min": (raw["Sleep Latency"] / 60, night),
        "resting_hr": (raw["Average Resting Heart Rate"], night),
        "lowest_resting_hr": (raw["Lowest Resting Heart Rate"], night),
        "hrv_rmssd": (raw["Average HRV"], night),
        "temperature_deviation": (raw["Temperature Deviation (°C)"], night),
        "respiratory_rate": (raw["Respiratory Rate"], night),
        "readiness_score": (raw["Readiness Score"], night),
        "activity_score": (raw["Activity Score"], date),
        "steps": (raw["Steps"], date),
        "active_energy": (raw["Activity Burn"], date),
    }
    columns = {
        name: pd.Series(values.to_numpy(float), index=pd.DatetimeIndex(days))
        for name, (values, days) in series.items()
    }
    return pd.DataFrame(columns).rename_axis("date")


def files_of(*uploads: tuple[str, str | bytes]) -> list[ExportFile]:
    return collect_files([(n, d.encode() if isinstance(d, str) else d) for n, d in uploads])


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def claimed(files: list[ExportFile]) -> list[str]:
    return [f.basename for f in files if oura.claims(f, f.head())]


# ----------------------------------------------------------------------------------------------
# Legacy trends CSV


def test_legacy_trends_match_a_pandas_reference_with_nights_on_the_wake_up_morning() -> None:
    daily = oura.read(files_of(("oura_2020-03-01_2020-03-04_trends.csv", LEGACY)))
    expected = legacy_reference(LEGACY, shift_days=1)
    pd.testing.assert_frame_equal(
        daily.table[expected.columns], expected, check_freq=False, check_names=False
    )
    table = daily.table
    assert table.loc["2020-03-02", "asleep_min"] == 435.0  # 26,100 s, night of 03-01 → 03-02
    assert table.loc["2020-03-02", "steps"] == 12034  # steps stay on their own day
    assert table.loc["2020-03-05", "readiness_score"] == 91
    assert np.isnan(table.loc["2020-03-04", "readiness_score"])  # the 03-03 row had no night
    notes = " ".join(daily.warnings)
    assert "'Sleep Timing' appears twice" in notes
    assert "night values moved 1 day(s) to the wake-up morning" in notes
    assert "not used: total_sleep_score, sleep_timing, bedtime_start" in notes


def test_legacy_rows_dated_by_the_morning_are_not_shifted() -> None:
    rows = LEGACY.splitlines()
    header, body = rows[0], rows[1:]
    by_morning = []
    for row in body:
        cells = row.split(",")
        if cells[1]:  # same night, but the row dated by its morning
            cells[0] = cells[14][:10]
        by_morning.append(",".join(cells))
    text = "\n".join([header, *by_morning]) + "\n"
    daily = oura.read(files_of(("trends.csv", text)))
    assert daily.table.loc["2020-03-02", "asleep_min"] == 435.0
    assert not any("moved" in w for w in daily.warnings)


def test_legacy_without_bedtimes_says_what_it_assumed() -> None:
    text = "date,Sleep Score,Readiness Score,Steps\n2021-05-01,80,75,9000\n"
    daily = oura.read(files_of(("trends.csv", text)))
    assert daily.table.loc["2021-05-02", "sleep_score"] == 80  # Oura's v1 evening date
    assert daily.table.loc["2021-05-01", "steps"] == 9000
    assert any("assumed the date is the evening the night began" in w for w in daily.warnings)


# ----------------------------------------------------------------------------------------------
# App Data


DAILY_SLEEP = (
    "id;contributors;day;score;timestamp\n"
    'a1;{"deep_sleep": 57, "efficiency": 98, "total_sleep": 84};2024-03-02;78;'
    "2024-03-02T00:00:00+00:00\n"
    'a2;{"deep_sleep": 60, "efficiency": 91, "total_sleep": 80};2024-03-03;71;'
    "2024-03-03T00:00:00+00:00\n"
)
DAILY_READINESS = (
    "id,contributors,day,score,temperature_deviation,temperature_trend_deviation,timestamp\n"
    'r1,"{""hrv_balance"": 75, ""resting_heart_rate"": 95}",2024-03-02,85,-0.2,0.1,'
    "2024-03-02T00:00:00+00:00\n"
    'r2,"{""hrv_balance"": 70, ""resting_heart_rate"": 90}",2024-03-03,66,0.4,0.2,'
    "2024-03-03T00:00:00+00:00\n"
)
DAILY_ACTIVITY = (
    "id;class_5_min;score;active_calories;average_met_minutes;steps;total_calories;day;timestamp\n"
    "d1;0001112223;82;512;1,5;10250;2600;2024-03-01;2024-03-01T04:00:00+01:00\n"
    "d2;0001112223;75;380;1,25;7400;2400;2024-03-02;2024-03-02T04:00:00+01:00\n"
    "d3;0001112223;90;640;2;13020;2800;2024-03-03;2024-03-03T04:00:00+01:00\n"
    "d4;0001112223;70;300;1;6000;2300;2024-03-04;2024-03-04T04:00:00+01:00\n"
)
SLEEP_MODEL = (
    "id;average_breath;average_heart_rate;average_hrv;awake_time;bedtime_end;bedtime_start;day;"
    "deep_sleep_duration;efficiency;heart_rate;latency;light_sleep_duration;lowest_heart_rate;"
    "rem_sleep_duration;time_in_bed;total_sleep_duration;type\n"
    "s1;14,5;55,5;48;2400;2024-03-02T07:00:00+01:00;2024-03-01T23:00:00+01:00;2024-03-02;"
    '5400;91;{"interval": 300.0, "items": [60, 58]};600;14400;49;6000;28800;25800;long_sleep\n'
    "s2;15;62;30;300;2024-03-02T15:30:00+01:00;2024-03-02T15:00:00+01:00;2024-03-02;"
    "0;80;;300;1200;58;300;1800;1500;late_nap\n"
    "s3;14;57;41;3000;2024-03-03T06:30:00+01:00;2024-03-03T00:10:00+01:00;2024-03-03;"
    "4800;85;;900;12600;51;4800;22800;19800;long_sleep\n"
)
WORKOUTS = (
    "id;activity;calories;day;distance;end_datetime;intensity;label;local_date;source;"
    "start_datetime\n"
    "w1;running;410;2024-03-02;8000;2024-03-02T07:45:00+01:00;hard;;2024-03-02;manual;"
    "2024-03-02T07:00:00+01:00\n"
    "w2;walking;90;2024-03-02;3000;2024-03-02T18:30:00+01:00;easy;;2024-03-02;autodetected;"
    "2024-03-02T18:00:00+01:00\n"
    "w2;walking;90;2024-03-02;3000;2024-03-02T18:30:00+01:00;easy;;2024-03-02;autodetected;"
    "2024-03-02T18:00:00+01:00\n"
)


def app_data_zip(**extra: str) -> list[ExportFile]:
    members = {
        "App Data/dailysleep_2024-03-01_2024-03-31.csv": DAILY_SLEEP,
        "App Data/dailyreadiness.csv": DAILY_READINESS,
        "App Data/dailyactivity.csv": DAILY_ACTIVITY,
        "App Data/sleepmodel.csv": SLEEP_MODEL,
        "App Data/workout.csv": WORKOUTS,
        "App Data/heartrate.csv": "timestamp;bpm;source\n2024-03-02T07:00:00+01:00;60;awake\n",
        **extra,
    }
    return collect_files([("oura_export.zip", zipped(members))])


def test_app_data_files_are_claimed_by_name_and_columns() -> None:
    assert claimed(app_data_zip()) == [
        "dailysleep_2024-03-01_2024-03-31.csv", "dailyreadiness.csv", "dailyactivity.csv",
        "sleepmodel.csv", "workout.csv",
    ]  # fmt: skip


def test_app_data_values_land_on_the_right_days() -> None:
    files = [f for f in app_data_zip() if oura.claims(f, f.head())]
    daily = oura.read(files)
    table = daily.table
    days = pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"])
    nan = np.nan
    expected = pd.DataFrame(
        {
            "sleep_score": [nan, 78, 71, nan],
            "readiness_score": [nan, 85, 66, nan],
            "temperature_deviation": [nan, -0.2, 0.4, nan],
            "activity_score": [82, 75, 90, 70],
            "steps": [10250, 7400, 13020, 6000],
            "active_energy": [512, 380, 640, 300],
            # The long sleep of each wake-up morning; the 03-02 afternoon nap is not added.
            "asleep_min": [nan, 25800 / 60, 19800 / 60, nan],
            "in_bed_min": [nan, 480, 380, nan],
            "resting_hr": [nan, 55.5, 57, nan],  # decimal commas in a ";" file
            "lowest_resting_hr": [nan, 49, 51, nan],
            "hrv_rmssd": [nan, 48, 41, nan],
            "respiratory_rate": [nan, 14.5, 14, nan],
            "sleep_latency_min": [nan, 10, 15, nan],
            # Workouts: the repeated row counts once; 0 on later days with other data.
            "workout_min": [nan, 75, 0, 0],
            "workout_count": [nan, 2, 0, 0],
            "workout_energy": [nan, 500, nan, nan],
        },
        index=pd.DatetimeIndex(days, name="date"),
        dtype=float,
    )
    pd.testing.assert_frame_equal(table[expected.columns], expected, check_freq=False)
    notes = " ".join(daily.warnings)
    assert "dailysleep_2024-03-01_2024-03-31.csv: recognised sleep_score (2 days)" in notes
    assert "not used: id, contributors, timestamp" in notes


def test_daily_files_follow_sleepmodel_when_it_dates_nights_by_the_evening() -> None:
    evening = SLEEP_MODEL.replace(";2024-03-02;5400", ";2024-03-01;5400").replace(
        ";2024-03-03;4800", ";2024-03-02;4800"
    )
    evening_sleep = DAILY_SLEEP.replace("2024-03-03;71", "2024-03-02;71").replace(
        "2024-03-02;78", "2024-03-01;78"
    )
    files = [
        f
        for f in app_data_zip(**{"App Data/sleepmodel.csv": evening})
        if oura.claims(f, f.head()) and "dailysleep" not in f.name
    ]
    files += files_of(("dailysleep.csv", evening_sleep))
    daily = oura.read(files)
    assert daily.table.loc["2024-03-02", "sleep_score"] == 78
    assert daily.table.loc["2024-03-03", "sleep_score"] == 71
    assert daily.table.loc["2024-03-02", "asleep_min"] == 430  # by bedtime_end, unchanged
    assert any("moved 1 day(s) to the wake-up morning" in w for w in daily.warnings)


def test_app_data_wins_over_a_legacy_file_and_the_conflict_is_reported() -> None:
    legacy = "date,Sleep Score,Steps,Activity Score\n2024-03-02,50,7000,75\n2024-03-05,60,5000,71\n"
    files = [f for f in app_data_zip() if oura.claims(f, f.head())]
    daily = oura.read([*files, *files_of(("trends.csv", legacy))])
    assert daily.table.loc["2024-03-02", "steps"] == 7400
    assert daily.table.loc["2024-03-05", "steps"] == 5000  # the legacy file fills its own days
    assert any("steps: oura and oura disagree on 1 day(s)" in w for w in daily.warnings)


# ----------------------------------------------------------------------------------------------
# Tags


def tag_file(rows: list[tuple[str, str, str, str]]) -> str:
    """enhancedtag.csv rows of (tag_type_code, custom_tag_name, start_day, end_day)."""
    lines = ["id;tag_type_code;start_time;end_time;start_day;end_day;comment;custom_tag_name"]
    for i, (code, custom, start, end) in enumerate(rows):
        lines.append(f"t{i};{code};{start}T21:00:00+01:00;;{start};{end};;{custom}")
    return "\n".join(lines) + "\n"


def test_tags_are_yes_on_tag_days_no_on_other_tagging_days_and_unknown_elsewhere() -> None:
    text = tag_file(
        [
            ("tag_generic_caffeine", "", "2024-03-01", ""),
            ("tag_generic_caffeine", "", "2024-03-02", ""),
            ("tag_generic_alcohol", "", "2024-03-03", ""),
            ("tag_generic_caffeine", "", "2024-03-04", ""),
            # 03-05: nothing tagged at all
            ("custom", "Late dinner", "2024-03-06", ""),
            ("tag_generic_alcohol", "", "2024-03-07", ""),
            ("tag_generic_caffeine", "", "2024-03-08", ""),
            ("tag_generic_sick", "", "2024-03-08", "2024-03-10"),
        ]
    )
    daily = oura.read(files_of(("enhancedtag.csv", text)))
    table = daily.table
    nan = np.nan
    expected = pd.DataFrame(
        {
            # first use 03-03, last 03-07: 03-04 and 03-06 had other tags → no; 03-05 unknown
            "tag_alcohol": [nan, nan, 1, 0, nan, 0, 1, nan, nan, nan],
            "tag_caffeine": [1, 1, 0, 1, nan, 0, 0, 1, nan, nan],
            "tag_late_dinner": [nan] * 5 + [1.0] + [nan] * 4,
            "tag_sick": [nan] * 7 + [1.0, 1.0, 1.0],  # 03-08 through its end day
        },
        index=pd.date_range("2024-03-01", periods=10, name="date"),
    )
    # 03-05 has no value in any column, so the table has no row for it.
    assert pd.Timestamp("2024-03-05") not in table.index
    got = table[expected.columns].reindex(expected.index)
    pd.testing.assert_frame_equal(got, expected, check_freq=False)
    registry = daily.registry
    assert registry["tag_alcohol"].kind == "behaviour"
    assert registry["tag_alcohol"].label == "Alcohol (Oura tag)"
    assert registry["tag_late_dinner"].label == "Late dinner (Oura tag)"
    assert any("tag_alcohol (2 yes, 2 no)" in w for w in daily.warnings)


def test_tag_rule_matches_a_day_by_day_reference_on_a_random_log() -> None:
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-01-01", periods=60)
    codes = ["tag_generic_alcohol", "tag_generic_caffeine", "tag_generic_sauna"]
    rows = [
        (code, "", day.strftime("%Y-%m-%d"), "")
        for day in days
        for code in codes
        if rng.random() < [0.15, 0.5, 0.05][codes.index(code)]
    ]
    daily = oura.read(files_of(("enhancedtag_2024.csv", tag_file(rows))))
    logged: dict[pd.Timestamp, set[str]] = {}
    for code, _, start, _ in rows:
        logged.setdefault(pd.Timestamp(start), set()).add(code)
    for code in codes:
        name = "tag_" + code.removeprefix("tag_generic_")
        used = [d for d, tags in logged.items() if code in tags]
        expected = {}
        for day in days:
            if code in logged.get(day, set()):
                expected[day] = 1.0
            elif logged.get(day) and min(used) <= day <= max(used):
                expected[day] = 0.0
        got = daily.table[name].dropna()
        assert got.to_dict() == expected


# ----------------------------------------------------------------------------------------------
# Claims and bad input


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("physiological_cycles.csv", "Cycle start time,Cycle end time,Recovery score %\n"),
        ("habits.csv", "date,steps,alcohol\n2024-03-01,9000,yes\n"),  # one known header only
        ("workout.csv", "date,exercise,minutes\n2024-03-01,run,30\n"),  # another app's workouts
        ("dailysleep.txt", DAILY_SLEEP),
    ],
)
def test_other_csvs_are_not_claimed(name: str, text: str) -> None:
    assert claimed(files_of((name, text))) == []


def test_legacy_trends_are_claimed_by_their_header() -> None:
    assert claimed(files_of(("oura_trends.csv", LEGACY))) == ["oura_trends.csv"]


def test_a_bad_date_names_the_file_row_and_column() -> None:
    text = DAILY_ACTIVITY.replace("2024-03-03;2024", "03/03/2024;2024")
    with pytest.raises(
        ValueError, match=r"dailyactivity\.csv: row 4, column 'day': expected a date"
    ):
        oura.read(files_of(("dailyactivity.csv", text)))


def test_a_missing_required_column_names_the_file() -> None:
    with pytest.raises(ValueError, match=r"trends\.csv: no column 'date'"):
        oura.read(files_of(("trends.csv", "day,Sleep Score,Readiness Score\n2024-03-01,80,70\n")))


def test_cells_that_are_not_numbers_are_left_empty_with_a_note() -> None:
    text = "date,Sleep Score,Steps\n2024-03-01,80,lots\n2024-03-02,82,9000\n"
    daily = oura.read(files_of(("trends.csv", text)))
    assert daily.table["steps"].dropna().to_dict() == {pd.Timestamp("2024-03-02"): 9000.0}
    assert any(
        "column 'steps': 1 cell(s) are not numbers (first on row 2)" in w for w in daily.warnings
    )


def test_registry_names_oura_hrv_as_rmssd() -> None:
    daily = oura.read(files_of(("trends.csv", LEGACY)))
    assert daily.registry["hrv_rmssd"].label == "Heart rate variability (RMSSD)"
    assert {v.source for v in daily.registry.values()} == {"oura"}
    assert daily.registry["readiness_score"].components  # circular pairs can be flagged
    assert daily.registry["steps"].kind == "habit"


def test_a_custom_tag_named_like_a_generic_one_is_the_same_behaviour() -> None:
    text = tag_file(
        [
            ("tag_generic_alcohol", "", "2024-03-01", ""),
            ("custom", "Alcohol", "2024-03-02", ""),
            ("tag_generic_caffeine", "", "2024-03-02", ""),
            ("tag_generic_caffeine", "", "2024-03-03", ""),
            ("custom", "🍷", "2024-03-03", ""),
            ("tag_generic_alcohol", "", "2024-03-04", ""),
        ]
    )
    daily = oura.read(files_of(("enhancedtag.csv", text)))
    assert daily.table["tag_alcohol"].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert any("'🍷' have no letters or digits" in w for w in daily.warnings)


def test_date_range_files_of_one_kind_are_combined() -> None:
    first = "id;day;score\nx1;2024-01-30;70\nx2;2024-01-31;72\n"
    second = "id;day;score\nx2;2024-01-31;73\nx3;2024-02-01;75\n"
    daily = oura.read(
        files_of(
            ("dailysleep_2024-02-01_2024-02-29.csv", second),
            ("dailysleep_2024-01-01_2024-01-31.csv", first),
        )
    )
    # The later export's row wins on the day both cover.
    assert daily.table["sleep_score"].tolist() == [70.0, 73.0, 75.0]


# ----------------------------------------------------------------------------------------------
# The shared text and CSV layer


def test_utf16_and_windows_1252_files_read_like_utf8() -> None:
    utf8 = oura.read(files_of(("trends.csv", LEGACY)))
    text = LEGACY.lstrip("\ufeff")
    utf16 = oura.read(files_of(("trends.csv", text.encode("utf-16"))))
    pd.testing.assert_frame_equal(utf16.table, utf8.table)
    assert claimed(files_of(("trends.csv", text.encode("utf-16")))) == ["trends.csv"]
    latin = oura.read(files_of(("trends.csv", text.encode("cp1252"))))
    pd.testing.assert_frame_equal(latin.table, utf8.table)
    decoding = [w for w in latin.warnings if "not UTF-8" in w]
    assert len(decoding) == 1
    assert decoding[0].startswith("trends.csv: not UTF-8")  # the file named once


def test_rows_are_numbered_as_a_person_counts_them() -> None:
    text = "date,Sleep Score,Steps\n\n2024-03-01,80,9000\n2024-03-02,82,lots\n"
    daily = oura.read(files_of(("trends.csv", text)))
    assert any("1 cell(s) are not numbers (first on row 4)" in w for w in daily.warnings)
    bad_date = "id;day;score\n\nx1;2024-01-30;70\nx2;soon;72\n"
    with pytest.raises(ValueError, match=r"dailysleep\.csv: row 4, column 'day': expected a date"):
        oura.read(files_of(("dailysleep.csv", bad_date)))


def test_a_row_with_too_many_or_too_few_values_is_refused() -> None:
    shifted = "id;day;score\nx1;2024-01-30;70\nx2;2024-01-31;72;73\n"
    with pytest.raises(ValueError, match=r"dailysleep\.csv: row 3 has 4 values but the header"):
        oura.read(files_of(("dailysleep.csv", shifted)))
    cut = "date,Sleep Score,Steps\n2024-03-01,80,9000\n2024-03-02,82"
    with pytest.raises(ValueError, match=r"trends\.csv: row 3 \(the last\) has 2 of the 3 values"):
        oura.read(files_of(("trends.csv", cut)))


def test_files_that_cannot_be_a_csv_export_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^dailysleep\.csv: the file is empty$"):
        oura.read(files_of(("dailysleep.csv", " \n\n")))
    wide = "day;score;" + ";".join(f"c{i}" for i in range(2000)) + "\n"
    with pytest.raises(ValueError, match=r"dailysleep\.csv: the header row has 2,002 columns"):
        oura.read(files_of(("dailysleep.csv", wide)))
    with pytest.raises(ValueError, match=r"dailysleep\.csv: holds binary data"):
        oura.read(files_of(("dailysleep.csv", b"day;score\n\x00\x01\x02\x03")))


def test_headers_match_whatever_their_case_accents_or_spacing() -> None:
    text = "\ufeffDATE , sleep  score ,Stéps\n2024-03-01,80,9000\n"
    daily = oura.read(files_of(("trends.csv", text)))
    assert daily.table.loc["2024-03-02", "sleep_score"] == 80
    assert daily.table.loc["2024-03-01", "steps"] == 9000


# --- implausible values and dates ------------------------------------------------------------


def _legacy_with(old: str, new: str) -> str:
    assert old in LEGACY
    return LEGACY.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "day", "column", "note"),
    [
        (",77,9120,", ",inf,9120,", "2020-03-01", "activity_score", "not a finite number"),
        (",77,9120,", ",1e999,9120,", "2020-03-01", "activity_score", "not a finite number"),
        (",77,9120,", ",7162,9120,", "2020-03-01", "activity_score", "above 100"),
        (",54.5,49,62,", ",54.5,49,-62,", "2020-03-02", "hrv_rmssd", "negative"),
    ],
)
def test_implausible_values_are_left_out_with_file_row_and_column(
    old: str, new: str, day: str, column: str, note: str
) -> None:
    daily = oura.read(files_of(("trends.csv", _legacy_with(old, new))))
    assert np.isnan(daily.table.loc[day, column])
    assert np.isfinite(daily.table.to_numpy()[~np.isnan(daily.table.to_numpy())]).all()
    header = {"activity_score": "Activity Score", "hrv_rmssd": "Average HRV"}[column]
    assert any(
        w.startswith(f"trends.csv: 1 value of {header!r} {note} left out (row 2")
        for w in daily.warnings
    ), daily.warnings


@pytest.mark.parametrize("year", ["1900", "1969", "2099"])
def test_rows_dated_outside_the_plausible_window_are_left_out(year: str) -> None:
    daily = oura.read(files_of(("trends.csv", _legacy_with("\n2020-03-03,", f"\n{year}-03-03,"))))
    assert daily.table.index.min() >= pd.Timestamp("2000-01-01")
    assert daily.table.index.max() < pd.Timestamp("2030-01-01")
    assert any(w.startswith(f"trends.csv: 1 record dated {year}-03-03, ") for w in daily.warnings)


def test_a_negative_or_endless_workout_is_left_out() -> None:
    workouts = (
        "id;activity;calories;start_datetime;end_datetime\n"
        "w1;run;400;2024-03-04T07:00:00+01:00;2024-03-04T06:00:00+01:00\n"
        "w2;walk;100;2024-03-04T12:00:00+01:00;2043-03-04T12:00:00+01:00\n"
        "w3;bike;300;2024-03-05T07:00:00+01:00;2024-03-05T08:00:00+01:00\n"
    )
    daily = oura.read(files_of(("workout.csv", workouts)))
    assert daily.table["workout_min"].dropna().to_dict() == {pd.Timestamp("2024-03-05"): 60.0}
    notes = "\n".join(daily.warnings)
    assert "workout.csv: 1 value of 'minutes from start_datetime to end_datetime' negative" in notes
    assert "above 1,440 left out (row 3;" in notes


def test_a_cell_longer_than_the_csv_modules_limit_is_a_clean_error() -> None:
    text = "date,Sleep Score,Steps\n2024-03-04,80,9000," + "x" * 200_000 + "\n"
    with pytest.raises(ValueError, match=r"^trends\.csv: line 2 holds a value longer than 128 KB"):
        oura.read(files_of(("trends.csv", text)))
    quoted = 'date,Sleep Score,Steps\n2024-03-04,80,9000\n2024-03-05,1,"' + "x" * 200_000
    with pytest.raises(ValueError, match=r"^trends\.csv: line 3 holds a value longer than 128 KB"):
        oura.read(files_of(("trends.csv", quoted + "\n")))
