"""What the dashboard shows, decided here so that its pages only place it.

Which data is active (the workspace's, or the bundled sample person while the workspace is
empty), an import and the import log as tables, the variable table, coverage per week, and
escaping of user text (file names, column names, journal questions) for Streamlit's Markdown.
Everything returns plain values and DataFrames; nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pga_core.data import READ_SHARE, DailyData, FormatImport, ImportSummary, Workspace
from pga_core.data.readers import (
    FORMAT_NAMES,
    Progress,
    ReadResult,
    daylio,
    no_progress,
    read_exports,
    read_sources,
)
from pga_core.words import plural

__all__ = [
    "SAMPLE_DIR",
    "SAMPLE_EXPORTS",
    "SAMPLE_NOTICE",
    "ActiveData",
    "ImportReport",
    "active_data",
    "escape_markdown",
    "import_log_table",
    "import_uploads",
    "load_sample",
    "overview",
    "quality_notes",
    "removal_options",
    "removal_question",
    "source_name",
    "variables_table",
    "weekly_coverage",
    "workspace_revision",
]

#: The bundled sample person's exports (see data/README.md), read like any import.
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE_EXPORTS = ("whoop_export.zip", "apple_health/export.zip", "habits.csv")
SAMPLE_LABEL = "Sample person"
YOUR_DATA_LABEL = "Your data"
SAMPLE_NOTICE = (
    "You are looking at a sample person who does not exist: two years of synthetic WHOOP, "
    "Apple Health and habit-spreadsheet data with effects planted on purpose. Import your own "
    "exports and the sample disappears; nothing of it is ever mixed with your data."
)
#: Local time format of the import log.
WHEN_FORMAT = "%Y-%m-%d %H:%M"
DAY_FORMAT = "%Y-%m-%d"
#: Days in a coverage period (a week, Monday first).
WEEK_DAYS = 7
#: Invisible word joiner: placed inside ``www.``, ``://`` and ``@`` so that GitHub-style
#: autolinks do not turn escaped text into links.
WORD_JOINER = "\u2060"
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


# --- user text ------------------------------------------------------------------------------------
def escape_markdown(text: object) -> str:
    """Text that Streamlit's Markdown (``st.error``, ``st.write``, …) shows literally.

    Every ASCII punctuation character gets a backslash (CommonMark shows ``\\*`` as ``*``), so
    no emphasis, link, HTML tag, ``:emoji:``, ``:red[colour]`` or ``$maths$`` can form; a word
    joiner (U+2060, invisible) breaks ``www.``, ``scheme://`` and ``name@host`` so that they do
    not become links; line breaks become single spaces (messages are one line).

    Parameters
    ----------
    text : any value; ``str(text)`` is escaped.

    Returns
    -------
    str
        Markdown source that renders as ``text`` (with line breaks as spaces).
    """
    flat = _LINE_BREAKS.sub(" ", str(text))
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    escaped = re.sub(r"(?i)(www)(?=\\\.)", rf"\1{WORD_JOINER}", escaped)
    return escaped.replace("\\:\\/", f"\\:{WORD_JOINER}\\/").replace("\\@", f"\\@{WORD_JOINER}")


def source_name(format_name: str) -> str:
    """A format as people know it: ``whoop`` → ``WHOOP``, ``csv`` → ``Daily CSV``."""
    return FORMAT_NAMES.get(format_name, format_name)


# --- which data the pages show --------------------------------------------------------------------
@dataclass(frozen=True)
class ActiveData:
    """The daily table the pages work on, and whose it is.

    Attributes
    ----------
    daily : the merged daily table.
    is_sample : True while the workspace is empty and the bundled sample person is shown.
    label : ``Sample person`` or ``Your data``, for headers.
    """

    daily: DailyData
    is_sample: bool
    label: str

    @property
    def notice(self) -> str | None:
        """The sentence every page shows above sample data; None for the person's own data."""
        return SAMPLE_NOTICE if self.is_sample else None


def load_sample(folder: str | Path = SAMPLE_DIR) -> DailyData:
    """The bundled sample person, read from its exports exactly as an import would read them.

    Raises
    ------
    ValueError
        The sample exports are missing from ``folder`` (naming the file).
    """
    root = Path(folder)
    missing = [root / name for name in SAMPLE_EXPORTS if not (root / name).is_file()]
    if missing:
        raise ValueError(f"{missing[0]}: the bundled sample export is missing; reinstall the app")
    # Handed over by name, like uploads, so that notes name the sample's files, not this folder.
    return read_exports([(name, (root / name).read_bytes()) for name in SAMPLE_EXPORTS])


