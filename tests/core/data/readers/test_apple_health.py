"""Apple Health reader: synthetic exports in the real layout, quirks included.

Daily values are checked against an independent reference: the same bytes parsed by
ElementTree (after removing the DTD that strict parsers reject) and aggregated with pandas.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest

from pga_core.data.readers import RANGES, ExportFile, apple_health, collect_files, read_exports
from pga_core.sample import APPLE_EXPORT_HEADER

WATCH = "Ana’s Apple Watch"
PHONE = "Ana’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x283e8b750&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,1, software:9.1&gt;&gt;"
)
# The real version-12 header, broken DTD included; braces doubled for str.format.
HEAD = (
    APPLE_EXPORT_HEADER.replace("{", "{{").replace("}", "}}")
    + """
<HealthData locale="en_US">
 <ExportDate value="{export_date}"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="" \
HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>
"""
)
QTY = "HKQuantityTypeIdentifier"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"


def record(
    kind: str,
    value: object,
    start: str,
    *,
    source: str = WATCH,
    unit: str = "count",
    end: str | None = None,
    children: str = "",
) -> str:
    """One ``Record`` in Apple's attribute order (``kind`` without the HK prefix for quantities)."""
    type_id = kind if kind.startswith("HK") else QTY + kind
    device = f' device="{WATCH_DEVICE}"' if source == WATCH else ""
    unit_attr = f' unit="{unit}"' if unit else ""
    attrs = (
        f'type="{type_id}" sourceName="{source}" sourceVersion="9.1"{device}{unit_attr} '
        f'creationDate="{end or start}" startDate="{start}" endDate="{end or start}" '
        f'value="{value}"'
    )
    if children:
        return f" <Record {attrs}>\n{children} </Record>\n"
    return f" <Record {attrs}/>\n"


def sleep(value: str, start: str, end: str, source: str = WATCH) -> str:
    meta = '  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>\n'
    return record(
        SLEEP, f"HKCategoryValueSleepAnalysis{value}", start, source=source, unit="", end=end,
        children=meta,
    )  # fmt: skip


def export_xml(*elements: str, export_date: str = "2024-03-20 09:00:00 +0100") -> bytes:
    return (HEAD.format(export_date=export_date) + "".join(elements) + "</HealthData>\n").encode()


def one_file(data: bytes, name: str = "export.xml") -> ExportFile:
    (file,) = collect_files([(name, data)])
    return file


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# ----------------------------------------------------------------------------------------------
# The independent reference: ElementTree + pandas


def reference_records(data: bytes) -> pd.DataFrame:
    """Top-level quantity records as parsed by ElementTree (DTD and control characters removed)."""
    text = re.sub(rb"<!DOCTYPE.*?\]>", b"", data, flags=re.DOTALL)
    text = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", b"", text)
    root = ET.fromstring(text)
    rows = [
        {
            "type": r.get("type"),
            "source": r.get("sourceName"),
            "unit": r.get("unit"),
            "value": r.get("value"),
            "start": r.get("startDate"),
        }
        for r in root.findall("Record")
    ]
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["start"].str[:10])
    frame["time"] = frame["start"].str[11:19]
    # A night-time reading belongs to the morning after: local time + 12 h gives that date.
    frame["night_date"] = (
        pd.to_datetime(frame["start"].str[:19]) + pd.Timedelta(hours=12)
    ).dt.normalize()
    return frame


def reference_daily(data: bytes) -> pd.DataFrame:
    """The documented rules, computed from the ElementTree rows with plain pandas."""
    records = reference_records(data)
    columns = {}
    for type_id, spec in apple_health._QUANTITIES.items():
        name, agg = spec.name, spec.variable.aggregation
        rows = records[records["type"] == type_id.decode()].copy()
        rows["factor"] = rows["unit"].map({k.decode(): v for k, v in spec.units.items()})
        rows = rows.dropna(subset=["factor"])
        if rows.empty:
            continue
        rows["x"] = pd.to_numeric(rows["value"], errors="coerce")
        rows = rows.dropna(subset=["x"])
        if name == "body_fat_pct":
            rows["factor"] = np.where(rows["x"] > 1, 1.0, rows["factor"])
        rows["x"] *= rows["factor"]
        if spec.night:
            rows["date"] = rows["night_date"]
        # implausible values are left out
        bounds = RANGES[name]
        rows = rows[rows["x"].between(bounds.low, bounds.high)]
        rows = rows.sort_values("time", kind="stable")
        table = rows.pivot_table(index="date", columns="source", values="x", aggfunc=agg)
        if agg == "sum":
            columns[name] = table.max(axis=1)
        else:
            order = table.notna().sum().sort_values(ascending=False, kind="stable").index
            columns[name] = table[order].bfill(axis=1).iloc[:, 0]
    return pd.DataFrame(columns).rename_axis("date")


def assert_same_values(daily: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        daily[expected.columns], expected, check_freq=False, check_names=False, rtol=1e-12
    )


# ----------------------------------------------------------------------------------------------
# A small export with several sources, units and layouts


