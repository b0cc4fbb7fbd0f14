"""Apple Health reader: ``export.zip`` (or a bare ``export.xml``) → DailyData.

Reading
-------
``export.xml`` is read straight from the zip as a stream of bytes, a few megabytes at a time, and
scanned for the few elements we need (``Record`` start tags of the types below, ``Workout`` blocks)
instead of being parsed into a tree: memory stays flat however large the export (real ones reach
several GB), the internal DTD — broken in export version 12 by an unclosed ``ATTLIST`` — is never
parsed, and stray control characters such as ``\\x0b`` do no harm. Elements split across chunk
boundaries are carried over to the next chunk. ``Record`` elements inside a ``Correlation`` repeat
top-level records (the export's DTD says so) and are skipped. A file that ends before
``</HealthData>`` is cut off: reading it raises a ``ValueError`` naming the byte, line and the last
date seen.

Which day a value describes
---------------------------
Dates look like ``2019-05-14 19:05:29 -0400``: local time with its own offset. A value belongs to
the local calendar date written in its own date string, without conversion:

- steps, active energy, resting heart rate, HRV (SDNN), VO₂ max, body fat: the date of ``startDate``
  (records are short; one spanning midnight counts on the day it started);
- workouts: the date of the workout's ``startDate``;
- time asleep: the date of the sleep session's last ``endDate`` — the wake-up morning, so a night
  that starts before midnight belongs to the next day.

Several sources on one day
--------------------------
The watch, the phone and apps often record the same thing; their values are never added together.

- Sums (steps, active energy): each source's readings are summed per day, and each day keeps the
  source with the largest daily total.
- Means and last values (resting HR and HRV: mean of the day's readings; VO₂ max and body fat: the
  latest reading of the day): each day keeps one source, the first available in the order of most
  days with readings (a stable primary source, others only fill its gaps).
- Sleep: per source, ``Asleep…`` intervals (``InBed`` and ``Awake`` are not sleep) are merged where
  they overlap and grouped into sessions separated by less than ``SLEEP_SESSION_GAP_H`` hours
  awake; a source's night is its longest session ending on that date (naps are not added). Each
  night keeps one source: the one with the most nights overall, unless it recorded less than
  ``SLEEP_SOURCE_MIN_SHARE`` of another source's night (it was off the wrist), then the next.
- Workouts: a workout overlapping another (from any source) for more than half of the shorter one is
  the same session recorded twice; the longer is kept. From the first workout day on, a day with
  other Apple Health data but no workout has 0 workouts; earlier days and days without any data are
  missing.

Implausible records
-------------------
A value outside its variable's plausible range (steps of 1e15 or −50,000, a resting heart rate
of −400), an asleep interval or workout longer than a day or ending before it starts, and a
record dated before 2000 or after the export's ``ExportDate`` are left out; each is noted with
the line it is on.

Which sources were used, and on how many days, is reported in ``DailyData.warnings``.
"""

from __future__ import annotations

import html
import math
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

import pandas as pd

from pga_core.data._daily import DailyData, Variable, merge_daily
from pga_core.data.readers._files import ExportFile
from pga_core.data.readers._plausible import ValueNotes, date_window, implausible, range_of

__all__ = ["FORMAT", "VARIABLES", "claims", "read", "read_export"]

FORMAT = "apple_health"

#: How much of the decompressed export is scanned at a time.
CHUNK_BYTES = 8 * 2**20
#: A single element (a Workout with its events, a Correlation) longer than this means damage.
MAX_ELEMENT_BYTES = 64 * 2**20
#: The ``<HealthData>`` root must start within this many bytes (after the DTD).
ROOT_SEARCH_BYTES = 4 * 2**20
#: Asleep intervals of one source separated by less than this many hours form one session.
SLEEP_SESSION_GAP_H = 2.0
#: A source's night shorter than this share of another source's night that date is not used.
SLEEP_SOURCE_MIN_SHARE = 0.5
#: Two workouts overlapping for more than this share of the shorter are one workout.
WORKOUT_SAME_OVERLAP = 0.5
KJ_PER_KCAL = 4.184
_SECONDS_PER_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class _QuantityType:
    """How one HealthKit quantity type becomes a daily variable."""

    variable: Variable
    units: dict[bytes, float]  # accepted unit → factor to the variable's unit

    @property
    def name(self) -> str:
        return self.variable.name


def _variable(name: str, label: str, unit: str, aggregation: str, **kwargs: object) -> Variable:
    return Variable(
        name,
        label,
        unit,
        source=FORMAT,
        aggregation=aggregation,
        **kwargs,  # type: ignore[arg-type]
    )


