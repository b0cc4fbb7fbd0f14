"""Daylio export (``daylio_export.csv``): a daily mood score and one yes/no behaviour per activity.

Files: one CSV, one row per entry (several a day, newest first), in any of the header
generations Daylio has written:

- ``full_date,date,weekday,time,mood,activities,note_title,note`` (current, 24-hour times);
- ``full_date,date,weekday,time,mood,activities,note`` (older, times such as ``3:26 AM``);
- ``year,date,weekday,time,mood,activities,note`` (oldest: no ISO date; the day and month are
  written in the phone's language, ``7 września``; a row may lack its last, empty note).

Times carry no time zone and are not needed: an entry counts on the day Daylio dates it.

Moods become a daily score from 1 to 5 (``mood``): the mean of the day's scored entries. Mood
names are the person's own, so the score of each comes from, in order: the person's own mapping
(``mood_scores`` of :func:`read_with_scores`); Daylio's five standard moods
(:data:`DEFAULT_MOOD_SCORES`: rad 5, good 4, meh 3, bad 2, awful 1); an obvious word (``great``,
``okay``, ``Not so good`` …, :data:`MOOD_WORDS`). A mood none of them scores is left out and
reported, never guessed. :func:`mood_scale` lists the moods found with their scores, for a person
to confirm or change.

Activities (``working | reading`` in one cell) become yes/no behaviours: yes on a day any entry
lists the activity; no on the other days with an entry, from the first day the activity was used
on (before it a person may not have had it in their list); days without an entry are not logged.
Entries dated before 2000 or after today are left out and reported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data._daily import DailyData, Variable, slugify
from pga_core.data.readers._files import ExportFile, head_rows, header_key, read_text
from pga_core.data.readers._plausible import ValueNotes, date_window

__all__ = [
    "DEFAULT_MOOD_SCORES",
    "FORMAT",
    "MOOD_WORDS",
    "claims",
    "mood_scale",
    "read",
    "read_with_scores",
]

FORMAT = "daylio"

#: Daylio's five standard moods and their place on its 1–5 scale.
DEFAULT_MOOD_SCORES: dict[str, float] = {
    "rad": 5.0,
    "good": 4.0,
    "meh": 3.0,
    "bad": 2.0,
    "awful": 1.0,
}
#: Mood names whose score is obvious from the word (compared in lower case, accents and
#: punctuation dropped, so ``Medium [-]`` is ``medium``); ``dobrze`` was met in a real Polish
#: export, the other Polish words are the plain words for the same steps.
MOOD_WORDS: dict[str, float] = {
    **dict.fromkeys(("great", "amazing", "awesome", "excellent", "fantastic", "super"), 5.0),
    **dict.fromkeys(("very good", "dobrze"), 4.0),
    **dict.fromkeys(("ok", "okay", "medium", "neutral", "so so", "average", "tak sobie"), 3.0),
    **dict.fromkeys(("not so good", "not good", "poor", "zle"), 2.0),
    **dict.fromkeys(("terrible", "horrible", "very bad", "okropnie"), 1.0),
}
#: The scale mood scores are on.
MOOD_RANGE = (1.0, 5.0)
#: The daily mood score's column.
MOOD = Variable("mood", "Mood (Daylio)", "1–5", "metric", FORMAT, True, (), "mean")
#: Activities are written in one cell, joined by this.
ACTIVITY_SEPARATOR = " | "
#: Every header generation has these columns (as ``header_key`` gives them) …
REQUIRED_COLUMNS = frozenset({"date", "weekday", "time", "mood", "activities"})
#: … and one of these for the year.
DATE_COLUMNS = ("full_date", "year")

#: Month names of the oldest, localised header generation (lower case, accents dropped):
#: English, Polish (both cases), German, French, Spanish, Italian, Portuguese and Dutch.
MONTHS: dict[str, int] = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "stycznia lutego marca kwietnia maja czerwca lipca sierpnia wrzesnia pazdziernika "
        "listopada grudnia",
        "styczen luty marzec kwiecien maj czerwiec lipiec sierpien wrzesien pazdziernik "
        "listopad grudzien",
        "januar februar marz april mai juni juli august september oktober november dezember",
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre",
        "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
        "januari februari maart april mei juni juli augustus september oktober november december",
    )
    for number, name in enumerate(names.split(), start=1)
}
_LOCAL_DAY = re.compile(r"^(?:(\d{1,2})\.?\s+(\w+)\.?|(\w+)\.?\s+(\d{1,2})\.?)$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Entries:
    """One file's entries: day, mood as written, activities, and row numbers (index)."""

    file: str
    frame: pd.DataFrame


