"""Writing a simulated person's exports in the real formats, byte for byte reproducible.

:func:`write_sample` turns a :class:`~pga_core.sample.SamplePerson` into the files a real person
would export: the WHOOP CSVs (and their e-mailed zip), the Apple Health ``export.xml`` with the
version-12 header and its broken DTD (and the export zip), and a habit spreadsheet. Nothing is
simulated here: every value comes from the person's tables, formatted as each export writes it.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from pga_core.sample._formats import (
    CYCLE_COLUMNS,
    HABIT_SHEET_COLUMNS,
    HK,
    JOURNAL_COLUMNS,
    SLEEP_COLUMNS,
    WORKOUT_COLUMNS,
    apple_offset,
    utc_offset_minutes,
)

if TYPE_CHECKING:  # annotations only: writing the files needs nothing of the simulation
    from pga_core.sample._person import SamplePerson

__all__ = [
    "APPLE_EXPORT_HEADER",
    "write_sample",
]

#: Decimals written per column (whole numbers otherwise); in workouts.csv energy is a float
#: such as ``272.0``, in physiological_cycles.csv a whole number.
_DECIMALS = {
    "Skin temp (celsius)": 1, "Blood oxygen %": 2, "Day Strain": 1, "Respiratory rate (rpm)": 1,
    "Activity Strain": 1, "Distance (meters)": 1, "Altitude gain (meters)": 1,
    "Altitude change (meters)": 1,
}  # fmt: skip
_WORKOUT_DECIMALS = _DECIMALS | {"Energy burned (cal)": 1}
WHOOP_FILES = {
    "physiological_cycles.csv": CYCLE_COLUMNS,
    "sleeps.csv": SLEEP_COLUMNS,
    "workouts.csv": WORKOUT_COLUMNS,
    "journal_entries.csv": JOURNAL_COLUMNS,
}
_WATCH_DEVICE = (
    "<<HKDevice: 0x2821a4b40>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    "hardware:Watch6,2, software:9.4>"
)
_PHONE_DEVICE = (
    "<<HKDevice: 0x2821a59f0>, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    "hardware:iPhone14,2, software:16.3>"
)
#: sourceName, sourceVersion, device per source key of
#: :attr:`pga_core.sample.SamplePerson.apple_records`.
APPLE_SOURCES = {
    "watch": ("Alex’s Apple Watch", "9.4", _WATCH_DEVICE),
    "phone": ("Alex’s iPhone", "16.3", _PHONE_DEVICE),
    "scale": ("Body Scale", "5.2.1", ""),
    "water_app": ("Waterlog", "4.2", ""),
    "drinks_app": ("Drinks Diary", "2.3.1", ""),
}
ZIP_MEMBER_TIME = (8, 0, 0)


# --- writing the exports --------------------------------------------------------------------------
def write_sample(person: SamplePerson, outdir: str | Path) -> dict[str, Path]:
    """Write the person's exports in the real formats; the same person always gives the same bytes.

    Written under ``outdir``:

    - ``whoop/physiological_cycles.csv``, ``whoop/sleeps.csv``, ``whoop/workouts.csv``,
      ``whoop/journal_entries.csv`` — the current WHOOP export format, newest rows first;
    - ``whoop_export.zip`` — the same four files, as the e-mailed zip;
    - ``apple_health/export.xml`` — HealthKit export version 12, with its broken DTD;
    - ``apple_health/export.zip`` — ``apple_health_export/export.xml`` and ``export_cda.xml``;
    - ``habits.csv`` — a daily habit spreadsheet (``date``, numbers, ``yes``/``no``).

    Import the folder *or* the zip of one export, not both: they hold the same data.

    Returns
    -------
    dict mapping each written file's path relative to ``outdir`` (``whoop/sleeps.csv``) to its path.
    """
    root = Path(outdir)
    contents: dict[str, bytes] = {}
    whoop_tables = {  # each file is written newest first by this column
        "physiological_cycles.csv": (person.cycles, "Cycle start time"),
        "sleeps.csv": (person.sleeps, "Sleep onset"),
        "workouts.csv": (person.workouts, "Workout start time"),
        "journal_entries.csv": (person.journal, "Cycle start time"),
    }
    for name, (table, newest_first_by) in whoop_tables.items():
        newest_first = table.sort_values(newest_first_by, ascending=False, kind="stable")
        contents[f"whoop/{name}"] = _whoop_csv(newest_first, WHOOP_FILES[name])
    member_time = (*person.export_day.timetuple()[:3], *ZIP_MEMBER_TIME)
    contents["whoop_export.zip"] = _zip(
        {name: contents[f"whoop/{name}"] for name in WHOOP_FILES}, member_time
    )
    export_xml = _apple_xml(person)
    contents["apple_health/export.xml"] = export_xml
    contents["apple_health/export.zip"] = _zip(
        {
            "apple_health_export/export.xml": export_xml,
            "apple_health_export/export_cda.xml": _APPLE_CDA.encode("utf-8"),
        },
        member_time,
    )
    contents["habits.csv"] = _habits_csv(person.habits)
    written = {}
    for relative, data in contents.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[relative] = path
    return written


def _format_cell(value: object, decimals: int) -> str:
    """One WHOOP cell as the export writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return f"{float(value):.{decimals}f}"  # type: ignore[arg-type]