_KCAL_UNITS = {b"kcal": 1.0, b"Cal": 1.0, b"kJ": 1.0 / KJ_PER_KCAL}
_QUANTITIES: dict[bytes, _QuantityType] = {
    b"HKQuantityTypeIdentifierStepCount": _QuantityType(
        _variable("steps", "Steps", "steps", "sum", kind="habit", higher_is_better=True),
        {b"count": 1.0},
    ),
    b"HKQuantityTypeIdentifierActiveEnergyBurned": _QuantityType(
        _variable("active_energy", "Active energy", "kcal", "sum"), _KCAL_UNITS
    ),
    b"HKQuantityTypeIdentifierRestingHeartRate": _QuantityType(
        _variable("resting_hr", "Resting heart rate", "bpm", "mean", higher_is_better=False),
        {b"count/min": 1.0},
    ),
    b"HKQuantityTypeIdentifierHeartRateVariabilitySDNN": _QuantityType(
        _variable("hrv_sdnn", "Heart rate variability (SDNN)", "ms", "mean", higher_is_better=True),
        {b"ms": 1.0},
    ),
    b"HKQuantityTypeIdentifierVO2Max": _QuantityType(
        _variable("vo2_max", "VO₂ max", "mL/kg/min", "last", higher_is_better=True),
        {"mL/min·kg".encode(): 1.0, b"mL/kg/min": 1.0, "mL/kg·min".encode(): 1.0},
    ),
    b"HKQuantityTypeIdentifierBodyFatPercentage": _QuantityType(
        _variable("body_fat_pct", "Body fat", "%", "last", higher_is_better=False),
        {b"%": 100.0},  # stored as a fraction: 0.18 means 18 %
    ),
}
_SLEEP_TYPE = b"HKCategoryTypeIdentifierSleepAnalysis"
_ASLEEP_PREFIX = b"HKCategoryValueSleepAnalysisAsleep"
_ENERGY_STATISTIC = b"HKQuantityTypeIdentifierActiveEnergyBurned"
_DURATION_UNITS = {b"min": 1.0, b"s": 1.0 / 60, b"sec": 1.0 / 60, b"hr": 60.0, b"h": 60.0}
#: Each quantity's plausible range in its variable's unit (checked on every record).
_BOUNDS = {q.name: (range_of(q.name).low, range_of(q.name).high) for q in _QUANTITIES.values()}
#: Record type → what the inline path of the scan needs, in one look-up. Body fat is left out:
#: its unit depends on the value (a fraction or a percentage), so add_quantity reads it.
_FAST = {
    t: (q, q.name, q.units, *_BOUNDS[q.name])
    for t, q in _QUANTITIES.items()
    if q.name != "body_fat_pct"
}
_DAY = re.compile(rb"\d{4}-\d\d-\d\d")
_TYPE_NAMES = {q.name: t.decode("ascii") for t, q in _QUANTITIES.items()}


def _type_name(quantity: _QuantityType) -> str:
    """The record type as the file writes it (``HKQuantityTypeIdentifierStepCount``)."""
    return _TYPE_NAMES[quantity.name]


def _window_bytes(window: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[bytes, bytes]:
    """A date window as ``b"YYYY-MM-DD"`` bounds, comparable with a record's date bytes."""
    first, last = window
    return first.strftime("%Y-%m-%d").encode(), last.strftime("%Y-%m-%d").encode()


SLEEP_VARIABLE = _variable("asleep_min", "Time asleep", "min", "sum", higher_is_better=True)
WORKOUT_VARIABLES = (
    _variable("workout_min", "Workout time", "min", "sum", kind="habit", higher_is_better=True),
    _variable("workout_count", "Workouts", "workouts", "sum", kind="habit"),
    _variable("workout_energy", "Workout energy", "kcal", "sum"),
)

#: Every daily variable this reader can produce, by name.
VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (*(q.variable for q in _QUANTITIES.values()), SLEEP_VARIABLE, *WORKOUT_VARIABLES)
}

# A start tag's attributes: runs of non-quote text and quoted values, so a ``>`` inside a value
# does not end the tag. One branch per character keeps backtracking linear.
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""


def _record_pattern() -> re.Pattern[bytes]:
    """One pass over the bytes finds every Record worth a look.

    Apple writes ``<Record type="…" sourceName="…" sourceVersion="…" device="…" unit="…"
    creationDate="…" startDate="…" endDate="…" value="…">``. For the wanted types in exactly that
    layout the groups hold type, sourceName, unit, startDate, endDate and value; a wanted type in
    another layout leaves its attributes in group 7; a Record whose ``type`` does not come first
    leaves them in group 8. Records of other types never leave the regex engine.
    """
    quantity = b"|".join(
        re.escape(t.removeprefix(b"HKQuantityTypeIdentifier")) for t in _QUANTITIES
    )
    wanted = (
        rb"HK(?:QuantityTypeIdentifier(?:"
        + quantity
        + rb")|"
        + re.escape(_SLEEP_TYPE.removeprefix(b"HK"))
        + rb")"
    )
    apple_layout = (
        rb' sourceName="([^"]*)"(?: sourceVersion="[^"]*")?(?: device="[^"]*")?'
        rb'(?: unit="([^"]*)")?(?: creationDate="[^"]*")? startDate="([^"]*)" endDate="([^"]*)"'
        rb'(?: value="([^"]*)")?\s*/?>'
    )
    return re.compile(
        rb'<Record(?: type="(' + wanted + rb')"(?:' + apple_layout + rb"|" + _ATTRS + rb">)"
        rb'|\s+(?!type=")' + _ATTRS + rb">)"
    )