def mixed_export() -> bytes:
    """Steps from watch and phone, kJ energy from an app, odd layouts, a correlation, a \\x0b."""
    elements = [
        record("StepCount", 1200, "2024-03-01 08:00:00 +0100"),
        record("StepCount", 800, "2024-03-01 12:00:00 +0100"),
        record("StepCount", 1500, "2024-03-01 09:00:00 +0100", source=PHONE),
        record("StepCount", 300, "2024-03-02 07:00:00 +0100"),
        record("StepCount", 2500, "2024-03-02 18:00:00 +0100", source=PHONE),
        record("StepCount", 999, "2024-03-02 19:00:00 +0100", source=PHONE, unit="strides"),
        record("StepCount", 4000, "2024-03-03 10:00:00 -0800"),  # travel: own local date
        record("StepCount", 100, "2024-03-03 23:30:00 -0800", source=PHONE),
        record("ActiveEnergyBurned", 120.5, "2024-03-01 10:00:00 +0100", unit="kcal"),
        record("ActiveEnergyBurned", 30.25, "2024-03-01 11:00:00 +0100", unit="kcal"),
        record("ActiveEnergyBurned", 836.8, "2024-03-02 11:00:00 +0100", source="Gym", unit="kJ"),
        record("ActiveEnergyBurned", 150.0, "2024-03-02 12:00:00 +0100", unit="kcal"),
        record("RestingHeartRate", 52, "2024-03-01 07:00:00 +0100", unit="count/min"),
        record("RestingHeartRate", 55, "2024-03-01 21:00:00 +0100", unit="count/min"),
        record("RestingHeartRate", 61, "2024-03-01 21:00:00 +0100", source="Oxa", unit="count/min"),
        record("RestingHeartRate", 50, "2024-03-02 07:00:00 +0100", unit="count/min"),
        record("RestingHeartRate", 58, "2024-03-04 07:00:00 +0100", source="Oxa", unit="count/min"),
        record("HeartRateVariabilitySDNN", 41.5, "2024-03-01 03:00:00 +0100", unit="ms",
               children='  <HeartRateVariabilityMetadataList>\n   <InstantaneousBeatsPerMinute '
                        'bpm="61" time="3:00:01.02 AM"/>\n  </HeartRateVariabilityMetadataList>\n'),
        record("HeartRateVariabilitySDNN", 48.5, "2024-03-01 05:00:00 +0100", unit="ms"),
        record("VO2Max", 44.1, "2024-03-02 18:00:00 +0100", unit="mL/min·kg"),
        record("VO2Max", 43.2, "2024-03-02 09:00:00 +0100", unit="mL/min·kg"),  # earlier
        record("BodyFatPercentage", 0.182, "2024-03-01 07:10:00 +0100", source="Scale", unit="%"),
        record("BodyFatPercentage", 21.5, "2024-03-03 07:10:00 +0100", source="Scale", unit="%"),
        record("HeartRate", 71, "2024-03-01 07:10:00 +0100", unit="count/min"),
        record("DietaryWater", 250, "2024-03-01 10:00:00 +0100", source="Wa\x0bter", unit="mL"),
        # Other layouts a re-saved file may have: type last, single quotes, ">" inside a value.
        ' <Record sourceName="Odd" unit="count" startDate="2024-03-04 10:00:00 +0100" '
        'endDate="2024-03-04 10:05:00 +0100" value="700" '
        'type="HKQuantityTypeIdentifierStepCount"/>\n',
        " <Record type='HKQuantityTypeIdentifierStepCount' sourceName='Odd' unit='count' "
        "startDate='2024-03-04 11:00:00 +0100' endDate='2024-03-04 11:05:00 +0100' value='50'/>\n",
        ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="a>b" unit="count" '
        'creationDate="2024-03-04 12:00:00 +0100" startDate="2024-03-04 12:00:00 +0100" '
        'endDate="2024-03-04 12:00:00 +0100" value="900"/>\n',
        # Records inside a correlation repeat top-level ones: never counted twice.
        ' <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Gym" '
        'startDate="2024-03-01 12:00:00 +0100" endDate="2024-03-01 12:00:00 +0100">\n'
        + record("StepCount", 5555, "2024-03-01 12:00:00 +0100")
        + " </Correlation>\n",
    ]  # fmt: skip
    return export_xml(*elements)


def test_quantities_match_an_independent_elementtree_reference() -> None:
    data = mixed_export()
    daily = apple_health.read([one_file(data)])
    expected = reference_daily(data)
    assert_same_values(daily.table, expected)
    # The rules, spelled out on planted values.
    table = daily.table
    assert table.loc[day("2024-03-01"), "steps"] == 2000  # watch 1200+800 beats phone 1500
    assert table.loc[day("2024-03-02"), "steps"] == 2500  # phone beats watch; 999 strides skipped
    assert table.loc[day("2024-03-03"), "steps"] == 4000  # local date of a -0800 record
    assert table.loc[day("2024-03-04"), "steps"] == 900  # "a>b" beats "Odd" 700+50
    assert table.loc[day("2024-03-01"), "active_energy"] == pytest.approx(150.75)
    assert table.loc[day("2024-03-02"), "active_energy"] == pytest.approx(836.8 / 4.184)
    assert table.loc[day("2024-03-01"), "resting_hr"] == 53.5  # watch (most days), not Oxa's 61
    assert table.loc[day("2024-03-04"), "resting_hr"] == 58  # Oxa fills the watch's gap
    assert table.loc[day("2024-03-01"), "hrv_sdnn"] == 45.0
    assert table.loc[day("2024-03-02"), "vo2_max"] == 44.1  # the latest reading of the day
    assert table.loc[day("2024-03-01"), "body_fat_pct"] == pytest.approx(18.2)
    assert table.loc[day("2024-03-03"), "body_fat_pct"] == 21.5


def test_the_broken_dtd_of_export_version_12_really_breaks_strict_parsers() -> None:
    with pytest.raises(ET.ParseError):
        ET.fromstring(mixed_export())
    assert apple_health.read([one_file(mixed_export())]).days == 4


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 7, 64, 333, 4096])
def test_any_chunk_size_gives_the_same_table(chunk_bytes: int) -> None:
    data = mixed_export() + b""
    more = "".join(more_elements()) + sessions_xml() + stages_xml()
    data = data.replace(
        b"</HealthData>", (workouts_xml() + sleep_xml() + more + "</HealthData>").encode()
    )
    whole = apple_health.read_export(one_file(data), chunk_bytes=len(data) + 1)
    chunked = apple_health.read_export(one_file(data), chunk_bytes=chunk_bytes)
    pd.testing.assert_frame_equal(chunked.table, whole.table)
    assert chunked.warnings == whole.warnings
    assert {"steps", "asleep_min", "workout_min", "mindful_min", "rem_sleep_min",
            "respiratory_rate", "weight_kg"} <= set(whole.table.columns)  # fmt: skip


def test_random_exports_match_the_reference_at_random_chunk_sizes() -> None:
    rng = np.random.default_rng(7)
    kinds = [("StepCount", "count"), ("ActiveEnergyBurned", "kcal"), ("HeartRate", "count/min"),
             ("RestingHeartRate", "count/min"), ("VO2Max", "mL/min·kg")]  # fmt: skip
    elements = []
    for _ in range(400):
        kind, unit = kinds[rng.integers(len(kinds))]
        stamp = (
            f"2024-0{rng.integers(1, 4)}-1{rng.integers(0, 10)} "
            f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d} +0200"
        )
        source = ["Watch", "Phone", "App"][rng.integers(3)]
        value = round(float(rng.uniform(1, 200)), 3)
        elements.append(record(kind, value, stamp, source=source, unit=unit))
    data = export_xml(*elements)
    expected = reference_daily(data)
    for chunk_bytes in rng.integers(1, 2000, 5):
        daily = apple_health.read_export(one_file(data), chunk_bytes=int(chunk_bytes))
        assert_same_values(daily.table, expected)


