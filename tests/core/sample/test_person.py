"""The sample person: real export formats, the documented dating rules, and the planted truth."""

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

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "data" / "sample"
CYCLES_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),"
    "Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,"
    "Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,"
    "Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),"
    "Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),"
    "Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,"
    "Sleep consistency %"
)
SLEEPS_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep performance %,"
    "Respiratory rate (rpm),Asleep duration (min),In bed duration (min),"
    "Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),"
    "Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,"
    "Sleep consistency %,Nap"
)
WORKOUTS_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,"
    "Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),"
    "Average HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled,"
    "Distance (meters),Altitude gain (meters),Altitude change (meters)"
)
JOURNAL_HEADER = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes"
WHOOP_METRICS = {
    "Recovery score %": "recovery_score",
    "Resting heart rate (bpm)": "resting_hr",
    "Heart rate variability (ms)": "hrv_rmssd",
    "Day Strain": "day_strain",
    "Sleep performance %": "sleep_performance",
    "Asleep duration (min)": "asleep_min",
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


@pytest.fixture(scope="module")
def long_person():
    return generate_person(20_000, seed=1)


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


def _read_apple(path: Path) -> pd.DataFrame:
    records = pd.DataFrame(
        [
            {
                "type": r.get("type").removeprefix("HKQuantityTypeIdentifier"),
                "source": r.get("sourceName"),
                "value": float(r.get("value")),
                "start": r.get("startDate"),
                "day": pd.Timestamp(r.get("startDate")[:10]),
            }
            for r in _parse_apple(path.read_bytes()).iter("Record")
        ]
    )
    by_type = dict(iter(records.groupby("type")))
    steps_per_source = by_type["StepCount"].groupby(["day", "source"])["value"].sum()
    return pd.DataFrame(
        {
            "vo2_max": by_type["VO2Max"].sort_values("start").groupby("day")["value"].last(),
            "resting_hr": by_type["RestingHeartRate"].groupby("day")["value"].mean(),
            "hrv_sdnn": by_type["HeartRateVariabilitySDNN"].groupby("day")["value"].mean(),
            "steps": steps_per_source.groupby(level="day").max(),
            "active_energy": by_type["ActiveEnergyBurned"].groupby("day")["value"].sum(),
            "body_fat_pct": by_type["BodyFatPercentage"].groupby("day")["value"].last() * 100,
        }
    ).rename_axis("date")


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


def test_merged_daily_prefers_whoop_and_reports_the_resting_hr_conflict(short_person):
    merged = short_person.daily.table
    whoop = short_person.sources["whoop"].table["resting_hr"].dropna()
    apple = short_person.sources["apple_health"].table["resting_hr"].dropna()
    pd.testing.assert_series_equal(merged["resting_hr"].reindex(whoop.index), whoop)
    only_apple = apple.index.difference(whoop.index)
    assert len(only_apple) > 0
    pd.testing.assert_series_equal(merged["resting_hr"].reindex(only_apple), apple[only_apple])
    assert any(
        w.startswith("resting_hr: whoop and apple_health") for w in short_person.daily.warnings
    )


# --- the WHOOP format and its quirks --------------------------------------------------------------
def test_whoop_headers_are_the_current_export_format(written):
    outdir, _ = written
    headers = {
        name: (outdir / "whoop" / name).read_text(encoding="utf-8").split("\n", 1)[0]
        for name in ("physiological_cycles.csv", "sleeps.csv", "workouts.csv")
    }
    assert headers["physiological_cycles.csv"] == CYCLES_HEADER
    assert headers["sleeps.csv"] == SLEEPS_HEADER
    assert headers["workouts.csv"] == WORKOUTS_HEADER
    journal = (outdir / "whoop" / "journal_entries.csv").read_text(encoding="utf-8")
    assert journal.split("\n", 1)[0] == JOURNAL_HEADER


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


def test_zone5_is_missing_before_the_first_workout_and_off_the_wrist(short_person):
    whoop = short_person.sources["whoop"].table
    zone5 = whoop["zone5_min"]
    first_workout = pd.to_datetime(short_person.workouts["Workout start time"]).min().normalize()
    assert zone5[zone5.index < first_workout].isna().all()
    worn = whoop["day_strain"].notna() | whoop["recovery_score"].notna()
    after = zone5[(zone5.index >= first_workout) & worn]
    assert after.notna().all()
    assert (after == 0).any()
    assert zone5[~worn & zone5.notna()].gt(0).all()  # a value off the wrist is a workout's
    assert zone5.index[-1] == short_person.export_day


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


def test_vo2_max_is_measured_every_few_days_not_daily(short_person):
    vo2 = short_person.sources["apple_health"].table["vo2_max"]
    share = vo2.notna().sum() / short_person.days
    assert 0.1 < share < 0.5


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


# --- realism --------------------------------------------------------------------------------------
def test_values_stay_in_realistic_ranges(person):
    daily = person.daily.table
    limits = {
        "recovery_score": (1, 99),
        "hrv_rmssd": (30, 120),
        "resting_hr": (45, 70),
        "day_strain": (4, 21),
        "vo2_max": (38, 57),
        "body_fat_pct": (12, 25),
        "asleep_min": (240, 600),
        "hydration_l": (1, 4.5),
    }
    for name, (low, high) in limits.items():
        values = daily[name].dropna()
        assert low <= values.min(), name
        assert values.max() <= high, name
    assert person.days == 730
    assert daily.index[0] == pd.Timestamp("2023-01-02")
    assert daily["lactate_threshold_test"].sum() >= 3


def test_missing_days_exist_and_behaviours_are_logged_on_the_day_they_happened(person):
    daily = person.daily.table
    assert daily["recovery_score"].isna().sum() > 10
    for question in person.questions:
        name = slugify(question)
        logged = daily[name].dropna()
        assert len(logged) < person.days
        truth = person.latent[name].reindex(logged.index).astype(float)
        pd.testing.assert_series_equal(logged, truth, check_names=False)


def test_days_are_autocorrelated_and_behaviours_come_in_runs(person):
    daily = person.daily.table
    assert daily["recovery_score"].autocorr(1) > 0.2
    assert daily["hydration_l"].autocorr(1) > 0.4
    for name in ("have_any_caffeine", "meditate", "take_creatine"):
        series = person.latent[name].astype(float)
        share = series.mean()
        same_as_yesterday = (series == series.shift(1)).iloc[1:].mean()
        assert same_as_yesterday > share**2 + (1 - share) ** 2 + 0.1, name


# --- the planted truth, checked against long simulations ------------------------------------------
def _pct_change_next_morning(daily: pd.DataFrame, behaviour: str) -> float:
    before = daily[behaviour].shift(1, freq="D").reindex(daily.index)
    recovery = daily["recovery_score"]
    after_yes, after_no = recovery[before == 1].mean(), recovery[before == 0].mean()
    return float((after_yes - after_no) / after_no * 100)


def _slopes(y: pd.Series, *columns: pd.Series) -> np.ndarray:
    design = np.column_stack([np.ones(len(y)), *columns])
    return np.linalg.lstsq(design, y.to_numpy(), rcond=None)[0][1:]


def test_alcohol_effect_converges_to_the_documented_truth(long_person):
    truth = long_person.truth["have_any_alcoholic_drinks_pct_change_recovery"]
    assert truth == -24.0
    estimate = _pct_change_next_morning(long_person.daily.table, "have_any_alcoholic_drinks")
    assert estimate == pytest.approx(truth, abs=1.0)


def test_other_behaviours_have_no_effect(long_person):
    for question in long_person.questions[1:]:
        name = slugify(question)
        assert long_person.truth[f"{name}_pct_change_recovery"] == 0.0
        if long_person.daily.table[name].sum() > 1000:  # rare behaviours are too noisy
            estimate = _pct_change_next_morning(long_person.daily.table, name)
            assert estimate == pytest.approx(0.0, abs=2.0), name


def test_without_a_planted_alcohol_effect_there_is_none():
    person = generate_person(10_000, seed=2, alcohol_pct_change=0.0)
    assert person.truth["have_any_alcoholic_drinks_pct_change_recovery"] == 0.0
    estimate = _pct_change_next_morning(person.daily.table, "have_any_alcoholic_drinks")
    assert estimate == pytest.approx(0.0, abs=1.5)


def test_alcohol_multiplies_the_next_mornings_recovery_and_nothing_else():
    planted = generate_person(150, seed=9)
    none = generate_person(150, seed=9, alcohol_pct_change=0.0)
    drank = planted.latent["drank_day_before"]
    assert 20 < drank.sum() < 100
    expected = none.latent["recovery_expected"]
    pd.testing.assert_series_equal(planted.latent["recovery_expected"], expected)
    pd.testing.assert_series_equal(
        planted.latent["recovery_score"][drank],
        np.maximum(np.round(expected * 0.76), 1)[drank],
        check_names=False,
    )
    pd.testing.assert_series_equal(
        planted.latent["recovery_score"][~drank], none.latent["recovery_score"][~drank]
    )
    pd.testing.assert_frame_equal(planted.workouts, none.workouts)


def test_asking_fewer_questions_changes_only_the_journal():
    full = generate_person(60, seed=4)
    fewer = generate_person(60, seed=4, journal_questions=3)
    pd.testing.assert_frame_equal(full.cycles, fewer.cycles)
    pd.testing.assert_frame_equal(full.apple_records, fewer.apple_records)
    asked = full.journal["Question text"].isin(fewer.questions)
    pd.testing.assert_frame_equal(fewer.journal, full.journal[asked].reset_index(drop=True))


def test_zone5_minutes_over_28_days_set_vo2_max(long_person):
    daily = long_person.daily.table
    sum28 = daily["zone5_min"].rolling(28, min_periods=28).sum()
    measured = daily["vo2_max"].notna() & sum28.notna()
    (slope,) = _slopes(daily["vo2_max"][measured], sum28[measured])
    assert slope == pytest.approx(long_person.truth["vo2_max_per_zone5_min_sum28"], rel=0.05)


def test_habits_raise_zone5_minutes_on_workout_days(long_person):
    daily, truth = long_person.daily.table, long_person.truth
    habits = ["hydration_l", "carbs_g", "lactate_threshold_test"]
    rows = long_person.latent["workout"] & daily[["zone5_min", *habits]].notna().all(axis=1)
    slopes = _slopes(daily.loc[rows, "zone5_min"], *(daily.loc[rows, h] for h in habits))
    assert slopes[0] == pytest.approx(truth["zone5_min_per_hydration_l"], rel=0.05)
    assert slopes[1] == pytest.approx(truth["zone5_min_per_carbs_g"], rel=0.05)
    assert slopes[2] == pytest.approx(truth["zone5_min_per_lactate_threshold_test"], rel=0.1)


def test_sleep_strain_and_vo2_max_move_recovery(long_person):
    daily, latent, truth = long_person.daily.table, long_person.latent, long_person.truth
    prev_strain = latent["day_strain"].shift(1)
    rows = ~latent["drank_day_before"] & daily["recovery_score"].notna() & prev_strain.notna()
    sleep, strain, vo2 = _slopes(
        daily.loc[rows, "recovery_score"],
        daily.loc[rows, "asleep_min"],
        prev_strain[rows],
        latent.loc[rows, "vo2_max"],
    )
    assert sleep == pytest.approx(truth["recovery_per_asleep_min"], abs=0.015)
    assert strain == pytest.approx(truth["recovery_per_prev_day_strain"], abs=0.15)
    assert vo2 == pytest.approx(truth["recovery_per_vo2_max"], abs=0.15)


def test_resting_hr_follows_fitness_and_recovery(long_person):
    whoop, latent, truth = long_person.sources["whoop"].table, long_person.latent, long_person.truth
    rows = whoop["resting_hr"].dropna().index
    per_vo2, per_recovery = _slopes(
        whoop.loc[rows, "resting_hr"],
        latent.loc[rows, "vo2_max"],
        whoop.loc[rows, "recovery_score"],
    )
    assert per_vo2 == pytest.approx(truth["resting_hr_per_vo2_max"], abs=0.03)
    assert per_recovery == pytest.approx(truth["resting_hr_per_recovery"], abs=0.005)


def test_strain_follows_workouts(long_person):
    daily, latent, truth = long_person.daily.table, long_person.latent, long_person.truth
    rows = daily["day_strain"].dropna().index
    workout_min = latent["workout_duration_min"].fillna(0) + latent["walk_min"].fillna(0)
    per_zone5, per_minute = _slopes(
        daily.loc[rows, "day_strain"], latent.loc[rows, "zone5_min"], workout_min[rows]
    )
    assert per_zone5 == pytest.approx(truth["day_strain_per_zone5_min"], abs=0.01)
    assert per_minute == pytest.approx(truth["day_strain_per_workout_min"], abs=0.005)


# --- arguments ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 10}, "days: expected at least 28"),
        ({"journal_questions": 0}, "journal_questions: expected 1 to 30"),
        ({"journal_questions": 31}, "journal_questions: expected 1 to 30"),
        ({"start": "next tuesday"}, "start: expected an ISO date"),
        ({"alcohol_pct_change": 10.0}, "alcohol_pct_change"),
    ],
)
def test_bad_arguments_say_what_was_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_person(**kwargs)