# --- recognising -----------------------------------------------------------------------------
def claims(file: ExportFile, head: bytes) -> bool:
    """Whether ``file`` is a Daylio export: its header has Daylio's columns."""
    rows = head_rows(file, head)
    keys = {header_key(cell) for cell in rows[0]} if rows else set()
    return keys >= REQUIRED_COLUMNS and any(c in keys for c in DATE_COLUMNS)


# --- reading ---------------------------------------------------------------------------------
def read(files: list[ExportFile]) -> DailyData:
    """Read Daylio exports with the default mood scores (see :func:`read_with_scores`)."""
    return read_with_scores(files)


def read_with_scores(
    files: list[ExportFile], mood_scores: Mapping[str, float | None] | None = None
) -> DailyData:
    """Read one or more Daylio exports into a daily mood score and activity behaviours.

    Parameters
    ----------
    files : Daylio CSV exports (any header generation). Where two exports cover the same day,
        the entries of the one reaching furthest are kept.
    mood_scores : the person's score (1–5) for some or all of their mood names, matched in any
        case; None for a mood means "leave it out". Moods not given are scored as
        :func:`mood_scale` says.

    Returns
    -------
    DailyData
        ``mood`` (mean score of the day's scored entries, 1–5) and one behaviour per activity
        (named by the slug of the activity, labelled with it), ``source="daylio"``. Warnings:
        the scores used, moods left out, days left out, overlapping exports.

    Raises
    ------
    ValueError
        Naming the file (and row and column): a header without Daylio's columns, no entries, a
        cut-off file, a date that cannot be read; a score in ``mood_scores`` outside 1–5.
    """
    notes: list[str] = []
    screened = ValueNotes()
    entries = _entries(files, notes, screened)
    scale = _scale(entries, mood_scores)
    score = entries["mood_key"].map(scale.set_index("key")["score"])
    columns = {MOOD.name: score.groupby(entries["day"]).mean()}
    registry = {MOOD.name: MOOD}
    behaviours, activity_registry = _activities(entries, notes)
    columns |= behaviours
    registry |= activity_registry
    notes.extend([*screened.lines(), *_scale_notes(scale)])
    table = pd.DataFrame(columns).dropna(how="all")
    table.index = pd.DatetimeIndex(table.index, name="date")
    table = table[[c for c in registry if c in table.columns and table[c].notna().any()]]
    return DailyData(table, {n: registry[n] for n in table.columns}, notes)


def mood_scale(
    files: list[ExportFile], mood_scores: Mapping[str, float | None] | None = None
) -> pd.DataFrame:
    """The mood names found in Daylio exports and the score each gets, for a person to check.

    Parameters
    ----------
    files : Daylio CSV exports.
    mood_scores : the person's own scores, as for :func:`read_with_scores`.

    Returns
    -------
    DataFrame, one row per mood name (most entries first), columns ``mood`` (as written),
    ``entries`` (how many), ``score`` (1–5, NaN when none) and ``basis`` (``yours``,
    ``Daylio's standard mood``, ``the word`` or ``no score``).
    """
    scale = _scale(_entries(files, [], ValueNotes()), mood_scores)
    return scale.drop(columns="key").reset_index(drop=True)


def _entries(files: list[ExportFile], notes: list[str], screened: ValueNotes) -> pd.DataFrame:
    """Every file's entries; a day covered by two exports keeps the one reaching furthest."""
    parts = sorted(
        (_read_file(file, notes, screened) for file in files),
        key=lambda e: e.frame["day"].max(),
        reverse=True,
    )
    kept, covered, overlapping = [], pd.DatetimeIndex([]), []
    for part in parts:
        frame = part.frame
        repeated = frame["day"].isin(covered)
        if repeated.any():
            overlapping.append(part.file)
        kept.append(frame.loc[~repeated])
        covered = covered.union(pd.DatetimeIndex(frame["day"].unique()))
    if overlapping:
        notes.append(
            f"{', '.join(overlapping)}: days also in a newer Daylio export; kept that export's "
            f"entries ({parts[0].file})"
        )
    return pd.concat(kept, ignore_index=True)