# ----------------------------------------------------------------------------------------------
# Sleep


def sleep_xml() -> str:
    return "".join(
        [
            # Night to 03-10: watch stages with an overlap and a 20-minute awake gap, before
            # midnight → dated by the wake-up morning.
            sleep("AsleepCore", "2024-03-09 23:00:00 +0100", "2024-03-10 01:00:00 +0100"),
            sleep("AsleepDeep", "2024-03-10 00:30:00 +0100", "2024-03-10 02:00:00 +0100"),
            sleep("Awake", "2024-03-10 02:00:00 +0100", "2024-03-10 02:20:00 +0100"),
            sleep("AsleepREM", "2024-03-10 02:20:00 +0100", "2024-03-10 06:30:00 +0100"),
            # A nap the same afternoon: its own session, not added to the night.
            sleep("AsleepCore", "2024-03-10 14:00:00 +0100", "2024-03-10 14:40:00 +0100"),
            # The phone's in-bed span is not sleep; an app's night is another source.
            sleep("InBed", "2024-03-09 22:30:00 +0100", "2024-03-10 07:00:00 +0100", PHONE),
            sleep("Asleep", "2024-03-09 22:45:00 +0100", "2024-03-10 07:00:00 +0100", "App"),
            # Night to 03-11: only the app recorded it; the watch's doze ending 23:00 that evening
            # is shorter than half of it, so the app's night is used.
            sleep("Asleep", "2024-03-11 00:30:00 +0100", "2024-03-11 06:00:00 +0100", "App"),
            # Night to 03-12: a 3-hour awake gap splits the watch's sleep into two sessions; the
            # part ending at 23:00 belongs to 03-11.
            sleep("AsleepUnspecified", "2024-03-11 22:00:00 +0100", "2024-03-11 23:00:00 +0100"),
            sleep("AsleepCore", "2024-03-12 02:00:00 +0100", "2024-03-12 07:00:00 +0100"),
            # Another watch night so the watch has the most nights.
            sleep("AsleepCore", "2024-03-12 23:10:00 +0100", "2024-03-13 06:10:00 +0100"),
        ]
    )


def test_sleep_is_one_source_per_night_dated_by_wake_up() -> None:
    daily = apple_health.read([one_file(export_xml(sleep_xml()))])
    asleep = daily.table["asleep_min"]
    expected = pd.Series(
        {
            day("2024-03-10"): 180 + 250,  # 23:00–02:00 merged, 02:20–06:30; nap and app left out
            day("2024-03-11"): 330,  # the app fills a night the watch missed
            day("2024-03-12"): 300,  # 02:00–07:00 after the 3-hour gap
            day("2024-03-13"): 420,
        },
        name="asleep_min",
        dtype=float,
    )
    pd.testing.assert_series_equal(asleep, expected, check_names=False, check_freq=False)
    assert any("asleep_min: 2 sources, never added together" in w for w in daily.warnings)
    assert daily.registry["asleep_min"].unit == "min"


def test_sleep_stages_come_from_the_night_chosen_and_in_bed_from_its_own_source() -> None:
    daily = apple_health.read([one_file(export_xml(sleep_xml()))])
    stages = ["light_sleep_min", "deep_sleep_min", "rem_sleep_min", "awake_min", "in_bed_min"]
    nan = np.nan
    expected = pd.DataFrame(
        [
            # 03-10: the watch's stages (the overlapping core and deep each counted in full),
            # its 20 minutes awake; the phone's in-bed span 22:30–07:00.
            [120.0, 90.0, 250.0, 20.0, 510.0],
            [nan, nan, nan, nan, nan],  # the app's plain "Asleep" night has no stages
            [300.0, 0.0, 0.0, 0.0, nan],  # a staged night without deep or REM: 0, not missing
            [420.0, 0.0, 0.0, 0.0, nan],
        ],
        index=pd.DatetimeIndex(["2024-03-10", "2024-03-11", "2024-03-12", "2024-03-13"]),
        columns=stages,
    )
    pd.testing.assert_frame_equal(
        daily.table[stages], expected, check_freq=False, check_names=False
    )


def stages_xml() -> str:
    """iOS 16+ nights: the watch's contiguous stages, the phone's own estimate and in-bed span."""
    return "".join(
        [
            # Night to 03-15, watch: 23:00 core 90, deep 60, core 90, REM 60, awake 15, core 120,
            # REM 45 → asleep 465 = 300 light + 60 deep + 105 REM.
            sleep("AsleepCore", "2024-03-14 23:00:00 +0100", "2024-03-15 00:30:00 +0100"),
            sleep("AsleepDeep", "2024-03-15 00:30:00 +0100", "2024-03-15 01:30:00 +0100"),
            sleep("AsleepCore", "2024-03-15 01:30:00 +0100", "2024-03-15 03:00:00 +0100"),
            sleep("AsleepREM", "2024-03-15 03:00:00 +0100", "2024-03-15 04:00:00 +0100"),
            sleep("Awake", "2024-03-15 04:00:00 +0100", "2024-03-15 04:15:00 +0100"),
            sleep("AsleepCore", "2024-03-15 04:15:00 +0100", "2024-03-15 06:15:00 +0100"),
            sleep("AsleepREM", "2024-03-15 06:15:00 +0100", "2024-03-15 07:00:00 +0100"),
            # The phone's estimate of the same night (500 min) and its in-bed span: overlapping
            # the watch's night, never added to it.
            sleep("AsleepUnspecified", "2024-03-14 22:50:00 +0100", "2024-03-15 07:10:00 +0100",
                  PHONE),
            sleep("InBed", "2024-03-14 22:40:00 +0100", "2024-03-15 07:15:00 +0100", PHONE),
            # Night to 03-16, watch only (so the watch has the most nights); a DST-free +0100.
            sleep("AsleepDeep", "2024-03-15 23:30:00 +0100", "2024-03-16 00:40:00 +0100"),
            sleep("AsleepREM", "2024-03-16 00:40:00 +0100", "2024-03-16 06:00:00 +0100"),
            # Night to 03-17: the watch was off; the phone's night is used, without stages.
            sleep("AsleepUnspecified", "2024-03-16 23:00:00 +0100", "2024-03-17 06:30:00 +0100",
                  PHONE),
        ]
    )  # fmt: skip