_RECORD = _record_pattern()
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BLOCK_START = re.compile(rb"<(Workout|Correlation)[\s>/]")
_BLOCK_TAG = re.compile(rb"<(?:Workout|Correlation)" + _ATTRS + rb">")
_STATISTICS = re.compile(rb"<WorkoutStatistics\s" + _ATTRS + rb">")
_ACTIVITY_SPAN = re.compile(rb"<WorkoutActivity[\s>].*?</WorkoutActivity>", re.DOTALL)
_EXPORT_DATE = re.compile(rb'<ExportDate\s+value="([^"]*)"')
_TIMESTAMP = re.compile(rb"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d) ?([+-])(\d\d):?(\d\d)")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is an Apple Health ``export.xml`` (whatever its localised name).

    The root element ``<HealthData>`` (or its DOCTYPE) must appear in ``head``; the clinical
    ``export_cda.xml``, workout routes and other members of the zip do not have it.
    """
    if not file.basename.lower().endswith(".xml"):
        return False
    return b"<HealthData" in head or b"<!DOCTYPE HealthData" in head


def read(files: list[ExportFile]) -> DailyData:
    """Read every Apple Health ``export.xml`` in ``files`` into one daily table.

    Parameters
    ----------
    files : the claimed ``export.xml`` files (zip members or bare files).

    Returns
    -------
    DailyData
        Columns among ``steps, active_energy, resting_hr, hrv_sdnn, vo2_max, body_fat_pct,
        asleep_min, workout_min, workout_count, workout_energy``. Where several exports cover the
        same day, the most recent export (by its ``ExportDate``) wins and disagreements are
        reported.

    Raises
    ------
    ValueError
        A file that is not an Apple Health export, is cut off, or cannot be decompressed.
    """
    parts = [_read_file(file, CHUNK_BYTES) for file in files]
    parts.sort(key=lambda part: part[0], reverse=True)
    return merge_daily([daily for _, daily in parts])


def read_export(file: ExportFile, *, chunk_bytes: int = CHUNK_BYTES) -> DailyData:
    """Read one ``export.xml``, scanning ``chunk_bytes`` of decompressed bytes at a time.

    Parameters
    ----------
    file : an Apple Health ``export.xml`` (a zip member or a bare file).
    chunk_bytes : size of each piece read from the stream; memory use is a small multiple of it.

    Returns
    -------
    DailyData
        See :func:`read`; the same table for any ``chunk_bytes``.
    """
    return _read_file(file, chunk_bytes)[1]


def _read_file(file: ExportFile, chunk_bytes: int) -> tuple[str, DailyData]:
    """The file's export date (for ordering exports) and its daily table."""
    if chunk_bytes < 1:
        raise ValueError(f"chunk_bytes must be a positive number of bytes, got {chunk_bytes}")
    tally = _Tally(file.name)
    _scan(file, chunk_bytes, tally)
    return tally.export_date, tally.to_daily()


# --------------------------------------------------------------------------------------------
# Scanning


