"""Readers for wearable and habit exports; each turns files into DailyData.

:func:`read_exports` is the front door: paths, folders, zips or uploads in, one day table out.
Each file goes to the first reader in :data:`READERS` that claims it; the generic daily CSV reader
is the fallback and comes last.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping

from pga_core.data._daily import SOURCE_PRIORITY, DailyData, merge_daily
from pga_core.data.readers import (
    apple_health,
    bearable,
    daylio,
    generic_csv,
    loop,
    oura,
    whoop,
)
from pga_core.data.readers._base import Reader, ReadResult
from pga_core.data.readers._files import (
    ExportFile,
    Source,
    collect_files,
    head_text,
    looks_binary,
)
from pga_core.data.readers._plausible import date_window, screen_daily

__all__ = [
    "FORMAT_NAMES",
    "Progress",
    "detect_format",
    "no_progress",
    "read_exports",
    "read_sources",
]

#: The readers in the order they are asked to claim a file. The generic daily CSV claims any table
#: with a date column, so it must stay last.
READERS: tuple[Reader, ...] = (whoop, apple_health, oura, loop, daylio, bearable, generic_csv)

#: What each format is, in a person's words (for messages about files nobody reads).
FORMAT_DESCRIPTIONS: dict[str, str] = {
    "whoop": "WHOOP export CSVs (physiological_cycles, sleeps, workouts, journal_entries)",
    "apple_health": "Apple Health export (export.zip or export.xml)",
    "oura": "Oura exports (trends CSV or the App Data zip)",
    "loop": "Loop Habit Tracker exports (the CSV zip: Checkmarks.csv, Habits.csv)",
    "daylio": "Daylio exports (daylio_export.csv)",
    "bearable": "Bearable exports (bearable-export CSV)",
    "csv": "a daily CSV log with a date column and one row per day",
}
#: Each format's name as people know it (for tables and progress messages).
FORMAT_NAMES: dict[str, str] = {
    "whoop": "WHOOP",
    "apple_health": "Apple Health",
    "oura": "Oura",
    "loop": "Loop Habit Tracker",
    "daylio": "Daylio",
    "bearable": "Bearable",
    "csv": "Daily CSV",
}
#: Told how far a long job is: ``progress(fraction, message)`` with a fraction from 0 to 1. What
#: it returns is ignored, so a progress bar's own update method can be passed as it is.
Progress = Callable[[float, str], object]
#: How many skipped files a warning names before saying "and N more".
MAX_SKIPPED_NAMED = 5
#: File names that only an export of a format we read uses, for files no reader claims because
#: they are damaged (cut off, emptied, overwritten): such a file refuses the import, where an
#: unrecognised file is only skipped. Matched against the file's own name, in lower case.
EXPORT_FILE_NAMES: dict[str, re.Pattern[str]] = {
    "whoop": re.compile(r"(physiological_cycles|sleeps|workouts|journal_entries)\.csv"),
    "apple_health": re.compile(r"export\.xml"),
    "oura": re.compile(
        r"(dailyreadiness|dailysleep|dailyactivity|sleepmodel|enhancedtag)([_\-\s].*)?\.csv"
        r"|oura_.*_trends\.csv"
    ),
    "loop": re.compile(r"checkmarks\.csv"),
    "daylio": re.compile(r"daylio_export.*\.csv"),
    "bearable": re.compile(r"bearable-export.*\.csv"),
}
#: Errors that reading a damaged or unusual zip member can raise.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def detect_format(file: ExportFile) -> str:
    """The format of one file: the ``FORMAT`` of the first reader in :data:`READERS` claiming it.

    Raises
    ------
    ValueError
        Naming the file, for an empty, binary or unknown file, and listing the formats we read.
    """
    head = _head(file)
    reader = _claimant(file, head)
    if reader is None:
        raise ValueError(_unrecognised(file, head))
    return reader.FORMAT


def read_sources(
    sources: Iterable[Source],
    *,
    progress: Progress | None = None,
    mood_scores: Mapping[str, float | None] | None = None,
) -> list[ReadResult]:
    """Read everything handed over, one result per format found.

    Parameters
    ----------
    sources : paths (files, folders, zips) and ``(name, bytes)`` uploads.
    progress : called as ``progress(fraction, message)`` before each step (recognising the
        files, then reading each format) and with 1.0 at the end.
    mood_scores : a person's own 1–5 score per Daylio mood name (None leaves a mood out); moods
        not given keep their default (see :func:`~pga_core.data.readers.daylio.mood_scale`).

    Returns
    -------
    list of ReadResult
        In the order of :data:`READERS`. Files inside a zip or folder that no reader claims are
        skipped, with a warning in the result of that zip or folder's first recognised format.

    Raises
    ------
    ValueError
        Naming the file (and row and column where it applies): a file handed over directly that no
        reader claims, a zip or folder in which nothing is recognised, or any file that fails to
        read. Nothing is returned then, so an import can stay all-or-nothing.
    """
    report = progress or no_progress
    report(0.0, "Recognising the files")
    groups: dict[str, list[ExportFile]] = {}
    skipped_by_container: list[tuple[str, list[ExportFile], set[str]]] = []
    for source in sources:
        name = source[0] if isinstance(source, tuple) else str(source)
        files = collect_files([source])
        direct = len(files) == 1 and files[0].name == str(name)
        skipped: list[ExportFile] = []
        formats: set[str] = set()
        for file in files:
            head = _head(file)
            reader = _claimant(file, head)
            if reader is None:
                if direct:
                    raise ValueError(_unrecognised(file, head))
                damage = _damaged_export(file, head)
                if damage is not None:
                    raise ValueError(damage)
                skipped.append(file)
                continue
            groups.setdefault(reader.FORMAT, []).append(file)
            formats.add(reader.FORMAT)
        if not formats:
            raise ValueError(_nothing_recognised(str(name), files))
        if skipped:
            skipped_by_container.append((str(name), skipped, formats))
    found = [r for r in READERS if r.FORMAT in groups]
    results = []
    for step, reader in enumerate(found):
        files = groups[reader.FORMAT]
        count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
        name = FORMAT_NAMES.get(reader.FORMAT, reader.FORMAT)
        report((step + 1) / (len(found) + 1), f"Reading {name} ({count})")
        daily = _read_group(reader, files, mood_scores)
        results.append(ReadResult(reader.FORMAT, tuple(files), daily))
    for container, skipped, formats in skipped_by_container:
        result = next(r for r in results if r.format in formats)
        result.daily.warnings.append(_skipped_note(container, skipped))
    report(1.0, "Read")
    return results


def read_exports(
    sources: Iterable[Source], *, mood_scores: Mapping[str, float | None] | None = None
) -> DailyData:
    """Read exports of any supported format into one day table.

    Parameters
    ----------
    sources : paths (files, folders, zips) and ``(name, bytes)`` uploads.
    mood_scores : a person's own Daylio mood scores, as for :func:`read_sources`.

    Returns
    -------
    DailyData
        Every format's table merged by :func:`~pga_core.data.merge_daily` in the order of
        :data:`~pga_core.data.SOURCE_PRIORITY` (the first source wins a day where two disagree;
        each disagreement is a warning).

    Raises
    ------
    ValueError
        As :func:`read_sources`.
    """
    results = read_sources(sources, mood_scores=mood_scores)
    rank = {name: i for i, name in enumerate(SOURCE_PRIORITY)}
    ordered = sorted(results, key=lambda r: rank.get(r.format, len(rank)))
    return merge_daily([r.daily for r in ordered])


def no_progress(fraction: float, message: str) -> None:
    """Progress reports nobody listens to: the default where a long job takes ``progress``."""


def _head(file: ExportFile) -> bytes:
    """A file's first bytes, turning a damaged archive member into a ValueError."""
    try:
        return file.head()
    except _ARCHIVE_ERRORS as error:
        raise ValueError(f"{file.name}: cannot be read from its archive ({error})") from error