def test_stages_add_up_to_time_asleep_and_two_sources_are_never_summed() -> None:
    daily = apple_health.read([one_file(export_xml(stages_xml()))])
    table = daily.table
    columns = ["asleep_min", "light_sleep_min", "deep_sleep_min", "rem_sleep_min", "awake_min",
               "in_bed_min"]  # fmt: skip
    nan = np.nan
    expected = pd.DataFrame(
        [
            [465.0, 300.0, 60.0, 105.0, 15.0, 515.0],  # not 465 + 500
            [390.0, 0.0, 70.0, 320.0, 0.0, nan],
            [450.0, nan, nan, nan, nan, nan],
        ],
        index=pd.DatetimeIndex(["2024-03-15", "2024-03-16", "2024-03-17"]),
        columns=columns,
    )
    pd.testing.assert_frame_equal(table[columns], expected, check_freq=False, check_names=False)
    staged = table.dropna(subset=["light_sleep_min"])
    stage_sum = staged[["light_sleep_min", "deep_sleep_min", "rem_sleep_min"]].sum(axis=1)
    pd.testing.assert_series_equal(stage_sum, staged["asleep_min"], check_names=False)
    assert any(
        w.endswith("(Ana’s Apple Watch on 2 night(s), Ana’s iPhone on 1 night(s))")
        for w in daily.warnings
    )


def test_sleep_values_not_known_are_reported_and_later_asleep_kinds_count_as_asleep() -> None:
    backwards = record(
        SLEEP, "HKCategoryValueSleepAnalysisAsleepCore", "2024-03-11 05:00:00 +0100", unit="",
        end="2024-03-11 04:00:00 +0100",
    )  # fmt: skip
    data = export_xml(
        sleep("AsleepNap", "2024-03-10 01:00:00 +0100", "2024-03-10 03:00:00 +0100"),
        sleep("Restless", "2024-03-10 03:00:00 +0100", "2024-03-10 04:00:00 +0100"),
        backwards,
    )
    daily = apple_health.read([one_file(data)])
    assert daily.table["asleep_min"].to_dict() == {day("2024-03-10"): 120.0}
    skipped = sorted(w.removeprefix("export.xml: ") for w in daily.warnings if "skipped" in w)
    assert skipped == [
        "asleep_min: 1 record(s) with value 'HKCategoryValueSleepAnalysisRestless' skipped",
    ]
    line = data[: data.index(b'startDate="2024-03-11 05:00:00')].count(b"\n") + 1
    assert (
        f"export.xml: 1 value of 'asleep interval (min)' negative left out (line {line}; "
        "plausible: 0 to 1,440 min; one night's sleep cannot last longer than a day)"
    ) in daily.warnings


# ----------------------------------------------------------------------------------------------
# More of what an export holds: body, breathing, drinks, daylight, mindfulness

WATER_APP = "WaterMinder"
SCALE = "Withings"


def more_elements() -> list[str]:
    """Weight, walking HR, respiratory rate, water, caffeine, drinks and daylight, planted."""
    drink = "NumberOfAlcoholicBeverages"
    return [
        # Water: an app's glasses in mL and US fluid ounces beat the phone's 0.3 L on 03-01; on
        # 03-02 the app's cups are in a unit not read, so the phone's 1.5 L is the day's.
        record("DietaryWater", 250, "2024-03-01 08:10:00 +0100", source=WATER_APP, unit="mL"),
        record("DietaryWater", 500, "2024-03-01 12:30:00 +0100", source=WATER_APP, unit="mL"),
        record("DietaryWater", 16, "2024-03-01 18:00:00 +0100", source=WATER_APP, unit="fl_oz_us"),
        record("DietaryWater", 0.3, "2024-03-01 19:00:00 +0100", source=PHONE, unit="L"),
        record("DietaryWater", 1.5, "2024-03-02 09:00:00 +0100", source=PHONE, unit="L"),
        record("DietaryWater", 2, "2024-03-02 10:00:00 +0100", source=WATER_APP, unit="cup_us"),
        record("DietaryCaffeine", 95, "2024-03-01 07:30:00 +0100", source=PHONE, unit="mg"),
        record("DietaryCaffeine", 63.5, "2024-03-01 14:00:00 +0100", source=PHONE, unit="mg"),
        record("DietaryCaffeine", 0.08, "2024-03-02 07:30:00 +0100", source=PHONE, unit="g"),
        # Drinks: 2 on 03-01, a logged 0 on 03-02, nothing logged on 03-03, 1 on 03-04.
        record(drink, 1, "2024-03-01 19:00:00 +0100", source=PHONE, unit="count"),
        record(drink, 1, "2024-03-01 21:00:00 +0100", source=PHONE, unit="count"),
        record(drink, 0, "2024-03-02 20:00:00 +0100", source=PHONE, unit="count"),
        record(drink, 1, "2024-03-04 23:30:00 +0100", source=PHONE, unit="count"),
        record("TimeInDaylight", 12, "2024-03-01 08:00:00 +0100", unit="min",
               end="2024-03-01 08:12:00 +0100"),
        record("TimeInDaylight", 35, "2024-03-01 13:00:00 +0100", unit="min",
               end="2024-03-01 13:35:00 +0100"),
        record("TimeInDaylight", 600, "2024-03-02 13:00:00 +0100", unit="s",
               end="2024-03-02 13:10:00 +0100"),
        # Respiratory rate of the night to 03-02, before and after midnight; from noon on a
        # reading belongs to the next night.
        record("RespiratoryRate", 14.5, "2024-03-01 23:30:00 +0100", unit="count/min"),
        record("RespiratoryRate", 15.5, "2024-03-02 02:00:00 +0100", unit="count/min"),
        record("RespiratoryRate", 16, "2024-03-02 06:00:00 +0100", unit="count/min"),
        record("RespiratoryRate", 13, "2024-03-02 11:59:59 +0100", unit="count/min"),
        record("RespiratoryRate", 12, "2024-03-02 12:00:00 +0100", unit="count/min"),
        record("RespiratoryRate", "", "2024-03-03 03:00:00 +0100", unit="count/min"),
        record("WalkingHeartRateAverage", 98, "2024-03-01 09:00:00 +0100", unit="count/min"),
        record("WalkingHeartRateAverage", 102, "2024-03-02 09:00:00 +0100", unit="count/min"),
        # Weight: the scale in kg (the evening reading is the day's), a phone app in lb and st.
        record("BodyMass", 72.4, "2024-03-01 07:05:00 +0100", source=SCALE, unit="kg"),
        record("BodyMass", 72.1, "2024-03-01 21:00:00 +0100", source=SCALE, unit="kg"),
        record("BodyMass", 160, "2024-03-02 07:00:00 +0100", source=PHONE, unit="lb"),
        record("BodyMass", 11.5, "2024-03-03 07:00:00 +0100", source=PHONE, unit="st"),
        record("BodyMass", 70, "2024-03-04 07:00:00 +0100", source=PHONE, unit="oz"),
        # Body mass index is another type, never weight.
        record("BodyMassIndex", 23.1, "2024-03-04 07:00:00 +0100", source=SCALE, unit="count"),
    ]  # fmt: skip