@dataclass
class _Tally:
    """Running per-day aggregates of one export; its size grows with days, not with records."""

    file_name: str
    export_date: str = ""
    # (variable, source, b"YYYY-MM-DD") → [sum, count, latest startDate, value at latest]
    daily: dict[tuple[str, bytes, bytes], list] = field(default_factory=dict)
    # (source, start epoch s, end epoch s, wake date) of each asleep interval
    sleep: list[tuple[bytes, float, float, str]] = field(default_factory=list)
    # (source, start epoch s, end epoch s, start date, minutes, kcal or NaN)
    workouts: list[tuple[bytes, float, float, str, float, float]] = field(default_factory=list)
    records: Counter = field(default_factory=Counter)  # sleep and workout records kept
    skipped: Counter = field(default_factory=Counter)  # (variable, reason) → records
    percent_body_fat: int = 0
    last_day: str = ""  # start date of the last record read, for messages about damage
    #: What was left out as implausible; findings wait in ``pending`` for their line numbers.
    notes: ValueNotes = field(default_factory=ValueNotes)
    #: First and last plausible day as ``b"YYYY-MM-DD"`` (the last is the export date, once read).
    window: tuple[bytes, bytes] = field(default_factory=lambda: _window_bytes(date_window()))
    #: Where the record being read is: the id of its tuple among the region's records, or a
    #: byte offset.
    position: tuple[str, int] = ("record", 0)
    pending: list[tuple[tuple[str, int], dict]] = field(default_factory=list)
    lines_before: int = 0  # line ends before the chunk being scanned

    def set_export_date(self, export_date: str) -> None:
        """Records dated after the export's own date are left out from now on."""
        self.export_date = export_date
        self.window = _window_bytes(date_window(export_date))

    def flag(self, **finding: object) -> None:
        """Note the record being read as left out (see :meth:`ValueNotes.add`), line to follow."""
        self.pending.append((self.position, finding))

    def in_window(self, day: bytes, what: str) -> bool:
        """Whether a record's day is plausible; a record outside is flagged as left out."""
        first, last = self.window
        if first <= day <= last or not _DAY.match(day):
            return True
        after = f"after the export date {last.decode()}" if self.export_date else "after today"
        late = day > last
        self.flag(
            problem=f"dated {after}" if late else f"dated before {first.decode()}",
            values=[day.decode("ascii", "replace")],
            reason=f"a {what} record from the future" if late else "an Excel or Unix epoch date",
        )
        return False

    def in_range(self, name: str, number: float, column: str) -> bool:
        """Whether a value is plausible for ``name``; one outside is flagged as left out."""
        low, high = _BOUNDS.get(name) or (range_of(name).low, range_of(name).high)
        if low <= number <= high:
            return True
        problem, reason = implausible(name, number) or ("", "")
        self.flag(problem=problem, column=column, values=[number], reason=reason)
        return False

    def add_quantity(
        self, quantity: _QuantityType, source: bytes, unit: bytes, start: bytes, value: bytes
    ) -> None:
        """Add one quantity record to its (variable, source, day) aggregate."""
        name = quantity.name
        factor = quantity.units.get(unit)
        if factor is None:
            self.skipped[name, f"in unit {unit.decode('utf-8', 'replace')!r}"] += 1
            return
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if math.isnan(number) or len(start) < len(b"YYYY-MM-DD"):
            self.skipped[name, "without a number value and a startDate"] += 1
            return
        if name == "body_fat_pct" and number > 1.0:
            # A fraction above 1 is impossible: some apps write the percentage itself.
            self.percent_body_fat += 1
            factor = 1.0
        number *= factor
        key = (name, source, start[:10])
        acc = self.daily.get(key)
        if not self.in_range(name, number, _type_name(quantity)):
            return
        if acc is None:
            if self.in_window(start[:10], "measurement"):
                self.daily[key] = [number, 1, start, number]
            return
        acc[0] += number
        acc[1] += 1
        if start >= acc[2]:
            acc[2] = start
            acc[3] = number

    def add_sleep(self, source: bytes, start: bytes, end: bytes, value: bytes) -> None:
        """Keep an asleep interval (``InBed`` and ``Awake`` are not sleep)."""
        if not value.startswith(_ASLEEP_PREFIX):
            return
        start_s, end_s = _epoch(start), _epoch(end)
        if start_s is None or end_s is None:
            self.skipped["asleep_min", "without valid startDate and endDate"] += 1
            return
        minutes = (end_s - start_s) / 60
        if not self.in_range("asleep_min", minutes, "asleep interval (min)"):
            return
        if not self.in_window(end[:10], "sleep"):
            return
        self.records["asleep_min"] += 1
        self.sleep.append((source, start_s, end_s, end[:10].decode("ascii")))

    def add_record(self, record_type: bytes, attrs: dict[bytes, bytes]) -> None:
        """Add a record given as an attribute dictionary (any layout)."""
        quantity = _QUANTITIES.get(record_type)
        source, start = attrs.get(b"sourceName", b""), attrs.get(b"startDate", b"")
        if quantity is not None:
            unit, value = attrs.get(b"unit", b""), attrs.get(b"value", b"")
            self.add_quantity(quantity, source, unit, start, value)
        elif record_type == _SLEEP_TYPE:
            self.add_sleep(source, start, attrs.get(b"endDate", b""), attrs.get(b"value", b""))

    def add_workout(self, attrs: dict[bytes, bytes], body: bytes) -> None:
        """Keep a workout's interval, minutes and energy (iOS 16+ statistics or old attributes)."""
        start, end = _epoch(attrs.get(b"startDate", b"")), _epoch(attrs.get(b"endDate", b""))
        if start is None or end is None:
            self.skipped["workout_min", "without valid startDate and endDate"] += 1
            return
        minutes = (end - start) / 60
        if not self.in_range("workout_min", minutes, "Workout (min from start to end)"):
            return
        if not self.in_window(attrs[b"startDate"][:10], "workout"):
            return
        if b"duration" in attrs:
            factor = _DURATION_UNITS.get(attrs.get(b"durationUnit", b"min"))
            try:
                duration = float(attrs[b"duration"])
            except ValueError:
                duration = math.nan
            if factor is None or math.isnan(duration):
                self.skipped["workout_min", "with a duration that is not a number of min/s/hr"] += 1
            elif not self.in_range("workout_min", duration * factor, "Workout duration (min)"):
                return
            else:
                minutes = duration * factor
        self.records["workout_min"] += 1
        self.workouts.append(
            (
                attrs.get(b"sourceName", b""),
                start,
                end,
                attrs[b"startDate"][:10].decode("ascii"),
                minutes,
                self._workout_energy(attrs, body),
            )
        )

    def _workout_energy(self, attrs: dict[bytes, bytes], body: bytes) -> float:
        """Active energy of a workout in kcal from its statistics, else its old attribute."""
        body = _ACTIVITY_SPAN.sub(b"", body)  # per-activity statistics repeat the totals
        for match in _STATISTICS.finditer(body):
            stats = _attributes(match.group(1))
            if stats.get(b"type") == _ENERGY_STATISTIC and b"sum" in stats:
                return self._kcal(stats[b"sum"], stats.get(b"unit", b"kcal"))
        if b"totalEnergyBurned" in attrs:
            unit = attrs.get(b"totalEnergyBurnedUnit", b"kcal")
            return self._kcal(attrs[b"totalEnergyBurned"], unit)
        return math.nan

    def _kcal(self, value: bytes, unit: bytes) -> float:
        factor = _KCAL_UNITS.get(unit)
        if factor is None:
            self.skipped["workout_energy", f"in unit {unit.decode('utf-8', 'replace')!r}"] += 1
            return math.nan
        try:
            kcal = float(value) * factor
        except ValueError:
            self.skipped["workout_energy", "without a number value"] += 1
            return math.nan
        return kcal if self.in_range("workout_energy", kcal, "Workout energy (kcal)") else math.nan

    def resolve_lines(
        self, buf: bytes, start: int, stop: int, records: list[tuple[bytes, ...]]
    ) -> None:
        """Give the findings waiting in ``pending`` their line numbers and note them.

        A record is known by the identity of its tuple among ``records`` (what the scan's regex
        found in ``buf[start:stop]``); the same regex finds it again, only when something was
        flagged. A workout is known by its byte offset in ``buf``.
        """
        if not self.pending:
            return
        flagged = {key for (kind, key), _ in self.pending if kind == "record"}
        index = {id(r): i for i, r in enumerate(records) if id(r) in flagged} if flagged else {}
        offsets: dict[int, int] = {}
        if index:
            wanted = {i: key for key, i in index.items()}
            last = max(wanted)
            for i, match in enumerate(_RECORD.finditer(buf, start, stop)):
                if i in wanted:
                    offsets[wanted[i]] = match.start()
                if i >= last:
                    break
        located = sorted(
            ((offsets.get(i, start) if kind == "record" else i, finding)
             for (kind, i), finding in self.pending),
            key=lambda item: item[0],
        )  # fmt: skip
        line, counted = self.lines_before + 1, 0
        for offset, finding in located:
            line += buf.count(b"\n", counted, offset)
            counted = offset
            self.notes.add(self.file_name, [line], where="line", **finding)
        self.pending.clear()

    def to_daily(self) -> DailyData:
        """Resolve sources day by day into the daily table."""
        return _resolve(self)