def _claimant(file: ExportFile, head: bytes) -> Reader | None:
    return next((r for r in READERS if r.claims(file, head)), None)


def _read_group(
    reader: Reader, files: list[ExportFile], mood_scores: Mapping[str, float | None] | None
) -> DailyData:
    """One format's files read together; any failure becomes a ValueError naming the files.

    Daylio's mood names are the person's own, so its reader alone takes their scores. The table
    is screened once more (:func:`screen_daily`): whatever a reader let through that is not
    plausible (a day's total of many plausible records, a date from the future) is left out and
    noted, so that no reader can store it.
    """
    try:
        if reader is daylio and mood_scores is not None:
            daily = daylio.read_with_scores(files, mood_scores)
        else:
            daily = reader.read(files)
    except ValueError:
        raise
    except (*_ARCHIVE_ERRORS, OSError) as error:
        names = ", ".join(f.name for f in files)
        raise ValueError(f"{names}: cannot be read ({error})") from error
    name = FORMAT_NAMES.get(reader.FORMAT, reader.FORMAT)
    where = files[0].name if len(files) == 1 else f"{name} export ({len(files)} files)"
    return screen_daily(daily, file=where, window=date_window())


def _damaged_export(file: ExportFile, head: bytes) -> str | None:
    """Why a file named like a file of an export we read cannot be read, if it is damaged.

    Damaged means empty, binary, or cut off before the end of its first line; a file of
    another program that only shares the name (a complete table) is not.
    """
    name = file.basename.lower()
    fmt = next((f for f, pattern in EXPORT_FILE_NAMES.items() if pattern.fullmatch(name)), None)
    if fmt is None:
        return None
    text = head_text(file, head)
    if not head.strip():
        why = "it is empty"
    elif looks_binary(head):
        why = "it holds binary data, not text"
    elif text is None:
        why = f"its first line is longer than {len(head) // 1024} KB, so it is not a table"
    elif "\n" not in text and len(head) >= file.size:
        why = f"it is cut off after {file.size:,} bytes, inside its first line"
    else:
        return None
    return (
        f"{file.name}: named like a file of a {FORMAT_NAMES[fmt]} export, but {why}; "
        "export it again (nothing was imported)"
    )