def test_more_quantities_match_the_elementtree_reference() -> None:
    data = export_xml(*more_elements())
    daily = apple_health.read([one_file(data)])
    assert_same_values(daily.table, reference_daily(data))


def test_more_quantities_convert_units_date_nights_and_keep_one_source() -> None:
    daily = apple_health.read([one_file(export_xml(*more_elements()))])
    table = daily.table
    nan = np.nan
    expected = pd.DataFrame(
        {
            "water_l": [0.25 + 0.5 + 16 * 0.0295735295625, 1.5, nan, nan],
            "caffeine_mg": [158.5, 80.0, nan, nan],
            "alcoholic_drinks": [2.0, 0.0, nan, 1.0],
            "have_any_alcoholic_drinks": [1.0, 0.0, nan, 1.0],  # unlogged: missing, never "no"
            "daylight_min": [47.0, 10.0, nan, nan],
            "respiratory_rate": [nan, (14.5 + 15.5 + 16 + 13) / 4, 12.0, nan],
            "walking_hr": [98.0, 102.0, nan, nan],
            "weight_kg": [72.1, 160 * 0.45359237, 11.5 * 14 * 0.45359237, nan],
        },
        index=pd.date_range("2024-03-01", periods=4, name="date"),
    )
    pd.testing.assert_frame_equal(table[expected.columns], expected, check_freq=False, rtol=1e-12)
    skipped = sorted(w.removeprefix("export.xml: ") for w in daily.warnings if "skipped" in w)
    assert skipped == [
        "respiratory_rate: 1 record(s) without a number value and a startDate skipped",
        "water_l: 1 record(s) in unit 'cup_us' skipped",
        "weight_kg: 1 record(s) in unit 'oz' skipped",
    ]
    assert any(
        "water_l: 2 sources, never added together; each day keeps the source with the largest "
        "daily total (Ana’s iPhone on 1 day(s), WaterMinder on 1 day(s))" in w
        for w in daily.warnings
    )


def mindful(start: str, end: str, source: str = WATCH, *, value: bool = True) -> str:
    """A mindful session: a category record without a unit (some apps write no value)."""
    if value:
        return record(
            "HKCategoryTypeIdentifierMindfulSession", "HKCategoryValueNotApplicable", start,
            source=source, unit="", end=end,
        )  # fmt: skip
    return (
        f' <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="{source}" '
        f'sourceVersion="7.2" creationDate="{end}" startDate="{start}" endDate="{end}"/>\n'
    )


def sessions_xml() -> str:
    return "".join(
        [
            # 03-01: the watch's Breathe sessions (5 + 10 min) and an app's 20 minutes.
            mindful("2024-03-01 07:00:00 +0100", "2024-03-01 07:05:00 +0100"),
            mindful("2024-03-01 21:00:00 +0100", "2024-03-01 21:10:00 +0100"),
            mindful("2024-03-01 12:00:00 +0100", "2024-03-01 12:20:00 +0100", "Calm", value=False),
            # 03-02: 90 seconds; a session ending before it starts is left out.
            mindful("2024-03-02 07:00:00 +0100", "2024-03-02 07:01:30 +0100"),
            mindful("2024-03-02 08:00:00 +0100", "2024-03-02 07:00:00 +0100"),
        ]
    )


def test_mindful_sessions_are_minutes_a_day_from_one_source() -> None:
    data = export_xml(sessions_xml())
    daily = apple_health.read([one_file(data)])
    assert daily.table["mindful_min"].to_dict() == {day("2024-03-01"): 20.0, day("2024-03-02"): 1.5}
    assert daily.registry["mindful_min"].kind == "habit"
    line = data[: data.index(b'startDate="2024-03-02 08:00:00')].count(b"\n") + 1
    assert (
        "export.xml: 1 value of 'HKCategoryTypeIdentifierMindfulSession (min from start to end)' "
        f"negative left out (line {line}; plausible: 0 to 1,440 min; a day has 1,440 minutes)"
    ) in daily.warnings
    assert any("mindful_min: 2 sources, never added together" in w for w in daily.warnings)


def test_implausible_new_records_are_left_out_and_named_by_file_line_and_type() -> None:
    data = export_xml(
        record("DietaryWater", 30000, "2024-03-01 10:00:00 +0100", source=PHONE, unit="mL"),
        record("DietaryWater", 500, "2024-03-01 11:00:00 +0100", source=PHONE, unit="mL"),
        record("BodyMass", 1200, "2024-03-01 07:00:00 +0100", source=SCALE, unit="lb"),
        record("RespiratoryRate", 2, "2024-03-02 03:00:00 +0100", unit="count/min"),
        record("RespiratoryRate", 15, "2024-03-02 04:00:00 +0100", unit="count/min"),
        record("DietaryCaffeine", 95, "2024-03-25 08:00:00 +0100", source=PHONE, unit="mg"),
        mindful("1999-12-31 07:00:00 +0100", "1999-12-31 07:10:00 +0100"),
        mindful("2024-03-01 07:00:00 +0100", "2024-03-01 07:10:00 +0100"),
    )
    daily = apple_health.read([one_file(data)])
    table = daily.table
    assert table["water_l"].dropna().to_dict() == {day("2024-03-01"): 0.5}  # 30 L left out
    assert table["respiratory_rate"].dropna().to_dict() == {day("2024-03-02"): 15.0}
    assert table["mindful_min"].dropna().to_dict() == {day("2024-03-01"): 10.0}
    assert "weight_kg" not in table
    assert "caffeine_mg" not in table

    def line(text: str) -> int:
        return data[: data.index(text.encode())].count(b"\n") + 1

    expected = [
        f"export.xml: 1 value of '{QTY}DietaryWater' above 20 left out (line "
        f"{line('2024-03-01 10:00:00')}; plausible: 0 to 20 L",
        f"export.xml: 1 value of '{QTY}BodyMass' above 400 left out (line "
        f"{line('2024-03-01 07:00:00')}; plausible: 20 to 400 kg",
        f"export.xml: 1 value of '{QTY}RespiratoryRate' below 4 left out (line "
        f"{line('2024-03-02 03:00:00')}; plausible: 4 to 60 breaths/min",
        "export.xml: 1 record dated 2024-03-25, after the export date 2024-03-20, left out (line "
        f"{line('2024-03-25 08:00:00')}; a measurement record from the future)",
        "export.xml: 1 record dated 1999-12-31, before 2000-01-01, left out (line "
        f"{line('1999-12-31')}; an Excel or Unix epoch date)",
    ]
    for start in expected:
        assert any(w.startswith(start) for w in daily.warnings), (start, daily.warnings)


