"""Apple Health import: our reader against merely decompressing the export, on a large export.

Writes a synthetic ``export.zip`` (``apple_health_export/export.xml`` of ``--size-mb``, default
1024 MB) in the real structure — the version-12 DTD with its unclosed ATTLIST, records with
device strings and metadata children, heart-rate variability beat lists, several sources, sleep
stages and night-time respiratory rate, logged water, caffeine and drinks, weight in pounds,
mindful sessions, workouts with iOS 16 statistics, a stray ``\\x0b`` — then, each in a fresh child
process:

1. decompresses the member and reads all its bytes (the floor any reader pays);
2. runs ``pga_core.data.readers.apple_health.read`` on it.

Prints both times, their ratio (target ≤ 5×), the reader's peak memory (target ≤ 300 MB, from
``getrusage(RUSAGE_CHILDREN)`` after the child exits) and checks the daily steps and active
energy against the totals the generator wrote.

    python -m bench.bench_apple_import --size-mb 100
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pga_core.sample import APPLE_EXPORT_HEADER

MEMBER = "apple_health_export/export.xml"
FIRST_DAY = date(2019, 1, 1)
TARGET_RATIO = 5.0
TARGET_PEAK_MB = 300.0
WRITE_BLOCK_DAYS = 20
LAST_START_S = 82_200

DTD = (
    APPLE_EXPORT_HEADER
    + """
<HealthData locale="en_US">
 <ExportDate value="2024-06-01 09:00:00 -0400"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="" \
HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" \
HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" \
HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" \
HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""
)

WATCH = (
    "Ana’s Apple Watch",
    "9.1",
    "&lt;&lt;HKDevice: 0x283e8b750&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,1, software:9.1, creationDate:2022-10-01 08:12:03 -0400&gt;&gt;",
)
PHONE = (
    "Ana’s iPhone",
    "16.1",
    "&lt;&lt;HKDevice: 0x283e8c1e0&gt;, name:iPhone, manufacturer:Apple Inc., "
    "model:iPhone, hardware:iPhone14,5, software:16.1&gt;&gt;",
)
SCALE = ("Withings", "6.3.1", "")
SLEEP_APP = ("AutoSleep", "6.8.2", "")
WATER_APP = ("Waterlog", "4.2", "")
STRAVA = ("Strava", "332.0.1", "")
HMS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def _offset(day: date, seconds: int = 12 * 3600) -> str:
    """A US Eastern-like offset: summer time from 10 March to 3 November, switching at 02:00."""
    moment = (day.month, day.day, seconds >= 2 * 3600)
    return "-0400" if (3, 10, True) <= moment < (11, 3, True) else "-0500"


