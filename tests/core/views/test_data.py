"""What the pages show: active data, import tables, the log, coverage, and escaped user text."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pga_core.data import DailyData, Variable, Workspace, merge_daily
from pga_core.data.readers import read_exports, read_sources
from pga_core.views import _data as dashboard
from pga_core.views import escape_markdown

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "fixtures" / "whoop-golden"
WHOOP_FILES = ("physiological_cycles.csv", "sleeps.csv", "workouts.csv", "journal_entries.csv")
TRICKY = "**bold** <b>x</b> [link](http://x)"
HABITS = b"date,sauna,steps\n2024-03-06,yes,9000\n2024-03-07,no,\n2024-03-09,yes,12000\n"


def _unescape(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped punctuation (an independent reference)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def _golden_uploads() -> list[tuple[str, bytes]]:
    return [(name, (GOLDEN / name).read_bytes()) for name in WHOOP_FILES]


def _daily(columns: dict[str, list[float]], first: str, **labels: str) -> DailyData:
    days = pd.date_range(first, periods=len(next(iter(columns.values()))), freq="D", name="date")
    registry = {
        name: Variable(name, labels.get(name, name.title()), "min", "metric", "whoop")
        for name in columns
    }
    return DailyData(pd.DataFrame(columns, index=days), registry)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "workspace.sqlite")


# --- escaping user text ---------------------------------------------------------------------------
def test_markdown_and_html_in_user_text_are_escaped() -> None:
    assert escape_markdown(TRICKY) == (
        "\\*\\*bold\\*\\* \\<b\\>x\\<\\/b\\> \\[link\\]\\(http\\:\u2060\\/\\/x\\)"
    )
    assert _unescape(escape_markdown(TRICKY)) == TRICKY


def test_autolinks_emoji_colours_and_maths_cannot_form() -> None:
    text = "see www.example.com or me@mail.org :smile: :red[alarm] $x^2$"
    escaped = escape_markdown(text)
    assert "www\u2060\\." in escaped
    assert "\\@\u2060mail" in escaped
    assert "\\:smile\\:" in escaped
    assert "\\$x\\^2\\$" in escaped
    assert _unescape(escaped) == text


def test_line_breaks_become_single_spaces() -> None:
    assert escape_markdown("a\n\n# b\r\nc") == "a \\# b c"
    assert escape_markdown(Path("/tmp/x_y.csv")) == "\\/tmp\\/x\\_y\\.csv"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))))
def test_escaped_text_shows_the_original_and_leaves_no_punctuation_active(text: str) -> None:
    escaped = escape_markdown(text)
    flat = re.sub(r"\s*[\r\n]+\s*", " ", text)
    assert _unescape(escaped) == flat
    without_escapes = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not set(without_escapes) & set(string.punctuation)


# --- active data ----------------------------------------------------------------------------------
def test_an_empty_workspace_shows_the_labelled_sample(workspace: Workspace) -> None:
    sample = _daily({"recovery_score": [50.0, 60.0]}, "2024-01-01")
    active = dashboard.active_data(workspace, sample=lambda: sample)
    assert active.is_sample
    assert active.daily is sample
    assert active.label == "Sample person"
    assert active.notice is not None
    assert active.notice.startswith("You are looking at a sample person who does not exist")


def test_after_an_import_the_workspace_is_shown_and_the_sample_never_loaded(
    workspace: Workspace,
) -> None:
    workspace.import_sources(_golden_uploads())

    def refuse() -> DailyData:
        raise AssertionError("the sample must not be read once there is data")

    active = dashboard.active_data(workspace, sample=refuse)
    assert not active.is_sample
    assert active.notice is None
    assert active.label == "Your data"
    expected = workspace.daily()
    pd.testing.assert_frame_equal(active.daily.table, expected.table)
    assert active.daily.registry == expected.registry


def test_the_bundled_sample_reads_like_an_import_of_its_files() -> None:
    sample = dashboard.load_sample()
    reference = read_exports([dashboard.SAMPLE_DIR / name for name in dashboard.SAMPLE_EXPORTS])
    pd.testing.assert_frame_equal(sample.table, reference.table)
    assert sample.registry == reference.registry
    assert sample.days == 730
    assert {v.source for v in sample.registry.values()} == {"whoop", "apple_health", "csv"}
    assert not any(str(dashboard.SAMPLE_DIR) in w for w in sample.warnings)
    assert any(w.startswith("apple_health/export.zip") for w in sample.warnings)


def test_a_missing_sample_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"whoop_export\.zip: the bundled sample export is missing"
    ):
        dashboard.load_sample(tmp_path)


def test_the_revision_changes_with_every_import_and_removal(workspace: Workspace) -> None:
    assert dashboard.workspace_revision(workspace) == ()
    workspace.import_sources(_golden_uploads())
    workspace.import_sources([("habits.csv", HABITS)])
    assert dashboard.workspace_revision(workspace) == (1, 2)
    workspace.remove_import(1)
    assert dashboard.workspace_revision(workspace) == (2,)
    workspace.import_sources(_golden_uploads())
    assert dashboard.workspace_revision(workspace) == (2, 3)


# --- importing uploads ----------------------------------------------------------------------------
def test_an_upload_is_imported_and_summarised(workspace: Workspace) -> None:
    heard: list[tuple[float, str]] = []
    report = dashboard.import_uploads(
        workspace,
        [*_golden_uploads(), ("habits.csv", HABITS)],
        progress=lambda f, m: heard.append((f, m)),
    )
    (whoop, habits) = read_sources([*_golden_uploads(), ("habits.csv", HABITS)])
    expected_days = pd.read_csv(GOLDEN / "expected_daily.csv", parse_dates=["date"])["date"]
    table = report.table
    assert list(table.columns) == [
        "Source", "Result", "Days", "From", "To", "Variables", "Files", "File names",
    ]  # fmt: skip
    assert table["Source"].tolist() == ["WHOOP", "Daily CSV"]
    assert table["Days"].tolist() == [len(expected_days), 3]
    assert table["From"].tolist() == [expected_days.min().date(), pd.Timestamp("2024-03-06").date()]
    assert table["To"].tolist() == [expected_days.max().date(), pd.Timestamp("2024-03-09").date()]
    assert table["Variables"].tolist() == [len(whoop.daily.registry), 2]
    assert table["Files"].tolist() == [4, 1]
    assert table["File names"].tolist() == [", ".join(WHOOP_FILES), "habits.csv"]
    assert table["Result"].tolist() == [
        f"{len(expected_days)} days added, 0 updated",
        "3 days added, 0 updated",
    ]
    assert report.headline == (
        f"Imported from WHOOP, Daily CSV: {len(expected_days) + 3} new days, 0 updated."
    )
    assert report.warnings == tuple(f"WHOOP: {w}" for w in whoop.daily.warnings) + tuple(
        f"Daily CSV: {w}" for w in habits.daily.warnings
    )
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert [m for _, m in heard if m.startswith("Reading")] == [
        "Reading WHOOP (4 files)",
        "Reading Daily CSV (1 file)",
    ]
    assert len(workspace.imports()) == 2


def test_a_daylio_import_shows_its_moods_and_scores_for_checking(workspace: Workspace) -> None:
    export = REPO / "tests" / "fixtures" / "daylio-golden" / "daylio_export.csv"
    report = dashboard.import_uploads(workspace, [(export.name, export.read_bytes())])
    assert report.table["Source"].tolist() == ["Daylio"]
    assert report.moods is not None
    assert list(report.moods.columns) == ["Mood", "Entries", "Score", "Scored by"]
    scored = dict(zip(report.moods["Mood"], report.moods["Score"], strict=True))
    assert scored["Medium [-]"] == 3.0
    assert np.isnan(scored["meh-ish"])
    assert dashboard.import_uploads(workspace, _golden_uploads()).moods is None


def test_the_same_files_again_are_already_imported(workspace: Workspace) -> None:
    dashboard.import_uploads(workspace, _golden_uploads())
    today = datetime.now(UTC).astimezone().date().isoformat()
    again = dashboard.import_uploads(workspace, _golden_uploads())
    assert again.headline == f"Nothing new: these files were already imported on {today}."
    assert again.table["Result"].tolist() == [f"already imported on {today}; nothing changed"]
    assert len(workspace.imports()) == 1

    mixed = dashboard.import_uploads(workspace, [*_golden_uploads(), ("habits.csv", HABITS)])
    assert mixed.headline == (
        "Imported from Daily CSV: 3 new days, 0 updated. "
        f"Already imported before, so left as they were: WHOOP on {today}."
    )


def test_one_day_is_counted_in_the_singular(workspace: Workspace) -> None:
    report = dashboard.import_uploads(workspace, [("one.csv", b"date,steps\n2024-03-06,9000\n")])
    assert report.headline == "Imported from Daily CSV: 1 new day, 0 updated."
    assert report.table["Result"].tolist() == ["1 day added, 0 updated"]
    (option,) = dashboard.removal_options(workspace.imports()).values()
    assert option.startswith("#1 · Daily CSV · 1 file · 1 day · imported ")


def test_a_bad_upload_imports_nothing_and_says_why(workspace: Workspace) -> None:
    dashboard.import_uploads(workspace, _golden_uploads())
    before = workspace.path.read_bytes()
    ragged = ("log.csv", b"date,steps\n2024-01-01,1\n2024-01-02,1,2\n")
    with pytest.raises(ValueError, match=r"^log\.csv: row 3 has 3 values but the header has 2"):
        dashboard.import_uploads(workspace, [("habits.csv", HABITS), ragged])
    assert workspace.path.read_bytes() == before
    with pytest.raises(ValueError, match="no files uploaded"):
        dashboard.import_uploads(workspace, [])


# --- the import log -------------------------------------------------------------------------------
def test_the_import_log_reads_newest_first_in_local_time(workspace: Workspace) -> None:
    when = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    workspace.import_sources(_golden_uploads(), imported_at=when)
    workspace.import_sources([("habits.csv", HABITS)], imported_at=when)
    log = workspace.imports()
    table = dashboard.import_log_table(log)
    assert table["Import"].tolist() == [2, 1]
    assert table["Source"].tolist() == ["Daily CSV", "WHOOP"]
    local = when.astimezone().strftime("%Y-%m-%d %H:%M")
    assert table["Imported"].tolist() == [local, local]
    assert table["Files"].tolist() == [1, 4]
    assert table["File names"].tolist() == ["habits.csv", ", ".join(WHOOP_FILES)]
    assert table["Days"].tolist() == [3, log.loc[0, "days"]]
    assert table["From"].tolist()[0] == pd.Timestamp("2024-03-06").date()
    assert table["Added"].tolist() == [3, log.loc[0, "days_added"]]

    options = dashboard.removal_options(log)
    assert list(options) == [2, 1]
    assert options[1] == f"#1 · WHOOP · 4 files · {log.loc[0, 'days']} days · imported {local}"
    assert options[2] == f"#2 · Daily CSV · 1 file · 3 days · imported {local}"
    question = dashboard.removal_question(log, 2)
    assert question.startswith(f"Remove import {options[2]}? Its values leave the daily table")
    with pytest.raises(ValueError, match="no import with id 7"):
        dashboard.removal_question(log, 7)


# --- what the data holds --------------------------------------------------------------------------
def test_overview_counts_days_variables_and_sources() -> None:
    whoop = _daily({"recovery_score": [50.0, np.nan, 70.0]}, "2024-01-01")
    habits = DailyData(
        pd.DataFrame(
            {"sauna": [1.0, 0.0]}, index=pd.DatetimeIndex(["2024-01-02", "2024-01-05"], name="date")
        ),
        {"sauna": Variable("sauna", "Sauna", "", "behaviour", "csv")},
    )
    figures, sentence = dashboard.overview(merge_daily([whoop, habits]))
    assert figures == [
        ("Days", "4"),
        ("First day", "2024-01-01"),
        ("Last day", "2024-01-05"),
        ("Variables", "2"),
    ]
    assert sentence == (
        "Sources: WHOOP, Daily CSV. You control 1 variable (yes/no behaviours and numeric "
        "habits); the rest are measurements."
    )
    empty_figures, empty_sentence = dashboard.overview(DailyData.empty())
    assert empty_figures == [
        ("Days", "0"),
        ("First day", "–"),
        ("Last day", "–"),
        ("Variables", "0"),
    ]
    assert empty_sentence.startswith("Sources: none yet.")


def test_the_variable_table_counts_days_with_a_value() -> None:
    values = {
        "asleep_min": [np.nan, 420.0, 400.0, np.nan, 380.0],
        "nap_min": [np.nan] * 5,
    }
    daily = _daily(values, "2024-02-27", asleep_min=TRICKY)
    table = dashboard.variables_table(daily)
    assert list(table.columns) == [
        "Name", "Label", "Unit", "Kind", "Source", "Days", "First day", "Last day",
    ]  # fmt: skip
    assert table["Name"].tolist() == ["asleep_min", "nap_min"]
    assert table["Label"].tolist() == [TRICKY, "Nap_Min"]
    assert table["Days"].tolist() == [int(pd.Series(v).notna().sum()) for v in values.values()]
    assert table["First day"].tolist() == [pd.Timestamp("2024-02-28").date(), None]
    assert table["Last day"].tolist() == [pd.Timestamp("2024-03-02").date(), None]
    assert table["Source"].tolist() == ["WHOOP", "WHOOP"]


def test_weekly_coverage_counts_days_per_week_within_the_data() -> None:
    # Wednesday 2024-03-06 to Tuesday 2024-03-19: weeks of 5, 7 and 2 days.
    n = 14
    every_day = [1.0] * n
    weekdays_only = [np.nan if d.weekday() >= 5 else 1.0
                     for d in pd.date_range("2024-03-06", periods=n)]  # fmt: skip
    late = [np.nan] * 7 + [2.0] * 7
    daily = _daily(
        {"a": every_day, "b": weekdays_only, "c": late}, "2024-03-06", a="Same", b="Same"
    )
    coverage = dashboard.weekly_coverage(daily)
    reference = {}
    for day, row in daily.table.iterrows():
        monday = day - pd.Timedelta(days=day.weekday())
        for name, value in row.items():
            if not np.isnan(value):
                reference[(monday, name)] = reference.get((monday, name), 0) + 1
    got = {(w, v): d for w, v, d in coverage[["week", "variable", "days"]].itertuples(index=False)}
    assert got == reference
    weeks = [pd.Timestamp(d) for d in ("2024-03-04", "2024-03-11", "2024-03-18")]
    a = coverage[coverage["variable"] == "a"]
    assert a["week"].tolist() == weeks
    assert a["days_in_data"].tolist() == [5, 7, 2]
    assert a["share"].tolist() == [1.0, 1.0, 1.0]
    assert a["week_end"].tolist() == [w + pd.Timedelta(days=7) for w in weeks]
    b = coverage[coverage["variable"] == "b"]
    assert b["share"].tolist() == pytest.approx([3 / 5, 5 / 7, 2 / 2])
    c = coverage[coverage["variable"] == "c"]
    assert c["week"].tolist() == weeks[1:]  # a week without values has no row
    assert coverage["variable"].tolist() == ["a"] * 3 + ["b"] * 3 + ["c"] * 2
    assert coverage["row"].unique().tolist() == [
        "Same · WHOOP (a)",
        "Same · WHOOP (b)",
        "C · WHOOP",
    ]


def test_weekly_coverage_of_nothing_is_an_empty_table() -> None:
    coverage = dashboard.weekly_coverage(DailyData.empty())
    assert coverage.empty
    assert "share" in coverage.columns


# --- notes said once -------------------------------------------------------------------------


def test_an_imports_value_notes_are_in_its_report_and_not_again_in_the_quality_notes(
    tmp_path: Path,
) -> None:
    workspace = Workspace(tmp_path / "w.sqlite")
    workspace.import_sources([("old.csv", b"date,sauna\n2024-03-01,yes\n2024-03-02,no\n")])
    log = b"date,steps\n2024-03-06,9000\n2024-03-07,-50000\n1900-01-01,3\n"
    report = dashboard.import_uploads(workspace, [("log.csv", log)])
    notes = [w for w in report.warnings if "left out" in w]
    assert notes == [
        "Daily CSV: log.csv: 1 record dated 1900-01-01, before 2000-01-01, left out (row 4; an "
        "Excel or Unix epoch date, not a real record)",
        "Daily CSV: log.csv: 1 value of 'steps' negative left out (row 3; plausible: 0 to "
        "150,000 steps; ultramarathon days reach about 100,000 steps)",
    ]
    daily = workspace.daily()
    remaining = dashboard.quality_notes(daily, report)
    assert not any("left out" in w for w in remaining)
    assert set(remaining) | {w.removeprefix("Daily CSV: ") for w in report.warnings} >= set(
        daily.warnings
    )
    # without an import report, every note is a quality note
    assert dashboard.quality_notes(daily) == daily.warnings