def _read_file(file: ExportFile, notes: list[str], screened: ValueNotes) -> _Entries:
    """One export's entries (day, mood, its key, the activities), those dated outside the
    plausible window left out and noted."""
    text, decoding = read_text(file)
    notes.extend(decoding)
    header, records = _records(file.name, text)
    keys = [header_key(cell) for cell in header]
    missing = sorted(REQUIRED_COLUMNS - set(keys))
    if missing or not any(c in keys for c in DATE_COLUMNS):
        raise ValueError(
            f"{file.name}: not a Daylio export (no {', '.join(missing) or 'full_date'} column); "
            "expected full_date,date,weekday,time,mood,activities,note_title,note"
        )
    if not records:
        raise ValueError(f"{file.name}: no entries, only the header; expected one row per entry")
    frame = pd.DataFrame(
        [cells for _, cells in records],
        index=pd.Index([row for row, _ in records], name="row"),
        columns=keys,
    )
    days = _days(file.name, frame)
    moods = frame["mood"].str.strip()
    empty = moods.eq("")
    if empty.any():
        raise ValueError(
            f"{file.name}, row {empty.idxmax():,}, column 'mood': empty; expected a mood"
        )
    entries = pd.DataFrame(
        {
            "day": days,
            "mood": moods,
            "mood_key": moods.map(_mood_key),
            "activities": frame["activities"].map(_split_activities),
        }
    )
    kept = screened.screen_days(
        entries["day"], file=file.name, positions=entries.index, window=date_window()
    )
    return _Entries(file.name, entries.loc[kept])