def active_data(
    workspace: Workspace, *, sample: Callable[[], DailyData] = load_sample
) -> ActiveData:
    """The workspace's daily table, or the sample person's while nothing has been imported.

    Parameters
    ----------
    workspace : the person's workspace.
    sample : returns the sample person's table (pages pass a cached loader).
    """
    if workspace.is_empty:
        return ActiveData(sample(), is_sample=True, label=SAMPLE_LABEL)
    return ActiveData(workspace.daily(), is_sample=False, label=YOUR_DATA_LABEL)


def workspace_revision(workspace: Workspace) -> tuple[int, ...]:
    """The ids of the workspace's imports: changes with every import and every removal.

    Import ids are never reused, so equal revisions mean equal daily tables (a cache key).
    """
    return tuple(int(i) for i in workspace.imports()["import_id"])


# --- importing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportReport:
    """What one import did, for people.

    Attributes
    ----------
    summary : the workspace's own account, per format.
    table : one row per format: ``Source, Result, Days, From, To, Variables, Files`` (how
        many) and ``File names``.
    warnings : the readers' quality notes, each prefixed with its source (``WHOOP: …``).
    moods : after a Daylio import, its mood names and the score each was given (``Mood``,
        ``Entries``, ``Score``, ``Scored by``), for the person to check; None otherwise.
    """

    summary: ImportSummary
    table: pd.DataFrame
    warnings: tuple[str, ...]
    moods: pd.DataFrame | None = None

    @property
    def headline(self) -> str:
        """One plain sentence: what was added, and what had been imported before."""
        new = [i for i in self.summary.imports if i.already_imported_on is None]
        seen = [i for i in self.summary.imports if i.already_imported_on is not None]
        if not new:
            days = sorted({str(i.already_imported_on) for i in seen})
            return f"Nothing new: these files were already imported on {', '.join(days)}."
        added, updated = self.summary.days_added, self.summary.days_updated
        sentence = (
            f"Imported from {', '.join(source_name(i.format) for i in new)}: "
            f"{plural(added, 'new day')}, {updated:,} updated."
        )
        if seen:
            earlier = ", ".join(f"{source_name(i.format)} on {i.already_imported_on}" for i in seen)
            sentence += f" Already imported before, so left as they were: {earlier}."
        return sentence