def _formats_we_read() -> str:
    return "; ".join(FORMAT_DESCRIPTIONS.get(r.FORMAT, r.FORMAT) for r in READERS)


def _unrecognised(file: ExportFile, head: bytes) -> str:
    """Why a file is not one we read, and what we do read."""
    if not head.strip():
        why = "the file is empty"
    elif looks_binary(head):
        why = "it holds binary data, not text"
    elif head_text(file, head) is None:
        why = f"its first line is longer than {len(head) // 1024} KB, so it is not a table header"
    else:
        text = head_text(file, head) or ""
        first = text.split("\n", 1)[0].strip()[:80]
        why = f"not a format we recognise (first line: {first!r})"
    return f"{file.name}: {why}; we read {_formats_we_read()}"


def _nothing_recognised(name: str, files: list[ExportFile]) -> str:
    """Message for a zip or folder in which no file is one we read."""
    members = [f.name.removeprefix(f"{name}/") for f in files]
    if any(m == "[Content_Types].xml" for m in members):
        return f"{name}: an Office document (e.g. an Excel workbook); save the sheet as CSV (UTF-8)"
    listed = ", ".join(members[:MAX_SKIPPED_NAMED])
    more = len(members) - MAX_SKIPPED_NAMED
    listed += f" and {more} more" if more > 0 else ""
    return f"{name}: no file we recognise inside ({listed}); we read {_formats_we_read()}"


def _skipped_note(container: str, skipped: list[ExportFile]) -> str:
    names = [f.name.removeprefix(f"{container}/") for f in skipped]
    listed = ", ".join(names[:MAX_SKIPPED_NAMED])
    more = len(names) - MAX_SKIPPED_NAMED
    listed += f" and {more} more" if more > 0 else ""
    return f"{container}: skipped {len(names)} file(s) that are not a format we read: {listed}"