def test_questions_added_after_the_last_day_are_not_in_the_data():
    person = generate_person(60, seed=4)
    assert len(person.questions) == 6  # the seventh is added on day 63
    names = [slugify(q) for q in person.questions]
    assert person.sources["whoop"].names("behaviour") == names
    assert sorted(k for k in person.truth if k.endswith("_pct_change_recovery")) == sorted(
        f"{n}_pct_change_recovery" for n in names
    )


def test_a_long_journal_adds_questions_and_changes_nothing_else():
    default = generate_person(600, seed=4)
    long = generate_person(600, seed=4, journal_questions=30)
    assert len(long.questions) == 30
    assert long.questions[:12] == default.questions
    assert len({slugify(q) for q in long.questions}) == 30
    assert long.sources["whoop"].names("behaviour") == [slugify(q) for q in long.questions]
    pd.testing.assert_frame_equal(long.cycles, default.cycles)
    pd.testing.assert_frame_equal(long.workouts, default.workouts)
    pd.testing.assert_frame_equal(long.latent[default.latent.columns], default.latent)
    asked = long.journal["Question text"].isin(default.questions)
    assert (~asked).sum() > 0
    first_day = long.journal.loc[long.journal["Question text"] == "Have sexual activity?", "day"]
    assert first_day.min() >= long.start + pd.Timedelta(days=546)


def test_fewer_questions_give_fewer_behaviour_columns():
    person = generate_person(60, seed=4, journal_questions=3)
    assert person.questions == ("Have any alcoholic drinks?", "Have any caffeine? ", "Meditate? ")
    assert person.sources["whoop"].names("behaviour") == [
        "have_any_alcoholic_drinks", "have_any_caffeine", "meditate",
    ]  # fmt: skip
    assert set(person.truth) >= {"meditate_pct_change_recovery"}
    assert "take_creatine_pct_change_recovery" not in person.truth


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