def test_logged_drinks_fill_the_journal_question_where_whoop_has_no_answer() -> None:
    # WHOOP journal answers for 03-01 (yes), 03-03 (no) and 03-04 (no: it disagrees with the
    # one drink logged in Apple Health that day, and WHOOP's answer is kept).
    journal = (
        "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes\n"
        + (
            "".join(
                f"2024-03-0{d} 22:30:00,,UTC+01:00,Have any alcoholic drinks?,{answer},\n"
                for d, answer in ((1, "true"), (3, "false"), (4, "false"))
            )
        )
    )
    daily = read_exports(
        [("journal_entries.csv", journal.encode()), ("export.xml", export_xml(*more_elements()))]
    )
    assert daily.table["have_any_alcoholic_drinks"].dropna().to_dict() == {
        day("2024-03-01"): 1.0,
        day("2024-03-02"): 0.0,  # a logged 0 in Apple Health fills the journal's gap
        day("2024-03-03"): 0.0,
        day("2024-03-04"): 0.0,
    }
    assert daily.registry["have_any_alcoholic_drinks"].source == "whoop"
    assert any(
        w.startswith("have_any_alcoholic_drinks: whoop and apple_health disagree on 1 day(s)")
        for w in daily.warnings
    )


# ----------------------------------------------------------------------------------------------
# Workouts


def workouts_xml() -> str:
    span = 'startDate="{s}" endDate="{e}"'
    run_span = span.format(s="2024-03-05 07:00:00 +0100", e="2024-03-05 07:45:00 +0100")
    return "".join(
        [
            # Before iOS 16: totals as attributes.
            ' <Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="1.5" '
            'durationUnit="hr" totalDistance="40" totalDistanceUnit="km" totalEnergyBurned="2092" '
            f'totalEnergyBurnedUnit="kJ" sourceName="{WATCH}" sourceVersion="8.1" '
            'creationDate="2024-03-03 12:00:00 +0100" startDate="2024-03-03 10:30:00 +0100" '
            'endDate="2024-03-03 12:00:00 +0100">\n'
            '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n </Workout>\n',
            # iOS 16+: totals in WorkoutStatistics; a WorkoutActivity repeats them.
            ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45" '
            f'durationUnit="min" sourceName="{WATCH}" sourceVersion="9.1" device="{WATCH_DEVICE}" '
            f'creationDate="2024-03-05 07:46:00 +0100" {run_span}>\n'
            f'  <WorkoutActivity uuid="A1" {run_span} duration="45" durationUnit="min">\n'
            '   <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
            f'{run_span} sum="410" unit="kcal"/>\n  </WorkoutActivity>\n'
            f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-03-05 07:10:00 +0100"/>\n'
            '  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
            f'{run_span} average="150" unit="count/min"/>\n'
            '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
            f'{run_span} sum="410" unit="kcal"/>\n'
            f'  <WorkoutRoute sourceName="{WATCH}" {run_span}>\n'
            '   <FileReference path="/workout-routes/route_2024-03-05_7.45am.gpx"/>\n'
            "  </WorkoutRoute>\n </Workout>\n",
            # The same run uploaded again by another app: not a second workout.
            ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="2640" '
            'durationUnit="s" sourceName="Strava" startDate="2024-03-05 07:01:00 +0100" '
            'endDate="2024-03-05 07:45:00 +0100"/>\n',
            # A second, separate workout that day, without duration attributes.
            ' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" sourceName="Strava" '
            'startDate="2024-03-05 19:00:00 +0100" endDate="2024-03-05 19:20:00 +0100"/>\n',
        ]
    )


def test_workouts_minutes_count_energy_and_zero_days() -> None:
    steps = [record("StepCount", 10, f"2024-03-0{d} 09:00:00 +0100") for d in range(1, 8)]
    daily = apple_health.read([one_file(export_xml(*steps, workouts_xml()))])
    table = daily.table
    nan = np.nan
    expected = pd.DataFrame(
        {
            "workout_min": [nan, nan, 90.0, 0.0, 65.0, 0.0, 0.0],
            "workout_count": [nan, nan, 1.0, 0.0, 2.0, 0.0, 0.0],
            "workout_energy": [nan, nan, 500.0, nan, 410.0, nan, nan],
        },
        index=pd.date_range("2024-03-01", periods=7, name="date"),
    )
    pd.testing.assert_frame_equal(table[expected.columns], expected, check_freq=False)
    assert daily.registry["workout_min"].kind == "habit"


# ----------------------------------------------------------------------------------------------
# Claiming files


def test_claims_only_the_export_xml_of_a_zip_whatever_its_name() -> None:
    export = mixed_export()
    data = zipped(
        {
            "apple_health_export/导出.xml": export,
            "apple_health_export/export_cda.xml": b'<?xml version="1.0"?>\n<ClinicalDocument '
            b'xmlns="urn:hl7-org:v3"><title>Health</title></ClinicalDocument>\n',
            "apple_health_export/workout-routes/route_2024-03-05.gpx": b'<?xml version="1.0"?>'
            b"<gpx><trk/></gpx>",
        }
    )
    files = collect_files([("export.zip", data)])
    claimed = [f for f in files if apple_health.claims(f, f.head())]
    assert [f.basename for f in claimed] == ["导出.xml"]
    from_zip = apple_health.read(claimed)
    pd.testing.assert_frame_equal(from_zip.table, apple_health.read([one_file(export)]).table)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("export.zip", zipped({"apple_health_export/export_cda.xml": b"<ClinicalDocument/>"})),
        ("notes.xml", b'<?xml version="1.0"?>\n<notes><note>HealthData</note></notes>'),
        ("sleeps.csv", b"Cycle start time,Sleep onset\n"),
        ("export.csv", b"<HealthData>\n"),  # not an .xml file
    ],
)
def test_other_files_are_not_claimed(name: str, data: bytes) -> None:
    assert not any(apple_health.claims(f, f.head()) for f in collect_files([(name, data)]))