def _stamp(day: date, seconds: int) -> str:
    """``2019-05-14 19:05:29 -0400``, ``seconds`` of real time after midnight of ``day``."""
    base = _offset(day, 0)
    moment = day + timedelta(days=seconds // 86_400)
    offset = _offset(moment, seconds % 86_400)
    seconds += (int(offset[:3]) - int(base[:3])) * 3600  # the clock jumps at a change of offset
    moment = day + timedelta(days=seconds // 86_400)
    return f"{moment.isoformat()} {HMS[seconds % 86_400]} {offset}"


def _quantity(source: tuple, kind: str, unit: str, seconds: list[int], values: list) -> list[str]:
    """Quantity records in Apple's attribute order (times are seconds after ``DAY[0]``)."""
    name, version, device = source
    prefix = (
        f' <Record type="HKQuantityTypeIdentifier{kind}" sourceName="{name}" '
        f'sourceVersion="{version}"' + (f' device="{device}"' if device else "") + f' unit="{unit}"'
    )
    day = DAY[0]
    return [
        f'{prefix} creationDate="{_stamp(day, s + 60)}" startDate="{_stamp(day, s)}" '
        f'endDate="{_stamp(day, s + 45)}" value="{v}"/>\n'
        for s, v in zip(seconds, values, strict=True)
    ]


DAY = [FIRST_DAY]  # the day being written, shared by the helpers below


def _times(rng: np.random.Generator, n: int) -> list[int]:
    """Sorted start times in seconds; before 22:50 so a spring-forward day keeps them that day."""
    return np.sort(rng.integers(0, LAST_START_S, n)).tolist()


def _heart_rate(rng: np.random.Generator, expected: dict) -> list[str]:
    lines = _quantity(WATCH, "HeartRate", "count/min", _times(rng, 450), _ints(rng, 52, 150, 450))
    for i in range(0, len(lines), 3):  # a third carry a motion-context metadata child
        lines[i] = (
            lines[i][:-3] + '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
            'value="0"/>\n </Record>\n'
        )
    return lines


def _ints(rng: np.random.Generator, low: int, high: int, n: int) -> list[str]:
    return rng.integers(low, high, n).astype(str).tolist()


def _steps(rng: np.random.Generator, expected: dict) -> list[str]:
    lines, totals = [], []
    worn = rng.random() > 0.05  # some days the watch stays on the charger: the phone counts more
    for source, n in ((WATCH, 130 if worn else 10), (PHONE, 90)):
        steps = rng.integers(5, 120, n)
        totals.append(int(steps.sum()))
        lines += _quantity(source, "StepCount", "count", _times(rng, n), steps.astype(str).tolist())
    expected["steps"] = max(totals)  # the larger source's total, never the sum
    return lines


def _distance(rng: np.random.Generator, expected: dict) -> list[str]:
    lines = []
    for source, n in ((WATCH, 130), (PHONE, 90)):
        km = np.round(rng.uniform(0.004, 0.09, n), 5).astype(str).tolist()
        lines += _quantity(source, "DistanceWalkingRunning", "km", _times(rng, n), km)
    return lines


def _basal(rng: np.random.Generator, expected: dict) -> list[str]:
    kcal = np.round(rng.normal(1.1, 0.1, 300), 3).astype(str).tolist()
    return _quantity(WATCH, "BasalEnergyBurned", "kcal", _times(rng, 300), kcal)


def _active(rng: np.random.Generator, expected: dict) -> list[str]:
    kcal = np.round(rng.gamma(1.2, 0.9, 420), 3)
    expected["active_energy"] = float(kcal.sum())
    return _quantity(
        WATCH, "ActiveEnergyBurned", "kcal", _times(rng, 420), kcal.astype(str).tolist()
    )


def _stand(rng: np.random.Generator, expected: dict) -> list[str]:
    return _quantity(WATCH, "AppleStandTime", "min", _times(rng, 40), ["1"] * 40)


def _audio(rng: np.random.Generator, expected: dict) -> list[str]:
    db = np.round(rng.normal(62, 6, 40), 2).astype(str).tolist()
    return _quantity(WATCH, "EnvironmentalAudioExposure", "dBASPL", _times(rng, 40), db)


def _resting(rng: np.random.Generator, expected: dict) -> list[str]:
    return _quantity(WATCH, "RestingHeartRate", "count/min", _times(rng, 1), _ints(rng, 48, 62, 1))


def _vo2(rng: np.random.Generator, expected: dict) -> list[str]:
    if DAY[0].toordinal() % 3:
        return []
    return _quantity(WATCH, "VO2Max", "mL/min·kg", _times(rng, 1), [f"{rng.normal(44, 1):.2f}"])


def _body_fat(rng: np.random.Generator, expected: dict) -> list[str]:
    if DAY[0].toordinal() % 7:
        return []
    return _quantity(
        SCALE, "BodyFatPercentage", "%", _times(rng, 1), [f"{rng.normal(0.18, 0.01):.4f}"]
    )


def _hrv(rng: np.random.Generator, expected: dict) -> list[str]:
    out = []
    for s in _times(rng, 6):
        record = _quantity(
            WATCH, "HeartRateVariabilitySDNN", "ms", [s], [f"{rng.normal(45, 8):.3f}"]
        )
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{b}" time="{HMS[s][:5]}:{k:02d}.{k:02d} PM"/>\n'
            for k, b in enumerate(rng.integers(55, 75, 60).tolist())
        )
        out.append(
            record[0][:-3]
            + ">\n  <HeartRateVariabilityMetadataList>\n"
            + beats
            + "  </HeartRateVariabilityMetadataList>\n </Record>\n"
        )
    return out


def _walking_hr(rng: np.random.Generator, expected: dict) -> list[str]:
    return _quantity(
        WATCH, "WalkingHeartRateAverage", "count/min", _times(rng, 1), _ints(rng, 88, 110, 1)
    )


def _body_mass(rng: np.random.Generator, expected: dict) -> list[str]:
    if DAY[0].toordinal() % 7:
        return []
    return _quantity(SCALE, "BodyMass", "lb", _times(rng, 1), [f"{rng.normal(165, 3):.1f}"])


def _daylight(rng: np.random.Generator, expected: dict) -> list[str]:
    return _quantity(WATCH, "TimeInDaylight", "min", _times(rng, 6), _ints(rng, 1, 25, 6))


def _water(rng: np.random.Generator, expected: dict) -> list[str]:
    glasses = (250 * rng.integers(1, 3, 5)).astype(str).tolist()
    return _quantity(WATER_APP, "DietaryWater", "mL", _times(rng, 5), glasses)


def _caffeine(rng: np.random.Generator, expected: dict) -> list[str]:
    return _quantity(WATER_APP, "DietaryCaffeine", "mg", _times(rng, 2), ["95", "63"])


def _drinks(rng: np.random.Generator, expected: dict) -> list[str]:
    n = int(rng.integers(0, 3))
    return _quantity(PHONE, "NumberOfAlcoholicBeverages", "count", _times(rng, n), ["1"] * n)


def _respiratory(rng: np.random.Generator, expected: dict) -> list[str]:
    """Readings every few minutes of the night ending this morning, before and after midnight."""
    night = DAY[0] - timedelta(days=1)
    seconds = np.sort(rng.integers(23 * 3600, 30 * 3600, 40)).tolist()
    rates = (np.round(2 * rng.normal(15, 1, 40)) / 2).astype(str).tolist()
    name, version, device = WATCH
    return [
        f' <Record type="HKQuantityTypeIdentifierRespiratoryRate" sourceName="{name}" '
        f'sourceVersion="{version}" device="{device}" unit="count/min" '
        f'creationDate="{_stamp(night, s + 60)}" startDate="{_stamp(night, s)}" '
        f'endDate="{_stamp(night, s + 120)}" value="{v}"/>\n'
        for s, v in zip(seconds, rates, strict=True)
    ]


def _mindful(rng: np.random.Generator, expected: dict) -> list[str]:
    if DAY[0].toordinal() % 2:
        return []
    start = int(rng.integers(6 * 3600, 8 * 3600))
    name, version, device = WATCH
    return [
        f' <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="{name}" '
        f'sourceVersion="{version}" device="{device}" creationDate="{_stamp(DAY[0], start + 600)}" '
        f'startDate="{_stamp(DAY[0], start)}" endDate="{_stamp(DAY[0], start + 600)}" '
        'value="HKCategoryValueNotApplicable"/>\n'
    ]


def _sleep(rng: np.random.Generator, expected: dict) -> list[str]:
    """The night ending this morning: watch stages, the phone's in-bed span, sometimes an app."""
    night = DAY[0] - timedelta(days=1)
    start = t = 23 * 3600 + int(rng.integers(0, 3000))
    lines = []
    stages = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake")
    while t < start + 7.5 * 3600:
        length = int(rng.integers(600, 2400))
        lines.append(_sleep_record(WATCH, stages[len(lines) % len(stages)], t, t + length, night))
        t += length
    lines.append(_sleep_record(PHONE, "InBed", start - 900, t + 600, night))
    if DAY[0].toordinal() % 2:
        lines.append(_sleep_record(SLEEP_APP, "Asleep", start + 300, t - 300, night))
    return lines


def _sleep_record(source: tuple, value: str, start: int, end: int, night: date) -> str:
    name, version, device = source
    dev = f' device="{device}"' if device else ""
    return (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{name}" '
        f'sourceVersion="{version}"{dev} creationDate="{_stamp(night, end)}" '
        f'startDate="{_stamp(night, start)}" endDate="{_stamp(night, end)}" '
        f'value="HKCategoryValueSleepAnalysis{value}">\n'
        '  <MetadataEntry key="HKTimeZone" value="America/New_York"/>\n </Record>\n'
    )


def _workout(rng: np.random.Generator, expected: dict) -> list[str]:
    """Most days a run from the watch (iOS 16 statistics); some also uploaded again by an app."""
    if rng.random() >= 0.6:
        return []
    day = DAY[0]
    start = int(rng.integers(6 * 3600, 19 * 3600))
    minutes = float(np.round(rng.uniform(20, 70), 4))
    end = start + int(minutes * 60)
    kcal = minutes * 9.5
    span = f'startDate="{_stamp(day, start)}" endDate="{_stamp(day, end)}"'
    name, version, device = WATCH
    lines = [
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{minutes}" '
        f'durationUnit="min" sourceName="{name}" sourceVersion="{version}" device="{device}" '
        f'creationDate="{_stamp(day, end)}" {span}>\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        '  <MetadataEntry key="HKWeatherHumidity" value="6800 %"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{_stamp(day, start)}" '
        'duration="10" durationUnit="min"/>\n'
        '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
        f'{span} sum="{kcal:.3f}" unit="kcal"/>\n'
        f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" {span} '
        'average="142" minimum="98" maximum="171" unit="count/min"/>\n'
        f'  <WorkoutRoute sourceName="{name}" sourceVersion="{version}" '
        f'creationDate="{_stamp(day, end)}" {span}>\n'
        '   <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>\n'
        f'   <FileReference path="/workout-routes/route_{day.isoformat()}.gpx"/>\n'
        "  </WorkoutRoute>\n </Workout>\n"
    ]
    if rng.random() < 0.2:
        sname, sversion, _ = STRAVA
        lines.append(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" '
            f'duration="{minutes - 1}" durationUnit="min" totalEnergyBurned="{kcal:.1f}" '
            f'totalEnergyBurnedUnit="kcal" sourceName="{sname}" sourceVersion="{sversion}" '
            f'creationDate="{_stamp(day, end)}" startDate="{_stamp(day, start + 30)}" '
            f'endDate="{_stamp(day, end - 30)}"/>\n'
        )
    return lines


#: Record types in the order the export lists them: each type's records together, oldest first,
#: then the workouts.
STREAMS = (
    _heart_rate, _steps, _distance, _basal, _active, _stand, _audio, _resting, _vo2, _body_fat,
    _hrv, _walking_hr, _body_mass, _daylight, _water, _caffeine, _drinks, _respiratory, _sleep,
    _mindful, _workout,
)  # fmt: skip
STRAY_CONTROL = (
    ' <Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="Wa\x0bter" unit="mL" '
    'creationDate="2019-01-02 10:00:00 -0500" startDate="2019-01-02 10:00:00 -0500" '
    'endDate="2019-01-02 10:00:00 -0500" value="250"/>\n'
)


def _day_bytes(seed: int) -> float:
    """Average bytes one day adds (from a sample week)."""
    rng = np.random.default_rng(seed)
    total = 0
    for offset in range(7):
        DAY[0] = FIRST_DAY + timedelta(days=offset)
        total += sum(len(line.encode()) for stream in STREAMS for line in stream(rng, {}))
    return total / 7


def generate(path: Path, size_mb: float, seed: int) -> dict:
    """Write ``export.zip`` of about ``size_mb`` MB of XML; return the expected daily values."""
    n_days = max(1, round(size_mb * 2**20 / _day_bytes(seed)))
    days = [FIRST_DAY + timedelta(days=i) for i in range(n_days)]
    expected: dict[str, dict] = {day.isoformat(): {} for day in days}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open(MEMBER, "w", force_zip64=True) as member:
            member.write(DTD.encode())
            member.write(STRAY_CONTROL.encode())  # a stray vertical tab, as reported
            for number, stream in enumerate(STREAMS):
                rng = np.random.default_rng([seed, number])
                for block in range(0, n_days, WRITE_BLOCK_DAYS):
                    lines: list[str] = []
                    for day in days[block : block + WRITE_BLOCK_DAYS]:
                        DAY[0] = day
                        lines += stream(rng, expected[day.isoformat()])
                    member.write("".join(lines).encode())
            member.write(b"</HealthData>\n")
        archive.writestr(
            "apple_health_export/export_cda.xml",
            '<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"/>\n',
        )
        archive.writestr("apple_health_export/workout-routes/route_2019-01-01.gpx", "<gpx/>\n")
    return expected


CHILD_BASELINE = "import pga_core.data.readers.apple_health, pandas"
CHILD_DECOMPRESS = """
import sys, time, zipfile
wall, cpu = time.perf_counter(), time.process_time()
with zipfile.ZipFile(sys.argv[1]) as archive, archive.open(sys.argv[2]) as member:
    n = 0
    while chunk := member.read(8 * 2**20):
        n += len(chunk)
print(time.perf_counter() - wall, time.process_time() - cpu, n)
"""
CHILD_READER = """
import json, sys, time
from pga_core.data.readers import apple_health
from pga_core.data.readers import collect_files
wall, cpu = time.perf_counter(), time.process_time()
files = [f for f in collect_files([sys.argv[1]]) if apple_health.claims(f, f.head())]
daily = apple_health.read(files)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
table = daily.table
print(json.dumps({"wall": wall, "cpu": cpu, "days": len(table), "columns": list(table.columns),
    **{name: {d.strftime("%Y-%m-%d"): v for d, v in table[name].dropna().items()}
       for name in ("steps", "active_energy")},
    "warnings": daily.warnings}))
"""


def _child(code: str, *args: str) -> tuple[str, float]:
    """Run ``code`` in a fresh interpreter; its stdout and the peak resident memory in MB.

    ``RUSAGE_CHILDREN`` holds the largest peak of all children waited for so far, so children
    are run in order of increasing memory (baseline, decompression, reader).
    """
    root = str(Path(__file__).resolve().parents[1])
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=root
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result.stdout, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024, help="size of export.xml in MB")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write the zip here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "export.zip"
        t0 = time.perf_counter()
        expected = generate(path, args.size_mb, args.seed)
        print(
            f"generated {path.name}: {len(expected):,} days, "
            f"{path.stat().st_size / 2**20:,.0f} MB zipped, in {time.perf_counter() - t0:.0f} s"
        )
        _, baseline_mb = _child(CHILD_BASELINE)
        floor_wall, floor_cpu, n_bytes = (
            float(x) for x in _child(CHILD_DECOMPRESS, str(path), MEMBER)[0].split()
        )
        out, peak_mb = _child(CHILD_READER, str(path))
        result = json.loads(out)
    print(f"export.xml: {n_bytes / 2**20:,.0f} MB            wall s    cpu s")
    print(f"decompress + read all bytes       {floor_wall:8.2f} {floor_cpu:8.2f}")
    print(f"pga_core apple_health.read        {result['wall']:8.2f} {result['cpu']:8.2f}")
    print(
        f"ratio                             {result['wall'] / floor_wall:8.2f} "
        f"{result['cpu'] / floor_cpu:8.2f}   (target <= {TARGET_RATIO:g}x)"
    )
    print(
        f"reader peak memory (RSS): {peak_mb:.0f} MB (target <= {TARGET_PEAK_MB:g} MB; "
        f"Python with pandas and the reader imported: {baseline_mb:.0f} MB)"
    )
    _check(result, expected)


def _check(result: dict, expected: dict) -> None:
    """Compare the daily steps and active energy with what the generator wrote."""
    steps = result["steps"]
    energy = result["active_energy"]
    bad_steps = [d for d, e in expected.items() if steps.get(d) != e["steps"]]
    bad_energy = [
        d for d, e in expected.items() if abs(energy.get(d, -1.0) - e["active_energy"]) > 1e-6
    ]
    print(
        f"days: {result['days']:,} read / {len(expected):,} written; steps wrong on "
        f"{len(bad_steps)} day(s), active energy wrong on {len(bad_energy)} day(s)"
    )
    print(f"columns: {', '.join(result['columns'])}")
    for warning in result["warnings"]:
        print(f"  note: {warning}")


if __name__ == "__main__":
    main()