def import_uploads(
    workspace: Workspace,
    uploads: Sequence[tuple[str, bytes]],
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Read uploaded files (CSVs, XML, zips) and import them into the workspace, all or nothing.

    Parameters
    ----------
    workspace : where to import.
    uploads : ``(file name, bytes)`` pairs, as a browser hands them over.
    progress : called as ``progress(fraction, message)`` while reading and saving.

    Returns
    -------
    ImportReport

    Raises
    ------
    ValueError
        Nothing uploaded, or a file that cannot be read (the reader's message, naming the file,
        row and column); the workspace is then unchanged.
    """
    if not uploads:
        raise ValueError("no files uploaded; choose one or more export files or zips")
    report = progress or no_progress
    results = read_sources(
        list(uploads), progress=lambda fraction, text: report(READ_SHARE * fraction, text)
    )
    summary = workspace.import_results(
        results,
        progress=lambda fraction, text: report(READ_SHARE + (1 - READ_SHARE) * fraction, text),
    )
    rows = [
        _import_row(outcome, result.daily)
        for outcome, result in zip(summary.imports, results, strict=True)
    ]
    warnings = tuple(
        f"{source_name(result.format)}: {note}"
        for result in results
        for note in result.daily.warnings
    )
    table = pd.DataFrame(rows, columns=list(_IMPORT_COLUMNS))
    return ImportReport(summary=summary, table=table, warnings=warnings, moods=_moods(results))


def _moods(results: Sequence[ReadResult]) -> pd.DataFrame | None:
    """The Daylio moods read and their scores, in a person's words (None without Daylio)."""
    result = next((r for r in results if r.format == daylio.FORMAT), None)
    if result is None:
        return None
    scale = daylio.mood_scale(list(result.files))
    return scale.rename(
        columns={"mood": "Mood", "entries": "Entries", "score": "Score", "basis": "Scored by"}
    )


def quality_notes(daily: DailyData, last_import: ImportReport | None = None) -> list[str]:
    """The readers' notes on ``daily``, except those the last import's report shows already.

    A page that shows an import's report and then the data's notes says each note once.
    """
    shown = {w for i in last_import.summary.imports for w in i.warnings} if last_import else set()
    return [w for w in daily.warnings if w not in shown]


_IMPORT_COLUMNS = ("Source", "Result", "Days", "From", "To", "Variables", "Files", "File names")


def _import_row(outcome: FormatImport, daily: DailyData) -> dict[str, object]:
    """One format's row of the import table."""
    days = daily.table.index
    if outcome.already_imported_on is not None:
        result = f"already imported on {outcome.already_imported_on}; nothing changed"
    else:
        result = f"{plural(outcome.days_added, 'day')} added, {outcome.days_updated:,} updated"
    return {
        "Source": source_name(outcome.format),
        "Result": result,
        "Days": len(days),
        "From": days.min().date() if len(days) else None,
        "To": days.max().date() if len(days) else None,
        "Variables": len(daily.registry),
        "Files": len(outcome.files),
        "File names": ", ".join(outcome.files),
    }


# --- the import log -------------------------------------------------------------------------------
def import_log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The workspace's import log (:meth:`Workspace.imports`) for people, newest first.

    Returns
    -------
    DataFrame with columns ``Import`` (id), ``Imported`` (local time), ``Source``, ``Days``,
    ``From``, ``To``, ``Added``, ``Updated``, ``Files`` (how many), ``File names``.
    """
    newest = log.sort_values("import_id", ascending=False)
    names = [str(files).split("; ") if files else [] for files in newest["files"]]
    return pd.DataFrame(
        {
            "Import": newest["import_id"].astype(int).to_numpy(),
            "Imported": [_local(t) for t in newest["imported_at"]],
            "Source": [source_name(f) for f in newest["format"]],
            "Days": newest["days"].astype(int).to_numpy(),
            "From": [None if pd.isna(d) else d.date() for d in newest["first_day"]],
            "To": [None if pd.isna(d) else d.date() for d in newest["last_day"]],
            "Added": newest["days_added"].astype(int).to_numpy(),
            "Updated": newest["days_updated"].astype(int).to_numpy(),
            "Files": [len(n) for n in names],
            "File names": [", ".join(n) for n in names],
        }
    )


def removal_options(log: pd.DataFrame) -> dict[int, str]:
    """Import id → a plain description (no file names) for choosing an import to remove.

    ``#3 · WHOOP · 4 files · 718 days · imported 2024-05-01 14:00``, newest first.
    """
    options = {}
    for row in log.sort_values("import_id", ascending=False).itertuples(index=False):
        n_files = len(str(row.files).split("; ")) if row.files else 0
        options[int(row.import_id)] = (
            f"#{row.import_id} · {source_name(row.format)} · "
            f"{plural(n_files, 'file')} · {plural(int(row.days), 'day')} · "
            f"imported {_local(row.imported_at)}"
        )
    return options


def removal_question(log: pd.DataFrame, import_id: int) -> str:
    """The confirmation asked before removing an import (no file names: safe as Markdown).

    Raises
    ------
    ValueError
        No import with that id in the log.
    """
    options = removal_options(log)
    if int(import_id) not in options:
        raise ValueError(f"no import with id {import_id}; the log has {sorted(options)}")
    return (
        f"Remove import {options[int(import_id)]}? Its values leave the daily table; days that "
        "other imports also cover keep theirs. Your files on disk are not touched, and you can "
        "import them again."
    )


def _local(moment: pd.Timestamp) -> str:
    """A UTC time as the machine's local wall-clock time."""
    return moment.to_pydatetime().astimezone().strftime(WHEN_FORMAT)


# --- what the data holds --------------------------------------------------------------------------
def overview(daily: DailyData) -> tuple[list[tuple[str, str]], str]:
    """Headline figures and one sentence about where they come from.

    Returns
    -------
    figures : ``(label, value)`` pairs, short enough for a metric: days, first day, last day,
        variables (dashes when there are no days).
    sources : ``Sources: WHOOP, Apple Health. You control 24 variables (yes/no behaviours …``
    """
    index = daily.table.index
    sources = list(dict.fromkeys(source_name(v.source) for v in daily.registry.values()))
    controllable = sum(v.controllable for v in daily.registry.values())
    figures = [
        ("Days", f"{len(index):,}"),
        ("First day", f"{index.min():{DAY_FORMAT}}" if len(index) else "–"),
        ("Last day", f"{index.max():{DAY_FORMAT}}" if len(index) else "–"),
        ("Variables", f"{len(daily.registry):,}"),
    ]
    sentence = (
        f"Sources: {', '.join(sources) or 'none yet'}. You control "
        f"{plural(controllable, 'variable')} (yes/no behaviours and numeric habits); the rest "
        "are measurements."
    )
    return figures, sentence


def variables_table(daily: DailyData) -> pd.DataFrame:
    """One row per variable: ``Name, Label, Unit, Kind, Source, Days, First day, Last day``.

    ``Days`` counts days with a value; rows follow the daily table's column order.
    """
    coverage = daily.coverage()
    return pd.DataFrame(
        {
            "Name": coverage["variable"].astype(str).to_numpy(),
            "Label": coverage["label"].astype(str).to_numpy(),
            "Unit": coverage["unit"].astype(str).to_numpy(),
            "Kind": coverage["kind"].astype(str).to_numpy(),
            "Source": [source_name(s) for s in coverage["source"]],
            "Days": coverage["days"].astype(int).to_numpy(),
            "First day": [None if pd.isna(d) else d.date() for d in coverage["first_day"]],
            "Last day": [None if pd.isna(d) else d.date() for d in coverage["last_day"]],
        }
    )


def weekly_coverage(daily: DailyData) -> pd.DataFrame:
    """How many days of each week every variable has a value (long format, for a heat-map).

    Returns
    -------
    DataFrame, one row per variable and week with at least one value
        ``row`` (``Label · Source``, unique per variable), ``variable``, ``source``, ``week``
        (the Monday), ``week_end`` (the next Monday), ``days`` (days with a value),
        ``days_in_data`` (days of that week inside the table's span), ``share`` (their ratio,
        0–1). Rows are ordered by variable (the table's column order), then week.
    """
    columns = ["row", "variable", "source", "week", "week_end", "days", "days_in_data", "share"]
    table = daily.table
    if table.empty or not len(table.columns):
        return pd.DataFrame(columns=columns)
    index = table.index
    week = index - pd.to_timedelta(index.day_of_week, unit="D")
    span = daily.calendar().index
    span_weeks = span - pd.to_timedelta(span.day_of_week, unit="D")
    in_data = pd.Series(1, index=span_weeks).groupby(level=0).sum()
    counts = table.notna().groupby(week.rename("week")).sum().reset_index()
    labels = _row_labels(daily)
    long = counts.melt(id_vars="week", var_name="variable", value_name="days")
    long = long[long["days"] > 0]
    position = {name: i for i, name in enumerate(table.columns)}
    long = long.assign(position=long["variable"].map(position))
    long = long.sort_values(["position", "week"], kind="stable")
    return pd.DataFrame(
        {
            "row": long["variable"].map(labels).to_numpy(),
            "variable": long["variable"].astype(str).to_numpy(),
            "source": [source_name(daily.registry[v].source) for v in long["variable"]],
            "week": long["week"].to_numpy(),
            "week_end": (long["week"] + pd.Timedelta(days=WEEK_DAYS)).to_numpy(),
            "days": long["days"].astype(int).to_numpy(),
            "days_in_data": in_data.reindex(long["week"]).astype(int).to_numpy(),
            "share": (long["days"] / in_data.reindex(long["week"]).to_numpy()).to_numpy(
                dtype=np.float64
            ),
        },
        columns=columns,
    )


def _row_labels(daily: DailyData) -> dict[str, str]:
    """``Label · Source`` per variable, with the column name added where labels repeat."""
    plain = {n: f"{v.label} · {source_name(v.source)}" for n, v in daily.registry.items()}
    repeated = {label for label in plain.values() if list(plain.values()).count(label) > 1}
    return {n: f"{label} ({n})" if label in repeated else label for n, label in plain.items()}