def _scan(file: ExportFile, chunk_bytes: int, tally: _Tally) -> None:
    """Stream the file through the tally, chunk by chunk, carrying split elements over."""
    carry = b""
    consumed = 0  # bytes before ``carry``
    root_seen = False
    with file.open() as stream:
        while True:
            chunk = _read_chunk(stream, chunk_bytes, file.name, consumed + len(carry))
            at_end = not chunk
            buf = carry + chunk if carry else chunk
            start = 0
            if not root_seen:
                start = buf.find(b"<HealthData")
                if start < 0:
                    if at_end or len(buf) > ROOT_SEARCH_BYTES:
                        raise ValueError(
                            f"{file.name}: not an Apple Health export: no <HealthData> element "
                            f"in the first {len(buf):,} bytes"
                        )
                    carry = buf
                    continue
                root_seen = True
            # Tags hold no "<": every tag before the last "<" is complete.
            cut = len(buf) if at_end else max(buf.rfind(b"<"), start)
            if not tally.export_date and consumed < ROOT_SEARCH_BYTES:
                exported = _EXPORT_DATE.search(buf, start, cut)
                if exported:
                    tally.set_export_date(exported.group(1).decode("ascii", "replace"))
            cut = _scan_region(buf, start, cut, tally)
            tally.lines_before += buf.count(b"\n", 0, cut)
            consumed += cut
            carry = buf[cut:]
            if at_end:
                break
            if len(carry) > MAX_ELEMENT_BYTES:
                raise ValueError(
                    f"{file.name}: an element starting at byte {consumed:,} runs on for more than "
                    f"{MAX_ELEMENT_BYTES // 2**20} MB; the file is damaged"
                )
    if carry.strip() or not buf.rstrip().endswith(b"</HealthData>"):
        seen = f"; the last record read is dated {tally.last_day}" if tally.last_day else ""
        raise ValueError(
            f"{file.name}: the file is cut off at byte {consumed + len(carry):,}, before "
            f"</HealthData>{seen}; export it again from the Health app"
        )