def _records(name: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and rows, each numbered as a person counts rows (the header is row 1); a row
    without its last, empty note (the oldest exports) is completed, any other short or long row
    refused."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(n, row) for n, row in enumerate(reader, start=1) if any(c.strip() for c in row)]
    except csv.Error as error:
        raise ValueError(
            f"{name}: line {reader.line_num:,}: {error}; the file looks cut off or its quoting is "
            "broken"
        ) from error
    if not rows:
        raise ValueError(f"{name}: the file is empty")
    (_, header), body = rows[0], rows[1:]
    width = len(header)
    records = [(n, [*row, ""] if len(row) == width - 1 else row) for n, row in body]
    for position, (number, row) in enumerate(records):
        if len(row) != width:
            last = position == len(records) - 1
            problem = "the file looks cut off mid-row" if last else "check the quoting"
            raise ValueError(
                f"{name}: row {number:,} has {len(body[position][1])} values but the header has "
                f"{width}; {problem}"
            )
    return header, records


def _days(name: str, frame: pd.DataFrame) -> pd.Series:
    """Each entry's day: ``full_date``, or the oldest files' year and localised day."""
    if "full_date" in frame.columns:
        text = frame["full_date"].str.strip()
        days = pd.to_datetime(
            text.where(text.str.match(_ISO_DAY)), format="%Y-%m-%d", errors="coerce"
        )
        _refuse_undated(name, "full_date", text, days, "expected a date like 2023-09-13")
        return days
    years = pd.to_numeric(frame["year"].str.strip(), errors="coerce")
    parts = frame["date"].map(_local_day)
    days = pd.to_datetime(
        pd.DataFrame(
            {"year": years, "month": parts.str[1], "day": parts.str[0]}, index=frame.index
        ),
        errors="coerce",
    )
    shown = frame["year"].str.strip() + " " + frame["date"].str.strip()
    _refuse_undated(
        name,
        "date",
        shown,
        days,
        "expected a day and a month name such as '7 września' and a year; export again from a "
        "newer Daylio, which writes full_date",
    )
    return days


def _local_day(text: str) -> tuple[float, float]:
    """Day and month of ``7 września`` or ``September 13`` (NaN when not recognised)."""
    match = _LOCAL_DAY.match(_fold(text).strip())
    if match is None:
        return np.nan, np.nan
    day, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    return float(day), float(MONTHS.get(month, np.nan))


def _refuse_undated(
    name: str, column: str, text: pd.Series, days: pd.Series, expected: str
) -> None:
    bad = days.isna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(
            f"{name}, row {row:,}, column {column!r}: {text[row]!r} is not a date; {expected}"
        )


def _fold(text: str) -> str:
    """Lower case without accents (``Września`` → ``wrzesnia``, ``źle`` → ``zle``)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def _mood_key(mood: str) -> str:
    """A mood name's words for matching: ``Medium [-]`` → ``medium``, ``Not so good`` → itself
    (a name in another script, or of symbols only, is matched as written, in any case)."""
    return " ".join(re.findall(r"[a-z0-9]+", _fold(mood))) or mood.strip().casefold()


def _split_activities(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split(ACTIVITY_SEPARATOR.strip()) if a.strip())


# --- moods -----------------------------------------------------------------------------------
def _scale(entries: pd.DataFrame, mood_scores: Mapping[str, float | None] | None) -> pd.DataFrame:
    """One row per mood found: its name, entries, score and where the score comes from."""
    yours = _your_scores(mood_scores or {})
    moods = entries.groupby("mood_key", sort=False)["mood"]
    counts = pd.DataFrame({"entries": moods.size(), "mood": moods.agg(_most_common)})
    rows = []
    ordered = counts.sort_values("entries", ascending=False, kind="stable")
    for key, (count, mood) in ordered.iterrows():
        if key in yours:
            score, basis = yours[key], "yours"
        elif key in DEFAULT_MOOD_SCORES:
            score, basis = DEFAULT_MOOD_SCORES[key], "Daylio's standard mood"
        elif key in MOOD_WORDS:
            score, basis = MOOD_WORDS[key], "the word"
        else:
            score, basis = None, "no score"
        score = np.nan if score is None else float(score)
        if np.isnan(score) and basis == "yours":
            basis = "left out by you"
        rows.append(
            {"mood": mood, "entries": int(count), "score": score, "basis": basis, "key": key}
        )
    return pd.DataFrame(rows, columns=["mood", "entries", "score", "basis", "key"])


def _most_common(spellings: pd.Series) -> str:
    """The spelling of a mood name written most often (``Meh`` over ``meh``)."""
    return str(spellings.value_counts().index[0])


def _your_scores(mood_scores: Mapping[str, float | None]) -> dict[str, float | None]:
    """The person's own scores by mood key; each within 1–5 (or None: left out)."""
    low, high = MOOD_RANGE
    checked: dict[str, float | None] = {}
    for mood, score in mood_scores.items():
        if score is not None and not low <= float(score) <= high:
            raise ValueError(
                f"mood_scores: {mood!r} → {score} is outside Daylio's scale; expected a score "
                f"from {low:g} to {high:g}, or none to leave the mood out"
            )
        checked[_mood_key(str(mood))] = None if score is None else float(score)
    return checked


def _scale_notes(scale: pd.DataFrame) -> list[str]:
    """The scores used, and each mood left out."""
    scored = scale.loc[scale["score"].notna()].sort_values("score", ascending=False, kind="stable")
    used = ", ".join(f"{m} {s:g}" for m, s in zip(scored["mood"], scored["score"], strict=True))
    notes = (
        [f"Daylio moods scored from 1 to 5: {used}; mood names are your own — check the scores"]
        if used
        else []
    )
    unscored = scale.loc[scale["basis"] == "no score"]
    notes.extend(
        f"mood {row.mood!r} has no score; its {row.entries} entr"
        f"{'y' if row.entries == 1 else 'ies'} left out of the mood score — give it one from 1 "
        "to 5 to count them"
        for row in unscored.itertuples()
    )
    return notes


# --- activities ------------------------------------------------------------------------------
def _activities(
    entries: pd.DataFrame, notes: list[str]
) -> tuple[dict[str, pd.Series], dict[str, Variable]]:
    """One yes/no behaviour per activity: yes on days listing it, no on other logged days from
    its first use on."""
    logged = pd.DatetimeIndex(entries["day"].unique()).sort_values()
    listed = entries[["day", "activities"]].explode("activities").dropna()
    columns: dict[str, pd.Series] = {}
    registry: dict[str, Variable] = {}
    for activity, days in listed.groupby("activities", sort=True)["day"]:
        name = _activity_name(str(activity))
        yes = pd.DatetimeIndex(days.unique())
        series = pd.Series(0.0, index=logged[logged >= yes.min()])
        series[yes] = 1.0
        if name in columns:
            notes.append(
                f"activities {registry[name].label!r} and {activity!r} are read as one "
                f"behaviour, {name}"
            )
            series = pd.concat([columns[name], series], axis=1).max(axis=1)
        columns[name] = series
        registry.setdefault(
            name, Variable(name, str(activity), "", "behaviour", FORMAT, None, (), "any")
        )
    return columns, registry


def _activity_name(activity: str) -> str:
    try:
        name = slugify(activity)
    except ValueError:
        name = "activity"
    return f"activity_{name}" if name == MOOD.name else name