# ----------------------------------------------------------------------------------------------
# Bad input


def test_a_file_cut_off_mid_record_names_the_file_and_where() -> None:
    data = mixed_export()
    cut = data.index(b"2024-03-02 11:00:00") + 5
    with pytest.raises(
        ValueError, match=r"^broken\.xml: the file is cut off at byte ([\d,]+)"
    ) as info:
        apple_health.read([one_file(data[:cut], "broken.xml")])
    assert f"{cut:,}" in str(info.value)
    # The last record before the cut (active energy of 03-01; 03-02's record is the cut one).
    assert "the last record read is dated 2024-03-01" in str(info.value)


@pytest.mark.parametrize("chunk_bytes", [16, 1 << 20])
def test_a_file_cut_off_inside_a_workout_or_between_records(chunk_bytes: int) -> None:
    data = export_xml(record("StepCount", 5, "2024-03-01 09:00:00 +0100"), workouts_xml())
    inside_workout = data[: data.index(b"<WorkoutRoute")]
    between_records = data[: data.index(b" <Workout")]
    for truncated in (inside_workout, between_records):
        with pytest.raises(ValueError, match="cut off"):
            apple_health.read_export(one_file(truncated), chunk_bytes=chunk_bytes)


def test_a_damaged_zip_member_is_a_value_error() -> None:
    data = bytearray(zipped({"apple_health_export/export.xml": mixed_export() * 3}))
    middle = len(data) // 2
    data[middle : middle + 40] = bytes(40)  # corrupt the deflate stream
    files = collect_files([("export.zip", bytes(data))])
    with pytest.raises(ValueError, match=r"export\.zip/apple_health_export/export\.xml: "):
        apple_health.read(files)


def test_an_xml_file_that_is_not_an_export_is_refused() -> None:
    with pytest.raises(ValueError, match=r"notes\.xml: not an Apple Health export"):
        apple_health.read([one_file(b"<?xml version='1.0'?><notes/>", "notes.xml")])


def test_unknown_units_are_skipped_with_a_note() -> None:
    daily = apple_health.read([one_file(mixed_export())])
    notes = [w for w in daily.warnings if "skipped" in w]
    assert notes == ["export.xml: steps: 1 record(s) in unit 'strides' skipped"]
    assert any("body_fat_pct: 1 reading(s) above 1 taken as percent" in w for w in daily.warnings)