def _read_chunk(stream: BinaryIO, size: int, name: str, offset: int) -> bytes:
    """The next piece of the stream; a damaged zip member becomes a ValueError."""
    try:
        return stream.read(size)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{name}: cannot decompress past byte {offset:,} ({error}); the zip is damaged or "
            "incomplete"
        ) from error


def _scan_region(buf: bytes, start: int, cut: int, tally: _Tally) -> int:
    """Tally the complete elements in ``buf[start:cut]``; return where the next chunk begins.

    The cut moves back to the start of a Workout or Correlation whose end is not in ``buf`` yet.
    Records inside a Correlation repeat top-level records and are left out.
    """
    record_from = start
    pos = start
    while (block := _BLOCK_START.search(buf, pos, cut)) is not None:
        tag = _BLOCK_TAG.match(buf, block.start())
        if tag is None:  # start tag not complete yet
            cut = block.start()
            break
        kind = block.group(1)
        if tag.group(1).endswith(b"/"):
            end = tag.end()
        else:
            close = buf.find(b"</" + kind + b">", tag.end())
            if close < 0:
                cut = block.start()
                break
            end = close + len(kind) + 3
        if kind == b"Workout":
            tally.position = ("offset", block.start())
            tally.add_workout(_attributes(tag.group(1)), buf[tag.end() : end])
        else:
            _scan_records(buf, record_from, block.start(), tally)
            record_from = end
        cut = max(cut, end)
        pos = end
    _scan_records(buf, record_from, cut, tally)
    return cut


def _scan_records(buf: bytes, start: int, stop: int, tally: _Tally) -> None:
    """Tally the wanted Record start tags in ``buf[start:stop]``."""
    daily = tally.daily
    day = b""
    records = _RECORD.findall(buf, start, stop)
    for record in records:
        record_type, source, unit, begin, end, value, odd_layout, type_later = record
        if type_later or odd_layout:
            attrs = _attributes(odd_layout or type_later)
            tally.position = ("record", id(record))
            tally.add_record(record_type or attrs.get(b"type", b""), attrs)
            day = attrs.get(b"startDate", day)
            continue
        day = begin
        fast = _FAST.get(record_type)
        if fast is None:  # sleep, or body fat
            tally.position = ("record", id(record))
            tally.add_record(
                record_type,
                {
                    b"sourceName": source,
                    b"unit": unit,
                    b"startDate": begin,
                    b"endDate": end,
                    b"value": value,
                },
            )
            continue
        # The common case inline (millions of records): a known unit, a plausible number, a day
        # already seen. Everything else goes through add_quantity, which handles all cases.
        quantity, name, units, low, high = fast
        factor = units.get(unit)
        acc = daily.get((name, source, begin[:10]))
        if factor is None or acc is None:
            tally.position = ("record", id(record))
            tally.add_quantity(quantity, source, unit, begin, value)
            continue
        try:
            number = float(value) * factor
        except ValueError:
            number = math.nan
        if not low <= number <= high:  # also NaN: add_quantity says what is wrong
            tally.position = ("record", id(record))
            tally.add_quantity(quantity, source, unit, begin, value)
            continue
        acc[0] += number
        acc[1] += 1
        if begin >= acc[2]:
            acc[2] = begin
            acc[3] = number
    if day:
        tally.last_day = day[:10].decode("ascii", "replace")
    tally.resolve_lines(buf, start, stop, records)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """Attribute name → raw value of a start tag's attribute text (entities left as written)."""
    return {name: dq if dq or not sq else sq for name, dq, sq in _ATTR.findall(text)}


def _epoch(stamp: bytes) -> float | None:
    """Seconds since 1970 (UTC) of ``2019-05-14 19:05:29 -0400``; None if it is not one."""
    match = _TIMESTAMP.match(stamp)
    if match is None:
        return None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    try:
        days = date(int(year), int(month), int(day)).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    offset = (int(off_h) * 3600 + int(off_m) * 60) * (-1 if sign == b"-" else 1)
    local = days * _SECONDS_PER_DAY + int(hour) * 3600 + int(minute) * 60 + int(second)
    return float(local - offset)


def _source_label(raw: bytes) -> str:
    """A source name as a person reads it: entities decoded, control characters dropped."""
    text = html.unescape(raw.decode("utf-8", "replace"))
    return _CONTROL_CHARS.sub("", text).strip() or "(unnamed source)"


# --------------------------------------------------------------------------------------------
# From per-source aggregates to one value per day


