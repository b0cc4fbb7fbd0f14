"""The sample person's exports: the real formats, byte for byte reproducible, read back exactly.

Each written file is read here independently, straight from the format facts, and must give the
person's planted daily table; the real readers must give it too. The header rows are the
:mod:`pga_core.sample._formats` columns, which ``test_formats.py`` checks against the facts.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data import slugify
from pga_core.data.readers import collect_files, read_exports
from pga_core.sample import generate_person, write_sample
from pga_core.sample._formats import (
    CYCLE_COLUMNS,
    JOURNAL_COLUMNS,
    SLEEP_COLUMNS,
    WORKOUT_COLUMNS,
)

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "data" / "sample"
WHOOP_METRICS = {
    "Recovery score %": "recovery_score",
    "Resting heart rate (bpm)": "resting_hr",
    "Heart rate variability (ms)": "hrv_rmssd",
    "Day Strain": "day_strain",
    "Sleep performance %": "sleep_performance",
    "Asleep duration (min)": "asleep_min",
    "Respiratory rate (rpm)": "respiratory_rate",
    "In bed duration (min)": "in_bed_min",
    "Light sleep duration (min)": "light_sleep_min",
    "Deep (SWS) duration (min)": "deep_sleep_min",
    "REM duration (min)": "rem_sleep_min",
    "Awake duration (min)": "awake_min",
}


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_person():
    """200 days across the February trip, the March clock change and the July trip."""
    return generate_person(200, seed=3, start="2024-01-20")


@pytest.fixture(scope="module")
def written(short_person, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("sample")
    return outdir, write_sample(short_person, outdir)


@pytest.fixture(scope="module")
def person():
    return generate_person(seed=0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


# --- an independent reading of the written files, straight from the format facts ------------------
def _read_whoop(folder: Path) -> pd.DataFrame:
    cycles = pd.read_csv(folder / "physiological_cycles.csv", dtype=str, keep_default_na=False)
    start = pd.to_datetime(cycles["Cycle start time"])
    wake = pd.to_datetime(cycles["Wake onset"].replace("", None))
    day = wake.dt.normalize().fillna((start + pd.Timedelta(hours=12)).dt.normalize())
    table = pd.DataFrame(
        {name: pd.to_numeric(cycles[h].replace("", None)) for h, name in WHOOP_METRICS.items()}
    ).set_index(pd.DatetimeIndex(day, name="date"))

    workouts = pd.read_csv(folder / "workouts.csv", dtype=str)
    minutes = workouts["Duration (min)"].astype(float) * workouts["HR Zone 5 %"].astype(float)
    zone5 = (minutes / 100).groupby(pd.to_datetime(workouts["Workout start time"]).dt.normalize())
    zone5 = zone5.sum()
    worn = table.index[table.index >= zone5.index.min()]  # days with a cycle from the first workout
    table["zone5_min"] = zone5.reindex(worn.union(zone5.index), fill_value=0.0)

    journal = pd.read_csv(folder / "journal_entries.csv", dtype=str, keep_default_na=False)
    cycle_day = dict(zip(cycles["Cycle start time"], day, strict=True))
    behaviour_day = journal["Cycle start time"].map(cycle_day) - pd.Timedelta(days=1)
    answers = pd.DataFrame(
        {
            "date": behaviour_day,
            "name": journal["Question text"].map(slugify),
            "value": (journal["Answered yes"].str.lower() == "true").astype(float),
        }
    )
    wide = answers.pivot_table(index="date", columns="name", values="value", aggfunc="last")
    table = table.reindex(table.index.union(wide.index))
    for name in wide.columns:
        table[name] = wide[name]
    return table


def _parse_apple(raw: bytes) -> ET.Element:
    return ET.fromstring(re.sub(rb"<!DOCTYPE.*?\]>", b"", raw, count=1, flags=re.DOTALL))


SLEEP_VALUE = "HKCategoryValueSleepAnalysis"
#: The watch's sleep stages → daily columns (Apple's core sleep is light sleep).
STAGE_COLUMNS = {"AsleepCore": "light_sleep_min", "AsleepDeep": "deep_sleep_min",
                 "AsleepREM": "rem_sleep_min", "Awake": "awake_min"}  # fmt: skip
POUND_KG = 0.45359237


def _apple_records(path: Path) -> pd.DataFrame:
    """Every Record as ElementTree reads it, with its local day and its length in minutes."""
    rows = [
        {
            "type": re.sub(r"^HK(Quantity|Category)TypeIdentifier", "", r.get("type")),
            "source": r.get("sourceName"),
            "unit": r.get("unit"),
            "value": r.get("value"),
            "start": r.get("startDate"),
            "end": r.get("endDate"),
        }
        for r in _parse_apple(path.read_bytes()).iter("Record")
    ]
    records = pd.DataFrame(rows)
    moment = {c: pd.to_datetime(records[c], format="%Y-%m-%d %H:%M:%S %z", utc=True)
              for c in ("start", "end")}  # fmt: skip
    local_start = pd.to_datetime(records["start"].str[:19])
    return records.assign(
        number=pd.to_numeric(records["value"], errors="coerce"),
        day=local_start.dt.normalize(),
        # read during sleep: a reading from noon on belongs to the next morning
        morning=(local_start + pd.Timedelta(hours=12)).dt.normalize(),
        end_day=pd.to_datetime(records["end"].str[:10]),
        minutes=(moment["end"] - moment["start"]).dt.total_seconds() / 60,
    )


def _watch_nights(sleep: pd.DataFrame) -> pd.DataFrame:
    """The watch's nights: records less than 2 h apart, dated by the last one's end."""
    sleep = sleep.sort_values("start")
    gap = pd.to_datetime(sleep["start"].str[:19]) - pd.to_datetime(sleep["end"].str[:19]).shift()
    night = (gap >= pd.Timedelta(hours=2)).cumsum()
    date = sleep.groupby(night)["end_day"].transform("last")
    stage = sleep["value"].str.removeprefix(SLEEP_VALUE).map(STAGE_COLUMNS)
    table = sleep.assign(date=date, column=stage).pivot_table(
        index="date", columns="column", values="minutes", aggfunc="sum", fill_value=0.0
    )
    table["asleep_min"] = table[["light_sleep_min", "deep_sleep_min", "rem_sleep_min"]].sum(axis=1)
    return table


def _read_apple(path: Path) -> pd.DataFrame:
    records = _apple_records(path)
    by_type = dict(iter(records.groupby("type")))
    steps_per_source = by_type["StepCount"].groupby(["day", "source"])["number"].sum()
    mass = by_type["BodyMass"].sort_values("start")
    mass_kg = mass["number"] * mass["unit"].map({"kg": 1.0, "lb": POUND_KG})
    drinks = by_type["NumberOfAlcoholicBeverages"].groupby("day")["number"].sum()
    sleep = by_type["SleepAnalysis"]
    watch_sleep = sleep[sleep["value"] != f"{SLEEP_VALUE}InBed"]
    # One source of sleep, so nothing to choose between.
    assert (watch_sleep["source"] == watch_sleep["source"].iloc[0]).all()
    in_bed = sleep[sleep["value"] == f"{SLEEP_VALUE}InBed"]
    columns = {
        "vo2_max": by_type["VO2Max"].sort_values("start").groupby("day")["number"].last(),
        "resting_hr": by_type["RestingHeartRate"].groupby("day")["number"].mean(),
        "hrv_sdnn": by_type["HeartRateVariabilitySDNN"].groupby("day")["number"].mean(),
        "steps": steps_per_source.groupby(level="day").max(),
        "active_energy": by_type["ActiveEnergyBurned"].groupby("day")["number"].sum(),
        "body_fat_pct": by_type["BodyFatPercentage"].groupby("day")["number"].last() * 100,
        "weight_kg": mass_kg.groupby(mass["day"]).last(),
        "walking_hr": by_type["WalkingHeartRateAverage"].groupby("day")["number"].mean(),
        "respiratory_rate": by_type["RespiratoryRate"].groupby("morning")["number"].mean(),
        "water_l": by_type["DietaryWater"].groupby("day")["number"].sum() / 1000,
        "caffeine_mg": by_type["DietaryCaffeine"].groupby("day")["number"].sum(),
        "alcoholic_drinks": drinks,
        "have_any_alcoholic_drinks": (drinks > 0).astype(float),
        "daylight_min": by_type["TimeInDaylight"].groupby("day")["number"].sum(),
        "mindful_min": by_type["MindfulSession"].groupby("day")["minutes"].sum(),
        "in_bed_min": in_bed.groupby("end_day")["minutes"].sum(),
    }
    return pd.concat([pd.DataFrame(columns), _watch_nights(watch_sleep)], axis=1).rename_axis(
        "date"
    )


def _read_habits(path: Path) -> pd.DataFrame:
    habits = pd.read_csv(path, dtype=str, keep_default_na=False)
    yes_no = habits["lactate_threshold_test"].map({"yes": 1.0, "no": 0.0, "": np.nan})
    return pd.DataFrame(
        {
            "hydration_l": pd.to_numeric(habits["hydration_l"].replace("", None)),
            "carbs_g": pd.to_numeric(habits["carbs_g"].replace("", None)),
            "lactate_threshold_test": yes_no.to_numpy(),
        }
    ).set_index(pd.DatetimeIndex(habits["date"], name="date"))


def _assert_same_table(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert sorted(actual.columns) == sorted(expected.columns)
    actual = actual[expected.columns].astype(float)
    pd.testing.assert_index_equal(_days(actual.index), _days(expected.index))
    np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)


def _days(index: pd.Index) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(index, name="date", freq=None).as_unit("s")


# --- the files read back to the planted daily tables ----------------------------------------------
def test_whoop_daily_is_what_the_dating_rules_give(short_person, written):
    outdir, _ = written
    _assert_same_table(_read_whoop(outdir / "whoop"), short_person.sources["whoop"].table)


def test_apple_daily_is_what_the_dating_rules_give(short_person, written):
    outdir, _ = written
    expected = short_person.sources["apple_health"].table
    _assert_same_table(_read_apple(outdir / "apple_health" / "export.xml"), expected)


def test_habits_daily_is_what_the_csv_says(short_person, written):
    outdir, _ = written
    _assert_same_table(_read_habits(outdir / "habits.csv"), short_person.sources["csv"].table)


# --- the WHOOP format and its quirks --------------------------------------------------------------
def test_whoop_headers_are_the_current_export_format(written):
    outdir, _ = written
    headers = {
        name: (outdir / "whoop" / name).read_text(encoding="utf-8").split("\n", 1)[0]
        for name in ("physiological_cycles.csv", "sleeps.csv", "workouts.csv")
    }
    # The columns are the export's, as test_formats.py checks against the format facts.
    assert headers["physiological_cycles.csv"] == ",".join(CYCLE_COLUMNS)
    assert headers["sleeps.csv"] == ",".join(SLEEP_COLUMNS)
    assert headers["workouts.csv"] == ",".join(WORKOUT_COLUMNS)
    journal = (outdir / "whoop" / "journal_entries.csv").read_text(encoding="utf-8")
    assert journal.split("\n", 1)[0] == ",".join(JOURNAL_COLUMNS)


def test_cycles_are_newest_first_with_a_current_and_a_strain_only_oldest_cycle(written):
    outdir, _ = written
    cycles = _rows(outdir / "whoop" / "physiological_cycles.csv")
    starts = [c["Cycle start time"] for c in cycles]
    assert starts == sorted(starts, reverse=True)
    assert len(set(starts)) == len(starts)
    current, oldest = cycles[0], cycles[-1]
    assert current["Cycle end time"] == ""
    assert current["Day Strain"] == ""
    assert current["Recovery score %"] != ""
    assert oldest["Day Strain"] != ""
    assert oldest["Recovery score %"] == ""
    assert oldest["Wake onset"] == ""
    assert oldest["Sleep onset"] == ""
    # each cycle ends where the next one starts
    assert [c["Cycle end time"] for c in cycles[1:]] == starts[:-1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", starts[0])


def test_timezones_include_daylight_saving_travel_and_utcz(written):
    outdir, _ = written
    cycles = _rows(outdir / "whoop" / "physiological_cycles.csv")[::-1]
    zones = [c["Cycle timezone"] for c in cycles]
    assert {"UTC-05:00", "UTC-04:00", "UTCZ", "UTC+02:00"} <= set(zones)
    changes = [
        (c["Cycle start time"][:10], zones[i + 1])
        for i, c in enumerate(cycles[:-1])
        if zones[i] == "UTC-05:00" and zones[i + 1] == "UTC-04:00"
    ]
    # 2024-03-10 is the US clock change: the cycle starting the night before is still UTC-05:00
    assert ("2024-03-09", "UTC-04:00") in changes


def test_journal_has_real_questions_notes_and_no_rows_for_unasked_days(written, short_person):
    outdir, _ = written
    rows = _rows(outdir / "whoop" / "journal_entries.csv")
    questions = {r["Question text"] for r in rows}
    assert "Have any caffeine? " in questions
    assert "Meditate? " in questions
    assert {r["Answered yes"] for r in rows} == {"true", "false"}
    assert any("\n" in r["Notes"] for r in rows)
    # the same notes on every question row of a cycle
    notes: dict[str, set[str]] = {}
    for r in rows:
        notes.setdefault(r["Cycle start time"], set()).add(r["Notes"])
    assert all(len(n) == 1 for n in notes.values())
    # answered days are fewer than days: skipped mornings are missing, never "no"
    alcohol = short_person.sources["whoop"].table["have_any_alcoholic_drinks"]
    assert 0 < alcohol.isna().sum() < len(alcohol) // 3


def test_naps_sit_beside_the_main_sleep_of_their_cycle(written):
    outdir, _ = written
    sleeps = _rows(outdir / "whoop" / "sleeps.csv")
    naps = [s for s in sleeps if s["Nap"] == "true"]
    assert len(naps) >= 2
    mains = {s["Cycle start time"] for s in sleeps if s["Nap"] == "false"}
    assert all(n["Cycle start time"] in mains for n in naps)
    onsets = [s["Sleep onset"] for s in sleeps]
    assert onsets == sorted(onsets, reverse=True)


def test_workout_zones_add_up_and_belong_to_their_cycle(written):
    outdir, _ = written
    cycles = _rows(outdir / "whoop" / "physiological_cycles.csv")
    spans = {c["Cycle start time"]: c["Cycle end time"] for c in cycles}
    workouts = _rows(outdir / "whoop" / "workouts.csv")
    assert workouts
    for w in workouts:
        assert sum(int(w[f"HR Zone {z} %"]) for z in range(1, 6)) == 100
        end = spans[w["Cycle start time"]]
        assert w["Cycle start time"] <= w["Workout start time"] < (end or "9999")
        assert w["Energy burned (cal)"].endswith((".0", ".1", ".2", ".3", ".4", ".5", ".6", ".7",
                                                   ".8", ".9"))  # fmt: skip


def test_whoop_zip_holds_the_same_files(written):
    outdir, paths = written
    members = collect_files([paths["whoop_export.zip"]])
    assert sorted(m.basename for m in members) == [
        "journal_entries.csv", "physiological_cycles.csv", "sleeps.csv", "workouts.csv",
    ]  # fmt: skip
    for member in members:
        with member.open() as stream:
            assert stream.read() == (outdir / "whoop" / member.basename).read_bytes()


# --- the Apple Health format and its quirks -------------------------------------------------------
def test_apple_export_has_the_broken_version_12_dtd(written):
    outdir, _ = written
    raw = (outdir / "apple_health" / "export.xml").read_bytes()
    assert b"<!-- HealthKit Export Version: 12 -->" in raw
    with pytest.raises(ET.ParseError):
        ET.fromstring(raw)
    root = _parse_apple(raw)
    assert root.tag == "HealthData"
    record = next(root.iter("Record"))
    assert set(record.attrib) == {
        "type", "unit", "value", "sourceName", "sourceVersion", "device", "creationDate",
        "startDate", "endDate",
    }  # fmt: skip
    assert "name:Apple Watch" in record.get("device")


def test_apple_records_carry_offsets_sources_and_fractions(written):
    outdir, _ = written
    root = _parse_apple((outdir / "apple_health" / "export.xml").read_bytes())
    records = list(root.iter("Record"))
    offsets = {r.get("startDate")[-5:] for r in records}
    assert {"-0500", "-0400", "+0000", "+0200"} <= offsets
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", r.get("startDate"))
               for r in records)  # fmt: skip
    fat = [float(r.get("value")) for r in records if r.get("type").endswith("BodyFatPercentage")]
    assert fat
    assert all(0.10 < v < 0.27 for v in fat)
    steps = pd.DataFrame(
        [(r.get("startDate")[:10], r.get("sourceName")) for r in records
         if r.get("type").endswith("StepCount")], columns=["day", "source"],
    )  # fmt: skip
    sources_per_day = steps.groupby("day")["source"].nunique()
    assert (sources_per_day == 2).sum() > len(sources_per_day) // 2
    assert (sources_per_day == 1).any()
    assert len(list(root.iter("Workout"))) > 0


def test_apple_nights_are_contiguous_watch_stages_beside_the_phones_time_in_bed(written):
    outdir, _ = written
    records = _apple_records(outdir / "apple_health" / "export.xml")
    raw = _parse_apple((outdir / "apple_health" / "export.xml").read_bytes())
    categories = [r for r in raw.iter("Record") if "CategoryTypeIdentifier" in r.get("type")]
    assert categories
    assert all("unit" not in r.attrib for r in categories)  # category records have no unit
    sleep = records[records["type"] == "SleepAnalysis"]
    assert set(sleep["value"].str.removeprefix(SLEEP_VALUE)) == {*STAGE_COLUMNS, "InBed"}
    watch = sleep[sleep["value"] != f"{SLEEP_VALUE}InBed"].sort_values("start")
    phone = sleep[sleep["value"] == f"{SLEEP_VALUE}InBed"]
    assert watch["source"].str.contains("Watch").all()
    assert phone["source"].str.contains("iPhone").all()
    # Stages follow each other without gaps within a night; many nights start before midnight.
    follows = watch["start"].to_numpy()[1:] == watch["end"].to_numpy()[:-1]
    assert follows.sum() >= 4 * len(phone) // 2
    assert (watch["day"] != watch["end_day"]).any()
    assert (phone["end_day"] != phone["day"]).all()  # the phone's span starts the evening before
    # The last 90 days only, and nothing from the morning the export was taken.
    assert sleep["end_day"].max() < pd.Timestamp(records["day"].max()) + pd.Timedelta(days=1)
    assert sleep["end_day"].nunique() <= 90


def test_apple_logs_weight_in_pounds_and_zero_drinks_on_some_dry_days(written):
    outdir, _ = written
    records = _apple_records(outdir / "apple_health" / "export.xml")
    assert set(records.loc[records["type"] == "BodyMass", "unit"]) == {"lb"}
    drinks = records.loc[records["type"] == "NumberOfAlcoholicBeverages", "value"]
    assert set(drinks) == {"0", "1"}
    water = records.loc[records["type"] == "DietaryWater", "number"]
    assert (water % 250 == 0).all()
    sources = set(records["source"])
    assert {"Waterlog", "Drinks Diary", "Body Scale"} <= sources


def test_apple_zip_member_is_the_export(written):
    outdir, paths = written
    with zipfile.ZipFile(paths["apple_health/export.zip"]) as archive:
        names = archive.namelist()
        data = archive.read("apple_health_export/export.xml")
    assert "apple_health_export/export.xml" in names
    assert data == (outdir / "apple_health" / "export.xml").read_bytes()


def test_habits_csv_is_a_plain_daily_sheet(written, person):
    outdir, _ = written
    text = (outdir / "habits.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "date,hydration_l,carbs_g,lactate_threshold_test"
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert {r[3] for r in rows} <= {"yes", "no", ""}
    assert {"no", ""} <= {r[3] for r in rows}
    assert pd.to_datetime([r[0] for r in rows]).is_monotonic_increasing
    assert person.habits["date"].diff().max() > pd.Timedelta(days=1)  # days not logged at all


# --- determinism and the shipped sample -----------------------------------------------------------
def test_write_sample_is_byte_for_byte_deterministic(tmp_path):
    first = write_sample(generate_person(60, seed=7), tmp_path / "a")
    second = write_sample(generate_person(60, seed=7), tmp_path / "b")
    assert first.keys() == second.keys()
    assert all(first[k].read_bytes() == second[k].read_bytes() for k in first)
    other = write_sample(generate_person(60, seed=8), tmp_path / "c")
    assert other["whoop/physiological_cycles.csv"].read_bytes() != (
        first["whoop/physiological_cycles.csv"].read_bytes()
    )


def test_shipped_sample_is_what_the_documented_command_writes(person, tmp_path):
    written = write_sample(person, tmp_path)
    shipped = sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file())
    assert shipped == sorted(written)
    for relative, path in written.items():
        assert (SHIPPED / relative).read_bytes() == path.read_bytes(), relative
    assert sum(p.stat().st_size for p in written.values()) < 5 * 2**20
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert "python -m pga_core sample data/sample --days 730 --seed 0" in readme


# --- the real readers ---------------------------------------------------------------------------
def test_the_readers_reproduce_the_sample_daily_table(short_person, written):
    outdir, paths = written
    read = read_exports([outdir / "whoop", paths["apple_health/export.zip"], paths["habits.csv"]])
    expected = short_person.daily
    for name in expected.table.columns:
        assert read.registry.get(name) == expected.registry[name], name
        got = read.table[name].dropna()
        want = expected.table[name].dropna()
        pd.testing.assert_index_equal(_days(got.index), _days(want.index))
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9, err_msg=name)