def test_the_export_is_read_in_chunks_never_whole() -> None:
    data = mixed_export()
    sizes: list[int] = []

    class Recording(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            sizes.append(-1 if size is None else size)
            return super().read(size)

    file = ExportFile("export.xml", len(data), lambda: Recording(data))
    apple_health.read_export(file, chunk_bytes=512)
    assert len(sizes) > len(data) // 512
    assert set(sizes) == {512}


# ----------------------------------------------------------------------------------------------
# Several exports, registry


def test_the_newest_export_wins_where_two_exports_overlap() -> None:
    old = export_xml(
        record("StepCount", 100, "2024-03-01 09:00:00 +0100"),
        record("StepCount", 200, "2024-03-02 09:00:00 +0100"),
        export_date="2024-03-02 20:00:00 +0100",
    )
    new = export_xml(
        record("StepCount", 250, "2024-03-02 09:00:00 +0100"),
        record("StepCount", 300, "2024-03-03 09:00:00 +0100"),
        export_date="2024-03-04 08:00:00 +0100",
    )
    daily = apple_health.read([one_file(old, "old.xml"), one_file(new, "new.xml")])
    assert daily.table["steps"].tolist() == [100.0, 250.0, 300.0]
    assert any("disagree on 1 day(s)" in w for w in daily.warnings)


def test_registry_describes_every_column() -> None:
    more = "".join(more_elements()) + sessions_xml()
    data = mixed_export().replace(
        b"</HealthData>", (workouts_xml() + sleep_xml() + more).encode() + b"</HealthData>"
    )
    daily = apple_health.read([one_file(data)])
    registry = daily.registry
    assert set(registry) == {
        "steps", "active_energy", "resting_hr", "hrv_sdnn", "vo2_max", "body_fat_pct",
        "asleep_min", "workout_min", "workout_count", "workout_energy",
        "weight_kg", "walking_hr", "respiratory_rate", "water_l", "caffeine_mg",
        "alcoholic_drinks", "have_any_alcoholic_drinks", "daylight_min", "mindful_min",
        "light_sleep_min", "deep_sleep_min", "rem_sleep_min", "awake_min", "in_bed_min",
    }  # fmt: skip
    assert set(registry) == set(apple_health.VARIABLES)
    assert all(v.source == "apple_health" for v in registry.values())
    assert registry["hrv_sdnn"].label == "Heart rate variability (SDNN)"
    assert "rmssd" not in " ".join(registry).lower()
    units = {n: registry[n].unit for n in ("vo2_max", "resting_hr", "body_fat_pct", "steps")}
    assert units == {
        "vo2_max": "mL/kg/min",
        "resting_hr": "bpm",
        "body_fat_pct": "%",
        "steps": "steps",
    }
    aggregations = {n: v.aggregation for n, v in registry.items()}
    assert aggregations["steps"] == aggregations["active_energy"] == "sum"
    assert aggregations["resting_hr"] == aggregations["hrv_sdnn"] == "mean"
    assert aggregations["vo2_max"] == aggregations["body_fat_pct"] == "last"
    assert registry["resting_hr"].higher_is_better is False
    assert registry["vo2_max"].kind == "metric"
    units = {
        n: registry[n].unit
        for n in (
            "weight_kg",
            "walking_hr",
            "respiratory_rate",
            "water_l",
            "caffeine_mg",
            "alcoholic_drinks",
            "daylight_min",
            "mindful_min",
            "rem_sleep_min",
            "in_bed_min",
        )
    }
    assert units == {
        "weight_kg": "kg", "walking_hr": "bpm", "respiratory_rate": "breaths/min",
        "water_l": "L", "caffeine_mg": "mg", "alcoholic_drinks": "drinks", "daylight_min": "min",
        "mindful_min": "min", "rem_sleep_min": "min", "in_bed_min": "min",
    }  # fmt: skip
    kinds = {n: v.kind for n, v in registry.items()}
    assert {n for n, k in kinds.items() if k == "habit"} == {
        "steps", "workout_min", "workout_count", "water_l", "caffeine_mg", "alcoholic_drinks",
        "daylight_min", "mindful_min",
    }  # fmt: skip
    assert {n for n, k in kinds.items() if k == "behaviour"} == {"have_any_alcoholic_drinks"}
    assert registry["have_any_alcoholic_drinks"].components == ("alcoholic_drinks",)
    assert registry["asleep_min"].components == (
        "light_sleep_min", "deep_sleep_min", "rem_sleep_min",
    )  # fmt: skip
    assert aggregations["weight_kg"] == "last"
    assert aggregations["respiratory_rate"] == aggregations["walking_hr"] == "mean"
    assert aggregations["water_l"] == aggregations["mindful_min"] == "sum"


def test_an_export_without_the_types_read_gives_an_empty_table() -> None:
    daily = apple_health.read(
        [one_file(export_xml(record("HeartRate", 70, "2024-03-01 09:00:00 +0100")))]
    )
    assert daily.days == 0
    assert "no records of the types read" in daily.warnings[0]


# ----------------------------------------------------------------------------------------------
# Implausible values and dates: left out, with the line they are on


def _line_of(data: bytes, needle: str) -> int:
    return data[: data.index(needle.encode())].count(b"\n") + 1


def test_impossible_values_are_left_out_with_their_lines() -> None:
    day = "2019-06-10 10:00:00 +0200"
    elements = [
        record("StepCount", 4000, day),
        record("StepCount", 1e15, "2019-06-10 11:00:00 +0200"),
        record("StepCount", -50000, "2019-06-10 12:00:00 +0200"),
        record("StepCount", "inf", "2019-06-10 13:00:00 +0200"),
        record("BodyFatPercentage", 250, day, unit="%"),
        record("BodyFatPercentage", 0.2, "2019-06-11 10:00:00 +0200", unit="%"),
        record("RestingHeartRate", -400, day, unit="count/min"),
        record("RestingHeartRate", 55, "2019-06-11 10:00:00 +0200", unit="count/min"),
    ]
    data = export_xml(*elements, export_date="2019-06-17 09:00:00 +0200")
    daily = apple_health.read([one_file(data)])
    table = daily.table
    assert table.loc["2019-06-10", "steps"] == 4000.0
    assert np.isnan(table.loc["2019-06-10", "body_fat_pct"])
    assert table.loc["2019-06-11", "body_fat_pct"] == pytest.approx(20.0)
    assert np.isnan(table.loc["2019-06-10", "resting_hr"])
    steps = f"{QTY}StepCount"
    line = _line_of(data, f'value="{1e15}"')
    assert (
        f"export.xml: 1 value of '{steps}' above 150,000 left out (line {line:,}; plausible: 0 "
        "to 150,000 steps; ultramarathon days reach about 100,000 steps)"
    ) in daily.warnings
    assert any(
        w.startswith(f"export.xml: 1 value of '{steps}' negative left out (line {line + 1:,};")
        for w in daily.warnings
    )
    assert any(
        f"'{steps}' not a finite number left out (line {line + 2:,})" in w for w in daily.warnings
    )
    assert any(f"'{QTY}BodyFatPercentage' above 75 left out" in w for w in daily.warnings)
    assert any(f"'{QTY}RestingHeartRate' negative left out" in w for w in daily.warnings)


def test_records_dated_after_the_export_or_before_2000_are_left_out() -> None:
    elements = [
        record("StepCount", 4000, "2019-06-10 10:00:00 +0200"),
        record("StepCount", 3000, "2030-01-06 10:00:00 +0200"),
        record("StepCount", 2000, "1900-01-01 10:00:00 +0200"),
    ]
    data = export_xml(*elements, export_date="2019-06-17 09:00:00 +0200")
    daily = apple_health.read([one_file(data)])
    assert daily.table.index.tolist() == [pd.Timestamp("2019-06-10")]
    late = _line_of(data, "2030-01-06")
    assert (
        f"export.xml: 1 record dated 2030-01-06, after the export date 2019-06-17, left out "
        f"(line {late:,}; a measurement record from the future)"
    ) in daily.warnings
    assert any(
        w.startswith("export.xml: 1 record dated 1900-01-01, before 2000") for w in daily.warnings
    )


def test_endless_sleep_and_workouts_and_negative_ones_are_left_out() -> None:
    elements = [
        sleep("AsleepCore", "2015-03-09 23:00:00 +0100", "2023-03-10 06:00:00 +0100"),
        sleep("AsleepCore", "2019-03-09 23:00:00 +0100", "2019-03-10 06:00:00 +0100"),
        sleep("AsleepCore", "2019-03-11 06:00:00 +0100", "2019-03-10 23:00:00 +0100"),
        ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="10000000" '
        f'durationUnit="min" sourceName="{WATCH}" startDate="2019-03-10 07:00:00 +0100" '
        'endDate="2019-03-10 08:00:00 +0100"/>\n',
    ]
    data = export_xml(*elements, export_date="2023-06-17 09:00:00 +0200")
    daily = apple_health.read([one_file(data)])
    assert daily.table["asleep_min"].dropna().to_dict() == {pd.Timestamp("2019-03-10"): 420.0}
    assert "workout_min" not in daily.table.columns or daily.table["workout_min"].isna().all()
    notes = "\n".join(daily.warnings)
    assert "1 value of 'asleep interval (min)' above 1,440 left out (line" in notes
    assert "1 value of 'asleep interval (min)' negative left out (line" in notes
    assert "1 value of 'Workout duration (min)' above 1,440 left out (line" in notes


def test_line_numbers_hold_at_any_chunk_size() -> None:
    elements = [record("StepCount", 100 + i, f"2019-06-10 10:{i:02d}:00 +0200") for i in range(40)]
    elements[25] = record("StepCount", -7, "2019-06-10 11:00:00 +0200")
    data = export_xml(*elements, export_date="2019-06-17 09:00:00 +0200")
    whole = apple_health.read_export(one_file(data))
    for chunk_bytes in (50, 333, 4096):
        chunked = apple_health.read_export(one_file(data), chunk_bytes=chunk_bytes)
        assert chunked.warnings == whole.warnings
    line = _line_of(data, 'value="-7"')
    assert any(f"negative left out (line {line:,};" in w for w in whole.warnings)