def _resolve(tally: _Tally) -> DailyData:
    """One value per day and variable from the per-source aggregates; notes on what was done."""
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    notes: list[str] = []
    quantities = _quantity_frame(tally, notes)
    for quantity in _QUANTITIES.values():
        rows = quantities[quantities["variable"] == quantity.name]
        if rows.empty:
            continue
        series, note = _pick_sources(rows, quantity.variable)
        columns[quantity.name] = series
        registry[quantity.name] = quantity.variable
        if note:
            notes.append(note)
    if tally.sleep:
        series, note = _sleep_nights(tally.sleep)
        columns[SLEEP_VARIABLE.name] = series
        registry[SLEEP_VARIABLE.name] = SLEEP_VARIABLE
        if note:
            notes.append(note)
    if tally.workouts:
        data_days = set().union(*(s.index for s in columns.values())) if columns else set()
        for variable, series in zip(
            WORKOUT_VARIABLES, _workout_days(tally, data_days), strict=True
        ):
            if series.notna().any():
                columns[variable.name] = series
                registry[variable.name] = variable
    notes.extend(_skip_notes(tally))
    counts = Counter(quantities.groupby("variable")["n"].sum().to_dict()) + tally.records
    notes.insert(0, _summary(tally.export_date, counts, registry))
    table = pd.DataFrame(columns) if columns else pd.DataFrame(index=pd.DatetimeIndex([]))
    table.index = pd.DatetimeIndex(table.index, name="date")
    warnings = [f"{tally.file_name}: {note}" for note in notes]
    return DailyData(table, registry, [*warnings, *tally.notes.lines()])


def _quantity_frame(tally: _Tally, notes: list[str]) -> pd.DataFrame:
    """Per-source daily aggregates as rows: variable, source, date, total, n, last."""
    keys = list(tally.daily)
    accs = list(tally.daily.values())
    frame = pd.DataFrame(
        {
            "variable": [k[0] for k in keys],
            "source": [_source_label(k[1]) for k in keys],
            "date": pd.to_datetime(
                [k[2].decode("ascii", "replace") for k in keys], format="%Y-%m-%d", errors="coerce"
            ),
            "total": [a[0] for a in accs],
            "n": [a[1] for a in accs],
            "latest": [a[2] for a in accs],
            "last": [a[3] for a in accs],
        }
    )
    bad = frame["date"].isna()
    if bad.any():
        notes.append(f"{int(frame.loc[bad, 'n'].sum()):,} records with an unreadable date skipped")
    # Sources whose names differ only by entities or control characters are one source.
    frame = frame[~bad].sort_values("latest")
    return frame.groupby(["variable", "source", "date"], as_index=False).agg(
        total=("total", "sum"), n=("n", "sum"), last=("last", "last")
    )


def _pick_sources(rows: pd.DataFrame, variable: Variable) -> tuple[pd.Series, str]:
    """One source per day: the largest total for sums, else the source with most days."""
    if variable.aggregation == "sum":
        best = rows.sort_values(["date", "total"], ascending=[True, False])
        rule = "each day keeps the source with the largest daily total"
    else:
        days_per_source = rows.groupby("source")["date"].count()
        rank = rows["source"].map(days_per_source.rank(ascending=False, method="first"))
        best = rows.assign(rank=rank).sort_values(["date", "rank"])
        rule = "each day keeps one source, preferring the one with the most days"
    best = best.drop_duplicates("date", keep="first")
    value_column = {"sum": "total", "last": "last"}.get(variable.aggregation)
    values = best[value_column] if value_column else best["total"] / best["n"]
    series = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(best["date"]), dtype=float)
    sources = rows["source"].unique()
    if len(sources) < 2:
        return series, ""
    used = best["source"].value_counts()
    counts = ", ".join(f"{name} on {used.get(name, 0)} day(s)" for name in sorted(sources))
    return (
        series,
        f"{variable.name}: {len(sources)} sources, never added together; {rule} ({counts})",
    )