def _whoop_csv(table: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    """A WHOOP CSV: the header row, then the rows in the order given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    decimals = _WORKOUT_DECIMALS if columns == WORKOUT_COLUMNS else _DECIMALS
    places = [decimals.get(column, 0) for column in columns]
    for row in table[list(columns)].itertuples(index=False, name=None):
        writer.writerow([_format_cell(v, p) for v, p in zip(row, places, strict=True)])
    return buffer.getvalue().encode("utf-8")


def _habits_csv(habits: pd.DataFrame) -> bytes:
    """The habit spreadsheet as a plain comma-separated file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HABIT_SHEET_COLUMNS)
    formats: dict[str, Callable[[float], str]] = {
        "hydration_l": lambda v: f"{v:.1f}",
        "carbs_g": lambda v: f"{v:.0f}",
        "lactate_threshold_test": lambda v: "yes" if v else "no",
    }
    for row in habits.itertuples(index=False):
        cells = [row.date.strftime("%Y-%m-%d")]
        for column in HABIT_SHEET_COLUMNS[1:]:
            value = getattr(row, column)
            cells.append("" if pd.isna(value) else formats[column](value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _zip(members: dict[str, bytes], date_time: tuple[int, ...]) -> bytes:
    """A zip with fixed member times, so the same content always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def _apple_time(times: pd.Series, offsets: pd.Series) -> list[str]:
    text = times.dt.strftime("%Y-%m-%d %H:%M:%S")
    return [f"{t} {apple_offset(o)}" for t, o in zip(text, offsets, strict=True)]


def _apple_xml(person: SamplePerson) -> bytes:
    """``export.xml``: the version-12 header with its broken DTD, records grouped by type."""
    export_time = person.export_day + pd.Timedelta(hours=7, minutes=55)
    export_offset = apple_offset(int(utc_offset_minutes(pd.DatetimeIndex([export_time]))[0]))
    lines = [
        APPLE_EXPORT_HEADER,
        '<HealthData locale="en_US">',
        f' <ExportDate value="{export_time:%Y-%m-%d %H:%M:%S} {export_offset}"/>',
        ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1988-04-12" '
        'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" '
        'HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" '
        'HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" '
        'HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>',
    ]
    records = person.apple_records
    offsets = records["utc_offset_min"]
    created = _apple_time(records["created"], offsets)
    start = _apple_time(records["start"], offsets)
    end = _apple_time(records["end"], offsets)
    source_attrs = {
        key: f"sourceName={quoteattr(name)} sourceVersion={quoteattr(version)}"
        + (f" device={quoteattr(device)}" if device else "")
        for key, (name, version, device) in APPLE_SOURCES.items()
    }
    for i, (hk_type, source, unit, value) in enumerate(
        records[["type", "source", "unit", "value"]].itertuples(index=False, name=None)
    ):
        unit_attr = f" unit={quoteattr(unit)}" if unit else ""  # category records have none
        lines.append(
            f' <Record type="{hk_type}" {source_attrs[source]}{unit_attr} '
            f'creationDate="{created[i]}" startDate="{start[i]}" endDate="{end[i]}" '
            f'value="{value}"/>'
        )
    workouts = person.apple_workouts
    w_offsets = workouts["utc_offset_min"]
    w_start = _apple_time(workouts["start"], w_offsets)
    w_end = _apple_time(workouts["end"], w_offsets)
    for i, row in enumerate(workouts.itertuples(index=False)):
        lines.append(
            f' <Workout workoutActivityType="{row.activity}" duration="{row.duration_min:.4f}" '
            f'durationUnit="min" {source_attrs["watch"]} creationDate="{w_end[i]}" '
            f'startDate="{w_start[i]}" endDate="{w_end[i]}">'
        )
        lines.append('  <MetadataEntry key="HKTimeZone" value="America/New_York"/>')
        lines.append(
            f'  <WorkoutStatistics type="{HK}ActiveEnergyBurned" startDate="{w_start[i]}" '
            f'endDate="{w_end[i]}" sum="{row.energy_kcal:.1f}" unit="Cal"/>'
        )
        if not math.isnan(row.distance_km):
            distance = "Cycling" if row.activity.endswith("Cycling") else "WalkingRunning"
            lines.append(
                f'  <WorkoutStatistics type="{HK}Distance{distance}" '
                f'startDate="{w_start[i]}" endDate="{w_end[i]}" '
                f'sum="{row.distance_km:.4f}" unit="km"/>'
            )
        lines.append(" </Workout>")
    lines.append("</HealthData>")
    return ("\n".join(lines) + "\n").encode("utf-8")


#: The start of a HealthKit export version 12 (iOS 16): the DTD's ``WorkoutActivity`` attribute
#: list is never closed, so strict XML parsers stop inside the DOCTYPE.
APPLE_EXPORT_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(@TOP_LEVEL@)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth                 CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex               CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType                   CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: @CORRELATION_NOTE@ -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutActivity ((WorkoutEvent|WorkoutStatistics|MetadataEntry)*)>
<!ATTLIST WorkoutActivity
  uuid            CDATA #REQUIRED
  startDate       CDATA #REQUIRED
  endDate         CDATA #IMPLIED
  duration        CDATA #IMPLIED
  durationUnit    CDATA #IMPLIED
<!ELEMENT WorkoutEvent EMPTY>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type      CDATA #REQUIRED
  startDate CDATA #REQUIRED
  endDate   CDATA #REQUIRED
  average   CDATA #IMPLIED
  minimum   CDATA #IMPLIED
  maximum   CDATA #IMPLIED
  sum       CDATA #IMPLIED
  unit      CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
]>""".replace(
    "@TOP_LEVEL@",
    "Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription",
).replace(
    "@CORRELATION_NOTE@",
    "Any Records that appear as children of a correlation also appear as top-level records "
    "in this document.",
)

#: A minimal clinical-document companion file, as real export zips carry one.
_APPLE_CDA = """<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
 <title>Health Data Export</title>
</ClinicalDocument>
"""