def _sleep_nights(intervals: list[tuple[bytes, float, float, str]]) -> tuple[pd.Series, str]:
    """Minutes asleep per wake-up date from one source per night (see the module docstring)."""
    frame = pd.DataFrame(intervals, columns=["source", "start", "end", "wake_day"])
    frame["source"] = frame["source"].map(_source_label)
    nights = []
    for source, part in frame.groupby("source", sort=True):
        for wake_day, minutes in _sessions(part):
            nights.append((source, wake_day, minutes))
    by_night = pd.DataFrame(nights, columns=["source", "date", "minutes"])
    # A source's night: its longest session ending that day (naps are not added to it).
    by_night = by_night.sort_values("minutes", ascending=False).drop_duplicates(["source", "date"])
    nights_per_source = by_night.groupby("source")["date"].count()
    rank = by_night["source"].map(nights_per_source.rank(ascending=False, method="first"))
    longest = by_night.groupby("date")["minutes"].transform("max")
    eligible = by_night[by_night["minutes"] >= SLEEP_SOURCE_MIN_SHARE * longest]
    best = eligible.assign(rank=rank).sort_values(["date", "rank"]).drop_duplicates("date")
    index = pd.DatetimeIndex(pd.to_datetime(best["date"], format="%Y-%m-%d"))
    series = pd.Series(best["minutes"].to_numpy(), index=index, dtype=float).sort_index()
    if len(nights_per_source) < 2:
        return series, ""
    used = best["source"].value_counts()
    counts = ", ".join(f"{n} on {used.get(n, 0)} night(s)" for n in sorted(nights_per_source.index))
    return series, (
        f"asleep_min: {len(nights_per_source)} sources, never added together; each night keeps "
        "one source, preferring the one with the most nights unless it recorded less than "
        f"{SLEEP_SOURCE_MIN_SHARE:.0%} of another's night ({counts})"
    )


def _sessions(part: pd.DataFrame) -> list[tuple[str, float]]:
    """(wake-up date, minutes asleep) of each session in one source's asleep intervals."""
    part = part.sort_values(["start", "end"])
    rows = zip(part["start"], part["end"], part["wake_day"], strict=True)
    merged_start, merged_end, wake_day = next(rows)
    sessions: list[tuple[str, float]] = []
    gap_s = SLEEP_SESSION_GAP_H * 3600
    asleep = 0.0
    for start, end, day in rows:
        if start > merged_end:  # the merged interval is complete
            asleep += merged_end - merged_start
            if start - merged_end >= gap_s:
                sessions.append((wake_day, asleep / 60))
                asleep = 0.0
            merged_start, merged_end, wake_day = start, end, day
        elif end > merged_end:
            merged_end, wake_day = end, day
    asleep += merged_end - merged_start
    sessions.append((wake_day, asleep / 60))
    return sessions


def _workout_days(tally: _Tally, data_days: set) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Daily workout minutes, count and energy after removing the same workout recorded twice."""
    kept = _distinct_workouts(tally.workouts)
    frame = pd.DataFrame(
        [(w[3], w[4], w[5]) for w in kept], columns=["date", "minutes", "energy"]
    ).assign(date=lambda f: pd.to_datetime(f["date"], format="%Y-%m-%d"))
    daily = frame.groupby("date").agg(
        minutes=("minutes", "sum"), count=("minutes", "size"), energy=("energy", "sum")
    )
    daily["energy"] = daily["energy"].where(frame.groupby("date")["energy"].count() > 0)
    first = daily.index.min()
    zero_days = pd.DatetimeIndex(sorted(d for d in data_days if d >= first)).difference(daily.index)
    zeros = pd.DataFrame(0.0, index=zero_days, columns=daily.columns)
    zeros["energy"] = math.nan  # no workout: its energy is not a measurement
    daily = pd.concat([daily, zeros]).sort_index()
    return daily["minutes"], daily["count"].astype(float), daily["energy"]


def _distinct_workouts(workouts: list) -> list:
    """Workouts without duplicates: overlapping more than half of the shorter → keep the longer."""
    kept: list = []
    active: list[int] = []  # indexes into kept of workouts that may still overlap
    for workout in sorted(workouts, key=lambda w: (w[1], w[2])):
        start, end = workout[1], workout[2]
        active = [i for i in active if kept[i][2] > start]
        duplicate_of = None
        for i in active:
            other = kept[i]
            overlap = min(end, other[2]) - max(start, other[1])
            shorter = min(end - start, other[2] - other[1])
            if overlap > 0 and overlap >= WORKOUT_SAME_OVERLAP * max(shorter, 1e-9):
                duplicate_of = i
                break
        if duplicate_of is None:
            kept.append(workout)
            active.append(len(kept) - 1)
        elif workout[4] > kept[duplicate_of][4]:
            kept[duplicate_of] = workout
    return kept


def _skip_notes(tally: _Tally) -> list[str]:
    notes = [
        f"{name}: {count:,} record(s) {reason} skipped"
        for (name, reason), count in sorted(tally.skipped.items())
    ]
    if tally.percent_body_fat:
        notes.append(
            f"body_fat_pct: {tally.percent_body_fat:,} reading(s) above 1 taken as percent "
            "already (Apple stores a fraction, 0.18 = 18 %)"
        )
    return notes


def _summary(export_date: str, counts: Counter, registry: dict[str, Variable]) -> str:
    """What was recognised: records per variable and the columns they became."""
    exported = f" (exported {export_date[:10]})" if export_date else ""
    if not counts:
        return f"Apple Health export{exported}: no records of the types read were found"
    found = ", ".join(f"{name} ({count:,} records)" for name, count in counts.items())
    return f"Apple Health export{exported}: read {found}; columns: {', '.join(registry)}"
